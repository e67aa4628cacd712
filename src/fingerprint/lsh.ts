// Locality-sensitive hashing over MinHash signatures (banding): documents whose signatures agree
// on every row of at least one band become candidate pairs. Typed arrays, no maps.

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
  // Each band's keys go into an open-addressing table (linear probing, at most half full); a
  // slot holds its key and the list of its documents (newest first, through `next`). Slots that
  // get a second document are noted, so only real buckets are visited. (This replaced a radix
  // sort of the keys, whose 65,536-entry counts cost more than the keys for small inputs.)
  let size = 1024;
  while (size < n * 2) size *= 2;
  const tmask = size - 1;
  const slotKey = new Int32Array(size);
  const slotHead = new Int32Array(size);
  const next = new Int32Array(n);
  const multi = new Int32Array(Math.max(1, n >> 1));
  let members = new Int32Array(64);
  // band keys are computed a group of bands at a time, document by document (one pass over the
  // signatures per group rather than one per band)
  const GROUP = 16;
  const keys = new Int32Array(Math.min(bands, GROUP) * n);
  for (let band = 0; band < bands; band++) {
    const g0 = band % GROUP;
    if (g0 === 0) {
      const nb = Math.min(GROUP, bands - band);
      for (let d = 0; d < n; d++) {
        if (opts.skip?.[d]) continue;
        for (let j = 0; j < nb; j++) {
          let h = 0x9e3779b9 ^ (band + j);
          const base = d * numPerm + (band + j) * rows;
          for (let r = 0; r < rows; r++) {
            h = Math.imul(h ^ sigs[base + r], 0x85ebca6b);
            h ^= h >>> 13;
          }
          h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
          keys[j * n + d] = h ^ (h >>> 16);
        }
      }
    }
    slotHead.fill(-1);
    let nm = 0;
    const off = band * rows;
    for (let d = 0; d < n; d++) {
      if (opts.skip?.[d]) continue;
      const h = keys[g0 * n + d];
      let s = h & tmask;
      for (;;) {
        const head = slotHead[s];
        if (head < 0) {
          slotHead[s] = d;
          slotKey[s] = h;
          next[d] = -1;
          break;
        }
        if (slotKey[s] === h) {
          if (next[head] < 0) multi[nm++] = s;
          next[d] = head;
          slotHead[s] = d;
          break;
        }
        s = (s + 1) & tmask;
      }
    }
    for (let q = 0; q < nm; q++) {
      // the bucket's documents in ascending order
      let g = 0;
      for (let d = slotHead[multi[q]]; d >= 0; d = next[d]) {
        if (g === members.length) {
          const grown = new Int32Array(g * 2);
          grown.set(members);
          members = grown;
        }
        members[g++] = d;
      }
      members.subarray(0, g).reverse();
      // a 32-bit band hash can collide: only members whose band rows really agree are linked
      for (let x = 0; x < g; x++) {
        const limit = g > maxBucket ? x + 2 : g;
        for (let y = x + 1; y < Math.min(g, limit); y++) {
          if (sameBand(sigs, members[x], members[y], numPerm, off, rows)) push(members[x], members[y]);
        }
        if (g > maxBucket && x > 0 && sameBand(sigs, members[0], members[x], numPerm, off, rows)) push(members[0], members[x]);
      }
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
