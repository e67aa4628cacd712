// From aligned pairs to relations, directions, stories and lineage trees.

import type { Doc, Pair, Passage, Relation, Story, Tokens } from '../types.ts';
import { coverage, sharedRuns, wordCount } from './coverage.ts';
import { citations, directionVote, type Citation } from './direction.ts';
import { centroid, cosine as cosine_, documentFrequencies, similarPairs, termLists, termVector } from './topics.ts';

export { coverage, coveredTokens, wordCount } from './coverage.ts';
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
   * (runs of copied words); otherwise it is two articles on one topic, not reuse.
   */
  paraphraseRuns?: number;
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

interface Edge {
  a: number;
  b: number;
  passages: Passage[];
  covA: number;
  covB: number;
  /** > 0: a is the source */
  score: number;
  /** 1: b credits a by name; -1: a credits b. */
  credited: number;
  evidence: string[];
}

/** The first line of a document, as a story title. */
export function titleOf(d: Doc): string {
  if (d.meta.title) return d.meta.title;
  const first = d.text.trim().split('\n', 1)[0] ?? '';
  return first.length > 90 ? first.slice(0, 87).replace(/\s+\S*$/, '') + '…' : first;
}

export function relate(docs: RelateDoc[], aligned: AlignedPair[], options: RelateOptions = {}): Relations {
  const o: Required<RelateOptions> = { duplicate: 0.9, contains: 0.8, related: 0.15, paraphraseRuns: 10, ...options };
  const index = new Map(docs.map((d, i) => [d.doc.id, i]));
  const cites = new Map<number, Citation[]>();
  const citesOf = (i: number) => {
    let c = cites.get(i);
    if (!c) cites.set(i, (c = citations(docs[i].doc.text)));
    return c;
  };

  // 1. Coverage and direction evidence for every pair with passages.
  const edges: Edge[] = [];
  for (const p of aligned) {
    if (!p.passages.length) continue;
    const a = index.get(p.a);
    const b = index.get(p.b);
    if (a === undefined || b === undefined || a === b) continue;
    if (p.passages.every((x) => x.kind === 'paraphrase') && sharedRuns(docs[a].tokens, docs[b].tokens) < o.paraphraseRuns) continue;
    const covA = coverage(docs[a].tokens, p.passages.map((x) => x.source));
    const covB = coverage(docs[b].tokens, p.passages.map((x) => x.derived));
    const vote = directionVote(docs[a].doc, docs[b].doc, covA, covB, citesOf(a), citesOf(b));
    edges.push({ a, b, passages: p.passages, covA, covB, score: vote.score, evidence: vote.evidence, credited: vote.credited });
  }

  // 2. Stories: documents linked by reuse.
  const uf = new UnionFind(docs.length);
  for (const e of edges) uf.union(e.a, e.b);
  const groups = new Map<number, number[]>();
  for (const e of edges)
    for (const x of [e.a, e.b]) {
      const r = uf.find(x);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      if (!g.includes(x)) g.push(x);
    }
  const adj = new Map<number, Edge[]>();
  for (const e of edges)
    for (const x of [e.a, e.b]) {
      let l = adj.get(x);
      if (!l) adj.set(x, (l = []));
      l.push(e);
    }
  /** How strongly `x` looks like the source of the edge's other side. */
  const asSource = (e: Edge, x: number) => {
    const sign = x === e.a ? 1 : -1;
    const covOther = x === e.a ? e.covB : e.covA;
    // A copy that credits this document by name is its child, whatever else it shares.
    return sign * e.score + covOther + (sign * e.credited > 0 ? 1 : 0);
  };

  const depth = new Map<number, number>();
  const parent = new Map<number, number>();
  const storyOf = new Map<number, number>();
  const rawStories: { root: number; members: number[] }[] = [];
  for (const members of groups.values()) {
    // Root: the member that best explains the others (explicit evidence plus how much of its
    // neighbours' text it accounts for).
    let root = members[0];
    let best = -Infinity;
    for (const x of members) {
      let s = 0;
      for (const e of adj.get(x) ?? []) s += asSource(e, x);
      if (s > best + 1e-9 || (Math.abs(s - best) <= 1e-9 && docs[x].doc.id < docs[root].doc.id)) {
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
        for (const e of adj.get(x) ?? []) {
          const y = e.a === x ? e.b : e.a;
          if (inTree.has(y)) continue;
          const w = asSource(e, x);
          if (!bestEdge || w > bestEdge.w) bestEdge = { from: x, to: y, w };
        }
      if (!bestEdge) break;
      inTree.add(bestEdge.to);
      parent.set(bestEdge.to, bestEdge.from);
      depth.set(bestEdge.to, (depth.get(bestEdge.from) ?? 0) + 1);
    }
    const ordered = [...members].sort((x, y) => (depth.get(x) ?? 0) - (depth.get(y) ?? 0) || (docs[x].doc.id < docs[y].doc.id ? -1 : 1));
    rawStories.push({ root, members: ordered });
  }
  rawStories.sort((x, y) => y.members.length - x.members.length || (docs[x.root].doc.id < docs[y.root].doc.id ? -1 : 1));
  rawStories.forEach((s, k) => s.members.forEach((m) => storyOf.set(m, k)));

  const isAncestor = (x: number, y: number) => {
    for (let p = parent.get(y); p !== undefined; p = parent.get(p)) if (p === x) return true;
    return false;
  };

  // 3. Pairs, oriented source -> derived.
  const pairs: Pair[] = [];
  for (const e of edges) {
    let aIsSource: boolean;
    const evidence = [...e.evidence];
    let confidence = Math.min(0.99, 0.5 + Math.abs(e.score) / 2);
    if (Math.abs(e.score) >= 0.3) aIsSource = e.score > 0;
    else if (isAncestor(e.a, e.b) || isAncestor(e.b, e.a)) {
      aIsSource = isAncestor(e.a, e.b);
      const [s, d] = aIsSource ? [e.a, e.b] : [e.b, e.a];
      evidence.push(`story structure: ${docs[s].doc.id} is an ancestor of ${docs[d].doc.id} in the lineage`);
      confidence = Math.max(confidence, 0.6);
    } else if (e.score !== 0) aIsSource = e.score > 0;
    else aIsSource = (depth.get(e.a) ?? 0) <= (depth.get(e.b) ?? 0);
    if (!evidence.length) evidence.push('no evidence either way');
    const [s, d] = aIsSource ? [e.a, e.b] : [e.b, e.a];
    const covS = aIsSource ? e.covA : e.covB;
    const covD = aIsSource ? e.covB : e.covA;
    const passages = aIsSource ? e.passages : e.passages.map(swap);
    passages.sort((x, y) => x.derived[0] - y.derived[0]);
    pairs.push({
      source: docs[s].doc.id,
      derived: docs[d].doc.id,
      relation: relationOf(covS, covD, passages, o),
      sourceCoverage: covS,
      derivedCoverage: covD,
      direction: { confidence, evidence },
      passages,
    });
  }

  // 4. Related: documents outside every story whose words say "same topic" as a member.
  const stories: Story[] = rawStories.map((s, k) => {
    const parents: Record<string, string> = {};
    for (const m of s.members) {
      const p = parent.get(m);
      if (p !== undefined) parents[docs[m].doc.id] = docs[p].doc.id;
    }
    return {
      id: `story-${k + 1}`,
      root: docs[s.root].doc.id,
      members: s.members.map((m) => docs[m].doc.id),
      related: [],
      parents,
      title: titleOf(docs[s.root].doc),
    };
  });
  if (stories.length) {
    const loose: number[] = [];
    const inStory: number[] = [];
    docs.forEach((_, i) => (storyOf.has(i) ? inStory : loose).push(i));
    if (loose.length) {
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
  }
  pairs.sort((x, y) => {
    const r = (p: Pair) => (p.relation === 'related' ? 1 : 0);
    return r(x) - r(y) || y.derivedCoverage - x.derivedCoverage || (x.source + x.derived < y.source + y.derived ? -1 : 1);
  });
  return { pairs, stories };
}

