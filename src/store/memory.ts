// In-memory store: what `reprint scan PATH...` uses when no --db is given. Documents are kept
// compact (offset maps varint-coded, an identity map as nothing, the clean text dropped when it
// equals the original) and rebuilt on getDoc; the engine caches the ones in use.
//
// Past `spillAfter` characters of text the documents go to a temporary file instead (unlinked
// as soon as it is open, so nothing is left behind), and only the fingerprint postings and the
// ids stay in memory: a scan of millions of documents needs memory for its index, not its text.

import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc } from '../types.ts';
import { envNumber } from '../env.ts';
import type { CandidatePair, IndexEntry, LookupHit, Store } from './store.ts';
import { PostingsIndex, namedHits, namedPairs, uniqueSorted } from './postings.ts';
import { decodeDoc, encodeDoc, packDoc, unpackDoc, type DocRow, type PackedDoc } from './codec.ts';

const NULL = 0xffffffff;
const FIELDS = 8;

/** A DocRow as bytes: eight lengths (NULL for null), then the fields (strings in UTF-8). */
function rowBytes(r: DocRow): Buffer {
  const parts: (Buffer | Uint8Array | null)[] = [
    Buffer.from(r.id),
    Buffer.from(r.path),
    Buffer.from(r.meta),
    Buffer.from(r.original),
    r.text === null ? null : Buffer.from(r.text),
    r.map,
    r.mapEnd,
    Buffer.from(r.extra),
  ];
  const head = Buffer.alloc(4 * FIELDS);
  parts.forEach((p, i) => head.writeUInt32LE(p === null ? NULL : p.length, 4 * i));
  return Buffer.concat([head, ...parts.filter((p): p is Buffer | Uint8Array => p !== null)]);
}

function rowOf(b: Buffer): DocRow {
  let o = 4 * FIELDS;
  const field = (i: number) => {
    const n = b.readUInt32LE(4 * i);
    if (n === NULL) return null;
    const v = b.subarray(o, o + n);
    o += n;
    return v;
  };
  const str = (i: number) => field(i)?.toString('utf8') ?? null;
  const id = str(0)!;
  const path = str(1)!;
  const meta = str(2)!;
  const original = str(3)!;
  const text = str(4);
  const map = Uint8Array.from(field(5)!);
  const end = field(6);
  const mapEnd = end === null ? null : Uint8Array.from(end);
  return { id, path, meta, original, text, map, mapEnd, extra: str(7)! };
}

/** An append-only file of document records, read back by position. */
class SpillFile {
  private fd: number;
  private end = 0;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'reprint-spill-'));
    const path = join(dir, 'docs.bin');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmdirSync(dir);
  }

  /** Append records; returns the position of the first. */
  append(records: Buffer[]): number {
    const at = this.end;
    const all = Buffer.concat(records);
    let done = 0;
    while (done < all.length) done += writeSync(this.fd, all, done, all.length - done, at + done);
    this.end += all.length;
    return at;
  }

  read(pos: number, len: number): Buffer {
    const b = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, b, done, len - done, pos + done);
      if (n === 0) throw new Error('temporary document file ended early');
      done += n;
    }
    return b;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface MemoryStoreOptions {
  /**
   * Characters of text kept in memory; documents past this go to a temporary file
   * (default 256 M, or REPRINT_SPILL_AFTER).
   */
  spillAfter?: number;
}

export class MemoryStore implements Store {
  /** In-memory documents (null once they live in the spill file). */
  private docs: (PackedDoc | null)[] = [];
  /** Position and length of each spilled document's record. */
  private pos: number[] = [];
  private len: number[] = [];
  private idList: string[] = [];
  private byId = new Map<string, number>();
  private postings: PostingsIndex | null = new PostingsIndex();
  private inMemory = 0;
  private totalChars = 0;
  private spill: SpillFile | null = null;
  private readonly spillAfter: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.spillAfter = options.spillAfter ?? envNumber('REPRINT_SPILL_AFTER', 256 * 2 ** 20);
  }

  async add(entries: IndexEntry[]): Promise<number> {
    let added = 0;
    const records: Buffer[] = [];
    const spilled: number[] = [];
    for (const { doc, fingerprints, unique } of entries) {
      if (this.byId.has(doc.id)) continue;
      const n = this.idList.length;
      const size = doc.original.length + (doc.text === doc.original ? 0 : doc.text.length);
      this.totalChars += doc.original.length;
      if (this.inMemory + size <= this.spillAfter) {
        this.inMemory += size;
        this.docs.push(packDoc(doc));
        this.pos.push(-1);
        this.len.push(0);
      } else {
        const r = rowBytes(encodeDoc(doc));
        records.push(r);
        spilled.push(n);
        this.docs.push(null);
        this.pos.push(0);
        this.len.push(r.length);
      }
      this.idList.push(doc.id);
      this.byId.set(doc.id, n);
      this.index().addUnique(n, unique ?? uniqueSorted(fingerprints.hashes));
      added++;
    }
    if (records.length) {
      this.spill ??= new SpillFile();
      let at = this.spill.append(records);
      for (const n of spilled) {
        this.pos[n] = at;
        at += this.len[n];
      }
    }
    return added;
  }

  async has(id: string) {
    return this.byId.has(id);
  }

  private load(n: number): Doc {
    const c = this.docs[n];
    if (c) return unpackDoc(c);
    return decodeDoc(rowOf(this.spill!.read(this.pos[n], this.len[n])));
  }

  async getDoc(id: string) {
    const n = this.byId.get(id);
    return n === undefined ? undefined : this.load(n);
  }

  async getDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    return ids.map((id) => {
      const n = this.byId.get(id);
      return n === undefined ? undefined : this.load(n);
    });
  }

  async ids() {
    return this.idList.slice();
  }

  /** Total characters of the original texts. */
  async chars(): Promise<number> {
    return this.totalChars;
  }

  async size() {
    return this.idList.length;
  }

  private index(): PostingsIndex {
    if (!this.postings) throw new Error('the fingerprint index was released after the scan');
    return this.postings;
  }

  release(): void {
    this.postings = null;
  }

  async candidatePairs(opts: { minShared: number; maxDf: number }): Promise<CandidatePair[]> {
    const r = this.index().candidatePairs(Math.max(1, this.idList.length), opts);
    return namedPairs(r, (n) => this.idList[n]);
  }

  async lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    return namedHits(this.index().lookup(hashes, opts), (n) => this.idList[n]);
  }

  async close() {
    this.spill?.close();
    this.spill = null;
  }
}
