// The reprint web app: plain TypeScript, no framework, no network beyond its own API.
// Rule: document text and metadata go into the page only through textContent / setAttribute on
// elements we create; never through innerHTML.

type Span = [number, number];

interface DocSummary { id: string; title: string; site?: string; date?: string; url?: string; chars: number }
interface DocView extends DocSummary { text: string; boilerplate: Span[]; outside: Span[]; path: string; encoding?: string; repairs: unknown[] }
interface TracePassage { query: Span; source: Span; kind: string; similarity: number; edits?: { op: string; query: Span; source: Span }[] }
interface TraceSource extends DocSummary { queryCoverage: number; sourceCoverage: number; passages: TracePassage[] }
interface StorySummary { id: string; title: string; root: string; size: number; firstSeen: string | null; sites: string[]; related: number }
interface StoryMember extends DocSummary { parent: string | null; depth: number; reuse: number | null; relation: string | null }
interface StoryEdge { source: string; derived: string; relation: string; reuse: number; sourceCoverage: number; derivedCoverage: number; confidence: number; evidence: string[]; lineage: boolean }
interface StoryView extends StorySummary { parents: Record<string, string>; members: StoryMember[]; relatedDocs: DocSummary[]; edges: StoryEdge[] }
interface PairPassage { source: Span; derived: Span; similarity: number; kind: string; edits?: { op: string; source: Span; derived: Span }[] }
interface PairChange { kind: string; source: Span | null; derived: Span | null; explanation: string; tracedTo?: string }
interface PairView {
  source: DocView; derived: DocView; relation: string | null; found: boolean;
  sourceCoverage: number; derivedCoverage: number; direction: { confidence: number; evidence: string[] }; passages: PairPassage[];
  changes?: PairChange[];
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only)

type Child = Node | string | null | undefined | false;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<'className' | 'textContent' | 'title' | 'href' | 'id' | 'type', string>> = {}, ...kids: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) (e as unknown as Record<string, string>)[k] = v;
  for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}
const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number> = {}, ...kids: Child[]): SVGElement {
  const e = document.createElementNS(SVGNS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}
/** Make `zone` take dropped files (highlighted while dragged over). */
function onDropFiles(zone: HTMLElement, take: (files: FileList) => unknown): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files.length) take(e.dataTransfer.files);
  });
}

const pct = (x: number) => Math.round(x * 100) + '%';
const enc = encodeURIComponent;
const link = (href: string, text: string, cls = '') => el('a', { href, textContent: text, className: cls });
const docLink = (id: string) => link('#/doc/' + enc(id), id, 'mono');
const pairHref = (s: string, d: string) => '#/pair/' + enc(s) + '/' + enc(d);
const short = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
const COLORS = ['#ffe08a', '#b9e6ff', '#c9f2c0', '#ffc9de', '#e2d2ff', '#ffd6b0', '#c4f0ec', '#f4f1a8'];

function view(): HTMLElement {
  return document.getElementById('view')!;
}

function showError(where: HTMLElement, e: unknown): void {
  where.append(el('div', { className: 'error', textContent: (e as Error).message || String(e) }));
}

// ---------------------------------------------------------------------------------------------
// API

/** Show cleaned texts (default) or the originals as received. */
function viewMode(): 'clean' | 'original' {
  return sessionStorage.getItem('reprint-view') === 'original' ? 'original' : 'clean';
}

function viewToggle(): HTMLElement {
  const box = el('input', { type: 'checkbox', id: 'view-original' });
  box.checked = viewMode() === 'original';
  box.onchange = () => {
    sessionStorage.setItem('reprint-view', box.checked ? 'original' : 'clean');
    route();
  };
  return el('label', { title: 'The original is the text as received (for a web page: its HTML source), before any repair' }, box, ' show original text');
}

function token(): string {
  return sessionStorage.getItem('reprint-token') ?? '';
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.method === 'POST' && token()) headers.set('Authorization', 'Bearer ' + token());
  const r = await fetch(path, { ...init, headers });
  let body: unknown = null;
  try {
    body = await r.json();
  } catch {
    /* not JSON */
  }
  if (!r.ok) {
    const msg = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : r.status + ' ' + r.statusText;
    const err = new Error(msg) as Error & { body?: unknown };
    err.body = body;
    throw err;
  }
  return body as T;
}

async function refreshCount(): Promise<void> {
  try {
    const h = await api<{ documents: number }>('/api/health');
    document.getElementById('count')!.textContent = h.documents + ' document' + (h.documents === 1 ? '' : 's') + ' indexed';
  } catch {
    /* the page still works */
  }
}

// ---------------------------------------------------------------------------------------------
// Text with highlights: layers of spans (code points) turned into marked pieces.

interface Layer {
  span: Span;
  /** Passage number: piece becomes <mark class="p" data-p=...>. */
  passage?: number;
  cls?: string;
  title?: string;
  /** Change number: the piece gets data-c (see "What changed" in the pair view). */
  change?: number;
}

function renderText(container: HTMLElement, text: string, layers: Layer[]): void {
  const chars = Array.from(text);
  const n = chars.length;
  const valid = layers.filter((l) => l.span[1] > l.span[0] && l.span[0] < n);
  const cuts = new Set<number>([0, n]);
  for (const l of valid) {
    cuts.add(Math.max(0, l.span[0]));
    cuts.add(Math.min(n, l.span[1]));
  }
  const pts = [...cuts].sort((a, b) => a - b);
  const sorted = [...valid].sort((a, b) => a.span[0] - b.span[0]);
  let active: Layer[] = [];
  let li = 0;
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i];
    const b = pts[i + 1];
    while (li < sorted.length && sorted[li].span[0] <= a) active.push(sorted[li++]);
    active = active.filter((l) => l.span[1] > a);
    const piece = chars.slice(a, b).join('');
    if (!active.length) {
      frag.append(piece);
      continue;
    }
    const p = active.find((l) => l.passage !== undefined);
    const node = p ? el('mark', { className: 'p' }) : el('span');
    node.textContent = piece;
    if (p) {
      node.dataset.p = String(p.passage);
      node.style.background = COLORS[p.passage! % COLORS.length];
      if (p.title) node.title = p.title;
    }
    for (const l of active) if (l.cls) node.classList.add(l.cls);
    const ch = active.find((l) => l.change !== undefined);
    if (ch) node.dataset.c = String(ch.change);
    const t = active.find((l) => l.passage === undefined && l.title);
    if (t) node.title = (node.title ? node.title + ' — ' : '') + t.title;
    frag.append(node);
  }
  container.textContent = '';
  container.append(frag);
}

// ---------------------------------------------------------------------------------------------
// Side by side: two texts, passages in matching colours, edits marked, linked scrolling, keys.

interface Side {
  heading: string;
  doc: { id?: string; title?: string; site?: string; date?: string; text: string; boilerplate: Span[]; outside: Span[] };
}
interface SPassage { left: Span; right: Span; kind: string; similarity: number; edits: { op: string; left: Span; right: Span }[] }

let keyHandler: ((e: KeyboardEvent) => void) | null = null;
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  keyHandler?.(e);
});

function sideBySide(left: Side, right: Side, passages: SPassage[], extra: [Layer[], Layer[]] = [[], []]): HTMLElement {
  const wrap = el('div', { className: 'sbs' });
  const status = el('span', { className: 'status', textContent: passages.length + ' passage' + (passages.length === 1 ? '' : 's') + '. ' });
  const linkBox = el('input', { type: 'checkbox' });
  linkBox.checked = true;
  wrap.append(
    el(
      'div',
      { className: 'legend' },
      el('span', { className: 'k', textContent: 'matching colours: the same passage' }),
      el('span', { className: 'k ins', textContent: 'inserted' }),
      el('span', { className: 'k del', textContent: 'deleted' }),
      el('span', { className: 'k rep', textContent: 'replaced' }),
      el('span', { className: 'k boiler', textContent: 'boilerplate' }),
      el('span', {}, el('kbd', { textContent: 'n' }), ' / ', el('kbd', { textContent: 'p' }), ' (or ', el('kbd', { textContent: 'j' }), ' / ', el('kbd', { textContent: 'k' }), ') next / previous passage'),
      el('label', {}, linkBox, ' link scrolling'),
      viewToggle(),
    ),
    el('div', { className: 'row' }, status),
  );
  const panes: HTMLElement[] = [];
  const cols = el('div', { className: 'cols' });
  [left, right].forEach((side, k) => {
    const pane = el('div', { className: 'pane', id: k === 0 ? 'left' : 'right' });
    const layers: Layer[] = [];
    passages.forEach((p, i) => {
      const span = k === 0 ? p.left : p.right;
      layers.push({ span, passage: i, title: 'passage ' + (i + 1) + ': ' + p.kind + ', ' + pct(p.similarity) + ' similar' });
      for (const e of p.edits) {
        const s = k === 0 ? e.left : e.right;
        // Left side shows what was deleted or replaced; right side what was inserted or replaced.
        if (e.op === 'replace') layers.push({ span: s, cls: 'rep', title: 'replaced' });
        else if (e.op === 'delete' && k === 0) layers.push({ span: s, cls: 'del', title: 'deleted in the copy' });
        else if (e.op === 'insert' && k === 1) layers.push({ span: s, cls: 'ins', title: 'inserted in the copy' });
      }
    });
    for (const b of side.doc.boilerplate) layers.push({ span: b, cls: 'boiler', title: 'boilerplate' });
    for (const b of side.doc.outside) layers.push({ span: b, cls: 'outside' });
    layers.push(...extra[k]);
    renderText(pane, side.doc.text, layers);
    const meta = [side.doc.site, side.doc.date].filter(Boolean).join(' · ');
    cols.append(
      el(
        'div',
        { className: 'col' },
        el('h3', {}, side.heading + ': ', side.doc.id ? docLink(side.doc.id) : '', side.doc.title ? ' — ' + side.doc.title : ''),
        el('div', { className: 'meta', textContent: meta }),
        pane,
      ),
    );
    panes.push(pane);
  });
  wrap.append(cols);

  // Keyboard navigation and click-to-focus.
  let focused = -1;
  const ignore = new Set<HTMLElement>();
  const setScroll = (pane: HTMLElement, top: number) => {
    const t = Math.max(0, Math.min(pane.scrollHeight - pane.clientHeight, Math.round(top)));
    if (Math.abs(pane.scrollTop - t) > 1) {
      ignore.add(pane);
      pane.scrollTop = t;
    }
  };
  const focus = (i: number) => {
    if (!passages.length) return;
    focused = (i + passages.length) % passages.length;
    for (const m of wrap.querySelectorAll('mark.focus')) m.classList.remove('focus');
    for (const pane of panes) {
      const marks = pane.querySelectorAll<HTMLElement>('mark[data-p="' + focused + '"]');
      marks.forEach((m) => m.classList.add('focus'));
      if (marks[0]) setScroll(pane, marks[0].offsetTop - pane.clientHeight / 4);
    }
    const p = passages[focused];
    status.textContent = 'Passage ' + (focused + 1) + ' of ' + passages.length + ': ' + p.kind + ', ' + pct(p.similarity) + ' similar' + (p.edits.length ? ', ' + p.edits.length + ' word-level change' + (p.edits.length === 1 ? '' : 's') : '') + '.';
  };
  wrap.addEventListener('click', (e) => {
    const m = (e.target as HTMLElement).closest('mark.p') as HTMLElement | null;
    if (m?.dataset.p) focus(Number(m.dataset.p));
  });
  keyHandler = (e) => {
    if (e.key === 'n' || e.key === 'j') focus(focused + 1);
    else if (e.key === 'p' || e.key === 'k') focus(focused - 1);
    else return;
    e.preventDefault();
  };

  // Linked scrolling: a piecewise-linear map between the panes through the passages' tops and bottoms.
  const anchors = (from: number): [number, number][] => {
    const to = 1 - from;
    const pts: [number, number][] = [[0, 0]];
    passages.forEach((_, i) => {
      const a = panes[from].querySelectorAll<HTMLElement>('mark[data-p="' + i + '"]');
      const b = panes[to].querySelectorAll<HTMLElement>('mark[data-p="' + i + '"]');
      if (!a.length || !b.length) return;
      const aEnd = a[a.length - 1];
      const bEnd = b[b.length - 1];
      pts.push([a[0].offsetTop, b[0].offsetTop], [aEnd.offsetTop + aEnd.offsetHeight, bEnd.offsetTop + bEnd.offsetHeight]);
    });
    pts.push([panes[from].scrollHeight, panes[to].scrollHeight]);
    pts.sort((x, y) => x[0] - y[0]);
    const mono: [number, number][] = [];
    for (const p of pts) if (!mono.length || (p[1] >= mono[mono.length - 1][1] && p[0] >= mono[mono.length - 1][0])) mono.push(p);
    return mono;
  };
  const onScroll = (from: number) => () => {
    const src = panes[from];
    if (ignore.delete(src) || !linkBox.checked) return;
    const dst = panes[1 - from];
    const pts = anchors(from);
    const y = src.scrollTop + src.clientHeight / 3;
    let k = 0;
    while (k + 1 < pts.length && pts[k + 1][0] < y) k++;
    const [x0, y0] = pts[k];
    const [x1, y1] = pts[Math.min(k + 1, pts.length - 1)];
    const t = x1 > x0 ? (y - x0) / (x1 - x0) : 0;
    setScroll(dst, y0 + Math.max(0, Math.min(1, t)) * (y1 - y0) - dst.clientHeight / 3);
  };
  panes[0].addEventListener('scroll', onScroll(0), { passive: true });
  panes[1].addEventListener('scroll', onScroll(1), { passive: true });
  return wrap;
}

// ---------------------------------------------------------------------------------------------
// Pages

function tracePage(root: HTMLElement): void {
  root.append(el('h1', { textContent: 'Where did this text come from?' }));
  const area = el('textarea', { id: 'trace-text' });
  area.placeholder = 'Paste an article here, or drop a file on this page…';
  let format: string | undefined;
  const drop = el('div', { className: 'drop', textContent: 'Drop a .txt, .md or .html file here to read it in' });
  const fileIn = el('input', { type: 'file' });
  fileIn.accept = '.txt,.md,.markdown,.html,.htm,text/*';
  const button = el('button', { className: 'primary', textContent: 'Find sources', id: 'trace-go' });
  const out = el('div', { id: 'trace-out' });
  const readFile = async (f: File) => {
    area.value = await f.text();
    format = /\.html?$/i.test(f.name) ? 'html' : /\.(md|markdown)$/i.test(f.name) ? 'markdown' : undefined;
    sessionStorage.setItem('reprint-trace', area.value);
  };
  fileIn.onchange = () => fileIn.files?.[0] && readFile(fileIn.files[0]);
  onDropFiles(drop, (files) => readFile(files[0]).then(() => button.click()));
  area.oninput = () => {
    format = undefined;
    sessionStorage.setItem('reprint-trace', area.value);
  };
  area.value = sessionStorage.getItem('reprint-trace') ?? '';
  root.append(area, el('div', { className: 'row' }, button, fileIn), drop, out);

  button.onclick = async () => {
    out.textContent = '';
    const text = area.value;
    if (!text.trim()) {
      showError(out, 'Paste some text first.');
      return;
    }
    button.disabled = true;
    button.textContent = 'Searching…';
    try {
      const view = viewMode();
      const r = await api<{ sources: TraceSource[]; chars: number; queryText?: string }>('/api/trace', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, format, view }),
      });
      showTrace(out, r.queryText ?? text, r.sources);
    } catch (e) {
      showError(out, e);
    } finally {
      button.disabled = false;
      button.textContent = 'Find sources';
    }
  };
}

function showTrace(out: HTMLElement, text: string, sources: TraceSource[]): void {
  if (!sources.length) {
    out.append(el('div', { className: 'note', textContent: 'No indexed document shares text with this one.' }));
    return;
  }
  out.append(el('h2', { textContent: sources.length + ' source' + (sources.length === 1 ? '' : 's') + ', best first' }));
  const list = el('div', { className: 'sources', id: 'sources' });
  const detail = el('div', { id: 'trace-detail' });
  const cards: HTMLElement[] = [];
  const open = async (s: TraceSource, card: HTMLElement) => {
    cards.forEach((c) => c.classList.remove('selected'));
    card.classList.add('selected');
    detail.textContent = '';
    try {
      const d = await api<DocView>('/api/documents/' + enc(s.id) + '?view=' + viewMode());
      detail.append(
        el('h2', { textContent: 'Side by side with ' + s.id }),
        sideBySide(
          { heading: 'Source', doc: d },
          { heading: 'Your text', doc: { text, boilerplate: [], outside: [] } },
          s.passages.map((p) => ({ left: p.source, right: p.query, kind: p.kind, similarity: p.similarity, edits: (p.edits ?? []).map((e) => ({ op: e.op, left: e.source, right: e.query })) })),
        ),
      );
    } catch (e) {
      showError(detail, e);
    }
  };
  sources.forEach((s, i) => {
    const card = el(
      'div',
      { className: 'source-card' },
      el(
        'div',
        {},
        el(
          'div',
          { className: 'title' },
          el('span', { className: 'mono source-id', textContent: s.id }),
          ' — ',
          s.title,
          s.queryCoverage >= 0.99 && s.sourceCoverage >= 0.99 ? el('span', { className: 'tag same', textContent: 'same text' }) : null,
        ),
        el('div', { className: 'muted small', textContent: [s.site, s.date, s.passages.length + ' passage' + (s.passages.length === 1 ? '' : 's'), s.passages.map((p) => p.kind).filter((k, j, a) => a.indexOf(k) === j).join(', ')].filter(Boolean).join(' · ') }),
      ),
      el(
        'div',
        { className: 'small' },
        el('div', { textContent: pct(s.queryCoverage) + ' of your text comes from it' }),
        bar(s.queryCoverage),
        el('div', { textContent: pct(s.sourceCoverage) + ' of it is in your text' }),
        bar(s.sourceCoverage, 'b'),
      ),
    );
    card.style.cursor = 'pointer';
    card.onclick = () => open(s, card);
    cards.push(card);
    list.append(card);
    if (i === 0) open(s, card);
  });
  out.append(list, detail);
}

function bar(x: number, cls = ''): HTMLElement {
  const i = el('i');
  i.style.width = Math.round(Math.max(0, Math.min(1, x)) * 100) + '%';
  return el('div', { className: 'bar ' + cls }, i);
}

async function storiesPage(root: HTMLElement): Promise<void> {
  root.append(el('h1', { textContent: 'Stories' }));
  const wait = el('p', { className: 'muted', textContent: 'Scanning the index for reuse… (the first scan after adding documents takes a while on a large index)' });
  root.append(wait);
  const r = await api<{ stories: StorySummary[]; total: number }>('/api/stories').finally(() => wait.remove());
  if (!r.stories.length) {
    root.append(el('div', { className: 'note' }, 'No stories yet: no two indexed documents share text. ', link('#/add', 'Add documents'), '.'));
    return;
  }
  const tbody = el('tbody');
  for (const s of r.stories) {
    tbody.append(
      el(
        'tr',
        { className: 'story-row' },
        el('td', {}, link('#/story/' + enc(s.id), s.title || s.root)),
        el('td', { className: 'num', textContent: String(s.size) }),
        el('td', { textContent: s.firstSeen ?? '—' }),
        el('td', {}, ...(s.sites.length ? s.sites.map((x) => el('span', { className: 'tag', textContent: x })) : ['—'])),
      ),
    );
  }
  if (r.total > r.stories.length) root.append(el('p', { className: 'muted', textContent: 'The ' + r.stories.length + ' largest of ' + r.total + ' stories.' }));
  root.append(
    el(
      'table',
      { id: 'stories' },
      el('thead', {}, el('tr', {}, el('th', { textContent: 'Title' }), el('th', { className: 'num', textContent: 'Documents' }), el('th', { textContent: 'First seen' }), el('th', { textContent: 'Sites' }))),
      tbody,
    ),
  );
}

/** Tree layout: each root's subtree side by side, leaves spread evenly, parents over their children. */
function layout(members: StoryMember[]): Map<string, { x: number; y: number }> {
  const ids = new Set(members.map((m) => m.id));
  const kids = new Map<string, string[]>();
  const roots: string[] = [];
  for (const m of members) {
    if (m.parent && ids.has(m.parent)) {
      if (!kids.has(m.parent)) kids.set(m.parent, []);
      kids.get(m.parent)!.push(m.id);
    } else roots.push(m.id);
  }
  const pos = new Map<string, { x: number; y: number }>();
  let next = 0;
  const place = (id: string, depth: number, seen: Set<string>): number => {
    seen.add(id);
    const ch = (kids.get(id) ?? []).filter((c) => !seen.has(c));
    let x: number;
    if (!ch.length) x = next++;
    else {
      const xs = ch.map((c) => place(c, depth + 1, seen));
      x = (xs[0] + xs[xs.length - 1]) / 2;
    }
    pos.set(id, { x, y: depth });
    return x;
  };
  const seen = new Set<string>();
  for (const r of roots) place(r, 0, seen);
  for (const m of members) if (!pos.has(m.id)) pos.set(m.id, { x: next++, y: 0 });
  return pos;
}

function storyGraph(s: StoryView): SVGElement {
  const W = 210, H = 62, GX = 40, GY = 96, PAD = 20;
  const pos = layout(s.members);
  let maxX = 0, maxY = 0;
  for (const p of pos.values()) {
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const width = PAD * 2 + (maxX + 1) * W + maxX * GX;
  const height = PAD * 2 + (maxY + 1) * H + maxY * GY;
  const g = svg('svg', { class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'lineage of the story' });
  const at = (id: string) => {
    const p = pos.get(id)!;
    return { x: PAD + p.x * (W + GX), y: PAD + p.y * (H + GY) };
  };
  const byId = new Map(s.members.map((m) => [m.id, m]));
  // Edges first, under the nodes.
  for (const m of s.members) {
    if (!m.parent || !byId.has(m.parent)) continue;
    const a = at(m.parent), b = at(m.id);
    const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
    const my = (y1 + y2) / 2;
    const label = m.reuse === null ? (m.relation ?? 'linked') : 'reuses ' + pct(m.reuse);
    const lw = label.length * 7 + 14;
    const lx = (x1 + x2) / 2, ly = my;
    const edge = svg(
      'a',
      { class: 'edge', href: pairHref(m.parent, m.id) },
      svg('title', {}, m.id + ' reuses ' + (m.reuse === null ? '?' : pct(m.reuse)) + ' of ' + m.parent + (m.relation ? ' (' + m.relation + ')' : '') + ' — open side by side'),
      svg('path', { d: `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2 - 6}`, 'marker-end': 'url(#arrow)' }),
      svg('rect', { x: lx - lw / 2, y: ly - 11, width: lw, height: 22, rx: 11 }),
      svg('text', { x: lx, y: ly + 4, 'text-anchor': 'middle' }, label),
    );
    g.append(edge);
  }
  g.prepend(
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a97bd' }))),
  );
  for (const m of s.members) {
    const p = at(m.id);
    const node = svg(
      'a',
      { class: 'node' + (m.id === s.root ? ' root' : ''), href: '#/doc/' + enc(m.id), 'data-id': m.id },
      svg('title', {}, m.id + ' — ' + m.title),
      svg('rect', { x: p.x, y: p.y, width: W, height: H, rx: 8 }),
      svg('text', { x: p.x + 10, y: p.y + 18 }, short(m.id, 28)),
      svg('text', { x: p.x + 10, y: p.y + 35, class: 'sub' }, short(m.site ?? 'site unknown', 30)),
      svg('text', { x: p.x + 10, y: p.y + 51, class: 'sub' }, (m.date ? m.date.slice(0, 10) : 'date unknown') + (m.id === s.root ? ' · source' : '')),
    );
    g.append(node);
  }
  return g;
}

async function storyPage(root: HTMLElement, id: string): Promise<void> {
  const s = await api<StoryView>('/api/stories/' + enc(id));
  root.append(
    el('h1', { textContent: s.title || s.id }),
    el('div', { className: 'muted' }, s.size + (s.size === 1 ? ' document' : ' documents') + ' · first seen ' + (s.firstSeen ?? 'unknown') + ' · source: ', docLink(s.root), s.sites.length ? ' · sites: ' + s.sites.join(', ') : ''),
    el('h2', { textContent: 'Lineage' }),
    el('div', { className: 'graph-wrap', id: 'graph' }, storyGraph(s)),
    el('p', { className: 'muted small', textContent: 'Arrows go from a source to the document that reused it; the label says how much of the source was reused. Click an arrow to read the pair side by side, a box to read the document.' }),
  );
  const tbody = el('tbody');
  for (const e of s.edges) {
    tbody.append(
      el(
        'tr',
        {},
        el('td', {}, docLink(e.source)),
        el('td', {}, docLink(e.derived)),
        el('td', { textContent: e.relation + (e.lineage ? ' (lineage)' : '') }),
        el('td', { className: 'num', textContent: pct(e.reuse) }),
        el('td', { className: 'num', textContent: pct(e.derivedCoverage) }),
        el('td', { className: 'small muted', textContent: pct(e.confidence) + ': ' + e.evidence.join('; ') }),
        el('td', { className: 'nowrap' }, link(pairHref(e.source, e.derived), 'side by side')),
      ),
    );
  }
  root.append(
    el('h2', { textContent: 'Pairs' }),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...['Source', 'Derived', 'Relation'].map((t) => el('th', { textContent: t })), el('th', { className: 'num', textContent: 'Of source reused' }), el('th', { className: 'num', textContent: 'Of copy from source' }), el('th', { textContent: 'Direction' }), el('th'))),
      tbody,
    ),
  );
  if (s.relatedDocs.length) {
    root.append(
      el('h2', { textContent: 'Same topic, nothing copied' }),
      el('ul', {}, ...s.relatedDocs.map((d) => el('li', {}, docLink(d.id), ' — ' + d.title + (d.site ? ' (' + d.site + ')' : '')))),
    );
  }
}

async function pairPage(root: HTMLElement, a: string, b: string): Promise<void> {
  const p = await api<PairView>('/api/pairs/' + enc(a) + '/' + enc(b) + '?view=' + viewMode());
  root.append(
    el(
      'div',
      { className: 'pairhead' },
      el('h1', {}, docLink(p.derived.id), ' reuses ' + pct(p.sourceCoverage) + ' of ', docLink(p.source.id)),
      el('div', { textContent: pct(p.derivedCoverage) + ' of ' + p.derived.id + ' comes from it · ' + (p.relation ?? 'not found by the scan') + ' · ' + p.passages.length + ' passage' + (p.passages.length === 1 ? '' : 's') }),
      el('div', { className: 'ev', textContent: 'Direction (' + pct(p.direction.confidence) + ' sure): ' + p.direction.evidence.join('; ') }),
    ),
  );
  // What changed, most important first; a click shows the change in both texts.
  const changes = p.changes ?? [];
  const marks: [Layer[], Layer[]] = [[], []];
  changes.forEach((c, i) => {
    if (c.source) marks[0].push({ span: c.source, cls: 'what', title: c.kind, change: i });
    if (c.derived) marks[1].push({ span: c.derived, cls: 'what', title: c.kind, change: i });
  });
  if (changes.length) {
    const list = el('ol', { className: 'changes', id: 'changes' });
    changes.forEach((c, i) => {
      const item = el('li', {}, el('b', { textContent: c.kind }), ': ' + c.explanation, ' ', c.tracedTo ? link(pairHref(c.tracedTo, p.derived.id), '(see ' + c.tracedTo + ')') : '');
      item.addEventListener('click', () => {
        for (const m of root.querySelectorAll('.what.focus')) m.classList.remove('focus');
        for (const pane of root.querySelectorAll<HTMLElement>('.pane')) {
          const ms = pane.querySelectorAll<HTMLElement>('[data-c="' + i + '"]');
          ms.forEach((m) => m.classList.add('focus'));
          if (ms[0]) pane.scrollTop = Math.max(0, ms[0].offsetTop - pane.clientHeight / 4);
        }
      });
      list.append(item);
    });
    root.append(el('details', { className: 'what-changed' }, el('summary', { textContent: 'What changed (' + changes.length + '): ' + changes[0].kind }), list));
    (root.querySelector('details.what-changed') as HTMLDetailsElement).open = true;
  } else root.append(el('div', { className: 'muted small', id: 'changes', textContent: 'No change found in what was reused.' }));
  root.append(
    sideBySide(
      { heading: 'Source', doc: p.source },
      { heading: 'Copy', doc: p.derived },
      p.passages.map((x) => ({ left: x.source, right: x.derived, kind: x.kind, similarity: x.similarity, edits: (x.edits ?? []).map((e) => ({ op: e.op, left: e.source, right: e.derived })) })),
      marks,
    ),
  );
}

async function docPage(root: HTMLElement, id: string): Promise<void> {
  const d = await api<DocView>('/api/documents/' + enc(id) + '?view=' + viewMode());
  const pane = el('div', { className: 'pane', id: 'doc-text' });
  renderText(pane, d.text, [...d.boilerplate.map((s): Layer => ({ span: s, cls: 'boiler', title: 'boilerplate' })), ...d.outside.map((s): Layer => ({ span: s, cls: 'outside' }))]);
  root.append(
    el('h1', {}, el('span', { className: 'mono', textContent: d.id }), ' — ', d.title),
    el('div', { className: 'muted small' }, [d.site, d.date, d.chars + ' characters', d.encoding, d.repairs.length ? d.repairs.length + ' repairs' : ''].filter(Boolean).join(' · '), d.url ? ' · ' : '', d.url && /^https?:/i.test(d.url) ? urlLink(d.url) : ''),
    el('div', { className: 'legend' }, el('span', { className: 'k boiler', textContent: 'grey: boilerplate' }), viewToggle()),
  );
  const rel = el('div', { id: 'doc-pairs', className: 'small' });
  root.append(rel, pane);
  try {
    const r = await api<{ story: string | null; pairs: StoryEdge[] }>('/api/documents/' + enc(id) + '/pairs');
    if (r.story) rel.append('In ', link('#/story/' + enc(r.story), r.story), '. ');
    for (const p of r.pairs) {
      const other = p.source === id ? p.derived : p.source;
      const what = p.relation === 'related' ? 'same topic as' : p.source === id ? 'reused by' : 'reuses ' + pct(p.reuse) + ' of';
      rel.append(el('span', { className: 'tag' }, what + ' ', link(pairHref(p.source, p.derived), other)));
    }
    if (!r.pairs.length) rel.append('Shares no text with another indexed document.');
  } catch (e) {
    showError(rel, e);
  }
}

function urlLink(u: string): HTMLElement {
  const a = el('a', { textContent: u });
  a.setAttribute('href', u);
  a.setAttribute('rel', 'noopener noreferrer');
  a.setAttribute('target', '_blank');
  return a;
}

function addPage(root: HTMLElement): void {
  root.append(el('h1', { textContent: 'Add documents' }));
  const out = el('div', { id: 'add-out' });
  const show = (r: { added?: string[]; problems?: { input: string; where?: string; reason: string }[]; documents?: number }) => {
    out.textContent = '';
    out.append(el('div', { className: 'note', textContent: 'Added ' + (r.added?.length ?? 0) + ((r.added?.length ?? 0) === 1 ? ' document' : ' documents') + (r.documents !== undefined ? '; ' + r.documents + ' indexed now.' : '.') }));
    for (const p of r.problems ?? []) out.append(el('div', { className: 'error', textContent: p.input + (p.where ? ' (' + p.where + ')' : '') + ': ' + p.reason }));
    refreshCount();
  };
  const fail = (e: unknown) => {
    const body = (e as { body?: { added?: string[]; problems?: [] } }).body;
    if (body && body.problems) show(body);
    else {
      out.textContent = '';
      showError(out, e);
    }
  };
  const upload = async (files: FileList | File[]) => {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    try {
      show(await api('/api/documents', { method: 'POST', body: form }));
    } catch (e) {
      fail(e);
    }
  };
  const drop = el('div', { className: 'drop', textContent: 'Drop files here (.txt .md .html, or .jsonl batches with id, text, url, title, date)' });
  const fileIn = el('input', { type: 'file' });
  fileIn.multiple = true;
  fileIn.onchange = () => fileIn.files && upload(fileIn.files);
  onDropFiles(drop, upload);
  const id = el('input', { type: 'text', id: 'add-id' });
  id.placeholder = 'document id (required)';
  const url = el('input', { type: 'text', id: 'add-url' });
  url.placeholder = 'URL (optional)';
  const date = el('input', { type: 'text', id: 'add-date' });
  date.placeholder = 'date, e.g. 2019-08-01 (optional)';
  const text = el('textarea', { id: 'add-text' });
  text.placeholder = 'text of the document';
  const go = el('button', { className: 'primary', textContent: 'Add', id: 'add-go' });
  go.onclick = async () => {
    try {
      show(
        await api('/api/documents', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: id.value, text: text.value, url: url.value || undefined, date: date.value || undefined }),
        }),
      );
    } catch (e) {
      fail(e);
    }
  };
  const tok = el('input', { type: 'password', id: 'add-token' });
  tok.placeholder = 'token, if the server was started with one';
  tok.value = token();
  tok.oninput = () => sessionStorage.setItem('reprint-token', tok.value);
  root.append(
    el('div', { className: 'row' }, fileIn, el('span', { className: 'grow' }), el('label', { className: 'small muted', textContent: 'Token (if the server asks for one): ' }), tok),
    drop,
    el('h2', { textContent: 'Or paste one document' }),
    el('div', { className: 'row fields' }, id, url, date),
    text,
    el('div', { className: 'row' }, go),
    out,
  );
}

// ---------------------------------------------------------------------------------------------
// Router

async function route(): Promise<void> {
  const root = view();
  root.textContent = '';
  keyHandler = null;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((x) => {
    try {
      return decodeURIComponent(x);
    } catch {
      return x;
    }
  });
  const page = parts[0] || 'trace';
  for (const a of document.querySelectorAll<HTMLElement>('header nav a')) a.classList.toggle('active', a.dataset.nav === page || (page === 'story' && a.dataset.nav === 'stories'));
  try {
    if (page === 'trace') tracePage(root);
    else if (page === 'stories') await storiesPage(root);
    else if (page === 'story' && parts[1]) await storyPage(root, parts[1]);
    else if (page === 'pair' && parts[1] && parts[2]) await pairPage(root, parts[1], parts[2]);
    else if (page === 'doc' && parts[1]) await docPage(root, parts[1]);
    else if (page === 'add') addPage(root);
    else root.append(el('div', { className: 'note' }, 'No such page. ', link('#/', 'Trace a text'), ' or see the ', link('#/stories', 'stories'), '.'));
  } catch (e) {
    showError(root, e);
  }
  root.dataset.ready = location.hash || '#/';
}

window.addEventListener('hashchange', () => {
  route();
});
route();
refreshCount();
