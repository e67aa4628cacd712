// DuckDB store: the persistent index (`reprint index add`, `scan --db`, `query`, `serve`).
//
// One row per document: its texts and offset maps (enough to rebuild the Doc without cleaning
// again), its winnowed fingerprints (sorted, distinct, as a little-endian uint32 blob) and its
// MinHash signature. Each `add` call is one transaction written with an appender, so a run
// killed half-way leaves every earlier batch whole and nothing of the batch in flight; running
// it again adds what is missing. Candidate pairs and lookups run on an in-memory postings index
// built from the fingerprint blobs on first use (8 bytes per posting). The document number `n`
// is the primary key: its ART index turns loading a few documents into point reads (about 1 ms
// a document instead of a scan of whole vectors of texts).

import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Doc } from '../types.ts';
import { freshEntries, type CandidatePair, type IndexEntry, type LookupHit, type Store } from './store.ts';
import { decodeDoc, encodeDoc, type DocRow } from './codec.ts';
import { PostingsFile, PostingsIndex, namedHits, namedPairs, uniqueSorted } from './postings.ts';

const SCHEMA_VERSION = '1';

/** An error about the index file itself (cannot open, cannot write), with a clear message. */
export class StoreError extends Error {}

function bytesOf(v: DuckDBValue): Uint8Array | null {
  if (v === null || v === undefined) return null;
  return (v as { bytes: Uint8Array }).bytes;
}

function u32(bytes: Uint8Array | null): Uint32Array {
  if (!bytes || bytes.length === 0) return new Uint32Array(0);
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  return new Uint32Array(bytes.slice().buffer);
}

function asBytes(a: Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Turn a DuckDB error into a sentence a user can act on. */
export function explainDbError(path: string, action: string, e: unknown): StoreError {
  const msg = (e as Error)?.message ?? String(e);
  let why = msg.split('\n')[0];
  if (/lock/i.test(msg)) why = `the file is in use by another process (${why})`;
  else if (/no space|ENOSPC|disk is full|out of disk/i.test(msg)) why = `the disk is full (${why})`;
  else if (/File too large|EFBIG/i.test(msg)) why = `the file size limit was reached (${why})`;
  else if (/not a valid DuckDB|Invalid Input Error.*database|corrupt/i.test(msg)) why = `not a reprint index or damaged (${why})`;
  const err = new StoreError(`cannot ${action} index ${path}: ${why}`);
  err.cause = e;
  return err;
}

export class DuckDBStore implements Store {
  private idToN = new Map<string, number>();
  private idList: string[] = [];
  private postings: PostingsIndex | null = null;
  /** Identity of this index (for its postings file); null for indexes made before it existed. */
  private uid: number | null = null;
  /** The postings file beside the index, when it matches the index (undefined: not looked yet). */
  private file: PostingsFile | null | undefined;
  /** Documents were added since the postings file was written. */
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string, options: { readOnly?: boolean; memoryLimit?: string } = {}): Promise<DuckDBStore> {
    let instance: DuckDBInstance;
    let conn: DuckDBConnection;
    try {
      // DuckDB's own cache would otherwise grow to most of the machine's memory; the engine
      // keeps what it needs itself (REPRINT_DUCKDB_MEMORY overrides, e.g. "4GB").
      const config: Record<string, string> = { memory_limit: options.memoryLimit ?? process.env.REPRINT_DUCKDB_MEMORY ?? '1GB' };
      if (options.readOnly) config.access_mode = 'READ_ONLY';
      instance = await DuckDBInstance.create(path, config);
      conn = await instance.connect();
    } catch (e) {
      throw explainDbError(path, 'open', e);
    }
    const store = new DuckDBStore(path, instance, conn);
    try {
      await store.init(!!options.readOnly);
    } catch (e) {
      store.closeSync();
      throw e instanceof StoreError ? e : explainDbError(path, 'open', e);
    }
    return store;
  }

  private async init(readOnly: boolean): Promise<void> {
    if (!readOnly) {
      await this.conn.run(`CREATE TABLE IF NOT EXISTS reprint_info (key VARCHAR, value VARCHAR)`);
      await this.conn.run(`CREATE TABLE IF NOT EXISTS docs (
        n UINTEGER PRIMARY KEY, id VARCHAR, path VARCHAR, meta VARCHAR, original VARCHAR, text VARCHAR,
        map BLOB, map_end BLOB, extra VARCHAR, fp BLOB, sig BLOB, chars UINTEGER)`);
      const v = await this.conn.runAndReadAll(`SELECT value FROM reprint_info WHERE key = 'schema'`);
      if (v.currentRowCount === 0) {
        await this.conn.run(`INSERT INTO reprint_info VALUES ('schema', '${SCHEMA_VERSION}')`);
        // identifies this index to its postings file (a new index at the same path gets another)
        await this.conn.run(`INSERT INTO reprint_info VALUES ('uid', '${(Math.random() * 2 ** 32) >>> 0}')`);
      }
      else if (v.getRows()[0][0] !== SCHEMA_VERSION)
        throw new StoreError(`cannot open index ${this.path}: made by another version of reprint (schema ${v.getRows()[0][0]})`);
    }
    const u = await this.conn.runAndReadAll(`SELECT value FROM reprint_info WHERE key = 'uid'`);
    if (u.currentRowCount) this.uid = Number(u.getRows()[0][0]);
    const r = await this.conn.runAndReadAll(`SELECT id FROM docs ORDER BY n`);
    const col = r.getColumns()[0] ?? [];
    for (let i = 0; i < col.length; i++) {
      const id = col[i] as string;
      this.idToN.set(id, i);
      this.idList.push(id);
    }
    // a new index keeps its postings in memory from the start, to save them on close
    if (!readOnly && this.idList.length === 0) this.postings = new PostingsIndex();
  }

  async add(entries: IndexEntry[]): Promise<number> {
    const fresh = freshEntries(entries, this.idToN);
    if (!fresh.length) return 0;
    const base = this.idList.length;
    const fps: Uint32Array[] = [];
    try {
      await this.conn.run('BEGIN TRANSACTION');
      const ap = await this.conn.createAppender('docs');
      for (let i = 0; i < fresh.length; i++) {
        const { doc, fingerprints, signature, unique } = fresh[i];
        const row = encodeDoc(doc);
        const fp = unique ?? uniqueSorted(fingerprints.hashes);
        fps.push(fp);
        ap.appendUInteger(base + i);
        ap.appendVarchar(row.id);
        ap.appendVarchar(row.path);
        ap.appendVarchar(row.meta);
        ap.appendVarchar(row.original);
        if (row.text === null) ap.appendNull();
        else ap.appendVarchar(row.text);
        ap.appendBlob(row.map);
        if (row.mapEnd === null) ap.appendNull();
        else ap.appendBlob(row.mapEnd);
        ap.appendVarchar(row.extra);
        ap.appendBlob(asBytes(fp));
        ap.appendBlob(asBytes(signature));
        ap.appendUInteger(doc.original.length);
        ap.endRow();
      }
      ap.flushSync();
      ap.closeSync();
      await this.conn.run('COMMIT');
    } catch (e) {
      try {
        await this.conn.run('ROLLBACK');
      } catch {
        /* the transaction may already be gone */
      }
      throw explainDbError(this.path, 'write to', e);
    }
    this.dirty = true;
    this.file?.close();
    this.file = null;
    for (let i = 0; i < fresh.length; i++) {
      const id = fresh[i].doc.id;
      this.idToN.set(id, base + i);
      this.idList.push(id);
      this.postings?.addUnique(base + i, fps[i]);
    }
    return fresh.length;
  }

  async has(id: string): Promise<boolean> {
    return this.idToN.has(id);
  }

  private static readonly DOC_COLS = 'n, id, path, meta, original, text, map, map_end, extra';

  private rowToDoc(row: DuckDBValue[]): Doc {
    const r: DocRow = {
      id: row[1] as string,
      path: row[2] as string,
      meta: row[3] as string,
      original: row[4] as string,
      text: (row[5] as string | null) ?? null,
      map: bytesOf(row[6]) ?? new Uint8Array(0),
      mapEnd: bytesOf(row[7]),
      extra: row[8] as string,
    };
    return decodeDoc(r);
  }

  async getDoc(id: string): Promise<Doc | undefined> {
    return (await this.getDocs([id]))[0];
  }

  async getDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    const ns: number[] = [];
    for (const id of ids) {
      const n = this.idToN.get(id);
      if (n !== undefined) ns.push(n);
    }
    const byN = new Map<number, Doc>();
    if (ns.length) {
      const sorted = [...new Set(ns)].sort((a, b) => a - b);
      const r = await this.conn.runAndReadAll(`SELECT ${DuckDBStore.DOC_COLS} FROM docs WHERE n IN (${sorted.join(',')})`);
      for (const row of r.getRows()) byN.set(Number(row[0]), this.rowToDoc(row));
    }
    return ids.map((id) => {
      const n = this.idToN.get(id);
      return n === undefined ? undefined : byN.get(n);
    });
  }

  /** Every document, in the order added, read in chunks (for scans of the whole index). */
  async *allDocs(chunk = 2048): AsyncGenerator<Doc> {
    for (let lo = 0; lo < this.idList.length; lo += chunk) {
      const r = await this.conn.runAndReadAll(
        `SELECT ${DuckDBStore.DOC_COLS} FROM docs WHERE n >= ${lo} AND n < ${lo + chunk} ORDER BY n`,
      );
      for (const row of r.getRows()) yield this.rowToDoc(row);
    }
  }

  async ids(): Promise<string[]> {
    return this.idList.slice();
  }

  async size(): Promise<number> {
    return this.idList.length;
  }

  /** Total characters of the original texts. */
  async chars(): Promise<number> {
    const r = await this.conn.runAndReadAll('SELECT coalesce(sum(chars), 0) FROM docs');
    return Number(r.getRows()[0][0]);
  }

  /** The postings index, loaded from the fingerprint blobs on first use. */
  private async index(): Promise<PostingsIndex> {
    if (this.postings) return this.postings;
    const idx = new PostingsIndex();
    const chunk = 20480;
    for (let lo = 0; lo < this.idList.length; lo += chunk) {
      const r = await this.conn.runAndReadAll(`SELECT n, fp FROM docs WHERE n >= ${lo} AND n < ${lo + chunk}`);
      const [ns, fps] = r.getColumns();
      for (let i = 0; i < ns.length; i++) idx.addUnique(Number(ns[i]), u32(bytesOf(fps[i])).slice());
    }
    this.postings = idx;
    this.dirty = true;
    this.savePostings();
    return idx;
  }

  release(): void {
    this.savePostings();
    if (!this.dirty) this.postings = null; // saved (or nothing new): loaded again from the file or blobs when needed
  }

  /** Where the postings file lives: beside the index file. */
  get postingsPath(): string {
    return `${this.path}.postings`;
  }

  /** Write the postings file if the in-memory postings are newer (best effort: it is a cache). */
  private savePostings(): void {
    if (!this.dirty || !this.postings || this.uid === null || this.closed) return;
    try {
      PostingsFile.write(this.postings, this.postingsPath, this.idList.length, this.uid);
      this.dirty = false;
    } catch {
      /* read-only folder or full disk: lookups load the postings from the index instead */
    }
  }

  /** The postings file, if one matches this index. */
  private postingsFile(): PostingsFile | null {
    if (this.file === undefined)
      this.file = this.uid === null ? null : PostingsFile.open(this.postingsPath, this.idList.length, this.uid);
    return this.file;
  }

  async candidatePairs(opts: { minShared: number; maxDf: number }): Promise<CandidatePair[]> {
    const idx = await this.index();
    return namedPairs(idx.candidatePairs(Math.max(1, this.idList.length), opts), (n) => this.idList[n]);
  }

  async lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    // from the postings file when it is current: no need to load every fingerprint
    const file = this.postings ? null : this.postingsFile();
    if (file) return namedHits(file.lookup(hashes, opts), (n) => this.idList[n]);
    const idx = await this.index();
    return namedHits(idx.lookup(hashes, opts), (n) => this.idList[n]);
  }

  /** MinHash signatures of the given ids. */
  async signatures(ids: string[]): Promise<Map<string, Uint32Array>> {
    const ns = ids.map((id) => this.idToN.get(id)).filter((n): n is number => n !== undefined);
    const out = new Map<string, Uint32Array>();
    if (!ns.length) return out;
    const r = await this.conn.runAndReadAll(`SELECT n, sig FROM docs WHERE n IN (${ns.join(',')})`);
    for (const row of r.getRows()) out.set(this.idList[Number(row[0])], u32(bytesOf(row[1])).slice());
    return out;
  }

  private closed = false;
  private closeSync(): void {
    if (this.closed) return;
    this.file?.close();
    this.file = null;
    this.closed = true;
    try {
      this.conn.closeSync();
    } catch {
      /* ignore */
    }
    try {
      this.instance.closeSync();
    } catch {
      /* ignore */
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.savePostings();
    try {
      await this.conn.run('CHECKPOINT');
    } catch {
      /* read-only or full disk: the WAL keeps what was committed */
    }
    this.closeSync();
  }
}
