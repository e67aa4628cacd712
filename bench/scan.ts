// bench/scan: a whole `reprint scan` (read, clean, fingerprint, candidates, align, relate,
// report) of a folder, through the same Engine the CLI uses. Prints one table.
//
//   npm run -s bench:scan -- [FOLDER] [--runs N]      (default: ../shared/data/bbc, 3 runs)

import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Engine, readSources, buildReport } from '../src/index.ts';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const folder = args[0] ?? fileURLToPath(new URL('../../shared/data/bbc', import.meta.url));

interface Row {
  documents: number;
  mb: number;
  seconds: number;
  pairs: number;
  duplicates: number;
  stories: number;
  problems: number;
}

async function once(): Promise<Row> {
  const t0 = performance.now();
  const engine = new Engine();
  await engine.add(readSources([folder], (p) => engine.report(p)));
  const result = await engine.scan();
  const report = buildReport(result);
  JSON.stringify(report);
  const seconds = (performance.now() - t0) / 1000;
  let bytes = 0;
  for (const d of result.docs.values()) bytes += Buffer.byteLength(d.original);
  await engine.close();
  return {
    documents: result.docs.size,
    mb: bytes / 1e6,
    seconds,
    pairs: report.pairs.filter((p) => p.relation !== 'related').length,
    duplicates: report.pairs.filter((p) => p.relation === 'duplicate').length,
    stories: report.stories.length,
    problems: report.problems.length,
  };
}

const rows: Row[] = [];
for (let i = 0; i < runs; i++) rows.push(await once());
const times = rows.map((r) => r.seconds).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const r = rows[0];
const peak = process.resourceUsage().maxRSS / 1024;
console.log(`reprint scan ${folder}  (${runs} runs, median shown)`);
console.log('| documents | MB | seconds (median) | MB/s | docs/s | peak memory MB | pairs found | duplicates | stories | input problems |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${r.documents} | ${r.mb.toFixed(2)} | ${median.toFixed(2)} | ${(r.mb / median).toFixed(2)} | ${Math.round(r.documents / median)} | ${peak.toFixed(0)} | ${r.pairs} | ${r.duplicates} | ${r.stories} | ${r.problems} |`,
);
console.log(`all runs (s): ${rows.map((x) => x.seconds.toFixed(2)).join(', ')}`);

// What a user waits for: the CLI end to end in a fresh process (Node start-up, loading, no report files).
const cliRuns: number[] = [];
for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/reprint.js', import.meta.url)), 'scan', folder, '--no-report', '--quiet'], { encoding: 'utf8' });
  cliRuns.push((performance.now() - t0) / 1000);
  if (r.status !== 0 && r.status !== 1) console.log(`cli exited ${r.status}: ${r.stderr.slice(0, 400)}`);
}
cliRuns.sort((a, b) => a - b);
console.log(`\`reprint scan\` in a fresh process (median of ${cliRuns.length}): ${cliRuns[Math.floor(cliRuns.length / 2)].toFixed(2)} s  (runs: ${cliRuns.map((x) => x.toFixed(2)).join(', ')})`);
