// Scans above the full-scan limit give an incomplete result (documents stay in the store). Their
// reports must say the same about the reuse as a complete scan's: the same pairs and stories,
// documents read back from the store, every span inside its document. REPRINT_FULL_SCAN_LIMIT=0
// makes a small corpus take that path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DATA, EXAMPLES, ROOT, SEEDS, tempDir } from './helpers/paths.ts';
import { generate } from '../bench/lib/gen.ts';
import { Engine, type ScanResult } from '../src/engine.ts';
import { readSources } from '../src/ingest/index.ts';
import { buildReport, docsOf, pairChunks, reportJsonText, writeReportJson, type Report } from '../src/report/json.ts';
import { htmlReport, htmlReportOf, MAX_HTML_PAIRS } from '../src/report/html.ts';
import { scanSummary, summary } from '../src/report/terminal.ts';
import { createApp } from '../src/server/index.ts';

const dir = tempDir('reprint-large-');
const GEN = join(dir, 'gen.jsonl');
// 400 generated news-like documents with planted copies, plus the two hand-made corpora.
await generate({ n: 400, reuse: 0.3, seed: 7, base: DATA + 'bbc' }, GEN, join(dir, 'truth.jsonl'));
const CORPUS = [GEN, EXAMPLES, SEEDS];

function scan(limit: number, args: string[]) {
  const out = tempDir('reprint-large-out-');
  const r = spawnSync(process.execPath, [ROOT + 'bin/reprint.js', 'scan', ...CORPUS, '--out', out, '--quiet', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, REPRINT_FULL_SCAN_LIMIT: String(limit) },
  });
  const file = join(out, 'report.json');
  const report: Report | null = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const html = existsSync(join(out, 'index.html')) ? readFileSync(join(out, 'index.html'), 'utf8') : '';
  return { ...r, out, file, report, html };
}

const full = scan(1_000_000, []);
const part = scan(0, []);
// The same incomplete scan on a DuckDB index, report.json also on standard output.
const db = scan(0, ['--db', join(dir, 'index.duckdb'), '--json']);

const notRelated = (r: Report) => r.pairs.filter((p) => p.relation !== 'related');
const withoutRelated = (r: Report) => r.stories.map((s) => ({ ...s, related: [] }));
/** The data the page carries (its pairs and documents). */
const pageData = (html: string) => JSON.parse(html.match(/<script type="application\/json" id="data">(.*?)<\/script>/s)![1]);

test('both scans exit 0 and write report.json and index.html; the second is incomplete', () => {
  for (const r of [full, part, db]) {
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.report, `report.json in ${r.out}`);
    assert.match(r.html, /^<!doctype html>/);
  }
  const f = full.report!;
  const p = part.report!;
  assert.ok(notRelated(f).length >= 20, `pairs: ${notRelated(f).length}`);
  // complete: every document; incomplete: only those that share text
  assert.equal(f.documents.length, f.stats.documents);
  assert.ok(p.documents.length < p.stats.documents, `${p.documents.length} of ${p.stats.documents}`);
  assert.deepEqual(
    { ...p.stats, seconds: 0 },
    { ...f.stats, seconds: 0 },
  );
});

test('the incomplete report has the same pairs and stories as the complete one (less "related")', () => {
  const f = full.report!;
  const p = part.report!;
  assert.ok(f.pairs.some((x) => x.relation === 'related'), 'the complete scan finds same-topic pairs');
  assert.ok(!p.pairs.some((x) => x.relation === 'related'));
  assert.deepEqual(p.pairs, notRelated(f));
  assert.deepEqual(withoutRelated(p), withoutRelated(f));
  assert.deepEqual(p.problems, f.problems);
});

test('the incomplete report lists exactly the documents in pairs, described as in the complete one', () => {
  const f = full.report!;
  const p = part.report!;
  const inPairs = new Set(p.pairs.flatMap((x) => [x.source, x.derived]));
  const listed = p.documents.map((d) => d.id);
  assert.equal(new Set(listed).size, listed.length, 'no document twice');
  assert.deepEqual([...listed].sort(), [...inPairs].sort());
  const byId = new Map(f.documents.map((d) => [d.id, d]));
  for (const d of p.documents) assert.deepEqual(d, byId.get(d.id));
});

test('every span lies within its document, in both reports', () => {
  for (const r of [full.report!, part.report!]) {
    const chars = new Map(r.documents.map((d) => [d.id, d.chars]));
    const inside = (s: [number, number], id: string, what: string) => {
      const n = chars.get(id);
      assert.ok(n !== undefined, `${id} is listed`);
      assert.ok(Number.isInteger(s[0]) && Number.isInteger(s[1]) && 0 <= s[0] && s[0] <= s[1] && s[1] <= n, `${what} ${JSON.stringify(s)} in ${id} (${n} chars)`);
    };
    for (const d of r.documents) for (const b of d.boilerplate) inside(b, d.id, 'boilerplate');
    for (const p of r.pairs)
      for (const x of p.passages) {
        inside(x.source, p.source, 'source span');
        inside(x.derived, p.derived, 'derived span');
        for (const e of x.edits ?? []) {
          inside(e.source, p.source, 'edit source span');
          inside(e.derived, p.derived, 'edit derived span');
        }
      }
  }
});

test('the summary prints the same story trees; the counts cover every document', () => {
  const f = full.stdout.trim().split('\n');
  const p = part.stdout.trim().split('\n');
  const trees = (lines: string[]) => lines.filter((l) => !/^Related, nothing copied|^\d+ documents, |^Large scan: /.test(l));
  assert.ok(trees(f).length > 10);
  assert.deepEqual(trees(p), trees(f));
  const r = part.report!;
  assert.ok(!f.some((l) => l.startsWith('Large scan')));
  assert.equal(p.at(-2), `Large scan: report.json lists the ${r.documents.length} documents that share text, not all ${r.stats.documents}; same-topic ("related") documents are not looked for.`);
  assert.equal(
    p.at(-1),
    `${r.stats.documents} documents, ${r.stories.length} stories, ${r.pairs.length} pairs sharing text ` +
      `(${r.pairs.filter((x) => x.relation === 'duplicate').length} duplicates), ` +
      `${r.stats.documents - new Set(r.stories.flatMap((s) => s.members)).size} documents share nothing.`,
  );
});

test('index.html of the incomplete scan shows every pair when there are few, with their documents only', () => {
  const p = part.report!;
  assert.ok(p.pairs.length < MAX_HTML_PAIRS);
  const data = pageData(part.html);
  assert.equal(data.pairs.length, p.pairs.length);
  assert.deepEqual(data.pairs.map((x: { source: string; derived: string }) => x.source + '>' + x.derived), p.pairs.map((x) => x.source + '>' + x.derived));
  const inPairs = new Set(p.pairs.flatMap((x) => [x.source, x.derived]));
  assert.deepEqual(data.documents.map((d: { id: string }) => d.id).sort(), [...inPairs].sort());
  assert.equal(data.stories.length, p.stories.length);
  assert.doesNotMatch(part.html, /shows only part/);
  assert.match(part.html, new RegExp(`${p.stats.documents} documents, ${p.stories.length} stories, ${p.pairs.length} pairs<`));
});

test('on a DuckDB index the incomplete report is the same, and --json prints the file', () => {
  assert.equal(db.stdout, readFileSync(db.file, 'utf8'));
  const d = db.report!;
  const p = part.report!;
  assert.deepEqual(d.pairs, p.pairs);
  assert.deepEqual(d.stories, p.stories);
  assert.deepEqual(d.documents, p.documents);
});

// In process: the streaming writer, the partial page, the summary.

async function scanned(fullScanLimit: number): Promise<{ engine: Engine; result: ScanResult }> {
  const engine = new Engine({ fullScanLimit });
  await engine.add(readSources([EXAMPLES, SEEDS], (p) => engine.report(p)));
  return { engine, result: await engine.scan() };
}

const plain = (text: string) => {
  const r = JSON.parse(text);
  return { ...r, generated: '', stats: { ...r.stats, seconds: 0 } };
};

test('writeReportJson waits for a slow stream, leaves it open, and gives the same report in small chunks', async () => {
  const { engine, result } = await scanned(0);
  try {
    assert.equal(result.complete, false);
    assert.ok(result.pairs.length > 6);
    const got: string[] = [];
    let drains = 0;
    const sink = new Writable({
      highWaterMark: 256,
      write(chunk, _enc, cb) {
        got.push(chunk.toString());
        setImmediate(cb);
      },
    });
    sink.on('drain', () => drains++);
    // three documents per load: many chunks
    await writeReportJson(sink, result, { chunk: 3 });
    assert.ok(drains > 0, 'backpressure was met');
    assert.ok(!sink.writableEnded, 'the stream is left open');
    let whole = '';
    for await (const s of reportJsonText(result)) whole += s;
    assert.deepEqual(plain(got.join('')), plain(whole));
    assert.equal(plain(whole).documents.length, result.ids.length);
    assert.throws(() => buildReport(result), /incomplete.*writeReportJson/);
    assert.throws(() => htmlReport({} as Report, result), /incomplete.*htmlReportOf/);
    // a stream that fails: the writer says why
    const broken = new Writable({ write: (_c, _e, cb) => cb(new Error('disk full')) });
    await assert.rejects(writeReportJson(broken, result), /disk full/);
  } finally {
    await engine.close();
  }
});

test('for a complete scan the streamed report is the text of buildReport, and the summaries agree', async () => {
  const { engine, result } = await scanned(1_000_000);
  try {
    assert.equal(result.complete, true);
    let text = '';
    for await (const s of reportJsonText(result, { chunk: 2 })) text += s;
    const report = buildReport(result);
    const strip = (s: string) => s.replace(/"generated": "[^"]*"/, '');
    assert.equal(strip(text), strip(JSON.stringify(report, null, 2) + '\n'));
    assert.equal(await scanSummary(result), summary(report));
    assert.equal(await scanSummary(result, 0), summary(report, 0));
  } finally {
    await engine.close();
  }
});

test('docsOf reads what the result lacks a chunk at a time; pairChunks bounds the documents per chunk', async () => {
  const { engine, result } = await scanned(0);
  try {
    const calls: number[] = [];
    const counted: ScanResult = { ...result, load: (ids) => (calls.push(ids.length), result.load(ids)) };
    const docs = await docsOf(counted, [...result.ids, result.ids[0]], 2);
    assert.deepEqual([...docs.keys()].sort(), [...result.ids].sort());
    assert.ok(calls.every((n) => n <= 2));
    assert.equal(calls.reduce((a, b) => a + b, 0), result.ids.length);
    for (const [id, d] of docs) assert.equal(d.id, id);
    await assert.rejects(docsOf(result, ['no-such-document']), /no-such-document.*not in the store/);

    const chunks = [...pairChunks(result.pairs, 3, 100)];
    assert.deepEqual(chunks.flatMap((c) => c.pairs), result.pairs);
    for (const c of chunks) {
      assert.ok(c.ids.size <= 3 || c.pairs.length === 1);
      assert.deepEqual(c.ids, new Set(c.pairs.flatMap((p) => [p.source, p.derived])));
    }
  } finally {
    await engine.close();
  }
});

test('index.html says plainly when it shows only part of the pairs, and carries only their documents', async () => {
  const { engine, result } = await scanned(0);
  try {
    const total = result.pairs.filter((p) => p.relation !== 'related').length;
    assert.ok(total > 2);
    const html = await htmlReportOf(result, { maxPairs: 2 });
    assert.match(html, new RegExp(`shows only part of them: the first 2 of ${total} pairs`));
    assert.match(html, /see report\.json for all/);
    const data = pageData(html);
    assert.equal(data.pairs.length, 2);
    const need = new Set(result.pairs.slice(0, 2).flatMap((p) => [p.source, p.derived]));
    assert.deepEqual(data.documents.map((d: { id: string }) => d.id).sort(), [...need].sort());
    for (const d of data.documents) assert.ok(d.text.length > 0);
    // only the stories of the pairs shown, numbered as in the report
    assert.ok(data.stories.length >= 1 && data.stories.length <= result.stories.length);
  } finally {
    await engine.close();
  }
});

// The server over an incomplete scan.

const seedFiles = ['000', '001', '002', '003', '004'];
const META: Record<string, { date: string; url: string }> = {
  '000': { date: '2019-08-01', url: 'https://www.news.example.com/chicago-police-ice' },
  '001': { date: '2019-08-02', url: 'https://copy.example.org/story/1' },
  '002': { date: '2019-08-03', url: 'https://lawfirm.example.net/blog/ice' },
  '003': { date: '2019-08-03T10:00:00Z', url: 'https://opinion.example.com/bombshell' },
  '004': { date: '2019-07-20', url: 'https://www.news.example.com/earlier' },
};

async function serverDocs() {
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
  const seeds = files.map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(join(SEEDS, f), 'utf8'), ...META[f.slice(0, 3)] }));
  const examples = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(join(EXAMPLES, f), 'utf8') }));
  assert.equal(seeds.length, seedFiles.length);
  return [...seeds, ...examples];
}

test('the server shows stories, story views and document pairs of an incomplete scan as of a complete one', async () => {
  const docs = await serverDocs();
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const apps = [];
  for (const fullScanLimit of [1_000_000, 0]) {
    const engine = new Engine({ fullScanLimit });
    const app = createApp(engine);
    const r = await app.request(
      new Request('http://localhost/api/documents', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(docs) }),
    );
    assert.equal(r.status, 201, await r.clone().text());
    apps.push({ engine, get: async (path: string): Promise<Json> => {
      const res = await app.request(path);
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      return (await res.json()) as Json;
    } });
  }
  const [full, part] = apps;
  try {
    assert.equal((await part.engine.scan()).complete, false);
    const fl = await full.get('/api/stories');
    const pl = await part.get('/api/stories');
    assert.ok(pl.stories.length >= 2);
    assert.deepEqual(pl.stories, fl.stories.map((s: Json) => ({ ...s, related: 0 })));
    // the members were read from the store: dates and sites are there
    const seedStory = pl.stories.find((s: Json) => s.root.startsWith('000_'));
    assert.ok(seedStory, JSON.stringify(pl.stories));
    assert.equal(seedStory.firstSeen, '2019-08-01');
    assert.ok(seedStory.sites.includes('news.example.com'));
    for (const s of pl.stories) {
      const f = await full.get('/api/stories/' + encodeURIComponent(s.id));
      const p = await part.get('/api/stories/' + encodeURIComponent(s.id));
      assert.ok(p.members.length >= 2 && p.members.every((m: Json) => m.chars > 0 && m.title));
      assert.deepEqual({ ...p, related: 0, relatedDocs: [] }, { ...f, related: 0, relatedDocs: [] });
    }
    for (const d of docs) {
      const f = await full.get(`/api/documents/${encodeURIComponent(d.id)}/pairs`);
      const p = await part.get(`/api/documents/${encodeURIComponent(d.id)}/pairs`);
      assert.deepEqual(p.pairs, f.pairs.filter((x: Json) => x.relation !== 'related'));
      if (p.pairs.length) assert.equal(p.story, f.story);
    }
  } finally {
    for (const a of apps) await a.engine.close();
  }
});
