// How much of a document the passages cover, counted in words outside boilerplate.

import type { Passage, Span, Tokens } from '../types.ts';
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

/**
 * A passage covers its whole span on both sides only when it is a close match of two stretches
 * of similar length: at least this similarity...
 */
export const CLOSE_SIMILARITY = 0.5;
/** ...and neither side more than this many times longer (in words) than the other. */
export const CLOSE_LENGTH_RATIO = 1.5;

function tokenRange(tokens: Tokens, [s, e]: Span): [number, number] {
  const t0 = lowerBound(tokens.starts, s);
  let t1 = t0;
  while (t1 < tokens.length && tokens.ends[t1] <= e) t1++;
  return [t0, t1];
}

/**
 * Share (0..1) of the non-boilerplate words of one side (`tokens`, spans `side` of each passage)
 * that really correspond to the other side (`other`). A close passage (see CLOSE_SIMILARITY,
 * CLOSE_LENGTH_RATIO) covers its whole span; a loose one (a paraphrase, a summary, a long stretch
 * matched to a short one) covers only the words of its span that occur in its other span, each
 * occurrence there used once, so it never covers more words than the other side has.
 */
export function passageCoverage(tokens: Tokens, other: Tokens, passages: Passage[], side: 'source' | 'derived'): number {
  const total = wordCount(tokens);
  if (total === 0) return 0;
  const otherSide = side === 'source' ? 'derived' : 'source';
  const covered = new Uint8Array(tokens.length);
  for (const p of passages) {
    const [t0, t1] = tokenRange(tokens, p[side]);
    const [o0, o1] = tokenRange(other, p[otherSide]);
    const n = t1 - t0, m = o1 - o0;
    const close = p.similarity >= CLOSE_SIMILARITY && n <= CLOSE_LENGTH_RATIO * m && m <= CLOSE_LENGTH_RATIO * n;
    if (close) {
      covered.fill(1, t0, t1);
      continue;
    }
    const budget = new Map<number, number>();
    for (let j = o0; j < o1; j++) budget.set(other.hashes[j], (budget.get(other.hashes[j]) ?? 0) + 1);
    for (let t = t0; t < t1; t++) {
      const left = budget.get(tokens.hashes[t]);
      if (!left) continue;
      budget.set(tokens.hashes[t], left - 1);
      covered[t] = 1;
    }
  }
  let c = 0;
  for (let i = 0; i < tokens.length; i++) if (covered[i] && !tokens.boiler[i]) c++;
  return c / total;
}
