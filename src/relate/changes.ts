// What changed between a source and a copy: altered, truncated, dropped and new quotes, changed
// speakers, facts and claims, dropped attribution, added framing.
//
// Pure functions over two documents (clean text and tokens) and the passages already aligned
// between them: nothing is re-aligned. Quotes are found in each text once and matched by their
// words; facts and claims are read from the passages' word-level edits; framing is the copy's
// text outside every passage. Spans are UTF-16 indices into each Doc.text, like passages; the
// report maps them to code points of the original texts.

import type { Change, ChangeKind, Doc, Edit, Passage, Span, Tokens, WordChange } from '../types.ts';
import { diffTokens } from '../align/diff.ts';
import { hashWord } from '../text/tokens.ts';
import { STOPWORDS } from '../text/stopwords.ts';
import { citations, type Citation } from './direction.ts';

export type { Change, ChangeKind, WordChange } from '../types.ts';

/** Most important first: the order of a pair's changes and of the summary line. */
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'speaker changed',
  'quote altered',
  'fact changed',
  'claim changed',
  'quote truncated',
  'quote dropped',
  'attribution dropped',
  'new quote',
  'quote punctuation',
  'framing added',
];

/** What the analysis needs of one side. */
export interface ChangeDoc {
  doc: Doc;
  tokens: Tokens;
}

/** A quotation found in a text. */
export interface Quote {
  /** The opening and closing marks, [open, close + 1). */
  span: Span;
  /** The quoted words, without the marks. */
  inner: Span;
  /** Token range of the quoted words. */
  t0: number;
  t1: number;
  speaker?: string;
  /** Mostly in boilerplate. */
  boiler?: boolean;
  /** The quoted words' hashes, sorted (for matching; made on first use). */
  sorted?: Uint32Array;
  /** A key equal for quotes holding the same words in any order (made on first use). */
  bag?: number;
}

export interface ChangeAnalysis {
  changes: Change[];
  /** Quotes of each side matched on the other (inner spans): where a quote is held. */
  heldSource: Span[];
  heldDerived: Span[];
}

const MAX_QUOTE = 3000;
const MAX_QUOTES = 300;
const SNIPPET = 70;

// ---------------------------------------------------------------------------------------------
// Quotes

const WS = /\s/;
const LETTER = /[\p{L}\p{N}]/u;
const isWs = (c: string | undefined) => c === undefined || c === ' ' || c === '\n' || WS.test(c);
const isLetter = (c: string | undefined) => c !== undefined && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (c > '\x7f' && LETTER.test(c)) || (c >= '0' && c <= '9'));

const SPEECH = String.raw`(?:said|says|wrote|writes|added|adds|told|tells|stated|states|explained|insisted|warned|argued|declared|noted|claimed|asked|replied|continued|emphasized|emphasised|confirmed|announced|tweeted|posted)`;
const AFTER_VERB_FIRST = new RegExp(String.raw`^[ \t]*[,.!?]?[ \t]*` + SPEECH + String.raw`\s+((?:the |a |an |another )?[^,.;:!?\n“”"]{2,60}?)\s*(?=[,.;:!?\n“”"]|$)`);
const AFTER_NAME_FIRST = new RegExp(String.raw`^[ \t]*[,.!?]?[ \t]*((?:[Tt]he |[Aa] |[Aa]n |[Aa]nother )?[^,.;:!?\n“”"]{1,60}?)\s+` + SPEECH + String.raw`\b`);
const AFTER_ACCORDING = /^[ \t]*[,.!?]?[ \t]*according to\s+([^,.;:!?\n“”"]{2,60})/;
const BEFORE = new RegExp(
  String.raw`((?:[A-Z][\w.'’-]*)(?:\s+(?:[A-Z][\w.'’-]*|of|de|van|von))*|(?:[Tt]he|[Aa]n?|[Aa]nother)\s+[\w’'-]+(?:\s+[\w’'-]+){0,4}?)\s+` +
    SPEECH +
    String.raw`\b[^.!?“”"\n]{0,200}?[,:.]?\s*$`,
);
const SPEECH_WORD = new RegExp(String.raw`\s` + SPEECH + String.raw`\b`);
const PRONOUN = /^(?:he|she|they|it|we|i|you|this|that|there)$/i;

function speakerAround(text: string, q: Span): string | undefined {
  const after = text.slice(q[1], q[1] + 120);
  // a speaker named after the quote when the quote ends the way attributed speech does
  // (“...,” said X; “...?” X asked), not when it ends a sentence (“....” The next one)
  const last = text.slice(q[0], q[1] - 1).trimEnd().slice(-1);
  let m = AFTER_ACCORDING.exec(after);
  if (m && !PRONOUN.test(m[1].trim())) return tidySpeaker(m[1]);
  if (/[,?!—–-]/.test(last) || /^[ \t]*[,—–-]/.test(after)) {
    m = AFTER_VERB_FIRST.exec(after);
    if (m && !PRONOUN.test(m[1].trim())) return tidySpeaker(m[1]);
    m = AFTER_NAME_FIRST.exec(after);
    if (m && !PRONOUN.test(m[1].trim()) && /^(?:[A-Z]|the |a |an |another )/i.test(m[1]) && m[1].split(/\s+/).length <= 7) return tidySpeaker(m[1]);
  }
  // before the opening mark: "X said, “...", "X said: “...", "X said. “...", or a paragraph
  // "A spokesperson told Fox News" (no full stop) before a quoted paragraph
  let from = Math.max(0, q[0] - 240);
  let before = text.slice(from, q[0]);
  if (/\n\s*$/.test(before)) {
    const t = before.trimEnd();
    if (/[.!?”"]$/.test(t)) return undefined;
    before = t + ' ';
  }
  // only the sentence the quote opens in (or the one just before, ending in "X said.")
  const lastStop = Math.max(before.lastIndexOf('. ', before.length - 3), before.lastIndexOf('\n', before.length - 2));
  from = lastStop >= 0 ? lastStop + 1 : 0;
  // BEFORE needs a speech verb after white space: a plain test first spares its backtracking
  const tail = before.slice(from);
  if (!SPEECH_WORD.test(tail)) return undefined;
  m = BEFORE.exec(tail);
  if (m && !PRONOUN.test(m[1].trim()) && !/^(?:The|A|An|In|On|At|But|And|If|When)$/.test(m[1])) return tidySpeaker(m[1]);
  return undefined;
}

function tidySpeaker(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\s,.;:]+$/, '').trim();
}

/**
 * Quotations in a text: curly, straight or guillemet double quotes, and ‘single’ quotes; a
 * quote may run over line breaks, and over paragraphs when each paragraph reopens it.
 */
export function findQuotes(text: string, tokens: Tokens): Quote[] {
  const out: Quote[] = [];
  const n = text.length;
  let i = 0;
  const MARK = /[“„«‟"‘]/g;
  const STOP_CHARS = /[”»"’“„\n]/g;
  while (i < n && out.length < MAX_QUOTES) {
    MARK.lastIndex = i;
    const found = MARK.exec(text);
    if (!found) break;
    i = found.index;
    const c = text[i];
    let single = false;
    if (c === '“' || c === '„' || c === '«' || c === '‟') {
      // an opening mark
    } else if (c === '"') {
      if (!(isWs(text[i - 1]) || /[(\[{—–-]/.test(text[i - 1])) || isWs(text[i + 1])) {
        i++;
        continue;
      }
    } else if (c === '‘') {
      if (isLetter(text[i - 1]) || !isLetter(text[i + 1])) {
        i++;
        continue;
      }
      single = true;
    } else {
      i++;
      continue;
    }
    let j = i + 1;
    let close = -1;
    const limit = Math.min(n, i + MAX_QUOTE);
    while (j < limit) {
      // jump to the next character that can close, reopen or break the quote
      STOP_CHARS.lastIndex = j;
      const next = STOP_CHARS.exec(text);
      if (!next || next.index >= limit) {
        j = limit;
        break;
      }
      j = next.index;
      const d = text[j];
      if (d === '”' || d === '»' || (d === '"' && !isWs(text[j - 1]))) {
        close = j;
        break;
      }
      if (single && d === '’' && !isLetter(text[j + 1])) {
        close = j;
        break;
      }
      if (d === '“' || d === '„' || (d === '"' && isWs(text[j - 1]))) break; // another opening: this one is unclosed
      if (d === '\n') {
        // a blank line ends the quote unless the next paragraph reopens it
        let k = j + 1;
        while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
        if (text[k] === '\n') {
          while (k < n && /\s/.test(text[k])) k++;
          if (text[k] === '“' || text[k] === '"' || text[k] === '«') {
            j = k + 1;
            continue;
          }
          break;
        }
      }
      j++;
    }
    if (close < 0) {
      i = j > i + 1 && (text[j] === '“' || text[j] === '"') ? j : i + 1;
      continue;
    }
    let s = i + 1;
    let e = close;
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    const [t0, t1] = tokenRange(tokens, s, e);
    let boiler = 0;
    for (let t = t0; t < t1; t++) boiler += tokens.boiler[t];
    if (t1 > t0) {
      const q: Quote = { span: [i, close + 1], inner: [s, e], t0, t1 };
      // quotes in boilerplate (a sidebar's headlines) are matched but never reported as new or dropped
      if (boiler * 2 >= t1 - t0) q.boiler = true;
      let sp = speakerAround(text, q.span);
      // a second quote right after the first one's attribution (“…,” said X. “…”) is X's too
      const prev = out[out.length - 1];
      if (!sp && prev?.speaker && i - prev.span[1] <= 100 && !text.slice(prev.span[1], i).includes('\n')) sp = prev.speaker;
      if (sp) q.speaker = sp;
      out.push(q);
    }
    i = close + 1;
  }
  return out;
}

/** First token starting at or after `pos`. */
function lowerToken(t: Tokens, pos: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.starts[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Tokens lying inside [s, e). */
function tokenRange(t: Tokens, s: number, e: number): [number, number] {
  const t0 = lowerToken(t, s);
  let t1 = t0;
  while (t1 < t.length && t.ends[t1] <= e) t1++;
  return [t0, t1];
}

// ---------------------------------------------------------------------------------------------
// Word lists

const NEGATIONS = new Set(
  'not no never none nobody nothing neither nor cannot cant dont doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt hasnt havent hadnt mustnt without'
    .split(' ')
    .map(hashWord),
);
// "n't" tokenizes as part of its word (apostrophes dropped): "don't" -> "dont".
/** Modal auxiliaries and hedges: each its own class. */
const MODALS = new Map<number, string>();
for (const w of 'may might can could must should shall ought likely unlikely possibly probably reportedly allegedly'.split(' ')) MODALS.set(hashWord(w), w);
/** Directive verbs by strength: advice is not an order (a class counts only against another class). */
const DIRECTIVES = new Map<number, string>();
for (const [cls, ws] of [
  ['advice', 'advise advised advises advising recommend recommended recommends suggest suggested suggests urge urged urges encourage encouraged encourages'],
  ['order', 'instruct instructs instructed order orders ordered require requires required direct directs directed command commanded'],
  ['ban', 'ban bans banned forbid forbids forbade prohibit prohibits prohibited'],
  ['permission', 'allow allows allowed permit permits permitted'],
] as const)
  for (const w of ws.split(' ')) DIRECTIVES.set(hashWord(w), cls);
/** Edits longer than this (words on either side) are rewrites, too coarse for facts and claims. */
const MAX_EDIT_WORDS = 15;
const STOP = new Set(STOPWORDS.map(hashWord));
const MONTHS = /^(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;
const NUMBER_WORDS = /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|half|first|second|third)$/i;

/** Facts in a stretch of text: numbers, amounts, dates and names. */
function factsOf(text: string, span: Span, sentenceStart: (pos: number) => boolean): string[] {
  const out: string[] = [];
  const s = text.slice(span[0], span[1]);
  const re = /[$€£¥]?\d[\d,.:/]*(?:\s?(?:%|percent|per cent|million|billion|bn|m|k))?|[\p{L}][\p{L}\p{M}'’.-]*/gu;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const w = m[0].replace(/[.,:]+$/, '');
    if (/\d/.test(w)) out.push(w);
    else if (MONTHS.test(w) || NUMBER_WORDS.test(w)) out.push(w.toLowerCase());
    else if (/^\p{Lu}/u.test(w) && !STOP.has(hashWord(w)) && !sentenceStart(span[0] + m.index)) out.push(w);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

// Helpers of analyzeChanges at module level: tsx names every function it creates, and closures
// made once per sentence cost more than their work.

function negOf(t: Tokens, sp: Span): number {
  let c = 0;
  const [a0, a1] = tokenRange(t, sp[0], sp[1]);
  for (let i = a0; i < a1; i++) if (NEGATIONS.has(t.hashes[i])) c++;
  return c;
}

/** Negations, modals and directive verbs ("class\0word") in a span. */
function markers(text: string, t: Tokens, sp: Span, mods: string[], dirs: string[]): { neg: number; hit: boolean } {
  let neg = 0;
  let hit = false;
  const [a0, a1] = tokenRange(t, sp[0], sp[1]);
  for (let i = a0; i < a1; i++) {
    const h = t.hashes[i];
    if (NEGATIONS.has(h)) (neg++, (hit = true));
    const m = MODALS.get(h);
    if (m) (mods.push(m), (hit = true));
    const d = DIRECTIVES.get(h);
    if (d) (dirs.push(d + '\u0000' + text.slice(t.starts[i], t.ends[i])), (hit = true));
  }
  return { neg, hit };
}

function cls(xs: string[]): string {
  return xs.map((x) => x.split('\u0000')[0]).sort().join(' ');
}

function words(t: Tokens, sp: Span): number {
  const [a0, a1] = tokenRange(t, sp[0], sp[1]);
  return a1 - a0;
}

/** Every word of the span outside stopwords is capitalised or a number (a name, a date). */
function namesOnly(text: string, span: Span, t: Tokens): boolean {
  const [a0, a1] = tokenRange(t, span[0], span[1]);
  let n = 0;
  for (let i = a0; i < a1; i++) {
    if (STOP.has(t.hashes[i])) continue;
    n++;
    const c = text[t.starts[i]];
    if (!/[\p{Lu}\d]/u.test(c)) return false;
  }
  return n > 0 && a1 - a0 <= 4;
}

function norm(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[‘’‚‛′`´]/g, "'")
    .replace(/[“”„‟″«»]/g, '"')
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/…/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
}

/** White space other than single spaces (what `replace(/\s+/g, ' ')` would change). */
const ODD_SPACE = /[^\S ]| {2}/;

function short(s: string, max = SNIPPET): string {
  const head = s.length > 4 * max ? s.slice(0, 4 * max) : s;
  const t = (ODD_SPACE.test(head) ? head.replace(/\s+/g, ' ') : head).trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1).replace(/\s+\S*$/, '');
  return cut + '…';
}

/** "…context…" around [s, e) in text, a few words either side. */
function around(text: string, s: number, e: number, bound: Span, words = 2): string {
  let a = s;
  for (let k = 0; k <= words && a > bound[0]; ) {
    a--;
    if (/\s/.test(text[a]) && !/\s/.test(text[a + 1])) k++;
  }
  if (a > bound[0]) a++;
  let b = e;
  for (let k = 0; k <= words && b < bound[1]; ) {
    if (/\s/.test(text[b]) && !/\s/.test(text[b - 1] ?? '')) k++;
    if (k <= words) b++;
  }
  let out = text.slice(a, b).replace(/\s+/g, ' ').trim();
  if (out.length > SNIPPET * 2) out = short(out, SNIPPET * 2);
  return (a > bound[0] ? '…' : '') + out + (b < bound[1] ? '…' : '');
}

const q = (s: string) => `"${s}"`;

/** The position in `text` where the sentence holding `pos` starts. */
function sentenceStartOf(text: string, pos: number, floor = 0): number {
  for (let i = pos - 1; i > floor; i--) {
    const c = text[i];
    if (c === '\n') return i + 1;
    if ((c === '.' || c === '!' || c === '?') && /\s/.test(text[i + 1] ?? ' ')) return i + 1;
  }
  return floor;
}

function sentenceEndOf(text: string, pos: number, ceil = text.length): number {
  for (let i = pos; i < ceil; i++) {
    const c = text[i];
    if (c === '\n') return i;
    if ((c === '.' || c === '!' || c === '?') && /\s/.test(text[i + 1] ?? ' ')) return i + 1;
  }
  return ceil;
}

function isSentenceStart(text: string, pos: number): boolean {
  for (let i = pos - 1; i >= 0; i--) {
    const c = text[i];
    if (/\s/.test(c) || c === '"' || c === '“' || c === '‘' || c === '(' || c === '–' || c === '—' || c === '-') continue;
    return c === '.' || c === '!' || c === '?' || c === ':' || c === '|';
  }
  return true;
}

function overlaps(a: Span, b: Span): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

function inside(x: Span, spans: Span[]): boolean {
  return spans.some((s) => s[0] <= x[0] && x[1] <= s[1]);
}

/** Matched token pairs of a passage, rebuilt from its edits (null for a paraphrase without). */
function matchedTokens(p: Passage, st: Tokens, dt: Tokens): { ma: number[]; mb: number[] } | null {
  if (p.kind === 'paraphrase') return null;
  const [a0, a1] = tokenRange(st, p.source[0], p.source[1]);
  const [b0, b1] = tokenRange(dt, p.derived[0], p.derived[1]);
  const edits = p.edits ?? [];
  // edits come in text order on both sides: one walk each
  const outside = (t: Tokens, i0: number, i1: number, side: 'source' | 'derived') => {
    const out: number[] = [];
    let k = 0;
    for (let i = i0; i < i1; i++) {
      while (k < edits.length && (edits[k][side][1] <= edits[k][side][0] || edits[k][side][1] <= t.starts[i])) k++;
      const e = edits[k];
      if (e && t.starts[i] >= e[side][0] && t.ends[i] <= e[side][1]) continue;
      out.push(i);
    }
    return out;
  };
  const ma = outside(st, a0, a1, 'source');
  const mb = outside(dt, b0, b1, 'derived');
  if (ma.length !== mb.length) return null;
  return { ma, mb };
}

/** Position in the derived text matching source position `pos` inside a passage. */
function mapPos(pos: number, m: { ma: number[]; mb: number[] }, st: Tokens, dt: Tokens, p: Passage): number {
  if (!m.ma.length) return p.derived[0];
  let lo = 0;
  let hi = m.ma.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (st.starts[m.ma[mid]] <= pos) lo = mid + 1;
    else hi = mid;
  }
  const k = Math.max(0, lo - 1);
  return lo === 0 ? dt.starts[m.mb[0]] : dt.ends[m.mb[k]];
}

// ---------------------------------------------------------------------------------------------
// Quote matching

interface QuoteMatch {
  s: Quote;
  d: Quote;
}

/** Words two sorted hash lists have in common (as multisets). */
function bagCommon(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let c = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) (c++, i++, j++);
    else if (a[i] < b[j]) i++;
    else j++;
  }
  return c;
}

function sortedOf(q: Quote, t: Tokens): Uint32Array {
  return (q.sorted ??= t.hashes.slice(q.t0, q.t1).sort());
}

/** Words and length folded into one number: equal for quotes with the same words in any order. */
function bagOf(q: Quote, t: Tokens): number {
  if (q.bag !== undefined) return q.bag;
  let x = 0;
  for (let k = q.t0; k < q.t1; k++) {
    const h = t.hashes[k];
    x = (x + Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)) >>> 0;
  }
  return (q.bag = x + (q.t1 - q.t0) * 4294967296);
}

/** The same words in any order (a bag key collision is told apart here). */
function sameBag(a: Quote, st: Tokens, b: Quote, dt: Tokens): boolean {
  const n = a.t1 - a.t0;
  if (n !== b.t1 - b.t0) return false;
  let k = 0;
  while (k < n && st.hashes[a.t0 + k] === dt.hashes[b.t0 + k]) k++;
  if (k === n) return true;
  const x = sortedOf(a, st);
  const y = sortedOf(b, dt);
  for (k = 0; k < n; k++) if (x[k] !== y[k]) return false;
  return true;
}

/**
 * Pair each source quote with the derived quote holding most of its words (Dice of the word
 * bags >= 0.5, or 80% of the shorter one), best pairs first, each quote in one pair at most.
 */
function matchQuotes(sq: Quote[], dq: Quote[], st: Tokens, dt: Tokens): QuoteMatch[] {
  const usedS = new Uint8Array(sq.length);
  const usedD = new Uint8Array(dq.length);
  const out: QuoteMatch[] = [];
  // Quotes with the same words (the usual case: copied verbatim) have Dice 1, ahead of every
  // other candidate, so they are paired first (longest first) with a hash lookup; only the
  // quotes left are compared all against all.
  const byBag = new Map<number, number[]>();
  for (let j = 0; j < dq.length; j++) {
    const k = bagOf(dq[j], dt);
    const l = byBag.get(k);
    if (l) l.push(j);
    else byBag.set(k, [j]);
  }
  const same: { i: number; j: number; n: number }[] = [];
  for (let i = 0; i < sq.length; i++) {
    const l = byBag.get(bagOf(sq[i], st));
    if (l) for (const j of l) if (sameBag(sq[i], st, dq[j], dt)) same.push({ i, j, n: sq[i].t1 - sq[i].t0 });
  }
  same.sort((x, y) => y.n - x.n);
  for (const c of same) {
    if (usedS[c.i] || usedD[c.j]) continue;
    usedS[c.i] = usedD[c.j] = 1;
    out.push({ s: sq[c.i], d: dq[c.j] });
  }
  const cand: { i: number; j: number; score: number }[] = [];
  for (let i = 0; i < sq.length; i++) {
    if (usedS[i]) continue;
    const a = sortedOf(sq[i], st);
    for (let j = 0; j < dq.length; j++) {
      if (usedD[j]) continue;
      const b = sortedOf(dq[j], dt);
      // lengths alone can rule a match out
      const lo = Math.min(a.length, b.length);
      const hi = Math.max(a.length, b.length);
      if ((2 * lo) / (lo + hi) < 0.5 && (lo < 4 || lo / hi < 0.05)) continue;
      const c = bagCommon(a, b);
      const dice = (2 * c) / (a.length + b.length);
      if (dice >= 0.5 || (lo >= 4 && c / lo >= 0.8)) cand.push({ i, j, score: dice + c / 1e6 });
    }
  }
  cand.sort((x, y) => y.score - x.score);
  for (const c of cand) {
    if (usedS[c.i] || usedD[c.j]) continue;
    usedS[c.i] = usedD[c.j] = 1;
    out.push({ s: sq[c.i], d: dq[c.j] });
  }
  return out;
}

/** Two names for the same speaker? ("Lightfoot", "Mayor Lori Lightfoot") */
export function sameSpeaker(a: string, b: string): boolean {
  const words = (s: string) =>
    s
      .replace(/^(?:the|a|an|another)\s+/i, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  const names = (s: string) => words(s).filter((w) => /^\p{Lu}/u.test(w)).map((w) => w.toLowerCase().replace(/[.'’]+$/, ''));
  const na = names(a);
  const nb = names(b);
  // the same family name ("Lightfoot", "Mayor Lori Lightfoot"), or one's names all in the other's
  if (na.length && nb.length) return na[na.length - 1] === nb[nb.length - 1] || na.every((w) => nb.includes(w)) || nb.every((w) => na.includes(w));
  const wa = words(a).map((w) => w.toLowerCase());
  const wb = words(b).map((w) => w.toLowerCase());
  const [x, y] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  return x.every((w) => y.includes(w));
}

// ---------------------------------------------------------------------------------------------
// The analysis

/** Quotes of a document, cached by the caller per document where it analyses many pairs. */
export type QuoteCache = (side: ChangeDoc) => Quote[];

/**
 * What is found in a document's text once, kept by document id (with its text, to be sure) for
 * the most recent `max` documents: at scale a document is in many pairs, chunk after chunk, and
 * the engine reads it back from the store as a new object each time it left its cache.
 */
class PerText<T> {
  private readonly m = new Map<string, { text: string; value: T }>();
  constructor(private readonly max: number) {}
  get(doc: Doc, make: () => T): T {
    const e = this.m.get(doc.id);
    if (e && e.text === doc.text) return e.value;
    const value = make();
    this.m.delete(doc.id);
    this.m.set(doc.id, { text: doc.text, value });
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
    return value;
  }
}

/** Quotes of each document seen. */
const QUOTES = new PerText<Quote[]>(1 << 12);

export function quoteCache(): QuoteCache {
  const m = QUOTES;
  return (side) => m.get(side.doc, () => findQuotes(side.doc.text, side.tokens));
}

const ELLIPSIS = /…|\.\s?\.\s?\./;

/**
 * The changes a copy made to what it took from its source. `passages` have the source's spans
 * in `source` (as in a Pair). Most important first.
 */
export function analyzeChanges(source: ChangeDoc, derived: ChangeDoc, passages: Passage[], quotes: QuoteCache = quoteCache(), sourceCites?: Citation[]): ChangeAnalysis {
  const changes: Change[] = [];
  const heldSource: Span[] = [];
  const heldDerived: Span[] = [];
  if (!passages.length) return { changes, heldSource, heldDerived };
  const S = source.doc.text;
  const D = derived.doc.text;
  const st = source.tokens;
  const dt = derived.tokens;
  const sq = quotes(source);
  // The same text (a duplicate, common in syndication and crawls): nothing changed, and every
  // quote is held on both sides. Skipping the comparison matters at scale.
  const dq = S === D ? sq : quotes(derived);
  if (S === D) {
    for (const q of sq) heldSource.push(q.inner);
    for (const q of dq) heldDerived.push(q.inner);
    return { changes, heldSource, heldDerived };
  }

  // --- quotes
  const matches = matchQuotes(sq, dq, st, dt);
  const matchedS = new Set(matches.map((m) => m.s));
  const matchedD = new Set(matches.map((m) => m.d));
  const quoteSpansS: Span[] = [];
  const quoteSpansD: Span[] = [];
  for (const { s, d } of matches) {
    heldSource.push(s.inner);
    heldDerived.push(d.inner);
    quoteSpansS.push(s.span);
    quoteSpansD.push(d.span);
    const who = s.speaker ?? d.speaker;
    const of = who ? ` of ${who}` : '';
    // the same words (the usual case) need no diff
    let same = s.t1 - s.t0 === d.t1 - d.t0;
    for (let k = 0; same && k < s.t1 - s.t0; k++) same = st.hashes[s.t0 + k] === dt.hashes[d.t0 + k];
    const r = same ? null : diffTokens(st.hashes, s.t0, s.t1, dt.hashes, d.t0, d.t1, s.t1 - s.t0 + d.t1 - d.t0);
    const words: WordChange[] = [];
    if (r) {
      const { ma, mb } = r;
      for (let k = -1; k < ma.length; k++) {
        const xa = k < 0 ? s.t0 - 1 : ma[k];
        const ya = k + 1 < ma.length ? ma[k + 1] : s.t1;
        const xb = k < 0 ? d.t0 - 1 : mb[k];
        const yb = k + 1 < mb.length ? mb[k + 1] : d.t1;
        const ga = ya - xa - 1;
        const gb = yb - xb - 1;
        if (ga <= 0 && gb <= 0) continue;
        const pa = xa >= s.t0 ? st.ends[xa] : s.inner[0];
        const pb = xb >= d.t0 ? dt.ends[xb] : d.inner[0];
        words.push({
          op: ga > 0 && gb > 0 ? 'replace' : ga > 0 ? 'delete' : 'insert',
          source: ga > 0 ? [st.starts[xa + 1], st.ends[ya - 1]] : [pa, pa],
          derived: gb > 0 ? [dt.starts[xb + 1], dt.ends[yb - 1]] : [pb, pb],
        });
      }
    }
    const before = S.slice(s.inner[0], s.inner[1]);
    const after = D.slice(d.inner[0], d.inner[1]);
    if (!words.length) {
      if (before !== after && norm(before) !== norm(after)) {
        // same words: punctuation or case only
        const a = norm(before);
        const b = norm(after);
        let p = 0;
        while (p < a.length && p < b.length && a[p] === b[p]) p++;
        let e = 0;
        while (e < a.length - p && e < b.length - p && a[a.length - 1 - e] === b[b.length - 1 - e]) e++;
        const ctx = (x: string) => {
          let from = Math.max(0, p - 14);
          while (from > 0 && x[from - 1] !== ' ') from--;
          let to = Math.min(x.length, x.length - e + 14);
          while (to < x.length && x[to] !== ' ') to++;
          return (from > 0 ? '…' : '') + x.slice(from, to) + (to < x.length ? '…' : '');
        };
        changes.push({
          kind: 'quote punctuation',
          source: s.inner,
          derived: d.inner,
          explanation: `changes only punctuation or case in a quote${of}: ${q(ctx(a))} → ${q(ctx(b))}`,
          before: short(before),
          after: short(after),
          ...(who ? { speaker: who } : {}),
        });
      }
    } else {
      let negS = 0;
      let negD = 0;
      for (const w of words) {
        negS += negOf(st, w.source);
        negD += negOf(dt, w.derived);
      }
      const negation = negS % 2 !== negD % 2;
      const onlyDeletes = words.every((w) => w.op === 'delete');
      const atEnds = words.every((w) => w.source[0] <= s.inner[0] || w.source[1] >= st.ends[s.t1 - 1] || w.source[0] === st.starts[s.t0]);
      const first = words.find((w) => w.op !== 'delete' || !onlyDeletes) ?? words[0];
      const shown = `${q(around(S, first.source[0], first.source[1], s.inner))} → ${q(around(D, first.derived[0], first.derived[1], d.inner))}`;
      if (onlyDeletes && (atEnds || ELLIPSIS.test(after))) {
        const cut = words.reduce((n, w) => n + tokenRange(st, w.source[0], w.source[1])[1] - tokenRange(st, w.source[0], w.source[1])[0], 0);
        changes.push({
          kind: 'quote truncated',
          source: s.inner,
          derived: d.inner,
          explanation: `shortens a quote${of}, ${cut} of its ${s.t1 - s.t0} words left out: ${q(short(before))} → ${q(short(after))}`,
          before: short(before),
          after: short(after),
          words,
          ...(who ? { speaker: who } : {}),
        });
      } else {
        const what: string[] = words.map((w) => w.op === 'insert' ? 'words added' : w.op === 'delete' ? 'words removed' : 'words replaced').filter((x, i, a) => a.indexOf(x) === i);
        if (negation) what.unshift('negation flipped');
        changes.push({
          kind: 'quote altered',
          source: s.inner,
          derived: d.inner,
          explanation: `changes a quote${of}: ${shown} (${what.join(', ')})`,
          before: short(before),
          after: short(after),
          words,
          negation,
          ...(who ? { speaker: who } : {}),
        });
      }
    }
    if (s.speaker && d.speaker && !sameSpeaker(s.speaker, d.speaker)) {
      changes.push({
        kind: 'speaker changed',
        source: s.inner,
        derived: d.inner,
        explanation: `attributes a quote of ${s.speaker} to ${d.speaker}: ${q(short(after, 50))}`,
        before: short(before),
        after: short(after),
        speaker: s.speaker,
        newSpeaker: d.speaker,
      });
    }
  }
  // source quotes in the reused stretch that the copy left out
  const srcHull: Span = [Math.min(...passages.map((p) => p.source[0])), Math.max(...passages.map((p) => p.source[1]))];
  for (const s of sq) {
    if (matchedS.has(s) || s.boiler) continue;
    const touched = passages.some((p) => overlaps(p.source, s.span));
    if (!touched && !(s.span[0] >= srcHull[0] && s.span[1] <= srcHull[1])) continue;
    const who = s.speaker ? ` of ${s.speaker}` : '';
    changes.push({
      kind: 'quote dropped',
      source: s.inner,
      derived: null,
      explanation: `leaves out a quote${who}: ${q(short(S.slice(s.inner[0], s.inner[1])))}`,
      before: short(S.slice(s.inner[0], s.inner[1])),
      ...(s.speaker ? { speaker: s.speaker } : {}),
    });
  }
  for (const d of dq) {
    if (matchedD.has(d) || d.boiler) continue;
    const who = d.speaker ? ` of ${d.speaker}` : '';
    const text = D.slice(d.inner[0], d.inner[1]);
    changes.push({
      kind: 'new quote',
      source: null,
      derived: d.inner,
      explanation: `adds a quote${who} that the source lacks: ${q(short(text))}`,
      after: short(text),
      ...(d.speaker ? { speaker: d.speaker } : {}),
    });
  }

  // --- facts and claims, from the passages' word-level edits (outside matched quotes)
  const newSpeakers = changes.filter((c) => c.kind === 'speaker changed').map((c) => norm(c.newSpeaker!));
  for (const p of passages) {
    if (!p.edits?.length || p.kind === 'paraphrase') continue;
    const groups = new Map<number, Edit[]>();
    for (const e of p.edits) {
      if (inside(e.source, quoteSpansS) || inside(e.derived, quoteSpansD)) continue;
      const ns = words(st, e.source);
      const nd = words(dt, e.derived);
      if (ns > MAX_EDIT_WORDS || nd > MAX_EDIT_WORDS) continue;
      const key = sentenceStartOf(S, Math.max(e.source[0], p.source[0]), 0);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(e);
      if (e.op !== 'replace') continue;
      const fs = factsOf(S, e.source, (x) => isSentenceStart(S, x));
      const fd = factsOf(D, e.derived, (x) => isSentenceStart(D, x));
      if (!fs.length || !fd.length) continue;
      const figures = fs.some((x) => /\d/.test(x)) || fd.some((x) => /\d/.test(x));
      // names only where the edit is a name for a name ("Rahm Emanuel" -> "Lori Lightfoot"),
      // not a rephrasing that happens to hold one
      if (!figures && !(namesOnly(S, e.source, st) && namesOnly(D, e.derived, dt))) continue;
      const a = [...fs].sort().join(' ');
      const b = [...fd].sort().join(' ');
      if (a.toLowerCase() === b.toLowerCase()) continue;
      // a changed speaker is reported as such, not again as a changed name
      const edited = norm(D.slice(e.derived[0], e.derived[1]));
      if (newSpeakers.some((x) => x.includes(edited) || edited.includes(x))) continue;
      changes.push({
        kind: 'fact changed',
        source: e.source,
        derived: e.derived,
        explanation: `changes ${figures ? 'a figure' : 'a name or date'}: ${q(around(S, e.source[0], e.source[1], p.source))} → ${q(around(D, e.derived[0], e.derived[1], p.derived))}`,
        before: short(S.slice(e.source[0], e.source[1])),
        after: short(D.slice(e.derived[0], e.derived[1])),
      });
    }
    for (const g of groups.values()) {
      let negS = 0;
      let negD = 0;
      const modS: string[] = [];
      const modD: string[] = [];
      const dirS: string[] = [];
      const dirD: string[] = [];
      const marked: Edit[] = [];
      for (const e of g) {
        const x = markers(S, st, e.source, modS, dirS);
        const y = markers(D, dt, e.derived, modD, dirD);
        negS += x.neg;
        negD += y.neg;
        if (x.hit || y.hit) marked.push(e);
      }
      const negation = negS % 2 !== negD % 2;
      const modal = modS.sort().join(' ') !== modD.sort().join(' ');
      const directive = dirS.length > 0 && dirD.length > 0 && cls(dirS) !== cls(dirD);
      if (!marked.length || (!negation && !modal && !directive)) continue;
      // the marked edits and their neighbours within three words
      let lo = g.indexOf(marked[0]);
      let hi = g.indexOf(marked[marked.length - 1]);
      const gapWords = (x: Edit, y: Edit) => {
        const [u0] = tokenRange(st, x.source[1], x.source[1]);
        const [u1] = tokenRange(st, y.source[0], y.source[0]);
        return u1 - u0;
      };
      while (lo > 0 && gapWords(g[lo - 1], g[lo]) <= 3) lo--;
      while (hi + 1 < g.length && gapWords(g[hi], g[hi + 1]) <= 3) hi++;
      const ss: Span = [g[lo].source[0], g[hi].source[1]];
      const ds: Span = [g[lo].derived[0], g[hi].derived[1]];
      const what: string[] = [];
      if (negation) what.push(negD > negS ? 'adds a negation' : 'removes a negation');
      const contrast = (xs: string[], ys: string[]) => {
        const gone = xs.filter((m) => !ys.includes(m));
        const added = ys.filter((m) => !xs.includes(m));
        if (gone.length && added.length) what.push(`${q(gone.join(' '))} becomes ${q(added.join(' '))}`);
        else if (added.length) what.push(`adds ${q(added.join(' '))}`);
        else if (gone.length) what.push(`drops ${q(gone.join(' '))}`);
      };
      if (modal) contrast(modS, modD);
      if (directive) {
        const word = (x: string) => x.split('\u0000')[1];
        what.push(`${q(dirS.map(word).join(' '))} (${cls(dirS)}) becomes ${q(dirD.map(word).join(' '))} (${cls(dirD)})`);
      }
      changes.push({
        kind: 'claim changed',
        source: ss,
        derived: ds,
        explanation: `changes a claim: ${q(around(S, ss[0], ss[1], p.source, 1))} → ${q(around(D, ds[0], ds[1], p.derived, 1))} (${what.join('; ')})`,
        before: short(S.slice(ss[0], ss[1])),
        after: short(D.slice(ds[0], ds[1])),
        negation,
      });
    }
  }

  // --- attribution the copy dropped
  const credits = creditCache.get(source.doc, () => attributions(S, sourceCites));
  for (const a of credits) {
    const p = passages.find((x) => overlaps(x.source, a.span) || (a.span[0] >= x.source[1] && a.span[0] - x.source[1] <= 40 && !/[.!?\n]/.test(S.slice(x.source[1], a.span[0]))));
    if (!p) continue;
    if (inside(a.span, quoteSpansS)) continue;
    // the copy's counterpart: the sentence(s) the credit maps to
    let region: Span;
    const m = matchedTokens(p, st, dt);
    if (overlaps(p.source, a.span) && m) {
      const x = mapPos(Math.max(a.span[0], p.source[0]), m, st, dt, p);
      const y = mapPos(Math.min(a.span[1], p.source[1]), m, st, dt, p);
      region = [sentenceStartOf(D, Math.min(x, y)), sentenceEndOf(D, Math.max(x, y))];
    } else if (overlaps(p.source, a.span)) region = p.derived;
    else region = [p.derived[1], sentenceEndOf(D, Math.min(D.length, p.derived[1] + 1))];
    const key = norm(a.name).toLowerCase();
    if (norm(D.slice(region[0], region[1])).toLowerCase().includes(key)) continue;
    const elsewhere = norm(D).toLowerCase().includes(key);
    changes.push({
      kind: 'attribution dropped',
      source: a.span,
      derived: null,
      explanation: `drops the credit ${q(short(a.phrase))}${elsewhere ? ` (it names ${a.label ?? a.name} elsewhere)` : ''}`,
      before: short(a.phrase),
    });
  }

  // --- framing: the copy's own text before, between and after the reused passages
  const cover = passages.map((p) => p.derived).sort((x, y) => x[0] - y[0]);
  const merged: Span[] = [];
  for (const c of cover) {
    const last = merged[merged.length - 1];
    if (last && c[0] <= last[1]) last[1] = Math.max(last[1], c[1]);
    else merged.push([c[0], c[1]]);
  }
  const total = Math.max(1, dt.length);
  const parts: { span: Span; where: 'before' | 'between' | 'after' }[] = [];
  let at = 0;
  merged.forEach((m, k) => {
    parts.push({ span: [at, m[0]], where: k === 0 ? 'before' : 'between' });
    at = m[1];
  });
  parts.push({ span: [at, D.length], where: 'after' });
  // text the copy inserted inside a passage (a paragraph of its own bridged by the aligner)
  for (const p of passages)
    for (const e of p.edits ?? [])
      if (e.op === 'insert' || (e.op === 'replace' && e.derived[1] - e.derived[0] > 4 * (e.source[1] - e.source[0])))
        if (words(dt, e.derived) >= 8) parts.push({ span: e.derived, where: 'between' });
  parts.sort((x, y) => x.span[0] - y.span[0]);
  for (const part of parts) {
    const [t0, t1] = tokenRange(dt, part.span[0], part.span[1]);
    const n = t1 - t0;
    if (n < 5) continue;
    let boiler = 0;
    for (let i = t0; i < t1; i++) boiler += dt.boiler[i];
    const span: Span = [dt.starts[t0], dt.ends[t1 - 1]];
    const share = n / total;
    const text = D.slice(span[0], span[1]);
    const where = part.where === 'between' ? 'between the reused passages' : `${part.where} the reused text`;
    changes.push({
      kind: 'framing added',
      source: null,
      derived: span,
      explanation:
        `adds ${n} words of its own ${where} (${Math.round(share * 100)}% of the copy` +
        (boiler ? `, ${boiler === n ? 'all' : boiler} boilerplate` : '') +
        `): ${q(short(text, 60))}`,
      after: short(text),
      share: Math.round(share * 1000) / 1000,
      where: part.where,
    });
  }

  changes.sort((x, y) => CHANGE_KINDS.indexOf(x.kind) - CHANGE_KINDS.indexOf(y.kind) || (x.derived?.[0] ?? x.source?.[0] ?? 0) - (y.derived?.[0] ?? y.source?.[0] ?? 0));
  return { changes, heldSource, heldDerived };
}

/** Credits of each document (a document is a source in many pairs). */
const creditCache = new PerText<ReturnType<typeof attributions>>(1 << 12);

const NAME = String.raw`((?:[A-Z][\w&.'’-]*|[A-Z]{2,})(?:[ \t]+(?:[A-Z][\w&.'’-]*|of|the|and|[A-Z]{2,})){0,4})`;
const ACCORDING_BY = new RegExp(String.raw`\b[Aa]ccording to [^,.;:!?\n“”"]{2,80}?\b(?:obtained by|published by|reported by|seen by|from) (?:the )?` + NAME, 'g');
const BY = new RegExp(String.raw`\b(?:obtained by|first reported by|as reported by|reported by|first published (?:by|in|on)) (?:the )?` + NAME, 'g');
const NAME_REPORTED = new RegExp(NAME + String.raw`\s+(?:reported|reports|has learned|revealed)\b`, 'g');
/** The verbs NAME_REPORTED ends with (after the white space it needs before them). */
const REPORTED_VERB = /\s(?:reported|reports|has learned|revealed)\b/g;
/** How far before its verb a NAME_REPORTED match may start (a name of five words and the spaces between). */
const NAME_REACH = 1000;

/** Credits in a text: "according to X", "obtained by X", "X reported", and direction's citations. */
export function attributions(text: string, cites: Citation[] = citations(text)): { name: string; phrase: string; span: Span; label?: string }[] {
  const out: { name: string; phrase: string; span: Span; label?: string }[] = [];
  const add = (name: string, phrase: string, at: number, label?: string) => {
    name = name.replace(/[\s.,'’-]+$/, '').replace(/\s+(?:of|the|and)$/i, '').trim();
    if (name.length < 2) return;
    const span: Span = [at, at + phrase.length];
    if (out.some((o) => overlaps(o.span, span))) return;
    out.push({ name, phrase, span, ...(label ? { label } : {}) });
  };
  // "according to an internal memo obtained by Fox News": credit Fox News, the phrase is the whole
  const according = text.includes('ccording to');
  if (according)
    for (const m of text.matchAll(ACCORDING_BY))
      add(m[1], m[0], m.index!);
  if (text.includes('obtained by') || text.includes('reported by') || text.includes('published by') || text.includes('first published'))
    for (const m of text.matchAll(BY))
      add(m[1], m[0], m.index!);
  for (const c of cites) add(c.name, c.phrase, c.at);
  if (according) for (const m of text.matchAll(/\b[Aa]ccording to ((?:the |a |an )?[^,.;:!?\n“”"]{2,60}?)(?=[,.;:!?\n“”"]|$)/g)) {
    const obj = m[1].replace(/^(?:the|a|an)\s+/, '');
    // the object that stands for the credit: its capitalised name, else its last word ("the memo")
    const caps = obj.match(/(?:[A-Z][\w&'’-]*)(?:\s+[A-Z][\w&'’-]*)*/g);
    add(caps ? caps[caps.length - 1] : obj.split(/\s+/).slice(-1)[0], m[0], m.index!, caps ? undefined : m[1]);
  }
  // "X reported": NAME_REPORTED is tried only from shortly before each verb, not at every capital
  REPORTED_VERB.lastIndex = 0;
  let from = 0;
  for (let v = REPORTED_VERB.exec(text); v; v = REPORTED_VERB.exec(text)) {
    NAME_REPORTED.lastIndex = Math.max(from, v.index - NAME_REACH);
    const m = NAME_REPORTED.exec(text);
    if (!m) break;
    if (!/^(?:The|It|He|She|They|We|This|That)$/.test(m[1])) add(m[1], m[0], m.index);
    from = NAME_REPORTED.lastIndex;
    REPORTED_VERB.lastIndex = Math.max(REPORTED_VERB.lastIndex, from);
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

/**
 * Name the other document holding each new quote: `held` gives, for a document, the spans of
 * its quotes that some other document (the value) also has.
 */
export function traceNewQuotes(
  pairs: { source: string; derived: string; changes?: Change[] }[],
  held: Map<string, { span: Span; other: string }[]>,
): void {
  for (const p of pairs) {
    if (!p.changes) continue;
    for (const c of p.changes) {
      if (c.kind !== 'new quote' || !c.derived) continue;
      const h = held.get(p.derived)?.find((x) => x.other !== p.source && overlaps(x.span, c.derived!));
      if (h) {
        c.tracedTo = h.other;
        c.explanation += `; ${h.other} has it`;
      }
    }
  }
}

/** Each kind as a counted noun, one and many ("1 quote dropped", "2 quotes dropped"). */
const COUNTED: Record<string, [string, string]> = {
  'speaker changed': ['speaker changed', 'speakers changed'],
  'quote altered': ['quote altered', 'quotes altered'],
  'fact changed': ['fact changed', 'facts changed'],
  'claim changed': ['claim changed', 'claims changed'],
  'quote truncated': ['quote truncated', 'quotes truncated'],
  'quote dropped': ['quote dropped', 'quotes dropped'],
  'attribution dropped': ['attribution dropped', 'attributions dropped'],
  'new quote': ['new quote', 'new quotes'],
  'quote punctuation': ['quote punctuation change', 'quote punctuation changes'],
  'framing added': ['framing part added', 'framing parts added'],
};

/** The summary line: the most important change first, then how many more of each kind. */
export function changesLine(changes: { kind: string; explanation: string }[]): string {
  if (!changes.length) return '';
  const first = changes[0];
  const rest = new Map<string, number>();
  for (const c of changes.slice(1)) rest.set(c.kind, (rest.get(c.kind) ?? 0) + 1);
  const more = [...rest].map(([k, n]) => `${n} ${n === 1 ? (COUNTED[k]?.[0] ?? k) : (COUNTED[k]?.[1] ?? k)}`).join(', ');
  return first.explanation + (more ? `; also ${more}` : '');
}

/** A passage seen from the other side (derived <-> source). */
export function swapPassage(p: Passage): Passage {
  return {
    ...p,
    source: p.derived,
    derived: p.source,
    edits: p.edits?.map((e) => ({ op: e.op === 'insert' ? 'delete' : e.op === 'delete' ? 'insert' : 'replace', source: e.derived, derived: e.source })),
  };
}

/** One orientation of an aligned pair: a -> b or b -> a. */
export interface EdgeChanges {
  ab?: ChangeAnalysis;
  ba?: ChangeAnalysis;
}

/** Time spent in the change analysis in this process (what bench:scale reports as its cost). */
export const changeTiming = { seconds: 0, pairs: 0, redone: 0 };

/**
 * The analysis of an aligned pair (a's spans in `source`) in the orientation the relate step will
 * most likely choose (`aIsSource`); should it choose the other, `ChangeBook.attach` analyses the
 * pair again. `own` copies strings so that they do not keep whole texts alive.
 */
export function edgeChanges(
  a: ChangeDoc,
  b: ChangeDoc,
  passages: Passage[],
  aIsSource: boolean,
  quotes: QuoteCache,
  own: (s: string) => string = (s) => s,
  cites?: [Citation[], Citation[]],
): EdgeChanges {
  const t0 = performance.now();
  const out: EdgeChanges = {};
  if (aIsSource) out.ab = keepOwn(analyzeChanges(a, b, passages, quotes, cites?.[0]), own);
  else out.ba = keepOwn(analyzeChanges(b, a, passages.map(swapPassage), quotes, cites?.[1]), own);
  changeTiming.seconds += (performance.now() - t0) / 1000;
  changeTiming.pairs++;
  return out;
}

function keepOwn(x: ChangeAnalysis, own: (s: string) => string): ChangeAnalysis {
  for (const c of x.changes) {
    c.explanation = own(c.explanation);
    if (c.before !== undefined) c.before = own(c.before);
    if (c.after !== undefined) c.after = own(c.after);
    if (c.speaker !== undefined) c.speaker = own(c.speaker);
    if (c.newSpeaker !== undefined) c.newSpeaker = own(c.newSpeaker);
  }
  return x;
}

/**
 * The orientation relateEdges will most likely give an edge: the direction evidence when it is
 * decisive (|score| >= 0.3), else the way its lineage tree of two would go (a is the root when
 * score + covB > -score + covA; a tie goes to the smaller id). In larger stories the tree may
 * decide otherwise; those pairs are analysed again.
 */
export function likelySource(score: number, covA: number, covB: number, a: string, b: string): boolean {
  if (Math.abs(score) >= 0.3) return score > 0;
  const v = 2 * score - covA + covB;
  return Math.abs(v) > 1e-9 ? v > 0 : a < b;
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

/** Collects edge analyses during a scan and puts them on the oriented pairs at the end. */
export class ChangeBook {
  private readonly m = new Map<string, EdgeChanges>();
  add(a: string, b: string, e: EdgeChanges): void {
    this.m.set(pairKey(a, b), e);
  }
  /**
   * Set `changes` on each pair (source -> derived) and name the documents new quotes come from.
   * A pair the relate step oriented otherwise than guessed is analysed again, its documents read
   * with `load` (a chunk at a time).
   */
  async attach(
    pairs: { source: string; derived: string; relation: string; passages: Passage[]; changes?: Change[] }[],
    load: (ids: string[]) => Promise<Map<string, ChangeDoc>>,
    own: (s: string) => string = (s) => s,
  ): Promise<void> {
    const held = new Map<string, { span: Span; other: string }[]>();
    const hold = (id: string, spans: Span[], other: string) => {
      let l = held.get(id);
      if (!l) held.set(id, (l = []));
      for (const span of spans) l.push({ span, other });
    };
    const set = (p: (typeof pairs)[number], x: ChangeAnalysis) => {
      p.changes = x.changes;
      hold(p.source, x.heldSource, p.derived);
      hold(p.derived, x.heldDerived, p.source);
    };
    const again: (typeof pairs)[number][] = [];
    for (const p of pairs) {
      if (p.relation === 'related') continue;
      const fwd = this.m.get(pairKey(p.source, p.derived));
      const bwd = this.m.get(pairKey(p.derived, p.source));
      const x = fwd ? fwd.ab : bwd?.ba;
      if (x) set(p, x);
      else if (fwd || bwd) again.push(p);
    }
    this.m.clear();
    for (let lo = 0; lo < again.length; lo += 512) {
      const chunk = again.slice(lo, lo + 512);
      const docs = await load([...new Set(chunk.flatMap((p) => [p.source, p.derived]))]);
      const quotes = quoteCache();
      const t0 = performance.now();
      for (const p of chunk) {
        const s = docs.get(p.source);
        const d = docs.get(p.derived);
        if (s && d) set(p, keepOwn(analyzeChanges(s, d, p.passages, quotes), own));
      }
      changeTiming.seconds += (performance.now() - t0) / 1000;
      changeTiming.redone += chunk.length;
    }
    traceNewQuotes(pairs, held);
  }
}
