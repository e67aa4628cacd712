// The engine wires the stages together. The CLI, the server and the benchmarks all use it.
//
//   read -> clean -> fingerprint -> index -> candidates -> align -> relate -> report

import type { Doc, InputProblem, Passage, Source, Span, Tokens } from './types.ts';
import { cleanSource } from './clean/index.ts';
import { markRepeatedBlocks } from './clean/boilerplate.ts';
import { toOriginal } from './clean/offsets.ts';
import { tokenize } from './text/tokens.ts';
import { winnow, type Fingerprints } from './fingerprint/winnow.ts';
import { minhashTokens } from './fingerprint/minhash.ts';
import { align } from './align/index.ts';
import { coverage, relate, type AlignedPair, type Relations, type RelateOptions } from './relate/index.ts';
import { MemoryStore } from './store/memory.ts';
import type { IndexEntry, Store } from './store/store.ts';

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
}

/** A document with what the hot path computed from it. */
export interface Prepared {
  doc: Doc;
  tokens: Tokens;
}

export interface ScanResult extends Relations {
  docs: Map<string, Doc>;
  tokens: Map<string, Tokens>;
  problems: InputProblem[];
  stats: { documents: number; chars: number; candidates: number; aligned: number; seconds: number };
}

export interface TraceSource {
  id: string;
  /** Share of the query text found in this document. */
  queryCoverage: number;
  /** Share of this document found in the query. */
  sourceCoverage: number;
  passages: Passage[];
}

export interface TraceResult {
  query: Prepared;
  sources: TraceSource[];
}

export class Engine {
  readonly store: Store;
  readonly problems: InputProblem[] = [];
  private readonly o: Required<Omit<EngineOptions, 'store' | 'onProblem' | 'relate' | 'maxDf'>> & {
    maxDf?: number;
    relate: RelateOptions;
  };
  private readonly onProblem?: (p: InputProblem) => void;
  private tokenCache = new Map<string, Tokens>();

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.onProblem = options.onProblem;
    this.o = {
      k: options.k ?? 5,
      window: options.window ?? 4,
      minShared: options.minShared ?? 2,
      maxDf: options.maxDf,
      numPerm: options.numPerm ?? 128,
      batchSize: options.batchSize ?? 2000,
      relate: options.relate ?? {},
    };
  }

  /** Record a problem with one input; the run goes on. */
  report(p: InputProblem): void {
    this.problems.push(p);
    this.onProblem?.(p);
  }

  /** Clean one source; a failure is reported and gives null. */
  clean(source: Source): Doc | null {
    try {
      const doc = cleanSource(source);
      if (!doc.text.trim()) {
        this.report({ input: source.path, reason: 'no text left after cleaning' });
        return null;
      }
      for (const w of doc.warnings ?? []) this.report({ input: source.path, reason: w });
      return doc;
    } catch (e) {
      this.report({ input: source.path, reason: `cannot clean: ${(e as Error).message}` });
      return null;
    }
  }

  /** Tokens, fingerprints and signature of a cleaned document: pure computation. */
  fingerprint(doc: Doc): IndexEntry & { tokens: Tokens } {
    const tokens = tokenize(doc.text, doc.boilerplate);
    const fingerprints: Fingerprints = winnow(tokens, this.o.k, this.o.window);
    const signature = minhashTokens(tokens, this.o.k, this.o.numPerm);
    return { doc, tokens, fingerprints, signature };
  }

  /** Clean, fingerprint and store documents. Returns how many were added. */
  async add(sources: AsyncIterable<Source> | Iterable<Source>): Promise<number> {
    let batch: Doc[] = [];
    let added = 0;
    const seen = new Set<string>();
    const flush = async () => {
      if (!batch.length) return;
      markRepeatedBlocks(batch);
      const entries = batch.map((d) => this.fingerprint(d));
      for (const e of entries) this.tokenCache.set(e.doc.id, e.tokens);
      added += await this.store.add(entries);
      batch = [];
    };
    for await (const source of sources) {
      if (seen.has(source.id) || (await this.store.has(source.id))) {
        this.report({ input: source.path, reason: `duplicate document id "${source.id}" (first one kept)` });
        continue;
      }
      seen.add(source.id);
      const doc = this.clean(source);
      if (!doc) continue;
      batch.push(doc);
      if (batch.length >= this.o.batchSize) await flush();
    }
    await flush();
    return added;
  }

  private async prepared(id: string): Promise<Prepared> {
    const doc = await this.store.getDoc(id);
    if (!doc) throw new Error(`document "${id}" is not in the store`);
    let tokens = this.tokenCache.get(id);
    if (!tokens) {
      tokens = tokenize(doc.text, doc.boilerplate);
      this.tokenCache.set(id, tokens);
    }
    return { doc, tokens };
  }

  private maxDf(n: number): number {
    return this.o.maxDf ?? Math.min(1000, Math.max(20, Math.ceil(n * 0.01)));
  }

  /** Align two prepared documents: passages with `a` as source side. */
  alignPair(a: Prepared, b: Prepared): Passage[] {
    return align({ text: a.doc.text, tokens: a.tokens }, { text: b.doc.text, tokens: b.tokens });
  }

  /** Find every pair of stored documents that share text, and relate them. */
  async scan(): Promise<ScanResult> {
    const t0 = performance.now();
    const ids = await this.store.ids();
    const candidates = await this.store.candidatePairs({ minShared: this.o.minShared, maxDf: this.maxDf(ids.length) });
    const aligned: AlignedPair[] = [];
    for (const c of candidates) {
      const [a, b] = [await this.prepared(c.a), await this.prepared(c.b)];
      const passages = this.alignPair(a, b);
      if (passages.length) aligned.push({ a: c.a, b: c.b, passages });
    }
    const docs = new Map<string, Doc>();
    const tokens = new Map<string, Tokens>();
    const prepared: Prepared[] = [];
    let chars = 0;
    for (const id of ids) {
      const p = await this.prepared(id);
      docs.set(id, p.doc);
      tokens.set(id, p.tokens);
      prepared.push(p);
      chars += p.doc.original.length;
    }
    const rel = relate(prepared, aligned, this.o.relate);
    return {
      ...rel,
      docs,
      tokens,
      problems: this.problems,
      stats: {
        documents: ids.length,
        chars,
        candidates: candidates.length,
        aligned: aligned.length,
        seconds: (performance.now() - t0) / 1000,
      },
    };
  }

  /** "Where did this come from?": stored documents sharing text with `source`, best first. */
  async trace(source: Source, limit = 20): Promise<TraceResult> {
    const doc = cleanSource(source);
    const entry = this.fingerprint(doc);
    const query: Prepared = { doc, tokens: entry.tokens };
    const n = await this.store.size();
    const hits = await this.store.lookup(entry.fingerprints.hashes, {
      minShared: 1,
      maxDf: this.maxDf(n),
      limit: limit * 3,
    });
    const sources: TraceSource[] = [];
    for (const hit of hits) {
      if (hit.id === doc.id && source.id !== '') continue;
      const other = await this.prepared(hit.id);
      const passages = this.alignPair(other, query);
      if (!passages.length) continue;
      sources.push({
        id: hit.id,
        queryCoverage: coverage(query.tokens, passages.map((p) => p.derived)),
        sourceCoverage: coverage(other.tokens, passages.map((p) => p.source)),
        passages,
      });
    }
    sources.sort((x, y) => y.queryCoverage - x.queryCoverage || y.sourceCoverage - x.sourceCoverage);
    return { query, sources: sources.slice(0, limit) };
  }

  /** Load a stored document. */
  async doc(id: string): Promise<Doc | undefined> {
    return this.store.getDoc(id);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** A clean-text span of `doc` as Unicode code points of its original text. */
export function originalSpan(doc: Doc, span: Span): Span {
  return toOriginal(doc, span);
}
