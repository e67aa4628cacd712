// ClickHouse store: the same index as the DuckDB file, on one ClickHouse server or on a cluster
// of shards, for corpora one machine cannot hold (`--db clickhouse://HOST:PORT/DB`).
//
// Tables (in database DB, on every shard; MergeTree):
//   docs_local      one row per document: texts, offset maps, metadata (as in the DuckDB store);
//                   document number n on shard n % S; granules of 8 rows, so reading one
//                   document decompresses one 64 KB block, not 8,192 texts
//   postings_local  (h, n): fingerprint h of document n, ORDER BY (h, n); on shard h % S, so
//                   every posting of one fingerprint lives on one shard
//   pairparts_local scratch for candidate pairs: partial shared counts of (a, b), on the shard
//                   cityHash64(a, b) picks
//   reprint_info    schema version, shard count (shard 0)
//   reprint_batches one row per committed add (first document number, count) (shard 0)
// On a cluster `docs`, `postings` and `pairparts` are Distributed tables over the *_local ones.
//
// Adds: documents and postings are written straight to the shard that owns them, then the batch
// is committed by its row in reprint_batches. Readers see documents n < committed count only;
// a writer that finds rows past it (a run killed mid-batch) deletes them before adding. So an
// interrupted add loses nothing committed and a rerun adds nothing twice.
//
// Candidate pairs are computed inside ClickHouse: each shard groups its postings by
// fingerprint, turns each list into pair links (all pairs for lists up to the document-frequency
// cut, a star to the first holder for longer ones, exactly as PostingsIndex does) and sends
// partial counts to the shard owning the pair (a Distributed insert); each shard then sums its
// pairs. No process holds the postings. Lookups (`query`) ask each shard for the lists of the
// query's fingerprints it holds (a list longer than maxDf is dropped there) and count hits.
//
// ClickHouse 18.16 (Debian's) is supported: no query parameters (every literal is a number or
// an escaped string built here), TabSeparated in and out.

import { Readable } from 'node:stream';
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { Doc } from '../types.ts';
import { freshEntries, type CandidatePair, type IndexEntry, type LookupHit, type ScanShare, type Store } from './store.ts';
import { decodeDoc, encodeDoc, type DocRow } from './codec.ts';
import { namedPairs, uniqueSorted, STAR_MIN } from './postings.ts';
import { StoreError } from './duckdb.ts';
import { parseTsv, tsvRow } from './tsv.ts';
import { RowBinaryWriter, sortedPostingRows, uint32Pairs } from './rowbinary.ts';

const SCHEMA_VERSION = 'ch1';

export interface ClickHouseTarget {
  /** HTTP endpoints, one per shard, in the order of the cluster's shards. */
  hosts: { host: string; port: number }[];
  database: string;
  /** The `remote_servers` cluster joining the shards (needed with more than one host). */
  cluster?: string;
  username?: string;
  password?: string;
  /** The URL as given, without the password (for messages). */
  display: string;
}

/** True when `db` names a ClickHouse index (`clickhouse://...`). */
export function isClickHouseUrl(db: string | undefined): boolean {
  return !!db && /^clickhouse:\/\//i.test(db);
}

/**
 * clickhouse://[USER[:PASSWORD]@]HOST[:PORT][,HOST[:PORT]...]/DB[?cluster=NAME]
 * PORT is the HTTP port (default 8123). Several hosts: the shards of cluster NAME, in its order.
 */
export function parseClickHouseUrl(url: string): ClickHouseTarget {
  const m = /^clickhouse:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/([^/?#]*)(?:\?([^#]*))?$/i.exec(url.trim());
  if (!m) throw new StoreError(`cannot use index ${url}: expected clickhouse://HOST:PORT/DATABASE (several shards: clickhouse://HOST:PORT,HOST:PORT/DATABASE?cluster=NAME)`);
  const [, user, pass, hostList, database, query] = m;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new StoreError(`cannot use index ${url}: the database name must be letters, digits and _ (got "${database}")`);
  const hosts = hostList.split(',').map((h) => {
    const hm = /^([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\])(?::(\d+))?$/.exec(h);
    if (!hm || (hm[2] && (Number(hm[2]) < 1 || Number(hm[2]) > 65535))) throw new StoreError(`cannot use index ${url}: bad host "${h}"`);
    return { host: hm[1], port: hm[2] ? Number(hm[2]) : 8123 };
  });
  const params = new URLSearchParams(query ?? '');
  for (const k of params.keys()) if (k !== 'cluster') throw new StoreError(`cannot use index ${url}: unknown option "${k}" (known: cluster)`);
  const cluster = params.get('cluster') ?? undefined;
  if (hosts.length > 1 && !cluster) throw new StoreError(`cannot use index ${url}: several hosts need ?cluster=NAME (the remote_servers cluster that joins them)`);
  if (cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_.\-]*$/.test(cluster)) throw new StoreError(`cannot use index ${url}: bad cluster name "${cluster}"`);
  const display = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return {
    hosts,
    database,
    cluster,
    username: user ? decodeURIComponent(user) : undefined,
    password: pass ? decodeURIComponent(pass) : undefined,
    display,
  };
}

/** A ClickHouse string literal: everything that could end or bend it is escaped. */
export function sqlString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\0/g, '\\0')}'`;
}

/** A whole number for SQL (throws on anything else: nothing but digits reaches a query). */
function int(x: number): string {
  if (!Number.isSafeInteger(x)) throw new Error(`not an integer: ${x}`);
  return String(x);
}

/** Turn a client or server error into a sentence a user can act on. */
export function explainClickHouseError(where: string, action: string, e: unknown): StoreError {
  const err = e as Error & { code?: string; cause?: { code?: string } };
  const msg = err?.message ?? String(e);
  const code = err?.code ?? err?.cause?.code ?? '';
  let why = msg.split('\n')[0].replace(/, e\.what\(\) = DB::Exception$/, '');
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) why = 'the server is down or not listening there (connection refused)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) why = 'the host name does not resolve';
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /EHOSTUNREACH|ENETUNREACH/.test(msg)) why = 'the host is unreachable';
  else if (code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(msg)) why = `the server closed the connection (${why})`;
  else if (/Timeout|timed out/i.test(msg)) why = `the server did not answer in time (${why})`;
  else if (/Code: (516|192|193)\b|Authentication failed|password is incorrect/i.test(msg)) why = `the server refused the user or password (${why})`;
  else if (/Code: 279\b|All connection tries failed/.test(msg)) why = `a shard of the cluster is down or unreachable (${why})`;
  else if (/Code: 170\b|Requested cluster .* not found/.test(msg)) why = `the cluster is not in the server's remote_servers config (${why})`;
  else if (/Code: 24[13]\b|Memory limit|not enough space|No space/i.test(msg)) why = `the server ran out of memory or disk (${why})`;
  const out = new StoreError(`cannot ${action} index ${where}: ${why}`);
  out.cause = e;
  return out;
}

interface Shard {
  client: ClickHouseClient;
  name: string;
}

const DOC_COLS = 'n, id, path, meta, original, text, map, map_end, extra';
const DOC_SCHEMA = `n UInt32, id String, path String, meta String, original String, text Nullable(String),
  map String, map_end Nullable(String), extra String, sig String, chars UInt32`;
const TABLES = ['reprint_info', 'reprint_batches', 'docs_local', 'postings_local', 'pairparts_local', 'candidates_local', 'scan_runs', 'scan_results', 'docs', 'postings', 'pairparts', 'candidates'];

export class ClickHouseStore implements Store {
  private idToN = new Map<string, number>();
  private idList: string[] = [];
  /** Documents committed (document numbers below it are visible). */
  private committed = 0;
  /** Rows past `committed` may exist (a failed add): delete them before the next add. */
  private leftovers = true;
  private closed = false;
  /** Documents added by this process (their parts are merged on close). */
  private added = 0;
  /** Parts were written since the last optimize(). */
  private unmerged = false;

  private constructor(
    readonly target: ClickHouseTarget,
    private readonly shards: Shard[],
    private readonly readOnly: boolean,
  ) {}

  get path(): string {
    return this.target.display;
  }

  private get db(): string {
    return this.target.database;
  }

  private get S(): number {
    return this.shards.length;
  }

  /** A table name: the Distributed table on a cluster, the local one on a single server. */
  private t(name: 'docs' | 'postings' | 'pairparts'): string {
    return `${this.db}.${this.S > 1 ? name : name + '_local'}`;
  }

  static async open(url: string, options: { readOnly?: boolean } = {}): Promise<ClickHouseStore> {
    const target = parseClickHouseUrl(url);
    const shards: Shard[] = target.hosts.map(({ host, port }) => ({
      name: `${host}:${port}`,
      client: createClient({
        url: `http://${host}:${port}`,
        username: target.username ?? 'default',
        password: target.password ?? '',
        request_timeout: 6 * 3600 * 1000,
        max_open_connections: 8,
        log: { level: ClickHouseLogLevel.OFF }, // errors are reported by reprint, not logged by the client
        keep_alive: { enabled: true },
      }),
    }));
    const store = new ClickHouseStore(target, shards, !!options.readOnly);
    try {
      await store.init();
    } catch (e) {
      await store.closeClients();
      throw e instanceof StoreError ? e : explainClickHouseError(target.display, 'open', e);
    }
    return store;
  }

  // --- low-level helpers -------------------------------------------------------------------

  private async command(shard: Shard, query: string, settings: Record<string, string | number> = {}): Promise<void> {
    await shard.client.command({ query, clickhouse_settings: settings as never });
  }

  /** A query's TabSeparated answer as rows of raw fields. */
  private async rows(shard: Shard, query: string, settings: Record<string, string | number> = {}): Promise<(Buffer | null)[][]> {
    const r = await shard.client.exec({ query: `${query} FORMAT TabSeparated`, clickhouse_settings: settings as never });
    const chunks: Buffer[] = [];
    for await (const c of r.stream as AsyncIterable<Buffer>) chunks.push(c);
    return parseTsv(Buffer.concat(chunks));
  }

  private async numbers(shard: Shard, query: string): Promise<number[][]> {
    return (await this.rows(shard, query)).map((r) => r.map((f) => Number(f!.toString('latin1'))));
  }

  private async insertTsv(shard: Shard, table: string, rows: Buffer[]): Promise<void> {
    if (!rows.length) return;
    await shard.client.insert({ table: `${this.db}.${table}`, values: Readable.from(rows, { objectMode: false }), format: 'TabSeparated' });
  }

  private async insertRowBinary(shard: Shard, table: string, parts: Buffer[]): Promise<void> {
    if (!parts.length) return;
    const r = await shard.client.exec({ query: `INSERT INTO ${this.db}.${table} FORMAT RowBinary`, values: Readable.from(parts, { objectMode: false }) });
    for await (const _ of r.stream as AsyncIterable<Buffer>); // the (empty) answer: frees the connection
  }

  private get main(): Shard {
    return this.shards[0];
  }

  // --- schema ------------------------------------------------------------------------------

  private async init(): Promise<void> {
    const db = this.db;
    await Promise.all(
      this.shards.map(async (s) => {
        try {
          await s.client.ping().then((p) => {
            if (!p.success) throw (p as { error: Error }).error;
          });
        } catch (e) {
          throw explainClickHouseError(`${this.target.display} (shard ${s.name})`, 'reach', e);
        }
      }),
    );
    if (this.S > 1) {
      const c = this.target.cluster!;
      const got = await this.numbers(this.main, `SELECT count(DISTINCT shard_num) FROM system.clusters WHERE cluster = ${sqlString(c)}`);
      if (!got[0][0])
        throw new StoreError(`cannot open index ${this.target.display}: the server ${this.main.name} knows no cluster "${c}" (add it to remote_servers in its config)`);
      if (got[0][0] !== this.S)
        throw new StoreError(`cannot open index ${this.target.display}: cluster "${c}" has ${got[0][0]} shards but the URL lists ${this.S} hosts (list one HTTP endpoint per shard, in the cluster's order)`);
    }
    // What each shard holds already.
    const present: Set<string>[] = await Promise.all(
      this.shards.map(async (s) => {
        const dbs = await this.rows(s, `SELECT name FROM system.databases WHERE name = ${sqlString(db)}`);
        if (!dbs.length) {
          if (this.readOnly) throw new StoreError(`cannot open index ${this.target.display}: no database "${db}" on ${s.name}; build the index with "reprint index add PATH... --db ${this.target.display}"`);
          await this.command(s, `CREATE DATABASE IF NOT EXISTS ${db}`);
        }
        const tables = await this.rows(s, `SELECT name FROM system.tables WHERE database = ${sqlString(db)}`);
        return new Set(tables.map((r) => r[0]!.toString()));
      }),
    );
    const info = present[0].has('reprint_info');
    const foreign = present.flatMap((p, i) => [...p].filter((name) => !TABLES.includes(name)).map((name) => `${name} (on ${this.shards[i].name})`));
    if (!info && present.some((p) => p.size)) {
      throw new StoreError(
        `cannot open index ${this.target.display}: database "${db}" holds tables that reprint did not make (${[...present.flatMap((p) => [...p])].slice(0, 5).join(', ')}); use another database`,
      );
    }
    if (info) {
      const rows = await this.rows(this.main, `SELECT key, value FROM ${db}.reprint_info`);
      const kv = new Map(rows.map((r) => [r[0]!.toString(), r[1]!.toString()]));
      if (kv.get('schema') !== SCHEMA_VERSION)
        throw new StoreError(`cannot open index ${this.target.display}: not a reprint index of this version (schema ${kv.get('schema') ?? 'missing'})`);
      if (Number(kv.get('shards')) !== this.S)
        throw new StoreError(`cannot open index ${this.target.display}: the index was made on ${kv.get('shards')} shard(s), the URL lists ${this.S}`);
      if (foreign.length) throw new StoreError(`cannot open index ${this.target.display}: database "${db}" also holds tables reprint did not make (${foreign.slice(0, 5).join(', ')})`);
      for (let i = 0; i < this.S; i++)
        for (const name of ['docs_local', 'postings_local'])
          if (!present[i].has(name)) throw new StoreError(`cannot open index ${this.target.display}: table ${db}.${name} is missing on ${this.shards[i].name} (damaged index)`);
      const cols = await this.rows(this.main, `SELECT name FROM system.columns WHERE database = ${sqlString(db)} AND table = 'docs_local' ORDER BY name`);
      const want = DOC_SCHEMA.split(',').map((c) => c.trim().split(' ')[0]).sort();
      const have = cols.map((r) => r[0]!.toString()).sort();
      if (have.join(',') !== want.join(',')) throw new StoreError(`cannot open index ${this.target.display}: table ${db}.docs_local has other columns than reprint's (${have.join(', ')})`);
    } else if (this.readOnly) {
      throw new StoreError(`cannot open index ${this.target.display}: database "${db}" holds no reprint index; build one with "reprint index add PATH... --db ${this.target.display}"`);
    } else {
      await this.createTables();
      this.leftovers = false; // a new index: nothing committed, nothing left over
      return;
    }
    await this.load();
  }

  private async createTables(): Promise<void> {
    const db = this.db;
    const c = sqlString(this.target.cluster ?? '');
    // independent tables are made at the same time, on every shard at once
    const each = (shards: Shard[], sqls: string[]) => Promise.all(shards.flatMap((s) => sqls.map((q) => this.command(s, q))));
    await each(this.shards, [
      `CREATE TABLE IF NOT EXISTS ${db}.docs_local (${DOC_SCHEMA}) ENGINE = MergeTree ORDER BY n SETTINGS index_granularity = 8`,
      `CREATE TABLE IF NOT EXISTS ${db}.postings_local (h UInt32, n UInt32) ENGINE = MergeTree ORDER BY (h, n) SETTINGS index_granularity = 1024`,
      `CREATE TABLE IF NOT EXISTS ${db}.pairparts_local (a UInt32, b UInt32, allc UInt32, starc UInt32) ENGINE = MergeTree ORDER BY (a, b)`,
      `CREATE TABLE IF NOT EXISTS ${db}.candidates_local (run String, unit UInt32, a UInt32, b UInt32, shared UInt32) ENGINE = MergeTree ORDER BY (run, unit, a, b)`,
    ]);
    await Promise.all([
      this.S > 1
        ? each(this.shards, [
            `CREATE TABLE IF NOT EXISTS ${db}.docs AS ${db}.docs_local ENGINE = Distributed(${c}, ${db}, docs_local, n)`,
            `CREATE TABLE IF NOT EXISTS ${db}.postings AS ${db}.postings_local ENGINE = Distributed(${c}, ${db}, postings_local, h)`,
            `CREATE TABLE IF NOT EXISTS ${db}.pairparts AS ${db}.pairparts_local ENGINE = Distributed(${c}, ${db}, pairparts_local, cityHash64(a, b))`,
            `CREATE TABLE IF NOT EXISTS ${db}.candidates AS ${db}.candidates_local ENGINE = Distributed(${c}, ${db}, candidates_local, cityHash64(a, b))`,
          ])
        : null,
      each(
        [this.main],
        [
          `CREATE TABLE IF NOT EXISTS ${db}.reprint_batches (first UInt32, count UInt32, at DateTime) ENGINE = MergeTree ORDER BY first`,
          `CREATE TABLE IF NOT EXISTS ${db}.scan_runs (key String, run String, units UInt32, total UInt64, at DateTime) ENGINE = MergeTree ORDER BY key`,
          `CREATE TABLE IF NOT EXISTS ${db}.scan_results (run String, unit UInt32, part UInt32, result String, at DateTime) ENGINE = MergeTree ORDER BY (run, unit)`,
        ],
      ),
    ]);
    // last: its presence says the schema is complete
    await this.command(this.main, `CREATE TABLE IF NOT EXISTS ${db}.reprint_info (key String, value String) ENGINE = MergeTree ORDER BY key`);
    await this.command(
      this.main,
      `INSERT INTO ${db}.reprint_info VALUES ('schema', ${sqlString(SCHEMA_VERSION)}), ('shards', ${sqlString(String(this.S))}), ('cluster', ${sqlString(this.target.cluster ?? '')})`,
    );
  }

  /** Committed count and ids (in the order added). */
  private async load(): Promise<void> {
    const c = await this.numbers(this.main, `SELECT max(first + count) FROM ${this.db}.reprint_batches`);
    this.committed = c[0]?.[0] ?? 0;
    const rows = await this.rows(this.main, `SELECT n, id FROM ${this.t('docs')} WHERE n < ${int(this.committed)} ORDER BY n`);
    this.idToN.clear();
    this.idList = [];
    for (const r of rows) {
      const n = Number(r[0]!.toString('latin1'));
      if (n !== this.idList.length) break;
      const id = r[1]!.toString('utf8');
      this.idToN.set(id, n);
      this.idList.push(id);
    }
    if (this.idList.length !== this.committed)
      throw new StoreError(
        `cannot open index ${this.target.display}: ${this.committed} documents were committed but ${rows.length} are readable in order (a shard lost data, or rows were added by hand)`,
      );
  }

  /** Delete rows past the committed count (left by an add that was interrupted). */
  private async cleanLeftovers(): Promise<void> {
    const N = int(this.committed);
    for (const s of this.shards) {
      for (const table of ['docs_local', 'postings_local']) {
        const [[left]] = await this.numbers(s, `SELECT count() FROM ${this.db}.${table} WHERE n >= ${N}`);
        if (!left) continue;
        await this.command(s, `ALTER TABLE ${this.db}.${table} DELETE WHERE n >= ${N}`);
        // mutations run in the background on this version: wait until this one is done
        for (let tries = 0; ; tries++) {
          const [[busy]] = await this.numbers(s, `SELECT count() FROM system.mutations WHERE database = ${sqlString(this.db)} AND table = ${sqlString(table)} AND is_done = 0`);
          if (!busy) break;
          if (tries > 6000) throw new StoreError(`cannot write to index ${this.target.display}: leftover rows of an interrupted add on ${s.name} are not deleted after 10 minutes`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
    this.leftovers = false;
  }

  // --- Store -------------------------------------------------------------------------------

  async add(entries: IndexEntry[]): Promise<number> {
    if (this.readOnly) throw new StoreError(`cannot write to index ${this.target.display}: opened read-only`);
    const fresh = freshEntries(entries, this.idToN);
    if (!fresh.length) return 0;
    try {
      if (this.leftovers) await this.cleanLeftovers();
      const base = this.committed;
      const S = this.S;
      // RowBinary (see rowbinary.ts): each shard's documents, and its postings as (h, n) pairs
      const docRows = this.shards.map(() => new RowBinaryWriter());
      const fps: Uint32Array[] = [];
      const perShard = new Array<number>(S).fill(0);
      for (let i = 0; i < fresh.length; i++) {
        const { doc, fingerprints, signature, unique } = fresh[i];
        const n = base + i;
        const row = encodeDoc(doc);
        const fp = unique ?? uniqueSorted(fingerprints.hashes);
        fps.push(fp);
        const w = docRows[n % S];
        w.u32(n);
        w.string(row.id);
        w.string(row.path);
        w.string(row.meta);
        w.string(row.original);
        w.nullableString(row.text);
        w.bytes(row.map);
        w.nullableBytes(row.mapEnd);
        w.string(row.extra);
        w.bytes(new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength));
        w.u32(doc.original.length);
        if (S === 1) perShard[0] += fp.length;
        else for (let k = 0; k < fp.length; k++) perShard[fp[k] % S]++;
      }
      // each shard's postings sorted by (h, n) here, so the server need not sort them
      const postH = perShard.map((c) => new Uint32Array(c));
      const postN = perShard.map((c) => new Uint32Array(c));
      const at = new Array<number>(S).fill(0);
      for (let i = 0; i < fresh.length; i++) {
        const fp = fps[i];
        const n = base + i;
        for (let k = 0; k < fp.length; k++) {
          const s = S === 1 ? 0 : fp[k] % S;
          const j = at[s]++;
          postH[s][j] = fp[k];
          postN[s][j] = n;
        }
      }
      const postPairs = postH.map((h, s) => sortedPostingRows(h, postN[s]));
      const docParts = docRows.map((w) => w.done());
      this.leftovers = true; // until the batch is committed
      // every insert has ended (sent or failed) before a failure is thrown: a later add's clean-up
      // of leftover rows must not run while one of them is still writing
      const sent = await Promise.allSettled(
        this.shards.flatMap((s, i) => [
          this.insertRowBinary(s, 'docs_local', docParts[i]),
          perShard[i] ? this.insertRowBinary(s, 'postings_local', [uint32Pairs(postPairs[i])]) : Promise.resolve(),
        ]),
      );
      for (const r of sent) if (r.status === 'rejected') throw r.reason;
      await this.command(this.main, `INSERT INTO ${this.db}.reprint_batches VALUES (${int(base)}, ${int(fresh.length)}, now())`);
      this.leftovers = false;
    } catch (e) {
      throw e instanceof StoreError ? e : explainClickHouseError(this.target.display, 'write to', e);
    }
    for (let i = 0; i < fresh.length; i++) {
      const id = fresh[i].doc.id;
      this.idToN.set(id, this.committed + i);
      this.idList.push(id);
    }
    this.committed += fresh.length;
    this.added += fresh.length;
    this.unmerged = true;
    return fresh.length;
  }

  async has(id: string): Promise<boolean> {
    return this.idToN.has(id);
  }

  private rowToDoc(r: (Buffer | null)[]): Doc {
    const str = (i: number) => r[i]!.toString('utf8');
    const row: DocRow = {
      id: str(1),
      path: str(2),
      meta: str(3),
      original: str(4),
      text: r[5] === null ? null : str(5),
      map: Uint8Array.from(r[6]!),
      mapEnd: r[7] === null ? null : Uint8Array.from(r[7]),
      extra: str(8),
    };
    return decodeDoc(row);
  }

  async getDoc(id: string): Promise<Doc | undefined> {
    return (await this.getDocs([id]))[0];
  }

  async getDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    const ns = [...new Set(ids.map((id) => this.idToN.get(id)).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
    const byN = new Map<number, Doc>();
    try {
      // straight from the shard that holds each document (n % S), all shards at once: no
      // detour through a Distributed table
      await Promise.all(
        this.shards.map(async (s, i) => {
          const mine = this.S === 1 ? ns : ns.filter((n) => n % this.S === i);
          for (let lo = 0; lo < mine.length; lo += 4096) {
            const part = mine.slice(lo, lo + 4096);
            const rows = await this.rows(s, `SELECT ${DOC_COLS} FROM ${this.db}.docs_local WHERE n IN (${part.join(',')})`);
            for (const r of rows) byN.set(Number(r[0]!.toString('latin1')), this.rowToDoc(r));
          }
        }),
      );
    } catch (e) {
      throw explainClickHouseError(this.target.display, 'read from', e);
    }
    return ids.map((id) => {
      const n = this.idToN.get(id);
      return n === undefined ? undefined : byN.get(n);
    });
  }

  async ids(): Promise<string[]> {
    return this.idList.slice();
  }

  async size(): Promise<number> {
    return this.idList.length;
  }

  /** Total characters of the original texts. */
  async chars(): Promise<number> {
    const [[c]] = await this.numbers(this.main, `SELECT sum(chars) FROM ${this.t('docs')} WHERE n < ${int(this.committed)}`);
    return c ?? 0;
  }

  /** Bytes on disk of the index's tables, over every shard (compressed). */
  async diskBytes(): Promise<number> {
    let total = 0;
    for (const s of this.shards) {
      const [[b]] = await this.numbers(s, `SELECT sum(bytes_on_disk) FROM system.parts WHERE database = ${sqlString(this.db)} AND active`);
      total += b ?? 0;
    }
    return total;
  }

  /**
   * Fill pairparts_local on every shard with partial shared counts of the candidate pairs (the
   * same links as PostingsIndex.candidatePairs: lists up to the cut-off give all pairs, longer
   * ones a star to their first holder, the cut-off lowered until the links fit the budget).
   * Returns the SQL that sums them on one shard: a, b, shared (pairs with shared > 0).
   */
  private async pairParts(opts: { minShared: number; maxDf: number; pairBudget?: number }): Promise<string> {
    const { minShared, maxDf } = opts;
    const N = int(this.committed);
    const docCount = Math.max(1, this.idList.length);
    const budget = opts.pairBudget ?? Math.max(1 << 22, 64 * docCount);
    // How many fingerprint lists of each length (capped at maxDf + 1), summed over shards.
    const hist = new Float64Array(maxDf + 2);
    let postings = 0;
    await Promise.all(
      this.shards.map(async (s) => {
        const rows = await this.numbers(
          s,
          `SELECT least(g, ${int(maxDf + 1)}) AS len, count(), sum(g) FROM (SELECT count() AS g FROM ${this.db}.postings_local WHERE n < ${N} GROUP BY h) GROUP BY len`,
        );
        let here = 0;
        for (const [len, c, p] of rows) {
          hist[len] += c;
          here += p;
        }
        postings = Math.max(postings, here);
      }),
    );
    let df = 1;
    let links = 0;
    while (df < maxDf) {
      const more = (hist[df + 1] * (df + 1) * df) / 2;
      if (links + more > budget) break;
      links += more;
      df++;
    }
    for (const s of this.shards) await this.command(s, `TRUNCATE TABLE IF EXISTS ${this.db}.pairparts_local`);
    // Links, a range of fingerprints at a time (bounded memory on each shard).
    const ranges = Math.max(1, Math.ceil(postings / 20e6));
    const width = Math.ceil(2 ** 32 / ranges);
    const settings: Record<string, number> = this.S > 1 ? { insert_distributed_sync: 1 } : {};
    await Promise.all(
      this.shards.map(async (s) => {
        for (let r = 0; r < ranges; r++) {
          const where = ranges > 1 ? ` AND intDiv(h, ${int(width)}) = ${int(r)}` : '';
          await this.command(
            s,
            `INSERT INTO ${this.t('pairparts')} SELECT a, b, sum(1 - star) AS allc, sum(star) AS starc FROM (
               SELECT ns[i] AS a, arrayJoin(arraySlice(ns, i + 1)) AS b, star FROM (
                 SELECT ns, g > ${int(df)} AS star, arrayJoin(if(g > ${int(df)}, [1], arrayEnumerate(ns))) AS i FROM (
                   SELECT arraySort(groupArray(n)) AS ns, count() AS g FROM ${this.db}.postings_local
                   WHERE n < ${N}${where} GROUP BY h HAVING g >= 2)))
             GROUP BY a, b`,
            settings,
          );
        }
      }),
    );
    const starMin = Math.max(minShared, STAR_MIN);
    return `SELECT a, b, if(sa >= ${int(minShared)}, sa, 0) + if(ss >= ${int(starMin)}, ss, 0) AS shared
            FROM (SELECT a, b, sum(allc) AS sa, sum(starc) AS ss FROM ${this.db}.pairparts_local GROUP BY a, b) WHERE shared > 0`;
  }

  private async clearPairParts(): Promise<void> {
    for (const s of this.shards) await this.command(s, `TRUNCATE TABLE IF EXISTS ${this.db}.pairparts_local`);
  }

  private pairsOf(parts: number[][][]): CandidatePair[] {
    const total = parts.reduce((x, p) => x + p.length, 0);
    const a = new Uint32Array(total);
    const b = new Uint32Array(total);
    const shared = new Uint32Array(total);
    let k = 0;
    for (const p of parts)
      for (const [x, y, c] of p) {
        a[k] = x;
        b[k] = y;
        shared[k++] = c;
      }
    return namedPairs({ a, b, shared }, (n) => this.idList[n]);
  }

  /**
   * Candidate pairs, computed by the shards (see the top of this file); the same pairs and
   * counts as PostingsIndex.candidatePairs, including the lowered cut-off and star links.
   * Each shard sums the partial counts of the pairs it owns.
   */
  async candidatePairs(opts: { minShared: number; maxDf: number; pairBudget?: number }): Promise<CandidatePair[]> {
    try {
      if (this.unmerged) await this.optimize(); // a scan reads every document: merge first
      const sum = await this.pairParts(opts);
      const parts = await Promise.all(this.shards.map((s) => this.numbers(s, sum)));
      await this.clearPairParts();
      return this.pairsOf(parts);
    } catch (e) {
      throw e instanceof StoreError ? e : explainClickHouseError(this.target.display, 'find candidate pairs in', e);
    }
  }

  /**
   * A scan shared by several processes. The candidate pairs of the index as it is now (its
   * committed count and the options name the run) are computed once, by process 1, into
   * candidates_local on the shards, each pair in unit cityHash64(a, b) % units (about 1,000
   * pairs a unit). Process `part` of `parts` takes the units u with u % parts = part - 1 (a
   * deterministic split: no pair is aligned by two processes) and writes each unit's result as
   * one row of scan_results, so a process killed mid-way redoes only its unfinished units.
   */
  async shareScan(opts: { minShared: number; maxDf: number; part: number; parts: number; onWait?: (what: string) => void }): Promise<ScanShare> {
    const { part, parts } = opts;
    if (!(Number.isInteger(part) && Number.isInteger(parts) && part >= 1 && part <= parts)) throw new StoreError(`bad share ${part}/${parts}: want I/N with 1 <= I <= N`);
    const db = this.db;
    const key = sqlString(`${this.committed}/${opts.minShared}/${opts.maxDf}/${STAR_MIN}`);
    const findRun = async () => {
      const r = await this.rows(this.main, `SELECT run, units, total FROM ${db}.scan_runs WHERE key = ${key} ORDER BY at, run LIMIT 1`);
      return r.length ? { run: r[0][0]!.toString(), units: Number(r[0][1]!.toString()), total: Number(r[0][2]!.toString()) } : null;
    };
    let found;
    try {
      found = await findRun();
      if (!found && part === 1) {
        if (this.unmerged) await this.optimize();
        const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
        const sum = await this.pairParts(opts);
        const counts = await Promise.all(this.shards.map((s) => this.numbers(s, `SELECT count() FROM (${sum})`)));
        const total = counts.reduce((x, c) => x + c[0][0], 0);
        const units = Math.max(1, Math.ceil(total / 1000));
        await Promise.all(
          this.shards.map((s) =>
            this.command(s, `INSERT INTO ${db}.candidates_local SELECT ${sqlString(run)}, cityHash64(a, b) % ${int(units)}, a, b, shared FROM (${sum})`),
          ),
        );
        await this.clearPairParts();
        await this.command(this.main, `INSERT INTO ${db}.scan_runs VALUES (${key}, ${sqlString(run)}, ${int(units)}, ${int(total)}, now())`);
        found = await findRun();
      }
      for (let waited = 0; !found; waited++) {
        if (waited % 20 === 0) opts.onWait?.('waiting for process 1 to compute the candidate pairs');
        await new Promise((r) => setTimeout(r, 500));
        found = await findRun();
      }
    } catch (e) {
      throw e instanceof StoreError ? e : explainClickHouseError(this.target.display, 'find candidate pairs in', e);
    }
    const { run, units, total } = found;
    const R = sqlString(run);
    const guard = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
      try {
        return await f();
      } catch (e) {
        throw e instanceof StoreError ? e : explainClickHouseError(this.target.display, what, e);
      }
    };
    const doneUnits = async () => new Set((await this.numbers(this.main, `SELECT DISTINCT unit FROM ${db}.scan_results WHERE run = ${R}`)).map((r) => r[0]));
    const candidates = this.S > 1 ? `${db}.candidates` : `${db}.candidates_local`;
    return {
      total,
      units,
      todo: () =>
        guard('read from', async () => {
          const done = await doneUnits();
          const mine: number[] = [];
          for (let u = part - 1; u < units; u += parts) if (!done.has(u)) mine.push(u);
          return mine;
        }),
      pairs: (unit) => guard('read from', async () => this.pairsOf([await this.numbers(this.main, `SELECT a, b, shared FROM ${candidates} WHERE run = ${R} AND unit = ${int(unit)}`)])),
      finish: (unit, result) =>
        guard('write to', () => this.insertTsv(this.main, 'scan_results', [tsvRow([run, unit, part, result, new Date().toISOString().slice(0, 19).replace('T', ' ')])])),
      results: (onWait) =>
        guard('read from', async () => {
          for (;;) {
            const done = (await doneUnits()).size;
            if (done >= units) break;
            onWait?.(done, units);
            await new Promise((r) => setTimeout(r, 500));
          }
          const rows = await this.rows(this.main, `SELECT unit, result FROM ${db}.scan_results WHERE run = ${R} ORDER BY unit, at`);
          const out: string[] = [];
          let last = -1;
          for (const r of rows) {
            const u = Number(r[0]!.toString());
            if (u === last) continue; // a unit done twice (two runs of one part): the same result
            last = u;
            out.push(r[1]!.toString('utf8'));
          }
          return out;
        }),
    };
  }

  async lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    const q = uniqueSorted(hashes);
    if (!q.length || !this.committed) return [];
    const N = int(this.committed);
    const counts = new Map<number, number>();
    try {
      // Each shard is asked for the lists of the fingerprints it holds (h % S), all at once; a
      // list is whole on its shard, so the maxDf cut is exact there. One read of the postings.
      await Promise.all(
        this.shards.map(async (s, i) => {
          const mine = this.S === 1 ? Array.from(q) : Array.from(q).filter((h) => h % this.S === i);
          if (!mine.length) return;
          const rows = await this.rows(
            s,
            `SELECT groupArrayIf(n, n < ${N}) FROM ${this.db}.postings_local WHERE h IN (${mine.join(',')})
             GROUP BY h HAVING countIf(n < ${N}) BETWEEN 1 AND ${int(opts.maxDf)}`,
          );
          for (const [list] of rows) {
            const t = list!.toString('latin1');
            for (const x of t.slice(1, -1).split(',')) {
              const n = Number(x);
              counts.set(n, (counts.get(n) ?? 0) + 1);
            }
          }
        }),
      );
    } catch (e) {
      throw explainClickHouseError(this.target.display, 'look up in', e);
    }
    const out: { n: number; c: number }[] = [];
    for (const [n, c] of counts) if (c >= opts.minShared) out.push({ n, c });
    out.sort((x, y) => y.c - x.c || x.n - y.n);
    return out.slice(0, opts.limit).map(({ n, c }) => ({ id: this.idList[n], shared: c }));
  }

  release(): void {
    /* nothing held in memory but the ids */
  }

  private async closeClients(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.client.close().catch(() => {})));
  }

  /**
   * Merge each shard's parts of the documents and postings into one (OPTIMIZE ... FINAL): a
   * lookup reads one compressed block per fingerprint and part, so a freshly added index with
   * eight parts answers queries several times slower (at 100,000 documents: 145 ms median
   * instead of 34 ms). Run before candidate pairs are computed and when the store is closed,
   * after documents were added; takes about 3 s per 50,000 documents a shard here.
   * Background merges get there too, eventually.
   */
  async optimize(): Promise<void> {
    this.unmerged = false;
    await Promise.all(
      this.shards.map(async (s) => {
        for (const table of ['postings_local', 'docs_local']) await this.command(s, `OPTIMIZE TABLE ${this.db}.${table} FINAL`);
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.unmerged && process.env.REPRINT_CLICKHOUSE_OPTIMIZE !== '0') await this.optimize();
    } catch {
      /* best effort: the index is whole without it, only slower to query */
    }
    await this.closeClients();
  }
}
