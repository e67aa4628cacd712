// Worker threads: the same stage code on other threads gives the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, SEEDS } from './helpers/paths.ts';
import { Engine, fingerprintText } from '../src/engine.ts';
import { WorkerPool, defaultWorkers } from '../src/parallel/pool.ts';
import { readSources } from '../src/ingest/index.ts';

test('the pool runs the fingerprint stage like this thread does', async () => {
  const pool = new WorkerPool(2);
  try {
    const docs = [
      { text: 'one two three four five six seven eight nine ten eleven twelve', boilerplate: [] as [number, number][] },
      { text: 'alpha beta gamma delta epsilon zeta eta theta iota kappa', boilerplate: [[0, 10]] as [number, number][] },
    ];
    const options = { k: 5, window: 4, numPerm: 64 };
    const got = await pool.run<ReturnType<typeof fingerprintText>[]>('fingerprint', { docs, options });
    assert.equal(got.length, 2);
    for (let i = 0; i < docs.length; i++) {
      const local = fingerprintText(docs[i].text, docs[i].boilerplate, options);
      assert.deepEqual([...got[i].fingerprints.hashes], [...local.fingerprints.hashes]);
      assert.deepEqual([...got[i].signature], [...local.signature]);
      assert.deepEqual([...got[i].tokens.starts], [...local.tokens.starts]);
    }
    await assert.rejects(pool.run('nope' as 'relate', {}), /unknown task/);
  } finally {
    await pool.close();
  }
});

test('scan with 2 workers finds the same pairs as with 1', async () => {
  const key = (p: { source: string; derived: string; relation: string; passages: unknown[] }) =>
    `${p.source}>${p.derived}:${p.relation}:${p.passages.length}`;
  const one = new Engine({ workers: 1 });
  await one.add(readSources([SEEDS], () => {}));
  const a = await one.scan();
  await one.close();
  const two = new Engine({ workers: 2, parallelMin: 0, batchSize: 2 });
  let b: typeof a;
  try {
    await two.add(readSources([SEEDS], () => {}));
    b = await two.scan();
  } finally {
    await two.close(); // a failed task must not leave the threads running (the test would hang)
  }
  assert.ok(a.pairs.length >= 3);
  assert.deepEqual(b.pairs.map(key).sort(), a.pairs.map(key).sort());
  assert.deepEqual([...b.docs.keys()].sort(), [...a.docs.keys()].sort());
  // edges and the change analysis are made in the workers: every field the same, changes included
  const full = (r: typeof a) => r.pairs.map((p) => JSON.stringify(p)).sort();
  assert.deepEqual(full(b), full(a));
  assert.ok(a.pairs.some((p) => p.changes?.length), 'the seeds have changes to compare');
});

test('workers start under bin/reprint.js (tsx registered in code)', () => {
  const base = cli(['scan', SEEDS, '--json', '--no-report', '--workers', '1', '--quiet']);
  assert.equal(base.status, 0, base.stderr);
  process.env.REPRINT_PARALLEL_MIN = '0'; // the child inherits it: workers start at once
  const r = cli(['scan', SEEDS, '--json', '--no-report', '--workers', '2', '--quiet']);
  delete process.env.REPRINT_PARALLEL_MIN;
  assert.equal(r.status, 0, r.stderr);
  const pairs = (s: string) => JSON.parse(s).pairs.map((p: { source: string; derived: string }) => `${p.source}>${p.derived}`).sort();
  assert.deepEqual(pairs(r.stdout), pairs(base.stdout));
});

test('defaultWorkers: every core unless told', () => {
  assert.ok(defaultWorkers() >= 1);
  assert.equal(defaultWorkers(3), 3);
});
