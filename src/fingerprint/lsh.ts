// Locality-sensitive hashing over MinHash signatures (banding): documents whose signatures agree
// on every row of at least one band become candidate pairs. Typed arrays and sorting, no maps.

import { radixSortPairs } from '../store/postings.ts';

/**
 * Bands and rows for a Jaccard threshold, minimising the weighted false positive and false
 * negative probability mass (the method of datasketch's MinHashLSH).
 */
export function lshParams(threshold: number, numPerm: number, fpWeight = 0.5, fnWeight = 0.5): { bands: number; rows: number } {
  // midpoint rule, 200 steps on [0, threshold] (false positives) and on [threshold, 1] (false
  // negatives): a pair of similarity s shares no band with probability (1 - s^r)^b, kept for
  // each step as b grows (one multiplication each instead of a power)
  const steps = 200;
  const hp = threshold / steps;
  const hn = (1 - threshold) / steps;
  const missP = new Float64Array(steps);
  const missN = new Float64Array(steps);
  const baseP = new Float64Array(steps);
  const baseN = new Float64Array(steps);
  let best = { bands: 1, rows: numPerm, err: Infinity };
  for (let r = 1; r <= numPerm; r++) {
    for (let i = 0; i < steps; i++) {
      baseP[i] = missP[i] = 1 - ((i + 0.5) * hp) ** r;
      baseN[i] = missN[i] = 1 - (threshold + (i + 0.5) * hn) ** r;
    }
    const maxB = Math.floor(numPerm / r);
    for (let b = 1; b <= maxB; b++) {
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < steps; i++) {
        if (b > 1) {
          missP[i] *= baseP[i];
          missN[i] *= baseN[i];
        }
        fp += 1 - missP[i];
        fn += missN[i];
      }
      const err = fp * hp * fpWeight + fn * hn * fnWeight;
      if (err < best.err || (err === best.err && (b < best.bands || (b === best.bands && r < best.rows)))) best = { bands: b, rows: r, err };
    }
  }
  return { bands: best.bands, rows: best.rows };
}

/**
 * Candidate pairs (a < b, document numbers) from signatures stored row-major in `sigs`
 * (n documents × numPerm). Documents marked in `skip` take no part. Buckets larger than
 * `maxBucket` are linked as a star around their first member (so huge groups of identical
 * documents stay linear).
 */
export function lshCandidates(
  sigs: Uint32Array,
  n: number,
  numPerm: number,
  bands: number,
  rows: number,
  opts: { skip?: Uint8Array; maxBucket?: number } = {},
): Float64Array {
  const maxBucket = opts.maxBucket ?? 100;
  let cap = 1 << 16;
  let out = new Float64Array(cap);
  let m = 0;
  const push = (a: number, b: number) => {
    if (m === cap) {
      cap *= 2;
      const o = new Float64Array(cap);
      o.set(out);
      out = o;
    }
    out[m++] = a < b ? a * n + b : b * n + a;
  };
  const keys = new Uint32Array(n);
  const docs = new Uint32Array(n);
  for (let band = 0; band < bands; band++) {
    let cnt = 0;
    const off = band * rows;
    for (let d = 0; d < n; d++) {
      if (opts.skip?.[d]) continue;
      let h = 0x9e3779b9 ^ band;
      const base = d * numPerm + off;
      for (let r = 0; r < rows; r++) {
        h = Math.imul(h ^ sigs[base + r], 0x85ebca6b);
        h ^= h >>> 13;
      }
      h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
      keys[cnt] = (h ^ (h >>> 16)) >>> 0;
      docs[cnt] = d;
      cnt++;
    }
    const k = keys.subarray(0, cnt);
    const v = docs.subarray(0, cnt);
    radixSortPairs(k, v);
    let i = 0;
    while (i < cnt) {
      let j = i + 1;
      while (j < cnt && k[j] === k[i]) j++;
      const g = j - i;
      if (g > 1) {
        // a 32-bit band hash can collide: only members whose band rows really agree are linked
        for (let x = i; x < j; x++) {
          const limit = g > maxBucket ? x + 2 : j;
          for (let y = x + 1; y < Math.min(j, limit); y++) {
            if (sameBand(sigs, v[x], v[y], numPerm, off, rows)) push(v[x], v[y]);
          }
          if (g > maxBucket && x > i && sameBand(sigs, v[i], v[x], numPerm, off, rows)) push(v[i], v[x]);
        }
      }
      i = j;
    }
  }
  const all = out.subarray(0, m).sort();
  let u = 0;
  for (let i = 0; i < m; i++) if (i === 0 || all[i] !== all[i - 1]) all[u++] = all[i];
  return all.slice(0, u);
}

function sameBand(sigs: Uint32Array, a: number, b: number, numPerm: number, off: number, rows: number): boolean {
  const ba = a * numPerm + off;
  const bb = b * numPerm + off;
  for (let r = 0; r < rows; r++) if (sigs[ba + r] !== sigs[bb + r]) return false;
  return true;
}
