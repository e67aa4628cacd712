// Near-duplicate removal for data teams: MinHash signatures of word k-grams, LSH banding for
// candidates, exact Jaccard similarity to confirm them, and greedy clustering around the
// documents kept. Three streaming passes over the input (sign, confirm, write), so memory holds
// signatures (numPerm × 4 bytes a document) and the shingles of candidate documents only.
//
// Input: a JSONL file (plain or .gz; fields "text" (or "content", "body"), optional "id",
// "date"), whose kept lines are written back byte for byte; or files and folders of documents
// (.txt .md .html ...), whose kept documents are written as JSONL lines {"id","path","text"}.

import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InputProblem } from '../types.ts';
import { minhashText, rolledKgramsOfWords, wordHashes } from './shingles.ts';
import { minhashOf, jaccard } from './minhash.ts';
import { wasmSigner } from './sign-wasm.ts';
import { lshCandidates, lshParams } from './lsh.ts';
import { uniqueSorted } from '../store/postings.ts';
import { MAX_LINE_CHARS, rawLines } from '../ingest/jsonl.ts';
import { inputKind } from '../ingest/index.ts';

export type KeepRule = 'first' | 'longest' | 'earliest';

export interface DedupOptions {
  /** A .jsonl(.gz) file, or files and folders of documents. */
  inputs: string[];
  /** Where the kept documents go (JSONL). */
  out: string;
  /** One line per group of near-duplicates: { "members": [id...], "kept": id }. */
  clusters?: string;
  /** Jaccard similarity of word k-gram sets at or above which two documents are duplicates. */
  threshold?: number;
  keep?: KeepRule;
  /** Words per shingle (default 5). */
  k?: number;
  numPerm?: number;
  onProblem?: (p: InputProblem) => void;
  /**
   * Threads that sign (this one included; default: 2 when the machine has 2+ cores, for a
   * streamed input only when the load average leaves one idle; else 1). Helper threads start
   * only for JSONL inputs of 8 MB or more (64 MB when running through tsx).
   */
  workers?: number;
  /** Input size from which helper threads start (bytes; default as above). */
  workersFrom?: number;
  /**
   * Plain JSONL inputs up to this many bytes are read whole into memory (default 256 MB);
   * larger ones, and gzip, are read as a stream, twice or three times.
   */
  wholeFileLimit?: number;
  /** Documents signed so far, and their characters. */
  onProgress?: (p: { phase: 'add'; done: number; chars: number }) => void;
}

export interface DedupResult {
  documents: number;
  kept: number;
  removed: number;
  /** Groups with two or more members. */
  clusters: number;
  /** Pairs proposed by LSH, and confirmed by exact Jaccard. */
  candidates: number;
  confirmed: number;
  chars: number;
  /**
   * Where the time went: `startUp` from the process's start to the call (module loading),
   * `read` the whole file read into memory (0 when streamed: then reading is part of `sign`),
   * `sign` pass 1 (parsing and signing), `candidates` LSH and the estimate filter, `confirm` pass
   * 2 (exact Jaccard) and the grouping, `write` pass 3; `total` the call, from start to end.
   */
  seconds: { startUp: number; read: number; sign: number; candidates: number; confirm: number; write: number; total: number };
  /** Threads that signed (1, or more with helper threads). */
  threads: number;
  bands: number;
  rows: number;
}

interface InDoc {
  n: number;
  id: string;
  text: string;
  date?: string;
  /** The input line, for JSONL input. */
  raw?: Buffer;
  path?: string;
  /** The decoded original text, for documents read from files. */
  original?: string;
  /** Kept without its text (a JSONL line): parse `raw` again for it. */
  reparse?: boolean;
}

/** The word k-gram hashes of a text (a short text with fewer than k words: one shingle). */
export function shingles(text: string, k = 5): Uint32Array {
  const words = wordHashes(text);
  if (words.length >= k) return rolledKgramsOfWords(words, k);
  let h = 0x811c9dc5 ^ words.length;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  if (words.length === 0) for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return Uint32Array.of(h >>> 0);
}

/**
 * The MinHash signature dedup uses: one pass over the words when numPerm is a power of two,
 * else MinHash of the shingles; a text with fewer than k words is one shingle.
 */
export function signature(text: string, k = 5, numPerm = 128): Uint32Array {
  const pow2 = Number.isInteger(Math.log2(numPerm));
  if (pow2) {
    const sig = minhashText(text, k, numPerm);
    if (sig[0] !== 0xffffffff || sig.some((v) => v !== 0xffffffff)) return sig;
  }
  return minhashOf(shingles(text, k), numPerm);
}

/**
 * signature(text, k, numPerm) into out[at ...]: from sign.wasm where it loads (the same values,
 * about 40% of the time), else as signature does.
 */
export function signInto(text: string, k: number, numPerm: number, out: Uint32Array, at: number): void {
  const w = numPerm <= 256 && Number.isInteger(Math.log2(numPerm)) ? wasmSigner() : null;
  if (!w) {
    out.set(signature(text, k, numPerm), at);
    return;
  }
  w.signInto(text, k, numPerm, out, at);
  for (let j = at; j < at + numPerm; j++) if (out[j] !== 0xffffffff) return;
  // all slots empty: fewer than k words, one shingle (as signature does after minhashText)
  out.set(minhashOf(shingles(text, k), numPerm), at);
}

/** Exact Jaccard similarity of two sorted, distinct hash arrays. */
export function sortedJaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union ? inter / union : 1;
}

/** A document from one JSONL line, or null (a blank line, or one reported as a problem). */
function jsonlDoc(raw: Buffer, lineNo: number, n: number, path: string, onProblem: (p: InputProblem) => void): InDoc | null {
  const s = raw.toString('utf8');
  if (!/\S/.test(s)) return null; // a blank line (stops at the first character; trim() copied every line)
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(s);
  } catch (e) {
    onProblem({ input: path, where: `line ${lineNo}`, reason: `bad JSON: ${(e as Error).message}` });
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    onProblem({ input: path, where: `line ${lineNo}`, reason: 'not a JSON object' });
    return null;
  }
  const text = o.text ?? o.content ?? o.body;
  if (typeof text !== 'string') {
    onProblem({ input: path, where: `line ${lineNo}`, reason: 'no "text" string field' });
    return null;
  }
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : `line ${lineNo}`;
  const date = typeof o.date === 'string' ? o.date : typeof o.published === 'string' ? o.published : undefined;
  return { n, id, text, date, raw };
}

/** Bytes read at a time from a plain JSONL file. */
const READ_CHUNK = 8 * 1024 * 1024;

/**
 * The lines of a plain (not gzipped) file, a chunk at a time: few large reads and no await per
 * line (the stream reader's 64 KB chunks and one await per line were a fifth of a run).
 */
async function* plainLineBatches(path: string, onProblem: (p: InputProblem) => void): AsyncGenerator<{ raw: Buffer; lineNo: number }[]> {
  const fh = await open(path, 'r');
  let lineNo = 0;
  let rest: Buffer | null = null;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await fh.read(chunk, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      const buf: Buffer = rest ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const batch: { raw: Buffer; lineNo: number }[] = [];
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        batch.push({ raw: buf.subarray(start, nl), lineNo: ++lineNo });
        start = nl + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : null;
      if (rest && rest.length > MAX_LINE_CHARS * 2) {
        if (batch.length) yield batch;
        onProblem({ input: path, where: `line ${lineNo + 1}`, reason: `line is over ${MAX_LINE_CHARS / 1048576} M characters; the rest of the file is skipped` });
        return;
      }
      if (batch.length) yield batch;
    }
    if (rest && rest.length) yield [{ raw: rest, lineNo: ++lineNo }];
  } catch (e) {
    onProblem({ input: path, where: `after line ${lineNo}`, reason: `cannot read: ${(e as Error).message}` });
  } finally {
    await fh.close();
  }
}

/** The lines of a .gz file, in batches (the stream reader, which reports truncated gzip data). */
async function* gzLineBatches(path: string, onProblem: (p: InputProblem) => void): AsyncGenerator<{ raw: Buffer; lineNo: number }[]> {
  let batch: { raw: Buffer; lineNo: number }[] = [];
  for await (const l of rawLines(path, onProblem)) {
    batch.push(l);
    if (batch.length === 1024) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Plain JSONL inputs up to this size are read whole into memory shared with the helper threads. */
const WHOLE_FILE = 256 * 1024 * 1024;

/** A plain JSONL file read whole: its bytes and each line's [start, end) (without the newline). */
interface WholeFile {
  path: string;
  bytes: Buffer;
  /** 2 numbers a line: start, end. */
  bounds: Uint32Array;
}

/**
 * A plain JSONL file of at most WHOLE_FILE bytes, read in one go into shared memory (so helper
 * threads parse and sign their share of its lines without copies); null for other inputs, or when
 * a line is too long (the streaming reader reports it).
 */
async function readWhole(inputs: string[], limit = WHOLE_FILE): Promise<WholeFile | null> {
  if (inputs.length !== 1 || inputKind(inputs[0]) !== 'jsonl' || inputs[0].toLowerCase().endsWith('.gz')) return null;
  const path = inputs[0];
  const size = (await stat(path)).size;
  if (size > limit) return null;
  const bytes = Buffer.from(new SharedArrayBuffer(size));
  const fh = await open(path, 'r');
  try {
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    if (at !== size) return null; // the file shrank while read: the streaming reader says so
  } finally {
    await fh.close();
  }
  // line bounds in one pass (start, end pairs; the last line may lack its newline)
  let found = new Uint32Array(Math.max(64, Math.ceil(size / 256)));
  let m = 0;
  for (let start = 0; start < size; ) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = size;
    if (end - start > MAX_LINE_CHARS * 2) return null;
    if (m + 2 > found.length) {
      const grown = new Uint32Array(found.length * 2);
      grown.set(found);
      found = grown;
    }
    found[m++] = start;
    found[m++] = end;
    start = end + 1;
  }
  const bounds = new Uint32Array(new SharedArrayBuffer(m * 4));
  bounds.set(found.subarray(0, m));
  return { path, bytes, bounds };
}

/** What signing a range of lines gives: per line, whether it is a document, with its fields. */
export interface LinesSigned {
  ok: Uint8Array;
  ids: string[];
  dates: number[];
  lengths: number[];
  problems: { line: number; reason: string }[];
}

/** Bytes of lines a thread takes at a time when signing a whole file. */
const WHOLE_CHUNK = 256 * 1024;
/** Characters of candidate documents' texts held for pass 2 (beyond them, only shingle sets are kept). */
const HOLD_CHARS = 64 * 1024 * 1024;

export interface ChunkSigned {
  chunk: number;
  signed: LinesSigned;
}

/** Take chunks of lines (cuts[c] to cuts[c + 1]) from the shared counter `next` and sign them, until none is left. */
export function signChunks(bytes: Buffer, bounds: Uint32Array, cuts: Uint32Array, next: Int32Array, k: number, numPerm: number, sigs: Uint32Array): ChunkSigned[] {
  const out: ChunkSigned[] = [];
  for (let c = Atomics.add(next, 0, 1); c + 1 < cuts.length; c = Atomics.add(next, 0, 1)) out.push({ chunk: c, signed: signLines(bytes, bounds, cuts[c], cuts[c + 1], k, numPerm, sigs) });
  return out;
}

/**
 * Parse and sign lines [from, to) of a whole file; line l's signature goes to
 * sigs[l * numPerm ...]. Used by this thread and the helper threads.
 */
export function signLines(bytes: Buffer, bounds: Uint32Array, from: number, to: number, k: number, numPerm: number, sigs: Uint32Array): LinesSigned {
  const out: LinesSigned = { ok: new Uint8Array(to - from), ids: [], dates: [], lengths: [], problems: [] };
  let line = 0;
  const sink = (p: InputProblem) => out.problems.push({ line, reason: p.reason });
  for (line = from; line < to; line++) {
    const d = jsonlDoc(bytes.subarray(bounds[2 * line], bounds[2 * line + 1]), line + 1, 0, '', sink);
    if (!d) continue;
    out.ok[line - from] = 1;
    out.ids.push(d.id);
    out.dates.push(dateValue(d.date));
    out.lengths.push(d.text.length);
    signInto(d.text, k, numPerm, sigs, line * numPerm);
  }
  return out;
}

/** The input documents, in batches, numbered in input order. */
async function* documents(inputs: string[], onProblem: (p: InputProblem) => void): AsyncGenerator<InDoc[]> {
  let n = 0;
  const jsonl = inputs.length === 1 && inputKind(inputs[0]) === 'jsonl';
  if (jsonl) {
    const path = inputs[0];
    const lines = path.toLowerCase().endsWith('.gz') ? gzLineBatches(path, onProblem) : plainLineBatches(path, onProblem);
    for await (const batch of lines) {
      const docs: InDoc[] = [];
      for (const { raw, lineNo } of batch) {
        const d = jsonlDoc(raw, lineNo, n, path, onProblem);
        if (d) {
          docs.push(d);
          n++;
        }
      }
      if (docs.length) yield docs;
    }
    return;
  }
  // Files and folders need the readers and the clean stage (HTML extraction, mojibake repair):
  // loaded only here, so that a JSONL run does not pay for them at start-up.
  const [{ readSources }, { cleanOne }] = await Promise.all([import('../ingest/index.ts'), import('../engine.ts')]);
  for await (const src of readSources(inputs, onProblem)) {
    const { doc, problems } = cleanOne(src);
    for (const p of problems) onProblem(p);
    if (!doc) continue;
    yield [{ n: n++, id: doc.id, text: doc.text, date: doc.meta.published, path: doc.path, original: doc.original }];
  }
}

const NL = Buffer.from('\n');
/** Bytes gathered before each write. */
const WRITE_CHUNK = 4 * 1024 * 1024;

/**
 * Write the pieces a generator gives to `path` (created or truncated), gathered into large
 * writes.
 */
async function writeOut(path: string, pieces: () => Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<void> {
  const fh = await open(path, 'w');
  try {
    let parts: Buffer[] = [];
    let size = 0;
    for await (const p of pieces()) {
      const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
      parts.push(b);
      size += b.length;
      if (size >= WRITE_CHUNK) {
        await fh.writev(parts);
        parts = [];
        size = 0;
      }
    }
    if (parts.length) await fh.writev(parts);
  } finally {
    await fh.close();
  }
}

/**
 * Helper threads for signing: each batch's front goes to them (split evenly, a little more than
 * this thread's share, since this thread also reads and parses); results come back in order.
 * A helper that fails hands its batches back to this thread.
 */
class Signers {
  private jobs: { worker: number; n: number; texts: string[]; result: Promise<Uint32Array | null> }[] = [];
  private queues: ((v: unknown) => void)[][] = [];
  private broken: boolean[] = [];

  private constructor(
    private workers: Worker[],
    private k: number,
    private numPerm: number,
  ) {
    workers.forEach((w, i) => {
      this.queues.push([]);
      this.broken.push(false);
      const fail = () => {
        this.broken[i] = true;
        for (const r of this.queues[i].splice(0)) r(null);
      };
      // replies come in the order the jobs were sent: signatures (texts) or LinesSigned (lines)
      w.on('message', (reply: unknown) => this.queues[i].shift()?.(reply));
      w.on('error', fail);
      w.on('exit', fail);
    });
  }

  static async start(o: DedupOptions, k: number, numPerm: number): Promise<Signers | null> {
    if (o.inputs.length !== 1 || inputKind(o.inputs[0]) !== 'jsonl') return null;
    const size = (await stat(o.inputs[0])).size;
    // By default a helper starts when a core is idle, or for a file read whole (shared memory:
    // nothing is copied, and even on a busy machine a second thread gained a little); a helper
    // for a streamed input gets copies of the texts, which cost more than its signing saves on a
    // busy machine.
    const whole = !o.inputs[0].toLowerCase().endsWith('.gz') && size <= (o.wholeFileLimit ?? WHOLE_FILE);
    const cores = availableParallelism();
    const threads = Math.max(1, Math.floor(o.workers ?? (cores >= 2 && (whole || loadavg()[0] < cores - 0.5) ? 2 : 1)));
    if (threads < 2) return null;
    const bundle = (globalThis as Record<symbol, unknown>)[Symbol.for('reprint.bundle')] as string | undefined;
    if (size < (o.workersFrom ?? (bundle ? 8 : 64) * 1024 * 1024)) return null;
    const url = bundle ? pathToFileURL(join(bundle, 'sign-worker.js')) : new URL('./sign-boot.mjs', import.meta.url);
    const workers = Array.from({ length: threads - 1 }, () => new Worker(url, { execArgv: [] }));
    return new Signers(workers, k, numPerm);
  }

  /** This thread and the helpers that did not fail. */
  threads(): number {
    return 1 + this.broken.filter((b) => !b).length;
  }

  /** Send the front of a batch to the helpers; returns how many documents they took. */
  send(batch: InDoc[]): number {
    const live = this.workers.map((_, i) => i).filter((i) => !this.broken[i]);
    if (!live.length || batch.length < 64) return 0;
    const share = Math.min(batch.length, Math.round((batch.length * live.length * 1.15) / (live.length + 1)));
    const per = Math.ceil(share / live.length);
    let at = 0;
    for (const i of live) {
      const part = batch.slice(at, Math.min(share, at + per));
      if (!part.length) break;
      const texts = part.map((d) => d.text);
      const result = new Promise<Uint32Array | null>((r) => this.queues[i].push(r as (v: unknown) => void));
      this.workers[i].postMessage({ texts, k: this.k, numPerm: this.numPerm });
      this.jobs.push({ worker: i, n: part[0].n, texts, result });
      at += part.length;
    }
    return at;
  }

  /**
   * Parse and sign the lines of a whole file: the file is cut into chunks of lines, which this
   * thread and the helpers take one at a time from a shared counter (a helper that starts late
   * takes fewer); chunks a failed helper took are done here. Signatures land in `sigs` by line;
   * the results come back in line order. `meanwhile` runs here once the helpers have the job.
   */
  async signWhole(w: WholeFile, sigs: Uint32Array, meanwhile: () => void): Promise<LinesSigned[]> {
    const lines = w.bounds.length / 2;
    const cuts: number[] = [0];
    for (let l = 0, at = 0; l < lines; l++)
      if (w.bounds[2 * l + 1] - at >= WHOLE_CHUNK) {
        cuts.push(l + 1);
        at = w.bounds[2 * l + 1];
      }
    if (cuts[cuts.length - 1] !== lines) cuts.push(lines);
    const job = { bytes: w.bytes.buffer, bounds: w.bounds, cuts: Uint32Array.from(cuts), next: new Int32Array(new SharedArrayBuffer(4)), k: this.k, numPerm: this.numPerm, sigs };
    const replies = this.workers
      .map((_, i) => i)
      .filter((i) => !this.broken[i])
      .map((i) => {
        const result = new Promise<ChunkSigned[] | null>((r) => this.queues[i].push(r as (v: unknown) => void));
        this.workers[i].postMessage(job);
        return result;
      });
    meanwhile();
    const byChunk: (LinesSigned | undefined)[] = [];
    for (const c of signChunks(w.bytes, job.bounds, job.cuts, job.next, this.k, this.numPerm, sigs)) byChunk[c.chunk] = c.signed;
    for (const r of await Promise.all(replies)) for (const c of r ?? []) byChunk[c.chunk] = c.signed;
    const out: LinesSigned[] = [];
    for (let c = 0; c + 1 < cuts.length; c++) out.push(byChunk[c] ?? signLines(w.bytes, w.bounds, cuts[c], cuts[c + 1], this.k, this.numPerm, sigs));
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** The helpers' signatures, by first document number (signed here when a helper failed). */
  async finish(): Promise<{ n: number; sigs: Uint32Array }[]> {
    const out: { n: number; sigs: Uint32Array }[] = [];
    for (const j of this.jobs) {
      let sigs = await j.result;
      if (!sigs) {
        sigs = new Uint32Array(j.texts.length * this.numPerm);
        for (let i = 0; i < j.texts.length; i++) signInto(j.texts[i], this.k, this.numPerm, sigs, i * this.numPerm);
      }
      out.push({ n: j.n, sigs });
    }
    await this.stop();
    return out;
  }
}

function dateValue(s: string | undefined): number {
  if (!s) return Infinity;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : Infinity;
}

/** Pass 1's result, and the way back to the documents for the later passes. */
interface Signed {
  sigs: Uint32Array;
  ids: string[];
  lengths: number[];
  dates: number[];
  chars: number;
  threads: number;
  /** Calls `fn` with the text of each document marked in `need`, in input order. */
  texts(need: Uint8Array, fn: (n: number, text: string) => void): Promise<void>;
  /** The output: kept JSONL lines byte for byte, or {"id","path","text"} lines for files. */
  kept(keptBy: Int32Array): Iterable<string | Buffer> | AsyncIterable<string | Buffer>;
}

/**
 * Pass 1 over a whole file in shared memory: helper threads parse and sign their share of the
 * lines. `meanwhile` runs on this thread while the helpers sign (or first, without helpers).
 */
async function signWholeFile(w: WholeFile, signer: Signers | null, k: number, numPerm: number, report: (p: InputProblem) => void, meanwhile: () => void): Promise<Signed> {
  const lines = w.bounds.length / 2;
  const lineSigs = signer ? new Uint32Array(new SharedArrayBuffer(lines * numPerm * 4)) : new Uint32Array(lines * numPerm);
  if (!signer) meanwhile();
  const parts = signer ? await signer.signWhole(w, lineSigs, meanwhile) : [signLines(w.bytes, w.bounds, 0, lines, k, numPerm, lineSigs)];
  const threads = signer ? signer.threads() : 1;
  if (signer) await signer.stop();
  // number the documents in line order; their signatures move down over the lines that are not
  const docLine = new Uint32Array(lines);
  const ids: string[] = [];
  const lengths: number[] = [];
  const dates: number[] = [];
  const problems: { line: number; reason: string }[] = [];
  let line = 0;
  let chars = 0;
  for (const p of parts) {
    let at = 0;
    for (let i = 0; i < p.ok.length; i++, line++) {
      if (!p.ok[i]) continue;
      const n = ids.length;
      docLine[n] = line;
      if (n !== line) lineSigs.copyWithin(n * numPerm, line * numPerm, (line + 1) * numPerm);
      ids.push(p.ids[at]);
      lengths.push(p.lengths[at]);
      dates.push(p.dates[at]);
      chars += p.lengths[at];
      at++;
    }
    problems.push(...p.problems);
  }
  for (const p of problems) report({ input: w.path, where: `line ${p.line + 1}`, reason: p.reason });
  const N = ids.length;
  const raw = (n: number) => w.bytes.subarray(w.bounds[2 * docLine[n]], w.bounds[2 * docLine[n] + 1]);
  return {
    sigs: lineSigs.subarray(0, N * numPerm),
    ids,
    lengths,
    dates,
    chars,
    threads,
    async texts(need, fn) {
      for (let n = 0; n < N; n++) if (need[n]) fn(n, jsonlDoc(raw(n), 0, n, '', () => {})?.text ?? '');
    },
    *kept(keptBy) {
      // runs of consecutive kept lines go out as one piece each
      for (let n = 0; n < N; ) {
        if (keptBy[n] !== n) {
          n++;
          continue;
        }
        const first = n;
        while (n + 1 < N && keptBy[n + 1] === n + 1 && docLine[n + 1] === docLine[n] + 1) n++;
        yield w.bytes.subarray(w.bounds[2 * docLine[first]], w.bounds[2 * docLine[n] + 1]);
        yield NL;
        n++;
      }
    },
  };
}

/** Pass 1 reading the input as a stream of batches (gzip, large files, files and folders). */
async function signStream(o: DedupOptions, signer: Signers | null, k: number, numPerm: number, report: (p: InputProblem) => void): Promise<Signed> {
  // Small inputs stay in memory between passes; big ones are read again.
  const CACHE_CHARS = 256e6;
  let cache: InDoc[] | null = [];
  const again = (): AsyncIterable<InDoc[]> | InDoc[][] => (cache ? [cache] : documents(o.inputs, () => {}));
  let sigs = new Uint32Array(1024 * numPerm);
  const ids: string[] = [];
  const lengths: number[] = [];
  const dates: number[] = [];
  let chars = 0;
  for await (const batch of documents(o.inputs, report)) {
    const last = batch[batch.length - 1].n;
    if ((last + 1) * numPerm > sigs.length) {
      const s2 = new Uint32Array(Math.max(sigs.length * 2, (last + 1) * numPerm));
      s2.set(sigs);
      sigs = s2;
    }
    // helper threads take the front of the batch; this thread signs the rest
    const ahead = signer ? signer.send(batch) : 0;
    for (let i = ahead; i < batch.length; i++) {
      const d = batch[i];
      signInto(d.text, k, numPerm, sigs, d.n * numPerm);
    }
    for (const d of batch) {
      ids.push(d.id);
      lengths.push(d.text.length);
      dates.push(dateValue(d.date));
      chars += d.text.length;
      if (cache) {
        // a JSONL document keeps only its line (its text is parsed again if a candidate pair
        // needs it): the texts die young instead of filling the old generation
        if (chars + (d.raw?.length ?? d.original?.length ?? 0) < CACHE_CHARS) cache.push(d.raw ? { n: d.n, id: d.id, text: '', raw: d.raw, reparse: true } : d);
        else cache = null;
      }
      if (o.onProgress && d.n % 256 === 255) o.onProgress({ phase: 'add', done: d.n + 1, chars });
    }
  }
  const threads = signer ? signer.threads() : 1;
  if (signer) for (const r of await signer.finish()) sigs.set(r.sigs, r.n * numPerm);
  return {
    sigs,
    ids,
    lengths,
    dates,
    chars,
    threads,
    async texts(need, fn) {
      for await (const batch of again())
        for (const d of batch) {
          if (!need[d.n]) continue;
          fn(d.n, d.reparse ? (jsonlDoc(d.raw!, 0, d.n, '', () => {})?.text ?? '') : d.text);
        }
    },
    async *kept(keptBy) {
      for await (const batch of again())
        for (const d of batch) {
          if (keptBy[d.n] !== d.n) continue;
          if (d.raw) yield d.raw, yield NL;
          else yield JSON.stringify({ id: d.id, path: d.path, text: d.original ?? d.text }) + '\n';
        }
    },
  };
}

export async function dedupe(o: DedupOptions): Promise<DedupResult> {
  const t0 = performance.now();
  const threshold = o.threshold ?? 0.8;
  const k = o.k ?? 5;
  const numPerm = o.numPerm ?? 128;
  const keep = o.keep ?? 'first';
  const report = o.onProblem ?? (() => {});
  const quiet = () => {};
  for (const p of o.inputs) {
    if (p === '-') throw new Error('dedup reads its input several times: give a file, not standard input');
    await stat(p); // a missing input is an error before any work
  }

  // Pass 1: signatures. Helper threads start first, so that they load while the input is read.
  // The LSH parameters (10-25 ms of arithmetic, much of it before the JIT has compiled it) are
  // worked out on this thread while the helpers sign a whole file.
  const signer = await Signers.start(o, k, numPerm);
  let params: { bands: number; rows: number } | undefined;
  const plan = () => void (params ??= lshParams(threshold, numPerm));
  const whole = await readWhole(o.inputs, o.wholeFileLimit);
  const tRead = performance.now();
  const signed = whole ? await signWholeFile(whole, signer, k, numPerm, report, plan) : await signStream(o, signer, k, numPerm, report);
  plan();
  const { bands, rows } = params!;
  const { sigs, ids, lengths, dates, chars, threads } = signed;
  if (o.onProgress) o.onProgress({ phase: 'add', done: ids.length, chars });
  const tSign = performance.now();
  const N = ids.length;

  // LSH candidates, filtered by estimated similarity (with slack), then confirmed exactly.
  const cand = lshCandidates(sigs, N, numPerm, bands, rows);
  const slack = 0.15;
  const pairA: number[] = [];
  const pairB: number[] = [];
  const need = new Uint8Array(N);
  for (let i = 0; i < cand.length; i++) {
    const a = Math.floor(cand[i] / N);
    const b = cand[i] - a * N;
    const est = jaccard(sigs.subarray(a * numPerm, (a + 1) * numPerm), sigs.subarray(b * numPerm, (b + 1) * numPerm));
    if (est < threshold - slack) continue;
    pairA.push(a);
    pairB.push(b);
    need[a] = need[b] = 1;
  }
  const tCandidates = performance.now();
  // Pass 2: the texts of the documents in candidate pairs (held up to HOLD_CHARS), and their
  // shingle sets when needed: a pair of equal texts is a duplicate without them (most confirmed
  // pairs of a crawl or a news feed are exact copies).
  const held = new Map<number, string>();
  const sets = new Map<number, Uint32Array>();
  let heldChars = 0;
  if (pairA.length)
    await signed.texts(need, (n, text) => {
      if (heldChars + text.length > HOLD_CHARS) sets.set(n, uniqueSorted(shingles(text, k)));
      else {
        held.set(n, text);
        heldChars += text.length;
      }
    });
  const setOf = (n: number): Uint32Array | undefined => {
    let s = sets.get(n);
    const text = held.get(n);
    if (!s && text !== undefined) sets.set(n, (s = uniqueSorted(shingles(text, k))));
    return s;
  };
  const adj = new Map<number, number[]>();
  let confirmed = 0;
  for (let i = 0; i < pairA.length; i++) {
    const a = pairA[i];
    const b = pairB[i];
    const ta = held.get(a);
    if (ta === undefined || ta !== held.get(b)) {
      const sa = setOf(a);
      const sb = setOf(b);
      if (!sa || !sb || sortedJaccard(sa, sb) < threshold) continue;
    }
    confirmed++;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      let l = adj.get(x);
      if (!l) adj.set(x, (l = []));
      l.push(y);
    }
  }
  held.clear();
  sets.clear();

  // Greedy clustering in keep-priority order: each unassigned document is kept and takes its
  // confirmed near-duplicates that are still unassigned, so every removed document is at least
  // `threshold` similar to the document kept in its place.
  const order = Array.from({ length: N }, (_, i) => i);
  if (keep === 'longest') order.sort((a, b) => lengths[b] - lengths[a] || a - b);
  else if (keep === 'earliest') order.sort((a, b) => dates[a] - dates[b] || a - b);
  const keptBy = new Int32Array(N).fill(-1);
  const groups: { kept: number; members: number[] }[] = [];
  for (const d of order) {
    if (keptBy[d] >= 0) continue;
    keptBy[d] = d;
    const nb = adj.get(d);
    if (!nb) continue;
    const members = [d];
    for (const x of nb.sort((a, b) => a - b))
      if (keptBy[x] < 0) {
        keptBy[x] = d;
        members.push(x);
      }
    if (members.length > 1) groups.push({ kept: d, members: members.sort((a, b) => a - b) });
  }

  const tConfirm = performance.now();
  // Pass 3: write the kept documents (and the clusters), in large writes.
  let kept = 0;
  for (let d = 0; d < N; d++) if (keptBy[d] === d) kept++;
  await writeOut(o.out, () => signed.kept(keptBy));
  if (o.clusters) {
    await writeOut(o.clusters, function* () {
      for (const g of groups) yield JSON.stringify({ members: g.members.map((m) => ids[m]), kept: ids[g.kept] }) + '\n';
    });
  }
  const t1 = performance.now();
  return {
    documents: N,
    kept,
    removed: N - kept,
    clusters: groups.length,
    candidates: cand.length,
    confirmed,
    chars,
    seconds: {
      startUp: t0 / 1000,
      read: (whole ? tRead - t0 : 0) / 1000,
      sign: (tSign - (whole ? tRead : t0)) / 1000,
      candidates: (tCandidates - tSign) / 1000,
      confirm: (tConfirm - tCandidates) / 1000,
      write: (t1 - tConfirm) / 1000,
      total: (t1 - t0) / 1000,
    },
    threads,
    bands,
    rows,
  };
}
