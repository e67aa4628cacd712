// Corpus generator: N news-sized documents with planted reuse of known kinds, and the ground
// truth. Original documents are new text from a word-level Markov chain (order 1) trained on
// the BBC articles (or Reuters-21578); words with fewer than 4 distinct successors are followed
// by a word drawn from the whole corpus, so that the chain does not replay long stretches of
// its training text and originals share no passages with each other; a share of
// the documents are then derived from distinct originals:
//   exact        an identical copy
//   partial      a contiguous 40-70% of the source's paragraphs inside new text
//   edited       the source with about 8% of its words replaced, deleted or inserted
//   boilerplate  the source wrapped in a site header and footer shared by many documents
// Nothing third-party is copied into the output verbatim beyond the chain's word pairs.

import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type ReuseKind = 'exact' | 'partial' | 'edited' | 'boilerplate';
export const KINDS: ReuseKind[] = ['exact', 'partial', 'edited', 'boilerplate'];

export interface GenOptions {
  n: number;
  /** Share of documents derived from another (default 0.2). */
  reuse?: number;
  seed?: number;
  /** Folder of training text: ../shared/data/bbc (default) or reuters21578. */
  base: string;
}

export interface Truth {
  source: string;
  derived: string;
  kind: ReuseKind;
}

/** xorshift32: a small seeded generator. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export async function trainingTexts(base: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.txt')) out.push(await readFile(p, 'latin1'));
      else if (e.name.endsWith('.sgm')) {
        const sgml = await readFile(p, 'latin1');
        for (const m of sgml.matchAll(/<BODY>([\s\S]*?)<\/BODY>/g)) out.push(m[1].replace(/&lt;/g, '<').replace(/&amp;/g, '&'));
      }
    }
  };
  await walk(base);
  if (!out.length) throw new Error(`no training text (.txt or .sgm) under ${base}`);
  return out;
}

/** An order-1 word Markov chain in compressed arrays. */
export class Chain {
  words: string[] = [];
  private offsets: Uint32Array;
  private next: Uint32Array;
  private starts: Uint32Array;
  /** Distinct successors of each word (capped at 255). */
  private branching: Uint8Array;

  constructor(texts: string[]) {
    const id = new Map<string, number>();
    const seq: number[] = [];
    const startIds: number[] = [];
    const idOf = (w: string) => {
      let i = id.get(w);
      if (i === undefined) {
        i = this.words.length;
        id.set(w, i);
        this.words.push(w);
      }
      return i;
    };
    for (const t of texts) {
      const ws = t.split(/\s+/).filter(Boolean);
      for (let i = 0; i < ws.length; i++) {
        const x = idOf(ws[i]);
        if (i === 0 || /[.!?]["']?$/.test(ws[i - 1])) startIds.push(x);
        seq.push(x);
      }
      seq.push(-1);
    }
    const count = new Uint32Array(this.words.length + 1);
    for (let i = 0; i + 1 < seq.length; i++) if (seq[i] >= 0 && seq[i + 1] >= 0) count[seq[i] + 1]++;
    for (let i = 1; i < count.length; i++) count[i] += count[i - 1];
    this.offsets = count.slice();
    this.next = new Uint32Array(count[count.length - 1]);
    const fill = count.slice();
    for (let i = 0; i + 1 < seq.length; i++) if (seq[i] >= 0 && seq[i + 1] >= 0) this.next[fill[seq[i]]++] = seq[i + 1];
    this.starts = Uint32Array.from(startIds);
    this.branching = new Uint8Array(this.words.length);
    for (let w = 0; w < this.words.length; w++) {
      const seen = new Set<number>();
      for (let i = this.offsets[w]; i < this.offsets[w + 1] && seen.size < 255; i++) seen.add(this.next[i]);
      this.branching[w] = seen.size;
    }
  }

  /** A sentence of about `len` words (ends at a full stop once long enough). */
  sentence(r: () => number, len: number): string {
    let w = this.starts[Math.floor(r() * this.starts.length)];
    const out = [this.words[w]];
    for (let i = 1; i < len * 2; i++) {
      const lo = this.offsets[w];
      const hi = this.offsets[w + 1];
      // Words with few distinct successors would replay the training text (line-ups, names):
      // after them the next word is drawn from the whole corpus instead.
      if (hi === lo) w = this.starts[Math.floor(r() * this.starts.length)];
      else if (this.branching[w] < 4) w = this.next[Math.floor(r() * this.next.length)];
      else w = this.next[lo + Math.floor(r() * (hi - lo))];
      const word = this.words[w];
      out.push(word);
      if (i >= len && /[.!?]["']?$/.test(word)) break;
    }
    const s = out.join(' ');
    return /[.!?]["']?$/.test(s) ? s : s + '.';
  }

  paragraph(r: () => number): string {
    const n = 2 + Math.floor(r() * 3);
    const ss: string[] = [];
    for (let i = 0; i < n; i++) ss.push(this.sentence(r, 12 + Math.floor(r() * 14)));
    return ss.join(' ');
  }

  /** A news-sized article: a title line and 5-10 paragraphs (about 2-5 KB). */
  article(r: () => number): string[] {
    const title = this.sentence(r, 6).replace(/[.!?]["']?$/, '');
    const n = 5 + Math.floor(r() * 6);
    const ps = [title];
    for (let i = 0; i < n; i++) ps.push(this.paragraph(r));
    return ps;
  }
}

const HEADERS = [
  'Home | News | Sport | Business | Weather | Sign in',
  'Skip to main content. Menu. Search this site.',
  'Advertisement. Continue reading the main story below.',
];
const FOOTERS = [
  'Share this article on Facebook, Twitter and email. Subscribe to our newsletter for the latest headlines every morning.',
  'Copyright 2024 Example Media Group. All rights reserved. Terms of use. Privacy policy. Cookie settings.',
  'Related stories: More from this section. Most read today. Contact the newsroom.',
];

function editWords(text: string, r: () => number, chain: Chain, rate: number): string {
  return text
    .split('\n\n')
    .map((p) => {
      const ws = p.split(' ');
      const out: string[] = [];
      for (const w of ws) {
        const x = r();
        if (x < rate / 3) continue; // delete
        if (x < (2 * rate) / 3) {
          out.push(chain.words[Math.floor(r() * chain.words.length)]); // replace
          continue;
        }
        out.push(w);
        if (x < rate) out.push(chain.words[Math.floor(r() * chain.words.length)]); // insert
      }
      return out.join(' ');
    })
    .join('\n\n');
}

function write(ws: WriteStream, s: string): Promise<void> {
  return ws.write(s) ? Promise.resolve() : new Promise((res) => ws.once('drain', () => res()));
}

/**
 * Write `corpus` (JSONL: id, text) and `truth` (JSONL: source, derived, kind). Derived documents
 * come after their source. Returns the counts.
 */
export async function generate(o: GenOptions, corpusPath: string, truthPath: string): Promise<{ docs: number; bytes: number; truth: number; byKind: Record<ReuseKind, number> }> {
  const r = rng(o.seed ?? 1);
  const chain = new Chain(await trainingTexts(o.base));
  const reuse = o.reuse ?? 0.2;
  const corpus = createWriteStream(corpusPath);
  const truth = createWriteStream(truthPath);
  const byKind: Record<ReuseKind, number> = { exact: 0, partial: 0, edited: 0, boilerplate: 0 };
  const width = String(o.n).length;
  const idOf = (i: number) => `g${String(i).padStart(width, '0')}`;
  // Recent originals not yet used as a source (a source is reused at most once).
  const pool: { id: string; paras: string[] }[] = [];
  let bytes = 0;
  let truthCount = 0;
  let kindIdx = 0;
  for (let i = 0; i < o.n; i++) {
    const id = idOf(i);
    let paras: string[];
    if (pool.length > 8 && r() < reuse) {
      const src = pool.splice(Math.floor(r() * pool.length), 1)[0];
      const kind = KINDS[kindIdx++ % KINDS.length];
      if (kind === 'exact') paras = src.paras.slice();
      else if (kind === 'partial') {
        const body = src.paras.slice(1);
        const take = Math.max(2, Math.round(body.length * (0.4 + r() * 0.3)));
        const from = Math.floor(r() * (body.length - take + 1));
        const own = chain.article(r);
        paras = [own[0], own[1], ...body.slice(from, from + take), ...own.slice(2, 4)];
      } else if (kind === 'edited') paras = editWords(src.paras.join('\n\n'), r, chain, 0.08).split('\n\n');
      else {
        const h = HEADERS[Math.floor(r() * HEADERS.length)];
        const f = FOOTERS[Math.floor(r() * FOOTERS.length)];
        paras = [h, ...src.paras, f, FOOTERS[(FOOTERS.indexOf(f) + 1) % FOOTERS.length]];
      }
      byKind[kind]++;
      truthCount++;
      await write(truth, JSON.stringify({ source: src.id, derived: id, kind }) + '\n');
    } else {
      paras = chain.article(r);
      pool.push({ id, paras });
      if (pool.length > 200) pool.shift();
    }
    const line = JSON.stringify({ id, text: paras.join('\n\n') }) + '\n';
    bytes += Buffer.byteLength(line);
    await write(corpus, line);
  }
  await new Promise<void>((res) => corpus.end(res));
  await new Promise<void>((res) => truth.end(res));
  return { docs: o.n, bytes, truth: truthCount, byKind };
}
