// A looser, sentence-level reading of two texts that share no passage: each sentence of the
// shorter text is matched to the sentence of the other that shares most of its stemmed content
// words. A newsroom rewrite keeps the facts sentence by sentence (the same names, figures and
// verbs) while changing the wording, so no run of copied words survives; two reports of the same
// event share some words, but not sentence after sentence. relate uses these matches only for a
// pair the aligner found nothing in, and only when they cover enough of the shorter text.

import type { Passage, Tokens } from '../types.ts';
import { prepare } from './prepare.ts';

export interface SentenceInput {
  text: string;
  tokens: Tokens;
}

/** A sentence match needs at least this many distinct content words in common... */
export const SENTENCE_SHARED = 3;
/** ...and this Dice coefficient of the two sentences' distinct content words. */
export const SENTENCE_DICE = 0.3;

export interface SentenceMatches {
  /** One paraphrase passage per matched sentence (a's spans in `source`, b's in `derived`). */
  passages: Passage[];
  /** Share of the shorter text's content words (distinct per sentence) that its matches share. */
  share: number;
  /** Number of sentences of the shorter text. */
  sentences: number;
}

interface Match {
  k: number;
  j: number;
  c: number;
  dice: number;
}

/** The heaviest (by shared words) chain of matches with k and j both increasing. */
function orderedChain(ms: Match[]): Match[] {
  const n = ms.length;
  const w = new Float64Array(n);
  const prev = new Int32Array(n).fill(-1);
  let top = -1;
  for (let i = 0; i < n; i++) {
    w[i] = ms[i].c;
    for (let h = 0; h < i; h++)
      if (ms[h].j <= ms[i].j && w[h] + ms[i].c > w[i]) {
        w[i] = w[h] + ms[i].c;
        prev[i] = h;
      }
    if (top < 0 || w[i] > w[top]) top = i;
  }
  const out: Match[] = [];
  for (let i = top; i >= 0; i = prev[i]) out.push(ms[i]);
  return out.reverse();
}

function sentenceSets(term: Int32Array, sent: Uint32Array, S: number): Set<number>[] {
  const out: Set<number>[] = [];
  for (let k = 0; k < S; k++) {
    const x = new Set<number>();
    for (let t = sent[k]; t < sent[k + 1]; t++) if (term[t] >= 0) x.add(term[t]);
    out.push(x);
  }
  return out;
}

/** Sentence matches of the shorter of `a` and `b` (in words) against the other. */
export function sentenceMatches(a: SentenceInput, b: SentenceInput): SentenceMatches {
  const pa = prepare(a.text, a.tokens);
  const pb = prepare(b.text, b.tokens);
  const aShorter = a.tokens.length <= b.tokens.length;
  const [ps, pl] = aShorter ? [pa, pb] : [pb, pa];
  const [ts, tl] = aShorter ? [a.tokens, b.tokens] : [b.tokens, a.tokens];
  const short = sentenceSets(ps.term, ps.sent, ps.S);
  const long = sentenceSets(pl.term, pl.sent, pl.S);
  const passages: Passage[] = [];
  const found: Match[] = [];
  let total = 0;
  let shared = 0;
  for (let k = 0; k < short.length; k++) {
    const x = short[k];
    total += x.size;
    if (x.size < SENTENCE_SHARED) continue;
    let best = -1;
    let bestC = 0;
    let bestDice = 0;
    for (let j = 0; j < long.length; j++) {
      const y = long[j];
      let c = 0;
      for (const t of x) if (y.has(t)) c++;
      if (c < SENTENCE_SHARED || c < bestC) continue;
      const dice = (2 * c) / (x.size + y.size);
      if (dice < SENTENCE_DICE) continue;
      if (c > bestC || dice > bestDice) [best, bestC, bestDice] = [j, c, dice];
    }
    if (best < 0) continue;
    found.push({ k, j: best, c: bestC, dice: bestDice });
  }
  // A rewrite follows its source's order: keep the matches in the heaviest chain whose sentences
  // come in the same order in both texts (same-event reports share facts in any order).
  const chain = orderedChain(found);
  for (const { k, j: best, c: bestC, dice: bestDice } of chain) {
    shared += bestC;
    const spanOf = (tokens: Tokens, sent: Uint32Array, s: number): [number, number] => [tokens.starts[sent[s]], tokens.ends[sent[s + 1] - 1]];
    const sSpan = spanOf(ts, ps.sent, k);
    const lSpan = spanOf(tl, pl.sent, best);
    passages.push({
      source: aShorter ? sSpan : lSpan,
      derived: aShorter ? lSpan : sSpan,
      similarity: bestDice,
      kind: 'paraphrase',
    });
  }
  passages.sort((x, y) => x.derived[0] - y.derived[0] || x.source[0] - y.source[0]);
  return { passages, share: total ? shared / total : 0, sentences: ps.S };
}
