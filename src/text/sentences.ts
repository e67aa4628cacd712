// Sentence splitting over word tokens, with offsets. A sentence ends after a token when the gap
// before the next token holds a full stop, "!" or "?" followed by white space (not after a
// common abbreviation or a single letter, and not when the next word starts in lower case), a
// CJK full stop, or a blank line. A single line break is not a boundary: hard-wrapped text breaks lines anywhere.

import type { Span, Tokens } from '../types.ts';
import { hashWord } from './tokens.ts';

const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st mt vs etc inc ltd co corp gen gov sen rep rev col lt sgt capt ' +
    'no vol fig jan feb mar apr jun jul aug sep sept oct nov dec approx dept est univ'
  )
    .split(' ')
    .map(hashWord),
);

function isUpperOrDigit(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c > 127;
}

/**
 * Sentence starts as token indices: `b[k]` is the first token of sentence k, and the last entry
 * equals `tokens.length` (so sentence k is tokens [b[k], b[k+1])). Empty text gives [0].
 */
export function tokenSentences(text: string, tokens: Tokens, maxWords = Infinity): Uint32Array {
  const n = tokens.length;
  const out: number[] = [0];
  const { starts, ends, hashes } = tokens;
  for (let t = 0; t + 1 < n; t++) {
    const gs = ends[t];
    const ge = starts[t + 1];
    if (ge - gs < 1) continue;
    let stop = false; // sentence punctuation seen
    let stopThenSpace = false;
    let newlines = 0;
    for (let i = gs; i < ge; i++) {
      const c = text.charCodeAt(i);
      if (c === 46 || c === 33 || c === 63) stop = true; // . ! ?
      else if (c === 10) {
        newlines++;
        if (stop) stopThenSpace = true;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xa0) {
        if (stop) stopThenSpace = true;
      } else if (c === 0x2026) stop = true; // ellipsis
      else if (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff0e) {
        stop = true; // CJK full stops need no space after them
        stopThenSpace = true;
      }
    }
    let boundary = false;
    if (newlines >= 2) {
      // A blank line: paragraph end, unless it only separates a few spaces inside a sentence.
      boundary = true;
    } else if (stopThenSpace) {
      const next = text.charCodeAt(ge);
      const prevLen = ends[t] - starts[t];
      if (!isUpperOrDigit(next) && newlines === 0) boundary = false;
      else if (text.charCodeAt(gs) === 46 && (prevLen === 1 || ABBREVIATIONS.has(hashes[t])))
        boundary = false; // "J. Smith", "Dr. Who"
      else boundary = true;
    }
    if (boundary) out.push(t + 1);
  }
  if (n > 0) out.push(n);
  if (maxWords < Infinity) return Uint32Array.from(splitLong(text, tokens, out, maxWords));
  return Uint32Array.from(out);
}

/**
 * Break sentences longer than `maxWords` words: first at line breaks followed by a capital or a
 * digit (lists, headings, table rows written without punctuation), then into even chunks.
 */
function splitLong(text: string, tokens: Tokens, b: number[], maxWords: number): number[] {
  const out: number[] = [0];
  const { starts, ends } = tokens;
  for (let k = 0; k + 1 < b.length; k++) {
    const s0 = b[k], s1 = b[k + 1];
    if (s1 - s0 > maxWords) {
      let last = s0;
      for (let t = s0; t + 1 < s1; t++) {
        if (t + 1 - last < 4 || s1 - (t + 1) < 4) continue;
        let nl = false;
        for (let i = ends[t]; i < starts[t + 1]; i++) if (text.charCodeAt(i) === 10) nl = true;
        if (nl && isUpperOrDigit(text.charCodeAt(starts[t + 1]))) {
          pushChunks(out, last, t + 1, maxWords);
          last = t + 1;
        }
      }
      pushChunks(out, last, s1, maxWords);
    } else out.push(s1);
  }
  return out;
}

function pushChunks(out: number[], s0: number, s1: number, maxWords: number): void {
  const len = s1 - s0;
  if (len > 2 * maxWords) {
    const pieces = Math.ceil(len / maxWords);
    for (let p = 1; p < pieces; p++) out.push(s0 + Math.round((p * len) / pieces));
  }
  out.push(s1);
}

/** Sentence spans (UTF-16 indices into `text`), from the first to the last word of each. */
export function sentenceSpans(text: string, tokens: Tokens): Span[] {
  const b = tokenSentences(text, tokens);
  const spans: Span[] = [];
  for (let k = 0; k + 1 < b.length; k++) {
    spans.push([tokens.starts[b[k]], tokens.ends[b[k + 1] - 1]]);
  }
  return spans;
}
