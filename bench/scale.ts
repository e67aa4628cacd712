// Scale benchmark: scan generated corpora (bench/gen) of growing size and score the pairs found
// against the planted ground truth. Each size runs in its own process so peak memory is its own.
//
//   npx tsx bench/scale.ts [SIZES=10000,100000] [--workers N] [--store memory|duckdb|clickhouse] [--reuse 0.2]
//
// --store clickhouse starts two clickhouse-server shards on 127.0.0.1 (a Distributed cluster,
// data in a temporary folder, stopped at the end), or uses --clickhouse URL (database replaced
// by reprint_scale_N, dropped after the run).
//
// Corpora are generated once into $TMPDIR/reprint-gen-N (kept for later runs).

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './lib/gen.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: String(availableParallelism()) },
    store: { type: 'string', default: 'memory' },
    reuse: { type: 'string', default: '0.2' },
    one: { type: 'string' },
    clickhouse: { type: 'string' },
  },
});

interface RunResult {
  n: number;
  mb: number;
  addSeconds: number;
  scanSeconds: number;
  seconds: number;
  maxRssMB: number;
  truth: number;
  found: number;
  hits: number;
  candidates: number;
  byKind: Record<string, { truth: number; hit: number }>;
  /** Seconds of the scan spent in the change analysis (src/relate/changes.ts). */
  changesSeconds: number;
  diskBytes: number;
  digest: string;
}

async function corpusFor(n: number): Promise<string> {
  const dir = join(tmpdir(), `reprint-gen-${n}`);
  if (!existsSync(join(dir, 'truth.jsonl')) || !existsSync(join(dir, 'corpus.jsonl'))) {
    await mkdir(dir, { recursive: true });
    const base = fileURLToPath(new URL('../../shared/data/bbc/', import.meta.url));
    await generate({ n, reuse: Number(values.reuse), seed: 1, base }, join(dir, 'corpus.jsonl'), join(dir, 'truth.jsonl'));
  }
  return dir;
}

async function one(n: number): Promise<RunResult> {
  const { Engine } = await import('../src/engine.ts');
  const { readSources } = await import('../src/ingest/index.ts');
  const { openStore } = await import('../src/store/index.ts');
  const { changeTiming } = await import('../src/relate/changes.ts');
  const dir = await corpusFor(n);
  let dbPath: string | undefined;
  if (values.store === 'duckdb') {
    dbPath = join(tmpdir(), `reprint-scale-${n}-${process.pid}.duckdb`);
    await rm(dbPath, { force: true });
  } else if (values.store === 'clickhouse') {
    dbPath = values.clickhouse!;
  }
  const t0 = performance.now();
  // as `reprint scan` does: one-shot without an index file
  const engine = new Engine({ store: await openStore(dbPath), workers: Number(values.workers), oneShot: !dbPath });
  await engine.add(readSources([join(dir, 'corpus.jsonl')], () => {}));
  const t1 = performance.now();
  const result = await engine.scan();
  const t2 = performance.now();
  let diskBytes = 0;
  const s = engine.store as { diskBytes?: () => Promise<number> };
  if (s.diskBytes) diskBytes = await s.diskBytes();
  await engine.close();
  if (values.store === 'duckdb' && dbPath) {
    for (const f of [dbPath, dbPath + '.postings', dbPath + '.wal']) if (existsSync(f)) diskBytes += statSync(f).size;
    await rm(dbPath, { force: true });
    await rm(dbPath + '.postings', { force: true });
  }
  const truth = (await readFile(join(dir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { source: string; derived: string; kind: string });
  const key = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);
  const found = new Set(result.pairs.filter((p) => p.relation !== 'related').map((p) => key(p.source, p.derived)));
  const byKind: RunResult['byKind'] = {};
  let hits = 0;
  for (const t of truth) {
    const k = (byKind[t.kind] ??= { truth: 0, hit: 0 });
    k.truth++;
    if (found.has(key(t.source, t.derived))) {
      k.hit++;
      hits++;
    }
  }
  return {
    n,
    mb: result.stats.chars / 1e6,
    addSeconds: (t1 - t0) / 1000,
    scanSeconds: (t2 - t1) / 1000,
    seconds: (t2 - t0) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    truth: truth.length,
    found: found.size,
    hits,
    candidates: result.stats.candidates,
    byKind,
    changesSeconds: changeTiming.seconds,
    diskBytes,
    digest: resultsDigest(result),
  };
}

/** sha256 of the pairs (every field, passages and their offsets included) and stories, to tell at a glance whether two stores gave the same results. */
function resultsDigest(result: { pairs: unknown[]; stories: unknown[] }): string {
  const pairs = result.pairs.map((p) => JSON.stringify(p)).sort();
  const stories = result.stories.map((s) => JSON.stringify(s)).sort();
  return createHash('sha256').update(JSON.stringify({ pairs, stories })).digest('hex').slice(0, 12);
}

if (values.one) {
  console.log(JSON.stringify(await one(Number(values.one))));
} else {
  const sizes = (positionals[0] ?? '10000,100000').split(',').map(Number);
  const results: RunResult[] = [];
  // ClickHouse: two shards started here unless a server is given
  const { startClickHouse } = await import('../test/helpers/clickhouse.ts');
  const cluster = values.store === 'clickhouse' && !values.clickhouse ? await startClickHouse(2) : null;
  const chUrl = (n: number) => {
    if (cluster) return cluster.url(`reprint_scale_${n}`);
    return values.clickhouse!.replace(/\/[A-Za-z0-9_]*(\?|$)/, `/reprint_scale_${n}$1`);
  };
  const dropDb = async (n: number) => {
    const { parseClickHouseUrl } = await import('../src/store/clickhouse.ts');
    for (const { host, port } of parseClickHouseUrl(chUrl(n)).hosts)
      await fetch(`http://${host}:${port}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS reprint_scale_${n}`, headers: { connection: 'close' } }).then((r) => r.text());
  };
  for (const n of sizes) {
    await corpusFor(n); // generation is not timed
    const extra = values.store === 'clickhouse' ? ['--clickhouse', chUrl(n)] : [];
    if (values.store === 'clickhouse') await dropDb(n);
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', String(n), '--workers', values.workers!, '--store', values.store!, ...extra], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`N=${n}: failed (exit ${r.status})`);
      continue;
    }
    results.push(JSON.parse(line));
    if (values.store === 'clickhouse') await dropDb(n);
  }
  await cluster?.stop();
  console.log(`Scale: generated corpora (bench/gen, reuse ${values.reuse}), store ${values.store}, ${values.workers} workers, ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}\n`);
  console.log('| documents | MB | add s | add docs/s | scan s | total s | docs/s | peak RSS MB | disk MB | disk KB/doc | candidates | planted | found | recall | precision | changes s | results digest |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results)
    console.log(
      `| ${r.n.toLocaleString('en-US')} | ${r.mb.toFixed(0)} | ${r.addSeconds.toFixed(1)} | ${(r.n / r.addSeconds).toFixed(0)} | ${r.scanSeconds.toFixed(1)} | ${r.seconds.toFixed(1)} | ${(r.n / r.seconds).toFixed(0)} | ${r.maxRssMB.toFixed(0)} | ${r.diskBytes ? (r.diskBytes / 1e6).toFixed(0) : '-'} | ${r.diskBytes ? (r.diskBytes / r.n / 1e3).toFixed(2) : '-'} | ${r.candidates} | ${r.truth} | ${r.found} | ${(r.hits / r.truth).toFixed(3)} | ${(r.found ? r.hits / r.found : 0).toFixed(3)} | ${r.changesSeconds.toFixed(1)} (${((100 * r.changesSeconds) / Math.max(1e-9, r.seconds - r.changesSeconds)).toFixed(1)}%) | ${r.digest} |`,
    );
  console.log('\nrecall by kind:');
  for (const r of results)
    console.log(`  N=${r.n}: ` + Object.entries(r.byKind).map(([k, v]) => `${k} ${v.hit}/${v.truth}`).join(', '));
  if (results.length >= 2) {
    const a = results[0];
    const b = results[results.length - 1];
    console.log(`\ngrowth exponent (time ~ N^x) from ${a.n} to ${b.n}: x = ${(Math.log(b.seconds / a.seconds) / Math.log(b.n / a.n)).toFixed(2)}`);
  }
}
