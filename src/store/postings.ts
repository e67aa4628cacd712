// An inverted index of fingerprints over typed arrays: (hash, doc number) postings, sorted by
// hash with a radix sort, grouped by scanning. Shared by the in-memory and the DuckDB stores.
// Memory: 8 bytes per distinct (hash, doc), plus 8 more while sorting.

import type { CandidatePair, LookupHit } from './store.ts';

/** Over-common fingerprints a star pair must share (see candidatePairs). */
export const STAR_MIN = 5;

/** Sorted, distinct copy of a hash list. */
export function uniqueSorted(h: Uint32Array): Uint32Array {
  const s = Uint32Array.from(h).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[m++] = s[i];
  return s.subarray(0, m);
}

/**
 * Stable LSD radix sort of `keys` (two 16-bit passes) carrying `vals`, in place (one temporary
 * pair of arrays).
 */
export function radixSortPairs(keys: Uint32Array, vals: Uint32Array): void {
  const n = keys.length;
  const tk = new Uint32Array(n);
  const tv = new Uint32Array(n);
  const count = new Uint32Array(65537);
  const pass = (sk: Uint32Array, sv: Uint32Array, dk: Uint32Array, dv: Uint32Array, shift: number) => {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((sk[i] >>> shift) & 0xffff) + 1]++;
    for (let i = 1; i <= 65536; i++) count[i] += count[i - 1];
    for (let i = 0; i < n; i++) {
      const j = count[(sk[i] >>> shift) & 0xffff]++;
      dk[j] = sk[i];
      dv[j] = sv[i];
    }
  };
  pass(keys, vals, tk, tv, 0);
  pass(tk, tv, keys, vals, 16);
}

class GrowU32 {
  a = new Uint32Array(1024);
  n = 0;
  push(arr: Uint32Array, fill?: number): void {
    const need = this.n + arr.length;
    if (need > this.a.length) {
      let cap = this.a.length;
      while (cap < need) cap *= 2;
      const b = new Uint32Array(cap);
      b.set(this.a.subarray(0, this.n));
      this.a = b;
    }
    if (fill === undefined) this.a.set(arr, this.n);
    else this.a.fill(fill, this.n, need);
    this.n = need;
  }
  view(): Uint32Array {
    return this.a.subarray(0, this.n);
  }
}

export class PostingsIndex {
  private hashes = new GrowU32();
  private docs = new GrowU32();
  /** Postings [0, sortedUpTo) are sorted by hash (docs ascending within a hash). */
  private sortedUpTo = 0;

  /** Number of postings. */
  get size(): number {
    return this.hashes.n;
  }

  /** Add the fingerprints of document number `doc` (any order, repeats allowed). */
  add(doc: number, hashes: Uint32Array): void {
    const u = uniqueSorted(hashes);
    this.hashes.push(u);
    this.docs.push(u, doc);
  }

  /** Add fingerprints that are already sorted and distinct. */
  addUnique(doc: number, u: Uint32Array): void {
    this.hashes.push(u);
    this.docs.push(u, doc);
  }

  /** Sort the postings by hash (in place; stable, so docs stay ascending within a hash). */
  private build(): { keys: Uint32Array; vals: Uint32Array } {
    const keys = this.hashes.view();
    const vals = this.docs.view();
    if (this.sortedUpTo !== keys.length) {
      radixSortPairs(keys, vals);
      this.sortedUpTo = keys.length;
    }
    return { keys, vals };
  }

  /**
   * Pairs of documents sharing at least `minShared` hashes held by 2..maxDf documents.
   * Pairs are packed as a * docCount + b in a Float64Array, sorted and counted.
   *
   * A hash held by more than maxDf documents is a stock phrase, boilerplate, or a text copied
   * many times (a syndicated article). It gives no all-pairs links, but links each holder to the
   * first one (a star, linear in the list): copies of one article all share the same first
   * holder for every fingerprint and collect a high count with it, while stock phrases scatter.
   * Star pairs count when they share at least `max(minShared, STAR_MIN)` such hashes.
   */
  candidatePairs(
    docCount: number,
    { minShared, maxDf }: { minShared: number; maxDf: number },
  ): { a: Uint32Array; b: Uint32Array; shared: Uint32Array } {
    const { keys, vals } = this.build();
    const n = keys.length;
    let cap = 1 << 16;
    let buf = new Float64Array(cap);
    let m = 0;
    let star = new Float64Array(1 << 12);
    let ms = 0;
    let i = 0;
    while (i < n) {
      let j = i + 1;
      const h = keys[i];
      while (j < n && keys[j] === h) j++;
      const g = j - i;
      if (g > maxDf) {
        if (ms + g > star.length) {
          const nb = new Float64Array(Math.max(star.length * 2, ms + g));
          nb.set(star.subarray(0, ms));
          star = nb;
        }
        const base = vals[i] * docCount;
        for (let x = i + 1; x < j; x++) star[ms++] = base + vals[x];
      } else if (g >= 2) {
        const need = m + (g * (g - 1)) / 2;
        if (need > cap) {
          while (cap < need) cap *= 2;
          const nb = new Float64Array(cap);
          nb.set(buf.subarray(0, m));
          buf = nb;
        }
        for (let x = i; x < j; x++) {
          const base = vals[x] * docCount;
          for (let y = x + 1; y < j; y++) buf[m++] = base + vals[y];
        }
      }
      i = j;
    }
    const counted = new Map<number, number>();
    const count = (packed: Float64Array, min: number) => {
      const pairs = packed.sort();
      for (let p = 0; p < pairs.length; ) {
        let q = p + 1;
        const key = pairs[p];
        while (q < pairs.length && pairs[q] === key) q++;
        if (q - p >= min) counted.set(key, (counted.get(key) ?? 0) + (q - p));
        p = q;
      }
    };
    count(buf.subarray(0, m), minShared);
    count(star.subarray(0, ms), Math.max(minShared, STAR_MIN));
    const keysOut = [...counted.keys()].sort((x, y) => x - y);
    const outA = new Uint32Array(keysOut.length);
    const outB = new Uint32Array(keysOut.length);
    const outS = new Uint32Array(keysOut.length);
    keysOut.forEach((key, k) => {
      const a = Math.floor(key / docCount);
      outA[k] = a;
      outB[k] = key - a * docCount;
      outS[k] = counted.get(key)!;
    });
    return { a: outA, b: outB, shared: outS };
  }

  /** Documents sharing hashes with the query, most shared first (doc numbers). */
  lookup(hashes: Uint32Array, { minShared, maxDf, limit }: { minShared: number; maxDf: number; limit: number }): { doc: number; shared: number }[] {
    const { keys, vals } = this.build();
    const q = uniqueSorted(hashes);
    const counts = new Map<number, number>();
    for (let t = 0; t < q.length; t++) {
      const h = q[t];
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < h) lo = mid + 1;
        else hi = mid;
      }
      let e = lo;
      while (e < keys.length && keys[e] === h) e++;
      if (e === lo || e - lo > maxDf) continue;
      for (let x = lo; x < e; x++) counts.set(vals[x], (counts.get(vals[x]) ?? 0) + 1);
    }
    const out: { doc: number; shared: number }[] = [];
    for (const [doc, shared] of counts) if (shared >= minShared) out.push({ doc, shared });
    out.sort((x, y) => y.shared - x.shared || x.doc - y.doc);
    return out.slice(0, limit);
  }
}

/** Candidate pairs with ids, most shared first (ties by id). */
export function namedPairs(
  r: { a: Uint32Array; b: Uint32Array; shared: Uint32Array },
  idOf: (n: number) => string,
): CandidatePair[] {
  const out: CandidatePair[] = new Array(r.a.length);
  for (let i = 0; i < r.a.length; i++) out[i] = { a: idOf(r.a[i]), b: idOf(r.b[i]), shared: r.shared[i] };
  out.sort((x, y) => y.shared - x.shared || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  return out;
}

export function namedHits(hits: { doc: number; shared: number }[], idOf: (n: number) => string): LookupHit[] {
  return hits.map((h) => ({ id: idOf(h.doc), shared: h.shared }));
}
