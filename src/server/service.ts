// What the HTTP routes ask of the engine, as plain JSON-ready views. Every span in a view is
// [start, end) in Unicode code points of the document's original text (or of the posted text
// for a trace), like report.json.

import type { Change, Doc, InputProblem, Pair, Passage, Source, Span, Story } from '../types.ts';
import type { Engine, ScanResult } from '../engine.ts';
import { codePointIndex, toOriginal } from '../clean/offsets.ts';
import { tokenize } from '../text/tokens.ts';
import { passageCoverage } from '../relate/coverage.ts';
import { titleOf } from '../relate/index.ts';
import { LOAD_CHUNK, type ReportChange, type ReportPassage } from '../report/json.ts';
import { analyzeChanges } from '../relate/changes.ts';

export interface DocSummary {
  id: string;
  title: string;
  site?: string;
  date?: string;
  url?: string;
  chars: number;
}

/**
 * Which text spans index: 'original' (default; the text as received, e.g. an HTML page's source)
 * or 'clean' (the cleaned text: main text only, encoding repaired). Both in code points.
 */
export type ViewMode = 'original' | 'clean';

export interface DocView extends DocSummary {
  /** Which text `text` is and every span of this document indexes. */
  view: ViewMode;
  path: string;
  author?: string;
  encoding?: string;
  /** The original text (or the cleaned text for view "clean"); every span of this document points into it. */
  text: string;
  /** Spans marked as boilerplate (navigation, adverts, sidebars). */
  boilerplate: Span[];
  /** Parts of the original the cleaner left out (HTML markup). */
  outside: Span[];
  repairs: { span: Span; before: string; after: string; kind: string }[];
  warnings: string[];
}

export interface StorySummary {
  id: string;
  title: string;
  root: string;
  size: number;
  /** Earliest publication date among the members (null when none is dated). */
  firstSeen: string | null;
  sites: string[];
  related: number;
}

export interface StoryMember extends DocSummary {
  parent: string | null;
  depth: number;
  /** Share of the parent's text this member reuses (null for the root). */
  reuse: number | null;
  relation: string | null;
}

export interface StoryEdge {
  source: string;
  derived: string;
  relation: string;
  /** Share of the source's text that the derived document reuses. */
  reuse: number;
  sourceCoverage: number;
  derivedCoverage: number;
  confidence: number;
  evidence: string[];
  /** This edge is part of the lineage tree. */
  lineage: boolean;
}

export interface StoryView extends StorySummary {
  parents: Record<string, string>;
  members: StoryMember[];
  relatedDocs: DocSummary[];
  edges: StoryEdge[];
}

export interface PairView {
  source: DocView;
  derived: DocView;
  relation: string | null;
  /** False when the scan found no reuse and the pair was aligned on request. */
  found: boolean;
  sourceCoverage: number;
  derivedCoverage: number;
  direction: { confidence: number; evidence: string[] };
  passages: ReportPassage[];
  /** What the derived document changed, most important first (as in report.json). */
  changes: ReportChange[];
}

export interface TracePassage {
  query: Span;
  source: Span;
  kind: string;
  similarity: number;
  edits?: { op: string; query: Span; source: Span }[];
}

export interface TraceSourceView extends DocSummary {
  queryCoverage: number;
  sourceCoverage: number;
  passages: TracePassage[];
}

export interface TraceView {
  view: ViewMode;
  /** Code points in the posted text. */
  chars: number;
  /** View "clean": the cleaned posted text, which the query spans index. */
  queryText?: string;
  sources: TraceSourceView[];
}

export interface AddResult {
  added: string[];
  problems: InputProblem[];
}

interface ScanView {
  result: ScanResult;
  pairs: Map<string, Pair>;
  stories: Map<string, Story>;
  /** The story list, made on first request. */
  storyList?: Promise<StorySummary[]>;
}

/** What a story summary needs of each member. */
interface MemberFacts {
  date?: string;
  site?: string;
}

/** Members read from the store at once when listing the stories of an incomplete scan. */
const STORY_BATCH = 2 * LOAD_CHUNK;

/** Earliest date and the sites of a story's members, gathered one member (or chunk) at a time. */
class StoryFacts {
  firstSeen: string | null = null;
  sites = new Set<string>();
  add(f: MemberFacts | undefined): void {
    if (!f) return;
    const date = f.date;
    if (date && (this.firstSeen === null || Date.parse(date) < Date.parse(this.firstSeen))) this.firstSeen = date;
    if (f.site) this.sites.add(f.site);
  }
  summary(s: Story, rootTitle: string | undefined): StorySummary {
    return {
      id: s.id,
      title: s.title ?? rootTitle ?? s.root,
      root: s.root,
      size: s.members.length,
      firstSeen: this.firstSeen,
      sites: [...this.sites].sort(),
      related: s.related.length,
    };
  }
}

const factsOf = (d: Doc | undefined): MemberFacts | undefined => (d ? { date: d.meta.published, site: siteOf(d) } : undefined);

/**
 * Documents of a scan: from `result.docs` where it holds them (every one when the scan is
 * complete), the rest read from the store with `result.load`, a chunk at a time; ids the store
 * lacks are left out.
 */
async function loadDocs(result: ScanResult, ids: Iterable<string>): Promise<Map<string, Doc>> {
  const out = new Map<string, Doc>();
  const missing: string[] = [];
  for (const id of ids) {
    const d = result.docs.get(id);
    if (d) out.set(id, d);
    else if (!result.complete && !out.has(id)) missing.push(id);
  }
  for (let lo = 0; lo < missing.length; lo += LOAD_CHUNK)
    for (const [id, d] of await result.load(missing.slice(lo, lo + LOAD_CHUNK))) if (d) out.set(id, d);
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The fields of a pair that story and document views show. */
function edgeOf(p: Pair): Omit<StoryEdge, 'lineage'> {
  return {
    source: p.source,
    derived: p.derived,
    relation: p.relation,
    reuse: round(p.sourceCoverage),
    sourceCoverage: round(p.sourceCoverage),
    derivedCoverage: round(p.derivedCoverage),
    confidence: round(p.direction.confidence),
    evidence: p.direction.evidence,
  };
}

/** Length of a string in code points (no allocation). */
export function cpLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

/** Site of a document: its `site` field, or the host of its URL. */
export function siteOf(doc: Doc): string | undefined {
  if (doc.meta.site) return doc.meta.site;
  if (doc.meta.url) {
    try {
      return new URL(doc.meta.url).hostname.replace(/^www\./, '');
    } catch {
      /* not a URL */
    }
  }
  return undefined;
}

export function summaryOf(doc: Doc): DocSummary {
  return {
    id: doc.id,
    title: titleOf(doc),
    site: siteOf(doc),
    date: doc.meta.published,
    url: doc.meta.url,
    chars: cpLength(doc.original),
  };
}

/** Parts of `doc.original` that no clean character comes from (markup), in code points. */
function outsideSpans(doc: Doc, cp: Uint32Array): Span[] {
  const n = doc.original.length;
  if (doc.text.length === n && !doc.mapEnd) return [];
  const kept = new Uint8Array(n + 1);
  for (let i = 0; i < doc.text.length; i++) {
    const s = doc.map[i];
    let e = doc.mapEnd ? doc.mapEnd[i] : doc.map[i + 1];
    if (e <= s) {
      // A run of clean characters mapped to one point (a coarse map): it stands for the
      // original up to where the next character starts.
      let j = i + 1;
      while (j < doc.text.length && doc.map[j] <= s) j++;
      e = Math.max(s + 1, j < doc.text.length ? doc.map[j] : n);
      i = j - 1;
    }
    for (let k = s; k < e && k < n; k++) kept[k] = 1;
  }
  const out: Span[] = [];
  let start = -1;
  for (let j = 0; j <= n; j++) {
    const k = j === n ? 1 : kept[j];
    if (!k && start < 0) start = j;
    else if (k && start >= 0) {
      // Whitespace-only gaps are not worth greying.
      if (doc.original.slice(start, j).trim()) out.push([cp[start], cp[j]]);
      start = -1;
    }
  }
  return out;
}

const cleanCp = new WeakMap<Doc, Uint32Array>();

/** A converter from clean-text spans (UTF-16) of `doc` to code points of the chosen text. */
export function spanner(doc: Doc, view: ViewMode): (span: Span) => Span {
  if (view === 'original') return (span) => toOriginal(doc, span);
  let cp = cleanCp.get(doc);
  if (!cp) cleanCp.set(doc, (cp = codePointIndex(doc.text)));
  const c = cp;
  return (span) => [c[span[0]], c[span[1]]];
}

export function docView(doc: Doc, view: ViewMode = 'original'): DocView {
  const cp = codePointIndex(doc.original);
  const sp = spanner(doc, view);
  const text = view === 'clean' ? doc.text : doc.original;
  return {
    ...summaryOf(doc),
    chars: view === 'clean' ? cpLength(doc.text) : cp[doc.original.length],
    view,
    path: doc.path,
    author: doc.meta.author,
    encoding: doc.encoding,
    text,
    boilerplate: doc.boilerplate.map(sp),
    outside: view === 'clean' ? [] : outsideSpans(doc, cp),
    // Repairs always point into the original (they say what the original had there).
    repairs: doc.repairs.map((r) => ({ span: [cp[r.span[0]], cp[r.span[1]]] as Span, before: r.before, after: r.after, kind: r.kind })),
    warnings: doc.warnings ?? [],
  };
}

/** A passage with its spans converted (like report.json's passages). */
export function passageView(p: Passage, ss: (s: Span) => Span, sd: (s: Span) => Span): ReportPassage {
  const out: ReportPassage = { source: ss(p.source), derived: sd(p.derived), similarity: round(p.similarity), kind: p.kind };
  if (p.edits?.length) out.edits = p.edits.map((e) => ({ op: e.op, source: ss(e.source), derived: sd(e.derived) }));
  return out;
}

/** A change with its spans converted (like report.json's changes). */
export function changeView(c: Change, ss: (s: Span) => Span, sd: (s: Span) => Span): ReportChange {
  const out: ReportChange = { ...c, source: c.source && ss(c.source), derived: c.derived && sd(c.derived) };
  if (c.words) out.words = c.words.map((w) => ({ op: w.op, source: ss(w.source), derived: sd(w.derived) }));
  return out;
}

/** A tiny FIFO lock: writes and scans run one at a time, in arrival order. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }
}

export class NotFound extends Error {}

/** The server's view of one engine: cached scan, invalidated by writes. */
export class Service {
  private lock = new Lock();
  private scanP: Promise<ScanView> | null = null;
  private generation = 0;

  constructor(readonly engine: Engine) {}

  /** Add documents; returns the ids added and the problems (bad items, duplicates). */
  async add(sources: Source[], problems: InputProblem[] = []): Promise<AddResult> {
    return this.lock.run(async () => {
      const store = this.engine.store;
      const before = this.engine.problems.length;
      const fresh: Source[] = [];
      const stored: InputProblem[] = [];
      for (const s of sources) {
        if (await store.has(s.id)) stored.push({ input: s.path, reason: `duplicate document id "${s.id}": already stored (first one kept)` });
        else fresh.push(s);
      }
      if (fresh.length) await this.engine.add(fresh);
      const added: string[] = [];
      for (const id of new Set(fresh.map((s) => s.id))) if (await store.has(id)) added.push(id);
      const engineProblems = this.engine.problems.splice(before);
      if (added.length) this.invalidate();
      return { added, problems: [...problems, ...stored, ...engineProblems] };
    });
  }

  invalidate(): void {
    this.generation++;
    this.scanP = null;
  }

  /** The scan of every stored document, cached until the next write. */
  scan(): Promise<ScanView> {
    if (!this.scanP) {
      const gen = this.generation;
      const p = this.lock.run(async () => {
        const result = await this.engine.scan();
        const pairs = new Map<string, Pair>();
        for (const pair of result.pairs) pairs.set(pairKey(pair.source, pair.derived), pair);
        const stories = new Map(result.stories.map((s) => [s.id, s]));
        return { result, pairs, stories };
      });
      this.scanP = p;
      p.catch(() => {
        if (this.generation === gen && this.scanP === p) this.scanP = null;
      });
    }
    return this.scanP;
  }

  async size(): Promise<number> {
    return this.engine.store.size();
  }

  async documents(offset: number, limit: number): Promise<{ total: number; documents: DocSummary[] }> {
    const ids = await this.engine.store.ids();
    const out: DocSummary[] = [];
    for (const id of ids.slice(offset, offset + limit)) {
      const d = await this.engine.doc(id);
      if (d) out.push(summaryOf(d));
    }
    return { total: ids.length, documents: out };
  }

  async document(id: string, view: ViewMode = 'original'): Promise<DocView> {
    const doc = await this.engine.doc(id);
    if (!doc) throw new NotFound(`no document with id ${JSON.stringify(id)}`);
    return docView(doc, view);
  }

  /** The pairs a document takes part in, and its story. */
  async documentPairs(id: string): Promise<{ id: string; story: string | null; pairs: Omit<StoryEdge, 'lineage'>[] }> {
    if (!(await this.engine.store.has(id))) throw new NotFound(`no document with id ${JSON.stringify(id)}`);
    const v = await this.scan();
    const story = v.result.stories.find((s) => s.members.includes(id) || s.related.includes(id));
    const pairs = v.result.pairs
      .filter((p) => p.source === id || p.derived === id)
      .map(edgeOf);
    return { id, story: story?.id ?? null, pairs };
  }

  private storySummary(s: Story, docs: Map<string, Doc>): StorySummary {
    const f = new StoryFacts();
    for (const m of s.members) f.add(factsOf(docs.get(m)));
    const root = docs.get(s.root);
    return f.summary(s, root ? titleOf(root) : undefined);
  }

  /**
   * Summaries of every story. A complete scan holds its documents; an incomplete one reads the
   * members from the store, a batch of stories (or a chunk of one large story) at a time.
   */
  private async storySummaries(result: ScanResult): Promise<StorySummary[]> {
    if (result.complete) return result.stories.map((s) => this.storySummary(s, result.docs));
    const out: StorySummary[] = [];
    let group: Story[] = [];
    let ids: string[] = [];
    const flush = async () => {
      if (!group.length) return;
      const docs = await loadDocs(result, ids);
      for (const s of group) out.push(this.storySummary(s, docs));
      group = [];
      ids = [];
    };
    for (const s of result.stories) {
      if (s.members.length > STORY_BATCH) {
        await flush();
        const f = new StoryFacts();
        let rootTitle: string | undefined;
        for (let lo = 0; lo < s.members.length; lo += LOAD_CHUNK) {
          const part = s.members.slice(lo, lo + LOAD_CHUNK);
          const docs = await loadDocs(result, part);
          for (const m of part) f.add(factsOf(docs.get(m)));
          const root = docs.get(s.root);
          if (root) rootTitle = titleOf(root);
        }
        out.push(f.summary(s, rootTitle));
        continue;
      }
      if (ids.length + s.members.length > STORY_BATCH) await flush();
      group.push(s);
      for (const m of s.members) ids.push(m);
    }
    await flush();
    return out;
  }

  async stories(): Promise<StorySummary[]> {
    const v = await this.scan();
    if (!v.storyList) {
      const p = this.storySummaries(v.result);
      v.storyList = p;
      p.catch(() => {
        if (v.storyList === p) v.storyList = undefined;
      });
    }
    return v.storyList;
  }

  /** Summaries of documents of the scan (read from the store when the scan is incomplete). */
  private async docSummaries(result: ScanResult, ids: string[]): Promise<Map<string, DocSummary>> {
    const out = new Map<string, DocSummary>();
    for (let lo = 0; lo < ids.length; lo += LOAD_CHUNK) {
      const part = ids.slice(lo, lo + LOAD_CHUNK);
      const docs = await loadDocs(result, part);
      for (const id of part) {
        const d = docs.get(id);
        if (d) out.set(id, summaryOf(d));
      }
    }
    return out;
  }

  async story(id: string): Promise<StoryView> {
    const v = await this.scan();
    const s = v.stories.get(id);
    if (!s) throw new NotFound(`no story with id ${JSON.stringify(id)}`);
    const docs = await this.docSummaries(v.result, [...s.members, ...s.related]);
    const depthOf = (m: string): number => {
      let d = 0;
      for (let p = s.parents[m]; p !== undefined && d < s.members.length; p = s.parents[p]) d++;
      return d;
    };
    const between = (a: string, b: string) => v.pairs.get(pairKey(a, b)) ?? v.pairs.get(pairKey(b, a));
    const members: StoryMember[] = s.members.map((m) => {
      const parent = s.parents[m] ?? null;
      const pair = parent ? between(parent, m) : undefined;
      // Share of the parent's text found in this member.
      const reuse = pair ? (pair.source === parent ? pair.sourceCoverage : pair.derivedCoverage) : null;
      const summary = docs.get(m);
      if (!summary) throw new Error(`document "${m}" of story ${JSON.stringify(id)} is not in the store`);
      return {
        ...summary,
        parent,
        depth: depthOf(m),
        reuse: reuse === null ? null : round(reuse),
        relation: pair?.relation ?? null,
      };
    });
    const inStory = new Set(s.members);
    const edges: StoryEdge[] = [];
    for (const p of v.result.pairs) {
      if (p.relation === 'related' || !inStory.has(p.source) || !inStory.has(p.derived)) continue;
      edges.push({ ...edgeOf(p), lineage: s.parents[p.derived] === p.source || s.parents[p.source] === p.derived });
    }
    const f = new StoryFacts();
    for (const m of s.members) f.add(docs.get(m));
    return {
      ...f.summary(s, docs.get(s.root)?.title),
      parents: s.parents,
      members,
      relatedDocs: s.related.filter((r) => docs.has(r)).map((r) => docs.get(r)!),
      edges,
    };
  }

  /** One pair with its passages; aligned on request when the scan found no reuse between them. */
  async pair(a: string, b: string, view: ViewMode = 'original'): Promise<PairView> {
    const [da, db] = [await this.engine.doc(a), await this.engine.doc(b)];
    if (!da) throw new NotFound(`no document with id ${JSON.stringify(a)}`);
    if (!db) throw new NotFound(`no document with id ${JSON.stringify(b)}`);
    const v = await this.scan();
    const found = v.pairs.get(pairKey(a, b)) ?? v.pairs.get(pairKey(b, a));
    if (found) {
      const [s, d] = found.source === a ? [da, db] : [db, da];
      const [ss, sd] = [spanner(s, view), spanner(d, view)];
      return {
        source: docView(s, view),
        derived: docView(d, view),
        relation: found.relation,
        found: true,
        sourceCoverage: round(found.sourceCoverage),
        derivedCoverage: round(found.derivedCoverage),
        direction: { confidence: round(found.direction.confidence), evidence: found.direction.evidence },
        passages: found.passages.map((p) => passageView(p, ss, sd)),
        changes: (found.changes ?? []).map((c) => changeView(c, ss, sd)),
      };
    }
    const ta = tokenize(da.text, da.boilerplate);
    const tb = tokenize(db.text, db.boilerplate);
    const passages = this.engine.alignPair({ doc: da, tokens: ta }, { doc: db, tokens: tb });
    return {
      source: docView(da, view),
      derived: docView(db, view),
      relation: null,
      found: false,
      sourceCoverage: round(passageCoverage(ta, tb, passages, 'source')),
      derivedCoverage: round(passageCoverage(tb, ta, passages, 'derived')),
      direction: { confidence: 0.5, evidence: ['not found by the scan; aligned on request, order as asked'] },
      passages: passages.map((p) => passageView(p, spanner(da, view), spanner(db, view))),
      changes: analyzeChanges({ doc: da, tokens: ta }, { doc: db, tokens: tb }, passages).changes.map((c) => changeView(c, spanner(da, view), spanner(db, view))),
    };
  }

  /** "Where did this text come from?" */
  async trace(text: string, opts: { limit?: number; format?: Source['format']; view?: ViewMode } = {}): Promise<TraceView> {
    const view = opts.view ?? 'original';
    const source: Source = { id: '', path: 'trace request', text, format: opts.format, meta: {} };
    const r = await this.engine.trace(source, opts.limit ?? 20);
    const q = r.query.doc;
    const sq = spanner(q, view);
    const sources: TraceSourceView[] = [];
    for (const s of r.sources) {
      const doc = await this.engine.doc(s.id);
      if (!doc) continue;
      const ss = spanner(doc, view);
      sources.push({
        ...summaryOf(doc),
        queryCoverage: round(s.queryCoverage),
        sourceCoverage: round(s.sourceCoverage),
        passages: s.passages.map((p) => {
          const out: TracePassage = {
            query: sq(p.derived),
            source: ss(p.source),
            kind: p.kind,
            similarity: round(p.similarity),
          };
          if (p.edits?.length)
            out.edits = p.edits.map((e) => ({ op: e.op, query: sq(e.derived), source: ss(e.source) }));
          return out;
        }),
      });
    }
    const out: TraceView = { view, chars: cpLength(q.original), sources };
    if (view === 'clean') out.queryText = q.text;
    return out;
  }
}
