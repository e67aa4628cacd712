// An inverted index of fingerprints over typed arrays: (hash, doc number) postings, sorted by
// hash with a radix sort, grouped by scanning. Shared by the in-memory and the DuckDB stores.
// Memory: 8 bytes per distinct (hash, doc); sorting works one bucket (1/256) at a time.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { CandidatePair, LookupHit } from './store.ts';

/** Over-common fingerprints a star pair must share (see candidatePairs). */
export const STAR_MIN = 5;

/**
 * A document with at most this many fingerprints (a brief of about 30 words) is a candidate
 * with any document it shares one fingerprint with (see candidatePairs).
 */
export const BRIEF_FINGERPRINTS = 10;

/** Sorted, distinct copy of a hash list. */
export function uniqueSorted(h: Uint32Array): Uint32Array {
  const s = Uint32Array.from(h).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[m++] = s[i];
  return s.subarray(0, m);
}

/**
 * Stable LSD radix sort of `keys` carrying `vals`, in place (one temporary pair of arrays), by
 * their low `bits` bits (keys that agree above them come out sorted): two passes of half the bits
 * each. A bucket of postings needs 24 (its hashes share the top 8): 4,096 counts a pass instead of
 * 65,536, which for the many small buckets of a scan cost more than the postings themselves.
 */
export function radixSortPairs(keys: Uint32Array, vals: Uint32Array, bits = 32): void {
  const n = keys.length;
  const half = Math.ceil(Math.min(32, Math.max(2, bits)) / 2);
  const mask = half === 16 ? 0xffff : (1 << half) - 1;
  const tk = new Uint32Array(n);
  const tv = new Uint32Array(n);
  const count = new Uint32Array(mask + 2);
  const pass = (sk: Uint32Array, sv: Uint32Array, dk: Uint32Array, dv: Uint32Array, shift: number) => {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((sk[i] >>> shift) & mask) + 1]++;
    for (let i = 1; i <= mask + 1; i++) count[i] += count[i - 1];
    for (let i = 0; i < n; i++) {
      const j = count[(sk[i] >>> shift) & mask]++;
      dk[j] = sk[i];
      dv[j] = sv[i];
    }
  };
  pass(keys, vals, tk, tv, 0);
  pass(tk, tv, keys, vals, half);
}

/** Postings go to 256 buckets by the top 8 bits of the hash; each is sorted on its own. */
const BUCKET_SHIFT = 24;
const BUCKETS = 256;
/** Unsorted postings are appended in chunks of this many (no doubling, no big copies). */
const CHUNK = 8192;

class Bucket {
  /** Sorted part: hashes ascending, docs ascending within a hash. */
  keys = new Uint32Array(0);
  vals = new Uint32Array(0);
  /** Postings added since the last sort, in chunks (the last one is being filled). */
  private chunksK: Uint32Array[] = [];
  private chunksV: Uint32Array[] = [];
  private curK = new Uint32Array(0);
  private curV = new Uint32Array(0);
  private used = 0;
  pending = 0;

  push(hash: number, doc: number): void {
    if (this.used === this.curK.length) {
      // small buckets stay small: chunks grow from 64 postings up to CHUNK
      const size = this.chunksK.length >= 7 ? CHUNK : 64 << this.chunksK.length;
      this.chunksK.push((this.curK = new Uint32Array(size)));
      this.chunksV.push((this.curV = new Uint32Array(size)));
      this.used = 0;
    }
    this.curK[this.used] = hash;
    this.curV[this.used++] = doc;
    this.pending++;
  }

  /** Merge pending postings into the sorted part. */
  sort(): void {
    if (!this.pending) return;
    const n = this.keys.length + this.pending;
    const keys = new Uint32Array(n);
    const vals = new Uint32Array(n);
    keys.set(this.keys);
    vals.set(this.vals);
    let o = this.keys.length;
    let left = this.pending;
    for (let c = 0; c < this.chunksK.length; c++) {
      const m = Math.min(left, this.chunksK[c].length);
      keys.set(this.chunksK[c].subarray(0, m), o);
      vals.set(this.chunksV[c].subarray(0, m), o);
      o += m;
      left -= m;
    }
    this.chunksK = [];
    this.chunksV = [];
    this.curK = this.curV = new Uint32Array(0);
    this.used = 0;
    this.pending = 0;
    radixSortPairs(keys, vals, BUCKET_SHIFT);
    this.keys = keys;
    this.vals = vals;
  }
}

export class PostingsIndex {
  private buckets = Array.from({ length: BUCKETS }, () => new Bucket());
  private count = 0;

  /** Number of postings. */
  get size(): number {
    return this.count;
  }

  /** Add the fingerprints of document number `doc` (any order, repeats allowed). */
  add(doc: number, hashes: Uint32Array): void {
    this.addUnique(doc, uniqueSorted(hashes));
  }

  /** Add fingerprints that are already sorted and distinct. */
  addUnique(doc: number, u: Uint32Array): void {
    for (let i = 0; i < u.length; i++) this.buckets[u[i] >>> BUCKET_SHIFT].push(u[i], doc);
    this.count += u.length;
  }

  /** Sort every bucket's new postings (stable, so docs stay ascending within a hash). */
  private build(): Bucket[] {
    for (const b of this.buckets) b.sort();
    return this.buckets;
  }

  /**
   * Pairs of documents sharing at least `minShared` hashes held by 2..maxDf documents, or one
   * such hash when either holds at most BRIEF_FINGERPRINTS (a news brief has only a few).
   * Pairs are packed as a * docCount + b in a Float64Array, sorted and counted.
   *
   * A hash held by more than maxDf documents is a stock phrase, boilerplate, or a text copied
   * many times (a syndicated article). It gives no all-pairs links, but links each holder to the
   * first one (a star, linear in the list): copies of one article all share the same first
   * holder for every fingerprint and collect a high count with it, while stock phrases scatter.
   * Star pairs count when they share at least `max(minShared, STAR_MIN)` such hashes.
   *
   * All-pairs links grow with the square of a list's length, and in a large corpus chance
   * phrases fill lists of every length. So maxDf is lowered, when needed, until the all-pairs
   * links fit `pairBudget` (default 64 per document, at least 4 M): memory and time stay
   * linear in the corpus, and the longer lists become stars.
   */
  candidatePairs(
    docCount: number,
    { minShared, maxDf, pairBudget }: { minShared: number; maxDf: number; pairBudget?: number },
  ): { a: Uint32Array; b: Uint32Array; shared: Uint32Array; maxDf: number } {
    const buckets = this.build();
    const budget = pairBudget ?? Math.max(1 << 22, 64 * docCount);
    // How many lists of each length (up to maxDf + 1, "longer").
    const hist = new Float64Array(maxDf + 2);
    for (const { keys } of buckets) {
      const n = keys.length;
      for (let i = 0; i < n; ) {
        let j = i + 1;
        while (j < n && keys[j] === keys[i]) j++;
        hist[Math.min(j - i, maxDf + 1)]++;
        i = j;
      }
    }
    let df = 1;
    let links = 0;
    while (df < maxDf) {
      const more = (hist[df + 1] * (df + 1) * df) / 2;
      if (links + more > budget) break;
      links += more;
      df++;
    }
    const buf = new Float64Array(links);
    let m = 0;
    let stars = 0;
    for (const { keys } of buckets) {
      const n = keys.length;
      for (let i = 0; i < n; ) {
        let j = i + 1;
        while (j < n && keys[j] === keys[i]) j++;
        if (j - i > df) stars += j - i - 1;
        i = j;
      }
    }
    const star = new Float64Array(stars);
    let ms = 0;
    for (const { keys, vals } of buckets) {
      const n = keys.length;
      let i = 0;
      while (i < n) {
        let j = i + 1;
        const h = keys[i];
        while (j < n && keys[j] === h) j++;
        const g = j - i;
        if (g > df) {
          const base = vals[i] * docCount;
          for (let x = i + 1; x < j; x++) star[ms++] = base + vals[x];
        } else if (g >= 2) {
          for (let x = i; x < j; x++) {
            const base = vals[x] * docCount;
            for (let y = x + 1; y < j; y++) buf[m++] = base + vals[y];
          }
        }
        i = j;
      }
    }
    // Fingerprints per document: a brief has too few to share minShared of them.
    const held = new Uint32Array(docCount);
    if (minShared > 1) for (const { vals } of buckets) for (let i = 0; i < vals.length; i++) held[vals[i]]++;
    const counted = new Map<number, number>();
    const count = (packed: Float64Array, min: number, brief = false) => {
      const pairs = packed.sort();
      for (let p = 0; p < pairs.length; ) {
        let q = p + 1;
        const key = pairs[p];
        while (q < pairs.length && pairs[q] === key) q++;
        let enough = q - p >= min;
        if (!enough && brief) {
          const a = Math.floor(key / docCount);
          enough = Math.min(held[a], held[key - a * docCount]) <= BRIEF_FINGERPRINTS;
        }
        if (enough) counted.set(key, (counted.get(key) ?? 0) + (q - p));
        p = q;
      }
    };
    count(buf, minShared, minShared > 1);
    count(star, Math.max(minShared, STAR_MIN));
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
    return { a: outA, b: outB, shared: outS, maxDf: df };
  }

  /** Documents sharing hashes with the query, most shared first (doc numbers). */
  lookup(hashes: Uint32Array, { minShared, maxDf, limit }: { minShared: number; maxDf: number; limit: number }): { doc: number; shared: number }[] {
    const buckets = this.build();
    const q = uniqueSorted(hashes);
    const counts = new Map<number, number>();
    for (let t = 0; t < q.length; t++) {
      const h = q[t];
      const { keys, vals } = buckets[h >>> BUCKET_SHIFT];
      const [lo, e] = listOf(keys, h);
      if (e === lo || e - lo > maxDf) continue;
      for (let x = lo; x < e; x++) counts.set(vals[x], (counts.get(vals[x]) ?? 0) + 1);
    }
    return rankHits(counts, minShared, limit);
  }

  /** The buckets, each sorted (for writing a PostingsFile). */
  sortedBuckets(): readonly { keys: Uint32Array; vals: Uint32Array }[] {
    return this.build();
  }
}

/** Where hash `h`'s postings lie in sorted `keys`: [start, end), empty when absent. */
function listOf(keys: Uint32Array, h: number): [number, number] {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  let e = lo;
  while (e < keys.length && keys[e] === h) e++;
  return [lo, e];
}

/** Documents with at least `minShared` hits, most first (ties by doc number). */
function rankHits(counts: Map<number, number>, minShared: number, limit: number): { doc: number; shared: number }[] {
  const out: { doc: number; shared: number }[] = [];
  for (const [doc, shared] of counts) if (shared >= minShared) out.push({ doc, shared });
  out.sort((x, y) => y.shared - x.shared || x.doc - y.doc);
  return out.slice(0, limit);
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

// A postings index saved to a file, for lookups without loading it: the DuckDB store keeps one
// beside its index file (`<index>.postings`) so that `reprint query` on millions of documents
// reads a few kilobytes per fingerprint instead of loading every fingerprint first.
//
//   header (32 bytes): "RPPOST01", doc count (u32), key (u32, the index's identity), postings
//                      (f64), directory bits (u32), zero
//   directory:         (2^16 + 1) f64 offsets: where the hashes with each top 16 bits start
//   keys:              u32 hashes, ascending
//   vals:              u32 doc numbers, ascending within a hash
//
// It is written to a temporary name and renamed, so a reader sees a whole file or none.

const MAGIC = 'RPPOST01';
const DIR_BITS = 16;
const HEADER = 32;

export class PostingsFile {
  private constructor(
    private readonly fd: number,
    private readonly dir: Float64Array,
    private readonly total: number,
  ) {}

  /** Write `idx` to `path`; `docCount` and `key` say which index it belongs to. */
  static write(idx: PostingsIndex, path: string, docCount: number, key: number): void {
    const buckets = idx.sortedBuckets();
    let total = 0;
    const dir = new Float64Array((1 << DIR_BITS) + 1);
    for (const { keys } of buckets) {
      for (let i = 0; i < keys.length; i++) dir[(keys[i] >>> (32 - DIR_BITS)) + 1]++;
      total += keys.length;
    }
    for (let i = 1; i < dir.length; i++) dir[i] += dir[i - 1];
    const head = Buffer.alloc(HEADER);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32LE(docCount, 8);
    head.writeUInt32LE(key >>> 0, 12);
    head.writeDoubleLE(total, 16);
    head.writeUInt32LE(DIR_BITS, 24);
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      let at = 0;
      const put = (b: ArrayBufferView) => {
        const u8 = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        for (let done = 0; done < u8.length; ) done += writeSync(fd, u8, done, u8.length - done, at + done);
        at += u8.length;
      };
      put(head);
      put(dir);
      for (const { keys } of buckets) put(keys);
      for (const { vals } of buckets) put(vals);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, path);
  }

  /** Open `path` if it is a postings file for this index (same doc count and key), else null. */
  static open(path: string, docCount: number, key: number): PostingsFile | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      const head = Buffer.alloc(HEADER);
      if (readSync(fd, head, 0, HEADER, 0) !== HEADER) throw new Error('short');
      const total = head.readDoubleLE(16);
      const size = fstatSync(fd).size;
      const dirBytes = ((1 << DIR_BITS) + 1) * 8;
      if (
        head.toString('latin1', 0, 8) !== MAGIC ||
        head.readUInt32LE(8) !== docCount ||
        head.readUInt32LE(12) !== key >>> 0 ||
        head.readUInt32LE(24) !== DIR_BITS ||
        size !== HEADER + dirBytes + total * 8
      )
        throw new Error('stale');
      const dir = new Float64Array((1 << DIR_BITS) + 1);
      readExactly(fd, new Uint8Array(dir.buffer), HEADER);
      return new PostingsFile(fd, dir, total);
    } catch {
      closeSync(fd);
      return null;
    }
  }

  /** Same answers as PostingsIndex.lookup. */
  lookup(hashes: Uint32Array, { minShared, maxDf, limit }: { minShared: number; maxDf: number; limit: number }): { doc: number; shared: number }[] {
    const q = uniqueSorted(hashes);
    const counts = new Map<number, number>();
    const keysAt = HEADER + this.dir.length * 8;
    const valsAt = keysAt + this.total * 4;
    for (let t = 0; t < q.length; ) {
      // the query hashes in one directory slot share one read of its keys
      const slot = q[t] >>> (32 - DIR_BITS);
      let u = t + 1;
      while (u < q.length && q[u] >>> (32 - DIR_BITS) === slot) u++;
      const from = this.dir[slot];
      const n = this.dir[slot + 1] - from;
      if (n > 0) {
        const keys = new Uint32Array(n);
        readExactly(this.fd, new Uint8Array(keys.buffer), keysAt + from * 4);
        for (let x = t; x < u; x++) {
          const h = q[x];
          const [lo, e] = listOf(keys, h);
          if (e === lo || e - lo > maxDf) continue;
          const vals = new Uint32Array(e - lo);
          readExactly(this.fd, new Uint8Array(vals.buffer), valsAt + (from + lo) * 4);
          for (const v of vals) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
      }
      t = u;
    }
    return rankHits(counts, minShared, limit);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readExactly(fd: number, into: Uint8Array, pos: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, pos + done);
    if (n === 0) throw new Error('postings file ended early');
    done += n;
  }
}
