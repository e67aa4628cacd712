// "Same topic, nothing copied": tf-idf cosine over words, found through each document's most
// distinctive words so that it stays cheap on large sets. Words become small integer ids once;
// vectors are sorted typed arrays, compared by merging.

import type { Tokens } from '../types.ts';
import { STOPWORD_HASHES } from '../text/stopwords.ts';

export interface TermVector {
  /** term ids, ascending */
  ids: Int32Array;
  /** tf-idf weight of each id, L2-normalised */
  weights: Float64Array;
  /** the most distinctive words (term ids) */
  top: Int32Array;
}

/** Term ids of each document's content words (boilerplate and stopwords left out), sorted. */
export function termLists(all: Tokens[]): { lists: Int32Array[]; terms: number } {
  // word hash -> id + 1 (-1 for a stopword) in an open-addressing table (linear probing, at most
  // half full): a Map and a Set lookup per token were most of the time spent here
  let size = 1 << 12;
  let keys = new Int32Array(size);
  let vals = new Int32Array(size);
  let used = 0;
  let terms = 0;
  const slot = (h: number, mask: number) => (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
  const grow = () => {
    const [oldKeys, oldVals] = [keys, vals];
    size *= 2;
    keys = new Int32Array(size);
    vals = new Int32Array(size);
    for (let i = 0; i < oldVals.length; i++) {
      if (!oldVals[i]) continue;
      let t = slot(oldKeys[i], size - 1);
      while (vals[t]) t = (t + 1) & (size - 1);
      keys[t] = oldKeys[i];
      vals[t] = oldVals[i];
    }
  };
  const idOf = (h: number): number => {
    if (2 * (used + 1) > size) grow();
    const mask = size - 1;
    let s = slot(h, mask);
    for (; vals[s] !== 0; s = (s + 1) & mask) if (keys[s] === h) return vals[s] < 0 ? -1 : vals[s] - 1;
    keys[s] = h;
    used++;
    if (STOPWORD_HASHES.has(h >>> 0)) {
      vals[s] = -1;
      return -1;
    }
    vals[s] = ++terms;
    return terms - 1;
  };
  const lists = all.map((t) => {
    const out = new Int32Array(t.length);
    let n = 0;
    for (let i = 0; i < t.length; i++) {
      const h = t.hashes[i];
      if (t.boiler[i]) continue;
      const id = idOf(h | 0);
      if (id >= 0) out[n++] = id;
    }
    return out.subarray(0, n).sort();
  });
  return { lists, terms };
}

/** Number of documents holding each term. */
export function documentFrequencies(lists: Int32Array[], terms: number): Int32Array {
  const df = new Int32Array(terms);
  for (const l of lists) for (let i = 0; i < l.length; i++) if (i === 0 || l[i] !== l[i - 1]) df[l[i]]++;
  return df;
}

function normalise(ids: Int32Array, weights: Float64Array, df: Int32Array | null, topN: number): TermVector {
  let norm = 0;
  for (let i = 0; i < weights.length; i++) norm += weights[i] * weights[i];
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < weights.length; i++) weights[i] /= norm;
  // the topN heaviest words, heaviest first, the earlier of equal weights first (what a stable
  // sort of them all by weight would give); a word only one document has cannot link it to another
  const top: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    if (df && df[ids[k]] < 2) continue;
    const w = weights[k];
    if (top.length === topN && !(w > weights[top[topN - 1]])) continue;
    let at = top.length;
    while (at > 0 && weights[top[at - 1]] < w) at--;
    top.splice(at, 0, k);
    if (top.length > topN) top.pop();
  }
  return { ids, weights, top: Int32Array.from(top, (k) => ids[k]) };
}

/** tf-idf vector of one sorted term list. */
export function termVector(list: Int32Array, df: Int32Array, nDocs: number, topN = 12): TermVector {
  let distinct = 0;
  for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[i - 1]) distinct++;
  const ids = new Int32Array(distinct);
  const weights = new Float64Array(distinct);
  let k = -1;
  for (let i = 0; i < list.length; i++) {
    if (i === 0 || list[i] !== list[i - 1]) ids[++k] = list[i];
    weights[k]++;
  }
  for (let j = 0; j < distinct; j++) {
    // smoothed so that a small set's shared topic words still count
    const idf = Math.log(1 + nDocs / Math.max(1, df[ids[j]]));
    weights[j] = (1 + Math.log(weights[j])) * idf;
  }
  return normalise(ids, weights, df, topN);
}

export function cosine(a: TermVector, b: TermVector): number {
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    if (a.ids[i] < b.ids[j]) i++;
    else if (a.ids[i] > b.ids[j]) j++;
    else s += a.weights[i++] * b.weights[j++];
  }
  return s;
}

/** The normalised sum of several vectors: a story's vocabulary. */
export function centroid(vs: TermVector[], topN = 30): TermVector {
  const sum = new Map<number, number>();
  for (const v of vs) for (let i = 0; i < v.ids.length; i++) sum.set(v.ids[i], (sum.get(v.ids[i]) ?? 0) + v.weights[i]);
  const ids = Int32Array.from(sum.keys()).sort();
  const weights = Float64Array.from(ids, (id) => sum.get(id)!);
  return normalise(ids, weights, null, topN);
}

/**
 * Pairs (i, j) from `left` x `right` (indices into `vectors`) with cosine >= threshold, found
 * through shared distinctive words.
 */
export function similarPairs(
  vectors: TermVector[],
  left: number[],
  right: number[],
  threshold: number,
  minSharedTop = 3,
): Array<{ i: number; j: number; cosine: number }> {
  const byWord = new Map<number, number[]>();
  for (const j of right)
    for (const h of vectors[j].top) {
      let l = byWord.get(h);
      if (!l) byWord.set(h, (l = []));
      l.push(j);
    }
  const out: Array<{ i: number; j: number; cosine: number }> = [];
  for (const i of left) {
    const shared = new Map<number, number>();
    for (const h of vectors[i].top) for (const j of byWord.get(h) ?? []) if (j !== i) shared.set(j, (shared.get(j) ?? 0) + 1);
    for (const [j, n] of shared) {
      if (n < minSharedTop) continue;
      const c = cosine(vectors[i], vectors[j]);
      if (c >= threshold) out.push({ i, j, cosine: c });
    }
  }
  return out;
}
