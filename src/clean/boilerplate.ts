// Boilerplate: spans of a clean text that are not the article. Marked, never deleted.
//
// 1. `classifyLines`: a per-line classifier in the spirit of jusText (Pomikálek 2011): length,
//    stopword density, sentence punctuation and cue phrases ("share", "leave a reply", ...) give
//    each line a class; short and borderline lines take the class of their context; a list of
//    teasers (headline + one-sentence summary, repeated) is a sidebar.
// 2. `markRepeatedBlocks`: lines repeated across documents of one site, or across many documents.

import type { Doc, Span } from '../types.ts';
import { STOPWORDS } from '../text/stopwords.ts';
import { charClass, C_DIGIT, C_LETTER, C_LOWER, C_UPPER } from './charclass.ts';

const STOP = new Set(STOPWORDS);
/** Open-addressing table of the stopwords' FNV-1a hashes (0 marks an empty slot). */
const STOP_TABLE = new Uint32Array(4096);
for (const w of STOPWORDS) {
  let h = 0x811c9dc5;
  for (let q = 0; q < w.length; q++) h = Math.imul(h ^ w.charCodeAt(q), 0x01000193);
  h = h >>> 0 || 1;
  let i = h & 4095;
  while (STOP_TABLE[i] !== 0 && STOP_TABLE[i] !== h) i = (i + 1) & 4095;
  STOP_TABLE[i] = h;
}
function isStopHash(h: number): boolean {
  h = h >>> 0 || 1;
  let i = h & 4095;
  for (;;) {
    const v = STOP_TABLE[i];
    if (v === h) return true;
    if (v === 0) return false;
    i = (i + 1) & 4095;
  }
}

/** Whole-line cues: a line that is (mostly) one of these is boilerplate. */
const LINE_CUES =
  /^(?:share(?: (?:this|on|via)\b.*)?|tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|reddit|pinterest|pin it(?: on pinterest)?|subscribe\b.*|sign up\b.*|log ?in|sign in|register|leave a (?:reply|comment)|(?:\d+ )?comments?|post a comment|reply|related(?: articles| posts| stories| news| content)?|more (?:from|stories|news)\b.*|read (?:more|next|also)\b.*|see also|you (?:may|might) also like.*|recommended(?: for you)?|trending(?: now)?|popular(?: posts| stories)?|latest(?: news| posts)?|advertisement|advert|sponsored(?: content)?|ad|ads|spot_img|skip to (?:main )?content|menu|home|search|newsletter|follow us.*|contact(?: us| your elected officials)?|about(?: us)?|privacy policy|terms(?: of (?:use|service))?|cookie.*|all rights reserved.*|copyright\b.*|©.*|back to top|next|previous|prev|tags?:.*|categories:.*|filed under:?.*|click here.*|loading\.*|view comments|show comments|join the conversation|timed delivery)[\s.!:|»›>-]*$/i;

/** Cues anywhere in a short line (ads, calls to action). */
const INLINE_CUES =
  /\b(?:contact us|call us|call (?:our|the) office|schedule a (?:free )?consultation|contact our office|subscribe to|sign up for|click here|all rights reserved|cookies? policy|terms of (?:use|service)|privacy policy|follow us on|share this|related articles)\b|https?:\/\/|www\.[a-z0-9-]+\.[a-z]|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/i;

const C_BAD = 0;
const C_GOOD = 1;
const C_NEAR = 2;
const C_SHORT = 3;

interface Block {
  start: number;
  end: number;
  text: string;
  cls: number;
  final: number;
  cue: boolean;
  words: number;
  keep?: boolean;
  sentences?: number;
  /** Joined from hard-wrapped lines (see isWrapped). */
  wrapped?: boolean;
}

function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/** Number of words and of stopwords in a line, without allocating per word. */
function countWords(t: string): [number, number] {
  let nw = 0;
  let stops = 0;
  const n = t.length;
  let i = 0;
  while (i < n) {
    let c = t.charCodeAt(i);
    const isW = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000);
    if (!isW) {
      i++;
      continue;
    }
    const s = i;
    while (i < n) {
      c = t.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000)) i++;
      else break;
    }
    nw++;
    if (i - s <= 12) {
      let h = 0x811c9dc5;
      for (let q = s; q < i; q++) {
        let c2 = t.charCodeAt(q);
        if (c2 >= 65 && c2 <= 90) c2 += 32;
        h = Math.imul(h ^ c2, 0x01000193);
      }
      if (isStopHash(h)) stops++;
    }
    // "it's", "don't": the part after the apostrophe belongs to the word
    if (i + 1 < n && (t.charCodeAt(i) === 39 || t.charCodeAt(i) === 0x2019)) {
      const d = t.charCodeAt(i + 1);
      if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90)) {
        i++;
        while (i < n) {
          c = t.charCodeAt(i);
          if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) i++;
          else break;
        }
      }
    }
  }
  return [nw, stops];
}

function isTitleCase(ws: string[], raw: string): boolean {
  const toks = raw.match(/[\p{L}][\p{L}\p{N}'’-]*/gu) ?? [];
  if (toks.length < 2) return false;
  let cap = 0;
  for (const t of toks) if (/^\p{Lu}/u.test(t) || STOP.has(t.toLowerCase())) cap++;
  let upperContent = 0;
  let content = 0;
  for (const t of toks) {
    if (STOP.has(t.toLowerCase())) continue;
    content++;
    if (/^\p{Lu}/u.test(t)) upperContent++;
  }
  return cap / toks.length >= 0.8 && content > 0 && upperContent / content >= 0.75 && ws.length <= 20;
}

function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 37; // %
  const cat = charClass(c) & 15;
  return cat === C_LOWER || cat === C_UPPER || cat === C_LETTER || cat === C_DIGIT;
}
function isCloser(c: number): boolean {
  return c === 34 || c === 41 || c === 39 || c === 0x201d || c === 0x2019;
}
function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}
function startsSentence(c: number): boolean {
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 34 || c === 40 || c === 39;
  if (c === 0x201c || c === 0x2018) return true;
  const cat = charClass(c) & 15;
  return cat === C_UPPER || cat === C_DIGIT || cat === C_LETTER;
}

/**
 * Sentence ends: two letters or digits (or one and a closing quote or bracket), then . ! or ?,
 * then a capital or the end. "U.S. officials" and "A.G. Bill" do not count.
 */
function sentenceCount(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 2; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c !== 46 && c !== 33 && c !== 63) continue;
    let k = i + 1;
    while (k < len && (s.charCodeAt(k) === 46 || s.charCodeAt(k) === 33 || s.charCodeAt(k) === 63)) k++;
    while (k < len && isCloser(s.charCodeAt(k))) k++;
    let m = k;
    while (m < len && isSpaceCode(s.charCodeAt(m))) m++;
    const ends = m >= len || (m > k && startsSentence(s.charCodeAt(m)));
    if (ends) {
      const a = s.charCodeAt(i - 1);
      const b = s.charCodeAt(i - 2);
      if (isWordCode(b) && (isWordCode(a) || isCloser(a))) n++;
    }
    i = k;
  }
  return n;
}

/**
 * Does the line ending at `prevEnd` wrap onto the line starting at `start`? Only across a single
 * line break, from a line of at least 40 characters that ends without sentence punctuation,
 * onto a line that starts with a lower-case letter or a digit.
 */
function isWrapped(text: string, prevEnd: number, start: number): boolean {
  let lineStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
  if (prevEnd - lineStart < 40) return false;
  const gap = text.slice(prevEnd, start);
  if (gap.indexOf('\n') !== gap.lastIndexOf('\n')) return false;
  if (/[.!?:;"'”’)\]<>|]$/.test(text.slice(prevEnd - 1, prevEnd))) return false;
  return /^[\p{Ll}\p{N}]/u.test(text.slice(start, start + 2));
}

/** Calls `f(start, end)` for each line of `text` that is not blank, its white space trimmed. */
function eachLine(text: string, f: (start: number, end: number) => void): void {
  const n = text.length;
  for (let pos = 0; pos <= n; ) {
    let e = text.indexOf('\n', pos);
    if (e < 0) e = n;
    let s = pos;
    let end = e;
    while (s < end && /\s/.test(text[s])) s++;
    while (end > s && /\s/.test(text[end - 1])) end--;
    if (end > s) f(s, end);
    pos = e + 1;
  }
}

/** Per-line classification; returns boilerplate spans (sorted, disjoint) in `text`. */
export function classifyLines(
  text: string,
  debug?: { text: string; cls: number; final: number }[],
): Span[] {
  const blocks: Block[] = [];
  eachLine(text, (s, end) => {
    const prev = blocks[blocks.length - 1];
    if (prev && isWrapped(text, prev.end, s)) {
      // Hard-wrapped text (wire copy, e-mail, plain-text archives): a long line that breaks
      // off mid-sentence and a next line that goes on in lower case are one paragraph.
      prev.end = end;
      prev.wrapped = true;
      if (prev.text.length < 20000) prev.text = text.slice(prev.start, Math.min(end, prev.start + 20000));
    } else {
      // Very long lines (no line breaks) are not classified line by line: treat as one block.
      const raw = end - s > 20000 ? text.slice(s, s + 20000) : text.slice(s, end);
      blocks.push({ start: s, end, text: raw, cls: C_SHORT, final: C_SHORT, cue: false, words: 0 });
    }
  });
  if (blocks.length === 0) return [];
  // Context-free classes.
  for (const b of blocks) {
    const t = b.text;
    const [nw, stops] = countWords(t);
    b.words = nw;
    const density = nw ? stops / nw : 0;
    const len = t.length;
    if (len < 120 && /^(?:source|sources|via|credit|photo|image)s?\s*:/i.test(t)) {
      b.cls = C_GOOD; // attribution: evidence for the direction of reuse
      b.keep = true;
      continue;
    }
    if ((len < 150 && LINE_CUES.test(t)) || (len < 250 && INLINE_CUES.test(t)) || (len < 200 && (t.match(/ \| /g)?.length ?? 0) >= 2)) {
      b.cls = C_BAD;
      b.cue = true;
    } else if (len < 70) b.cls = C_SHORT;
    else {
      const sent = sentenceCount(t);
      b.sentences = sent;
      // (a paragraph of hard-wrapped prose is text whatever ends its sentences)
      if (density >= 0.3 && (len >= 200 || (b.wrapped && len >= 100))) b.cls = C_GOOD;
      else if (sent >= 1)
        b.cls = density >= 0.15 && ((len >= 140 && sent >= 2) || (density >= 0.3 && len >= 120)) ? C_GOOD : C_NEAR;
      else b.cls = density >= 0.25 ? C_NEAR : C_BAD;
    }
  }
  // Teaser lists (sidebars of "related" headlines with one-sentence summaries): a run of
  // headlines, short summaries and cue lines with 3+ headlines, after the article has started.
  const teaser = new Uint8Array(blocks.length);
  const headCache = new Map<Block, boolean>();
  const sumCache = new Map<Block, boolean>();
  const isHeadline = (b: Block) => {
    let v = headCache.get(b);
    if (v === undefined) {
      v = !b.cue && b.text.length < 110 && !/[.:;,]$/.test(b.text) && isTitleCase(words(b.text), b.text);
      headCache.set(b, v);
    }
    return v;
  };
  const isSummary = (b: Block) => {
    let v = sumCache.get(b);
    if (v === undefined) {
      v = b.text.length < 400 && (b.sentences ?? sentenceCount(b.text)) <= 2;
      sumCache.set(b, v);
    }
    return v;
  };
  let firstGood = blocks.findIndex((b) => b.cls === C_GOOD);
  if (firstGood < 0) firstGood = 0;
  for (let i = firstGood + 1; i < blocks.length; i++) {
    if (!(blocks[i].cue || isHeadline(blocks[i]))) continue;
    let j = i;
    let pairs = 0;
    while (j < blocks.length && j - i < 400) {
      const b = blocks[j];
      if (isHeadline(b)) {
        if (j + 1 < blocks.length && !isHeadline(blocks[j + 1]) && !blocks[j + 1].cue && isSummary(blocks[j + 1])) {
          pairs++;
          j += 2;
          continue;
        }
      } else if (!(b.cue || isSummary(b) || (b.cls === C_SHORT && !/[.!?]["”’]?$/.test(b.text)))) break;
      j++;
    }
    if (pairs >= 3) {
      for (let q = i; q < j; q++) teaser[q] = 1;
      i = j - 1;
    }
  }
  for (let i = 0; i < blocks.length; i++) if (teaser[i] && !blocks[i].keep) blocks[i].cls = C_BAD;
  // A text with no clearly good block (short notes, lists): borderline blocks count as good, so
  // that only cue lines are marked.
  if (!blocks.some((b) => b.cls === C_GOOD)) for (const b of blocks) if (b.cls === C_NEAR) b.cls = C_GOOD;
  // The first line of a text is its title unless it is a cue line.
  const b0 = blocks[0];
  if (!b0.cue && b0.text.length < 150 && !/[.]$/.test(b0.text) && blocks.length > 1) b0.cls = C_GOOD;
  // Context: short and near-good blocks take their neighbours' class (jusText).
  const cls = blocks.map((b) => b.cls);
  const neighbour = (i: number, dir: number, ignoreNear: boolean): number => {
    for (let j = i + dir; j >= 0 && j < blocks.length; j += dir) {
      const c = cls[j];
      if (c === C_GOOD || c === C_BAD) return c;
      if (c === C_NEAR && !ignoreNear) return C_GOOD;
    }
    return C_BAD;
  };
  const fin = cls.slice();
  for (let i = 0; i < blocks.length; i++) {
    if (cls[i] === C_NEAR) {
      const p = neighbour(i, -1, true);
      const q = neighbour(i, 1, true);
      fin[i] = p === C_BAD && q === C_BAD ? C_BAD : C_GOOD;
    }
  }
  for (let i = 0; i < blocks.length; i++) {
    if (cls[i] !== C_SHORT) continue;
    let p = C_BAD;
    let pEdge = true;
    for (let j = i - 1; j >= 0; j--)
      if (fin[j] !== C_SHORT) {
        p = fin[j];
        pEdge = false;
        break;
      }
    let q = C_BAD;
    let dist = 0;
    let nextIdx = -1;
    for (let j = i + 1; j < blocks.length; j++) {
      if (fin[j] !== C_SHORT && cls[j] !== C_SHORT) {
        q = fin[j];
        nextIdx = j;
        break;
      }
      dist += blocks[j].text.length;
    }
    // The ends of the text are no evidence either way: take the other side's class.
    if (nextIdx < 0) q = pEdge ? C_GOOD : p;
    if (pEdge) p = q;
    if (p === C_GOOD && q === C_GOOD) fin[i] = C_GOOD;
    else if (p === C_BAD && q === C_BAD) fin[i] = C_BAD;
    else if (q === C_GOOD && dist < 200 && nextIdx >= 0) fin[i] = C_GOOD; // heading before the text
    else fin[i] = C_BAD;
  }
  // A lone good block between bad ones after the article (author boxes) is boilerplate too.
  const goods = fin.reduce((a, c) => a + (c === C_GOOD ? 1 : 0), 0);
  if (goods >= 3) {
    for (let i = 0; i < blocks.length; i++) {
      if (fin[i] !== C_GOOD) continue;
      const prevBad = i > 0 && fin[i - 1] === C_BAD && blocks[i - 1].cue;
      const nextBad = i + 1 >= blocks.length || (fin[i + 1] === C_BAD && (teaser[i + 1] === 1 || blocks[i + 1].cue));
      if (prevBad && nextBad) fin[i] = C_BAD;
    }
  }
  for (let i = 0; i < blocks.length; i++) if (blocks[i].keep) fin[i] = C_GOOD;
  // Without any good block there is no article to tell apart: mark only the cue lines.
  if (!cls.some((c) => c === C_GOOD)) for (let i = 0; i < blocks.length; i++) fin[i] = blocks[i].cue ? C_BAD : C_GOOD;
  if (debug) debug.push(...blocks.map((b, i) => ({ text: b.text.slice(0, 60), cls: b.cls, final: fin[i] })));
  const spans: Span[] = [];
  for (let i = 0; i < blocks.length; i++) {
    if (fin[i] !== C_BAD) continue;
    const s = blocks[i].start;
    const e = blocks[i].end;
    const last = spans[spans.length - 1];
    // Join with the previous span when only whitespace separates them.
    if (last && /^\s*$/.test(text.slice(last[1], s))) last[1] = e;
    else spans.push([s, e]);
  }
  return spans;
}

/** Lines that head a block of links or teasers after an article (the block is marked with it). */
const SECTION_CUES =
  /^(?:related(?: articles| posts| stories| news| content| coverage| links| reading)?|more (?:from|stories|news|on this story|like this)\b.{0,40}|read (?:next|also|more)|see also|further reading|you (?:may|might) also like|recommended(?: for you| reading)?|trending(?: now)?|popular(?: posts| stories| now| articles)?|most (?:read|popular|viewed|shared)|latest(?: news| posts| stories| articles)?|(?:in )?other news|tags?|topics)[\s.!:|»›>-]*$/i;
/** Lines that open a comment section: it and what follows are marked. */
const COMMENT_CUES =
  /^(?:(?:\d+ )?comments?|leave a (?:reply|comment)|post a comment|join the conversation|view comments|show comments|add a comment|(?:\d+ )?(?:responses?|replies|thoughts?) (?:to|on) .{1,150})[\s.!:|»›>-]*$/i;
/** Bylines and date lines ("By Jane Smith", "Published 3 March 2024"). */
const BYLINE = /^(?:[Bb]y|[Ww]ords by|[Ww]ritten by|[Rr]eporting by|[Vv]on|[Pp]ar|[Pp]or)\s+\p{Lu}[\p{L}.'’-]*(?:[\s,]+(?:and\s+)?\p{Lu}[\p{L}.'’-]*){0,5}(?:\s*[,|–—-]\s*.{0,60})?$/u;
const DATELINE =
  /^(?:(?:published|posted|updated|last updated|first published|modified)(?: on)?:?\s+.{0,60}|(?:mon|tues|wednes|thurs|fri|satur|sun)day,? .{0,50}\d{4}.{0,20}|\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}(?:,? \d{1,2}[:.]\d{2}.{0,12})?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2},? \d{4}(?:,? \d{1,2}[:.]\d{2}.{0,12})?|\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}.{0,10})?)$/i;

/** Furniture that Readability keeps inside articles: pagination, newsletter and subscription boxes. */
const ARTICLE_CUES =
  /^(?:continue reading\b.{0,60}|keep reading|page \d+ of \d+\b.{0,40}|next page|previous page|(?:\d+ )?min(?:ute)?s? read|listen to (?:this|the) (?:article|story).{0,20})[\s.!:|»›>-]*$|^(?!.*[.!?]$).{0,80}\b(?:newsletters?|inbox|subscribe|sign up|signup)\b/i;
/** An author box: "Jane Smith is a features writer at ..." */
const AUTHOR_BOX = /^(?:\p{Lu}[\p{L}.'’-]+ ){1,3}(?:is|was) (?:a|an|the|our) [^.]{0,80}\b(?:writer|reporter|editor|journalist|correspondent|columnist|contributor|author|critic|producer|photographer)\b/u;

/** Letters and digits only, lower-cased: to find a pull quote repeated in the body. */
function squash(t: string): string {
  return t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Boilerplate of an extracted article (the text Readability took from an HTML page): the page's
 * furniture is gone already, so only what says what it is gets marked, and body text (lists,
 * tables, code, captions, short paragraphs, subheadings) is never marked for its shape:
 * cue lines (share buttons, "Advertisement", "Sign up for our newsletter", menus), bylines and
 * date lines, the author's box (a line about `author` near the end), a block of links or teasers under a heading such as "Related articles" or "More
 * from ...", and a comment section in the second half of the text.
 */
export function classifyArticleLines(text: string, opts: { author?: string } = {}): Span[] {
  const author = opts.author?.replace(/^by\s+/i, '').split(/\s*(?:,| and )\s*/)[0].trim() || null;
  const lines: { start: number; end: number; text: string }[] = [];
  eachLine(text, (s, end) => lines.push({ start: s, end, text: end - s > 2000 ? text.slice(s, s + 2000) : text.slice(s, end) }));
  const bad = new Uint8Array(lines.length);
  const n = text.length;
  const sentenceEnd = (t: string) => /[.!?…]["”’)]?$/.test(t);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text;
    const len = t.length;
    if (len < 120 && /^(?:source|sources|via|credit|photo|image)s?\s*:/i.test(t)) continue; // attribution: kept
    if (len < 150 && COMMENT_CUES.test(t) && lines[i].start > 0.4 * n) {
      for (let j = i; j < lines.length; j++) bad[j] = 1;
      break;
    }
    if (
      (len < 150 && (LINE_CUES.test(t) || ARTICLE_CUES.test(t))) ||
      (len < 200 && (t.match(/ \| /g)?.length ?? 0) >= 2) ||
      // ("By Tuesday, the river had risen." and "Published in 1998, the book ..." are body lines)
      (len < 100 && !sentenceEnd(t) && (BYLINE.test(t) || (DATELINE.test(t) && /\d/.test(t)))) ||
      (author && len < 300 && lines[i].start > 0.6 * n && t.startsWith(author) && AUTHOR_BOX.test(t))
    )
      bad[i] = 1;
    if (len < 80 && SECTION_CUES.test(t) && i > 0) {
      bad[i] = 1;
      // the links or teasers under it: short lines, and one- or two-sentence summaries after a headline
      let j = i + 1;
      while (j < lines.length) {
        const u = lines[j].text;
        const link = u.length < 160 && !sentenceEnd(u);
        const summary = u.length < 300 && sentenceCount(u) <= 2 && j > i + 1 && !sentenceEnd(lines[j - 1].text) && bad[j - 1] === 1;
        if (!(link || summary || (u.length < 150 && LINE_CUES.test(u)))) break;
        bad[j++] = 1;
      }
      i = j - 1;
    }
  }
  // A pull quote: a line whose words are all in a longer line of the text (the body it repeats).
  if (lines.length <= 2000) {
    const sq = lines.map((l) => squash(l.text));
    for (let i = 0; i < lines.length; i++) {
      if (bad[i] || sq[i].length < 40) continue;
      for (let j = 0; j < lines.length; j++)
        if (j !== i && sq[j].length > sq[i].length && sq[j].includes(sq[i])) {
          bad[i] = 1;
          break;
        }
    }
  }
  const spans: Span[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!bad[i]) continue;
    const last = spans[spans.length - 1];
    if (last && /^\s*$/.test(text.slice(last[1], lines[i].start))) last[1] = lines[i].end;
    else spans.push([lines[i].start, lines[i].end]);
  }
  return spans;
}

/** Merge spans into a sorted, disjoint list (touching spans are joined). */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s[1] > s[0]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function siteOf(doc: Doc): string | null {
  if (doc.meta.site) return doc.meta.site.toLowerCase();
  if (doc.meta.url) {
    try {
      return new URL(doc.meta.url).hostname.replace(/^www\./, '');
    } catch {
      return null;
    }
  }
  return null;
}

interface LineRef {
  doc: number;
  start: number;
  end: number;
}

/**
 * Mark lines repeated across documents as boilerplate: within one site (meta.site or URL host),
 * a short line (< 160 chars) in two or more documents, or a run of 3+ consecutive repeated lines;
 * across the whole set, a line in `minDocs` (default 5) or more documents. Long lines (>= 160
 * chars) of a document that is mostly repeated lines stay unmarked: that document is a copy, and
 * its paragraphs are what the copies share.
 */
export function markRepeatedBlocks(docs: Doc[], opts: { minDocs?: number; lines?: LineKeys[] } = {}): void {
  const minDocs = Math.max(2, opts.minDocs ?? 5);
  // line hash -> documents holding it (first doc, count of distinct docs, list once >= 2)
  const first = new Map<number, number>();
  const many = new Map<number, number[]>();
  const perDoc = opts.lines ?? docs.map((d) => lineKeys(d.text));
  const sites = docs.map(siteOf);
  for (let d = 0; d < docs.length; d++) {
    const { keys } = perDoc[d];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const f = first.get(key);
      if (f === undefined) first.set(key, d);
      else if (f !== d) {
        const list = many.get(key);
        if (!list) many.set(key, [f, d]);
        else if (list[list.length - 1] !== d) list.push(d);
      }
    }
  }
  if (many.size === 0) return;
  for (let d = 0; d < docs.length; d++) {
    const { keys, starts, ends } = perDoc[d];
    const lines = Array.from(keys, (key, i) => ({ key, start: starts[i], end: ends[i] }));
    const site = sites[d];
    const rep = new Uint8Array(lines.length); // 1 = repeated within the site, 2 = repeated globally
    let anyRep = false;
    for (let i = 0; i < lines.length; i++) {
      const list = many.get(lines[i].key);
      if (!list) continue;
      if (list.length >= minDocs) rep[i] = 2;
      else if (site && list.some((o) => o !== d && sites[o] === site)) rep[i] = 1;
      if (rep[i]) anyRep = true;
    }
    if (!anyRep) continue;
    // A document that is mostly made of repeated lines is a copy (syndication, a page crawled
    // twice): its long lines are the article others share, not furniture around it.
    let repChars = 0;
    let allChars = 0;
    for (let i = 0; i < lines.length; i++) {
      const len = lines[i].end - lines[i].start;
      allChars += len;
      if (rep[i]) repChars += len;
    }
    const copy = repChars > 0.5 * allChars;
    const add: Span[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!rep[i]) continue;
      const l = lines[i];
      if (copy && l.end - l.start >= 160) continue;
      if (rep[i] === 2 || l.end - l.start < 160) {
        add.push([l.start, l.end]);
        continue;
      }
      // A long line repeated within one site counts only inside a run of 3+ repeated lines.
      let a = i;
      while (a > 0 && rep[a - 1]) a--;
      let b = i;
      while (b + 1 < lines.length && rep[b + 1]) b++;
      if (b - a + 1 >= 3) add.push([l.start, l.end]);
    }
    if (add.length) docs[d].boilerplate = mergeSpans([...docs[d].boilerplate, ...add]);
  }
}

/** The lines of a text worth comparing across documents: hash, start, end (trimmed). */
export interface LineKeys {
  keys: Float64Array;
  starts: Uint32Array;
  ends: Uint32Array;
}

/** Hash every line of 4..5000 characters (pure; workers compute it beside cleaning). */
export function lineKeys(text: string): LineKeys {
  const keys: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let e = text.indexOf('\n', pos);
    if (e < 0) e = n;
    let s = pos;
    let end = e;
    while (s < end && (text.charCodeAt(s) <= 32 || text.charCodeAt(s) === 0xa0)) s++;
    while (end > s && (text.charCodeAt(end - 1) <= 32 || text.charCodeAt(end - 1) === 0xa0)) end--;
    if (end - s >= 4 && end - s <= 5000) {
      keys.push(lineKey(text, s, end));
      starts.push(s);
      ends.push(end);
    }
    pos = e + 1;
  }
  return { keys: Float64Array.from(keys), starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}

/** 52-bit hash of a line, case-folded (ASCII), whitespace runs collapsed. */
function lineKey(t: string, s: number, e: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let prevSpace = false;
  for (let i = s; i < e; i++) {
    let c = t.charCodeAt(i);
    if (c <= 32 || c === 0xa0) {
      if (prevSpace) continue;
      prevSpace = true;
      c = 32;
    } else {
      prevSpace = false;
      if (c >= 65 && c <= 90) c += 32;
    }
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}
