// The aligner: finds the passages two documents share, tolerant of edits, word shuffles,
// paraphrase (machine translation) and summary. Modelled on Sanchez-Perez, Sidorov & Gelbukh
// (PAN 2014), with additions:
//
// 1. seeding: pairs of sentences whose stemmed, stopword-free bags of words are similar
//    (tf-idf cosine and Dice both above a threshold; idf over the sentences of both documents).
//    Sentences are split at punctuation, blank lines, and (when too long) at line breaks or into
//    chunks. A seed much weaker than the best seed of its sentences is dropped (same-topic noise).
// 2. extension: seeds are clustered when they lie close together on both sides (a gap of a few
//    sentences is bridged), and each cluster is validated by the cosine of its two fragments
//    (a cluster that fails is re-clustered with a smaller gap).
// 3. filtering: overlapping passages keep the best one; short ones are dropped unless they are
//    close copies of several words; loose ones (no word-level alignment) need most of the
//    shorter side's words in the other side.
// 4. summaries: (a) when one side's passages are much shorter than the other's, clustering is
//    redone with a wide gap; (b) a window of sentences whose words the other text holds far more
//    than the rest of its text does, and which only short passages matched, becomes one passage
//    over the stretch of the other text it draws on (all of it, when it draws on most of it);
//    (c) passages adjacent in the derived text whose source sides follow in order are merged.
// 5. description: a word-level diff (Myers) inside each passage gives its kind, similarity and
//    edits; close copies get tight bounds (first to last matching word).
//
// Hot path: typed arrays and scratch buffers reused across calls; per-document features are
// cached per Tokens object (see prepare.ts); no per-token objects.

import type { Edit, Passage, Tokens } from '../types.ts';
import { prepare, termCount, type Prepared } from './prepare.ts';
import { diffTokens } from './diff.ts';

export interface AlignInput {
  text: string;
  tokens: Tokens;
}

/** Tuning knobs; every field is optional and the defaults are the tuned values. */
export interface AlignOptions {
  /** Sentence seed thresholds: tf-idf cosine and Dice of the bags of stems (0.25 each). */
  seedCosine?: number;
  seedDice?: number;
  /** A seed is kept only when its cosine reaches this share of the best seed of its sentences (0.7). */
  seedRelative?: number;
  /** Largest gap (in sentences) bridged when clustering seeds (4). */
  maxGap?: number;
  /** Minimum tf-idf cosine of a passage's two fragments (0.34). */
  minFragmentCosine?: number;
  /** Passages shorter than this many characters on either side are dropped (150)... */
  minChars?: number;
  /** ...unless they share at least this many words in order at similarity >= 0.8 (8). */
  minExactWords?: number;
  /** A passage without word-level alignment needs this share of the shorter side's content words in the other (0.5). */
  minContainment?: number;
  /** Passages whose matching words reach this similarity are trimmed to them (0.9). */
  trimSimilarity?: number;
  /** Wide-gap re-clustering when one side's passages are below this share of the other's (0.5)... */
  summaryRatio?: number;
  /** ...with this gap, in sentences (24). */
  summaryGap?: number;
  /** Summary window: 4 sentences with at least this share of their content words in the other text (0.65; above 1 turns summary windows off)... */
  summaryContainment?: number;
  /** ...this much above the share of the whole text (0.3)... */
  summaryLift?: number;
  /** ...at least this many content words (25)... */
  summaryMinWords?: number;
  /** ...and an other side at least this many times longer (2). */
  summaryStretch?: number;
  /** Sentence pairs above this cosine give a summary's extent in the other text (0.15). */
  looseCosine?: number;
}

const DEFAULTS: Required<AlignOptions> = {
  seedCosine: 0.25,
  seedDice: 0.25,
  maxGap: 4,
  summaryGap: 24,
  minFragmentCosine: 0.34,
  minChars: 150,
  minExactWords: 8,
  summaryRatio: 0.5,
  summaryContainment: 0.65,
  summaryLift: 0.3,
  summaryMinWords: 25,
  summaryStretch: 2,
  looseCosine: 0.15,
  trimSimilarity: 0.9,
  minContainment: 0.5,
  seedRelative: 0.7,
};

// ---- scratch buffers indexed by term id (grown on demand, reset through touched lists) ----
let cap = 0;
let df = new Int32Array(0);
let idf = new Float64Array(0);
let slot = new Int32Array(0);
let accA = new Float64Array(0);
let accB = new Float64Array(0);

function ensureTerms(): void {
  const need = termCount();
  if (need <= cap) return;
  cap = Math.max(need, cap * 2, 1024);
  inA = new Int32Array(cap);
  inB = new Int32Array(cap);
  df = new Int32Array(cap);
  idf = new Float64Array(cap);
  slot = new Int32Array(cap).fill(-1);
  accA = new Float64Array(cap);
  accB = new Float64Array(cap);
}

/** A candidate passage in sentence coordinates. */
interface Frag {
  a0: number; // first sentence (inclusive)
  a1: number; // last sentence (inclusive)
  b0: number;
  b1: number;
  cos: number;
  /** Number of seeds behind it. */
  seeds?: number;
  /** The seeds (indices into Ctx.sa/sb) when known. */
  ids?: number[];
}

interface Ctx {
  pa: Prepared;
  pb: Prepared;
  normA: Float64Array;
  normB: Float64Array;
  sa: Int32Array; // seeds
  sb: Int32Array;
  sc: Float64Array; // seed cosines
  o: Required<AlignOptions>;
}

/** tf-idf cosine between sentences [a0..a1] of A and [b0..b1] of B. */
function fragmentCosine(ctx: Ctx, f: { a0: number; a1: number; b0: number; b1: number }): number {
  const { pa, pb } = ctx;
  const touched: number[] = [];
  for (let k = pa.sOff[f.a0]; k < pa.sOff[f.a1 + 1]; k++) {
    const t = pa.sTerm[k];
    if (accA[t] === 0) touched.push(t);
    accA[t] += pa.sTf[k] * idf[t];
  }
  let na = 0;
  for (const t of touched) na += accA[t] * accA[t];
  const touchedB: number[] = [];
  for (let k = pb.sOff[f.b0]; k < pb.sOff[f.b1 + 1]; k++) {
    const t = pb.sTerm[k];
    if (accB[t] === 0) touchedB.push(t);
    accB[t] += pb.sTf[k] * idf[t];
  }
  let nb = 0;
  let dot = 0;
  for (const t of touchedB) {
    nb += accB[t] * accB[t];
    dot += accB[t] * accA[t];
  }
  for (const t of touched) accA[t] = 0;
  for (const t of touchedB) accB[t] = 0;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** Split seed groups where consecutive seeds are more than maxGap sentences apart, on A then B, until stable. */
function clusterSeeds(ctx: Ctx, idx: number[], maxGap: number): number[][] {
  const { sa, sb } = ctx;
  let groups: number[][] = [idx];
  let stable = 0;
  let side = 0;
  while (stable < 2) {
    const coord = side === 0 ? sa : sb;
    const other = side === 0 ? sb : sa;
    const next: number[][] = [];
    let changed = false;
    for (const g of groups) {
      g.sort((x, y) => coord[x] - coord[y] || other[x] - other[y]);
      let cur: number[] = [g[0]];
      for (let k = 1; k < g.length; k++) {
        if (coord[g[k]] - coord[g[k - 1]] - 1 > maxGap) {
          next.push(cur);
          cur = [];
          changed = true;
        }
        cur.push(g[k]);
      }
      next.push(cur);
    }
    groups = next;
    stable = changed ? 0 : stable + 1;
    side ^= 1;
  }
  return groups;
}

function extend(ctx: Ctx, idx: number[], maxGap: number, out: Frag[]): void {
  if (idx.length === 0) return;
  const { sa, sb } = ctx;
  for (let g of clusterSeeds(ctx, idx, maxGap)) {
    g = dropStragglers(ctx, g);
    let a0 = Infinity, a1 = -1, b0 = Infinity, b1 = -1;
    for (const s of g) {
      if (sa[s] < a0) a0 = sa[s];
      if (sa[s] > a1) a1 = sa[s];
      if (sb[s] < b0) b0 = sb[s];
      if (sb[s] > b1) b1 = sb[s];
    }
    const f: Frag = { a0, a1, b0, b1, cos: 0, seeds: g.length, ids: g };
    f.cos = fragmentCosine(ctx, f);
    if (f.cos >= ctx.o.minFragmentCosine) out.push(grow(ctx, f));
    else if (maxGap > 0 && g.length > 1) extend(ctx, g, maxGap - 1, out);
  }
}

const WEAK = 0.4;
/** Work budget of one passage's word diff (steps); beyond it the passage gets no edits. */
const DIFF_BUDGET = 50_000_000;

/**
 * A weak seed (cosine below WEAK) at the edge of a cluster, more than one sentence away from
 * every other seed on either side, is a same-topic sentence the gap bridging picked up: drop it.
 */
function dropStragglers(ctx: Ctx, g: number[]): number[] {
  const { sa, sb, sc } = ctx;
  let cur = g;
  for (let changed = true; changed && cur.length > 1; ) {
    changed = false;
    let a0 = Infinity, a1 = -1, b0 = Infinity, b1 = -1;
    for (const s of cur) {
      a0 = Math.min(a0, sa[s]); a1 = Math.max(a1, sa[s]);
      b0 = Math.min(b0, sb[s]); b1 = Math.max(b1, sb[s]);
    }
    for (const s of cur) {
      if (sc[s] >= WEAK) continue;
      const edge = sa[s] === a0 || sa[s] === a1 || sb[s] === b0 || sb[s] === b1;
      if (!edge) continue;
      let nearA = Infinity, nearB = Infinity;
      for (const t of cur) {
        if (t === s) continue;
        nearA = Math.min(nearA, Math.abs(sa[t] - sa[s]));
        nearB = Math.min(nearB, Math.abs(sb[t] - sb[s]));
      }
      if (nearA > 2 || nearB > 2) {
        cur = cur.filter((t) => t !== s);
        changed = true;
        break;
      }
    }
  }
  return cur;
}

/** At most this many sentences are added to a passage by grow(). */
const GROW_STEPS = 4;

/**
 * Add neighbouring sentences that belong to the passage (a sentence whose partner was merged
 * into another sentence, or missed the seed thresholds): while adding the sentence before or
 * after it on either side raises the fragments' cosine, add the best one.
 */
function grow(ctx: Ctx, f: Frag): Frag {
  const SA = ctx.pa.S, SB = ctx.pb.S;
  for (let steps = 0; steps < GROW_STEPS; steps++) {
    let best: Frag | null = null;
    let bestCos = f.cos;
    const tries: Frag[] = [];
    if (f.a0 > 0) tries.push({ ...f, a0: f.a0 - 1 });
    if (f.a1 + 1 < SA) tries.push({ ...f, a1: f.a1 + 1 });
    if (f.b0 > 0) tries.push({ ...f, b0: f.b0 - 1 });
    if (f.b1 + 1 < SB) tries.push({ ...f, b1: f.b1 + 1 });
    for (const t of tries) {
      t.cos = fragmentCosine(ctx, t);
      if (t.cos > bestCos) {
        bestCos = t.cos;
        best = t;
      }
    }
    if (!best) return f;
    f = best;
  }
  return f;
}

function overlaps(x0: number, x1: number, y0: number, y1: number): boolean {
  return x0 <= y1 && y0 <= x1;
}

/**
 * Among overlapping fragments (on either side), keep the better one; the other keeps the part
 * of it that its own seeds support outside the winner, if that part is still a passage.
 */
function resolveOverlaps(ctx: Ctx, frags: Frag[]): Frag[] {
  // Closeness counts more than size: a close short passage beats a loose long one.
  const score = (f: Frag) => f.cos * f.cos * Math.sqrt(f.a1 - f.a0 + 1 + f.b1 - f.b0 + 1);
  const queue = frags.slice().sort((x, y) => score(y) - score(x));
  const kept: Frag[] = [];
  const { sa, sb } = ctx;
  while (queue.length) {
    const f = queue.shift()!;
    const hit = kept.find((k) => overlaps(f.a0, f.a1, k.a0, k.a1) || overlaps(f.b0, f.b1, k.b0, k.b1));
    if (!hit) {
      kept.push(f);
      continue;
    }
    if (!f.ids) continue;
    const rest = f.ids.filter((s) => !(sa[s] >= hit.a0 && sa[s] <= hit.a1) && !(sb[s] >= hit.b0 && sb[s] <= hit.b1));
    if (rest.length === 0 || rest.length === f.ids.length) continue;
    const sub: Frag[] = [];
    extend(ctx, rest, ctx.o.maxGap, sub);
    for (const g of sub) {
      // Insert by score so that it is checked against the winners in order.
      let i = 0;
      while (i < queue.length && score(queue[i]) >= score(g)) i++;
      queue.splice(i, 0, g);
    }
  }
  return kept;
}

function charLen(p: Prepared, tokens: Tokens, s0: number, s1: number): number {
  return tokens.ends[p.sent[s1 + 1] - 1] - tokens.starts[p.sent[s0]];
}

/** Size of the multiset intersection of two sorted arrays. */
function sortedOverlap(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let i = 0, j = 0, common = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      common++;
      i++;
      j++;
    } else if (x[i] < y[j]) i++;
    else j++;
  }
  return common;
}

/** Bag-of-words Dice of two token ranges (multiset overlap of word hashes). */
function bagDice(a: Uint32Array, b: Uint32Array): number {
  if (a.length + b.length === 0) return 0;
  const x = Uint32Array.from(a).sort();
  const y = Uint32Array.from(b).sort();
  return (2 * sortedOverlap(x, y)) / (x.length + y.length);
}

/** Share of the smaller bag of content stems found in the other (multiset overlap). */
function containment(a: Int32Array, b: Int32Array): number {
  const x = a.filter((t) => t >= 0).sort();
  const y = b.filter((t) => t >= 0).sort();
  if (x.length === 0 || y.length === 0) return 0;
  return sortedOverlap(x, y) / Math.min(x.length, y.length);
}

/** A passage covering this share of a summary window explains it: no summary there. */
const SUMMARY_MAX_COVER = 0.4;
/** A summary whose matches span this share of the other text's sentences covers all of it. */
const SUMMARY_WHOLE = 0.5;
const SUMMARY_EDGE_SLACK = 0.1;
/** Passages within this many sentences of a summary window, inside its other side, join it. */
const SUMMARY_ABSORB_GAP = 2;
/** Side-adjacent passages are merged (see mergeAdjacent) only when both are this good. */
const MERGE_MIN_COSINE = 0.6;

let stamp = 0;
let inA = new Int32Array(0);
let inB = new Int32Array(0);

/**
 * Find the best window of X sentences whose content words occur in Y far more than X's words
 * do on average; its Y side is the stretch of Y that the window's sentences loosely match.
 */
function summaryFrag(
  X: Prepared,
  Y: Prepared,
  inY: Int32Array,
  yStamp: number,
  looseX: number[],
  looseY: number[],
  yTokens: Tokens,
  xTokens: Tokens,
  o: Required<AlignOptions>,
): { x0: number; x1: number; y0: number; y1: number } | null {
  const W = 4;
  if (X.S < W || Y.S < 2) return null;
  const cnt = new Uint32Array(X.S);
  const hit = new Uint32Array(X.S);
  let tc = 0, th = 0;
  const { sOff, sTerm, sTf } = X;
  for (let k = 0; k < X.S; k++) {
    let c = 0, h = 0;
    for (let q = sOff[k]; q < sOff[k + 1]; q++) {
      c += sTf[q];
      if (inY[sTerm[q]] === yStamp) h += sTf[q];
    }
    cnt[k] = c;
    hit[k] = h;
    tc += c;
    th += h;
  }
  if (tc === 0) return null;
  const overall = th / tc;
  let best = -1, bestK = -1, c = 0, h = 0;
  for (let k = 0; k < X.S; k++) {
    c += cnt[k];
    h += hit[k];
    if (k >= W) {
      c -= cnt[k - W];
      h -= hit[k - W];
    }
    if (k >= W - 1 && c >= o.summaryMinWords && h / c > best) {
      best = h / c;
      bestK = k - W + 1;
    }
  }
  if (bestK < 0 || best < o.summaryContainment || best - overall < o.summaryLift) return null;
  let x0 = bestK, x1 = bestK + W - 1;
  const good = (k: number) => cnt[k] > 0 && hit[k] / cnt[k] >= o.summaryContainment - SUMMARY_EDGE_SLACK;
  while (x0 > 0 && x1 - x0 < 12 && good(x0 - 1)) x0--;
  while (x1 + 1 < X.S && x1 - x0 < 12 && good(x1 + 1)) x1++;
  while (x0 < x1 && !good(x0)) x0++;
  while (x1 > x0 && !good(x1)) x1--;
  let y0 = Infinity, y1 = -1;
  const seen = new Set<number>();
  for (let k = 0; k < looseX.length; k++) {
    const x = looseX[k];
    if (x < x0 || x > x1) continue;
    seen.add(x);
    if (looseY[k] < y0) y0 = looseY[k];
    if (looseY[k] > y1) y1 = looseY[k];
  }
  if (seen.size < 2) return null;
  const xLen = charLen(X, xTokens, x0, x1);
  const yLen = charLen(Y, yTokens, y0, y1);
  if (yLen < o.summaryStretch * xLen) return null;
  // A summary drawing on most of the other text summarises all of it.
  const WHOLE = SUMMARY_WHOLE;
  if (y1 - y0 + 1 >= WHOLE * Y.S) {
    y0 = 0;
    y1 = Y.S - 1;
  }
  return { x0, x1, y0, y1 };
}

/** Put a summary passage in place of the passages it overlaps on its summary side. */
function addSummary(frags: Frag[], s: Frag, side: 'a' | 'b', pa: Prepared, pb: Prepared, at: Tokens, bt: Tokens): Frag[] {
  const over = frags.filter((f) => (side === 'b' ? overlaps(f.b0, f.b1, s.b0, s.b1) : overlaps(f.a0, f.a1, s.a0, s.a1)));
  let otherLen = 0;
  for (const f of over) otherLen += side === 'b' ? charLen(pa, at, f.a0, f.a1) : charLen(pb, bt, f.b0, f.b1);
  const sLen = side === 'b' ? charLen(pa, at, s.a0, s.a1) : charLen(pb, bt, s.b0, s.b1);
  if (sLen < 1.5 * otherLen) return frags;
  // The window must hold some sentence-level evidence already.
  if (over.length === 0) return frags;
  {
    // One passage covering most of the window explains it (a copied, shuffled or translated
    // stretch). A summary made of sentences taken from all over the other text shows up as
    // several short passages whose other sides lie far apart.
    const X = side === 'b' ? pb : pa;
    const xt = side === 'b' ? bt : at;
    const x0 = side === 'b' ? s.b0 : s.a0, x1 = side === 'b' ? s.b1 : s.a1;
    const wlen = charLen(X, xt, x0, x1);
    for (const f of over) {
      const f0 = Math.max(x0, side === 'b' ? f.b0 : f.a0), f1 = Math.min(x1, side === 'b' ? f.b1 : f.a1);
      if (f1 >= f0 && charLen(X, xt, f0, f1) >= SUMMARY_MAX_COVER * wlen) return frags;
    }
  }
  let rest = frags.filter((f) => !over.includes(f));
  // Passages just next to the window whose other side lies inside the summarised stretch are
  // part of the same summary: absorb them (one case, one passage).
  const ABS = SUMMARY_ABSORB_GAP;
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of rest) {
      const nearX = side === 'b' ? f.b0 <= s.b1 + ABS && f.b1 >= s.b0 - ABS : f.a0 <= s.a1 + ABS && f.a1 >= s.a0 - ABS;
      const inY = side === 'b' ? f.a0 >= s.a0 - ABS && f.a1 <= s.a1 + ABS : f.b0 >= s.b0 - ABS && f.b1 <= s.b1 + ABS;
      if (nearX && inY) {
        s.a0 = Math.min(s.a0, f.a0);
        s.a1 = Math.max(s.a1, f.a1);
        s.b0 = Math.min(s.b0, f.b0);
        s.b1 = Math.max(s.b1, f.b1);
        rest = rest.filter((g) => g !== f);
        changed = true;
        break;
      }
    }
  }
  // The summarised side must not collide with other passages either.
  if (rest.some((f) => (side === 'b' ? overlaps(f.a0, f.a1, s.a0, s.a1) : overlaps(f.b0, f.b1, s.b0, s.b1)))) return frags;
  rest.push(s);
  return rest;
}

function mergeAdjacent(frags: Frag[], side: 'a' | 'b', gap: number): Frag[] {
  const x0 = (f: Frag) => (side === 'b' ? f.b0 : f.a0);
  const x1 = (f: Frag) => (side === 'b' ? f.b1 : f.a1);
  const y0 = (f: Frag) => (side === 'b' ? f.a0 : f.b0);
  const y1 = (f: Frag) => (side === 'b' ? f.a1 : f.b1);
  const sorted = frags.slice().sort((f, g) => x0(f) - x0(g));
  const out: Frag[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && x0(f) - x1(last) - 1 <= gap && x0(f) > x1(last) && y0(f) > y1(last) && f.cos >= MERGE_MIN_COSINE && last.cos >= MERGE_MIN_COSINE) {
      const m: Frag = {
        a0: Math.min(last.a0, f.a0),
        a1: Math.max(last.a1, f.a1),
        b0: Math.min(last.b0, f.b0),
        b1: Math.max(last.b1, f.b1),
        cos: Math.max(last.cos, f.cos),
      };
      // The merged other side must not swallow a third passage.
      if (!out.some((g) => g !== last && overlaps(y0(g), y1(g), side === 'b' ? m.a0 : m.b0, side === 'b' ? m.a1 : m.b1))) {
        out[out.length - 1] = m;
        continue;
      }
    }
    out.push(f);
  }
  return out;
}

/** Describe a fragment as a Passage (tight bounds, kind, similarity, edits). */
/** Token range [t0, t1) without the boilerplate tokens at its two ends. */
function trimBoiler(boiler: Uint8Array, t0: number, t1: number): [number, number] {
  while (t0 < t1 && boiler[t0]) t0++;
  while (t1 > t0 && boiler[t1 - 1]) t1--;
  return [t0, t1];
}

function describe(
  A: AlignInput,
  B: AlignInput,
  pa: Prepared,
  pb: Prepared,
  ta0: number,
  ta1: number,
  tb0: number,
  tb1: number,
  o: Required<AlignOptions>,
): Passage | null {
  const at = A.tokens, bt = B.tokens;
  const n = ta1 - ta0, m = tb1 - tb0;
  // Bounded work: O((n + m) * maxD) steps at most.
  const maxD = Math.min(Math.floor(0.5 * (n + m)), 3000, Math.floor(DIFF_BUDGET / Math.max(1, n + m)));
  const r = diffTokens(at.hashes, ta0, ta1, bt.hashes, tb0, tb1, maxD);
  const span = (t: Tokens, i0: number, i1: number): [number, number] => [t.starts[i0], t.ends[i1 - 1]];
  if (!r || r.ma.length === 0) {
    const sim = bagDice(at.hashes.subarray(ta0, ta1), bt.hashes.subarray(tb0, tb1));
    const cont = containment(pa.term.subarray(ta0, ta1), pb.term.subarray(tb0, tb1));
    if (cont < o.minContainment) return null;
    const p: Passage = { source: span(at, ta0, ta1), derived: span(bt, tb0, tb1), similarity: round3(sim), kind: "paraphrase" };
    // words the two sides share (bag Dice times their mean length): enough for a brief as a whole
    const shared = Math.round((sim * (n + m)) / 2);
    const whole = n >= WHOLE_SHORT * at.length || m >= WHOLE_SHORT * bt.length;
    return keepShort(p, shared, Math.min(sim, 0.79), o, whole) ? p : null;
  }
  let { ma, mb } = r;
  let L = ma.length;
  // Tight bounds (first and last matching words) for close copies; a looser match keeps the
  // sentence bounds, its unmatched edges becoming edits (shuffled or replaced words).
  let f0 = 0, f1 = L - 1;
  // A stray match of one or two words at an edge, cut off by a gap ("From *the* wires: The
  // harbour master..."), does not extend the passage.
  const runEnd = (k: number) => {
    while (k < f1 && ma[k + 1] === ma[k] + 1 && mb[k + 1] === mb[k] + 1) k++;
    return k;
  };
  const runStart = (k: number) => {
    while (k > f0 && ma[k - 1] === ma[k] - 1 && mb[k - 1] === mb[k] - 1) k--;
    return k;
  };
  // Only a short run next to a long one (>= 4 words) counts as stray; heavily edited text, all
  // short runs, keeps its matches.
  for (let t = 0, e = runEnd(f0); t < 2 && e < f1 && e - f0 + 1 <= 2 && runEnd(e + 1) - e >= 4; t++, e = runEnd(f0)) f0 = e + 1;
  for (let t = 0, b = runStart(f1); t < 2 && b > f0 && f1 - b + 1 <= 2 && b - runStart(b - 1) >= 4; t++, b = runStart(f1)) f1 = b - 1;
  if (f0 > 0 || f1 < L - 1) {
    // Re-grow the kept run over equal words just outside it (the diff may have matched the
    // stray word instead of its twin next to the run).
    const xa: number[] = [], xb: number[] = [];
    for (let i = ma[f0] - 1, j = mb[f0] - 1; i >= ta0 && j >= tb0 && at.hashes[i] === bt.hashes[j]; i--, j--) {
      xa.push(i);
      xb.push(j);
    }
    xa.reverse();
    xb.reverse();
    for (let k = f0; k <= f1; k++) {
      xa.push(ma[k]);
      xb.push(mb[k]);
    }
    for (let i = ma[f1] + 1, j = mb[f1] + 1; i < ta1 && j < tb1 && at.hashes[i] === bt.hashes[j]; i++, j++) {
      xa.push(i);
      xb.push(j);
    }
    ma = Int32Array.from(xa) as typeof ma;
    mb = Int32Array.from(xb) as typeof mb;
    L = ma.length;
    f0 = 0;
    f1 = L - 1;
  }
  const na = ma[f1] - ma[f0] + 1;
  const nb = mb[f1] - mb[f0] + 1;
  const tight = (2 * (f1 - f0 + 1)) / (na + nb) >= o.trimSimilarity;
  if (!tight) {
    // a loose match keeps every match of the diff
    ({ ma, mb } = r);
    L = ma.length;
    f0 = 0;
    f1 = L - 1;
  }
  const a0 = tight ? ma[f0] : ta0, a1 = tight ? ma[f1] + 1 : ta1;
  const b0 = tight ? mb[f0] : tb0, b1 = tight ? mb[f1] + 1 : tb1;
  const Lm = f1 - f0 + 1;
  const sim = (2 * Lm) / (a1 - a0 + b1 - b0);
  const edits: Edit[] = [];
  // Virtual matches just outside the passage close the edge gaps.
  for (let k = f0 - 1; k <= f1; k++) {
    const xa = k < f0 ? a0 - 1 : ma[k], ya = k + 1 <= f1 ? ma[k + 1] : a1;
    const xb = k < f0 ? b0 - 1 : mb[k], yb = k + 1 <= f1 ? mb[k + 1] : b1;
    const ga = ya - xa - 1;
    const gb = yb - xb - 1;
    if (ga === 0 && gb === 0) continue;
    const pa = xa >= a0 ? at.ends[xa] : at.starts[a0];
    const pb = xb >= b0 ? bt.ends[xb] : bt.starts[b0];
    const sa: [number, number] = ga > 0 ? [at.starts[xa + 1], at.ends[ya - 1]] : [pa, pa];
    const sb: [number, number] = gb > 0 ? [bt.starts[xb + 1], bt.ends[yb - 1]] : [pb, pb];
    edits.push({ op: ga > 0 && gb > 0 ? 'replace' : ga > 0 ? 'delete' : 'insert', source: sa, derived: sb });
  }
  const p: Passage = {
    source: [at.starts[a0], at.ends[a1 - 1]],
    derived: [bt.starts[b0], bt.ends[b1 - 1]],
    similarity: round3(sim),
    kind: edits.length === 0 ? 'verbatim' : sim >= 0.5 ? 'edited' : 'paraphrase',
  };
  if (edits.length) p.edits = edits;
  const whole = a1 - a0 >= WHOLE_SHORT * at.length || b1 - b0 >= WHOLE_SHORT * bt.length;
  return keepShort(p, Lm, sim, o, whole) ? p : null;
}

/** A passage side spanning this share of its document's words is most of that (short) text. */
const WHOLE_SHORT = 0.5;

/**
 * Short passages are kept only when they are close copies of several words, or when one side is
 * most of a short document (a news brief, a headline item): then several matching words and an
 * edited match (similarity >= 0.5) suffice. `whole` says whether a side spans WHOLE_SHORT of its
 * document. A match with no word-level alignment (reordered words) counts its shared words.
 */
function keepShort(p: Passage, common: number, sim: number, o: Required<AlignOptions>, whole = false): boolean {
  const la = p.source[1] - p.source[0];
  const lb = p.derived[1] - p.derived[0];
  if (la >= o.minChars && lb >= o.minChars) return true;
  if (whole && common >= o.minExactWords && sim >= 0.5) return true;
  return common >= o.minExactWords && sim >= 0.8;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Align two documents. Returns the passages they share, sorted by derived start; spans are
 * UTF-16 indices into each `text`.
 */
function countTerms(terms: Int32Array, DF: Int32Array, touched: number[]): void {
  for (let k = 0; k < terms.length; k++) {
    const t = terms[k];
    if (DF[t] === 0) touched.push(t);
    DF[t]++;
  }
}

function sentenceNorms(p: Prepared, IDF: Float64Array): Float64Array {
  const out = new Float64Array(p.S);
  const { sOff, sTf, sTerm } = p;
  for (let s = 0; s < p.S; s++) {
    let sum = 0;
    for (let k = sOff[s]; k < sOff[s + 1]; k++) {
      const w = sTf[k] * IDF[sTerm[k]];
      sum += w * w;
    }
    out[s] = Math.sqrt(sum);
  }
  return out;
}

export function align(source: AlignInput, derived: AlignInput, opts: AlignOptions = {}): Passage[] {
  const o: Required<AlignOptions> = { ...DEFAULTS, ...opts };
  const pa = prepare(source.text, source.tokens);
  const pb = prepare(derived.text, derived.tokens);
  if (pa.S === 0 || pb.S === 0) return [];
  ensureTerms();

  // idf over the sentences of both documents.
  const DF = df, IDF = idf;
  const touched: number[] = [];
  countTerms(pa.sTerm, DF, touched);
  countTerms(pb.sTerm, DF, touched);
  const N = pa.S + pb.S;
  // Plus 1/N: a term in every sentence still counts, or two one-sentence texts that share all
  // their words would share nothing (long texts hardly notice).
  for (let i = 0; i < touched.length; i++) IDF[touched[i]] = Math.log(N / DF[touched[i]]) + 1 / N;
  const norms = (p: Prepared) => sentenceNorms(p, IDF);
  const normA = norms(pa);
  const normB = norms(pb);

  // Postings of B's terms: slot per term, CSR arrays of (sentence, weight).
  const bTerms: number[] = [];
  for (let k = 0; k < pb.sTerm.length; k++) {
    const t = pb.sTerm[k];
    if (slot[t] < 0) {
      slot[t] = bTerms.length;
      bTerms.push(t);
    }
  }
  const pStart = new Uint32Array(bTerms.length + 1);
  for (let k = 0; k < pb.sTerm.length; k++) pStart[slot[pb.sTerm[k]] + 1]++;
  for (let i = 0; i < bTerms.length; i++) pStart[i + 1] += pStart[i];
  const fill = pStart.slice(0, bTerms.length);
  const pSent = new Uint32Array(pb.sTerm.length);
  const pW = new Float64Array(pb.sTerm.length);
  for (let s = 0; s < pb.S; s++) {
    for (let k = pb.sOff[s]; k < pb.sOff[s + 1]; k++) {
      const t = pb.sTerm[k];
      const q = fill[slot[t]]++;
      pSent[q] = s;
      pW[q] = pb.sTf[k] * idf[t];
    }
  }

  // Seeds: sentence pairs with cosine and Dice above the thresholds.
  const dot = new Float64Array(pb.S);
  const shared = new Uint32Array(pb.S);
  const mark = new Int32Array(pb.S).fill(-1);
  const seedA: number[] = [];
  const seedB: number[] = [];
  const seedCos: number[] = [];
  const looseA: number[] = [];
  const looseB: number[] = [];
  const bestA = new Float64Array(pa.S);
  const bestB = new Float64Array(pb.S);
  const hit: number[] = [];
  for (let i = 0; i < pa.S; i++) {
    hit.length = 0;
    const lenA = pa.sOff[i + 1] - pa.sOff[i];
    if (lenA === 0 || normA[i] === 0) continue;
    for (let k = pa.sOff[i]; k < pa.sOff[i + 1]; k++) {
      const t = pa.sTerm[k];
      const sl = slot[t];
      if (sl < 0) continue;
      const w = pa.sTf[k] * idf[t];
      for (let q = pStart[sl]; q < pStart[sl + 1]; q++) {
        const j = pSent[q];
        if (mark[j] !== i) {
          mark[j] = i;
          dot[j] = 0;
          shared[j] = 0;
          hit.push(j);
        }
        dot[j] += w * pW[q];
        shared[j]++;
      }
    }
    for (const j of hit) {
      if (normB[j] === 0) continue;
      const cos = dot[j] / (normA[i] * normB[j]);
      if (cos > o.looseCosine) {
        looseA.push(i);
        looseB.push(j);
      }
      if (cos <= o.seedCosine) continue;
      const dice = (2 * shared[j]) / (lenA + pb.sOff[j + 1] - pb.sOff[j]);
      if (dice <= o.seedDice) continue;
      seedA.push(i);
      seedB.push(j);
      seedCos.push(cos);
      if (cos > bestA[i]) bestA[i] = cos;
      if (cos > bestB[j]) bestB[j] = cos;
    }
  }
  for (const t of bTerms) slot[t] = -1;
  // Keep a seed only when it is not much weaker than the best seed of its sentences: a copied
  // sentence matches its original far better than it matches sentences on the same topic.
  if (o.seedRelative > 0) {
    let w = 0;
    for (let k = 0; k < seedA.length; k++) {
      const best = Math.max(bestA[seedA[k]], bestB[seedB[k]]);
      if (seedCos[k] >= o.seedRelative * best) {
        seedA[w] = seedA[k];
        seedB[w] = seedB[k];
        seedCos[w] = seedCos[k];
        w++;
      }
    }
    seedA.length = seedB.length = seedCos.length = w;
  }

  const ctx: Ctx = { pa, pb, normA, normB, sa: Int32Array.from(seedA), sb: Int32Array.from(seedB), sc: Float64Array.from(seedCos), o };
  const all = seedA.map((_, k) => k);
  let frags: Frag[] = [];
  extend(ctx, all.slice(), o.maxGap, frags);
  frags = resolveOverlaps(ctx, frags);

  // Summary: one side's passages much shorter than the other's -> cluster with a wide gap.
  if (frags.length > 0) {
    let la = 0, lb = 0;
    for (const f of frags) {
      la += charLen(pa, source.tokens, f.a0, f.a1);
      lb += charLen(pb, derived.tokens, f.b0, f.b1);
    }
    if (Math.min(la, lb) < o.summaryRatio * Math.max(la, lb)) {
      const wide: Frag[] = [];
      extend(ctx, all.slice(), o.summaryGap, wide);
      frags = resolveOverlaps(ctx, wide);
    }
  }

  // Summary: a short stretch of one side whose words nearly all occur in the other side.
  // (It needs loose matches of two sentences at least.)
  if (o.summaryContainment <= 1 && looseA.length >= 2) {
    stamp++;
    for (let k = 0; k < pa.sTerm.length; k++) inA[pa.sTerm[k]] = stamp;
    const stampA = stamp;
    stamp++;
    for (let k = 0; k < pb.sTerm.length; k++) inB[pb.sTerm[k]] = stamp;
    const sB = summaryFrag(pb, pa, inA, stampA, looseB, looseA, source.tokens, derived.tokens, o);
    if (sB) frags = addSummary(frags, { a0: sB.y0, a1: sB.y1, b0: sB.x0, b1: sB.x1, cos: 0 }, 'b', pa, pb, source.tokens, derived.tokens);
    const sA = summaryFrag(pa, pb, inB, stamp, looseA, looseB, derived.tokens, source.tokens, o);
    if (sA) frags = addSummary(frags, { a0: sA.x0, a1: sA.x1, b0: sA.y0, b1: sA.y1, cos: 0 }, 'a', pa, pb, source.tokens, derived.tokens);
  }

  // Passages next to each other in the derived text whose source sides follow in the same
  // order, but far apart, are one passage that condenses the source (sentences picked from a
  // longer text). Only in this direction: a source whose adjacent paragraphs were scattered
  // over the derived text is not one passage.
  frags = mergeAdjacent(frags, 'b', 0);

  for (const t of touched) {
    df[t] = 0;
    idf[t] = 0;
  }

  const out: Passage[] = [];
  for (const f of frags) {
    // Boilerplate (a sidebar, a footer) at either end of a fragment is not part of the passage.
    const [a0, a1] = trimBoiler(source.tokens.boiler, pa.sent[f.a0], pa.sent[f.a1 + 1]);
    const [b0, b1] = trimBoiler(derived.tokens.boiler, pb.sent[f.b0], pb.sent[f.b1 + 1]);
    if (a1 <= a0 || b1 <= b0) continue;
    const p = describe(source, derived, pa, pb, a0, a1, b0, b1, o);
    if (p) out.push(p);
  }
  out.sort((x, y) => x.derived[0] - y.derived[0] || x.source[0] - y.source[0]);
  return out;
}
