// report.json: the contract other tools rely on. Every span is [start, end) in Unicode code
// points of the document's original text (as decoded), so a user can find it in their file.
//
// `writeReportJson` streams it (documents and pairs a chunk at a time, read from the store when
// the scan result does not hold them), so a report of any size is written in bounded memory;
// `buildReport` builds the whole object, for complete scan results only.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Change, Doc, Edit, InputProblem, Pair, Passage, PassageKind, Relation, Span, Story } from '../types.ts';
import { toOriginal } from '../clean/offsets.ts';
import type { ScanResult } from '../engine.ts';
import { titleOf } from '../relate/index.ts';
import { wordCount } from '../relate/coverage.ts';

export interface ReportDocument {
  id: string;
  path: string;
  title: string;
  /** Length of the original text in code points. */
  chars: number;
  /** Words outside boilerplate. */
  words: number;
  url?: string;
  site?: string;
  published?: string;
  author?: string;
  encoding?: string;
  /** Characters repaired (mojibake) and boilerplate spans marked. */
  repairs: number;
  boilerplate: Span[];
}

export interface ReportPassage {
  source: Span;
  derived: Span;
  similarity: number;
  kind: PassageKind;
  edits?: { op: Edit['op']; source: Span; derived: Span }[];
}

export interface ReportPair {
  source: string;
  derived: string;
  relation: Relation;
  sourceCoverage: number;
  derivedCoverage: number;
  direction: { confidence: number; evidence: string[] };
  passages: ReportPassage[];
  /** What the derived document changed, most important first (src/relate/changes.ts). */
  changes?: ReportChange[];
}

/** A change with its spans in code points of the original texts (null: no counterpart). */
export type ReportChange = Omit<Change, 'source' | 'derived' | 'words'> & {
  source: Span | null;
  derived: Span | null;
  words?: { op: Edit['op']; source: Span; derived: Span }[];
};

export function changeToReport(source: Doc, derived: Doc, c: Change): ReportChange {
  const out: ReportChange = { ...c, source: c.source && toOriginal(source, c.source), derived: c.derived && toOriginal(derived, c.derived) };
  if (c.words) out.words = c.words.map((w) => ({ op: w.op, source: toOriginal(source, w.source), derived: toOriginal(derived, w.derived) }));
  return out;
}

export interface Report {
  version: 1;
  generated: string;
  documents: ReportDocument[];
  pairs: ReportPair[];
  stories: Story[];
  problems: InputProblem[];
  stats: ScanResult['stats'];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function passageToReport(source: Doc, derived: Doc, p: Passage): ReportPassage {
  const out: ReportPassage = {
    source: toOriginal(source, p.source),
    derived: toOriginal(derived, p.derived),
    similarity: round(p.similarity),
    kind: p.kind,
  };
  if (p.edits?.length)
    out.edits = p.edits.map((e) => ({ op: e.op, source: toOriginal(source, e.source), derived: toOriginal(derived, e.derived) }));
  return out;
}

export function pairToReport(docs: Map<string, Doc>, p: Pair): ReportPair {
  const s = docs.get(p.source)!;
  const d = docs.get(p.derived)!;
  return {
    source: p.source,
    derived: p.derived,
    relation: p.relation,
    sourceCoverage: round(p.sourceCoverage),
    derivedCoverage: round(p.derivedCoverage),
    direction: { confidence: round(p.direction.confidence), evidence: p.direction.evidence },
    passages: p.passages.map((x) => passageToReport(s, d, x)),
    ...(p.changes ? { changes: p.changes.map((c) => changeToReport(s, d, c)) } : {}),
  };
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Length of a string in code points (the regex engine scans far faster than a loop). */
function codePoints(s: string): number {
  const pairs = s.match(SURROGATE_PAIR);
  return s.length - (pairs ? pairs.length : 0);
}

export function documentToReport(doc: Doc, words: number): ReportDocument {
  return {
    id: doc.id,
    path: doc.path,
    title: titleOf(doc),
    chars: codePoints(doc.original),
    words,
    url: doc.meta.url,
    site: doc.meta.site,
    published: doc.meta.published,
    author: doc.meta.author,
    encoding: doc.encoding,
    repairs: doc.repairs.length,
    boilerplate: doc.boilerplate.map((b) => toOriginal(doc, b)),
  };
}

/**
 * The whole report as one object. Needs a complete scan result (`result.complete`, every
 * document in `result.docs`); for an incomplete one (a scan above `fullScanLimit` documents) it
 * throws: write that report with `writeReportJson`, which reads the documents from the store.
 */
export function buildReport(r: ScanResult): Report {
  if (!r.complete)
    throw new Error(
      `buildReport needs a complete scan result, and this scan of ${r.stats.documents} documents is incomplete ` +
        '(above fullScanLimit its documents stay in the store): use writeReportJson, which streams the report',
    );
  return {
    version: 1,
    generated: new Date().toISOString(),
    documents: [...r.docs.values()].map((d) => documentToReport(d, wordCount(r.tokens.get(d.id)!))),
    pairs: r.pairs.map((p) => pairToReport(r.docs, p)),
    stories: r.stories,
    problems: r.problems,
    stats: r.stats,
  };
}

/** Documents read from the store at a time. */
export const LOAD_CHUNK = 1024;

/**
 * The documents `ids` of a scan: from `result.docs` where it holds them, the rest read with
 * `result.load`, `chunk` at a time. The caller bounds how many it asks for at once.
 */
export async function docsOf(result: ScanResult, ids: Iterable<string>, chunk = LOAD_CHUNK): Promise<Map<string, Doc>> {
  const out = new Map<string, Doc>();
  const missing = new Set<string>();
  for (const id of ids) {
    const d = result.docs.get(id);
    if (d) out.set(id, d);
    else missing.add(id);
  }
  const list = [...missing];
  for (let lo = 0; lo < list.length; lo += chunk) {
    const got = await result.load(list.slice(lo, lo + chunk));
    for (const [id, d] of got) out.set(id, d);
  }
  for (const id of missing) if (!out.has(id)) throw new Error(`document "${id}" of the scan is not in the store`);
  return out;
}

/**
 * Consecutive runs of `pairs` whose documents number at most `maxDocs` (and at most `maxPairs`
 * pairs), so that one run's documents can be loaded at once.
 */
export function* pairChunks(pairs: Pair[], maxDocs = 2 * LOAD_CHUNK, maxPairs = LOAD_CHUNK): Generator<{ pairs: Pair[]; ids: Set<string> }> {
  let lo = 0;
  while (lo < pairs.length) {
    const ids = new Set<string>();
    let hi = lo;
    while (hi < pairs.length && hi - lo < maxPairs) {
      const p = pairs[hi];
      const add = (ids.has(p.source) ? 0 : 1) + (ids.has(p.derived) ? 0 : 1);
      if (hi > lo && ids.size + add > maxDocs) break;
      ids.add(p.source);
      ids.add(p.derived);
      hi++;
    }
    yield { pairs: pairs.slice(lo, hi), ids };
    lo = hi;
  }
}

export interface ReportJsonOptions {
  /** Documents read from the store at a time, and pairs converted at a time (default LOAD_CHUNK). */
  chunk?: number;
}

/** Strings are gathered into pieces of about this many characters before they are written. */
const PIECE = 1 << 16;

/**
 * An array element as JSON.stringify(report, null, 2) lays it out at depth 2, with its leading
 * newline: stringified inside two arrays (indented by the stringifier, no second pass), then
 * unwrapped from "[\n  [" and "\n  ]\n]".
 */
const element = (v: unknown) => JSON.stringify([[v]], null, 2).slice(5, -6);

/**
 * report.json as a sequence of strings (the same text as `JSON.stringify(buildReport(r), null, 2)`
 * plus a newline). Documents and pairs are converted a chunk at a time; documents the result does
 * not hold are read with `result.load`. An incomplete result lists the documents that share text
 * (`result.ids`); a complete one lists every document.
 */
export async function* reportJsonText(r: ScanResult, options: ReportJsonOptions = {}): AsyncGenerator<string> {
  const chunk = Math.max(1, options.chunk ?? LOAD_CHUNK);
  let parts: string[] = [];
  let size = 0;
  const put = (s: string) => {
    parts.push(s);
    size += s.length;
    return size >= PIECE;
  };
  const take = () => {
    const s = parts.join('');
    parts = [];
    size = 0;
    return s;
  };
  // Top-level fields as JSON.stringify lays them out; arrays one element at a time.
  const field = (name: string, value: unknown, last = false) =>
    `\n  ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${last ? '' : ','}`;
  // An array from batches of elements (one await per batch, not per element).
  async function* array(name: string, batches: AsyncIterable<unknown[]> | Iterable<unknown[]>) {
    put(`\n  ${JSON.stringify(name)}: [`);
    let n = 0;
    for await (const batch of batches) for (const x of batch) if (put((n++ ? ',' : '') + element(x))) yield take();
    put(n ? '\n  ],' : '],');
  }
  put('{' + field('version', 1) + field('generated', new Date().toISOString()));
  yield* array('documents', documents(r, chunk));
  yield* array('pairs', pairs(r, chunk));
  yield* array('stories', [r.stories]);
  yield* array('problems', [r.problems]);
  put(field('stats', r.stats, true) + '\n}\n');
  yield take();
}

async function* documents(r: ScanResult, chunk: number): AsyncGenerator<ReportDocument[]> {
  for (let lo = 0; lo < r.ids.length; lo += chunk) {
    const ids = r.ids.slice(lo, lo + chunk);
    const docs = await docsOf(r, ids, chunk);
    yield ids.map((id) => {
      const tokens = r.tokens.get(id);
      return documentToReport(docs.get(id)!, r.words.get(id) ?? (tokens ? wordCount(tokens) : 0));
    });
  }
}

async function* pairs(r: ScanResult, chunk: number): AsyncGenerator<ReportPair[]> {
  for (const c of pairChunks(r.pairs, 2 * chunk, chunk)) {
    const docs = await docsOf(r, c.ids, chunk);
    yield c.pairs.map((p) => pairToReport(docs, p));
  }
}

/**
 * Write report.json to a file (a path) or to a stream (e.g. process.stdout, left open), chunk by
 * chunk and respecting backpressure: memory stays bounded whatever the size of the scan.
 */
export async function writeReportJson(
  out: string | NodeJS.WritableStream,
  result: ScanResult,
  options: ReportJsonOptions = {},
): Promise<void> {
  if (typeof out === 'string') await pipeline(Readable.from(reportJsonText(result, options)), createWriteStream(out));
  else await writeChunks(out, reportJsonText(result, options));
}

/**
 * Write `chunks` to a stream in order, waiting while it is full, and leave it open. Resolves
 * when the last chunk is handed on; rejects with the stream's error (e.g. EPIPE when a reader
 * stops early).
 */
export async function writeChunks(out: NodeJS.WritableStream, chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<void> {
  let failed: Error | null = null;
  const onError = (e: Error) => {
    failed ??= e;
  };
  out.on('error', onError);
  try {
    let last: Promise<void> = Promise.resolve();
    for await (const chunk of chunks) {
      if (failed) throw failed;
      let ok = true;
      last = new Promise<void>((resolve, reject) => {
        ok = out.write(chunk, (e?: Error | null) => (e ? reject(e) : resolve()));
      });
      last.catch(() => {});
      if (!ok) await drained(out);
    }
    await last;
    if (failed) throw failed;
  } finally {
    out.removeListener('error', onError);
  }
}

/** Resolves when `out` wants more data; rejects when it fails or closes first. */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error) => {
      out.removeListener('drain', onDrain);
      out.removeListener('error', onError);
      out.removeListener('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (e: Error) => done(e);
    const onClose = () => done(new Error('the output closed before the report was written'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}
