// Token F1 and the hand-located ground truth of bench/extract.ts (also used by test/extract.test.ts).

import { parseHTML } from 'linkedom';

export function tokens(s: string): string[] {
  return s.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function tokenF1(pred: string, truth: string): { p: number; r: number; f1: number } {
  const a = tokens(pred);
  const b = tokens(truth);
  const count = new Map<string, number>();
  for (const t of b) count.set(t, (count.get(t) ?? 0) + 1);
  let hit = 0;
  for (const t of a) {
    const c = count.get(t);
    if (c) {
      hit++;
      count.set(t, c - 1);
    }
  }
  const p = a.length ? hit / a.length : b.length ? 0 : 1;
  const r = b.length ? hit / b.length : 1;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
}

const BLOCK = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'table', 'tr', 'td', 'th', 'section', 'article', 'header', 'footer', 'blockquote', 'pre', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'main', 'aside', 'nav', 'br', 'hr']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'button']);

/** Visible text of an element with line breaks at blocks (for the hand-located ground truth). */
function textOf(el: any, out: string[]): void {
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3) out.push(c.textContent);
    else if (c.nodeType === 1) {
      const name = String(c.localName).toLowerCase();
      if (SKIP.has(name) || c.getAttribute?.('data-truth-skip') !== null) continue;
      if (BLOCK.has(name)) out.push('\n');
      textOf(c, out);
      if (BLOCK.has(name)) out.push('\n');
    }
  }
}

export interface WarcSpec {
  warc: string;
  url: string;
  include: string[];
  exclude?: string[];
  dropLines?: string;
}

export function truthOfSpec(html: string, spec: WarcSpec): string {
  const { document } = parseHTML(html);
  for (const sel of spec.exclude ?? []) for (const el of document.querySelectorAll(sel)) el.setAttribute('data-truth-skip', '');
  const picked = new Set<any>();
  for (const sel of spec.include) for (const el of document.querySelectorAll(sel)) picked.add(el);
  // page order, outermost only
  const all = [...document.querySelectorAll('*')].filter((el) => picked.has(el));
  const out: string[] = [];
  for (const el of all) {
    let up = el.parentNode;
    let inside = false;
    while (up) {
      if (picked.has(up)) inside = true;
      up = up.parentNode;
    }
    if (inside || el.getAttribute('data-truth-skip') !== null) continue;
    out.push('\n');
    textOf(el, out);
    out.push('\n');
  }
  const drop = spec.dropLines ? new RegExp(spec.dropLines) : null;
  return out
    .join('')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l && !(drop && drop.test(l)))
    .join('\n');
}


/** The article text of a cleaned document: its text with the boilerplate spans left out. */
export function withoutBoilerplate(doc: { text: string; boilerplate: [number, number][] }): string {
  let s = '';
  let at = 0;
  for (const [a, b] of doc.boilerplate) {
    s += doc.text.slice(at, a) + '\n';
    at = b;
  }
  return s + doc.text.slice(at);
}
