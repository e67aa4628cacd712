// index.html: one self-contained file (no network) to read each pair side by side.
// Document text is never put into markup: it travels as JSON and the page's script inserts it
// with textContent, so a document containing <script> shows as text.

import type { Doc, Pair, Span, Story } from '../types.ts';
import type { ScanResult } from '../engine.ts';
import { codePointIndex } from '../clean/offsets.ts';
import { titleOf } from '../relate/index.ts';
import { docsOf, type Report } from './json.ts';
import { count } from './words.ts';

/** JSON that is safe inside <script type="application/json">. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root { --fg:#1d1d1f; --muted:#6b6b70; --line:#e3e3e8; --bg:#fff; --accent:#2458d3; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
header { padding: 12px 20px; border-bottom:1px solid var(--line); display:flex; gap:16px; align-items:baseline; }
header h1 { font-size:18px; margin:0; }
header .muted { color:var(--muted); }
main { display:grid; grid-template-columns: 320px 1fr; height: calc(100vh - 52px); }
nav { border-right:1px solid var(--line); overflow-y:auto; overflow-x:hidden; padding: 8px 12px; min-width:0; }
nav h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); margin:14px 0 6px; }
nav .story-title { font-size:13.5px; font-weight:600; margin: 0 0 4px; overflow-wrap:anywhere; }
nav button { display:flex; gap:5px; width:100%; white-space:nowrap; text-align:left; background:none; border:1px solid transparent; border-radius:6px; padding:6px 8px; cursor:pointer; font:inherit; font-size:12.5px; }
nav button .id { min-width:0; overflow:hidden; text-overflow:ellipsis; }
nav button .pct { margin-left:auto; padding-left:6px; }
nav button:hover, nav button.active { background:#f1f4fb; border-color:#d5def5; }
nav .tree { font-family: ui-monospace, monospace; font-size:12.5px; color:var(--muted); margin: 0 0 8px; }
nav .tree div { white-space:pre; overflow:hidden; text-overflow:ellipsis; }
#view { overflow:auto; padding: 12px 20px; }
.pairhead { margin-bottom: 10px; }
.pairhead .ev { color:var(--muted); font-size:13px; }
.cols { display:grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.col h3 { font-size:14px; margin: 0 0 6px; }
.text { white-space: pre-wrap; border:1px solid var(--line); border-radius:8px; padding:12px; max-height: calc(100vh - 190px); overflow:auto; font-size:14px; }
mark { border-radius:3px; padding:0 1px; cursor:pointer; }
mark.focus { outline: 2px solid var(--accent); }
.boiler { color:#a0a0a8; }
.chg { text-decoration: underline wavy #c0392b; }
.legend { font-size:12.5px; color:var(--muted); }
.changes { margin: 6px 0 12px; padding-left: 20px; font-size:13.5px; max-height: 30vh; overflow:auto; }
.changes li { cursor:pointer; margin: 2px 0; }
.changes li:hover { background:#f1f4fb; }
.changes .kind { font-weight:600; }
.what { box-shadow: inset 0 -2px 0 #8e44ad; }
.what.focus { background:#f3e5ff; outline: 2px solid #8e44ad; }
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById('data').textContent);
const docs = new Map(data.documents.map(d => [d.id, d]));
const colors = ['#ffe08a','#b9e6ff','#c9f2c0','#ffc9de','#e2d2ff','#ffd6b0','#c4f0ec','#f4f1a8'];
const el = (tag, props = {}, ...kids) => { const e = document.createElement(tag); Object.assign(e, props); for (const k of kids) e.append(k); return e; };
const pct = x => Math.round(x * 100) + '%';

function cpSlice(chars, s, e) { return chars.slice(s, e).join(''); }

// Render text (array of code points) with passages highlighted, changes and boilerplate marked.
function render(container, text, marks, changes, boiler, what = []) {
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const w of what) { cuts.add(w.span[0]); cuts.add(w.span[1]); }
  for (const m of marks) { cuts.add(m.span[0]); cuts.add(m.span[1]); }
  for (const c of changes) { cuts.add(c[0]); cuts.add(c[1]); }
  for (const b of boiler) { cuts.add(b[0]); cuts.add(b[1]); }
  const pts = [...cuts].filter(x => x >= 0 && x <= chars.length).sort((a, b) => a - b);
  container.textContent = '';
  for (let i = 0; i + 1 < pts.length; i++) {
    const [s, e] = [pts[i], pts[i + 1]];
    if (s === e) continue;
    const piece = cpSlice(chars, s, e);
    const m = marks.find(m => m.span[0] <= s && e <= m.span[1]);
    const isChange = changes.some(c => c[0] <= s && e <= c[1]);
    const isBoiler = boiler.some(b => b[0] <= s && e <= b[1]);
    let node;
    if (m) {
      node = el('mark', { textContent: piece, title: m.title });
      node.style.background = m.color;
      node.dataset.p = m.index;
      node.onclick = () => focusPassage(m.index);
    } else node = el('span', { textContent: piece });
    if (isChange) node.classList.add('chg');
    if (isBoiler) node.classList.add('boiler');
    const w = what.find(w => w.span[0] <= s && e <= w.span[1]);
    if (w) { node.classList.add('what'); node.dataset.c = w.index; node.title = (node.title ? node.title + '; ' : '') + w.kind; }
    container.append(node);
  }
}

let current = null, focused = -1;
function focusPassage(i) {
  if (!current || !current.passages.length) return;
  focused = (i + current.passages.length) % current.passages.length;
  for (const m of document.querySelectorAll('mark.focus')) m.classList.remove('focus');
  for (const side of ['left', 'right']) {
    const m = document.querySelector('#' + side + ' mark[data-p="' + focused + '"]');
    if (m) { m.classList.add('focus'); m.scrollIntoView({ block: 'center', behavior: 'smooth' }); }
  }
}

function showPair(p) {
  current = p; focused = -1;
  const s = docs.get(p.source), d = docs.get(p.derived);
  const view = document.getElementById('view');
  view.textContent = '';
  view.append(el('div', { className: 'pairhead' },
    el('div', { textContent: d.id + ' reuses ' + pct(p.sourceCoverage) + ' of ' + s.id + '; ' + pct(p.derivedCoverage) + ' of ' + d.id + ' comes from it (' + p.relation + ', ' + p.passages.length + (p.passages.length === 1 ? ' passage)' : ' passages)') }),
    el('div', { className: 'ev', textContent: 'Direction (' + pct(p.direction.confidence) + ' sure): ' + p.direction.evidence.join('; ') }),
    el('div', { className: 'legend', textContent: 'Cleaned text (encoding repaired, page furniture greyed). Colours pair up passages; wavy underline: changed words. Keys: n / p next / previous passage.' })));
  const mk = (side) => p.passages.map((x, i) => ({ span: x[side], color: colors[i % colors.length], index: i, title: x.kind + ', similarity ' + pct(x.similarity) }));
  const changes = (side) => p.passages.flatMap(x => (x.edits || []).map(e => e[side]));
  const left = el('div', { className: 'text', id: 'left' }), right = el('div', { className: 'text', id: 'right' });
  // What changed: one line each, most important first; a click shows it on both sides.
  const what = (side) => (p.changes || []).map((c, i) => ({ span: c[side], index: i, kind: c.kind })).filter(w => w.span);
  if ((p.changes || []).length) {
    const list = el('ol', { className: 'changes', id: 'changes' });
    p.changes.forEach((c, i) => {
      const li = el('li', {}, el('span', { className: 'kind', textContent: c.kind }), ': ' + c.explanation);
      li.onclick = () => {
        for (const m of document.querySelectorAll('.what.focus')) m.classList.remove('focus');
        for (const side of ['left', 'right']) {
          const ms = document.querySelectorAll('#' + side + ' [data-c="' + i + '"]');
          for (const m of ms) m.classList.add('focus');
          if (ms[0]) ms[0].scrollIntoView({ block: 'center', behavior: 'smooth' });
        }
      };
      list.append(li);
    });
    view.append(el('div', { className: 'legend', textContent: 'What changed (' + p.changes.length + '), most important first; click one to see it:' }), list);
  }
  render(left, s.text, mk('source'), changes('source'), s.boilerplate, what('source'));
  render(right, d.text, mk('derived'), changes('derived'), d.boilerplate, what('derived'));
  view.append(el('div', { className: 'cols' },
    el('div', { className: 'col' }, el('h3', { textContent: 'Source: ' + s.id + ' — ' + s.title }), left),
    el('div', { className: 'col' }, el('h3', { textContent: 'Derived: ' + d.id + ' — ' + d.title }), right)));
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.pair === p);
}

function buildNav() {
  const nav = document.getElementById('nav');
  data.stories.forEach((st, k) => {
    nav.append(el('h2', { textContent: 'Story ' + (st.n || k + 1) + ' (' + st.members.length + ')' }));
    if (st.title) nav.append(el('div', { className: 'story-title', textContent: st.title }));
    // Ids are shortened to fit the sidebar; the full id shows on hover.
    nav.append(el('div', { className: 'tree' }, ...tree(st).map(([prefix, id]) =>
      el('div', { title: id }, prefix, el('span', { textContent: short(id, Math.max(12, 36 - prefix.length)) })))));
    const members = new Set(st.members);
    for (const p of data.pairs) {
      if (p.relation === 'related' || !members.has(p.derived)) continue;
      const b = el('button', { title: p.source + ' → ' + p.derived },
        el('span', { className: 'id', textContent: short(leaf(p.source), 12) }), el('span', { textContent: '→' }),
        el('span', { className: 'id', textContent: short(leaf(p.derived), 12) }), el('span', { className: 'pct', textContent: pct(p.sourceCoverage) }));
      b.pair = p; b.onclick = () => showPair(p);
      nav.append(b);
    }
    if (st.related.length) nav.append(el('div', { className: 'legend', title: st.related.join(', '),
      textContent: 'Related, nothing copied: ' + st.related.map(id => short(id, 24)).join(', ') }));
  });
  if (!data.stories.length) nav.append(el('p', { textContent: 'No shared passages found.' }));
}

// An id shortened to at most max characters: its last path segment ("…/name"), cut in the
// middle where still too long ("…/000-a-page-sa…file-name").
function short(id, max) {
  let cp = [...id], lead = '';
  const slash = id.lastIndexOf('/');
  if (cp.length > max && slash >= 0) { cp = [...id.slice(slash + 1)]; lead = '…/'; }
  if (lead.length + cp.length <= max) return lead + cp.join('');
  const room = max - lead.length - 1, tail = Math.floor(room / 3);
  return lead + cp.slice(0, room - tail).join('') + '…' + cp.slice(cp.length - tail).join('');
}

// The last path segment of an id.
const leaf = (id) => id.slice(id.lastIndexOf('/') + 1);

// The lineage tree as [prefix, id] lines.
function tree(st) {
  const lines = [['', st.root]];
  const children = new Map();
  for (const m of st.members) {
    const p = st.parents[m];
    if (p === undefined) continue;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(m);
  }
  const walk = (id, prefix) => {
    const kids = children.get(id) || [];
    kids.forEach((k, i) => { const last = i === kids.length - 1; lines.push([prefix + (last ? '└─ ' : '├─ '), k]); walk(k, prefix + (last ? '   ' : '│  ')); });
  };
  walk(st.root, '');
  return lines;
}

document.addEventListener('keydown', e => {
  if (e.key === 'n' || e.key === 'j') focusPassage(focused + 1);
  if (e.key === 'p' || e.key === 'k') focusPassage(focused - 1);
});
buildNav();
const first = data.pairs.find(p => p.relation !== 'related');
if (first) showPair(first);
`;

/** At most this many pairs go into the page (the JSON report has them all). */
export const MAX_HTML_PAIRS = 500;

export interface HtmlOptions {
  /** Pairs shown at most (default MAX_HTML_PAIRS). */
  maxPairs?: number;
}

/**
 * The page for a scan result, complete or not: reads just the documents of the pairs it shows
 * (at most `maxPairs`, the first ones of `result.pairs`) from `result.docs` or the store. When
 * pairs are left out, the page shows only the stories of the pairs it has and says so.
 */
export async function htmlReportOf(result: ScanResult, options: HtmlOptions = {}): Promise<string> {
  const pairs = shownPairs(result, options.maxPairs ?? MAX_HTML_PAIRS);
  const docs = await docsOf(result, pairs.flatMap((p) => [p.source, p.derived]));
  return page(result, pairs, docs, (id) => titleOf(docs.get(id)!), result.stats.documents);
}

/**
 * The page from a report and a complete scan result (its documents in `result.docs`); for a
 * result that may be incomplete, use `htmlReportOf`.
 * The page shows each document's clean text (encoding repaired, main text of HTML pages), so its
 * spans are code points of the clean text; report.json keeps spans into the original files.
 */
export function htmlReport(report: Report, result: ScanResult, options: HtmlOptions = {}): string {
  if (!result.complete)
    throw new Error(`htmlReport needs a complete scan result, and this scan of ${result.stats.documents} documents is incomplete: use htmlReportOf`);
  const titles = new Map(report.documents.map((d) => [d.id, d.title]));
  const pairs = shownPairs(result, options.maxPairs ?? MAX_HTML_PAIRS);
  return page(result, pairs, result.docs, (id) => titles.get(id) ?? id, report.documents.length);
}

function shownPairs(result: ScanResult, max: number): Pair[] {
  const out: Pair[] = [];
  for (const p of result.pairs) {
    if (out.length >= max) break;
    if (p.relation !== 'related') out.push(p);
  }
  return out;
}

function page(
  result: ScanResult,
  pairs: Pair[],
  docs: Map<string, Doc>,
  titleOfId: (id: string) => string,
  documentCount: number,
): string {
  const total = result.pairs.reduce((n, p) => n + (p.relation === 'related' ? 0 : 1), 0);
  const omitted = total - pairs.length;
  const needed = new Set(pairs.flatMap((p) => [p.source, p.derived]));
  const cps = new Map<string, Uint32Array>();
  const cp = (id: string) => {
    let c = cps.get(id);
    if (!c) cps.set(id, (c = codePointIndex(docs.get(id)!.text)));
    return c;
  };
  const span = (id: string, s: Span): Span => [cp(id)[s[0]], cp(id)[s[1]]];
  const documents = [...needed].map((id) => {
    const doc = docs.get(id)!;
    return { id, title: titleOfId(id), text: doc.text, boilerplate: doc.boilerplate.map((b) => span(id, b)) };
  });
  // When pairs are left out, only the stories of the pairs shown (the page lists a story's
  // pairs), numbered as in report.json.
  let stories: (Story & { n?: number })[] = result.stories;
  if (omitted > 0) {
    const shownIn = new Set(pairs.map((p) => p.derived));
    stories = [];
    result.stories.forEach((st, k) => {
      if (st.members.some((m) => shownIn.has(m))) stories.push({ ...st, n: k + 1 });
    });
  }
  const data = {
    documents,
    stories,
    pairs: pairs.map((p) => ({
      source: p.source,
      derived: p.derived,
      relation: p.relation,
      sourceCoverage: p.sourceCoverage,
      derivedCoverage: p.derivedCoverage,
      direction: p.direction,
      passages: p.passages.map((x) => ({
        source: span(p.source, x.source),
        derived: span(p.derived, x.derived),
        kind: x.kind,
        similarity: x.similarity,
        edits: x.edits?.map((e) => ({ op: e.op, source: span(p.source, e.source), derived: span(p.derived, e.derived) })),
      })),
      changes: (p.changes ?? []).map((c) => ({
        kind: c.kind,
        explanation: c.explanation,
        source: c.source && span(p.source, c.source),
        derived: c.derived && span(p.derived, c.derived),
      })),
    })),
  };
  const nStories = result.stories.length;
  const counts = `${count(documentCount, 'document')}, ${count(nStories, 'story')}, `;
  const head =
    omitted > 0
      ? `${counts}${count(total, 'pair')}. This page shows only part of them: the first ${pairs.length} of ${total} pairs ` +
        `(and the ${stories.length} of ${count(nStories, 'story')} they belong to); see report.json for all.`
      : `${counts}${count(pairs.length, 'pair')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>reprint report</title><style>${STYLE}</style></head>
<body><header><h1>reprint</h1><span class="muted">${escapeHtml(head)}</span></header>
<main><nav id="nav"></nav><section id="view"></section></main>
<script type="application/json" id="data">${safeJson(data)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
