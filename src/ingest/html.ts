// HTML page -> main article text with an offset map into the page source, plus metadata.
//
// How spans stay exact: a small tokenizer reads the page source and records every text node
// (outside script/style/...) with the source position of each decoded character. Readability
// (on a linkedom DOM) picks the article; we walk the article's DOM and look each of its text
// nodes up, in order, among the recorded ones, so every clean character maps to the source
// characters it came from (an entity maps to the whole entity). Paragraph breaks ("\n\n") are
// inserted at block elements; they map to an empty span at the block boundary.

import { createRequire } from 'node:module';
import type { parseHTML as ParseHTML } from 'linkedom';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import type { Metadata } from '../types.ts';

// linkedom and Readability take a third of a second to load: only pages that are HTML pay it.
const require = createRequire(import.meta.url);
let dom: { parseHTML: typeof ParseHTML; Readability: typeof ReadabilityClass } | null = null;
function domLib() {
  dom ??= { parseHTML: require('linkedom').parseHTML, Readability: require('@mozilla/readability').Readability };
  return dom;
}
const parseHTML: typeof ParseHTML = (...args) => domLib().parseHTML(...args);

export interface HtmlExtract {
  text: string;
  /** map[i] = source index where clean char i starts; length text.length + 1. */
  map: Uint32Array;
  /** mapEnd[i] = source index where clean char i ends. */
  mapEnd: Uint32Array;
  meta: Metadata;
  warnings: string[];
  /** True when Readability found an article; false when the whole visible text was used. */
  article: boolean;
}

/** A text node of the source: its decoded text and where each char comes from. */
export interface SrcText {
  text: string;
  /** Source start of the raw text. */
  start: number;
  /** Per-char source positions, only when entities make them differ from start + q. */
  starts: Int32Array | null;
  ends: Int32Array | null;
}

function posStart(n: SrcText, q: number): number {
  return n.starts ? n.starts[q] : n.start + q;
}
function posEnd(n: SrcText, q: number): number {
  return n.ends ? n.ends[q] : n.start + q + 1;
}

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'head', 'title', 'textarea', 'select', 'button']);
const RAWTEXT = new Set(['script', 'style', 'noscript', 'template', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);
const BLOCK = new Set([
  'p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'table', 'tr', 'td', 'th', 'thead',
  'tbody', 'tfoot', 'section', 'article', 'header', 'footer', 'nav', 'aside', 'blockquote', 'pre',
  'figure', 'figcaption', 'dl', 'dt', 'dd', 'form', 'hr', 'address', 'main', 'details', 'summary',
  'caption', 'fieldset', 'legend', 'body', 'html', 'center', 'menu',
]);

/** Pages larger than this (UTF-16 units) skip Readability and keep all their visible text. */
const MAX_READABILITY = 8_000_000;

const entityCache = new Map<string, string | null>();
function namedEntity(name: string): string | null {
  let v = entityCache.get(name);
  if (v !== undefined) return v;
  const basic: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  if (basic[name]) v = basic[name];
  else {
    const { document } = parseHTML(`<html><body><p>&${name};</p></body></html>`);
    const t = document.querySelector('p')?.textContent ?? '';
    v = t && t !== `&${name};` ? t : null;
  }
  entityCache.set(name, v);
  return v;
}

/** Decode raw HTML text src[s, e) into a SrcText with the source position of each char. */
function decodeText(src: string, s: number, e: number): SrcText {
  const amp = src.indexOf('&', s);
  if (amp < 0 || amp >= e) return { text: src.slice(s, e), start: s, starts: null, ends: null };
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = s;
  while (i < e) {
    const c = src.charCodeAt(i);
    if (c === 38 /* & */) {
      const m = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/.exec(src.slice(i, Math.min(e, i + 40)));
      if (m) {
        let rep: string | null = null;
        if (m[1] || m[2]) {
          let cp = m[1] ? parseInt(m[1], 10) : parseInt(m[2], 16);
          if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
          rep = String.fromCodePoint(cp);
        } else rep = namedEntity(m[3]);
        if (rep !== null) {
          const end = i + m[0].length;
          for (let q = 0; q < rep.length; q++) {
            starts.push(i);
            ends.push(end);
          }
          text += rep;
          i = end;
          continue;
        }
      }
    }
    text += src[i];
    starts.push(i);
    ends.push(i + 1);
    i++;
  }
  return { text, start: s, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** Tokenize the page source: the text nodes in document order, with positions. */
export function sourceTextNodes(src: string): SrcText[] {
  const nodes: SrcText[] = [];
  const n = src.length;
  let i = 0;
  let textStart = 0;
  const flush = (end: number) => {
    if (end > textStart) nodes.push(decodeText(src, textStart, end));
  };
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt < 0) break;
    const next = src.charCodeAt(lt + 1);
    if (src.startsWith('<!--', lt)) {
      flush(lt);
      const close = src.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    const isTag = (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 || next === 33 || next === 63;
    if (!isTag) {
      i = lt + 1;
      continue;
    }
    flush(lt);
    const gt = findTagEnd(src, lt + 1);
    const tagText = src.slice(lt + 1, Math.min(gt, lt + 64));
    const m = /^([A-Za-z][A-Za-z0-9-]*)/.exec(tagText);
    i = gt < 0 ? n : gt + 1;
    textStart = i;
    if (m) {
      const name = m[1].toLowerCase();
      if (RAWTEXT.has(name) && !src.slice(lt, i).endsWith('/>')) {
        const re = closeTag(name);
        re.lastIndex = i;
        const close = re.exec(src);
        i = close ? close.index : n;
        textStart = i;
      }
    }
  }
  flush(n);
  return nodes;
}

const closeTags = new Map<string, RegExp>();
/** A sticky-free, global, case-insensitive search for "</name". */
function closeTag(name: string): RegExp {
  let re = closeTags.get(name);
  if (!re) closeTags.set(name, (re = new RegExp('</' + name + '(?=[\\s/>])', 'gi')));
  return re;
}

function findTagEnd(src: string, from: number): number {
  let q = 0;
  for (let i = from; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (q) {
      if (c === q) q = 0;
    } else if (c === 34 || c === 39) {
      // quotes only count inside attributes (after '=')
      let k = i - 1;
      while (k > from && (src.charCodeAt(k) === 32 || src.charCodeAt(k) === 10)) k--;
      if (src.charCodeAt(k) === 61) q = c;
    } else if (c === 62) return i;
  }
  return -1;
}

class Builder {
  text = '';
  starts: number[] = [];
  ends: number[] = [];
  pendingBreak = 0; // 0 none, 1 line, 2 paragraph
  pendingSpace = -1; // source position of a collapsed whitespace run
  pendingSpaceEnd = -1;
  lastEnd = 0;

  breakAt(kind: number): void {
    if (this.text.length === 0) return;
    if (kind > this.pendingBreak) this.pendingBreak = kind;
    this.pendingSpace = -1;
  }
  push(ch: string, s: number, e: number): void {
    if (this.pendingBreak) {
      const br = this.pendingBreak === 2 ? '\n\n' : '\n';
      for (const b of br) {
        this.text += b;
        this.starts.push(this.lastEnd);
        this.ends.push(this.lastEnd);
      }
      this.pendingBreak = 0;
      this.pendingSpace = -1;
    } else if (this.pendingSpace >= 0) {
      this.text += ' ';
      this.starts.push(this.pendingSpace);
      this.ends.push(this.pendingSpaceEnd);
      this.pendingSpace = -1;
    }
    this.text += ch;
    this.starts.push(s);
    this.ends.push(e);
    this.lastEnd = e;
  }
  space(s: number, e: number): void {
    if (this.text.length === 0 || this.pendingBreak) return;
    if (this.pendingSpace < 0) {
      this.pendingSpace = s;
      this.pendingSpaceEnd = e;
    } else this.pendingSpaceEnd = e;
  }
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

interface Matcher {
  nodes: SrcText[];
  /** Next source node and offset in it to look at. */
  cursor: number;
  offset: number;
  unmatched: number;
}

/** Where a DOM text node's characters are: one or more pieces of source text nodes. */
interface Match {
  segs: { node: SrcText; at: number; len: number }[];
}

function slice(node: SrcText, at: number, len: number): Match {
  return { segs: [{ node, at, len }] };
}

/** Source span of char q of a match. */
function matchPos(hit: Match, q: number): [number, number] {
  for (const g of hit.segs) {
    if (q < g.len) return [posStart(g.node, g.at + q), posEnd(g.node, g.at + q)];
    q -= g.len;
  }
  const g = hit.segs[hit.segs.length - 1];
  const e = posEnd(g.node, g.at + g.len - 1);
  return [e, e];
}

/**
 * Locate a DOM text node among the source text nodes, in document order. The DOM may split one
 * source node in several (linkedom splits at entities) or merge several (Readability removes
 * the elements between them), so a match is a substring of one source node or a run of nodes.
 */
function findNode(m: Matcher, text: string): Match | null {
  const limit = Math.min(m.nodes.length, m.cursor + 5000);
  for (let j = m.cursor; j < limit; j++) {
    const node = m.nodes[j];
    const from = j === m.cursor ? m.offset : 0;
    const at = node.text.indexOf(text, from);
    if (at >= 0) {
      m.cursor = j;
      m.offset = at + text.length;
      if (m.offset >= node.text.length) {
        m.cursor = j + 1;
        m.offset = 0;
      }
      return slice(node, at, text.length);
    }
    // A run of whole nodes (the first from `from`) that spells the text.
    const head = node.text.slice(from);
    if (head.length > 0 && text.startsWith(head)) {
      const segs = [{ node, at: from, len: head.length }];
      let k = j + 1;
      let done = head.length;
      while (k < m.nodes.length && done < text.length) {
        const nt = m.nodes[k].text;
        const rest = text.length - done;
        if (nt.length <= rest ? text.startsWith(nt, done) : nt.startsWith(text.slice(done))) {
          const take = Math.min(nt.length, rest);
          segs.push({ node: m.nodes[k], at: 0, len: take });
          done += take;
          if (done === text.length) {
            m.cursor = take === nt.length ? k + 1 : k;
            m.offset = take === nt.length ? 0 : take;
            return { segs };
          }
          k++;
        } else break;
      }
      if (done === text.length) {
        m.cursor = k;
        m.offset = 0;
        return { segs };
      }
    }
  }
  // Out of order (Readability moved it): search from the start, without moving the cursor.
  for (let j = 0; j < m.cursor && j < m.nodes.length; j++) {
    const at = m.nodes[j].text.indexOf(text);
    if (at >= 0) return slice(m.nodes[j], at, text.length);
  }
  return null;
}

// linkedom node types
const ELEMENT = 1;
const TEXT = 3;

function walk(node: any, b: Builder, m: Matcher, pre: boolean): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT) {
      const t: string = child.textContent ?? '';
      if (!t) continue;
      const hit = /\S/.test(t) ? findNode(m, t) : null;
      if (!hit && /\S/.test(t)) m.unmatched++;
      const simple = hit && hit.segs.length === 1 && !hit.segs[0].node.starts ? hit.segs[0].node.start + hit.segs[0].at : -1;
      for (let q = 0; q < t.length; q++) {
        const c = t.charCodeAt(q);
        let s: number;
        let e: number;
        if (simple >= 0) {
          s = simple + q;
          e = s + 1;
        } else if (hit) [s, e] = matchPos(hit, q);
        else s = e = b.lastEnd;
        if (!pre && isSpaceCode(c)) b.space(s, e);
        else if (pre && c === 10) {
          b.breakAt(1);
        } else b.push(t[q], s, e);
      }
    } else if (child.nodeType === ELEMENT) {
      const name = String(child.localName ?? child.tagName ?? '').toLowerCase();
      if (SKIP.has(name)) continue;
      if (name === 'br') {
        b.breakAt(1);
        continue;
      }
      const block = BLOCK.has(name);
      if (block) b.breakAt(2);
      walk(child, b, m, pre || name === 'pre');
      if (block) b.breakAt(2);
    }
  }
}

function first(...vals: (string | null | undefined)[]): string | undefined {
  for (const v of vals) {
    if (v && v.trim()) return v.trim().replace(/\s+/g, ' ');
  }
  return undefined;
}

const metaIndex = new WeakMap<object, Map<string, string>>();

/** content of the first <meta property|name|itemprop=KEY> among the keys (case-insensitive keys). */
function metaContent(doc: any, ...keys: string[]): string | undefined {
  let idx = metaIndex.get(doc);
  if (!idx) {
    idx = new Map();
    for (const el of doc.querySelectorAll('meta')) {
      const v = el.getAttribute('content');
      if (!v || !v.trim()) continue;
      for (const a of ['property', 'name', 'itemprop']) {
        const k = el.getAttribute(a);
        if (k && !idx.has(k.toLowerCase())) idx.set(k.toLowerCase(), v.trim());
      }
    }
    metaIndex.set(doc, idx);
  }
  for (const k of keys) {
    const v = idx.get(k.toLowerCase());
    if (v) return v;
  }
  return undefined;
}

function jsonLd(doc: any): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const s of doc.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const v = JSON.parse(s.textContent ?? '');
      const stack = Array.isArray(v) ? [...v] : [v];
      while (stack.length) {
        const o = stack.shift();
        if (!o || typeof o !== 'object') continue;
        if (Array.isArray(o['@graph'])) stack.push(...o['@graph']);
        out.push(o);
      }
    } catch {
      // ignore broken JSON-LD
    }
  }
  return out;
}

function nameOf(v: any): string | undefined {
  if (!v) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const names = v.map(nameOf).filter(Boolean);
    return names.length ? names.join(', ') : undefined;
  }
  if (typeof v === 'object') return typeof v.name === 'string' ? v.name : undefined;
  return undefined;
}

const ARTICLE_TYPES = /Article|Posting|Report|Blog|NewsArticle|WebPage/i;

/** Metadata from meta tags, JSON-LD, <time>, <link rel=canonical>, <html lang>. */
export function extractMetadata(doc: any, url?: string): Metadata {
  const ld = jsonLd(doc);
  const art = ld.find((o) => ARTICLE_TYPES.test(String(o['@type'] ?? ''))) ?? ld[0] ?? {};
  const time = doc.querySelector('time[datetime]');
  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href');
  const meta: Metadata = {};
  const title = first(
    metaContent(doc, 'og:title', 'twitter:title'),
    typeof art.headline === 'string' ? art.headline : undefined,
    doc.querySelector('title')?.textContent,
  );
  if (title) meta.title = title;
  const author = first(
    nameOf(art.author),
    metaContent(doc, 'author', 'article:author', 'byl', 'dc.creator', 'parsely-author', 'sailthru.author'),
    doc.querySelector('[rel="author"]')?.textContent,
  );
  if (author && !/^https?:/.test(author)) meta.author = author.replace(/^by\s+/i, '');
  const published = first(
    typeof art.datePublished === 'string' ? art.datePublished : undefined,
    metaContent(doc, 'article:published_time', 'datePublished', 'pubdate', 'publishdate', 'date', 'dc.date', 'dc.date.issued', 'sailthru.date', 'parsely-pub-date'),
    time?.getAttribute('datetime'),
  );
  if (published) meta.published = published;
  const modified = first(
    typeof art.dateModified === 'string' ? art.dateModified : undefined,
    metaContent(doc, 'article:modified_time', 'og:updated_time', 'dateModified', 'last-modified'),
  );
  if (modified) meta.modified = modified;
  const site = first(metaContent(doc, 'og:site_name', 'application-name'), nameOf(art.publisher));
  if (site) meta.site = site;
  let canon = first(canonical, metaContent(doc, 'og:url'));
  if (canon) {
    try {
      canon = new URL(canon, url).href;
    } catch {
      // keep as is
    }
    meta.url = canon;
  } else if (url) meta.url = url;
  const lang = first(
    doc.documentElement?.getAttribute?.('lang'),
    doc.querySelector('meta[http-equiv="content-language" i]')?.getAttribute('content'),
    metaContent(doc, 'og:locale', 'language', 'dc.language'),
    typeof art.inLanguage === 'string' ? art.inLanguage : undefined,
  );
  if (lang) meta.language = lang.replace('_', '-');
  return meta;
}

/**
 * Extract the main text of an HTML page. The clean text's spans map into `html` (the page
 * source as decoded). A page with no article falls back to all visible text, with a warning.
 */
export function extractHtml(html: string, url?: string): HtmlExtract {
  const warnings: string[] = [];
  const nodes = sourceTextNodes(html);
  let document: any;
  try {
    document = parseHTML(html).document;
  } catch (e) {
    warnings.push(`could not parse the HTML (${(e as Error).message}); using its text`);
    return fromNodes(nodes, html.length, {}, warnings);
  }
  const meta = extractMetadata(document, url);
  // Readability leaves out a headline that sits outside the article's container, or that repeats
  // the title: the page's h1 naming the title is put back in front (read before Readability
  // changes the DOM).
  const headline = headlineOf(document, meta);
  const standfirst = headline ? standfirstOf(document, headline) : null;
  let article: any = null;
  const tooBig = html.length > MAX_READABILITY;
  if (tooBig) warnings.push(`page is too large for article extraction (${(html.length / 1e6).toFixed(1)} M characters); using all its visible text`);
  else try {
    // Readability changes the DOM in place; the metadata is read already.
    const r = new (domLib().Readability)(document as unknown as Document, { serializer: (n: Node) => n as any });
    const res = r.parse();
    if (res && res.content && (res.textContent ?? '').trim().length >= 140) {
      article = res.content;
      if (!meta.title && res.title) meta.title = res.title;
      if (!meta.author && res.byline) meta.author = res.byline.trim();
      if (!meta.site && res.siteName) meta.site = res.siteName;
      if (!meta.published && res.publishedTime) meta.published = res.publishedTime;
      if (!meta.language && res.lang) meta.language = res.lang;
    }
  } catch (e) {
    warnings.push(`article extraction failed (${(e as Error).message})`);
  }
  if (!article && !tooBig) {
    // The visible-text fallback needs the page as it was: parse it again (rare).
    try {
      document = parseHTML(html).document;
    } catch {
      return fromNodes(nodes, html.length, meta, warnings);
    }
  }
  const body = document.body;
  if (!article && !tooBig) warnings.push('no article found in the page; using all its visible text');
  const b = new Builder();
  const m: Matcher = { nodes, cursor: 0, offset: 0, unmatched: 0 };
  // (the whole document, not just <body>: on broken pages the parser may leave text outside
  // it; <head> is skipped by the walk)
  const root = article ?? document.documentElement ?? body;
  if (article && headline && !startsWithHeadline(article, headline)) {
    walk(headline, b, m, false);
    b.breakAt(2);
    // and the standfirst beside it (the page's description, shown under the headline)
    if (standfirst && !startsWithHeadline(article, standfirst)) {
      walk(standfirst, b, m, false);
      b.breakAt(2);
    }
  }
  if (root) walk(root, b, m, false);
  if (m.unmatched > 0) warnings.push(`${m.unmatched} text node(s) of the article could not be located in the source; their spans are empty`);
  return finish(b, html.length, meta, warnings, !!article);
}

const norm = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The page's headline: the first h1 (else h2) whose text is the title, or the title less a site name before or after it. */
function headlineOf(document: any, meta: Metadata): any {
  const titles = [meta.title, document.querySelector('title')?.textContent].map(norm).filter((t) => t.length > 0);
  if (!titles.length) return null;
  for (const sel of ['h1', 'h2']) {
    for (const el of document.querySelectorAll(sel)) {
      const t = norm(el.textContent);
      if (t.length < 8) continue;
      if (titles.some((x) => x === t || ((x.startsWith(t) || x.endsWith(t)) && t.length >= 0.4 * x.length) || (t.startsWith(x) && x.length >= 0.6 * t.length))) return el;
    }
  }
  return null;
}

/** The element near the headline (in its block) whose text is the page's description. */
function standfirstOf(document: any, headline: any): any {
  const want = norm(metaContent(document, 'og:description', 'description', 'twitter:description'));
  if (want.length < 20) return null;
  for (let up = headline.parentNode, level = 0; up && level < 2; up = up.parentNode, level++) {
    let best: any = null;
    for (const el of up.querySelectorAll?.('p, div, h2, h3, span, strong, em') ?? []) {
      if (el === headline || norm(el.textContent) !== want) continue;
      best = el; // the innermost one: descendants come after their ancestors
    }
    if (best) return best;
  }
  return null;
}

/** Whether the extracted article already begins with (or holds near its start) the headline. */
function startsWithHeadline(article: any, headline: any): boolean {
  const h = norm(headline.textContent);
  return norm(String(article.textContent ?? '').slice(0, 2000)).includes(h);
}

function fromNodes(nodes: SrcText[], len: number, meta: Metadata, warnings: string[]): HtmlExtract {
  const b = new Builder();
  for (const t of nodes) {
    for (let q = 0; q < t.text.length; q++) {
      const c = t.text.charCodeAt(q);
      if (isSpaceCode(c)) b.space(posStart(t, q), posEnd(t, q));
      else b.push(t.text[q], posStart(t, q), posEnd(t, q));
    }
    b.breakAt(2);
  }
  return finish(b, len, meta, warnings, false);
}

function finish(b: Builder, len: number, meta: Metadata, warnings: string[], article: boolean): HtmlExtract {
  const n = b.text.length;
  const map = new Uint32Array(n + 1);
  const mapEnd = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    map[i] = b.starts[i];
    mapEnd[i] = b.ends[i];
  }
  map[n] = len;
  return { text: b.text, map, mapEnd, meta, warnings, article };
}
