// reprint query and engine.trace: which indexed documents share text with a given one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, SEEDS } from './helpers/paths.ts';
import { Engine } from '../src/engine.ts';
import { openStore } from '../src/store/index.ts';
import { readSources } from '../src/ingest/index.ts';

const cps = (s: string) => [...s];

test('query --json: sources best first, coverage both ways, spans in original code points', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-query-'));
  try {
    const db = join(dir, 'q.duckdb');
    let r = cli(['index', 'add', SEEDS, '--db', db, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    // The query: an intro with astral characters (2 UTF-16 units, 1 code point each), then a
    // pasted paragraph of the original report.
    const original = await readFile(join(SEEDS, '000_456ad2308a74c503.txt'), 'utf8');
    const para = original.split('\n').filter((l) => l.trim().split(/\s+/).length > 40)[0];
    assert.ok(para, 'the seed has a long paragraph');
    const intro = 'My own opinion 😀😀 on this matter, written by me alone, comes first here. ';
    const query = `${intro}\n\n${para}\n`;
    const qfile = join(dir, 'mine.txt');
    await writeFile(qfile, query);
    r = cli(['query', qfile, '--db', db, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(j.sources.length >= 1);
    const top = j.sources[0];
    assert.ok(['000_456ad2308a74c503', '003_3eced85e94d749a1', '001_135ae358964649aa', '002_b17197541f4d5cfa'].includes(top.id));
    const src = j.sources.find((s: { id: string }) => s.id === '000_456ad2308a74c503');
    assert.ok(src, 'the original report is found');
    assert.ok(src.queryCoverage > 0.5 && src.queryCoverage <= 1);
    assert.ok(src.sourceCoverage > 0 && src.sourceCoverage < 0.6);
    for (let i = 1; i < j.sources.length; i++) assert.ok(j.sources[i - 1].queryCoverage >= j.sources[i].queryCoverage);
    const p = src.passages[0];
    assert.ok(['verbatim', 'edited', 'paraphrase'].includes(p.kind));
    const qtext = cps(query).slice(p.query[0], p.query[1]).join('');
    const stext = cps(original).slice(p.source[0], p.source[1]).join('');
    // the query span starts after the intro, counted in code points
    assert.ok(p.query[0] >= cps(intro).length - 2, `query span ${p.query} starts in the pasted paragraph`);
    assert.ok(qtext.length > 100 && stext.length > 100);
    assert.equal(qtext.slice(0, 40), stext.slice(0, 40));

    r = cli(['query', qfile, '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+% of your text appears in 000_456ad2308a74c503, \d+% of 000_456ad2308a74c503 appears in your text/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('query reads standard input and says when nothing matches', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-query-'));
  try {
    const db = join(dir, 'q.duckdb');
    assert.equal(cli(['index', 'add', SEEDS, '--db', db, '--quiet']).status, 0);
    const r = cli(['query', '-', '--db', db], { input: 'Nothing in this little text about knitting patterns appears anywhere in the index at all.' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No indexed document shares text/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('query without an index says how to build one', () => {
  const r = cli(['query', '-', '--db', join(tmpdir(), 'does-not-exist-reprint.duckdb')], { input: 'x y z' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no index at .*reprint index add/);
});

test('engine.trace lists the indexed copy of the query first, fully covered', async () => {
  const engine = new Engine({ store: await openStore() });
  await engine.add(readSources([SEEDS], () => {}));
  const text = await readFile(join(SEEDS, '003_3eced85e94d749a1.txt'), 'utf8');
  const t = await engine.trace({ id: '', path: 'q', text, meta: {} });
  assert.equal(t.sources[0].id, '003_3eced85e94d749a1');
  assert.ok(t.sources[0].queryCoverage > 0.95);
  assert.ok(t.sources.length >= 2);
  await engine.close();
});
