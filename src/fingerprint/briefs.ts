// Candidates for short texts that share no run of words: a news brief of twenty to a hundred
// words rewritten from a longer report keeps its facts (names, places, figures, the rare words)
// but rarely five words in a row, so it shares no fingerprint with its source. A brief becomes a
// candidate with each document holding a good part of its rare content words; the aligner and
// relate's sentence-level rewrite rule then decide whether it was taken from it.

import type { Tokens } from '../types.ts';
import { STOPWORD_HASHES } from '../text/stopwords.ts';

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

/** Distinct content words (hashes of the normalised words, stopwords and boilerplate left out). */
function contentWords(d: BriefDoc): Uint32Array {
  const { hashes, boiler } = d.tokens;
  const set = new Set<number>();
  for (let t = 0; t < hashes.length; t++) if (!boiler[t] && !STOPWORD_HASHES.has(hashes[t])) set.add(hashes[t]);
  return Uint32Array.from(set);
}

/**
 * Pairs (brief, other document) that share rare content words, not in `known` (keys `a\0b`, both
 * orders are checked). A content word is rare when at most `maxDf` documents hold it.
 */
export function briefPairs(docs: BriefDoc[], maxDf: number, known: Set<string>): { a: string; b: string; shared: number }[] {
  const briefs: number[] = [];
  docs.forEach((d, i) => {
    let words = 0;
    for (let t = 0; t < d.tokens.length; t++) if (!d.tokens.boiler[t]) words++;
    if (words > 0 && words <= BRIEF_WORDS) briefs.push(i);
  });
  if (!briefs.length) return [];
  // the briefs' content words, and which briefs hold each
  const size = new Map<number, number>();
  const post = new Map<number, number[]>();
  for (const b of briefs) {
    const ts = contentWords(docs[b]);
    size.set(b, ts.length);
    for (const t of ts) {
      let l = post.get(t);
      if (!l) post.set(t, (l = []));
      l.push(b);
    }
  }
  // Each document's distinct words among them: counted once for their document frequency, then
  // for the briefs that share them (rare words only).
  const stamp = new Map<number, number>();
  const each = (j: number, f: (t: number) => void) => {
    const { hashes, boiler } = docs[j].tokens;
    for (let k = 0; k < hashes.length; k++) {
      const t = hashes[k];
      if (boiler[k] || !post.has(t) || stamp.get(t) === j) continue;
      stamp.set(t, j);
      f(t);
    }
  };
  const df = new Map<number, number>();
  for (let j = 0; j < docs.length; j++) each(j, (t) => df.set(t, (df.get(t) ?? 0) + 1));
  stamp.clear();
  const best = new Map<number, { j: number; shared: number }[]>();
  const count = new Map<number, number>();
  for (let j = 0; j < docs.length; j++) {
    count.clear();
    each(j, (t) => {
      if (df.get(t)! > maxDf) return;
      for (const b of post.get(t)!) if (b !== j) count.set(b, (count.get(b) ?? 0) + 1);
    });
    for (const [b, c] of count) {
      if (c < BRIEF_SHARED || c < BRIEF_SHARE * size.get(b)!) continue;
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
