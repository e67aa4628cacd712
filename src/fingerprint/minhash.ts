// MinHash signatures over word k-gram hashes, for near-duplicate detection.

import type { Tokens } from '../types.ts';
import { kgramHashes } from './winnow.ts';

/** Per-permutation multipliers/offsets (odd), fixed so signatures are stable across runs. */
function permutations(n: number): { a: Uint32Array; b: Uint32Array } {
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  let s = 0x12345678;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let i = 0; i < n; i++) {
    a[i] = next() | 1;
    b[i] = next();
  }
  return { a, b };
}

const permCache = new Map<number, { a: Uint32Array; b: Uint32Array }>();

/** MinHash signature of a set of 32-bit shingle hashes (`numPerm` mins of a*x+b mod 2^32, mixed). */
export function minhashOf(shingles: Uint32Array, numPerm = 128): Uint32Array {
  let p = permCache.get(numPerm);
  if (!p) permCache.set(numPerm, (p = permutations(numPerm)));
  const sig = new Uint32Array(numPerm).fill(0xffffffff);
  const { a, b } = p;
  for (let i = 0; i < shingles.length; i++) {
    const x = shingles[i];
    for (let j = 0; j < numPerm; j++) {
      let h = (Math.imul(a[j], x) + b[j]) | 0;
      h ^= h >>> 15;
      const u = h >>> 0;
      if (u < sig[j]) sig[j] = u;
    }
  }
  return sig;
}

/** Signature of a document's word k-grams (boilerplate excluded). */
export function minhashTokens(tokens: Tokens, k = 5, numPerm = 128): Uint32Array {
  const { hashes, valid } = kgramHashes(tokens, k);
  let n = 0;
  const sh = new Uint32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) if (valid[i]) sh[n++] = hashes[i];
  return minhashOf(sh.subarray(0, n), numPerm);
}

/** Estimated Jaccard similarity of two signatures. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return a.length ? eq / a.length : 0;
}
