// reprint dedup: MinHash + LSH near-duplicate removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, readdir } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cli, DATA } from './helpers/paths.ts';
import { dedupe, shingles, sortedJaccard } from '../src/fingerprint/dedup.ts';
import { uniqueSorted } from '../src/store/postings.ts';
import { lshCandidates, lshParams } from '../src/fingerprint/lsh.ts';

const BBC = join(DATA, 'bbc');

async function bbcFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const cat of (await readdir(BBC, { withFileTypes: true })).filter((d) => d.isDirectory()))
    for (const f of await readdir(join(BBC, cat.name))) if (f.endsWith('.txt')) out.push(join(BBC, cat.name, f));
  return out.sort();
}

test('BBC: all 98 byte-identical pairs found, nothing merged below the threshold', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    const files = await bbcFiles();
    assert.equal(files.length, 2225);
    // byte-identical pairs, computed here independently
    const byHash = new Map<string, string[]>();
    const texts = new Map<string, string>();
    for (const f of files) {
      const bytes = await readFile(f);
      const h = createHash('sha256').update(bytes).digest('hex');
      const id = relative(BBC, f).replace(/\.txt$/, '');
      byHash.set(h, [...(byHash.get(h) ?? []), id]);
    }
    const identical: [string, string][] = [];
    for (const g of byHash.values()) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) identical.push([g[i], g[j]]);
    assert.equal(identical.length, 98);

    const threshold = 0.8;
    const out = join(dir, 'kept.jsonl');
    const clusters = join(dir, 'clusters.jsonl');
    const r = await dedupe({ inputs: [BBC], out, clusters, threshold });
    const kept = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(kept.length, r.kept);
    for (const k of kept) texts.set(k.id, k.text);
    const groups = (await readFile(clusters, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { members: string[]; kept: string });
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => g.members.forEach((m) => groupOf.set(m, i)));
    for (const [a, b] of identical) {
      assert.ok(groupOf.has(a) && groupOf.get(a) === groupOf.get(b), `identical pair ${a} ${b} in one group`);
    }
    // every removed document is at least `threshold` similar to the one kept for it (exactly)
    const textOf = async (id: string) => (await readFile(join(BBC, id + '.txt'), 'utf8'));
    let checked = 0;
    for (const g of groups) {
      assert.ok(g.members.includes(g.kept));
      assert.ok(texts.has(g.kept), 'the kept document is in KEPT');
      const sk = uniqueSorted(shingles(await textOf(g.kept)));
      for (const m of g.members) {
        if (m === g.kept) continue;
        assert.ok(!texts.has(m), 'a removed document is not in KEPT');
        const j = sortedJaccard(sk, uniqueSorted(shingles(await textOf(m))));
        assert.ok(j >= threshold, `${m} merged into ${g.kept} with Jaccard ${j.toFixed(3)}`);
        checked++;
      }
    }
    assert.equal(checked, r.removed);
    assert.equal(r.kept + r.removed, r.documents);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('JSONL: kept lines byte for byte, keep rules, clusters file, bad lines reported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    const base = 'The council voted on Tuesday to close the old library on Main Street after a long and heated debate about budgets, staff and the future of reading in the town';
    const lines = [
      JSON.stringify({ id: 'a', text: base, date: '2020-05-01' }),
      JSON.stringify({ id: 'u1', text: 'An entirely different story about a football match between two local teams that ended in a draw after extra time and penalties were not needed' }),
      `{"id":"b",  "text":${JSON.stringify(base + ' today')}, "date":"2019-01-01", "extra":"caf\u00e9 \\u00e9"}\r`,
      '{not json',
      JSON.stringify({ id: 'c', text: base }),
      '',
      JSON.stringify({ id: 'short1', text: 'Hi' }),
      JSON.stringify({ id: 'short2', text: 'Hi' }),
    ];
    const input = join(dir, 'in.jsonl');
    await writeFile(input, lines.join('\n') + '\n');
    const out = join(dir, 'kept.jsonl');
    const cl = join(dir, 'cl.jsonl');
    let r = cli(['dedup', input, '--out', out, '--clusters', cl, '--threshold', '0.8']);
    assert.equal(r.status, 1, 'a bad line makes exit code 1');
    assert.match(r.stderr, /in\.jsonl \(line 4\): bad JSON/);
    assert.equal(await readFile(out, 'utf8'), [lines[0], lines[1], lines[6]].join('\n') + '\n');
    const groups = (await readFile(cl, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(groups, [
      { members: ['a', 'b', 'c'], kept: 'a' },
      { members: ['short1', 'short2'], kept: 'short1' },
    ]);
    r = cli(['dedup', input, '--out', out, '--keep', 'earliest']);
    assert.equal(r.status, 1);
    const keptE = await readFile(out, 'utf8');
    assert.ok(keptE.includes(lines[2] + '\n'), 'the CRLF line is written back unchanged');
    assert.ok(!keptE.includes('"id":"a"'));
    r = cli(['dedup', input, '--out', out, '--keep', 'longest']);
    assert.ok((await readFile(out, 'utf8')).includes('"id":"b"'));
    // gzipped input, the same result
    await writeFile(join(dir, 'in.jsonl.gz'), gzipSync(lines.filter((l) => l !== '{not json').join('\n')));
    r = cli(['dedup', join(dir, 'in.jsonl.gz'), '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await readFile(out, 'utf8')).split('\n').filter(Boolean).length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('JSONL over several read chunks: lines across chunk ends kept byte for byte, last line without a newline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    // 10 MB of distinct documents (the reader takes 8 MB at a time), every 50th a copy of the one before
    const lines: string[] = [];
    let seed = 1;
    const word = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), `w${(seed >>> 8) % 50000}`);
    let size = 0;
    for (let i = 0; size < 10e6; i++) {
      const text = i % 50 === 49 ? JSON.parse(lines[i - 1]).text : Array.from({ length: 300 }, word).join(' ') + ' caf\u00e9 ×';
      const line = JSON.stringify({ id: `d${i}`, text });
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    // a bad line and a blank one late in the file (in a helper thread's share or this thread's)
    const bad = lines.length - 700;
    lines.splice(bad, 0, '{"id": "broken", "text": ');
    lines.splice(bad + 300, 0, '');
    const input = join(dir, 'big.jsonl');
    await writeFile(input, lines.join('\n'));
    const out = join(dir, 'kept.jsonl');
    const copy = (l: string) => Number(/"id":"d(\d+)"/.exec(l)?.[1]) % 50 === 49;
    const expected = lines.filter((l, i) => l && i !== bad && !copy(l)).join('\n') + '\n';
    // one thread, and a helper thread taking chunks of the lines: the same result, the same problem
    for (const w of ['1', '2']) {
      const r = cli(['dedup', input, '--out', out, '--quiet', '--workers', w]);
      assert.equal(r.status, 1, 'the bad line makes the exit code 1');
      assert.match(r.stderr, new RegExp(`big\\.jsonl \\(line ${bad + 1}\\): bad JSON`), `--workers ${w}`);
      assert.equal(await readFile(out, 'utf8'), expected, `--workers ${w}`);
    }
    // from the library (sources through tsx): whole file with a helper thread, and the streaming
    // reader (8 MB reads), with and without a helper thread
    for (const [workers, wholeFileLimit] of [
      [2, undefined],
      [1, 0],
      [2, 0],
    ]) {
      const problems: string[] = [];
      const r = await dedupe({ inputs: [input], out, workers, workersFrom: 1, wholeFileLimit, onProblem: (p) => problems.push(`${p.where}: ${p.reason}`) });
      assert.equal(r.threads, workers);
      assert.equal(r.documents, lines.length - 2);
      assert.deepEqual(problems.map((p) => p.split(':')[0]), [`line ${bad + 1}`]);
      assert.equal(await readFile(out, 'utf8'), expected, `workers ${workers}, whole file up to ${wholeFileLimit}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dedup usage errors', () => {
  assert.equal(cli(['dedup', 'x.jsonl']).status, 2);
  assert.equal(cli(['dedup', 'x.jsonl', '--out', 'y', '--threshold', '2']).status, 2);
  assert.equal(cli(['dedup', 'x.jsonl', '--out', 'y', '--keep', 'best']).status, 2);
  assert.equal(cli(['dedup', 'x.jsonl', '--out', 'y', '--workers', '0']).status, 2);
  const r = cli(['dedup', join(tmpdir(), 'nope-reprint.jsonl'), '--out', join(tmpdir(), 'nope-out.jsonl')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no such file/);
});

test('LSH parameters favour the threshold', () => {
  const { bands, rows } = lshParams(0.8, 128);
  assert.ok(bands * rows <= 128);
  // the S-curve crosses 1/2 near the threshold
  const p = (s: number) => 1 - (1 - s ** rows) ** bands;
  assert.ok(p(0.9) > 0.9 && p(0.5) < 0.1, `${bands}x${rows}`);
});

test('LSH candidates: exactly the pairs that agree on every row of a band; a huge bucket linked as a star', () => {
  // random signatures with planted copies that agree on some bands only
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const numPerm = 32;
  const bands = 8;
  const rows = 4;
  const n = 600;
  const sigs = new Uint32Array(n * numPerm);
  for (let d = 0; d < n; d++) {
    const from = d > 20 && next() % 3 === 0 ? next() % d : -1;
    for (let j = 0; j < numPerm; j++) {
      // a copy takes whole bands from an earlier document; few distinct values make band hashes meet
      const copied = from >= 0 && (next() & 1) === 0;
      sigs[d * numPerm + j] = copied ? sigs[from * numPerm + j] : next() % 3;
    }
    if (from >= 0) for (let j = 0; j < rows; j++) sigs[d * numPerm + j] = sigs[from * numPerm + j];
  }
  const sameBand = (a: number, b: number, band: number) => {
    for (let r = 0; r < rows; r++) if (sigs[a * numPerm + band * rows + r] !== sigs[b * numPerm + band * rows + r]) return false;
    return true;
  };
  const skip = new Uint8Array(n);
  for (let d = 0; d < n; d += 11) skip[d] = 1;
  const expected: number[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      if (skip[a] || skip[b]) continue;
      for (let band = 0; band < bands; band++)
        if (sameBand(a, b, band)) {
          expected.push(a * n + b);
          break;
        }
    }
  const got = lshCandidates(sigs, n, numPerm, bands, rows, { skip, maxBucket: 1e9 });
  assert.ok(expected.length > 100, `${expected.length} pairs planted`);
  assert.deepEqual(Array.from(got), expected);

  // 300 equal signatures: linked as a star around the first (and in a chain), not 44,850 pairs
  const m = 300;
  const same = new Uint32Array(m * numPerm).fill(5);
  const star = lshCandidates(same, m, numPerm, bands, rows, { maxBucket: 100 });
  assert.ok(star.length < 3 * m, `${star.length} pairs`);
  const linked = new Set<number>();
  for (const p of star) if (Math.floor(p / m) === 0) linked.add(p % m);
  assert.equal(linked.size, m - 1, 'every member linked to the first');
});

test('signing with sign.wasm and without it (REPRINT_WASM=0) removes the same documents', async () => {
  const { spawnSync } = await import('node:child_process');
  const { ROOT } = await import('./helpers/paths.ts');
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    const files = await bbcFiles();
    const input = join(dir, 'bbc.jsonl');
    const lines: string[] = [];
    for (const f of files) lines.push(JSON.stringify({ id: relative(BBC, f), text: await readFile(f, 'latin1') }));
    await writeFile(input, lines.join('\n') + '\n');
    const outs: string[] = [];
    for (const wasm of ['1', '0']) {
      const out = join(dir, `kept-${wasm}.jsonl`);
      const clusters = join(dir, `clusters-${wasm}.jsonl`);
      const r = spawnSync(process.execPath, [ROOT + 'bin/reprint.js', 'dedup', input, '--out', out, '--clusters', clusters, '--quiet'], { encoding: 'utf8', env: { ...process.env, REPRINT_WASM: wasm } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Kept 2,0\d\d of 2,225 documents/);
      outs.push((await readFile(out, 'utf8')) + (await readFile(clusters, 'utf8')));
    }
    assert.equal(outs[0], outs[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dedup --times says where the time went', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    const input = join(dir, 'in.jsonl');
    const text = 'The harbour ferry returned to service on Saturday after two years of repairs to its hull and engine';
    await writeFile(input, [JSON.stringify({ id: 'a', text }), JSON.stringify({ id: 'b', text })].join('\n') + '\n');
    const r = cli(['dedup', input, '--out', join(dir, 'out.jsonl'), '--quiet', '--times']);
    assert.equal(r.status, 0, r.stderr);
    const m = /Times \(s\): start-up ([\d.]+), read ([\d.]+), sign ([\d.]+), candidates ([\d.]+), confirm ([\d.]+), write ([\d.]+), total ([\d.]+)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const [startUp, read, sign, candidates, confirm, write, total] = m.slice(1).map(Number);
    assert.ok(startUp > 0 && total > 0);
    assert.ok(read + sign + candidates + confirm + write <= total + 0.005, r.stderr);
    assert.match(r.stderr, /Kept 1 of 2 documents/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI runs the same from its start-up bundle and through tsx (REPRINT_TSX=1)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { ROOT } = await import('./helpers/paths.ts');
  const dir = await mkdtemp(join(tmpdir(), 'reprint-dedup-'));
  try {
    const text = 'The harbour ferry returned to service on Saturday after two years of repairs to its hull and engine';
    const input = join(dir, 'in.jsonl');
    await writeFile(input, [JSON.stringify({ id: 'a', text }), JSON.stringify({ id: 'b', text: text + ' today' }), JSON.stringify({ id: 'c', text: 'Something else entirely, about a bakery that won an award for its bread and cakes this week' })].join('\n') + '\n');
    const outs: string[] = [];
    for (const env of [{}, { REPRINT_TSX: '1' }]) {
      const out = join(dir, `out-${outs.length}.jsonl`);
      const r = spawnSync(process.execPath, [ROOT + 'bin/reprint.js', 'dedup', input, '--out', out], { encoding: 'utf8', env: { ...process.env, ...env } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Kept 2 of 3 documents/);
      outs.push(await readFile(out, 'utf8'));
    }
    assert.equal(outs[0], outs[1]);
    // one document: singular words
    const one = join(dir, 'one.jsonl');
    await writeFile(one, JSON.stringify({ id: 'a', text }) + '\n');
    const r1 = spawnSync(process.execPath, [ROOT + 'bin/reprint.js', 'dedup', one, '--out', join(dir, 'one-out.jsonl')], { encoding: 'utf8' });
    assert.match(r1.stderr, /Kept 1 of 1 document \(0 near-duplicates removed in 0 groups;/);
    assert.ok(readdirSyncSafe(join(ROOT, '.cache', 'cli')).length >= 1, 'the bundle is kept in .cache/cli');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function readdirSyncSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}
