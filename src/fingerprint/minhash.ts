// MinHash signatures over word k-gram hashes, for near-duplicate detection.
//
// One-permutation hashing with optimal densification (Li, Owen, Zhang 2012; Shrivastava 2017):
// each shingle is hashed once; the hash picks one of `numPerm` bins and the bin keeps the
// smallest value seen. Empty bins (short documents) borrow the value of a non-empty bin chosen
// by a fixed pseudo-random probe sequence, so signatures of any two documents stay comparable
// slot by slot and the share of equal slots estimates Jaccard similarity. The cost is one hash
// per shingle instead of one per shingle and permutation.

import type { Tokens } from '../types.ts';
import { kgramHashes } from './winnow.ts';

const EMPTY = 0xffffffff;

/** 32-bit finaliser (murmur3 fmix32) of x ^ seed. */
export function fmix(x: number, seed: number): number {
  let h = (x ^ seed) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One-permutation hashing, 2^bits bins: the high bits of a mixed hash pick the bin, the rest is the value. */
export function ophInsert(sig: Uint32Array, h: number, shift: number, mask: number): void {
  const bin = h >>> shift;
  const v = (h & mask) >>> 0;
  if (v < sig[bin]) sig[bin] = v;
}

/** MinHash signature (one-permutation hashing, densified) of a set of 32-bit shingle hashes. */
export function minhashOf(shingles: Uint32Array, numPerm = 128): Uint32Array {
  const k = numPerm;
  const sig = new Uint32Array(k).fill(EMPTY);
  const n = shingles.length;
  const bits = Math.log2(k);
  if (Number.isInteger(bits) && bits >= 1 && bits <= 16) {
    // k a power of two: one hash per shingle; its high bits pick the bin, the rest is the value
    const shift = 32 - bits;
    const mask = (2 ** shift - 1) >>> 0;
    for (let i = 0; i < n; i++) ophInsert(sig, fmix(shingles[i], 0x3c6ef372), shift, mask);
  } else {
    for (let i = 0; i < n; i++) {
      const h = fmix(shingles[i], 0x3c6ef372);
      // bin from the high bits (multiply-shift), value from an independent mix
      const bin = Math.floor((h / 4294967296) * k);
      const v = fmix(shingles[i], 0x5bd1e995);
      if (v < sig[bin]) sig[bin] = v;
    }
  }
  if (n === 0) return sig;
  return densify(sig);
}

/**
 * Optimal densification: empty bin j takes the value of the first non-empty bin on its probe
 * sequence fmix(j, attempt) mod k; only bins filled by shingles are borrowed from. (An
 * all-empty signature is returned as is.) For up to 256 bins the sequences come from a table
 * (short documents leave most bins empty, and hashing each step was half of dedup's signing
 * time).
 */
export function densify(sig: Uint32Array): Uint32Array {
  const k = sig.length;
  if (k <= 256) return densifySmall(sig);
  let empty = 0;
  for (let j = 0; j < k; j++) if (sig[j] === EMPTY) empty++;
  if (empty === 0 || empty === k) return sig;
  const filled = sig.slice();
  for (let j = 0; j < k; j++) {
    if (filled[j] !== EMPTY) continue;
    for (let attempt = 1; ; attempt++) {
      const c = probe(j, attempt, k);
      if (filled[c] !== EMPTY) {
        sig[j] = filled[c];
        break;
      }
    }
  }
  return sig;
}

/** Which bins were filled, and the empty ones, for densifySmall (one thread at a time uses them). */
const wasFilled = new Uint8Array(256);
const emptyBins = new Uint8Array(256);

/**
 * densify for up to 256 bins, from the table of probe sequences: the empty bins are listed first
 * (no branch per bin), and a filled bin's value is read from `sig` itself, since only empty bins
 * are written. The same result as the general loop, a third of the time on short documents.
 */
function densifySmall(sig: Uint32Array): Uint32Array {
  const k = sig.length;
  let empty = 0;
  for (let j = 0; j < k; j++) {
    const e = sig[j] === EMPTY ? 1 : 0;
    wasFilled[j] = 1 - e;
    emptyBins[empty] = j;
    empty += e;
  }
  if (empty === 0 || empty === k) return sig;
  const { start, bins } = probeSequences(k);
  // bin j's sequence holds every bin, so a filled one comes
  for (let q = 0; q < empty; q++) {
    const j = emptyBins[q];
    let t = start[j];
    let c = bins[t];
    while (!wasFilled[c]) c = bins[++t];
    sig[j] = sig[c];
  }
  return sig;
}

/** Step `attempt` (1, 2, ...) of bin j's probe sequence among k bins. */
function probe(j: number, attempt: number, k: number): number {
  return fmix(j * 0x9e3779b1 + attempt, 0x27d4eb2f) % k;
}

const sequences = new Map<number, { start: Uint32Array; bins: Uint16Array }>();

/** Every bin's probe sequence among k bins, each up to the step by which it has met every bin. */
export function probeSequences(k: number): { start: Uint32Array; bins: Uint16Array } {
  let s = sequences.get(k);
  if (!s) {
    const start = new Uint32Array(k + 1);
    const bins: number[] = [];
    const seen = new Uint8Array(k);
    for (let j = 0; j < k; j++) {
      start[j] = bins.length;
      seen.fill(0);
      for (let attempt = 1, left = k; left > 0; attempt++) {
        const c = probe(j, attempt, k);
        bins.push(c);
        if (!seen[c]) {
          seen[c] = 1;
          left--;
        }
      }
    }
    start[k] = bins.length;
    s = { start, bins: Uint16Array.from(bins) };
    sequences.set(k, s);
  }
  return s;
}

/** The valid (non-boilerplate) k-gram hashes of a document. */
export function shinglesOf(hashes: Uint32Array, valid: Uint8Array): Uint32Array {
  let n = 0;
  const sh = new Uint32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) if (valid[i]) sh[n++] = hashes[i];
  return sh.subarray(0, n);
}

/** Signature of a document's word k-grams (boilerplate excluded). */
export function minhashTokens(tokens: Tokens, k = 5, numPerm = 128): Uint32Array {
  const { hashes, valid } = kgramHashes(tokens, k);
  return minhashOf(shinglesOf(hashes, valid), numPerm);
}

/** Estimated Jaccard similarity of two signatures: the share of equal slots. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return a.length ? eq / a.length : 0;
}

/** Exact Jaccard similarity of two shingle sets (any order, repeats ignored). */
export function exactJaccard(a: Uint32Array, b: Uint32Array): number {
  const x = Uint32Array.from(a).sort();
  const y = Uint32Array.from(b).sort();
  let i = 0;
  let j = 0;
  let inter = 0;
  let union = 0;
  while (i < x.length || j < y.length) {
    const xv = i < x.length ? x[i] : Infinity;
    const yv = j < y.length ? y[j] : Infinity;
    if (xv === yv) {
      inter++;
      union++;
      const v = xv;
      while (i < x.length && x[i] === v) i++;
      while (j < y.length && y[j] === v) j++;
    } else if (xv < yv) {
      union++;
      const v = xv;
      while (i < x.length && x[i] === v) i++;
    } else {
      union++;
      const v = yv;
      while (j < y.length && y[j] === v) j++;
    }
  }
  return union ? inter / union : 0;
}
