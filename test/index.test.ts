// reprint index add / info and scan --db against a real DuckDB file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, SEEDS } from './helpers/paths.ts';
import { Engine } from '../src/engine.ts';
import { openStore } from '../src/store/index.ts';
import { readSources } from '../src/ingest/index.ts';

test('index add is incremental and idempotent; scan --db reports on everything indexed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-index-'));
  try {
    const db = join(dir, 'deep', 'folder', 'index.duckdb');
    const seedsA = join(dir, 'a');
    const seedsB = join(dir, 'b');
    await mkdir(seedsA);
    await mkdir(seedsB);
    const { readdir, copyFile } = await import('node:fs/promises');
    const names = (await readdir(SEEDS)).filter((n) => n.endsWith('.txt')).sort();
    assert.equal(names.length, 5);
    for (const n of names.slice(0, 2)) await copyFile(join(SEEDS, n), join(seedsA, n));
    for (const n of names.slice(2)) await copyFile(join(SEEDS, n), join(seedsB, n));

    let r = cli(['index', 'add', seedsA, '--db', db, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /added 2 documents/);
    r = cli(['index', 'add', seedsA, seedsB, '--db', db, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /added 3 documents .*2 already there.*holds 5/);
    r = cli(['index', 'info', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /5 documents/);

    r = cli(['scan', '--db', db, '--json', '--no-report', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.documents.length, 5);
    const story = report.stories.find((s: { members: string[] }) => s.members.includes('003_3eced85e94d749a1'));
    assert.ok(story, 'the seeds story is found from the index');
    assert.equal(story.root, '000_456ad2308a74c503');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('scan --db with PATHs adds them first, then scans the whole index', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-index-'));
  try {
    const db = join(dir, 'i.duckdb');
    const extra = join(dir, 'extra');
    await mkdir(extra);
    await writeFile(join(extra, 'mine.txt'), 'A short note of my own that copies nothing from anybody at all, about gardening in spring.');
    let r = cli(['index', 'add', SEEDS, '--db', db, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['scan', extra, '--db', db, '--json', '--no-report', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.documents.length, 6);
    const s = await openStore(db);
    assert.equal(await s.size(), 6);
    assert.equal(await s.has('mine'), true);
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an Engine on a DuckDB store finds the same pairs as one in memory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-index-'));
  try {
    const mem = new Engine();
    await mem.add(readSources([SEEDS], () => {}));
    const a = await mem.scan();
    const disk = new Engine({ store: await openStore(join(dir, 'x.duckdb')) });
    await disk.add(readSources([SEEDS], () => {}));
    await disk.close();
    const again = new Engine({ store: await openStore(join(dir, 'x.duckdb')) });
    const b = await again.scan();
    await again.close();
    const key = (p: { source: string; derived: string; relation: string }) => `${p.source}>${p.derived}:${p.relation}`;
    assert.ok(a.pairs.length > 0);
    assert.deepEqual(b.pairs.map(key).sort(), a.pairs.map(key).sort());
    assert.equal(b.stats.documents, 5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('index with a bad --workers value is a usage error', () => {
  const r = cli(['index', 'add', SEEDS, '--workers', 'lots', '--db', join(tmpdir(), 'never.duckdb')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--workers/);
});

test('progress: a bar with documents, MB, docs/s and ETA; quiet lines when not a terminal', async () => {
  const { ProgressBar } = await import('../src/cli/progress.ts');
  const chunks: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream;
  const bar = new ProgressBar({ stream, totalChars: 10e6, every: 0 });
  const l = bar.line({ phase: 'add', done: 5000, chars: 5e6 }, 10);
  assert.match(l, /50% reading: 5,000 documents, 5\.0 MB, 500 docs\/s, ETA 10s/);
  assert.match(bar.line({ phase: 'align', done: 30, total: 120 }, 3), /25% aligning: 30\/120 pairs, 10 pairs\/s, ETA 9s/);
  bar.update({ phase: 'add', done: 1, chars: 10 });
  assert.equal(chunks.length, 1);
  assert.ok(chunks[0].endsWith('\n') && !chunks[0].includes('\r'), 'plain lines in logs');
  const quiet = new ProgressBar({ stream, quiet: true, every: 0 });
  quiet.update({ phase: 'add', done: 1, chars: 10 });
  assert.equal(chunks.length, 1);
});
