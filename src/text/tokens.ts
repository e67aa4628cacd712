// Word tokenizer: the first step of the hot path. One pass over the UTF-16 code units, no
// regular expressions per character, no substrings: each word becomes a 32-bit FNV-1a hash of
// its normalised form (case folded, accents removed, apostrophes dropped) plus its span.

import type { Span, Tokens } from '../types.ts';

const OTHER = 0;
const WORD = 1;
const APOS = 2; // apostrophe-like: kept inside a word, ignored by the hash
const SINGLE = 3; // a word on its own (CJK ideographs, kana)

/** Folded form of each non-ASCII code unit: a string of ASCII/BMP code units, cached. */
const foldCache = new Map<number, { cls: number; folded: number[] }>();

function classify(c: number): { cls: number; folded: number[] } {
  let e = foldCache.get(c);
  if (e) return e;
  const ch = String.fromCharCode(c);
  let cls = OTHER;
  let folded: number[] = [];
  if (c === 0x2019 || c === 0x2018 || c === 0x02bc || c === 0x00b4 || c === 0x0060) cls = APOS;
  else if (
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff)
  ) {
    cls = SINGLE;
    folded = [c];
  } else if (c >= 0xd800 && c <= 0xdfff) {
    cls = OTHER; // astral characters (emoji, rare scripts) separate words
  } else if (/[\p{L}\p{N}\p{M}]/u.test(ch)) {
    cls = WORD;
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    for (let i = 0; i < base.length; i++) folded.push(base.charCodeAt(i));
    // A lone combining mark folds to nothing but still belongs to the word.
  }
  e = { cls, folded };
  foldCache.set(c, e);
  return e;
}

const ASCII_CLASS = new Uint8Array(128);
/** An ASCII word character's folded (lower-case) code; 1 for the apostrophe, 0 for the rest. */
const ASCII_FOLD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
    ASCII_CLASS[c] = WORD;
    ASCII_FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;
  } else if (c === 39) {
    ASCII_CLASS[c] = APOS;
    ASCII_FOLD[c] = 1;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Split `text` into word tokens. `boilerplate` spans (sorted, disjoint) mark tokens whose
 * words should not count as evidence of reuse.
 */
export function tokenize(text: string, boilerplate: readonly Span[] = []): Tokens {
  const n = text.length;
  let cap = Math.max(16, (n >>> 3) + 16);
  let starts = new Uint32Array(cap);
  let ends = new Uint32Array(cap);
  let hashes = new Uint32Array(cap);
  let count = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let cls = c < 128 ? ASCII_CLASS[c] : classify(c).cls;
    if (cls !== WORD && cls !== SINGLE) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    if (cls === SINGLE) {
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    } else {
      let lastWord = i;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c < 128) {
          // (the fold table spares a branch on capitals, which mispredicts at most word starts)
          const f = ASCII_FOLD[c];
          if (f > 1) {
            h = Math.imul(h ^ f, FNV_PRIME);
            lastWord = i;
          } else if (f === 0) break;
        } else {
          const e = classify(c);
          cls = e.cls;
          if (cls === WORD) {
            const f = e.folded;
            for (let k = 0; k < f.length; k++) h = Math.imul(h ^ f[k], FNV_PRIME);
            lastWord = i;
          } else if (cls !== APOS) break;
        }
        i++;
      }
      i = lastWord + 1; // a trailing apostrophe is not part of the word
    }
    if (count === cap) {
      cap *= 2;
      const s2 = new Uint32Array(cap);
      s2.set(starts);
      starts = s2;
      const e2 = new Uint32Array(cap);
      e2.set(ends);
      ends = e2;
      const h2 = new Uint32Array(cap);
      h2.set(hashes);
      hashes = h2;
    }
    starts[count] = start;
    ends[count] = i;
    hashes[count] = h >>> 0;
    count++;
  }
  const boiler = new Uint8Array(count);
  if (boilerplate.length) {
    let b = 0;
    for (let t = 0; t < count; t++) {
      while (b < boilerplate.length && boilerplate[b][1] <= starts[t]) b++;
      if (b < boilerplate.length && boilerplate[b][0] < ends[t]) boiler[t] = 1;
    }
  }
  return {
    starts: starts.subarray(0, count),
    ends: ends.subarray(0, count),
    hashes: hashes.subarray(0, count),
    boiler,
    length: count,
  };
}

/** The normalised form of a word, as hashed (for tests and stopword tables). */
export function normalizeWord(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 128) {
      if (ASCII_CLASS[c] === WORD) out += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
    } else {
      const e = classify(c);
      if (e.cls === WORD || e.cls === SINGLE) out += String.fromCharCode(...e.folded);
    }
  }
  return out;
}

/** FNV-1a of a normalised word: equals the token hash of that word. */
export function hashWord(word: string): number {
  const w = normalizeWord(word);
  let h = FNV_OFFSET;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
