// Candidates for short texts that share no run of words: a news brief of twenty to a hundred
// words rewritten from a longer report keeps its facts (names, places, figures, the rare words)
// but rarely five words in a row, so it shares no fingerprint with its source. A brief becomes a
// candidate with each document holding a good part of its rare content words; the aligner and
// relate's sentence-level rewrite rule then decide whether it was taken from it.

import type { Tokens } from '../types.ts';
import { prepare } from '../align/prepare.ts';

export interface BriefDoc {
  id: string;
  text: string;
  tokens: Tokens;
}

/** A brief has at most this many words outside boilerplate. */
export const BRIEF_WORDS = 150;
/** A candidate shares at least this many distinct rare content words with the brief... */
export const BRIEF_SHARED = 5;
/** ...and at least this share of the brief's distinct content words. */
export const BRIEF_SHARE = 0.3;
/** The documents sharing most with a brief, at most this many, become its candidates. */
export const BRIEF_LIMIT = 20;

function stems(d: BriefDoc): Int32Array {
  const { term } = prepare(d.text, d.tokens);
  const set = new Set<number>();
  for (let t = 0; t < term.length; t++) if (term[t] >= 0 && !d.tokens.boiler[t]) set.add(term[t]);
  return Int32Array.from(set);
}

/**
 * Pairs (brief, other document) that share rare content words, not in `known` (keys `a\0b`, both
 * orders are checked). A content word is rare when at most `maxDf` documents hold it.
 */
export function briefPairs(docs: BriefDoc[], maxDf: number, known: Set<string>): { a: string; b: string; shared: number }[] {
  const terms = docs.map(stems);
  const df = new Map<number, number>();
  for (const ts of terms) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
  const briefs: number[] = [];
  docs.forEach((d, i) => {
    let words = 0;
    for (let t = 0; t < d.tokens.length; t++) if (!d.tokens.boiler[t]) words++;
    if (words > 0 && words <= BRIEF_WORDS) briefs.push(i);
  });
  if (!briefs.length) return [];
  const post = new Map<number, number[]>(); // rare term -> briefs holding it
  for (const b of briefs)
    for (const t of terms[b]) {
      if ((df.get(t) ?? 0) > maxDf) continue;
      let l = post.get(t);
      if (!l) post.set(t, (l = []));
      l.push(b);
    }
  const best = new Map<number, { j: number; shared: number }[]>();
  const count = new Map<number, number>();
  for (let j = 0; j < docs.length; j++) {
    count.clear();
    for (const t of terms[j]) for (const b of post.get(t) ?? []) if (b !== j) count.set(b, (count.get(b) ?? 0) + 1);
    for (const [b, c] of count) {
      if (c < BRIEF_SHARED || c < BRIEF_SHARE * terms[b].length) continue;
      let l = best.get(b);
      if (!l) best.set(b, (l = []));
      l.push({ j, shared: c });
    }
  }
  const out: { a: string; b: string; shared: number }[] = [];
  const seen = new Set<string>();
  for (const [b, l] of best) {
    l.sort((x, y) => y.shared - x.shared || x.j - y.j);
    for (const { j, shared } of l.slice(0, BRIEF_LIMIT)) {
      const [x, y] = docs[b].id < docs[j].id ? [docs[b].id, docs[j].id] : [docs[j].id, docs[b].id];
      const key = `${x}\0${y}`;
      if (seen.has(key) || known.has(key) || known.has(`${y}\0${x}`)) continue;
      seen.add(key);
      out.push({ a: x, b: y, shared });
    }
  }
  return out;
}
