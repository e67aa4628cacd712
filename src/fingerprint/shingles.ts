// Fast word k-gram hashes straight from a string, for near-duplicate detection (dedup) where no
// token offsets are needed: one pass over the UTF-16 code units, no allocation per word.
// Words are runs of letters, digits and marks, case-folded; apostrophes inside words are
// ignored; CJK ideographs and kana are one word each.

const SEP = 0;
const WORD = 1;
const APOS = 2;
const SINGLE = 3;

/** Class of each BMP code unit (filled lazily for non-ASCII) and its folded form. */
const cls = new Uint8Array(65536);
const fold = new Uint16Array(65536);
const known = new Uint8Array(65536);

function classify(c: number): number {
  if (known[c]) return cls[c];
  known[c] = 1;
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

/** Hashes of the words of `text` (folded), in order. */
export function wordHashes(text: string): Uint32Array {
  const n = text.length;
  let out = new Uint32Array((n >>> 2) + 16);
  let m = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const t = c < 128 ? cls[c] : known[c] ? cls[c] : classify(c);
    if (t === WORD) {
      h = Math.imul(h ^ fold[c], FNV_PRIME);
      inWord = true;
      continue;
    }
    if (t === APOS && inWord && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if ((d < 128 ? cls[d] : known[d] ? cls[d] : classify(d)) === WORD) continue; // inside a word
    }
    if (inWord) {
      if (m === out.length) {
        const o = new Uint32Array(out.length * 2);
        o.set(out);
        out = o;
      }
      out[m++] = h >>> 0;
      h = FNV_OFFSET;
      inWord = false;
    }
    if (t === SINGLE) {
      if (m === out.length) {
        const o = new Uint32Array(out.length * 2);
        o.set(out);
        out = o;
      }
      out[m++] = Math.imul(FNV_OFFSET ^ c, FNV_PRIME) >>> 0;
    }
  }
  if (inWord) {
    if (m === out.length) {
      const o = new Uint32Array(out.length + 1);
      o.set(out);
      out = o;
    }
    out[m++] = h >>> 0;
  }
  return out.subarray(0, m);
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
