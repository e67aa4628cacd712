// Mojibake repair: UTF-8 text that was decoded with a single-byte code page.
//
// For every code page we build, once, a reverse table char -> byte (iconv-lite decodes the 128
// high bytes). "Sloppy" variants are folded in: bytes a code page leaves undefined may show up as
// C1 controls, as their Windows-1252 character or as their Latin-1 character. A run of characters
// that re-encodes to valid multi-byte UTF-8 is a candidate; the candidate fix of a word is
// accepted only when it is clearly less improbable than the word as it stands (see `badness`),
// so correct Thai, Greek, Cyrillic, accented Latin, emoji and math are left alone.

import iconv from 'iconv-lite';
import type { Repair } from '../types.ts';
import {
  charClass,
  C_BAD,
  C_CONTROL,
  C_DIGIT,
  C_FORMAT,
  C_LETTER,
  C_LOWER,
  C_MARK,
  C_PUNCT,
  C_SPACE,
  C_SYMBOL,
  C_UPPER,
  S_CJK,
  S_COMMON,
  S_GREEK,
  S_HANGUL,
  S_LATIN,
} from './charclass.ts';

const ASCII_P = new Int16Array(128);
for (let c = 0; c < 128; c++) ASCII_P[c] = charClass(c);

/** Code pages tried, in order of preference when several give the same repair. */
export const CODE_PAGES = [
  'windows-1252',
  'windows-1250',
  'windows-1251',
  'windows-874',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
  'macintosh',
  'iso-8859-1',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-9',
  'iso-8859-10',
  'iso-8859-11',
  'iso-8859-13',
  'iso-8859-14',
  'iso-8859-15',
  'iso-8859-16',
  'koi8-r',
  'koi8-u',
  'cp437',
  'cp850',
] as const;

interface Tables {
  /** enc[k][charCode] = byte (0x80..0xFF) of the char in code page k, 0 when none. */
  enc: Uint8Array[];
  /** definesC1[k][i] = 1 when code page k has its own (non-control) char for byte 0x80 + i. */
  definesC1: Uint8Array[];
  /** Bit k set when the char is a UTF-8 lead byte (C2..F4) in code page k. */
  lead: Uint32Array;
  /** Bit k set when the char is a UTF-8 continuation byte (80..BF) in code page k. */
  cont: Uint32Array;
  /** windows-1252 char for each byte 0x80..0x9F (0 when undefined). */
  w1252: Uint16Array;
  /** Code pages where byte 0x9D is undefined (the last byte of "”" gets lost there). */
  lost9d: boolean[];
  /** Mac Roman char for each byte 0x80..0x9F. */
  macC1: Uint16Array;
  /** Code pages whose bytes 0x80..0x9F are punctuation and rare letters (Windows, KOI8). */
  c1Evidence: boolean[];
}

let tables: Tables | null = null;

function highBytes(name: string): string {
  const b = Buffer.alloc(128);
  for (let i = 0; i < 128; i++) b[i] = 128 + i;
  return iconv.decode(b, name);
}

function build(): Tables {
  const enc: Uint8Array[] = [];
  const lead = new Uint32Array(65536);
  const cont = new Uint32Array(65536);
  const w = highBytes('windows-1252');
  const w1252 = new Uint16Array(32);
  const lost9d: boolean[] = [];
  const definesC1: Uint8Array[] = [];
  for (let i = 0; i < 32; i++) w1252[i] = w.charCodeAt(i) === 0xfffd ? 0 : w.charCodeAt(i);
  CODE_PAGES.forEach((name, k) => {
    const e = new Uint8Array(65536);
    const dec = highBytes(name);
    const defined = new Set<number>();
    for (let i = 0; i < 128; i++) {
      const c = dec.charCodeAt(i);
      if (dec.length === 128 && c !== 0xfffd) {
        if (!e[c]) e[c] = 128 + i;
        defined.add(i);
      }
    }
    lost9d.push(!defined.has(0x1d) || dec.charCodeAt(0x1d) === 0x9d);
    const dc = new Uint8Array(32);
    for (let i = 0; i < 32; i++) if (defined.has(i) && dec.charCodeAt(i) !== 0x80 + i) dc[i] = 1;
    definesC1.push(dc);
    // Sloppy fallbacks for undefined bytes: C1 control, Windows-1252 char, Latin-1 char.
    for (let i = 0; i < 128; i++) {
      if (defined.has(i)) continue;
      const alts = [0x80 + i];
      if (i < 32 && w1252[i]) alts.push(w1252[i]);
      for (const c of alts) if (!e[c]) e[c] = 128 + i;
    }
    // C1 controls stand for their own byte wherever that char is not otherwise used.
    for (let i = 0; i < 32; i++) if (!e[0x80 + i]) e[0x80 + i] = 0x80 + i;
    enc.push(e);
    const bit = 1 << k;
    for (let c = 0x80; c < 65536; c++) {
      const b = e[c];
      if (!b) continue;
      if (b >= 0xc2 && b <= 0xf4) lead[c] |= bit;
      else if (b <= 0xbf) cont[c] |= bit;
    }
  });
  const mac = highBytes('macintosh');
  const macC1 = new Uint16Array(32);
  for (let i = 0; i < 32; i++) macC1[i] = mac.charCodeAt(i);
  return { enc, definesC1, lead, cont, w1252, lost9d, macC1, c1Evidence: CODE_PAGES.map((n) => /^(windows|koi8)/.test(n)) };
}

function getTables(): Tables {
  if (!tables) tables = build();
  return tables;
}

function isLetterCat(cat: number): boolean {
  return cat === C_LOWER || cat === C_UPPER || cat === C_LETTER;
}

function isApostropheOrDash(c: number): boolean {
  return (
    c === 0x2019 || c === 0x2018 || c === 0x02bc || c === 0x2010 || c === 0x2011 || c === 0x2013 ||
    c === 0x2014 || c === 0x00b7 || c === 0x2026
  );
}

/** "mayor’s", "don’t", "we’ll", "l’épisode", "qu’il": an apostrophe, not a broken letter. */
function contraction(s: string, i: number): boolean {
  const after = s.slice(i + 1, i + 4).toLowerCase();
  if (/^(?:s|t|d|m|ll|re|ve)(?![\p{L}])/u.test(after)) return true;
  const before = s.slice(Math.max(0, i - 3), i).toLowerCase();
  return /(?:^|[^\p{L}])(?:[ldjmnstc]|qu)$/u.test(before);
}

function isBox(c: number): boolean {
  return c >= 0x2500 && c <= 0x259f;
}

/** Flag on a class: a Greek letter standing alone among Latin letters and digits. */
const GREEK_SYMBOL = 1 << 12;

function isGreekLetter(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  if (c < 0x370) return false;
  const p = charClass(c);
  return ((p >> 4) & 15) === S_GREEK && isLetterCat(p & 15);
}

/**
 * The class of s[i], where a lone Greek letter beside a Latin letter or a digit ("IL2Rγc",
 * "TNFα", "5γ") is a scientific symbol: it counts as a letter of no script, a small oddity
 * rather than a change of script.
 */
function classAt(s: string, i: number): number {
  const p = charClass(s.charCodeAt(i));
  if (((p >> 4) & 15) !== S_GREEK || !isLetterCat(p & 15)) return p;
  if (isGreekLetter(s, i - 1) || isGreekLetter(s, i + 1)) return p;
  const latinOrDigit = (j: number) => {
    if (j < 0 || j >= s.length) return false;
    const q = charClass(s.charCodeAt(j));
    return (q & 15) === C_DIGIT || (((q >> 4) & 15) === S_LATIN && isLetterCat(q & 15));
  };
  if (!latinOrDigit(i - 1) && !latinOrDigit(i + 1)) return p;
  return (p & ~0xf0) | (S_COMMON << 4) | GREEK_SYMBOL;
}

/**
 * How improbable a short string (a word) looks: controls and unassigned characters, script
 * changes between adjacent letters, a letter of a non-Latin script standing alone next to
 * digits or symbols, case flips involving non-ASCII letters, symbols glued inside words, rare
 * characters (IPA, archaic letters).
 */
export function badness(s: string): number {
  let bad = 0;
  const n = s.length;
  let pc = -1; // previous char
  let pp = 0; // its class
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const p = c < 0x80 ? ASCII_P[c] : classAt(s, i);
    const cat = p & 15;
    const nc = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    const np = nc < 0 ? 0 : nc < 0x80 ? ASCII_P[nc] : classAt(s, i + 1);
    if (p & GREEK_SYMBOL) bad += 1;
    const ncat = np & 15;
    const pcat = pc < 0 ? 0 : pp & 15;
    if (c >= 0x80) {
      if (cat === C_CONTROL || cat === C_BAD) bad += 4;
      if (p & 256) bad += 1;
      if (cat === C_FORMAT && (pcat === C_UPPER || pcat === C_LOWER)) bad += 1;
    }
    const isL = isLetterCat(cat) || (cat === C_MARK && ((p >> 4) & 15) !== S_COMMON);
    const pL = pc >= 0 && (isLetterCat(pcat) || (pcat === C_MARK && ((pp >> 4) & 15) !== S_COMMON));
    const nL = nc >= 0 && (isLetterCat(ncat) || (ncat === C_MARK && ((np >> 4) & 15) !== S_COMMON));
    if (isL) {
      const sc = (p >> 4) & 15;
      if (pL) {
        const ps = (pp >> 4) & 15;
        if (sc !== ps && sc !== S_COMMON && ps !== S_COMMON) bad += 2;
        else if (pcat === C_LOWER && cat === C_UPPER && (c >= 0x80 || pc >= 0x80)) {
          bad += 1;
        }
        // UPPER lower UPPER with a non-ASCII lowercase letter in the middle
        if (pcat === C_UPPER && cat === C_LOWER && c >= 0x80 && ncat === C_UPPER) bad += 1;
      }
      // A letter of a non-Latin alphabet alone between digits, symbols or other scripts.
      if (c >= 0x80 && sc !== S_LATIN && sc !== S_COMMON && sc !== S_CJK && sc !== S_HANGUL) {
        const sameP = pL && ((pp >> 4) & 15) === sc;
        const sameN = nL && ((np >> 4) & 15) === sc;
        const otherP = pc >= 0 && !sameP && (pcat === C_DIGIT || pL || (pcat === C_PUNCT && pc >= 0x80));
        const otherN = nc >= 0 && !sameN && (ncat === C_DIGIT || nL || (ncat === C_PUNCT && nc >= 0x80));
        if (!sameP && !sameN && (otherP || otherN)) bad += 2;
      }
    } else if (c >= 0x80 && c < 0xd800 && (cat === C_SYMBOL || cat === C_PUNCT) && !isApostropheOrDash(c)) {
      // A symbol or punctuation mark glued inside a word.
      const box = isBox(c);
      const pSym = pc >= 0x80 && (pcat === C_SYMBOL || pcat === C_PUNCT) && !isApostropheOrDash(pc);
      const nSym = nc >= 0x80 && (ncat === C_SYMBOL || ncat === C_PUNCT) && !isApostropheOrDash(nc);
      if (cat === C_SYMBOL) {
        if (box) {
          if (pL && nL) bad += 1;
        } else if ((pL && (nL || ncat === C_DIGIT || nSym)) || (nL && pSym && !isBox(pc))) bad += 1;
        if (pL && nL && !box) bad += 1;
      } else if (pL && nL) bad += 1;
    } else if (c === 0x2019 && pL && nL && !contraction(s, i)) bad += 1;
    pc = c;
    pp = p;
  }
  return bad;
}



interface Piece {
  start: number;
  end: number;
  text: string;
}

/** Decode text[s, e) as UTF-8 bytes under code page k; pieces of valid multi-byte sequences. */
function isLowerAscii(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * Decode text[s, e) as UTF-8 bytes under code page k: the pieces that form valid multi-byte
 * sequences, and the evidence (beyond `badness`) that they are mojibake.
 */
function decodeWord(
  text: string,
  s: number,
  e: number,
  k: number,
  t: Tables,
  firstPass: boolean,
): { pieces: Piece[]; evidence: number; sloppy: number; lone: boolean } {
  const enc = t.enc[k];
  const pieces: Piece[] = [];
  let evidence = 0;
  let qOnly = 0; // pieces made of a lead and "?" only
  let qAll = 0;
  let strong = 0; // pieces not flagged as plausible as they stand
  let sloppy = 0;
  let lone = false; // a one-letter word joined to the next through a restored 0xA0
  let j = s;
  let lastEnd = s; // end of the last piece
  while (j < e) {
    const lc = text.charCodeAt(j);
    const b = lc === 0xa0 ? 0 : enc[lc]; // NBSP is no lead byte (Mac Roman 0xCA)
    if (b >= 0xc2 && b <= 0xf4 && j > lastEnd && strictCont(text.charCodeAt(j - 1), enc, t.enc[0])) {
      // A sequence right after a stray continuation byte sits inside a garble that cannot be
      // decoded as a whole (a lowercased one, say): decoding bits of it makes things worse.
      j++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xf4) {
      const n = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      let cp = b & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
      let ok = true;
      let lossy = false;
      let eatSpace = false;
      let quietSpace = false;
      let qmark = false;
      let possessive = false; // "Ã’s", "Â AJIKKO": a plausible reading as it stands
      let realCont = 0;
      let boxSeen = lc >= 0x2500 && lc <= 0x259f;
      let ev = 0;
      let lim = e; // a restored 0xA0 inside a sequence extends it over the next word
      for (let q = 1; q < n; q++) {
        const pos = j + q;
        let c2 = pos < lim ? text.charCodeAt(pos) : -1;
        if (
          c2 < 0 && pos === e && q === 1 && n === 3 && (b === 0xe2 || b === 0xe3) && A0_AS_SPACE[k] &&
          text.charCodeAt(e) === 0x20 && e + 1 < text.length && (enc[text.charCodeAt(e + 1)] & 0xc0) === 0x80 &&
          enc[text.charCodeAt(e + 1)] !== 0xa0
        ) {
          // "â € ": a 0xA0 in the middle of a 3-byte sequence became a space (ftfy's restore_byte_a0)
          eatSpace = true;
          realCont++;
          lim = e + 2;
          cp = (cp << 6) | 0x20;
          continue;
        }
        if (c2 === 0xfffd && t.c1Evidence[k]) {
          // a byte was lost and replaced by U+FFFD (in any continuation position, and in a later
          // pass too: double encoding of a lossy sequence)
          lossy = true;
          continue;
        }
        if (c2 === 0x3f && firstPass && t.c1Evidence[k]) {
          // ... or by "?"
          lossy = true;
          qmark = true;
          continue;
        }
        if (c2 === 0x2019 && text.charCodeAt(pos + 1) === 0x73 && !followsWordChar(text.charCodeAt(pos + 2))) possessive = true;
        if (c2 === 0xa0 && text.charCodeAt(pos + 1) >= 65 && text.charCodeAt(pos + 1) <= 90) possessive = true;
        realCont++;
        if (c2 >= 0x2500 && c2 <= 0x259f) boxSeen = true;
        // A C1 control standing for a byte this code page prints as a character: a decoder for
        // this code page would not have produced it (an ISO-8859 one would).
        if (c2 >= 0x80 && c2 <= 0x9f && t.definesC1[k][c2 - 0x80]) sloppy++;
        let b2 = c2 >= 0x80 ? enc[c2] : 0;
        if (c2 < 0 && pos === e && q === n - 1 && text.charCodeAt(e) === 0x20) {
          if (A0_AS_SPACE[k] && (spaceLeads(text, j, e) || (lc === 0xc2 && n === 2 && j > s && !wordCharBefore(text, j)))) {
            // 0xA0 turned into a space (ftfy's restore_byte_a0); "Â " glued to punctuation or
            // mojibake ("!!!Â ", "�Â ") is a no-break space whatever follows
            b2 = 0xa0;
            eatSpace = true;
          } else if (A0_NBSP[k] && n === 2 && A0_LEADS.has(b) && spaceLeads(text, j, e)) {
            // the same in other code pages, for the leads whose 0xA0 pair is a common character
            // ("Å " in Windows-1257 is "Š"); no evidence of its own
            b2 = 0xa0;
            eatSpace = true;
            quietSpace = true;
          }
        }
        if (b2 < 0x80 || b2 > 0xbf) {
          ok = false;
          break;
        }
        if (q === 1 && ((b === 0xe0 && b2 < 0xa0) || (b === 0xf0 && b2 < 0x90) || (b === 0xf4 && b2 > 0x8f))) {
          ok = false;
          break;
        }
        // A Windows "C1-area" character (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ, or
        // a code page's own there) inside a word; judged the same way for every code page.
        const w = t.enc[0][c2];
        const c1area = w ? w <= 0x9f : b2 <= 0x9f && t.c1Evidence[k];
        if (c1area && pos + 1 < e && followsWordChar(text.charCodeAt(pos + 1))) ev++;
        cp = (cp << 6) | (b2 & 0x3f);
      }
      // A later pass reads a U+FFFD as a lost byte only beside real continuation bytes: a "�"
      // that an earlier pass produced is not itself a sequence.
      if (ok && lossy && !firstPass && realCont === 0) ok = false;
      if (ok && cp >= 0xd800 && cp <= 0xdbff) {
        // CESU-8: a surrogate pair encoded as two 3-byte sequences.
        const lo = j + 3 < e ? decodeSurrogate(text, j + 3, e, enc) : -1;
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          pieces.push({ start: j, end: j + 6, text: String.fromCharCode(cp, lo) });
          evidence += 2;
          j += 6;
          lastEnd = j;
          continue;
        }
        ok = false;
      } else if (ok && cp >= 0xdc00 && cp <= 0xdfff) ok = false;
      if (!ok && b === 0xe2 && j + 2 === e && enc[text.charCodeAt(j + 1)] === 0x80 && t.lost9d[k]) {
        // "”" whose last byte (0x9D, undefined in this code page) was dropped.
        pieces.push({ start: j, end: j + 2, text: '\u201d' });
        evidence += 1;
        j += 2;
        lastEnd = j;
        continue;
      }
      if (eatSpace && ok && lc === 0xc3) {
        ok = false; // "Ã " is handled below: "à" usually keeps its space
        eatSpace = false;
      }
      if (!ok && b === 0xc3 && t.c1Evidence[k] && j + 1 === e && text.charCodeAt(e) === 0x20) {
        // "Ã " : "à" whose 0xA0 byte became a space or was lost (ftfy's restore_byte_a0).
        const prev = j > 0 ? text.charCodeAt(j - 1) : 0x20;
        const after = text.slice(e + 1, e + 7);
        const nextLower = isLowerAscii(after.charCodeAt(0)) || (after.charCodeAt(0) === 0x20 && isLowerAscii(after.charCodeAt(1)));
        const prevLetter = (charClass(prev) & 15) === C_LOWER;
        if (nextLower && (prevLetter || prev === 0x20 || prev === 0x27 || prev === 0x2019 || prev === 0x0a)) {
          // Windows-1252 text: a French/Portuguese "à" word keeps its space; in other code pages
          // (Vietnamese "hĂ i") a letter before means the space was inside the word.
          const eat = A0_AS_SPACE[k]
            ? /^(?:s |quel[ae]|quilo)/.test(after) || after.charCodeAt(0) === 0x20
            : prevLetter || after.charCodeAt(0) === 0x20;
          pieces.push({ start: j, end: eat ? e + 1 : e, text: '\u00e0' });
          evidence += 2;
          j = e;
          lastEnd = j;
          continue;
        }
      }
      if (ok) {
        if ((lc === 0xc3 || lc === 0xc2) && b === lc) ev++; // "Ã©", "Â£": the classic Windows-1252 leads
        if (boxSeen && (cp < 0x100 || /\p{L}/u.test(String.fromCodePoint(cp)))) ev++; // CP437/850: "╨┐" -> "п"
        if (lossy) ev++;
        if (eatSpace && j === s && j + 1 === e) {
          // "Å være", "Ö är": a one-letter word of its own as likely as a lost 0xA0 ("Å iaip"),
          // so no evidence of its own; nearby repairs decide
          quietSpace = true;
          lone = true;
        }
        if (eatSpace && !quietSpace) ev++;
        if (cp === 0xfffd) ev += 2; // "ï¿½"
        if (possessive) ev = 0;
        else strong++;
        if (qmark) {
          if (realCont === 0) qOnly++;
          qAll++;
          ev++;
        }
        evidence += ev;
        const end = j + n;
        pieces.push({ start: j, end, text: lossy ? '\ufffd' : String.fromCodePoint(cp) });
        j = end;
        lastEnd = j;
        continue;
      }
    }
    j++;
  }
  // A lone "Ã?" is more likely a word ending in "Ã" before a question mark.
  if (qOnly === 1 && qAll === 1) {
    const i = pieces.findIndex((p) => p.text === '\ufffd' && p.end - p.start === 2 && text.charCodeAt(p.end - 1) === 0x3f);
    if (i >= 0) {
      pieces.splice(i, 1);
      evidence -= 2;
    }
  }
  // Two or more valid sequences in one word rarely happen by chance.
  if (strong >= 2) evidence++;
  // A word with more stray high bytes than decoded ones is a garble (a lowercased one, say)
  // that no reading of this code page explains: decoding bits of it makes things worse.
  if (pieces.length) {
    const w = t.enc[0];
    let covered = 0;
    for (const p of pieces) covered += Math.min(p.end, e) - p.start;
    let stray = 0;
    let q = 0;
    for (let i = s; i < e; i++) {
      while (q < pieces.length && pieces[q].end <= i) q++;
      if (q < pieces.length && pieces[q].start <= i) continue;
      const c = text.charCodeAt(i);
      // (a char this code page lacks counts too: the word is not its mojibake as a whole)
      if (c >= 0xa1 && !plainPunct(c) && (enc[c] >= 0x80 || (enc[c] === 0 && w[c] >= 0x80))) stray++;
    }
    if (stray > covered) pieces.length = 0;
  }
  return { pieces, evidence, sloppy, lone };
}

/** Dashes, bullet, quotes, ellipsis and U+FFFD: common on their own next to mojibake. */
function plainPunct(c: number): boolean {
  return c === 0xfffd || c === 0x2013 || c === 0x2014 || c === 0x2022 || c === 0x2026 || (c >= 0x2018 && c <= 0x201e);
}

/**
 * A char that stands for a continuation byte and rarely for itself next to mojibake (not a
 * space, dash, bullet, quote or ellipsis).
 */
function strictCont(c: number, enc: Uint8Array, w: Uint8Array): boolean {
  // (C1 controls are bytes passed through, not a garble)
  if (c < 0xa1 || plainPunct(c)) return false;
  const b = enc[c] || w[c]; // (a char this code page lacks: by its Windows-1252 byte)
  return b >= 0x80 && b <= 0xbf;
}

/** Whether text outside [ws, we) holds a char that UTF-8 misread with `enc` cannot produce alone. */
function foreignOutside(text: string, ws: number, we: number, enc: Uint8Array): boolean {
  for (let i = 0; i < text.length; i++) {
    if (i === ws) i = we;
    const c = text.charCodeAt(i);
    if (c < 0xa0 || c === 0xfffd) continue;
    const b = enc[c];
    if (b === 0 || b <= 0xbf) return true;
  }
  return false;
}

function samePieces(a: Piece[], b: Piece[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].start !== b[i].start || a[i].end !== b[i].end || a[i].text !== b[i].text) return false;
  return true;
}

/** A byte 0x80..0x9F counts as evidence only inside a word (not "NAME™" or "word…"). */
function followsWordChar(c: number): boolean {
  return c >= 0x80 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** Code pages in which a lost 0xA0 byte is restored from a space (Windows-1252 / Latin-1). */
const A0_AS_SPACE = CODE_PAGES.map((n) => n === 'windows-1252' || n === 'iso-8859-1' || n === 'iso-8859-15');

/** Code pages whose byte 0xA0 is the no-break space. */
const A0_NBSP = CODE_PAGES.map((n) => iconv.decode(Buffer.from([0xa0]), n) === '\u00a0');

/** Lead bytes whose pair with 0xA0 is a common character: NBSP, "Š", "Π", "Р", "٠" (ftfy's list, less "à"). */
const A0_LEADS = new Set([0xc2, 0xc5, 0xce, 0xd0, 0xd9]);

function wordCharBefore(text: string, j: number): boolean {
  if (j === 0) return false;
  const cat = charClass(text.charCodeAt(j - 1)) & 15;
  return cat === C_LOWER || cat === C_UPPER || cat === C_LETTER || cat === C_DIGIT;
}

/** The space after text[j, e) may stand for 0xA0 when the next word starts lowercase or non-ASCII. */
function spaceLeads(text: string, j: number, e: number): boolean {
  const c = text.charCodeAt(e + 1);
  return (c >= 97 && c <= 122) || c >= 0x80;
}

function decodeSurrogate(text: string, j: number, e: number, enc: Uint8Array): number {
  if (j + 3 > e) return -1;
  const b0 = enc[text.charCodeAt(j)];
  const b1 = enc[text.charCodeAt(j + 1)];
  const b2 = enc[text.charCodeAt(j + 2)];
  if (b0 !== 0xed || b1 < 0xb0 || b1 > 0xbf || b2 < 0x80 || b2 > 0xbf) return -1;
  return 0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
}

function applyPieces(text: string, s: number, e: number, pieces: Piece[], between = (x: string) => x): string {
  let out = '';
  let j = s;
  for (const p of pieces) {
    out += between(text.slice(j, p.start)) + p.text;
    j = p.end;
  }
  return out + between(text.slice(j, Math.max(j, e)));
}

function hasC1Char(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && c <= 0x9f) return true;
  }
  return false;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x0b;
}

/** Code pages that share most of their characters (same language area). */
const FAMILY = CODE_PAGES.map((n) =>
  /^(windows-125[248]|iso-8859-(1|9|15)|macintosh)$/.test(n) ? 0
  : /^(windows-1250|iso-8859-(2|16))$/.test(n) ? 1
  : /^(windows-1251|iso-8859-5|koi8-.)$/.test(n) ? 2
  : /^(windows-1257|iso-8859-(4|10|13))$/.test(n) ? 3
  : /^iso-8859-3$/.test(n) ? 4
  : /^(windows-1253|iso-8859-7)$/.test(n) ? 5
  : /^(windows-1255|iso-8859-8)$/.test(n) ? 6
  : /^(windows-1256|iso-8859-6)$/.test(n) ? 7
  : /^(windows-874|iso-8859-11)$/.test(n) ? 8
  : /^cp(437|850)$/.test(n) ? 9
  : 10,
);

interface Option {
  k: number;
  pieces: Piece[];
  after: number;
  /** C1 controls read as bytes that this code page prints as characters. */
  sloppy: number;
  score: number;
  /** Enough evidence on its own. */
  ok: boolean;
  /** A one-letter word joined to the next (see decodeWord): repaired only beside other repairs. */
  lone: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
  kind: string;
}

const NON_ASCII = /[^\x00-\x7f]/g;

/** One pass: the edits (sorted, disjoint) that repair the text. */
function findEdits(text: string, focus: Uint8Array | null): Edit[] {
  const t = getTables();
  const { lead, cont } = t;
  const n = text.length;
  const edits: Edit[] = [];
  const cands: { ws: number; we: number; opts: Option[] }[] = [];
  const cache = new Map<string, Option[]>();
  let hasC1 = false;
  // plain ASCII runs are skipped by the regex engine, far faster than a loop
  NON_ASCII.lastIndex = 0;
  let i = NON_ASCII.test(text) ? NON_ASCII.lastIndex - 1 : n;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c <= 0x9f) hasC1 = true;
    const lm = lead[c];
    if (lm === 0) {
      i++;
      continue;
    }
    const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (!(cont[c2] & lm) && c2 !== 0xfffd && c2 !== 0x20 && c2 !== 0x3f) {
      i++;
      continue;
    }
    // The word around i (ASCII whitespace separates words), bounded for very long lines.
    let ws = i;
    while (ws > 0 && i - ws < 32 && !isWs(text.charCodeAt(ws - 1))) ws--;
    let we = i + 1;
    while (we < n && we - i < 256 && !isWs(text.charCodeAt(we))) we++;
    // Which code pages are worth a try: any with a lead char in the word.
    let mask = 0;
    for (let j = ws; j < we; j++) {
      const cj = text.charCodeAt(j);
      if (cj >= 0x80) {
        mask |= lead[cj];
        if (cj <= 0x9f) hasC1 = true;
      }
    }
    if (focus) {
      // Later passes (double encoding) only revisit words that the previous pass changed.
      let hit = false;
      for (let j = ws; j < we && !hit; j++) hit = focus[j] === 1;
      if (!hit) {
        i = we;
        continue;
      }
    }
    const word = text.slice(ws, we);
    // The same broken word recurs (“ ” ’ …): its readings depend only on the word and the few
    // characters around it, so they are computed once per text.
    const key = word.length <= 64 ? text.slice(Math.max(0, ws - 1), Math.min(n, we + 8)) + (ws === 0 ? '\u0002' : '') : null;
    let rel = key !== null ? cache.get(key) : undefined;
    if (rel === undefined) {
      // Lone C1 controls get their Windows-1252 reading anyway (below); a reading must beat that.
      const c1 = (x: string) =>
        hasC1Char(x) ? x.replace(/[\x80-\x9f]/g, (ch) => String.fromCharCode(t.w1252[ch.charCodeAt(0) - 0x80] || ch.charCodeAt(0))) : x;
      const before = badness(c1(word));
      const opts: Option[] = [];
      for (let k = 0; k < CODE_PAGES.length; k++) {
        if (!(mask & (1 << k))) continue;
        const { pieces, evidence, sloppy, lone } = decodeWord(text, ws, we, k, t, focus === null);
        if (pieces.length === 0) continue;
        // (leftover C1 controls outside the pieces get the same Windows-1252 reading)
        const after = badness(applyPieces(text, ws, we, pieces, c1));
        if (after > before) continue;
        const rp = pieces.map((p) => ({ start: p.start - ws, end: p.end - ws, text: p.text }));
        const score = before - after + evidence;
        opts.push({ k, pieces: rp, after, sloppy, score, ok: score >= 1 && !lone, lone });
      }
      rel = opts;
      if (key !== null) cache.set(key, opts);
    }
    if (rel.length) {
      const opts = rel.map((o) => ({ ...o, pieces: o.pieces.map((p) => ({ start: p.start + ws, end: p.end + ws, text: p.text })) }));
      cands.push({ ws, we, opts });
    }
    i = we;
  }
  if (cands.length) {
    // Which code page explains this text best: count, per code page, the words it repairs
    // with the least improbable result. Ties between code pages go to that one.
    const pref = new Float64Array(CODE_PAGES.length);
    for (const c of cands) {
      let max = 0;
      for (const o of c.opts) if (o.ok && o.score > max) max = o.score;
      let minS = Infinity;
      for (const o of c.opts) if (o.ok && o.score === max && o.sloppy < minS) minS = o.sloppy;
      for (const o of c.opts) if (o.ok && o.score === max && o.sloppy === minS) pref[o.k]++;
    }
    // The dominant family of code pages gets a bonus point, so that one text is read one way.
    const famPref = new Float64Array(11);
    for (let k = 0; k < CODE_PAGES.length; k++) famPref[FAMILY[k]] += pref[k];
    let dom = 0;
    for (let f = 1; f < famPref.length; f++) if (famPref[f] > famPref[dom]) dom = f;
    // An accepted word counts for every family of code pages that reads it the same way
    // ("VisÅ³" is "Visų" in Windows-1252 and in Windows-1257 alike).
    const accepted: { pos: number; fams: number }[] = [];
    const chosen: (Option | null)[] = cands.map((c) => {
      // (only for readings that decode as much of the word as the best one does)
      let most = 0;
      for (const o of c.opts) if (o.ok && o.pieces.length > most) most = o.pieces.length;
      const eff = (o: Option) => o.score + (FAMILY[o.k] === dom && famPref[dom] >= 3 && o.pieces.length === most ? 1 : 0);
      let best: Option | null = null;
      for (const o of c.opts) {
        if (!o.ok) continue;
        if (
          !best ||
          eff(o) > eff(best) ||
          (eff(o) === eff(best) && (o.sloppy < best.sloppy || (o.sloppy === best.sloppy && pref[o.k] > pref[best.k])))
        )
          best = o;
      }
      if (best) {
        let fams = 0;
        for (const o of c.opts) if (samePieces(o.pieces, best.pieces)) fams |= 1 << FAMILY[o.k];
        accepted.push({ pos: c.ws, fams });
      }
      return best;
    });
    // A one-letter word joined to the next ("Å iaip") is repaired when a nearby word was
    // repaired with the same family of code pages; it then counts as a repair itself.
    let added = false;
    const base = accepted.slice();
    let a0 = 0;
    for (let ci = 0; ci < cands.length; ci++) {
      const c = cands[ci];
      if (chosen[ci] || !c.opts.some((o) => o.lone)) continue;
      while (a0 < base.length && base[a0].pos < c.ws - 400) a0++;
      let nearFams = 0;
      for (let b = a0; b < base.length && base[b].pos < c.we + 400; b++) nearFams |= base[b].fams;
      let best: Option | null = null;
      for (const o of c.opts) {
        if (!o.lone) continue;
        const near = (nearFams & (1 << FAMILY[o.k])) !== 0;
        if (near && (!best || o.sloppy < best.sloppy || (o.sloppy === best.sloppy && pref[o.k] > pref[best.k]))) best = o;
      }
      if (best) {
        chosen[ci] = best;
        let fams = 0;
        for (const o of c.opts) if (samePieces(o.pieces, best.pieces)) fams |= 1 << FAMILY[o.k];
        accepted.push({ pos: c.ws, fams });
        added = true;
      }
    }
    if (added) accepted.sort((x, y) => x.pos - y.pos);
    // Words that decode plausibly but gave no evidence of their own ("Ð¶", "Chá»¯") are
    // repaired when nearby words were repaired with the same code page.
    let a = 0;
    for (let ci = 0; ci < cands.length; ci++) {
      if (chosen[ci]) continue;
      const c = cands[ci];
      while (a < accepted.length && accepted[a].pos < c.ws - 400) a++;
      const counts = new Map<number, number>();
      for (let b = a; b < accepted.length && accepted[b].pos < c.we + 400; b++) {
        const fams = accepted[b].fams;
        for (let f = 0; f < 11; f++) if (fams & (1 << f)) counts.set(f, (counts.get(f) ?? 0) + 1);
      }
      let best: Option | null = null;
      let bestN = 1;
      for (const o of c.opts) {
        const m = counts.get(FAMILY[o.k]) ?? 0;
        if (m > bestN || (best && m === bestN && (o.sloppy < best.sloppy || (o.sloppy === best.sloppy && pref[o.k] > pref[best.k])))) {
          best = o;
          bestN = m;
        }
      }
      chosen[ci] = best;
    }
    if (focus === null) {
      // One two-character sequence is the weakest evidence there is. When it is the only one in
      // a text that elsewhere holds correctly decoded characters this code page could not have
      // produced (a lone continuation byte, a character it lacks: "Mccoy – DrÃ¥ber"), the text
      // is not consistently misread; if another code page reads the pair plausibly in another
      // way ("Ã¥": "å" in Latin-1, U+0334 in Mac Roman), it is left alone.
      let only = -1;
      let count = 0;
      for (let ci = 0; ci < cands.length; ci++) if (chosen[ci]) (count++, (only = ci));
      const o = only >= 0 ? chosen[only] : null;
      if (count === 1 && o && o.pieces.length === 1 && o.pieces[0].end - o.pieces[0].start === 2) {
        const p = o.pieces[0];
        const rival = cands[only].opts.some(
          (x) => x.ok && x.k !== o.k && x.pieces.length === 1 && x.pieces[0].start === p.start && x.pieces[0].text !== p.text,
        );
        if (rival && foreignOutside(text, cands[only].ws, cands[only].we, t.enc[o.k])) chosen[only] = null;
      }
    }
    let lastEnd = 0;
    for (let ci = 0; ci < cands.length; ci++) {
      const o = chosen[ci];
      if (!o) continue;
      const kind = 'utf-8 read as ' + CODE_PAGES[o.k];
      for (const p of o.pieces) {
        if (p.start < lastEnd) continue;
        edits.push({ start: p.start, end: p.end, text: p.text, kind });
        lastEnd = p.end;
      }
    }
  }
  if (hasC1) {
    // Lone C1 controls: Windows-1252 text read as Latin-1 (or Mac Roman text read as Latin-1,
    // when that reads better: "tur\x92stico" -> "turístico").
    const merged: Edit[] = [];
    let e = 0;
    for (let j = 0; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c < 0x80 || c > 0x9f) continue;
      while (e < edits.length && edits[e].end <= j) merged.push(edits[e++]);
      if (e < edits.length && edits[e].start <= j) continue;
      let ws = j;
      while (ws > 0 && j - ws < 32 && !isWs(text.charCodeAt(ws - 1))) ws--;
      let we = j + 1;
      while (we < n && we - j < 64 && !isWs(text.charCodeAt(we))) we++;
      const word = text.slice(ws, we);
      const asW = word.replace(/[\x80-\x9f]/g, (ch) => {
        const w = t.w1252[ch.charCodeAt(0) - 0x80];
        return w ? String.fromCharCode(w) : ch;
      });
      const asM = word.replace(/[\x80-\x9f]/g, (ch) => String.fromCharCode(t.macC1[ch.charCodeAt(0) - 0x80]));
      const useMac = !!t.w1252[c - 0x80] && badness(asM) + 1 < badness(asW); // Windows-1252 is far commoner
      const w = useMac ? t.macC1[c - 0x80] : t.w1252[c - 0x80];
      if (w)
        merged.push({
          start: j,
          end: j + 1,
          text: String.fromCharCode(w),
          kind: useMac ? 'macintosh read as latin-1' : 'windows-1252 read as latin-1',
        });
    }
    while (e < edits.length) merged.push(edits[e++]);
    return merged;
  }
  return edits;
}

export interface RepairResult {
  text: string;
  /** map[i] = index in the input where output char i starts; length text.length + 1. */
  map: Uint32Array;
  /** Repairs with spans in the input text. */
  repairs: Repair[];
}

function applyEdits(text: string, edits: Edit[]): { text: string; map: Uint32Array } {
  const parts: string[] = [];
  let outLen = 0;
  for (const e of edits) outLen -= e.end - e.start - e.text.length;
  outLen += text.length;
  const map = new Uint32Array(outLen + 1);
  let j = 0;
  let o = 0;
  for (const e of edits) {
    if (e.start > j) {
      parts.push(text.slice(j, e.start));
      for (let q = j; q < e.start; q++) map[o++] = q;
    }
    parts.push(e.text);
    for (let q = 0; q < e.text.length; q++) map[o++] = e.start;
    j = e.end;
  }
  parts.push(text.slice(j));
  for (let q = j; q < text.length; q++) map[o++] = q;
  map[o] = text.length;
  return { text: parts.join(''), map };
}

/**
 * Repair mojibake in `text`. Returns null when nothing needed repair (the common case, fast).
 * Doubly encoded text is repaired by repeated passes; the map and repair spans point into the
 * input text.
 */
export function repairMojibake(text: string): RepairResult | null {
  let cur = text;
  let map: Uint32Array | null = null;
  const repairs: Repair[] = [];
  let focus: Uint8Array | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const edits = findEdits(cur, focus);
    if (edits.length === 0) break;
    for (const e of edits) {
      const s = map ? map[e.start] : e.start;
      const en = map ? map[e.end] : e.end;
      repairs.push({ span: [s, en], before: text.slice(s, en), after: e.text, kind: e.kind });
    }
    const r = applyEdits(cur, edits);
    focus = new Uint8Array(r.text.length);
    for (let q = 0; q < r.text.length; q++) {
      const src = r.map[q];
      // produced by an edit: the char maps to an edit start and is not the plain copy of it
      if (q + 1 <= r.text.length && r.map[q + 1] - src !== 1) focus[q] = 1;
    }
    if (map) {
      const m = new Uint32Array(r.map.length);
      for (let q = 0; q < m.length; q++) m[q] = map[r.map[q]];
      map = m;
    } else map = r.map;
    cur = r.text;
  }
  if (!map) return null;
  return { text: cur, map, repairs: mergeRepairs(repairs, text, cur, map) };
}

/** Repairs of later passes overlap earlier ones (double encoding): merge them into one. */
function mergeRepairs(rs: Repair[], original: string, out: string, map: Uint32Array): Repair[] {
  rs.sort((a, b) => a.span[0] - b.span[0] || b.span[1] - a.span[1]);
  const merged: Repair[] = [];
  for (const r of rs) {
    const last = merged[merged.length - 1];
    if (last && r.span[0] < last.span[1]) {
      last.span = [last.span[0], Math.max(last.span[1], r.span[1])];
      if (!last.kind.includes(r.kind)) last.kind += ', then ' + r.kind;
    } else merged.push({ span: [r.span[0], r.span[1]], before: r.before, after: r.after, kind: r.kind });
  }
  // Recompute before/after from the final texts.
  let o = 0;
  for (const r of merged) {
    while (o < out.length && map[o] < r.span[0]) o++;
    let oe = o;
    while (oe < out.length && map[oe] < r.span[1]) oe++;
    r.before = original.slice(r.span[0], r.span[1]);
    r.after = out.slice(o, oe);
  }
  return merged;
}
