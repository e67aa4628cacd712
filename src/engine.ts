// The engine wires the stages together. The CLI, the server and the benchmarks all use it.
//
//   read -> clean -> fingerprint -> index -> candidates -> align -> relate -> report

import type { Doc, InputProblem, Passage, Source, Span, Tokens } from './types.ts';
import { cleanSource } from './clean/index.ts';
import { markRepeatedBlocks, type LineKeys } from './clean/boilerplate.ts';
import { tokenize } from './text/tokens.ts';
import { kgramHashes, winnowHashes, type Fingerprints } from './fingerprint/winnow.ts';
import { minhashOf, shinglesOf } from './fingerprint/minhash.ts';
import { briefPairs, type BriefDoc } from './fingerprint/briefs.ts';
import { align } from './align/index.ts';
import { addRelated, coveredTokens, passageCoverage, edgeOf, relateEdges, titleOf, wordCount, type Edge, type Relations, type RelateOptions } from './relate/index.ts';
import { citations, directionVote, type Citation } from './relate/direction.ts';
import { ChangeBook, changeTiming, edgeChanges, likelySource, quoteCache, type EdgeChanges } from './relate/changes.ts';
import { MemoryStore } from './store/memory.ts';
import type { CandidatePair, IndexEntry, Store } from './store/store.ts';
import { WorkerPool } from './parallel/pool.ts';
import { packDoc, unpackDoc, type PackedDoc } from './store/codec.ts';
import { uniqueSorted } from './store/postings.ts';
import { envNumber } from './env.ts';

/** What the pure stage functions need to know (also sent to worker threads). */
export interface StageOptions {
  k: number;
  window: number;
  numPerm: number;
}

/** An index entry with its tokens (kept for the next stages when computed on this thread). */
export type FingerprintedEntry = IndexEntry & { tokens?: Tokens };

/** Clean one source: the Doc, or null, and the problems met (pure; runs in workers too). */
export function cleanOne(source: Source): { doc: Doc | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  try {
    const doc = cleanSource(source);
    for (const w of doc.warnings ?? []) problems.push({ input: source.path, reason: w.startsWith(source.path + ': ') ? w.slice(source.path.length + 2) : w, warning: true });
    if (!doc.text.trim()) {
      problems.push({ input: source.path, reason: 'no text left after cleaning' });
      return { doc: null, problems };
    }
    return { doc, problems };
  } catch (e) {
    problems.push({ input: source.path, reason: `cannot clean: ${(e as Error).message}` });
    return { doc: null, problems };
  }
}

/** Tokens, winnowed fingerprints and MinHash signature of a clean text (pure). */
export function fingerprintText(
  text: string,
  boilerplate: Span[],
  o: StageOptions,
): { tokens: Tokens; fingerprints: Fingerprints; signature: Uint32Array } {
  const tokens = tokenize(text, boilerplate);
  const { hashes, valid } = kgramHashes(tokens, o.k);
  const fingerprints: Fingerprints = winnowHashes(hashes, valid, o.window);
  const signature = minhashOf(shinglesOf(hashes, valid), o.numPerm);
  return { tokens, fingerprints, signature };
}

/**
 * What the index keeps of a clean text (pure; runs in workers): fingerprints, their sorted
 * distinct set and the signature, without the tokens (not worth sending between threads).
 */
export function indexText(text: string, boilerplate: Span[], o: StageOptions): Omit<IndexEntry, 'doc'> {
  const { fingerprints, signature } = fingerprintText(text, boilerplate, o);
  return { fingerprints, signature, unique: uniqueSorted(fingerprints.hashes) };
}

/** What a chunk's alignment needs of each document: the fields edgeOf and the change analysis read. */
export interface BatchDoc {
  doc: Pick<Doc, 'id' | 'text' | 'meta' | 'repairs'>;
  tokens: Tokens;
}

/** A chunk's aligned pairs: the edge of each pair that shares text, and what its copy changed. */
export interface RelatedBatch {
  /** Per pair, in order: its edge, or null where the documents share no reuse. */
  edges: (Edge | null)[];
  /** Per pair with an edge (with `changes`): the analysis in the orientation relate will most likely give it. */
  changes: (EdgeChanges | null)[];
  /** Seconds and pairs of the change analysis (for bench:scale's account of its cost). */
  changeSeconds: number;
  changePairs: number;
}

/**
 * Align pairs of documents given by index into `docs` and turn each that shares text into an
 * edge (coverage, direction evidence), with what the copy changed when `changes` is set (pure;
 * runs in workers, where the strings made are the worker's own). `own` copies strings kept for
 * the whole scan so that they do not keep their document's text alive.
 */
export function relateBatch(
  docs: BatchDoc[],
  pairs: Uint32Array,
  relate: RelateOptions,
  changes: boolean,
  own: (s: string) => string = (s) => s,
): RelatedBatch {
  const t0 = changeTiming.seconds;
  const n0 = changeTiming.pairs;
  // edgeOf and the analysis read only these fields of a Doc
  const full = docs as unknown as Prepared[];
  const cites = new Map<number, Citation[]>();
  const citesOf = (i: number) => {
    let x = cites.get(i);
    if (!x) cites.set(i, (x = citations(docs[i].doc.text)));
    return x;
  };
  const quotes = quoteCache();
  const out: RelatedBatch = { edges: [], changes: [], changeSeconds: 0, changePairs: 0 };
  for (let k = 0; k < pairs.length; k += 2) {
    const a = full[pairs[k]];
    const b = full[pairs[k + 1]];
    const c: [Citation[], Citation[]] = [citesOf(pairs[k]), citesOf(pairs[k + 1])];
    const passages = align({ text: a.doc.text, tokens: a.tokens }, { text: b.doc.text, tokens: b.tokens });
    const e = edgeOf(a, b, passages, relate, c);
    if (e) e.evidence = e.evidence.map(own);
    out.edges.push(e);
    out.changes.push(e && changes ? edgeChanges(a, b, passages, likelySource(e.score, e.covA, e.covB, e.a, e.b), quotes, own, c) : null);
  }
  out.changeSeconds = changeTiming.seconds - t0;
  out.changePairs = changeTiming.pairs - n0;
  return out;
}

export interface EngineOptions {
  /** Where documents and fingerprints live; an in-memory store by default. */
  store?: Store;
  /** Words per fingerprinted k-gram. */
  k?: number;
  /** Winnowing window (in k-grams). */
  window?: number;
  /** Fingerprints two documents must share to be aligned. */
  minShared?: number;
  /**
   * Fingerprints held by more documents than this are ignored (stock phrases, boilerplate).
   * Default: max(20, 1% of the documents), at most 1000.
   */
  maxDf?: number;
  /** MinHash permutations. */
  numPerm?: number;
  /** Documents cleaned together (cross-document boilerplate is found within a batch). */
  batchSize?: number;
  relate?: RelateOptions;
  /** Called for each input that was skipped or damaged. */
  onProblem?: (p: InputProblem) => void;
  /**
   * Worker threads for cleaning, fingerprinting and alignment (1: everything on this thread).
   * Workers start only when there is enough work to pay for their start-up.
   */
  workers?: number;
  /** Called as work advances (documents read, pairs aligned). */
  onProgress?: (p: Progress) => void;
  /**
   * Above this many documents, `scan` returns an incomplete result (see ScanResult.complete):
   * only the documents that share text, loaded on demand, so memory stays bounded by the reuse
   * found (default 50,000, or the REPRINT_FULL_SCAN_LIMIT environment variable).
   */
  fullScanLimit?: number;
  /** Documents whose tokens are kept in memory between uses (stores on disk). */
  cacheSize?: number;
  /**
   * A one-shot scan (the CLI's `scan` without an index file): the store's in-memory postings
   * are freed once the candidate pairs are known, before alignment; `trace` cannot be used
   * afterwards on a memory store.
   */
  oneShot?: boolean;
  /**
   * Work below which the worker threads are not started: candidate pairs in `scan` (default
   * 4000, or the REPRINT_PARALLEL_MIN environment variable); `add` starts them after
   * ADD_PARALLEL_MIN documents, or this many when fewer.
   */
  parallelMin?: number;
  /**
   * Analyse what each copy changed (`Pair.changes`; default true, or false when the
   * REPRINT_CHANGES environment variable is 0).
   */
  changes?: boolean;
  /**
   * Share a scan with other processes (stores with `shareScan`, i.e. ClickHouse): this is
   * process `part` of `parts` (1-based); each aligns its own units of candidate pairs, then
   * every process relates all of them. `onWait` hears what it is waiting for.
   */
  share?: { part: number; parts: number; onWait?: (what: string) => void };
}

export interface Progress {
  phase: 'add' | 'align';
  /** Documents read (add) or candidate pairs aligned (align). */
  done: number;
  /** Total when known (align). */
  total?: number;
  /** Characters read so far (add). */
  chars?: number;
}

/** An edge a process of a shared scan found, stored with its unit (see `EngineOptions.share`). */
interface SharedEdge {
  shared: number;
  a: string;
  b: string;
  edge: Edge;
  changes?: EdgeChanges;
}

/** A document with what the hot path computed from it. */
export interface Prepared {
  doc: Doc;
  tokens: Tokens;
}

export interface ScanResult extends Relations {
  /**
   * True when the scan covers every document (up to `fullScanLimit`): then `docs` and `tokens`
   * hold them all. Above it they are empty, `ids` lists the documents that share text, and
   * documents are read with `load` (a chunk at a time) so memory stays bounded.
   */
  complete: boolean;
  /** The documents the result is about: every one, or those that share text. */
  ids: string[];
  /** Words outside boilerplate, for each id. */
  words: Map<string, number>;
  docs: Map<string, Doc>;
  tokens: Map<string, Tokens>;
  /** Read documents from the store. */
  load(ids: string[]): Promise<Map<string, Doc>>;
  problems: InputProblem[];
  stats: { documents: number; chars: number; candidates: number; aligned: number; seconds: number };
}

const PARALLEL_MIN = envNumber('REPRINT_PARALLEL_MIN', 4000);
/**
 * Documents after which `add` cleans and fingerprints on the workers: a default batch. (At 4000,
 * the scan's threshold, the first 2000 of a 10,000-document add were done on this thread while
 * the workers waited: add 4.1-4.2 s, against 3.7 s.)
 */
const ADD_PARALLEL_MIN = 2000;
/** Brief candidates (briefPairs) in complete scans; REPRINT_BRIEFS=0 turns them off, for measuring. */
const BRIEFS = process.env.REPRINT_BRIEFS !== '0';
const FULL_SCAN_LIMIT = envNumber('REPRINT_FULL_SCAN_LIMIT', 50_000);

export interface TraceSource {
  id: string;
  /** Share of the query text found in this document. */
  queryCoverage: number;
  /** Share of this document found in the query. */
  sourceCoverage: number;
  passages: Passage[];
  /** The stored document (its spans are in `passages[i].source`). */
  doc?: Doc;
}

export interface TraceResult {
  query: Prepared;
  sources: TraceSource[];
}

export class Engine {
  readonly store: Store;
  readonly problems: InputProblem[] = [];
  private readonly o: Required<Omit<EngineOptions, 'store' | 'onProblem' | 'relate' | 'maxDf' | 'onProgress' | 'share'>> & {
    maxDf?: number;
    share?: EngineOptions['share'];
    relate: RelateOptions;
  };
  private readonly onProblem?: (p: InputProblem) => void;
  private readonly onProgress?: (p: Progress) => void;
  /** Tokens of stored documents (insertion order = age; bounded for on-disk stores). */
  private tokenCache = new Map<string, Tokens>();
  private docCache = new Map<string, Doc>();
  private pool: WorkerPool | null = null;
  /** Candidate pairs aligned by this engine (progress across scans and units). */
  private aligned = 0;
  /** Sources skipped by `add` because their id was already in the store before this run. */
  alreadyStored = 0;

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.onProblem = options.onProblem;
    this.onProgress = options.onProgress;
    this.o = {
      k: options.k ?? 5,
      window: options.window ?? 4,
      minShared: options.minShared ?? 2,
      maxDf: options.maxDf,
      numPerm: options.numPerm ?? 128,
      batchSize: options.batchSize ?? 2000,
      relate: options.relate ?? {},
      workers: Math.max(1, Math.floor(options.workers ?? 1)),
      fullScanLimit: options.fullScanLimit ?? FULL_SCAN_LIMIT,
      cacheSize: options.cacheSize ?? 4096,
      parallelMin: options.parallelMin ?? PARALLEL_MIN,
      oneShot: options.oneShot ?? false,
      changes: options.changes ?? process.env.REPRINT_CHANGES !== '0',
      share: options.share,
    };
  }

  private get stageOptions(): StageOptions {
    return { k: this.o.k, window: this.o.window, numPerm: this.o.numPerm };
  }

  /** The worker pool, started on first need (null when workers = 1). */
  private workerPool(): WorkerPool | null {
    if (this.o.workers <= 1) return null;
    if (!this.pool) this.pool = new WorkerPool(this.o.workers);
    return this.pool;
  }

  /** Documents the caches hold during a complete scan (all of them: the result holds them anyway). */
  private cacheMax: number | undefined;

  /** Cache a document's tokens (and the Doc); the oldest go first beyond `cacheSize`. */
  private remember(id: string, tokens: Tokens, doc?: Doc): void {
    this.tokenCache.delete(id);
    this.tokenCache.set(id, tokens);
    if (doc) {
      this.docCache.delete(id);
      this.docCache.set(id, doc);
    }
    this.trimCaches(this.cacheMax ?? this.o.cacheSize);
  }

  private trimCaches(max: number): void {
    while (this.tokenCache.size > max) this.tokenCache.delete(this.tokenCache.keys().next().value!);
    while (this.docCache.size > max) this.docCache.delete(this.docCache.keys().next().value!);
  }

  /** Record a problem with one input; the run goes on. */
  report(p: InputProblem): void {
    this.problems.push(p);
    this.onProblem?.(p);
  }

  /** Clean one source; a failure is reported and gives null. */
  clean(source: Source): Doc | null {
    const { doc, problems } = cleanOne(source);
    for (const p of problems) this.report(p);
    return doc;
  }

  /** Tokens, fingerprints and signature of a cleaned document: pure computation. */
  fingerprint(doc: Doc): IndexEntry & { tokens: Tokens } {
    return { doc, ...fingerprintText(doc.text, doc.boilerplate, this.stageOptions) };
  }

  /** Clean and fingerprint one batch, on worker threads when there are several. */
  private async prepareBatch(sources: Source[], pool: WorkerPool | null): Promise<FingerprintedEntry[]> {
    let docs: Doc[];
    let lines: LineKeys[] | undefined;
    if (!pool) {
      docs = [];
      for (const s of sources) {
        const d = this.clean(s);
        if (d) docs.push(d);
      }
    } else {
      const parts = split(sources, pool.size);
      const results = await Promise.all(
        parts.map((part) => pool.run<{ doc: PackedDoc | null; lines: LineKeys | null; problems: InputProblem[] }[]>('clean', part)),
      );
      docs = [];
      lines = [];
      for (const r of results)
        for (const { doc, lines: l, problems } of r) {
          for (const p of problems) this.report(p);
          if (doc) {
            docs.push(unpackDoc(doc));
            lines.push(l!);
          }
        }
    }
    // Cross-document boilerplate over the whole batch, whatever the number of workers.
    markRepeatedBlocks(docs, { lines });
    if (!pool) return docs.map((d) => this.fingerprint(d));
    const parts = split(docs, pool.size);
    const results = await Promise.all(
      parts.map((part) =>
        pool.run<ReturnType<typeof indexText>[]>(
          'index',
          { docs: part.map((d) => ({ text: d.text, boilerplate: d.boilerplate })), options: this.stageOptions },
        ),
      ),
    );
    const out: FingerprintedEntry[] = [];
    let i = 0;
    for (const r of results) for (const f of r) out.push({ doc: docs[i++], ...f });
    return out;
  }

  /** Clean, fingerprint and store documents. Returns how many were added. */
  async add(sources: AsyncIterable<Source> | Iterable<Source>): Promise<number> {
    let batch: Source[] = [];
    let added = 0;
    let read = 0;
    let chars = 0;
    const seen = new Set<string>();
    let pending: Promise<void> = Promise.resolve();
    let usePool = false;
    const store = async (entries: FingerprintedEntry[]) => {
      for (const e of entries) if (e.tokens) this.remember(e.doc.id, e.tokens);
      added += await this.store.add(entries);
    };
    const flush = async () => {
      if (!batch.length) return;
      const b = batch;
      batch = [];
      const pool = usePool ? this.workerPool() : null;
      // Clean and fingerprint this batch while the next one is read; store in order.
      const prepared = this.prepareBatch(b, pool);
      const prev = pending;
      pending = (async () => {
        const entries = await prepared;
        await prev;
        await store(entries);
      })();
      // a failure is thrown where `pending` is awaited; this only marks it as handled meanwhile
      pending.catch(() => {});
      prepared.catch(() => {});
      // keep at most two batches in flight
      await prev;
    };
    try {
      for await (const source of sources) {
        if (seen.has(source.id)) {
          this.report({ input: source.path, reason: `duplicate document id "${source.id}" (first one kept)` });
          continue;
        }
        if (await this.store.has(source.id)) {
          // indexed by an earlier run: skipped quietly (this is how an interrupted add resumes)
          this.alreadyStored++;
          continue;
        }
        seen.add(source.id);
        batch.push(source);
        read++;
        chars += source.text?.length ?? source.bytes?.length ?? 0;
        if (read >= Math.min(this.o.parallelMin, ADD_PARALLEL_MIN) && this.o.workers > 1) usePool = true;
        if (this.onProgress && read % 256 === 0) this.onProgress({ phase: 'add', done: read, chars });
        if (batch.length >= this.o.batchSize) await flush();
      }
      await flush();
    } finally {
      await pending;
    }
    this.onProgress?.({ phase: 'add', done: read, chars });
    return added;
  }

  /** Candidates for short texts that share no fingerprint (see briefPairs), read a chunk of documents at a time. */
  private async briefCandidates(ids: string[], candidates: CandidatePair[]): Promise<CandidatePair[]> {
    const docs: BriefDoc[] = [];
    for (let lo = 0; lo < ids.length; lo += 2048) {
      const part = ids.slice(lo, lo + 2048);
      const got = await this.preparedMany(part);
      for (const id of part) docs.push({ id, text: got.get(id)!.doc.text, tokens: got.get(id)!.tokens });
    }
    const known = new Set(candidates.map((c) => `${c.a}\0${c.b}`));
    return briefPairs(docs, this.maxDf(ids.length), known);
  }

  private async prepared(id: string): Promise<Prepared> {
    const doc = this.docCache.get(id) ?? (await this.store.getDoc(id));
    if (!doc) throw new Error(`document "${id}" is not in the store`);
    let tokens = this.tokenCache.get(id);
    if (!tokens) tokens = tokenize(doc.text, doc.boilerplate);
    this.remember(id, tokens, doc);
    return { doc, tokens };
  }

  /** Read documents from the store, several at once where it can (one query on disk). */
  private fetchDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    return this.store.getDocs ? this.store.getDocs(ids) : Promise.all(ids.map((id) => this.store.getDoc(id)));
  }

  /** Load several stored documents at once (one query for stores on disk). */
  private async preparedMany(ids: string[]): Promise<Map<string, Prepared>> {
    const out = new Map<string, Prepared>();
    const missing: string[] = [];
    for (const id of ids) {
      const d = this.docCache.get(id);
      if (d && this.tokenCache.has(id)) out.set(id, { doc: d, tokens: this.tokenCache.get(id)! });
      else if (!out.has(id)) missing.push(id);
    }
    if (missing.length) {
      const docs = await this.fetchDocs(missing);
      for (let i = 0; i < missing.length; i++) {
        const doc = docs[i];
        if (!doc) throw new Error(`document "${missing[i]}" is not in the store`);
        const tokens = this.tokenCache.get(missing[i]) ?? tokenize(doc.text, doc.boilerplate);
        this.remember(missing[i], tokens, doc);
        out.set(missing[i], { doc, tokens });
      }
    }
    return out;
  }

  private maxDf(n: number): number {
    return this.o.maxDf ?? Math.min(1000, Math.max(20, Math.ceil(n * 0.01)));
  }

  /** Align two prepared documents: passages with `a` as source side. */
  alignPair(a: Prepared, b: Prepared): Passage[] {
    return align({ text: a.doc.text, tokens: a.tokens }, { text: b.doc.text, tokens: b.tokens });
  }

  /**
   * Find every pair of stored documents that share text, and relate them. Each chunk of
   * candidate pairs is aligned and turned into edges (coverage, direction evidence) while its
   * documents are loaded; stories and lineage then need only the edges. Up to `fullScanLimit`
   * documents the result holds every document (and "related" pairs by topic); above it, memory
   * stays bounded by the reuse found and documents are loaded on demand through `load`.
   */
  async scan(): Promise<ScanResult> {
    const t0 = performance.now();
    const ids = await this.store.ids();
    const complete = ids.length <= this.o.fullScanLimit;
    // a complete scan needs every document and its tokens at the end (its result holds them):
    // kept in the caches from the start, none is read back from the store or tokenized twice
    if (complete) this.cacheMax = Math.max(this.o.cacheSize, ids.length);
    try {
      return await this.scanWith(ids, complete, t0);
    } finally {
      this.cacheMax = undefined;
      this.trimCaches(this.o.cacheSize);
    }
  }

  private async scanWith(ids: string[], complete: boolean, t0: number): Promise<ScanResult> {
    this.aligned = 0;
    const edges: Edge[] = [];
    const titles = new Map<string, string>();
    const words = new Map<string, number>();
    const keep = (d: Prepared) => {
      if (!words.has(d.doc.id)) {
        words.set(d.doc.id, wordCount(d.tokens));
        titles.set(d.doc.id, ownCopy(titleOf(d.doc)));
      }
    };
    // what each copy changed, analysed from the passages while both documents are loaded
    const book = new ChangeBook();
    const share = this.o.share;
    let candidateCount: number;
    if (share && this.store.shareScan) {
      // Several processes share the work: each aligns its own units and stores their edges;
      // every process then relates all the edges, in the order one process would have.
      const job = await this.store.shareScan({ minShared: this.o.minShared, maxDf: this.maxDf(ids.length), ...share, onWait: share.onWait });
      candidateCount = job.total;
      const pool = job.total >= this.o.parallelMin * share.parts ? this.workerPool() : null;
      for (const unit of await job.todo()) {
        const found: SharedEdge[] = [];
        const w: Record<string, [number, string]> = {};
        await this.alignPairs(await job.pairs(unit), pool, job.total, (e, p, x, y, changes) => {
          found.push({ shared: p.shared, a: p.a, b: p.b, edge: e, changes: changes ?? undefined });
          for (const d of [x, y]) w[d.doc.id] ??= [wordCount(d.tokens), titleOf(d.doc)];
        });
        await job.finish(unit, JSON.stringify({ found, words: w }));
      }
      const all: SharedEdge[] = [];
      for (const r of await job.results((done, units) => share.onWait?.(`waiting for the other processes: ${done} of ${units} units aligned`))) {
        const { found, words: w } = JSON.parse(r) as { found: typeof all; words: Record<string, [number, string]> };
        for (const f of found) all.push(f);
        for (const [id, [n, t]] of Object.entries(w))
          if (!words.has(id)) {
            words.set(id, n);
            titles.set(id, t);
          }
      }
      // candidatePairs' order: most shared first, ties by ids
      all.sort((x, y) => y.shared - x.shared || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
      for (const f of all) {
        edges.push(f.edge);
        if (f.changes) book.add(f.edge.a, f.edge.b, f.changes);
      }
      if (this.o.oneShot) this.store.release?.();
    } else {
      const candidates = await this.store.candidatePairs({ minShared: this.o.minShared, maxDf: this.maxDf(ids.length) });
      if (this.o.oneShot) this.store.release?.();
      if (complete && BRIEFS) candidates.push(...(await this.briefCandidates(ids, candidates)));
      candidateCount = candidates.length;
      const pool = candidates.length >= this.o.parallelMin ? this.workerPool() : null;
      // (edges and changes are kept until the end: relateBatch copies the strings they cut from texts)
      await this.alignPairs(candidates, pool, candidates.length, (e, _p, a, b, changes) => {
        edges.push(e);
        if (changes) book.add(e.a, e.b, changes);
        keep(a);
        keep(b);
      });
    }

    // documents only: no tokens, and the caches are left to the align stage
    const load = async (want: string[]) => {
      const out = new Map<string, Doc>();
      const missing = want.filter((id) => {
        const d = this.docCache.get(id);
        if (d) out.set(id, d);
        return !d;
      });
      if (missing.length) {
        const got = await this.fetchDocs(missing);
        missing.forEach((id, i) => {
          if (got[i]) out.set(id, got[i]!);
        });
      }
      return out;
    };
    const docs = new Map<string, Doc>();
    const tokens = new Map<string, Tokens>();
    let rel: Relations;
    if (complete) {
      // Every document: stories, then "related" pairs for documents in none.
      const prepared: Prepared[] = [];
      for (let lo = 0; lo < ids.length; lo += 2048) {
        const part = ids.slice(lo, lo + 2048);
        const got = await this.preparedMany(part);
        for (const id of part) {
          const p = got.get(id)!;
          docs.set(id, p.doc);
          tokens.set(id, p.tokens);
          if (!words.has(id)) words.set(id, wordCount(p.tokens));
          prepared.push(p);
        }
      }
      rel = relateEdges(edges, (id) => titleOf(docs.get(id)!), this.o.relate);
      addRelated(prepared, rel, this.o.relate);
    } else {
      rel = relateEdges(edges, (id) => titles.get(id) ?? id, this.o.relate);
    }
    // pairs oriented otherwise than guessed are analysed again (documents at hand, or read back)
    await book.attach(
      rel.pairs,
      async (want) => {
        const out = new Map<string, Prepared>();
        const missing = want.filter((id) => {
          const d = docs.get(id);
          if (d) out.set(id, { doc: d, tokens: tokens.get(id)! });
          return !d;
        });
        if (missing.length) for (const [id, p] of await this.preparedMany(missing)) out.set(id, p);
        return out;
      },
      ownCopy,
    );
    const s = this.store as Store & { chars?: () => Promise<number> };
    let chars = 0;
    if (s.chars) chars = await s.chars();
    else for (const d of docs.values()) chars += d.original.length;
    return {
      ...rel,
      complete,
      ids: complete ? ids : [...words.keys()],
      words,
      docs,
      tokens,
      load,
      problems: this.problems,
      stats: {
        documents: ids.length,
        chars,
        candidates: candidateCount,
        aligned: edges.length,
        seconds: (performance.now() - t0) / 1000,
      },
    };
  }

  /**
   * Align candidate pairs a chunk at a time (on worker threads when given a pool, several
   * chunks in flight) and hand each pair that shares text to `sink` as an edge, with what its
   * copy changed (when the engine analyses changes), oriented as relate will most likely orient
   * the pair.
   */
  private async alignPairs(
    candidates: CandidatePair[],
    pool: WorkerPool | null,
    total: number,
    sink: (e: Edge, pair: CandidatePair, a: Prepared, b: Prepared, changes: EdgeChanges | null) => void,
  ): Promise<void> {
    const chunk = pool ? 256 : 1024;
    // Chunks are aligned in order; with workers, several chunks are in flight at once.
    const inFlight: Promise<RelatedBatch>[] = [];
    const chunks: { pairs: CandidatePair[]; docs: Map<string, Prepared> }[] = [];
    const collect = async () => {
      const res = await inFlight.shift()!;
      const { pairs: c, docs } = chunks.shift()!;
      if (pool) {
        // the analysis ran in a worker: its time counts here
        changeTiming.seconds += res.changeSeconds;
        changeTiming.pairs += res.changePairs;
      }
      for (let i = 0; i < c.length; i++) {
        const e = res.edges[i];
        if (e) sink(e, c[i], docs.get(c[i].a)!, docs.get(c[i].b)!, res.changes[i]);
      }
      this.aligned += c.length;
      this.onProgress?.({ phase: 'align', done: this.aligned, total });
    };
    for (let lo = 0; lo < candidates.length; lo += chunk) {
      const c = candidates.slice(lo, lo + chunk);
      const need = [...new Set(c.flatMap((p) => [p.a, p.b]))];
      const prepared = await this.preparedMany(need);
      const index = new Map(need.map((id, i) => [id, i]));
      const pairs = new Uint32Array(c.length * 2);
      c.forEach((p, i) => {
        pairs[2 * i] = index.get(p.a)!;
        pairs[2 * i + 1] = index.get(p.b)!;
      });
      if (!pool) {
        const docs = need.map((id) => prepared.get(id)!);
        inFlight.push(Promise.resolve(relateBatch(docs, pairs, this.o.relate, this.o.changes, ownCopy)));
      } else {
        const docs: BatchDoc[] = need.map((id) => {
          const { doc, tokens } = prepared.get(id)!;
          return { doc: { id: doc.id, text: doc.text, meta: doc.meta, repairs: doc.repairs }, tokens };
        });
        inFlight.push(pool.run<RelatedBatch>('relate', { docs, pairs, relate: this.o.relate, changes: this.o.changes }));
      }
      chunks.push({ pairs: c, docs: prepared });
      while (inFlight.length > (pool ? pool.size * 2 : 0)) await collect();
    }
    while (inFlight.length) await collect();
  }

  /** "Where did this come from?": stored documents sharing text with `source`, best first. */
  async trace(source: Source, limit = 20): Promise<TraceResult> {
    const doc = cleanSource(source);
    const entry = this.fingerprint(doc);
    const query: Prepared = { doc, tokens: entry.tokens };
    const n = await this.store.size();
    const hits = await this.store.lookup(entry.fingerprints.hashes, {
      minShared: 1,
      // a text copied by many documents must still be traceable: lists far above maxDf only
      maxDf: this.maxDf(n) * 50,
      limit: limit * 3,
    });
    const sources: TraceSource[] = [];
    // Hits sharing a single fingerprint (one 5-word phrase) rarely hold a passage: align at most
    // `limit / 2` of them, after every better hit.
    let weak = 0;
    const wanted = hits
      .filter((h) => !(h.id === doc.id && source.id !== ''))
      .filter((h) => h.shared > 1 || weak++ < Math.ceil(limit / 2))
      .map((h) => h.id);
    const loaded = await this.preparedMany(wanted);
    for (const id of wanted) {
      const hit = { id };
      const other = loaded.get(id)!;
      const passages = this.alignPair(other, query);
      if (!passages.length) continue;
      sources.push({
        id: hit.id,
        queryCoverage: passageCoverage(query.tokens, other.tokens, passages, 'derived'),
        sourceCoverage: passageCoverage(other.tokens, query.tokens, passages, 'source'),
        passages,
        doc: other.doc,
      });
    }
    sources.sort((x, y) => y.queryCoverage - x.queryCoverage || y.sourceCoverage - x.sourceCoverage);
    return { query, sources: originalsFirst(query, sources).slice(0, limit) };
  }

  /** Load a stored document. */
  async doc(id: string): Promise<Doc | undefined> {
    return this.docCache.get(id) ?? this.store.getDoc(id);
  }

  /** Stop the worker threads (they start again when needed). */
  async closeWorkers(): Promise<void> {
    if (this.pool) await this.pool.close();
    this.pool = null;
  }

  async close(): Promise<void> {
    await this.closeWorkers();
    await this.store.close();
  }
}

/**
 * Best first means the original before its copies: sources are ranked by how much of the query
 * they hold, but when two account for the same part of the query and the evidence between them
 * (dates, one crediting the other, broken encoding) says which came first, the earlier one moves
 * ahead. An indexed copy of the query itself stays on top.
 */
function originalsFirst(query: Prepared, sources: TraceSource[]): TraceSource[] {
  if (sources.length < 2) return sources;
  const covered = sources.map((s) => coveredTokens(query.tokens, s.passages.map((p) => p.derived)));
  const overlap = (i: number, j: number) => {
    let both = 0, a = 0, b = 0;
    for (let t = 0; t < query.tokens.length; t++) {
      a += covered[i][t];
      b += covered[j][t];
      both += covered[i][t] & covered[j][t];
    }
    return both / Math.max(1, Math.min(a, b));
  };
  const cites = sources.map((s) => citations(s.doc?.text ?? ''));
  const order = sources.map((_, i) => i);
  // Insertion sort with "j goes before i" decided by explicit evidence only.
  for (let k = 1; k < order.length; k++) {
    for (let m = k; m > 0; m--) {
      const i = order[m - 1];
      const j = order[m];
      const a = sources[j].doc;
      const b = sources[i].doc;
      // the query's own text, indexed, stays on top
      const same = sources[i].queryCoverage >= 0.95 && sources[i].sourceCoverage >= 0.95;
      if (!a || !b || same || overlap(i, j) < 0.5) break;
      const vote = directionVote(a, b, 0.5, 0.5, cites[j], cites[i]);
      if (vote.score < 0.3) break;
      order[m - 1] = j;
      order[m] = i;
    }
  }
  return order.map((i) => sources[i]);
}

/**
 * A string that holds its own characters: V8 keeps a substring as a view of the string it was
 * cut from, so a title kept for the whole scan would keep its document's text in memory.
 * Slicing a concatenation makes V8 flatten it into a new string first, so the result refers to
 * that copy only (four times faster than a round trip through a Buffer; a test checks that the
 * text is let go).
 */
export function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

/** Split a list into at most `n` contiguous parts of nearly equal size. */
function split<T>(xs: T[], n: number): T[][] {
  const parts: T[][] = [];
  const size = Math.ceil(xs.length / Math.max(1, n));
  for (let i = 0; i < xs.length; i += size) parts.push(xs.slice(i, i + size));
  return parts;
}
