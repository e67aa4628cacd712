// Faults: damaged input and a damaged run leave a usable index and lose nothing indexed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/paths.ts';
import { openStore } from '../src/store/index.ts';

function words(seed: number, n: number): string {
  let s = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out.push('w' + ((s >>> 0) % 5000).toString(36));
  }
  return out.join(' ') + '.';
}

function jsonl(from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += JSON.stringify({ id: `d${i}`, text: words(i + 1, 40) }) + '\n';
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-faults-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('truncated .jsonl.gz: clear message, the whole lines before the cut are indexed', () =>
  withDir(async (dir) => {
    const gz = gzipSync(jsonl(0, 300));
    const path = join(dir, 'cut.jsonl.gz');
    await writeFile(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const db = join(dir, 'i.duckdb');
    const r = cli(['index', 'add', path, '--db', db, '--quiet']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cut\.jsonl\.gz \(after line \d+\): gzip data is truncated/);
    const s = await openStore(db);
    const n = await s.size();
    assert.ok(n > 50 && n < 300, `indexed ${n}`);
    const last = await s.getDoc(`d${n - 1}`);
    assert.equal(last?.text, words(n, 40), 'the last document indexed is whole');
    await s.close();
  }));

test('malformed JSONL lines: named by line, the rest indexed', () =>
  withDir(async (dir) => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, jsonl(0, 2) + '{"id": "x", "text": \n' + '[1,2]\n' + '{"id":"y"}\n' + jsonl(2, 4));
    const db = join(dir, 'i.duckdb');
    const r = cli(['index', 'add', path, '--db', db, '--quiet']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.jsonl \(line 3\): bad JSON/);
    assert.match(r.stderr, /bad\.jsonl \(line 4\): not a JSON object/);
    assert.match(r.stderr, /bad\.jsonl \(line 5\): no "text"/);
    const s = await openStore(db);
    assert.deepEqual(await s.ids(), ['d0', 'd1', 'd2', 'd3']);
    await s.close();
  }));

test('an index file that another process holds, or that is not an index: clear messages', () =>
  withDir(async (dir) => {
    const notDb = join(dir, 'x.duckdb');
    await writeFile(notDb, 'hello, I am a text file and not a database '.repeat(100));
    const r = cli(['index', 'info', '--db', notDb]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot open index .*x\.duckdb/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }));

/** A small filesystem to fill: a 2 MB tmpfs when we may mount one, else a file size limit. */
function smallDisk(dir: string): { prefix: string[]; cleanup: () => void } {
  const mnt = join(dir, 'tiny');
  spawnSync('mkdir', ['-p', mnt]);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  if (m.status === 0) return { prefix: [], cleanup: () => spawnSync('umount', [mnt]) };
  // no mount permission: the same failure through RLIMIT_FSIZE (node ignores SIGXFSZ, so
  // writes past the limit fail with EFBIG)
  return { prefix: ['ulimit -f 2048;'], cleanup: () => {} };
}

test('full disk during index add: clear message, earlier batches kept, index opens', () =>
  withDir(async (dir) => {
    const input = join(dir, 'big.jsonl');
    // about 6 MB: several times the space available
    let body = '';
    for (let i = 0; i < 3000; i++) body += JSON.stringify({ id: `d${i}`, text: words(i + 1, 300) }) + '\n';
    await writeFile(input, body);
    const disk = smallDisk(dir);
    try {
      const db = join(dir, 'tiny', 'i.duckdb');
      await mkdir(join(dir, 'tiny'), { recursive: true });
      const cmd = `${disk.prefix.join(' ')} exec "${process.execPath}" "${ROOT}bin/reprint.js" index add "${input}" --db "${db}" --quiet --batch-size 100 --workers 1`;
      const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cannot write to index .*i\.duckdb: the (disk is full|file size limit was reached)/);
      assert.match(r.stderr, /run the command again to add the rest/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const kept = Number(/added ([\d,]+) documents/.exec(r.stderr)![1].replace(/,/g, ''));
      assert.ok(kept > 0 && kept < 3000 && kept % 100 === 0, `kept ${kept} (whole batches)`);
      const s = await openStore(db, { readOnly: true });
      assert.equal(await s.size(), kept);
      const d = await s.getDoc(`d${kept - 1}`);
      assert.equal(d?.text, words(kept, 300));
      await s.close();
    } finally {
      disk.cleanup();
    }
  }));

test('kill -9 during index add: whole batches kept, re-running adds the rest, nothing twice', () =>
  withDir(async (dir) => {
    const N = 40000;
    const input = join(dir, 'many.jsonl');
    await writeFile(input, jsonl(0, N));
    const db = join(dir, 'k.duckdb');
    const batch = 500;
    const child = spawn(process.execPath, [ROOT + 'bin/reprint.js', 'index', 'add', input, '--db', db, '--batch-size', String(batch), '--workers', '1'], {
      env: { ...process.env, REPRINT_PROGRESS_EVERY: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        const m = [...err.matchAll(/reading: ([\d,]+) documents/g)].pop();
        // several batches read: at least one committed, and the run is far from done
        if (m && Number(m[1].replace(/,/g, '')) >= batch * 4 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
    assert.ok(killed, `the run was killed mid-way (stderr: ${err.slice(-300)})`);
    let s = await openStore(db);
    const after = await s.size();
    await s.close();
    assert.ok(after > 0 && after < N, `kept ${after}`);
    assert.equal(after % batch, 0, 'only whole batches');
    const r = cli(['index', 'add', input, '--db', db, '--quiet', '--workers', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`added ${(N - after).toLocaleString('en-US')} documents .*${after.toLocaleString('en-US')} already there`));
    s = await openStore(db);
    const ids = await s.ids();
    assert.equal(ids.length, N);
    assert.equal(new Set(ids).size, N, 'nothing added twice');
    assert.equal((await s.getDoc('d12345'))?.text, words(12346, 40));
    await s.close();
  }));
