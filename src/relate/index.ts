// From aligned pairs to relations, directions, stories and lineage trees.

import type { Doc, Pair, Passage, Relation, Story, Tokens } from '../types.ts';
import { passageCoverage, sharedRuns, wordCount } from './coverage.ts';
import { citations, directionVote, type Citation } from './direction.ts';
import { sentenceMatches } from '../align/sentences.ts';
import { centroid, cosine as cosine_, documentFrequencies, similarPairs, termLists, termVector } from './topics.ts';

export { coverage, coveredTokens, passageCoverage, wordCount } from './coverage.ts';
export { citations, directionVote, namesDoc } from './direction.ts';

/** What relate needs to know about one document. */
export interface RelateDoc {
  doc: Doc;
  tokens: Tokens;
}

/** Passages found between a and b (a's spans in `source`, b's in `derived`). */
export interface AlignedPair {
  a: string;
  b: string;
  passages: Passage[];
}

export interface RelateOptions {
  /** Both sides at least this covered: duplicates. */
  duplicate?: number;
  /** One side at least this covered: containment. */
  contains?: number;
  /** tf-idf cosine for "same topic". */
  related?: number;
  /**
   * A pair whose passages are all paraphrase must also share this many distinct word 6-grams
   * (runs of copied words); otherwise it is two articles on one topic, not reuse. A shorter
   * text needs fewer: one run per 25 of its words (at least 2).
   */
  paraphraseRuns?: number;
  /**
   * A pair the aligner found nothing in (or only paraphrase without runs of copied words) is a
   * rewrite when sentence matches (see sentenceMatches) share at least this much of the shorter
   * text's content words; 0 turns the rule off.
   */
  rewrite?: number;
}

export interface Relations {
  pairs: Pair[];
  stories: Story[];
}

function swap(p: Passage): Passage {
  return {
    ...p,
    source: p.derived,
    derived: p.source,
    edits: p.edits?.map((e) => ({
      op: e.op === 'insert' ? 'delete' : e.op === 'delete' ? 'insert' : 'replace',
      source: e.derived,
      derived: e.source,
    })),
  };
}

/** Length-weighted similarity of the passages (share of matching words). */
function meanSimilarity(passages: Passage[]): number {
  let w = 0;
  let s = 0;
  for (const p of passages) {
    const len = p.derived[1] - p.derived[0];
    w += len;
    s += len * p.similarity;
  }
  return w ? s / w : 0;
}

/** A duplicate is (nearly) the same text; a full rewrite covers both sides but "contains" the source. */
function relationOf(covS: number, covD: number, passages: Passage[], o: Required<RelateOptions>): Relation {
  if (covS >= o.duplicate && covD >= o.duplicate && meanSimilarity(passages) >= o.duplicate) return 'duplicate';
  if (covS >= o.contains || covD >= o.contains) return 'contains';
  return 'partial';
}

class UnionFind {
  parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) x = this.parent[x] = this.parent[this.parent[x]];
    return x;
  }
  union(a: number, b: number) {
    this.parent[this.find(a)] = this.find(b);
  }
}

/** An aligned pair placed for relating: coverage both ways and the direction evidence. */
export interface Edge {
  a: string;
  b: string;
  passages: Passage[];
  covA: number;
  covB: number;
  /** > 0: a is the source */
  score: number;
  /** 1: b credits a by name; -1: a credits b. */
  credited: number;
  evidence: string[];
}

/**
 * Direction read from the lineage alone (one side is the other's ancestor in the story tree, no
 * evidence between the two): below UNSURE_DIRECTION, so the pair reads as unsure.
 */
const STRUCTURE_CONFIDENCE = 0.55;

/** Words of the shorter text per 6-gram run an all-paraphrase pair must share (see paraphraseRuns). */
const PARAPHRASE_RUN_WORDS = 25;

/** A brief of one or two sentences is cut from a text at least this many times longer (see edgeOf). */
const BRIEF_CUT = 3;

/** A rewrite that matches one sentence only needs this Dice for it (one shared fact is not a rewrite). */
const LONE_SENTENCE = 0.5;

/** Default RelateOptions.rewrite (REPRINT_REWRITE overrides it, for measuring). */
const REWRITE_SHARE = process.env.REPRINT_REWRITE !== undefined ? Number(process.env.REPRINT_REWRITE) : 0.3;

function withDefaults(options: RelateOptions): Required<RelateOptions> {
  return { duplicate: 0.9, contains: 0.8, related: 0.15, paraphraseRuns: 10, rewrite: REWRITE_SHARE, ...options };
}

/**
 * Coverage and direction evidence for one aligned pair (a's spans in `source`), or null when
 * there is nothing to relate: no passage, or only paraphrase without runs of copied words.
 * Needs both documents; stories and lineage (relateEdges) need only the edges.
 */
export function edgeOf(
  a: RelateDoc,
  b: RelateDoc,
  passages: Passage[],
  options: RelateOptions = {},
  cites: [Citation[], Citation[]] = [citations(a.doc.text), citations(b.doc.text)],
): Edge | null {
  const o = withDefaults(options);
  if (a.doc.id === b.doc.id) return null;
  let ok = passages.length > 0;
  if (ok && passages.every((x) => x.kind === 'paraphrase')) {
    // A short text has fewer runs to give: one run per PARAPHRASE_RUN_WORDS of the shorter text.
    const shorter = Math.min(wordCount(a.tokens), wordCount(b.tokens));
    const need = Math.min(o.paraphraseRuns, Math.max(2, Math.ceil(shorter / PARAPHRASE_RUN_WORDS)));
    ok = sharedRuns(a.tokens, b.tokens) >= need;
  }
  if (!ok) {
    // Nothing the aligner found counts: a rewrite sentence by sentence still matches most of the
    // shorter text's sentences by their content words (see sentenceMatches).
    if (!(o.rewrite > 0)) return null;
    const m = sentenceMatches({ text: a.doc.text, tokens: a.tokens }, { text: b.doc.text, tokens: b.tokens });
    if (m.share < o.rewrite) return null;
    // one matched sentence is a shared fact unless it is a close match, or the shorter text is a
    // brief of one or two sentences cut from a text at least BRIEF_CUT times longer (then the one
    // sentence is half of the brief or more; two one-line items on one topic are not a rewrite)
    const cut = () => {
      const wa = wordCount(a.tokens);
      const wb = wordCount(b.tokens);
      return m.passages.length === 1 && m.sentences <= 2 && Math.max(wa, wb) >= BRIEF_CUT * Math.min(wa, wb);
    };
    if (m.passages.length < 2 && !(m.passages[0]?.similarity >= LONE_SENTENCE) && !cut()) return null;
    passages = m.passages;
  }
  const covA = passageCoverage(a.tokens, b.tokens, passages, 'source');
  const covB = passageCoverage(b.tokens, a.tokens, passages, 'derived');
  const vote = directionVote(a.doc, b.doc, covA, covB, cites[0], cites[1], passages);
  return { a: a.doc.id, b: b.doc.id, passages, covA, covB, score: vote.score, evidence: vote.evidence, credited: vote.credited };
}

/** How much of a document was taken from another: wholly, partially, or not at all. */
export type Derivation = 'wholly' | 'partially' | 'non';

/** A derived document with at least this share of its words from the source is wholly derived. */
export const WHOLLY_DERIVED = 0.6;

/**
 * Below this direction confidence a pair's direction is unsure: either side may be the copy,
 * and each is read as derived from the other as far as its own coverage goes.
 */
export const UNSURE_DIRECTION = 0.6;

/**
 * How much of document `id` (by default the pair's derived document) comes from the other side
 * of the pair: `wholly` when at least WHOLLY_DERIVED of its words do, `partially` for any other
 * share, `non` for a `related` pair (same topic, nothing taken) and for the pair's source. When
 * the direction is unsure (confidence below UNSURE_DIRECTION), the source side is read the same
 * way from its own coverage (`sourceCoverage`): reprint cannot say which one copied.
 */
export function derivationOf(
  p: Pick<Pair, 'relation' | 'derivedCoverage'> & Partial<Pick<Pair, 'source' | 'derived' | 'sourceCoverage' | 'direction'>>,
  id?: string,
): Derivation {
  return derivationLevel(p.relation, derivedShareOf(p, id));
}

/** Share of document `id`'s words that come from the other side of the pair (see derivationOf), 0 when it is the source. */
export function derivedShareOf(
  p: Pick<Pair, 'relation' | 'derivedCoverage'> & Partial<Pick<Pair, 'source' | 'derived' | 'sourceCoverage' | 'direction'>>,
  id?: string,
): number {
  if (p.relation === 'related') return 0;
  if (id === undefined || id === p.derived) return p.derivedCoverage;
  if (id === p.source && p.direction && p.direction.confidence < UNSURE_DIRECTION) return p.sourceCoverage ?? 0;
  return 0;
}

function derivationLevel(relation: Relation, share: number): Derivation {
  if (relation === 'related' || share <= 0) return 'non';
  return share >= WHOLLY_DERIVED ? 'wholly' : 'partially';
}

/** The first line of a document, as a story title. */
export function titleOf(d: Doc): string {
  if (d.meta.title) return d.meta.title;
  const first = d.text.trim().split('\n', 1)[0] ?? '';
  return first.length > 90 ? first.slice(0, 87).replace(/\s+\S*$/, '') + '…' : first;
}

export function relate(docs: RelateDoc[], aligned: AlignedPair[], options: RelateOptions = {}): Relations {
  const o = withDefaults(options);
  const index = new Map(docs.map((d, i) => [d.doc.id, i]));
  const cites = new Map<number, Citation[]>();
  const citesOf = (i: number) => {
    let c = cites.get(i);
    if (!c) cites.set(i, (c = citations(docs[i].doc.text)));
    return c;
  };
  const edges: Edge[] = [];
  for (const p of aligned) {
    const a = index.get(p.a);
    const b = index.get(p.b);
    if (a === undefined || b === undefined) continue;
    const e = edgeOf(docs[a], docs[b], p.passages, o, [citesOf(a), citesOf(b)]);
    if (e) edges.push(e);
  }
  const rel = relateEdges(edges, (id) => titleOf(docs[index.get(id)!].doc), o);
  addRelated(docs, rel, o);
  return rel;
}

/** Add "related" pairs (same topic, nothing copied) for the documents in no story. */
export function addRelated(docs: RelateDoc[], rel: Relations, options: RelateOptions = {}): void {
  relatedByTopic(docs, rel.stories, rel.pairs, withDefaults(options));
  sortPairs(rel.pairs);
}

/** Stories (documents linked by reuse), their lineage trees, and pairs oriented source -> derived. */
export function relateEdges(edges: Edge[], title: (id: string) => string, options: RelateOptions = {}): Relations {
  const o = withDefaults(options);
  // documents numbered in order of first appearance
  const num = new Map<string, number>();
  const ids: string[] = [];
  const numOf = (id: string) => {
    let n = num.get(id);
    if (n === undefined) {
      num.set(id, (n = ids.length));
      ids.push(id);
    }
    return n;
  };
  const ends = edges.map((e) => [numOf(e.a), numOf(e.b)]);

  // Stories: documents linked by reuse.
  const uf = new UnionFind(ids.length);
  for (const [a, b] of ends) uf.union(a, b);
  const groups = new Map<number, number[]>();
  const grouped = new Uint8Array(ids.length);
  for (const pair of ends)
    for (const x of pair) {
      if (grouped[x]) continue;
      grouped[x] = 1;
      const r = uf.find(x);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(x);
    }
  const adj = new Map<number, number[]>();
  ends.forEach((pair, k) => {
    for (const x of pair) {
      let l = adj.get(x);
      if (!l) adj.set(x, (l = []));
      l.push(k);
    }
  });
  /** How strongly `x` looks like the source of edge k's other side. */
  const asSource = (k: number, x: number) => {
    const e = edges[k];
    const isA = x === ends[k][0];
    const sign = isA ? 1 : -1;
    const covOther = isA ? e.covB : e.covA;
    // A copy that credits this document by name is its child, whatever else it shares.
    return sign * e.score + covOther + (sign * e.credited > 0 ? 1 : 0);
  };

  const depth = new Map<number, number>();
  const parent = new Map<number, number>();
  const rawStories: { root: number; members: number[] }[] = [];
  for (const members of groups.values()) {
    // Root: the member that best explains the others (explicit evidence plus how much of its
    // neighbours' text it accounts for).
    let root = members[0];
    let best = -Infinity;
    for (const x of members) {
      let s = 0;
      for (const k of adj.get(x) ?? []) s += asSource(k, x);
      if (s > best + 1e-9 || (Math.abs(s - best) <= 1e-9 && ids[x] < ids[root])) {
        best = s;
        root = x;
      }
    }
    // Lineage: grow a tree from the root, attaching the member best explained by one in the tree.
    depth.set(root, 0);
    const inTree = new Set([root]);
    while (inTree.size < members.length) {
      let bestEdge: { from: number; to: number; w: number } | null = null;
      for (const x of inTree)
        for (const k of adj.get(x) ?? []) {
          const y = ends[k][0] === x ? ends[k][1] : ends[k][0];
          if (inTree.has(y)) continue;
          const w = asSource(k, x);
          if (!bestEdge || w > bestEdge.w) bestEdge = { from: x, to: y, w };
        }
      if (!bestEdge) break;
      inTree.add(bestEdge.to);
      parent.set(bestEdge.to, bestEdge.from);
      depth.set(bestEdge.to, (depth.get(bestEdge.from) ?? 0) + 1);
    }
    const ordered = [...members].sort((x, y) => (depth.get(x) ?? 0) - (depth.get(y) ?? 0) || (ids[x] < ids[y] ? -1 : 1));
    rawStories.push({ root, members: ordered });
  }
  rawStories.sort((x, y) => y.members.length - x.members.length || (ids[x.root] < ids[y.root] ? -1 : 1));

  const isAncestor = (x: number, y: number) => {
    for (let p = parent.get(y); p !== undefined; p = parent.get(p)) if (p === x) return true;
    return false;
  };

  // Pairs, oriented source -> derived.
  const pairs: Pair[] = [];
  edges.forEach((e, k) => {
    const [a, b] = ends[k];
    let aIsSource: boolean;
    const evidence = [...e.evidence];
    let confidence = Math.min(0.99, 0.5 + Math.abs(e.score) / 2);
    if (Math.abs(e.score) >= 0.3) aIsSource = e.score > 0;
    else if (isAncestor(a, b) || isAncestor(b, a)) {
      aIsSource = isAncestor(a, b);
      const [s, d] = aIsSource ? [a, b] : [b, a];
      evidence.push(`story structure: ${ids[s]} is an ancestor of ${ids[d]} in the lineage`);
      // the lineage against the pair's own (weak) evidence: unsure, not a confident reversal
      confidence = e.score !== 0 && e.score > 0 !== aIsSource ? STRUCTURE_CONFIDENCE : Math.max(confidence, STRUCTURE_CONFIDENCE);
    } else if (e.score !== 0) aIsSource = e.score > 0;
    else aIsSource = (depth.get(a) ?? 0) <= (depth.get(b) ?? 0);
    if (!evidence.length) evidence.push('no evidence either way');
    const [s, d] = aIsSource ? [a, b] : [b, a];
    const covS = aIsSource ? e.covA : e.covB;
    const covD = aIsSource ? e.covB : e.covA;
    const passages = aIsSource ? e.passages : e.passages.map(swap);
    passages.sort((x, y) => x.derived[0] - y.derived[0]);
    pairs.push({
      source: ids[s],
      derived: ids[d],
      relation: relationOf(covS, covD, passages, o),
      sourceCoverage: covS,
      derivedCoverage: covD,
      direction: { confidence, evidence },
      passages,
    });
  });

  const stories: Story[] = rawStories.map((s, k) => {
    const parents: Record<string, string> = {};
    for (const m of s.members) {
      const p = parent.get(m);
      if (p !== undefined) parents[ids[m]] = ids[p];
    }
    return {
      id: `story-${k + 1}`,
      root: ids[s.root],
      members: s.members.map((m) => ids[m]),
      related: [],
      parents,
      title: title(ids[s.root]),
    };
  });
  sortPairs(pairs);
  return { pairs, stories };
}

/** Copies first, most covered first; then "related" pairs. */
function sortPairs(pairs: Pair[]): void {
  pairs.sort((x, y) => {
    const r = (p: Pair) => (p.relation === 'related' ? 1 : 0);
    return r(x) - r(y) || y.derivedCoverage - x.derivedCoverage || (x.source + x.derived < y.source + y.derived ? -1 : 1);
  });
}

/**
 * Related: documents outside every story whose words say "same topic" as a story (the members'
 * centroid) get a "related" pair with the member closest in words, and join `story.related`.
 */
function relatedByTopic(docs: RelateDoc[], stories: Story[], pairs: Pair[], o: Required<RelateOptions>): void {
  if (!stories.length) return;
  const index = new Map(docs.map((d, i) => [d.doc.id, i]));
  const rawStories = stories.map((s) => ({ root: index.get(s.root)!, members: s.members.map((m) => index.get(m)!) }));
  const storyOf = new Set(rawStories.flatMap((s) => s.members));
  const loose: number[] = [];
  docs.forEach((_, i) => {
    if (!storyOf.has(i)) loose.push(i);
  });
  if (!loose.length) return;
  const { lists, terms } = termLists(docs.map((d) => d.tokens));
  const df = documentFrequencies(lists, terms);
  const vectors = lists.map((l) => termVector(l, df, lists.length, 20));
  // Compare each loose document with each story's vocabulary (the members' centroid).
  const storyVectors = rawStories.map((st) => centroid(st.members.map((m) => vectors[m])));
  const both = [...vectors, ...storyVectors];
  const storyIdx = storyVectors.map((_, k) => vectors.length + k);
  const best = new Map<number, { k: number; cosine: number }>();
  for (const { i, j, cosine } of similarPairs(both, loose, storyIdx, o.related, 2)) {
    const k = j - vectors.length;
    const cur = best.get(i);
    if (!cur || cosine > cur.cosine) best.set(i, { k, cosine });
  }
  for (const [i, { k, cosine }] of best) {
    const story = stories[k];
    // the member closest in words stands for the story in the pair record
    let j = rawStories[k].root;
    let bestC = -1;
    for (const m of rawStories[k].members) {
      const c = cosine_(vectors[m], vectors[i]);
      if (c > bestC) [bestC, j] = [c, m];
    }
    story.related.push(docs[i].doc.id);
    pairs.push({
      source: docs[j].doc.id,
      derived: docs[i].doc.id,
      relation: 'related',
      sourceCoverage: 0,
      derivedCoverage: 0,
      direction: { confidence: 0.5, evidence: [`same topic as ${story.id}, no shared passage (word cosine ${cosine.toFixed(2)})`] },
      passages: [],
    });
  }
}
