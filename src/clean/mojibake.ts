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
  C_LETTER,
  C_LOWER,
  C_PUNCT,
  C_SYMBOL,
  C_UPPER,
  S_COMMON,
} from './charclass.ts';

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
  'iso-8859-1',
] as const;

interface Tables {
  /** enc[k][charCode] = byte (0x80..0xFF) of the char in code page k, 0 when none. */
  enc: Uint8Array[];
  /** Bit k set when the char is a UTF-8 lead byte (C2..F4) in code page k. */
  lead: Uint32Array;
  /** Bit k set when the char is a UTF-8 continuation byte (80..BF) in code page k. */
  cont: Uint32Array;
  /** windows-1252 char for each byte 0x80..0x9F (0 when undefined). */
  w1252: Uint16Array;
  /** Code pages where byte 0x9D is undefined (the last byte of "”" gets lost there). */
  lost9d: boolean[];
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
  return { enc, lead, cont, w1252, lost9d };
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
    c === 0x2014 || c === 0x00b7 || c === 0x2026 || c === 0x201d || c === 0x201c
  );
}

/**
 * How improbable a short string looks: controls, unassigned characters, script changes inside a
 * word, case flips after non-ASCII letters, symbols glued to letters, rare characters.
 */
export function badness(s: string): number {
  let bad = 0;
  let prevC = -1;
  let prevP = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const p = c < 0x80 ? asciiClass(c) : charClass(c);
    const cat = p & 15;
    if (c >= 0x80) {
      if (cat === C_CONTROL || cat === C_BAD) bad += 4;
      if (p & 256) bad += 1;
    }
    if (prevC >= 0) {
      const pcat = prevP & 15;
      const isL = isLetterCat(cat);
      const pL = isLetterCat(pcat);
      if (isL && pL) {
        const sc = (p >> 4) & 15;
        const ps = (prevP >> 4) & 15;
        if (sc !== ps && sc !== S_COMMON && ps !== S_COMMON) bad += 2;
        else if (pcat === C_LOWER && cat === C_UPPER && (c >= 0x80 || prevC >= 0x80)) bad += 1;
      }
      if (cat === C_SYMBOL && c >= 0x80 && pL && c < 0xd800) bad += 1;
      if (pcat === C_SYMBOL && prevC >= 0x80 && isL && prevC < 0xd800) bad += 1;
      if (
        cat === C_PUNCT &&
        c >= 0x80 &&
        pL &&
        prevC >= 0x80 &&
        !isApostropheOrDash(c) &&
        i + 1 < n
      ) {
        const nc = s.charCodeAt(i + 1);
        const np = nc < 0x80 ? asciiClass(nc) : charClass(nc);
        if (isLetterCat(np & 15) || ((np & 15) === C_SYMBOL && nc >= 0x80)) bad += 1;
      }
      if (
        (cat === C_SYMBOL || cat === C_PUNCT) &&
        (pcat === C_SYMBOL || pcat === C_PUNCT) &&
        c >= 0x80 &&
        prevC >= 0x80 &&
        (cat === C_SYMBOL || pcat === C_SYMBOL) &&
        c < 0xd800 &&
        prevC < 0xd800
      )
        bad += 1;
    }
    prevC = c;
    prevP = p;
  }
  return bad;
}

const ASCII_P = new Int16Array(128);
for (let c = 0; c < 128; c++) ASCII_P[c] = charClass(c);
function asciiClass(c: number): number {
  return ASCII_P[c];
}

interface Piece {
  start: number;
  end: number;
  text: string;
}

/** Decode text[s, e) as UTF-8 bytes under code page k; pieces of valid multi-byte sequences. */
function decodeWord(text: string, s: number, e: number, k: number, t: Tables): Piece[] {
  const enc = t.enc[k];
  const pieces: Piece[] = [];
  let j = s;
  while (j < e) {
    const b = enc[text.charCodeAt(j)];
    if (b >= 0xc2 && b <= 0xf4) {
      const n = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      let cp = b & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
      let ok = true;
      let lossy = false;
      let len = n;
      for (let q = 1; q < n; q++) {
        const pos = j + q;
        const c2 = pos < text.length ? text.charCodeAt(pos) : -1;
        if (c2 === 0xfffd && pos < e) {
          lossy = true;
          continue;
        }
        let b2: number;
        if (c2 === 0x20 && pos === e && n === 2 && q === 1 && enc[0xa0] === 0xa0) b2 = 0xa0;
        else if (pos >= e || c2 < 0x80) {
          ok = false;
          break;
        } else b2 = enc[c2];
        if (b2 < 0x80 || b2 > 0xbf) {
          ok = false;
          break;
        }
        if (q === 1) {
          if ((b === 0xe0 && b2 < 0xa0) || (b === 0xed && b2 > 0x9f) || (b === 0xf0 && b2 < 0x90) || (b === 0xf4 && b2 > 0x8f)) {
            ok = false;
            break;
          }
        }
        cp = (cp << 6) | (b2 & 0x3f);
      }
      if (!ok && b === 0xe2 && j + 2 === e && enc[text.charCodeAt(j + 1)] === 0x80 && t.lost9d[k]) {
        // "”" whose last byte (0x9D, undefined in this code page) was dropped.
        pieces.push({ start: j, end: j + 2, text: '\u201d' });
        j += 2;
        continue;
      }
      if (ok) {
        pieces.push({ start: j, end: j + len, text: lossy ? '\ufffd' : String.fromCodePoint(cp) });
        j += len;
        continue;
      }
    }
    j++;
  }
  return pieces;
}

function applyPieces(text: string, s: number, e: number, pieces: Piece[]): string {
  let out = '';
  let j = s;
  for (const p of pieces) {
    out += text.slice(j, p.start) + p.text;
    j = p.end;
  }
  return out + text.slice(j, Math.max(j, e));
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x0b;
}

interface Edit {
  start: number;
  end: number;
  text: string;
  kind: string;
}

/** One pass: the edits (sorted, disjoint) that repair the text. */
function findEdits(text: string): Edit[] {
  const t = getTables();
  const { lead, cont } = t;
  const n = text.length;
  const edits: Edit[] = [];
  let hasC1 = false;
  let i = 0;
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
    if (!(cont[c2] & lm) && c2 !== 0xfffd && c2 !== 0x20) {
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
      if (cj >= 0x80) mask |= lead[cj];
    }
    const word = text.slice(ws, we);
    const before = badness(word);
    let best: Piece[] | null = null;
    let bestBad = before;
    let bestK = -1;
    let bestEnd = we;
    if (before > 0) {
      for (let k = 0; k < CODE_PAGES.length; k++) {
        if (!(mask & (1 << k))) continue;
        const pieces = decodeWord(text, ws, we, k, t);
        if (pieces.length === 0) continue;
        const end = Math.max(we, pieces[pieces.length - 1].end);
        const fixed = applyPieces(text, ws, we, pieces);
        const b = badness(fixed);
        if (b < bestBad) {
          best = pieces;
          bestBad = b;
          bestK = k;
          bestEnd = end;
        }
      }
    }
    if (best) {
      const kind = 'utf-8 read as ' + CODE_PAGES[bestK];
      for (const p of best) edits.push({ start: p.start, end: p.end, text: p.text, kind });
      i = bestEnd;
    } else i = we;
  }
  if (hasC1) {
    // Lone C1 controls: Windows-1252 text read as Latin-1.
    const merged: Edit[] = [];
    let e = 0;
    for (let j = 0; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c < 0x80 || c > 0x9f) continue;
      while (e < edits.length && edits[e].end <= j) merged.push(edits[e++]);
      if (e < edits.length && edits[e].start <= j) continue;
      const w = t.w1252[c - 0x80];
      if (w) merged.push({ start: j, end: j + 1, text: String.fromCharCode(w), kind: 'windows-1252 read as latin-1' });
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
  for (let pass = 0; pass < 3; pass++) {
    const edits = findEdits(cur);
    if (edits.length === 0) break;
    for (const e of edits) {
      const s = map ? map[e.start] : e.start;
      const en = map ? map[e.end] : e.end;
      repairs.push({ span: [s, en], before: text.slice(s, en), after: e.text, kind: e.kind });
    }
    const r = applyEdits(cur, edits);
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
