// Query latency: engine.trace of a ~5 KB article against a DuckDB (or ClickHouse) index of a
// generated corpus (bench/gen). The index is built once into $TMPDIR/reprint-query-N.duckdb
// and reused; with --store clickhouse, two clickhouse-server shards are started on 127.0.0.1
// with their data in $TMPDIR/reprint-query-ch-N (kept and reused), or --clickhouse URL is used.
//
//   npx tsx bench/query.ts [N=10000] [--queries 200] [--store duckdb|clickhouse] [--clickhouse URL]

import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, rng } from './lib/gen.ts';
import { Engine } from '../src/engine.ts';
import { openStore } from '../src/store/index.ts';
import { readSources } from '../src/ingest/index.ts';
import { startClickHouse } from '../test/helpers/clickhouse.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { queries: { type: 'string', default: '200' }, store: { type: 'string', default: 'duckdb' }, clickhouse: { type: 'string' } },
});
if (values.store !== 'duckdb' && values.store !== 'clickhouse') throw new Error(`--store duckdb|clickhouse, not ${values.store}`);
const n = Number(positionals[0] ?? 10000);
const Q = Number(values.queries);
const dir = join(tmpdir(), `reprint-gen-${n}`);
if (!existsSync(join(dir, 'corpus.jsonl'))) {
  await mkdir(dir, { recursive: true });
  const base = fileURLToPath(new URL('../../shared/data/bbc/', import.meta.url));
  await generate({ n, seed: 1, base }, join(dir, 'corpus.jsonl'), join(dir, 'truth.jsonl'));
}
let db = join(tmpdir(), `reprint-query-${n}.duckdb`);
let built = existsSync(db);
let cluster: Awaited<ReturnType<typeof startClickHouse>> | null = null;
if (values.store === 'clickhouse') {
  if (values.clickhouse) db = values.clickhouse;
  else {
    const chDir = join(tmpdir(), `reprint-query-ch-${n}`);
    built = existsSync(join(chDir, 'built'));
    if (!built) await rm(chDir, { recursive: true, force: true });
    await mkdir(chDir, { recursive: true });
    cluster = await startClickHouse(2, { dir: chDir });
    db = cluster.url('reprint_query');
  }
}
let buildSeconds: number | null = null;
if (!built) {
  const t0 = performance.now();
  const e = new Engine({ store: await openStore(db), workers: availableParallelism(), batchSize: 10000 }); // as `index add`
  await e.add(readSources([join(dir, 'corpus.jsonl')], () => {}));
  await e.close();
  buildSeconds = (performance.now() - t0) / 1000;
  if (cluster) await writeFile(join(cluster.dir, 'built'), 'yes\n');
}

// Queries: ~5 KB made of an indexed article's paragraphs (so there is something to find) and
// new text, a quarter of them with no indexed text at all.
// The articles are picked by line number and read in one streamed pass (a 1M corpus is 4 GB).
const r = rng(7);
const picks = Array.from({ length: 2 * Q }, () => Math.floor(r() * n));
const need = new Set(picks);
const lines = new Map<number, string>();
let ln = 0;
for await (const line of createInterface({ input: createReadStream(join(dir, 'corpus.jsonl')), crlfDelay: Infinity })) {
  if (need.has(ln)) lines.set(ln, line);
  ln++;
}
const textOf = (i: number) => JSON.parse(lines.get(picks[i])!).text as string;
const queries: string[] = [];
for (let i = 0; i < Q; i++) {
  const own = textOf(2 * i).split('\n\n').reverse().join('\n\n');
  const scrambled = own.split(' ').sort(() => r() - 0.5).join(' ');
  const text = i % 4 === 3 ? scrambled : textOf(2 * i + 1).slice(0, 2500) + '\n\n' + scrambled;
  queries.push(text.slice(0, 5000));
}

const tOpen = performance.now();
const store = await openStore(db, { readOnly: true });
const engine = new Engine({ store });
await engine.trace({ id: '', path: 'warm-up', text: queries[0], meta: {} }); // opens the postings file (or loads the postings)
const openSeconds = (performance.now() - tOpen) / 1000;
const times: number[] = [];
let found = 0;
for (const q of queries) {
  const t0 = performance.now();
  const res = await engine.trace({ id: '', path: 'query', text: q, meta: {} });
  times.push(performance.now() - t0);
  if (res.sources.length) found++;
}
const disk = (engine.store as { diskBytes?: () => Promise<number> }).diskBytes;
const diskBytes = disk ? await disk.call(engine.store) : 0;
await engine.close();
await cluster?.stop();
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
console.log(`Query: engine.trace of ~5 KB articles on a ${values.store === 'clickhouse' ? `ClickHouse index (${cluster ? 'two local shards' : db})` : 'DuckDB index'} of ${n.toLocaleString('en-US')} generated documents (load ${loadavg()[0].toFixed(1)})${diskBytes ? `; index ${(diskBytes / 1e6).toFixed(0)} MB on disk` : ''}\n`);
console.log('| index docs | index build s | open + first query s | queries | with a source | median ms | p90 ms | p99 ms | max ms | peak RSS MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${n.toLocaleString('en-US')} | ${buildSeconds === null ? 'cached' : buildSeconds.toFixed(1)} | ${openSeconds.toFixed(2)} | ${Q} | ${found} | ${pct(50).toFixed(1)} | ${pct(90).toFixed(1)} | ${pct(99).toFixed(1)} | ${times[times.length - 1].toFixed(1)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} |`,
);
