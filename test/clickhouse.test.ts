// The ClickHouse store on a real two-shard cluster (Debian's clickhouse-server, started here on
// 127.0.0.1 with its own config, data folder and free ports): the same pairs, stories and query
// answers as the DuckDB store, candidate pairs computed by the shards, resumable adds, clear
// errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { cli, ROOT, SEEDS, DATA, tempDir } from './helpers/paths.ts';
import { startClickHouse, clickhouseAvailable, type ClickHouseCluster } from './helpers/clickhouse.ts';
import { openStore, ClickHouseStore, StoreError, parseClickHouseUrl } from '../src/store/index.ts';
import { PostingsIndex, namedPairs, uniqueSorted } from '../src/store/postings.ts';
import { Engine } from '../src/engine.ts';
import { readSources } from '../src/ingest/index.ts';
import { sqlString } from '../src/store/clickhouse.ts';

// Like the browser tests with Chromium, these need the real server: they fail, never skip, without it.
if (!clickhouseAvailable()) throw new Error('clickhouse-server is missing: apt-get install -y clickhouse-server (.ci/run installs it)');
let ch: ClickHouseCluster;
const dir = tempDir('reprint-chtest-');

before(async () => {
  ch = await startClickHouse(2);
});
after(async () => {
  await ch?.stop();
});

/** What must be equal between stores: pairs (with rounded coverage) and stories. */
function essence(reportJson: string) {
  const r = JSON.parse(reportJson);
  return {
    documents: r.stats.documents,
    candidates: r.stats.candidates,
    pairs: r.pairs.map((p: Record<string, number | string>) => [p.source, p.derived, p.relation, Number(p.sourceCoverage).toFixed(3), Number(p.derivedCoverage).toFixed(3)].join(' ')),
    stories: r.stories.map((s: { root: string; members: string[]; related: string[]; parents: Record<string, string> }) => ({ root: s.root, members: s.members, related: s.related, parents: s.parents })),
  };
}

/** One SQL statement on one server, over a fresh HTTP connection. */
function sql(port: number, q: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false }, (res) => {
      let t = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (t += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(t.trim()) : reject(new Error(t))));
    });
    req.on('error', reject);
    req.end(q);
  });
}

const duckdbEssence = new Map<string, ReturnType<typeof essence>>();

for (const [name, input, queries] of [
  ['seeds', SEEDS, readdirSync(SEEDS).map((f) => SEEDS + f)],
  ['bbc', DATA + 'bbc', ['business/001.txt', 'sport/100.txt', 'tech/050.txt', 'politics/200.txt'].map((f) => `${DATA}bbc/${f}`)],
] as const) {
  test(`${name}: the same pairs, stories and query answers on a two-shard ClickHouse cluster as on DuckDB`, () => {
    const duck = join(dir, `${name}.duckdb`);
    const url = ch.url(name);
    const d = cli(['scan', input, '--db', duck, '--json', '--no-report', '--quiet']);
    assert.equal(d.status, 0, d.stderr);
    const c = cli(['scan', input, '--db', url, '--json', '--no-report', '--quiet']);
    assert.equal(c.status, 0, c.stderr);
    const a = essence(d.stdout);
    duckdbEssence.set(name, a);
    const b = essence(c.stdout);
    assert.ok(a.pairs.length > 0 && a.stories.length > 0, 'something to compare');
    assert.deepEqual(b, a);
    for (const q of queries) {
      const qd = cli(['query', q, '--db', duck, '--json']);
      const qc = cli(['query', q, '--db', url, '--json']);
      assert.equal(qc.status, 0, qc.stderr);
      assert.ok(JSON.parse(qd.stdout).sources.length > 0, `${q} finds something`);
      assert.deepEqual(JSON.parse(qc.stdout), JSON.parse(qd.stdout), q);
    }
    // a second scan adds nothing and reports the same
    const again = cli(['scan', input, '--db', url, '--json', '--no-report', '--quiet']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(essence(again.stdout), a);
  });
}

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [ROOT + 'bin/reprint.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('two processes share a scan: each aligns its own units, both report what one process does', async () => {
  const url = ch.url('bbc');
  const want = duckdbEssence.get('bbc');
  assert.ok(want, 'the bbc test ran first');
  const [p1, p2] = await Promise.all([
    run(['scan', '--db', url, '--share', '1/2', '--json', '--no-report', '--quiet', '--workers', '1']),
    run(['scan', '--db', url, '--share', '2/2', '--json', '--no-report', '--quiet', '--workers', '1']),
  ]);
  assert.equal(p1.status, 0, p1.stderr);
  assert.equal(p2.status, 0, p2.stderr);
  assert.deepEqual(essence(p1.stdout), want);
  assert.deepEqual(essence(p2.stdout), want);
  // units split by part, none done twice
  const rows = (await sql(ch.http[0], 'SELECT unit, part FROM bbc.scan_results ORDER BY unit FORMAT TSV')).split('\n').map((l) => l.split('\t').map(Number));
  const units = Number(await sql(ch.http[0], 'SELECT units FROM bbc.scan_runs'));
  assert.ok(units >= 2, `units: ${units}`);
  assert.equal(rows.length, units, 'each unit done once');
  for (const [u, part] of rows) assert.equal(part, (u % 2) + 1, `unit ${u} by process ${part}`);
  const pairs = Number(await sql(ch.http[0], 'SELECT count() FROM bbc.candidates'));
  assert.equal(pairs, want.candidates, 'candidate pairs stored once, over the shards');
  // run again: the stored units are used, nothing is aligned twice
  const again = cli(['scan', '--db', url, '--share', '1/1', '--json', '--no-report', '--quiet']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(essence(again.stdout), want);
  assert.equal(Number(await sql(ch.http[0], 'SELECT count() FROM bbc.scan_results')), units);
  const bad = cli(['scan', SEEDS, '--db', url, '--share', '1/2']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--share scans what is indexed/);
});

test('kill -9 during scan --share: the units written are kept, a rerun does only the rest, none twice', async () => {
  const url = ch.url('sharekill');
  const want = duckdbEssence.get('bbc');
  assert.ok(want, 'the bbc test ran first');
  const add = cli(['scan', DATA + 'bbc', '--db', url, '--no-report', '--quiet']); // indexes BBC as the first test did
  assert.equal(add.status, 0, add.stderr);
  const child = spawn(process.execPath, [ROOT + 'bin/reprint.js', 'scan', '--db', url, '--share', '1/1', '--json', '--no-report', '--quiet', '--workers', '1'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // kill it as soon as its first unit is stored (the table appears with the index)
  let before = 0;
  for (let done = false; !done; ) {
    await new Promise((r) => setTimeout(r, 20));
    if (child.exitCode !== null) break;
    before = Number(await sql(ch.http[0], 'SELECT count() FROM sharekill.scan_results'));
    if (before > 0) done = child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', 'the scan was killed mid-way');
  const units = Number(await sql(ch.http[0], 'SELECT units FROM sharekill.scan_runs'));
  const kept = (await sql(ch.http[0], 'SELECT unit FROM sharekill.scan_results ORDER BY unit FORMAT TSV')).split('\n').map(Number);
  assert.ok(kept.length >= 1 && kept.length < units, `killed with ${kept.length} of ${units} units stored (${await sql(ch.http[0], 'SELECT total FROM sharekill.scan_runs')} pairs)`);
  const again = cli(['scan', '--db', url, '--share', '1/1', '--json', '--no-report', '--quiet', '--workers', '1']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(essence(again.stdout), want, 'the same report as DuckDB');
  const rows = (await sql(ch.http[0], 'SELECT unit, count() FROM sharekill.scan_results GROUP BY unit ORDER BY unit FORMAT TSV')).split('\n').map((l) => l.split('\t').map(Number));
  assert.equal(rows.length, units, 'every unit stored');
  for (const [u, c] of rows) assert.equal(c, 1, `unit ${u} stored once (the ${kept.length} done before the kill were not redone)`);
  assert.equal(Number(await sql(ch.http[0], 'SELECT count(DISTINCT run) FROM sharekill.scan_runs')), 1, 'one run: the candidate pairs were not computed again');
});

test('one server without a cluster: the same report, plain and shared', () => {
  const url = ch.shardUrl(1, 'single');
  const plain = cli(['scan', SEEDS, '--db', url, '--json', '--no-report', '--quiet']);
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual(essence(plain.stdout), duckdbEssence.get('seeds'));
  const shared = cli(['scan', '--db', url, '--share', '1/1', '--json', '--no-report', '--quiet']);
  assert.equal(shared.status, 0, shared.stderr);
  assert.deepEqual(essence(shared.stdout), duckdbEssence.get('seeds'));
});

test('serve --db clickhouse://...: the API answers as over the DuckDB index', async () => {
  const { serve } = await import('../src/server/index.ts');
  const text = (await import('node:fs')).readFileSync(SEEDS + readdirSync(SEEDS)[1], 'utf8');
  const answers = [];
  for (const db of [join(dir, 'seeds.duckdb'), ch.url('seeds')]) {
    const s = await serve({ db, port: 0 });
    try {
      const get = async (path: string, body?: unknown) => {
        const r = await fetch(s.url + path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
        assert.equal(r.status, 200, path);
        return r.json();
      };
      answers.push({ health: await get('/api/health'), stories: await get('/api/stories'), trace: await get('/api/trace', { text }) });
    } finally {
      await s.close();
    }
  }
  assert.equal(answers[0].health.documents, 5);
  assert.ok(answers[0].trace.sources.length > 0);
  assert.deepEqual(answers[1], answers[0]);
});

test('the index is spread over both shards, behind Distributed tables', async () => {
  const counts = [];
  for (const port of ch.http) {
    const engines = await sql(port, `SELECT name, engine FROM system.tables WHERE database = 'bbc' AND name IN ('docs', 'postings') ORDER BY name FORMAT TSV`);
    assert.equal(engines, 'docs\tDistributed\npostings\tDistributed');
    counts.push((await sql(port, `SELECT (SELECT count() FROM bbc.docs_local), (SELECT count() FROM bbc.postings_local)`)).split('\t').map(Number));
  }
  const docs = counts[0][0] + counts[1][0];
  assert.equal(docs, 2226);
  for (const [d, p] of counts) {
    assert.ok(d > 900 && d < 1400, `documents per shard: ${counts.map((x) => x[0])}`);
    assert.ok(p > 0.4 * (counts[0][1] + counts[1][1]), `postings per shard: ${counts.map((x) => x[1])}`);
  }
  // every posting of a fingerprint is on one shard
  const h0 = await sql(ch.http[0], `SELECT h FROM bbc.postings_local LIMIT 1`);
  assert.equal(await sql(ch.http[1], `SELECT count() FROM bbc.postings_local WHERE h = ${h0}`), '0');
  const info = cli(['index', 'info', '--db', ch.url('bbc')]);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /2,226 documents, 5\.\d M characters, on disk [\d.]+ MB/);
});

test('candidate pairs from the shards equal PostingsIndex, with a lowered cut-off and star links', async () => {
  const engine = new Engine();
  const entries: ReturnType<Engine['fingerprint']>[] = [];
  for await (const s of readSources([DATA + 'bbc'], () => {})) {
    const doc = engine.clean(s);
    if (doc) entries.push(engine.fingerprint(doc));
    if (entries.length === 800) break;
  }
  const store = (await openStore(ch.url('pairs'))) as ClickHouseStore;
  try {
    assert.equal(await store.add(entries), 800);
    assert.equal(await store.add(entries), 0, 'nothing twice');
    const idx = new PostingsIndex();
    entries.forEach((e, n) => idx.addUnique(n, uniqueSorted(e.fingerprints.hashes)));
    for (const opts of [
      { minShared: 2, maxDf: 20 },
      { minShared: 1, maxDf: 6, pairBudget: 3000 }, // cut lowered: longer lists become stars
      { minShared: 2, maxDf: 3, pairBudget: 0 },
    ]) {
      const want = namedPairs(idx.candidatePairs(800, opts), (n) => entries[n].doc.id);
      const got = await store.candidatePairs(opts);
      assert.ok(want.length > 10, `${JSON.stringify(opts)}: ${want.length} pairs`);
      assert.deepEqual(got, want, JSON.stringify(opts));
    }
    const q = entries[5].fingerprints.hashes;
    const opts = { minShared: 1, maxDf: 40, limit: 30 };
    assert.deepEqual(await store.lookup(q, opts), idx.lookup(q, opts).map((h) => ({ id: entries[h.doc].doc.id, shared: h.shared })));
    const [doc] = await store.getDocs([entries[7].doc.id]);
    assert.equal(doc?.original, entries[7].doc.original);
    assert.deepEqual(doc?.boilerplate, entries[7].doc.boilerplate);
  } finally {
    await store.close();
  }
});

test('texts with tabs, newlines, backslashes, quotes, NUL and non-BMP characters come back intact', async () => {
  const engine = new Engine({ store: await openStore(ch.url('odd')) });
  const text = "Tab\there, new\nline, back\\slash \\N \\t, quote ' \" `, nul \0 end, emoji 🦊 and ünïcödé.\r\nHTML <b>x</b>";
  await engine.add([{ id: "id with 'quote' and \\", path: 'p\tq', text, meta: { title: "T'\n" } }]);
  await engine.close();
  const s = await openStore(ch.url('odd'), { readOnly: true });
  const d = await s.getDoc("id with 'quote' and \\");
  assert.equal(d?.original, text);
  assert.equal(d?.path, 'p\tq');
  assert.equal(d?.meta.title, "T'\n");
  await s.close();
  assert.equal(sqlString("a'b\\c\nd"), "'a\\'b\\\\c\\nd'");
});

test('kill -9 during index add: whole batches kept, re-running adds the rest, nothing twice', async () => {
  const N = 6000;
  const batch = 250;
  let body = '';
  for (let i = 0; i < N; i++) body += JSON.stringify({ id: `d${i}`, text: `document ${i} ` + 'alpha beta gamma delta '.repeat(3) + i.toString(36) }) + '\n';
  const input = join(dir, 'many.jsonl');
  await writeFile(input, body);
  const url = ch.url('killed');
  const child = spawn(process.execPath, [ROOT + 'bin/reprint.js', 'index', 'add', input, '--db', url, '--batch-size', String(batch), '--workers', '1'], {
    env: { ...process.env, REPRINT_PROGRESS_EVERY: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const killed = await new Promise<boolean>((resolve) => {
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = [...err.matchAll(/reading: ([\d,]+) documents/g)].pop();
      if (m && Number(m[1].replace(/,/g, '')) >= batch * 6 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
  });
  assert.ok(killed, `the run was killed mid-way (stderr: ${err.slice(-300)})`);
  let s = await openStore(url, { readOnly: true });
  const kept = await s.size();
  await s.close();
  assert.ok(kept > 0 && kept < N, `kept ${kept}`);
  assert.equal(kept % batch, 0, 'only whole batches');
  const r = cli(['index', 'add', input, '--db', url, '--quiet', '--workers', '1', '--batch-size', '2000']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`added ${(N - kept).toLocaleString('en-US')} documents .*${kept.toLocaleString('en-US')} already there`));
  s = await openStore(url, { readOnly: true });
  const ids = await s.ids();
  assert.equal(ids.length, N);
  assert.equal(new Set(ids).size, N, 'nothing added twice');
  assert.match((await s.getDoc('d4321'))?.text ?? '', /^document 4321 alpha/);
  await s.close();
  // no row beyond the committed ones is left on any shard
  let rows = 0;
  for (const port of ch.http) rows += Number(await sql(port, 'SELECT count() FROM killed.docs_local'));
  assert.equal(rows, N);
});

test('clear errors: server down, foreign database, wrong shard count, bad URL', async () => {
  const check = (args: string[], re: RegExp) => {
    const r = cli(args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  };
  // nothing listens on the port of a stopped server
  const down = await startClickHouse(1);
  const port = down.http[0];
  await down.stop();
  check(['index', 'add', SEEDS, '--db', `clickhouse://127.0.0.1:${port}/x`], /cannot reach index clickhouse:\/\/127\.0\.0\.1:\d+\/x.*: the server is down or not listening there \(connection refused\)/);
  check(['query', SEEDS + readdirSync(SEEDS)[0], '--db', `clickhouse://127.0.0.1:${port}/x`], /reprint query: cannot reach index .*connection refused/);
  // a database holding somebody else's tables
  await sql(ch.http[0], 'CREATE DATABASE IF NOT EXISTS theirs');
  await sql(ch.http[0], 'CREATE TABLE IF NOT EXISTS theirs.events (t DateTime, v UInt32) ENGINE = MergeTree ORDER BY t');
  check(['index', 'add', SEEDS, '--db', ch.shardUrl(0, 'theirs')], /database "theirs" holds tables that reprint did not make \(events\)/);
  // the seeds index was made on two shards
  check(['scan', '--db', ch.shardUrl(0, 'seeds'), '--no-report'], /the index was made on 2 shard\(s\), the URL lists 1/);
  check(['query', SEEDS + readdirSync(SEEDS)[0], '--db', ch.shardUrl(0, 'nothing_here')], /no database "nothing_here".*reprint index add/);
  check(['index', 'add', SEEDS, '--db', `clickhouse://127.0.0.1:${ch.http[0]},127.0.0.1:${ch.http[1]}/x`], /several hosts need \?cluster=NAME/);
  check(['index', 'add', SEEDS, '--db', `clickhouse://127.0.0.1:${ch.http[0]},127.0.0.1:${ch.http[1]}/x?cluster=nope`], /knows no cluster "nope"/);
  assert.throws(() => parseClickHouseUrl('clickhouse://h:1/bad-name'), StoreError);
  assert.deepEqual(parseClickHouseUrl('clickhouse://u:p%40ss@h1:9,h2/db?cluster=c').hosts, [{ host: 'h1', port: 9 }, { host: 'h2', port: 8123 }]);
  // a shard that goes away mid-life: a clear error, not a hang
  const two = await startClickHouse(2);
  try {
    const s = await openStore(two.url('gone'));
    await two.kill(1, true);
    await assert.rejects(() => s.candidatePairs({ minShared: 2, maxDf: 20 }), (e: Error) => e instanceof StoreError && /cannot find candidate pairs in index .*: /.test(e.message));
    await s.close();
  } finally {
    await two.stop();
  }
});
