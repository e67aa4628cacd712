// Fast word k-gram hashes and MinHash signatures straight from a string, for near-duplicate
// detection (dedup) where no token offsets are needed: one pass over the UTF-16 code units, no
// allocation per word. Words are runs of letters, digits and marks, case-folded; apostrophes
// inside words are ignored; CJK ideographs and kana are one word each.

import { densify, fmix, ophInsert } from './minhash.ts';

const SEP = 0;
const WORD = 1;
const APOS = 2;
const SINGLE = 3;

const UNKNOWN = 255;
/** Class of each BMP code unit (UNKNOWN until first seen) and its folded form. */
const cls = new Uint8Array(65536).fill(UNKNOWN);
const fold = new Uint16Array(65536);

function classify(c: number): number {
  if (cls[c] !== UNKNOWN) return cls[c];
  let k = SEP;
  let f = c;
  if (c === 39 || c === 0x2019 || c === 0x2018 || c === 0x02bc) k = APOS;
  else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) k = SINGLE;
  else if (c >= 0xd800 && c <= 0xdfff) k = SEP;
  else {
    const ch = String.fromCharCode(c);
    if (/[\p{L}\p{N}\p{M}]/u.test(ch)) {
      k = WORD;
      const l = ch.toLowerCase();
      f = l.length === 1 ? l.charCodeAt(0) : c;
    }
  }
  cls[c] = k;
  fold[c] = f;
  return k;
}
for (let c = 0; c < 128; c++) classify(c);

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * One table for the hot loop: the folded code unit (> 0) for word characters, else -1 separator,
 * -2 apostrophe, -3 single-character word, -4 not seen yet.
 */
const TAB = new Int32Array(65536).fill(-4);

/** The table's entry for code unit c (worked out on first sight); also what sign.wasm asks. */
export function entry(c: number): number {
  if (TAB[c] !== -4) return TAB[c];
  const t = classify(c);
  const e = t === WORD ? fold[c] || c || 1 : t === APOS ? -2 : t === SINGLE ? -3 : -1;
  TAB[c] = e;
  return e;
}

let scratch = new Uint32Array(1 << 16);

/** Hashes of the words of `text` (folded), in order. */
export function wordHashes(text: string): Uint32Array {
  const out = scratch.slice(0, wordsIntoScratch(text));
  releaseScratch();
  return out;
}

/** A buffer grown for a huge text is not kept. */
function releaseScratch(): void {
  if (scratch.length > 1 << 22) scratch = new Uint32Array(1 << 16);
}

/** The word hashes of `text` into `scratch` (grown as needed); returns how many. */
function wordsIntoScratch(text: string): number {
  const n = text.length;
  // at most one word per two code units, and one per CJK code unit
  if (scratch.length < n + 1) scratch = new Uint32Array(Math.max(n + 1, scratch.length * 2));
  const out = scratch;
  let m = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let e = TAB[c];
    if (e === -4) e = entry(c);
    if (e > 0) {
      h = Math.imul(h ^ e, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (e === -2 && inWord && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      let f = TAB[d];
      if (f === -4) f = entry(d);
      if (f > 0) continue; // an apostrophe inside a word
    }
    if (inWord) {
      out[m++] = h >>> 0;
      h = FNV_OFFSET;
      inWord = false;
    }
    if (e === -3) out[m++] = Math.imul(FNV_OFFSET ^ c, FNV_PRIME) >>> 0;
  }
  if (inWord) out[m++] = h >>> 0;
  return m;
}

/** Hashes of the word k-grams of `text` (a text with fewer than k words gives none). */
export function kgramHashesOfText(text: string, k = 5): Uint32Array {
  const w = wordHashes(text);
  const n = Math.max(0, w.length - k + 1);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let g = 0x9e3779b9 ^ k;
    for (let t = i; t < i + k; t++) {
      g = Math.imul(g ^ w[t], 0x85ebca6b);
      g ^= g >>> 13;
    }
    g = Math.imul(g ^ (g >>> 16), 0xc2b2ae35);
    out[i] = (g ^ (g >>> 16)) >>> 0;
  }
  return out;
}

const ROLL = 0x01000193;

/**
 * MinHash signature (one-permutation hashing, densified) of the word k-grams of `text`: each
 * k-gram's hash is rolled in O(1) from the word hashes (polynomial hash mod 2^32, then a 32-bit
 * finaliser; see rolledKgrams) and drops straight into its bin. `numPerm` must be a power of
 * two. Texts with fewer than k words give an all-empty signature (callers treat them apart).
 */
export function minhashText(text: string, k = 5, numPerm = 128): Uint32Array {
  const bits = Math.log2(numPerm);
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new Error('minhashText: numPerm must be a power of two (2..65536)');
  const shift = 32 - bits;
  const mask = (2 ** shift - 1) >>> 0;
  const sig = new Uint32Array(numPerm).fill(0xffffffff);
  // the words' hashes (into a reused buffer), rolled into k-gram hashes (the same values as
  // rolledKgrams) that drop into their bins as they come
  const n = wordsIntoScratch(text);
  if (n < k) return sig;
  const w = scratch;
  const seed = 0x3c6ef372 ^ k;
  let pk = 1;
  for (let i = 0; i < k - 1; i++) pk = Math.imul(pk, ROLL);
  let r = 0;
  for (let i = 0; i < k - 1; i++) r = (Math.imul(r, ROLL) + w[i]) | 0;
  for (let i = k - 1; i < n; i++) {
    r = (Math.imul(r, ROLL) + w[i]) | 0;
    ophInsert(sig, fmix(r, seed), shift, mask);
    r = (r - Math.imul(w[i - k + 1], pk)) | 0;
  }
  releaseScratch();
  return densify(sig);
}

/** The k-gram hashes minhashText uses (for exact Jaccard checks of its estimates). */
export function rolledKgrams(text: string, k = 5): Uint32Array {
  return rolledKgramsOfWords(wordHashes(text), k);
}

/** rolledKgrams from the word hashes (wordHashes) of a text. */
export function rolledKgramsOfWords(w: Uint32Array, k = 5): Uint32Array {
  const n = w.length;
  if (n < k) return new Uint32Array(0);
  const out = new Uint32Array(n - k + 1);
  let pk = 1;
  for (let i = 0; i < k - 1; i++) pk = Math.imul(pk, ROLL);
  let r = 0;
  for (let i = 0; i < k - 1; i++) r = (Math.imul(r, ROLL) + w[i]) | 0;
  for (let i = k - 1; i < n; i++) {
    r = (Math.imul(r, ROLL) + w[i]) | 0;
    out[i - k + 1] = fmix(r, 0x3c6ef372 ^ k);
    r = (r - Math.imul(w[i - k + 1], pk)) | 0;
  }
  return out;
}
