// "Same topic, nothing copied": tf-idf cosine over words, found through each document's
// most distinctive words so that it stays cheap on large sets.

import type { Tokens } from '../types.ts';
import { STOPWORD_HASHES } from '../text/stopwords.ts';

export interface TermVector {
  /** word hash -> tf-idf weight, L2-normalised */
  weights: Map<number, number>;
  /** the document's most distinctive words */
  top: number[];
}

/** Document frequency of each word hash over a set of token lists. */
export function documentFrequencies(all: Tokens[]): Map<number, number> {
  const df = new Map<number, number>();
  for (const t of all) {
    const seen = new Set<number>();
    for (let i = 0; i < t.length; i++) if (!t.boiler[i]) seen.add(t.hashes[i]);
    for (const h of seen) df.set(h, (df.get(h) ?? 0) + 1);
  }
  return df;
}

export function termVector(t: Tokens, df: Map<number, number>, nDocs: number, topN = 12): TermVector {
  const tf = new Map<number, number>();
  for (let i = 0; i < t.length; i++) {
    const h = t.hashes[i];
    if (!t.boiler[i] && !STOPWORD_HASHES.has(h)) tf.set(h, (tf.get(h) ?? 0) + 1);
  }
  const weights = new Map<number, number>();
  let norm = 0;
  for (const [h, f] of tf) {
    const d = df.get(h) ?? 1;
    // smoothed so that a small set's shared topic words still count
    const idf = Math.log(1 + nDocs / d);
    const w = (1 + Math.log(f)) * idf;
    weights.set(h, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [h, w] of weights) weights.set(h, w / norm);
  const top = [...weights]
    .filter(([h]) => (df.get(h) ?? 1) >= 2) // a word only this document has cannot link it
    .sort((x, y) => y[1] - x[1])
    .slice(0, topN)
    .map(([h]) => h);
  return { weights, top };
}

export function cosine(a: TermVector, b: TermVector): number {
  const [small, large] = a.weights.size < b.weights.size ? [a.weights, b.weights] : [b.weights, a.weights];
  let s = 0;
  for (const [h, w] of small) {
    const v = large.get(h);
    if (v !== undefined) s += w * v;
  }
  return s;
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
  for (const j of right) for (const h of vectors[j].top) {
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

/** The normalised sum of several vectors: a story's vocabulary. */
export function centroid(vs: TermVector[], topN = 30): TermVector {
  const weights = new Map<number, number>();
  for (const v of vs) for (const [h, w] of v.weights) weights.set(h, (weights.get(h) ?? 0) + w);
  let norm = 0;
  for (const w of weights.values()) norm += w * w;
  norm = Math.sqrt(norm) || 1;
  for (const [h, w] of weights) weights.set(h, w / norm);
  const top = [...weights].sort((x, y) => y[1] - x[1]).slice(0, topN).map(([h]) => h);
  return { weights, top };
}
