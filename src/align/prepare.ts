// Per-document features for the aligner, computed once per Tokens object (WeakMap cache):
// stemmed content-word ids per token, sentences (token ranges), and each sentence's bag of
// terms as sorted (term, count) runs.

import type { Tokens } from '../types.ts';
import { normalizeWord } from '../text/tokens.ts';
import { stem } from '../text/stem.ts';
import { STOPWORD_HASHES } from '../text/stopwords.ts';
import { tokenSentences } from '../text/sentences.ts';

export interface Prepared {
  /** Stem id per token; -1 for stopwords and boilerplate. */
  term: Int32Array;
  /** Sentence k is tokens [sent[k], sent[k+1]). */
  sent: Uint32Array;
  /** Number of sentences. */
  S: number;
  /** Sentence k's distinct terms are sTerm[sOff[k] .. sOff[k+1]) with counts sTf. */
  sOff: Uint32Array;
  sTerm: Int32Array;
  sTf: Uint16Array;
}

// token hash -> stem id (or -1 for a stopword). Shared by all documents; ids are dense so the
// aligner can use typed scratch arrays indexed by term.
const stemIdOfHash = new Map<number, number>();
const stemIdOfString = new Map<string, number>();
let nextStemId = 0;

/** Number of distinct stems seen so far (upper bound of term ids). */
export function termCount(): number {
  return nextStemId;
}

function stemIdFor(text: string, start: number, end: number, hash: number): number {
  let id = stemIdOfHash.get(hash);
  if (id !== undefined) return id;
  if (STOPWORD_HASHES.has(hash)) id = -1;
  else {
    const s = stem(normalizeWord(text.slice(start, end)));
    id = stemIdOfString.get(s);
    if (id === undefined) {
      id = nextStemId++;
      stemIdOfString.set(s, id);
    }
  }
  if (stemIdOfHash.size > 4_000_000) stemIdOfHash.clear(); // bound memory on huge vocabularies
  stemIdOfHash.set(hash, id);
  return id;
}

const cache = new WeakMap<Tokens, Prepared>();

/** Minimum content words per sentence; shorter sentences are joined to the next one. */
const MIN_SENTENCE_TERMS = 3;
/** Longer sentences are broken at line breaks, then into chunks (see tokenSentences). */
const MAX_SENTENCE_WORDS = 25;

export function prepare(text: string, tokens: Tokens): Prepared {
  const hit = cache.get(tokens);
  if (hit) return hit;
  const n = tokens.length;
  const term = new Int32Array(n);
  const { starts, ends, hashes, boiler } = tokens;
  for (let i = 0; i < n; i++) {
    term[i] = boiler[i] ? -1 : stemIdFor(text, starts[i], ends[i], hashes[i]);
  }
  // Sentences, short ones joined to the next.
  const raw = tokenSentences(text, tokens, MAX_SENTENCE_WORDS);
  const sentArr: number[] = [0];
  let content = 0;
  for (let k = 0; k + 1 < raw.length; k++) {
    for (let t = raw[k]; t < raw[k + 1]; t++) if (term[t] >= 0) content++;
    if (content >= MIN_SENTENCE_TERMS) {
      sentArr.push(raw[k + 1]);
      content = 0;
    }
  }
  if (n > 0 && sentArr[sentArr.length - 1] !== n) {
    if (sentArr.length > 1) sentArr[sentArr.length - 1] = n;
    else sentArr.push(n);
  }
  const sent = Uint32Array.from(sentArr);
  const S = sent.length - 1;
  // Bags of terms per sentence: each sentence's terms sorted in place, then run-length coded.
  const sOff = new Uint32Array(S + 1);
  const buf = new Int32Array(n);
  const outTerm = new Int32Array(n);
  const outTf = new Uint16Array(n);
  let w = 0;
  for (let k = 0; k < S; k++) {
    let len = 0;
    for (let t = sent[k]; t < sent[k + 1]; t++) if (term[t] >= 0) buf[len++] = term[t];
    const seg = buf.subarray(0, len).sort();
    for (let i = 0; i < len; ) {
      let j = i + 1;
      while (j < len && seg[j] === seg[i]) j++;
      outTerm[w] = seg[i];
      outTf[w] = Math.min(j - i, 65535);
      w++;
      i = j;
    }
    sOff[k + 1] = w;
  }
  const p: Prepared = {
    term,
    sent,
    S,
    sOff,
    sTerm: outTerm.slice(0, w),
    sTf: outTf.slice(0, w),
  };
  cache.set(tokens, p);
  return p;
}
