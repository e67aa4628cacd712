// How much of a document the passages cover, counted in words outside boilerplate.

import type { Span, Tokens } from '../types.ts';
import { kgramHashes } from '../fingerprint/winnow.ts';

/** First token index whose start is >= pos. */
function lowerBound(starts: Uint32Array, pos: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Which tokens lie inside any of `spans` (1 = covered). */
export function coveredTokens(tokens: Tokens, spans: Span[]): Uint8Array {
  const covered = new Uint8Array(tokens.length);
  for (const [s, e] of spans) {
    for (let t = lowerBound(tokens.starts, s); t < tokens.length && tokens.ends[t] <= e; t++) covered[t] = 1;
  }
  return covered;
}

/** Share (0..1) of the non-boilerplate words of `tokens` that lie inside any of `spans`. */
export function coverage(tokens: Tokens, spans: Span[]): number {
  const total = wordCount(tokens);
  if (total === 0) return 0;
  const covered = coveredTokens(tokens, spans);
  let n = 0;
  for (let i = 0; i < tokens.length; i++) if (covered[i] && !tokens.boiler[i]) n++;
  return n / total;
}

/** Number of non-boilerplate words. */
export function wordCount(tokens: Tokens): number {
  let total = 0;
  for (let i = 0; i < tokens.length; i++) if (!tokens.boiler[i]) total++;
  return total;
}

/** Distinct hashes of the word n-grams of `tokens` that touch no boilerplate. */
function ngramSet(tokens: Tokens, n: number): Set<number> {
  const { hashes, valid } = kgramHashes(tokens, n);
  const out = new Set<number>();
  for (let i = 0; i < hashes.length; i++) if (valid[i]) out.add(hashes[i]);
  return out;
}

/** Distinct word n-grams (outside boilerplate) that two documents share: runs of copied words. */
export function sharedRuns(a: Tokens, b: Tokens, n = 6): number {
  const [small, large] = a.length < b.length ? [a, b] : [b, a];
  const set = ngramSet(small, n);
  let count = 0;
  for (const x of ngramSet(large, n)) if (set.has(x)) count++;
  return count;
}
