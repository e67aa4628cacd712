// Word k-gram hashes and winnowing (Schleimer, Wilkerson, Aiken 2003): the fingerprints that
// find candidate pairs. Pure functions over typed arrays.

import type { Tokens } from '../types.ts';

export interface Fingerprints {
  /** Selected k-gram hashes, in text order. */
  hashes: Uint32Array;
  /** Token index of the first word of each selected k-gram. */
  positions: Uint32Array;
}

/** Rolling hash of every k-gram of token hashes; k-grams touching boilerplate get no hash. */
export function kgramHashes(tokens: Tokens, k: number): { hashes: Uint32Array; valid: Uint8Array } {
  const n = Math.max(0, tokens.length - k + 1);
  const hashes = new Uint32Array(n);
  const valid = new Uint8Array(n);
  const th = tokens.hashes;
  const boiler = tokens.boiler;
  let lastBoiler = -1; // index of the last boilerplate token seen
  for (let i = 0; i < k - 1 && i < tokens.length; i++) if (boiler[i]) lastBoiler = i;
  for (let i = 0; i < n; i++) {
    const j = i + k - 1;
    if (boiler[j]) lastBoiler = j;
    let h = 0x9e3779b9 ^ k;
    for (let t = i; t <= j; t++) {
      h = Math.imul(h ^ th[t], 0x85ebca6b);
      h ^= h >>> 13;
    }
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    h ^= h >>> 16;
    hashes[i] = h >>> 0;
    valid[i] = lastBoiler < i ? 1 : 0;
  }
  return { hashes, valid };
}

/**
 * Robust winnowing: in every window of `w` consecutive k-gram hashes keep the minimum
 * (rightmost on ties); consecutive windows that keep the same k-gram record it once.
 * Guarantees that any shared run of at least w + k - 1 words yields a shared fingerprint.
 */
export function winnow(tokens: Tokens, k = 5, w = 4): Fingerprints {
  const { hashes, valid } = kgramHashes(tokens, k);
  return winnowHashes(hashes, valid, w);
}

/** Winnowing over k-gram hashes already computed (see `kgramHashes`). */
export function winnowHashes(hashes: Uint32Array, valid: Uint8Array, w = 4): Fingerprints {
  const n = hashes.length;
  const outH = new Uint32Array(Math.max(1, n));
  const outP = new Uint32Array(Math.max(1, n));
  let count = 0;
  if (n === 0) return { hashes: outH.subarray(0, 0), positions: outP.subarray(0, 0) };
  const INVALID = 0xffffffff;
  const val = (i: number) => (valid[i] ? hashes[i] : INVALID);
  if (n <= w) {
    let best = -1;
    for (let i = 0; i < n; i++) if (valid[i] && (best < 0 || hashes[i] <= hashes[best])) best = i;
    if (best >= 0) {
      outH[0] = hashes[best];
      outP[0] = best;
      count = 1;
    }
    return { hashes: outH.slice(0, count), positions: outP.slice(0, count) };
  }
  let minPos = -1;
  let last = -1;
  for (let end = w - 1; end < n; end++) {
    const start = end - w + 1;
    if (minPos < start) {
      // the previous minimum left the window: rescan
      minPos = start;
      for (let i = start + 1; i <= end; i++) if (val(i) <= val(minPos)) minPos = i;
    } else if (val(end) <= val(minPos)) {
      minPos = end;
    }
    if (minPos !== last && valid[minPos]) {
      outH[count] = hashes[minPos];
      outP[count] = minPos;
      count++;
      last = minPos;
    }
  }
  return { hashes: outH.slice(0, count), positions: outP.slice(0, count) };
}
