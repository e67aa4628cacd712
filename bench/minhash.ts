// MinHash signing speed on the BBC articles (word 5-grams, 128 permutations), next to the
// Python library datasketch measured in the same run when it is available
// (/work/.bench-peers/datasketch or DATASKETCH_PATH, with python3 and numpy).
//
//   npx tsx bench/minhash.ts

import { readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kgramHashesOfText, minhashText } from '../src/fingerprint/shingles.ts';
import { minhashOf } from '../src/fingerprint/minhash.ts';

const BBC = fileURLToPath(new URL('../../shared/data/bbc/', import.meta.url));
const PEER = process.env.DATASKETCH_PATH ?? '/work/.bench-peers/datasketch';
const REFERENCE_MBS = 1.65; // datasketch on this machine, from the issue

const files: string[] = [];
for (const cat of (await readdir(BBC, { withFileTypes: true })).filter((d) => d.isDirectory()))
  for (const f of (await readdir(join(BBC, cat.name))).sort()) if (f.endsWith('.txt')) files.push(join(BBC, cat.name, f));
const texts = await Promise.all(files.map((f) => readFile(f, 'latin1')));
const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t, 'latin1'), 0);
const mb = bytes / 1e6;

function signAll(): number {
  let check = 0;
  for (const t of texts) check ^= minhashText(t, 5, 128)[0];
  return check;
}

function signTwoStep(): number {
  let check = 0;
  for (const t of texts) check ^= minhashOf(kgramHashesOfText(t, 5), 128)[0];
  return check;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
signAll(); // warm up
const runs: number[] = [];
for (let i = 0; i < 11; i++) {
  const t0 = performance.now();
  signAll();
  runs.push((performance.now() - t0) / 1000);
}
const ours = median(runs);
const runs2: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  signTwoStep();
  runs2.push((performance.now() - t0) / 1000);
}
const twoStep = median(runs2);

let peer: number | null = null;
let peerNote = 'not available';
if (existsSync(join(PEER, 'datasketch'))) {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-bench-'));
  const script = join(dir, 'ds.py');
  await writeFile(
    script,
    `import sys, os, time
from datasketch import MinHash
root = sys.argv[1]
texts = []
for cat in sorted(os.listdir(root)):
    p = os.path.join(root, cat)
    if not os.path.isdir(p): continue
    for f in sorted(os.listdir(p)):
        if f.endswith('.txt'):
            texts.append(open(os.path.join(p, f), encoding='latin-1').read())
def run():
    for t in texts:
        w = t.lower().split()
        m = MinHash(num_perm=128)
        m.update_batch([' '.join(w[i:i+5]).encode('utf8') for i in range(max(0, len(w) - 4))])
best = []
for _ in range(3):
    t0 = time.perf_counter(); run(); best.append(time.perf_counter() - t0)
best.sort()
print(best[1])
`,
  );
  const r = spawnSync('python3', [script, BBC], { env: { ...process.env, PYTHONPATH: PEER }, encoding: 'utf8' });
  await rm(dir, { recursive: true, force: true });
  if (r.status === 0) {
    peer = Number(r.stdout.trim());
    peerNote = 'measured now (median of 3, update_batch)';
  } else peerNote = `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
}

const rows: [string, string, string, string][] = [];
rows.push(['reprint minhashText (OPH, rolled 5-grams)', ours.toFixed(3), (mb / ours).toFixed(1), 'what reprint dedup uses']);
rows.push(['reprint kgramHashesOfText + minhashOf (OPH)', twoStep.toFixed(3), (mb / twoStep).toFixed(1), 'shingle array, then signature']);
if (peer !== null) rows.push(['datasketch MinHash (Python)', peer.toFixed(3), (mb / peer).toFixed(2), peerNote]);
else rows.push(['datasketch MinHash (Python)', '-', REFERENCE_MBS.toFixed(2), `${peerNote}; reference figure from the issue`]);
const peerMbs = peer !== null ? mb / peer : REFERENCE_MBS;
console.log(`MinHash signing: BBC, ${texts.length} articles, ${mb.toFixed(2)} MB, word 5-grams, 128 permutations (median of ${runs.length} runs)\n`);
console.log('| signer | seconds | MB/s | note |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nreprint fastest run: ${(mb / Math.min(...runs)).toFixed(1)} MB/s; machine load average: ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log(`speed-up over datasketch: ${((mb / ours) / peerMbs).toFixed(0)}x (floor: 50x)`);
console.log(`peak memory (maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

// reprint dedup on the same articles: identical pairs found, and no merge below the threshold.
{
  const { dedupe, shingles, sortedJaccard } = await import('../src/fingerprint/dedup.ts');
  const { uniqueSorted } = await import('../src/store/postings.ts');
  const { createHash } = await import('node:crypto');
  const { relative } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'reprint-bench-'));
  const threshold = 0.8;
  const t0 = performance.now();
  const r = await dedupe({ inputs: [BBC], out: join(dir, 'kept.jsonl'), clusters: join(dir, 'clusters.jsonl'), threshold });
  const secs = (performance.now() - t0) / 1000;
  const groups = (await readFile(join(dir, 'clusters.jsonl'), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { members: string[]; kept: string });
  await rm(dir, { recursive: true, force: true });
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.members.forEach((m) => groupOf.set(m, i)));
  const byHash = new Map<string, string[]>();
  const textOf = new Map<string, string>();
  for (const f of files) {
    const bytes = await readFile(f);
    const id = relative(BBC, f).replace(/\.txt$/, '');
    textOf.set(id, bytes.toString('latin1'));
    const h = createHash('sha256').update(bytes).digest('hex');
    byHash.set(h, [...(byHash.get(h) ?? []), id]);
  }
  let identical = 0;
  let found = 0;
  for (const g of byHash.values())
    for (let i = 0; i < g.length; i++)
      for (let j = i + 1; j < g.length; j++) {
        identical++;
        if (groupOf.has(g[i]) && groupOf.get(g[i]) === groupOf.get(g[j])) found++;
      }
  let below = 0;
  let minJ = 1;
  for (const g of groups) {
    const k = uniqueSorted(shingles(textOf.get(g.kept) ?? ''));
    for (const m of g.members) {
      if (m === g.kept) continue;
      const jv = sortedJaccard(k, uniqueSorted(shingles(textOf.get(m) ?? '')));
      minJ = Math.min(minJ, jv);
      if (jv < threshold) below++;
    }
  }
  console.log(`\nreprint dedup ${BBC} (Jaccard >= ${threshold}, ${r.bands} bands x ${r.rows} rows)\n`);
  console.log('| documents | kept | removed | groups | LSH candidates | confirmed | byte-identical pairs found | merged below threshold | lowest merged Jaccard | seconds | docs/s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${r.documents} | ${r.kept} | ${r.removed} | ${r.clusters} | ${r.candidates} | ${r.confirmed} | ${found}/${identical} | ${below} | ${minJ.toFixed(3)} | ${secs.toFixed(2)} | ${(r.documents / secs).toFixed(0)} |`);
}

// Whole process: `reprint dedup` of the BBC + Reuters-21578 bodies as a user runs it (a fresh
// process: start-up, module loading, reading, signing, LSH, confirmation, writing), beside
// datasketch's signing + LSH of the same texts (its reading and Python's start-up not counted).
{
  const REUTERS = fileURLToPath(new URL('../../shared/data/reuters21578/', import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), 'reprint-bench-'));
  const input = join(dir, 'bbc-reuters.jsonl');
  const lines: string[] = [];
  files.forEach((f, i) => lines.push(JSON.stringify({ id: `bbc/${f.slice(BBC.length)}`, text: texts[i] })));
  for (const f of (await readdir(REUTERS)).filter((f) => f.endsWith('.sgm')).sort()) {
    let i = 0;
    for (const m of (await readFile(join(REUTERS, f), 'latin1')).matchAll(/<BODY>([\s\S]*?)<\/BODY>/g))
      lines.push(JSON.stringify({ id: `reuters/${f}/${i++}`, text: m[1].replace(/&lt;/g, '<').replace(/&amp;/g, '&') }));
  }
  await writeFile(input, lines.join('\n') + '\n');
  const inputMb = Buffer.byteLength(lines.join('\n') + '\n') / 1e6;
  const bin = fileURLToPath(new URL('../bin/reprint.js', import.meta.url));
  const runsArg = process.argv.indexOf('--process-runs');
  const processRuns = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  // CPU seconds (user + system, all threads) through /usr/bin/time where there is one: on a
  // shared machine they move less with the load than wall-clock seconds do.
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const once = (env: NodeJS.ProcessEnv = process.env, extra: string[] = []) => {
    const args = [bin, 'dedup', input, '--out', join(dir, 'kept.jsonl'), '--quiet', '--times', ...extra];
    const t0 = performance.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8', env })
      : spawnSync(process.execPath, args, { encoding: 'utf8', env });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`reprint dedup failed: ${r.stderr}`);
    const times: Record<string, number> = {};
    for (const m of (/^Times \(s\): (.*)$/m.exec(r.stderr)?.[1] ?? '').matchAll(/([a-z-]+) ([\d.]+)/g)) times[m[1]] = Number(m[2]);
    const c = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const summary = r.stderr.replace(/cpu [\d.]+ [\d.]+\s*$/, '').replace(/^Times.*$/m, '').trim();
    return { wall, inner: times.total ?? NaN, times, cpu: c ? Number(c[1]) + Number(c[2]) : NaN, summary };
  };
  const first = once();
  const walls: number[] = [];
  const inners: number[] = [];
  const phases: Record<string, number[]> = {};
  const cpus: number[] = [];
  let summary = first.summary;
  // half of the runs before datasketch and half after, so that both see the machine's load
  const ourRuns = (count: number) => {
    for (let i = 0; i < count; i++) {
      const r = once();
      walls.push(r.wall);
      inners.push(r.inner);
      for (const [k, v] of Object.entries(r.times)) (phases[k] ??= []).push(v);
      (phases.exit ??= []).push(r.wall - (r.times['start-up'] ?? 0) - r.inner);
      cpus.push(r.cpu);
      summary = r.summary;
    }
  };
  ourRuns(Math.ceil(processRuns / 2));
  const tsxWalls: number[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(processRuns / 2)); i++) tsxWalls.push(once({ ...process.env, REPRINT_TSX: '1' }).wall);
  const jsWalls: number[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(processRuns / 2)); i++) jsWalls.push(once({ ...process.env, REPRINT_WASM: '0' }).wall);
  const oneWalls: number[] = [];
  const oneCpus: number[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(processRuns / 2)); i++) {
    const r = once(process.env, ['--workers', '1']);
    oneWalls.push(r.wall);
    oneCpus.push(r.cpu);
  }
  const peers: { mode: string; sign: number; lsh: number; cpu: number; candidates: number }[] = [];
  let peerNote = 'not available';
  if (existsSync(join(PEER, 'datasketch'))) {
    const script = fileURLToPath(new URL('./peers/datasketch_dedup.py', import.meta.url));
    for (const mode of ['batch', 'update']) {
      const r = spawnSync('python3', [script, input, mode], { env: { ...process.env, PYTHONPATH: PEER }, encoding: 'utf8' });
      if (r.status === 0) peers.push({ mode, ...JSON.parse(r.stdout.trim()) });
      else peerNote = `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
    }
  }
  ourRuns(Math.floor(processRuns / 2));
  await rm(dir, { recursive: true, force: true });
  const ours = median(walls);
  console.log(`\nreprint dedup as a fresh process: BBC + Reuters-21578 bodies, ${lines.length} documents, ${inputMb.toFixed(1)} MB JSONL (Jaccard >= 0.8, 128 permutations)`);
  console.log(`${summary}\n`);
  console.log('| run | seconds | note |');
  console.log('|---|---:|---|');
  const ourCpu = median(cpus);
  console.log(`| reprint dedup, whole process, default threads (median of ${walls.length}) | ${ours.toFixed(2)} | runs: ${walls.map((w) => w.toFixed(2)).join(', ')}; CPU seconds (median): ${Number.isFinite(ourCpu) ? ourCpu.toFixed(2) : '-'} |`);
  console.log(`| of which inside dedupe() (read, sign, LSH, confirm, write) | ${median(inners).toFixed(2)} | start-up and exit: ${(ours - median(inners)).toFixed(2)} s |`);
  const ms = (k: string) => (phases[k]?.length ? (1000 * median(phases[k])).toFixed(0) : '-');
  console.log(`| where the time went (medians, ms; dedup --times) | | process start to dedupe() (Node, module loading) ${ms('start-up')}, read ${ms('read')}, sign ${ms('sign')}, LSH candidates ${ms('candidates')}, confirm ${ms('confirm')}, write ${ms('write')}, exit (and spawning) ${ms('exit')} |`);
  console.log(`| reprint dedup signing in JavaScript (REPRINT_WASM=0, median of ${jsWalls.length}) | ${median(jsWalls).toFixed(2)} | without sign.wasm |`);
  console.log(`| reprint dedup --workers 1 (no helper thread, median of ${oneWalls.length}) | ${median(oneWalls).toFixed(2)} | CPU seconds (median): ${Number.isFinite(median(oneCpus)) ? median(oneCpus).toFixed(2) : '-'} |`);
  console.log(`| reprint dedup, first run of the bench | ${first.wall.toFixed(2)} | builds the start-up bundle (.cache/cli) if the sources changed |`);
  console.log(`| reprint dedup through tsx (REPRINT_TSX=1, median of ${tsxWalls.length}) | ${median(tsxWalls).toFixed(2)} | no bundle: every module through tsx's hooks |`);
  for (const p of peers)
    console.log(`| datasketch ${p.mode === 'batch' ? 'MinHash.update_batch' : 'MinHash.update per shingle'} + MinHashLSH | ${(p.sign + p.lsh).toFixed(2)} | signing ${p.sign.toFixed(2)} s, LSH insert + query ${p.lsh.toFixed(2)} s, CPU seconds ${p.cpu.toFixed(2)}, ${p.candidates} candidate pairs |`);
  if (!peers.length) console.log(`| datasketch | - | ${peerNote} |`);
  console.log('');
  for (const p of peers)
    console.log(
      `whole process vs datasketch ${p.mode === 'batch' ? 'update_batch' : 'update'} signing + LSH: ${((p.sign + p.lsh) / ours).toFixed(1)}x in seconds` +
        (Number.isFinite(ourCpu) ? `, ${(p.cpu / ourCpu).toFixed(1)}x in CPU seconds` : '') +
        ' (floor: 50x)',
    );
  console.log(`machine load average: ${(await import('node:os')).loadavg()[0].toFixed(1)} (${(await import('node:os')).cpus().length} cores)`);
}
