// The HTTP API through hono's in-process `app.request()`: contract shapes, validation errors,
// safety (token, body limit, origin, escaping), the scan cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Engine } from '../src/engine.ts';
import { createApp } from '../src/server/index.ts';
import { openapi } from '../src/server/openapi.ts';

const SEEDS = new URL('../../shared/data/seeds/', import.meta.url);
const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
const seedId = (prefix: string) => seedFiles.find((f) => f.startsWith(prefix))!.replace(/\.txt$/, '');
const seedText = (prefix: string) => readFileSync(new URL(seedId(prefix) + '.txt', SEEDS), 'utf8');
const S0 = seedId('000');
const S3 = seedId('003');

// Made-up metadata (example domains) so dates and sites have something to show.
const META: Record<string, { date: string; url: string }> = {
  '000': { date: '2019-08-01', url: 'https://www.news.example.com/chicago-police-ice' },
  '001': { date: '2019-08-02', url: 'https://copy.example.org/story/1' },
  '002': { date: '2019-08-03', url: 'https://lawfirm.example.net/blog/ice' },
  '003': { date: '2019-08-03T10:00:00Z', url: 'https://opinion.example.com/bombshell' },
  '004': { date: '2019-07-20', url: 'https://www.news.example.com/earlier' },
};
const seedDocs = seedFiles.map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(new URL(f, SEEDS), 'utf8'), ...META[f.slice(0, 3)] }));

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://localhost' + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function seeded() {
  const engine = new Engine();
  const app = createApp(engine);
  const r = await app.request(post('/api/documents', seedDocs));
  assert.equal(r.status, 201, await r.clone().text());
  return { engine, app };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (r: Response): Promise<Json> => {
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  return (await r.json()) as Json;
};
const isSpan = (s: unknown, max: number) =>
  Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]) && 0 <= s[0] && s[0] <= s[1] && s[1] <= max;
const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}\s]/gu, '').split(/\s+/).filter(Boolean);

test('POST /api/documents adds an array of seed documents and says which', async () => {
  const engine = new Engine();
  const app = createApp(engine);
  const r = await app.request(post('/api/documents', seedDocs));
  assert.equal(r.status, 201);
  const body = await json(r);
  assert.deepEqual([...body.added].sort(), seedDocs.map((d) => d.id).sort());
  assert.deepEqual(body.problems, []);
  assert.equal(body.documents, 5);
  const h = await json(await app.request('/api/health'));
  assert.deepEqual(h, { ok: true, documents: 5 });
});

test('POST /api/documents accepts one object, and refuses bad ones with a JSON error naming the field', async () => {
  const app = createApp(new Engine());
  const one = await app.request(post('/api/documents', { id: 'a', text: 'Just one small document about nothing much.', title: 'A', date: '2020-01-02' }));
  assert.equal(one.status, 201);
  assert.deepEqual((await json(one)).added, ['a']);

  const cases: [unknown, RegExp][] = [
    [{ id: 'b' }, /missing "text"/],
    [{ text: 'hello' }, /missing "id"/],
    [{ id: ['x'], text: 'hello' }, /"id" must be a string/],
    [{ id: 'c', text: '   ' }, /"text" is empty/],
    [{ id: 'c', text: 42 }, /"text" must be a string/],
    [{ id: 'c', text: 'hello', date: 'last Tuesday' }, /"date" is not an ISO 8601 date/],
    [{ id: 'c', text: 'hello', url: 'not a url' }, /"url" is not a valid URL/],
    [{ id: 'c', text: 'hello', title: 7 }, /"title" must be a string/],
    [{ id: 'c', text: 'hello', format: 'pdf' }, /"format" must be/],
    ['[1, 2', /not valid JSON/],
    ['', /body is empty/],
    [[], /empty array/],
    ['"just a string"', /not a JSON object/],
  ];
  for (const [body, re] of cases) {
    const r = await app.request(post('/api/documents', body));
    assert.equal(r.status, 400, `status for ${JSON.stringify(body)}`);
    const b = await json(r);
    assert.equal(typeof b.error, 'string');
    assert.match(b.error, re, `error for ${JSON.stringify(body)}`);
  }
  // Nothing invalid was stored.
  assert.equal((await json(await app.request('/api/health'))).documents, 1);
});

test('POST /api/documents: in an array the bad items are reported by index and the rest added; duplicates give 409', async () => {
  const app = createApp(new Engine());
  const r = await app.request(
    post('/api/documents', [
      { id: 'ok1', text: 'The first good document has enough words.' },
      { id: 'bad', text: '' },
      { id: 'ok2', text: 'The second good document has words too.' },
    ]),
  );
  assert.equal(r.status, 201);
  const b = await json(r);
  assert.deepEqual(b.added, ['ok1', 'ok2']);
  assert.equal(b.problems.length, 1);
  assert.equal(b.problems[0].where, 'item 1');
  assert.match(b.problems[0].reason, /"text" is empty/);

  const dup = await app.request(post('/api/documents', { id: 'ok1', text: 'Another text under a used id.' }));
  assert.equal(dup.status, 409);
  const d = await json(dup);
  assert.match(d.error, /duplicate document id "ok1"/);
  assert.deepEqual(d.added, []);
});

test('POST /api/documents takes a JSONL batch, multipart file uploads and text/plain', async () => {
  const app = createApp(new Engine());
  const jsonl = ['{"id":"j1","text":"A line document for the batch."}', '{"id": broken', '', '{"id":"j2","text":"Another line document.","url":"https://example.org/j2"}'].join('\n');
  const r = await app.request(new Request('http://localhost/api/documents', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: jsonl }));
  assert.equal(r.status, 201);
  const b = await json(r);
  assert.deepEqual(b.added, ['j1', 'j2']);
  assert.equal(b.problems.length, 1);
  assert.equal(b.problems[0].where, 'line 2');
  assert.match(b.problems[0].reason, /bad JSON/);

  const form = new FormData();
  form.append('file', new File(['An uploaded plain text document with words.'], 'notes/up-one.txt', { type: 'text/plain' }));
  form.append('file', new File(['<html><body><p>An uploaded HTML page with words.</p></body></html>'], 'page.html', { type: 'text/html' }));
  form.append('file', new File(['{"id":"up-j","text":"From an uploaded JSONL batch."}\n'], 'batch.jsonl'));
  form.append('file', new File([new Uint8Array([0, 1, 2, 3, 0, 255])], 'blob.txt'));
  const u = await app.request(new Request('http://localhost/api/documents', { method: 'POST', body: form }));
  assert.equal(u.status, 201);
  const ub = await json(u);
  assert.deepEqual([...ub.added].sort(), ['page', 'up-j', 'up-one']);
  const blob = ub.problems.filter((p: Json) => /blob\.txt/.test(p.input));
  assert.equal(blob.length, 1, JSON.stringify(ub.problems));
  assert.match(blob[0].reason, /binary/);

  const empty = await app.request(new Request('http://localhost/api/documents', { method: 'POST', body: new FormData() }));
  assert.ok(empty.status === 400, `empty multipart: ${empty.status}`);

  const t = await app.request(new Request('http://localhost/api/documents?id=plain1', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'A plain body document.' }));
  assert.equal(t.status, 201);
  const noId = await app.request(new Request('http://localhost/api/documents', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'No id here.' }));
  assert.equal(noId.status, 400);
  assert.match((await json(noId)).error, /\?id=/);

  const xml = await app.request(new Request('http://localhost/api/documents', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<doc/>' }));
  assert.equal(xml.status, 415);
  assert.match((await json(xml)).error, /unsupported content type "application\/xml"/);
});

test('POST /api/trace: 003 traces back to 000 with the contract shape, best source first', async () => {
  const { app } = await seeded();
  const text = seedText('003');
  const r = await app.request(post('/api/trace', { text }));
  assert.equal(r.status, 200);
  const b = await json(r);
  assert.ok(Array.isArray(b.sources));
  const ids = b.sources.map((s: Json) => s.id);
  assert.ok(ids.includes(S0), `000 among the sources: ${ids}`);
  // the original comes before the other copies it was taken from
  for (const copy of [seedId('001'), seedId('002')])
    if (ids.includes(copy)) assert.ok(ids.indexOf(S0) < ids.indexOf(copy), `000 ranked before ${copy}: ${ids}`);
  const n = Array.from(text).length;
  for (let i = 0; i < b.sources.length; i++) {
    const s: Json = b.sources[i];
    assert.equal(typeof s.id, 'string');
    assert.ok(s.queryCoverage >= 0 && s.queryCoverage <= 1);
    assert.ok(s.sourceCoverage >= 0 && s.sourceCoverage <= 1);
    if (i > 0 && b.sources[i - 1].id !== S0) assert.ok(b.sources[i - 1].queryCoverage >= s.queryCoverage, 'sorted by coverage of the query, originals before their copies');
    assert.ok(s.passages.length > 0);
    const srcLen = Array.from(seedDocs.find((d) => d.id === s.id)!.text).length;
    for (const p of s.passages) {
      assert.ok(isSpan(p.query, n), `query span ${p.query}`);
      assert.ok(isSpan(p.source, srcLen), `source span ${p.source}`);
      assert.ok(['verbatim', 'edited', 'paraphrase'].includes(p.kind));
    }
  }
  // The passages of 000 really are text of 000 found in 003.
  const s0 = b.sources.find((s: Json) => s.id === S0);
  const src = Array.from(seedText('000'));
  const q = Array.from(text);
  const verbatim = s0.passages.filter((p: Json) => p.kind === 'verbatim');
  for (const p of verbatim) assert.deepEqual(words(q.slice(p.query[0], p.query[1]).join('')), words(src.slice(p.source[0], p.source[1]).join('')));
  assert.ok(s0.queryCoverage > 0.1, `003 takes a good share from 000: ${s0.queryCoverage}`);
});

// Realistic multi-sentence text (the aligner works on sentences).
const PARA =
  'The city council voted on Tuesday to close the old harbour bridge for two years of repairs. ' +
  'Engineers found deep cracks in three of its supports and warned that heavy lorries could no longer cross it safely. ' +
  'The mayor said a temporary ferry would carry commuters across the river from next month, at no charge to passengers. ' +
  'Shop owners on the south bank fear they will lose customers while the work goes on.';
const INTRO =
  'Weather today is mild with light winds from the west. Tomorrow brings rain across the hills, and snow is possible on the highest peaks by evening.\n\n';
const OTHER = "In other news, the library reopens after a long refurbishment with a new children's wing and a café.";

test('POST /api/trace: spans are code points of the original texts (astral characters before the passage)', async () => {
  const app = createApp(new Engine());
  const prefix = '🎉🎉🎉 Notes. ' + INTRO;
  const stored = prefix + PARA;
  assert.equal((await app.request(post('/api/documents', { id: 'bridge', text: stored }))).status, 201);
  const query = '😀 ' + PARA + '\n\n' + OTHER + ' 😀';
  const b = await json(await app.request(post('/api/trace', { text: query })));
  assert.equal(b.sources.length, 1);
  const p = b.sources[0].passages[0];
  const qc = Array.from(query);
  const sc = Array.from(stored);
  assert.equal(p.query[0], 2, 'query span starts after one emoji and a space, counted in code points');
  assert.equal(p.source[0], Array.from(prefix).length, 'source span starts after the emoji and the intro');
  assert.ok(Array.from(prefix).length < prefix.length, 'the prefix has astral characters');
  // The passage is the paragraph (its final full stop may be left out).
  for (const got of [qc.slice(p.query[0], p.query[1]).join(''), sc.slice(p.source[0], p.source[1]).join('')]) {
    assert.ok(PARA.startsWith(got), got);
    assert.ok(got.length >= PARA.length - 1, got);
  }
  assert.equal(b.chars, qc.length);
});

test('POST /api/trace: validation errors are 4xx JSON', async () => {
  const app = createApp(new Engine());
  const cases: [unknown, RegExp][] = [
    [{}, /missing "text"/],
    [{ text: 5 }, /"text" must be a string/],
    [{ text: '  ' }, /"text" is empty/],
    [{ text: 'x y z', limit: 0 }, /"limit"/],
    [{ text: 'x y z', limit: 'ten' }, /"limit"/],
    [{ text: 'x y z', format: 'docx' }, /"format"/],
    [[{ text: 'x' }], /JSON object/],
    ['{"text":', /not valid JSON/],
  ];
  for (const [body, re] of cases) {
    const r = await app.request(post('/api/trace', body));
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match((await json(r)).error, re);
  }
  const r = await app.request(new Request('http://localhost/api/trace', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: '<p>x</p>' }));
  assert.equal(r.status, 415);
  // Nothing indexed: no sources, still a 200 with the contract shape.
  const empty = await json(await app.request(post('/api/trace', { text: 'Words that are found nowhere at all.' })));
  assert.deepEqual(empty.sources, []);
});

test('GET /api/stories and /api/stories/:id: the seed story with its lineage', async () => {
  const { app } = await seeded();
  const list = await json(await app.request('/api/stories'));
  assert.ok(list.stories.length >= 1);
  assert.equal(list.total, list.stories.length);
  assert.equal((await json(await app.request('/api/stories?offset=1'))).stories.length, list.stories.length - 1);
  assert.equal((await app.request('/api/stories?limit=0')).status, 400);
  const st = list.stories.find((s: Json) => s.root === S0);
  assert.ok(st, `a story rooted at 000: ${JSON.stringify(list.stories)}`);
  assert.equal(st.size, 4);
  assert.equal(typeof st.title, 'string');
  assert.ok(st.title.length > 0);
  assert.equal(st.firstSeen, '2019-08-01');
  assert.ok(st.sites.includes('news.example.com'));
  assert.ok(st.sites.includes('opinion.example.com'));

  const s = await json(await app.request('/api/stories/' + encodeURIComponent(st.id)));
  assert.equal(s.root, S0);
  assert.equal(s.members.length, 4);
  const ids = s.members.map((m: Json) => m.id);
  assert.ok(!ids.includes(seedId('004')), '004 copies nothing');
  const root = s.members.find((m: Json) => m.id === S0);
  assert.equal(root.parent, null);
  assert.equal(root.depth, 0);
  assert.equal(root.site, 'news.example.com');
  assert.equal(root.date, '2019-08-01');
  for (const m of s.members) {
    if (m.id === S0) continue;
    assert.ok(ids.includes(m.parent), `${m.id} has a parent in the story`);
    assert.equal(s.parents[m.id], m.parent);
    assert.ok(m.depth >= 1);
    assert.ok(m.reuse > 0 && m.reuse <= 1, `reuse of ${m.id}: ${m.reuse}`);
  }
  assert.ok(s.edges.length >= 3);
  assert.ok(s.edges.filter((e: Json) => e.lineage).length >= 3);
  for (const e of s.edges) {
    assert.ok(ids.includes(e.source) && ids.includes(e.derived));
    assert.ok(e.reuse >= 0 && e.reuse <= 1);
    assert.ok(Array.isArray(e.evidence));
  }

  const missing = await app.request('/api/stories/nope');
  assert.equal(missing.status, 404);
  assert.match((await json(missing)).error, /no story with id "nope"/);
});

test('GET /api/pairs/:source/:derived: both texts, passages, edits and boilerplate, oriented source first', async () => {
  const { app } = await seeded();
  const r = await app.request(`/api/pairs/${S0}/${S3}`);
  assert.equal(r.status, 200);
  const p = await json(r);
  assert.equal(p.source.id, S0);
  assert.equal(p.derived.id, S3);
  assert.equal(p.found, true);
  assert.equal(p.source.text, seedText('000'));
  assert.equal(p.derived.text, seedText('003'));
  assert.ok(Array.isArray(p.source.boilerplate) && Array.isArray(p.derived.boilerplate));
  assert.ok(p.passages.length > 0);
  const ns = Array.from(p.source.text).length;
  const nd = Array.from(p.derived.text).length;
  for (const x of p.passages) {
    assert.ok(isSpan(x.source, ns) && isSpan(x.derived, nd));
    for (const e of x.edits ?? []) {
      assert.ok(['insert', 'delete', 'replace'].includes(e.op));
      assert.ok(isSpan(e.source, ns) && isSpan(e.derived, nd));
    }
  }
  assert.ok(p.sourceCoverage > 0 && p.derivedCoverage > 0);
  assert.ok(p.direction.evidence.length > 0);

  // Asked the other way round: the same pair, still oriented source first.
  const rev = await json(await app.request(`/api/pairs/${S3}/${S0}`));
  assert.equal(rev.source.id, S0);
  assert.deepEqual(rev.passages, p.passages);

  // Word-level edits come through (spans checked above): some pair of the story has them.
  const story = (await json(await app.request('/api/stories'))).stories.find((x: Json) => x.root === S0);
  const edges = (await json(await app.request('/api/stories/' + story.id))).edges;
  let edits = 0;
  for (const e of edges) for (const x of (await json(await app.request(`/api/pairs/${e.source}/${e.derived}`))).passages) edits += (x.edits ?? []).length;
  assert.ok(edits > 0, 'word-level edits in the story');

  const nf = await app.request(`/api/pairs/${S0}/nope`);
  assert.equal(nf.status, 404);
  assert.match((await json(nf)).error, /no document with id "nope"/);
});

test('GET /api/documents/:id returns the original text; unknown ids and routes are JSON 404s', async () => {
  const { app } = await seeded();
  const d = await json(await app.request('/api/documents/' + S3));
  assert.equal(d.id, S3);
  assert.equal(d.text, seedText('003'));
  assert.equal(d.chars, Array.from(seedText('003')).length);
  assert.equal(d.site, 'opinion.example.com');
  const dp = await json(await app.request(`/api/documents/${S3}/pairs`));
  assert.equal(dp.id, S3);
  assert.match(dp.story, /\S/);
  assert.ok(dp.pairs.some((p: Json) => p.source === S0 && p.derived === S3 && p.reuse > 0), JSON.stringify(dp.pairs));
  assert.equal((await app.request('/api/documents/missing/pairs')).status, 404);
  const list = await json(await app.request('/api/documents?limit=2&offset=1'));
  assert.equal(list.total, 5);
  assert.equal(list.documents.length, 2);
  assert.equal((await app.request('/api/documents?limit=abc')).status, 400);
  const nf = await app.request('/api/documents/missing');
  assert.equal(nf.status, 404);
  assert.match((await json(nf)).error, /no document with id "missing"/);
  const route = await app.request('/api/nothing-here');
  assert.equal(route.status, 404);
  assert.match((await json(route)).error, /no route/);
});

test('view=clean: spans index the cleaned text (an HTML page without its markup)', async () => {
  const app = createApp(new Engine());
  const html =
    '<!doctype html><html><head><title>Bridge</title></head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>' +
    '<article><h1>Harbour bridge to close</h1><p>' + PARA.replace(/\. /g, '.</p><p>') + '</p></article>' +
    '<footer>&copy; Example Gazette</footer></body></html>';
  assert.equal((await app.request(post('/api/documents', [{ id: 'page', text: html, format: 'html' }, { id: 'copy', text: 'Reposted. ' + PARA + '\n\n' + OTHER }]))).status, 201);
  for (const view of ['clean', 'original']) {
    const p = await json(await app.request(`/api/pairs/page/copy?view=${view}`));
    assert.equal(p.source.view, view);
    const page = p.source.id === 'page' ? p.source : p.derived;
    const side = p.source.id === 'page' ? 'source' : 'derived';
    if (view === 'clean') assert.doesNotMatch(page.text, /<p>|<nav>/);
    else assert.equal(page.text, html);
    assert.ok(p.passages.length > 0);
    const chars = Array.from(page.text as string);
    const got = p.passages.map((x: Json) => chars.slice(x[side][0], x[side][1]).join('')).join(' ');
    assert.ok(got.includes('Engineers found deep cracks'), `${view}: ${got}`);
    if (view === 'clean') assert.doesNotMatch(got, /<\/?p>/);
  }
  const d = await json(await app.request('/api/documents/page?view=clean'));
  assert.equal(d.view, 'clean');
  assert.doesNotMatch(d.text, /<article>/);
  const bad = await app.request('/api/documents/page?view=pretty');
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error, /"view" must be "original" or "clean"/);
  const t = await json(await app.request(post('/api/trace', { text: html, format: 'html', view: 'clean' })));
  assert.equal(t.view, 'clean');
  assert.equal(typeof t.queryText, 'string');
  assert.doesNotMatch(t.queryText, /<p>/);
  const copy = t.sources.find((x: Json) => x.id === 'copy');
  assert.ok(copy, 'the text copy is a source of the page');
  const q = Array.from(t.queryText as string);
  for (const x of copy.passages) assert.ok(x.query[1] <= q.length);
  assert.equal((await app.request(post('/api/trace', { text: 'x y z', view: 'raw' }))).status, 400);
});

test('a document with <script> and <img onerror> stays text in JSON', async () => {
  const app = createApp(new Engine());
  const evil = 'Headline <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1"> end of the story text.';
  const r = await app.request(post('/api/documents', { id: '<b>x</b>', text: evil, title: '<script>alert(1)</script>' }));
  assert.equal(r.status, 201);
  const d = await app.request('/api/documents/' + encodeURIComponent('<b>x</b>'));
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  const raw = await d.text();
  const body = JSON.parse(raw);
  assert.equal(body.text, evil);
  assert.equal(body.id, '<b>x</b>');
  assert.equal(body.title, '<script>alert(1)</script>');
  assert.match(d.headers.get('content-type') ?? '', /^application\/json/);
});

test('writes need the bearer token when one is set; reads do not', async () => {
  const app = createApp(new Engine(), { token: 's3cret' });
  const doc = { id: 't', text: 'A document behind a token.' };
  const none = await app.request(post('/api/documents', doc));
  assert.equal(none.status, 401);
  assert.match((await json(none)).error, /Authorization: Bearer/);
  const wrong = await app.request(post('/api/documents', doc, { Authorization: 'Bearer nope' }));
  assert.equal(wrong.status, 401);
  const right = await app.request(post('/api/documents', doc, { Authorization: 'Bearer s3cret' }));
  assert.equal(right.status, 201);
  assert.equal((await app.request('/api/documents/t')).status, 200);
  assert.equal((await app.request(post('/api/trace', { text: 'A document behind a token.' }))).status, 200);
});

test('bodies over the size limit get 413; cross-origin writes and foreign Host headers get 403', async () => {
  const app = createApp(new Engine(), { maxBodyBytes: 1000, allowedHosts: ['127.0.0.1', 'localhost'] });
  const big = await app.request(post('/api/documents', { id: 'big', text: 'word '.repeat(400) }));
  assert.equal(big.status, 413);
  assert.match((await json(big)).error, /over the .* limit/);
  const bigTrace = await app.request(post('/api/trace', { text: 'word '.repeat(400) }));
  assert.equal(bigTrace.status, 413);

  const cross = await app.request(post('/api/documents', { id: 'x', text: 'Cross origin.' }, { Origin: 'https://evil.example', Host: 'localhost:8080' }));
  assert.equal(cross.status, 403);
  assert.match((await json(cross)).error, /cross-origin/);
  const same = await app.request(post('/api/documents', { id: 'x', text: 'Same origin.' }, { Origin: 'http://localhost:8080', Host: 'localhost:8080' }));
  assert.equal(same.status, 201);
  const rebind = await app.request(new Request('http://localhost/api/health', { headers: { Host: 'attacker.example' } }));
  assert.equal(rebind.status, 403);
});

test('the scan is cached and a write invalidates it', async () => {
  const app = createApp(new Engine());
  await app.request(post('/api/documents', [{ id: 'h1', text: PARA }, { id: 'other', text: 'The football club signed a new goalkeeper for a record fee. Fans queued outside the ground for shirts all afternoon.' }]));
  const before = await json(await app.request('/api/stories'));
  assert.equal(before.stories.length, 0);
  await app.request(post('/api/documents', { id: 'h2', text: 'Reposted from the Gazette. ' + PARA + '\n\n' + OTHER }));
  const after = await json(await app.request('/api/stories'));
  assert.equal(after.stories.length, 1);
  assert.deepEqual(
    (await json(await app.request('/api/stories/' + after.stories[0].id))).members.map((m: Json) => m.id).sort(),
    ['h1', 'h2'],
  );
});

test('the OpenAPI description covers every API route; the web app is served from memory', async () => {
  const app = createApp(new Engine());
  const spec = await json(await app.request('/api/openapi.json'));
  assert.match(spec.openapi, /^3\./);
  const documented = new Set(Object.entries(spec.paths as Record<string, Json>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  const routes = app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  assert.ok(routes.length >= 8);
  for (const r of routes) assert.ok(documented.has(r), `${r} is in the OpenAPI description`);
  assert.deepEqual(spec, JSON.parse(JSON.stringify(openapi)));

  const page = await app.request('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /<script type="module" src="\/app.js">/);
  const js = await app.request('/app.js');
  assert.equal(js.status, 200);
  assert.match(await js.text(), /function renderText/);
  assert.doesNotMatch(await (await app.request('/app.js')).text(), /: HTMLElement\b/, 'TypeScript was transpiled');
  for (const p of ['/../package.json', '/%2e%2e/package.json', '/web/app.ts', '/src/server/app.ts', '/etc/passwd'])
    assert.equal((await app.request(p)).status, 404, p);
});
