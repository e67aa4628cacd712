import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc } from '../src/types.ts';
import { identityMap } from '../src/clean/offsets.ts';
import { tokenize } from '../src/text/tokens.ts';
import { winnow } from '../src/fingerprint/winnow.ts';
import { minhashTokens } from '../src/fingerprint/minhash.ts';
import { openStore, MemoryStore, DuckDBStore } from '../src/store/index.ts';
import { encodeMap, decodeMap } from '../src/store/codec.ts';
import { BRIEF_FINGERPRINTS, PostingsIndex, radixSortPairs } from '../src/store/postings.ts';
import type { IndexEntry, Store } from '../src/store/store.ts';

const shared = 'the quick brown fox jumps over the lazy dog while the farmer watches from the old red barn near the river';

function mkDoc(id: string, text: string, extra: Partial<Doc> = {}): Doc {
  return { id, path: `${id}.txt`, meta: { title: id.toUpperCase() }, original: text, text, map: identityMap(text.length), boilerplate: [], repairs: [], ...extra };
}

function entry(doc: Doc): IndexEntry {
  const tokens = tokenize(doc.text, doc.boilerplate);
  return { doc, fingerprints: winnow(tokens, 5, 4), signature: minhashTokens(tokens, 5, 16) };
}

function corpus(): IndexEntry[] {
  const a = mkDoc('a', `Alpha report. ${shared}. Nothing else here at all.`);
  const b = mkDoc('b', `Beta copy starts differently. ${shared}. And ends in its own words.`);
  const c = mkDoc('c', 'Completely unrelated text about tax rates and the budget of a small town council meeting.');
  // a doc whose clean text differs from the original (as after HTML cleaning), with both maps
  const original = '<p>Gamma</p> <b>page</b> text';
  const text = 'Gamma page text';
  const map = new Uint32Array(text.length + 1);
  const mapEnd = new Uint32Array(text.length);
  const pos = [3, 4, 5, 6, 7, 12, 16, 17, 18, 19, 24, 25, 26, 27, 28];
  for (let i = 0; i < text.length; i++) {
    map[i] = pos[i];
    mapEnd[i] = pos[i] + 1;
  }
  map[text.length] = original.length;
  const d = mkDoc('d', text, { original, map, mapEnd, boilerplate: [[6, 10]], encoding: 'utf-8', warnings: ['w1'], repairs: [{ span: [0, 1], before: 'x', after: 'y', kind: 'k' }] });
  return [a, b, c, d].map(entry);
}

async function exercise(store: Store) {
  const entries = corpus();
  assert.equal(await store.add(entries.slice(0, 2)), 2);
  assert.equal(await store.add(entries), 2, 'ids already stored are skipped');
  assert.equal(await store.size(), 4);
  assert.deepEqual(await store.ids(), ['a', 'b', 'c', 'd']);
  assert.equal(await store.has('c'), true);
  assert.equal(await store.has('zz'), false);
  const pairs = await store.candidatePairs({ minShared: 2, maxDf: 10 });
  assert.equal(pairs.length, 1);
  assert.equal(pairs[0].a, 'a');
  assert.equal(pairs[0].b, 'b');
  assert.ok(pairs[0].shared >= 2);
  const hits = await store.lookup(entries[0].fingerprints.hashes, { minShared: 1, maxDf: 10, limit: 5 });
  assert.deepEqual(hits.map((h) => h.id), ['a', 'b']);
  const d = await store.getDoc('d');
  const orig = entries[3].doc;
  assert.ok(d);
  assert.equal(d.text, orig.text);
  assert.equal(d.original, orig.original);
  assert.deepEqual([...d.map], [...orig.map]);
  assert.deepEqual([...d.mapEnd!], [...orig.mapEnd!]);
  assert.deepEqual(d.boilerplate, orig.boilerplate);
  assert.deepEqual(d.repairs, orig.repairs);
  assert.equal(d.encoding, 'utf-8');
  assert.deepEqual(d.meta, { title: 'D' });
  assert.equal(await store.getDoc('nope'), undefined);
}

test('MemoryStore: add, skip repeats, candidates, lookup, getDoc', async () => {
  await exercise(new MemoryStore());
});

test('DuckDBStore: same behaviour, persisted across reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-store-'));
  try {
    const path = join(dir, 'sub', 'index.duckdb');
    const s1 = await openStore(path);
    assert.ok(s1 instanceof DuckDBStore);
    await exercise(s1);
    await s1.close();
    const s2 = await openStore(path);
    assert.equal(await s2.size(), 4);
    assert.equal(await s2.add(corpus()), 0, 'nothing added twice after reopen');
    const pairs = await s2.candidatePairs({ minShared: 2, maxDf: 10 });
    assert.deepEqual(pairs.map((p) => [p.a, p.b]), [['a', 'b']]);
    const docs = await (s2 as DuckDBStore).getDocs(['d', 'a', 'missing']);
    assert.equal(docs[0]?.id, 'd');
    assert.equal(docs[1]?.text, corpus()[0].doc.text);
    assert.equal(docs[2], undefined);
    // adding after the postings index was loaded keeps it current
    const e = entry(mkDoc('e', `Epsilon. ${shared}.`));
    assert.equal(await s2.add([e]), 1);
    const pairs2 = await s2.candidatePairs({ minShared: 2, maxDf: 10 });
    assert.equal(pairs2.length, 3);
    await s2.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('openStore without a path gives a MemoryStore', async () => {
  assert.ok((await openStore()) instanceof MemoryStore);
});

test('openStore on a file that is not a database says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-store-'));
  try {
    const { writeFile } = await import('node:fs/promises');
    const path = join(dir, 'bad.duckdb');
    await writeFile(path, 'this is not a database file at all, just text '.repeat(200));
    await assert.rejects(openStore(path), (e: Error) => e.message.includes(path) && /cannot open index/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('map codec round-trips identity and general maps', () => {
  assert.equal(encodeMap(identityMap(50))!.length, 0);
  assert.deepEqual([...decodeMap(encodeMap(identityMap(7))!, 8)!], [...identityMap(7)]);
  const m = Uint32Array.from([0, 3, 3, 200, 70000, 70001, 5000000]);
  assert.deepEqual([...decodeMap(encodeMap(m)!, 99)!], [...m]);
  assert.equal(decodeMap(null, 3), undefined);
});

test('radix sort is stable and sorts by key', () => {
  const keys = Uint32Array.from([5, 0xffffffff, 5, 1, 0x10000, 1]);
  const vals = Uint32Array.from([0, 1, 2, 3, 4, 5]);
  radixSortPairs(keys, vals);
  assert.deepEqual([...keys], [1, 1, 5, 5, 0x10000, 0xffffffff]);
  assert.deepEqual([...vals], [3, 5, 0, 2, 4, 1]);
});

test('radix sort by the low 24 bits sorts keys that share their top byte, stably', () => {
  const keys = Uint32Array.from([0x7a00ffff, 0x7a000000, 0x7aff0001, 0x7a000000, 0x7a123456, 0x7a00ffff]);
  const vals = Uint32Array.from([0, 1, 2, 3, 4, 5]);
  const want = [...keys].map((k, i) => [k, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  radixSortPairs(keys, vals, 24);
  assert.deepEqual([...keys], want.map((x) => x[0]));
  assert.deepEqual([...vals], want.map((x) => x[1]));
});

test('postings: maxDf drops common hashes, minShared filters pairs', () => {
  const p = new PostingsIndex();
  // documents longer than a brief: BRIEF_FINGERPRINTS more hashes of their own
  const own = (d: number) => Array.from({ length: BRIEF_FINGERPRINTS }, (_, i) => 1000 + d * 100 + i);
  p.add(0, Uint32Array.from([1, 2, 3, 9, ...own(0)]));
  p.add(1, Uint32Array.from([1, 2, 9, 9, ...own(1)]));
  p.add(2, Uint32Array.from([3, 9, ...own(2)]));
  let r = p.candidatePairs(3, { minShared: 1, maxDf: 2 });
  assert.deepEqual([...r.a].map((a, i) => [a, r.b[i], r.shared[i]]), [[0, 1, 2], [0, 2, 1]]);
  r = p.candidatePairs(3, { minShared: 2, maxDf: 3 });
  assert.deepEqual([...r.a].map((a, i) => [a, r.b[i], r.shared[i]]), [[0, 1, 3], [0, 2, 2]]);
  assert.deepEqual(p.lookup(Uint32Array.from([3, 3, 9]), { minShared: 1, maxDf: 2, limit: 5 }), [{ doc: 0, shared: 1 }, { doc: 2, shared: 1 }]);
});

test('postings: a brief (few fingerprints) is a candidate with one shared fingerprint', () => {
  const p = new PostingsIndex();
  const own = (d: number, n: number) => Array.from({ length: n }, (_, i) => 1000 + d * 100 + i);
  p.add(0, Uint32Array.from([1, 2, ...own(0, 40)]));
  p.add(1, Uint32Array.from([1, ...own(1, 3)])); // a brief
  p.add(2, Uint32Array.from([2, ...own(2, 40)])); // long, one shared fingerprint: not a candidate
  const r = p.candidatePairs(3, { minShared: 2, maxDf: 3 });
  assert.deepEqual([...r.a].map((a, i) => [a, r.b[i], r.shared[i]]), [[0, 1, 1]]);
});

test('postings: past the pair budget, long lists link each holder to the first (stars)', () => {
  const p = new PostingsIndex();
  // seven hashes spread over buckets (top bits differ), each held by documents 0..5
  const shared = Uint32Array.from([0, 1, 2, 3, 4, 5, 6].map((k) => (k * 0x25000000 + 77) >>> 0));
  for (let d = 0; d < 6; d++) p.add(d, shared);
  const pairsOf = (r: ReturnType<PostingsIndex['candidatePairs']>) => [...r.a].map((a, i) => [a, r.b[i], r.shared[i]]);
  const all = p.candidatePairs(6, { minShared: 2, maxDf: 10 });
  assert.equal(all.maxDf, 10);
  assert.equal(all.a.length, 15);
  assert.ok(pairsOf(all).every(([, , s]) => s === 7));
  const capped = p.candidatePairs(6, { minShared: 2, maxDf: 10, pairBudget: 0 });
  assert.ok(capped.maxDf < 6, `lists of 6 become stars (maxDf ${capped.maxDf})`);
  assert.deepEqual(pairsOf(capped), [[0, 1, 7], [0, 2, 7], [0, 3, 7], [0, 4, 7], [0, 5, 7]]);
  // lookups find every bucket
  assert.deepEqual(p.lookup(shared, { minShared: 7, maxDf: 10, limit: 2 }), [{ doc: 0, shared: 7 }, { doc: 1, shared: 7 }]);
});

test('MemoryStore: documents past spillAfter live in a temporary file and come back whole', async () => {
  await exercise(new MemoryStore({ spillAfter: 0 }));
  const store = new MemoryStore({ spillAfter: 60 }); // a and b stay in memory, c and d spill
  const entries = corpus();
  await store.add(entries);
  const back = await store.getDocs(['d', 'c', 'a']);
  assert.deepEqual(back.map((d) => d?.text), [entries[3].doc.text, entries[2].doc.text, entries[0].doc.text]);
  assert.deepEqual([...back[0]!.mapEnd!], [...entries[3].doc.mapEnd!]);
  assert.equal(await store.chars(), entries.reduce((n, e) => n + e.doc.original.length, 0));
  await store.close();
});

test('DuckDBStore: a postings file beside the index answers lookups until the index changes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprint-store-'));
  try {
    const path = join(dir, 'index.duckdb');
    const entries = corpus();
    const s1 = await openStore(path);
    await s1.add(entries);
    await s1.close();
    const file = `${path}.postings`;
    const { statSync, writeFileSync } = await import('node:fs');
    assert.ok(statSync(file).size > 32, 'written on close');
    const memory = new MemoryStore();
    await memory.add(entries);
    const ask = (s: Store, e: IndexEntry) => s.lookup(e.fingerprints.hashes, { minShared: 1, maxDf: 10, limit: 5 });
    const s2 = await openStore(path, { readOnly: true });
    for (const e of entries) assert.deepEqual(await ask(s2, e), await ask(memory, e));
    await s2.close();
    // a document added later: the file is stale, lookups still see everything
    const s3 = await openStore(path);
    const e = entry(mkDoc('e', `Epsilon. ${shared}.`));
    await s3.add([e]);
    await memory.add([e]);
    assert.deepEqual(await ask(s3, e), await ask(memory, e));
    await s3.close();
    const s4 = await openStore(path, { readOnly: true });
    assert.deepEqual((await ask(s4, entries[0])).map((h) => h.id), ['a', 'b', 'e']);
    await s4.close();
    // another index at the same path with as many documents does not use this file
    const kept = statSync(file).mtimeMs;
    await rm(path, { force: true });
    const s5 = await openStore(path);
    await s5.add([...corpus().slice(2), entry(mkDoc('x', 'x y z w v u t s r q')), entry(mkDoc('y', 'q r s t u v w x y z')), entry(mkDoc('z', 'one two three'))]);
    await s5.close();
    assert.notEqual(statSync(file).mtimeMs, kept, 'rewritten for the new index');
    // a damaged file is ignored
    writeFileSync(file, 'not postings');
    const s6 = await openStore(path, { readOnly: true });
    assert.deepEqual((await ask(s6, entries[2])).map((h) => h.id), ['c']);
    await s6.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('release: a memory store frees its postings and then says it cannot look up', async () => {
  const store = new MemoryStore();
  const entries = corpus();
  await store.add(entries);
  assert.equal((await store.candidatePairs({ minShared: 2, maxDf: 10 })).length, 1);
  store.release();
  await assert.rejects(store.lookup(entries[0].fingerprints.hashes, { minShared: 1, maxDf: 10, limit: 5 }), /released after the scan/);
  assert.equal((await store.getDoc('a'))?.text, entries[0].doc.text, 'documents stay readable');
});
