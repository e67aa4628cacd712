import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minhashOf, jaccard, exactJaccard, densify, fmix } from '../src/fingerprint/minhash.ts';
import { rng } from './helpers/rng.ts';

test('one-permutation MinHash estimates Jaccard within a few points', () => {
  const next = rng(42);
  for (const [shared, own] of [
    [900, 100],
    [500, 500],
    [200, 800],
  ]) {
    const common = Array.from({ length: shared }, next);
    const a = Uint32Array.from([...common, ...Array.from({ length: own }, next)]);
    const b = Uint32Array.from([...common, ...Array.from({ length: own }, next)]);
    const exact = exactJaccard(a, b);
    const est = jaccard(minhashOf(a, 256), minhashOf(b, 256));
    assert.ok(Math.abs(est - exact) < 0.1, `exact ${exact.toFixed(3)} est ${est.toFixed(3)}`);
  }
});

test('densification: short sets fill every slot; equal sets give equal signatures', () => {
  const s = Uint32Array.from([1, 2, 3]);
  const sig = minhashOf(s, 128);
  assert.ok(sig.every((v) => v !== 0xffffffff));
  assert.deepEqual(minhashOf(Uint32Array.from([3, 2, 1, 1]), 128), sig);
  assert.equal(jaccard(sig, minhashOf(Uint32Array.from([7, 8, 9]), 128)) < 0.2, true);
  assert.ok(minhashOf(new Uint32Array(0), 16).every((v) => v === 0xffffffff));
});

test('densification follows each empty bin\'s probe sequence to the first bin a shingle filled', () => {
  const next = rng(9);
  // the definition, step by step: bin j borrows from fmix(j * 0x9e3779b1 + attempt, 0x27d4eb2f) % k
  const reference = (sig: Uint32Array) => {
    const k = sig.length;
    const out = sig.slice();
    if (sig.every((v) => v === 0xffffffff)) return out;
    for (let j = 0; j < k; j++) {
      if (sig[j] !== 0xffffffff) continue;
      for (let attempt = 1; ; attempt++) {
        const c = fmix(j * 0x9e3779b1 + attempt, 0x27d4eb2f) % k;
        if (sig[c] !== 0xffffffff) {
          out[j] = sig[c];
          break;
        }
      }
    }
    return out;
  };
  let sparse = 0;
  for (const k of [2, 5, 16, 128, 200, 256, 300, 512])
    for (let t = 0; t < 60; t++) {
      const sig = new Uint32Array(k).fill(0xffffffff);
      const filled = t % 3 === 0 ? 1 + (next() % 4) : next() % (k + 1);
      for (let i = 0; i < filled; i++) sig[next() % k] = next() % 0xffffffff;
      if (filled <= 4) sparse++;
      assert.deepEqual(densify(sig.slice()), reference(sig), `k ${k}, ${filled} filled`);
    }
  assert.ok(sparse > 100);
});

test('exact Jaccard', () => {
  assert.equal(exactJaccard(Uint32Array.from([1, 2, 3]), Uint32Array.from([2, 3, 4])), 0.5);
  assert.equal(exactJaccard(new Uint32Array(0), new Uint32Array(0)), 0);
});

test('minhashText estimates the Jaccard similarity of its rolled word 5-grams', async () => {
  const { minhashText, rolledKgrams, kgramHashesOfText } = await import('../src/fingerprint/shingles.ts');
  const next = rng(7);
  const vocab = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
  const words = (n: number) => Array.from({ length: n }, () => vocab[next() % vocab.length]);
  const common = words(600);
  const a = [...common, ...words(150)].join(' ');
  const b = [...words(150), ...common].join(' ');
  const exact = exactJaccard(rolledKgrams(a), rolledKgrams(b));
  const est = jaccard(minhashText(a, 5, 256), minhashText(b, 5, 256));
  assert.ok(exact > 0.5 && exact < 0.9);
  assert.ok(Math.abs(est - exact) < 0.1, `exact ${exact.toFixed(3)} est ${est.toFixed(3)}`);
  // case and apostrophes do not change words; fewer than k words give no k-grams
  assert.deepEqual([...kgramHashesOfText("Don't STOP me now, please")], [...kgramHashesOfText('dont stop me now please')]);
  assert.equal(rolledKgrams('too short').length, 0);
  assert.throws(() => minhashText('x', 5, 100), /power of two/);
});

test('minhashText (one pass) gives the signature of its rolled k-grams, also for CJK and apostrophes', async () => {
  const { minhashText, rolledKgrams } = await import('../src/fingerprint/shingles.ts');
  const { densify, ophInsert } = await import('../src/fingerprint/minhash.ts');
  const reference = (text: string, k: number, numPerm: number) => {
    const shift = 32 - Math.log2(numPerm);
    const mask = (2 ** shift - 1) >>> 0;
    const sig = new Uint32Array(numPerm).fill(0xffffffff);
    const h = rolledKgrams(text, k);
    if (!h.length) return sig;
    for (const x of h) ophInsert(sig, x, shift, mask);
    return densify(sig);
  };
  const next = rng(11);
  const pieces = ['the', 'Cat', "don't", 'l’avion', '日本語', 'テキスト', '—', ' ', '  ', '\n', "'", 'x1', 'ÉCOLE', 'naïve', '42', '.', 'o’', '中'];
  const texts = ['', 'a b c d', 'one two three four five', '漢字かな交じり文の例です'];
  for (let t = 0; t < 300; t++) texts.push(Array.from({ length: next() % 80 }, () => pieces[next() % pieces.length] + (next() % 3 ? ' ' : '')).join(''));
  for (const text of texts)
    for (const [k, p] of [[5, 128], [3, 64], [1, 16]] as const) assert.deepEqual([...minhashText(text, k, p)], [...reference(text, k, p)], JSON.stringify(text));
});

test('sign.wasm gives minhashText\'s signatures (random texts, surrogates, CJK, BBC articles)', async () => {
  const { minhashText } = await import('../src/fingerprint/shingles.ts');
  const { wasmSigner } = await import('../src/fingerprint/sign-wasm.ts');
  const { DATA } = await import('./helpers/paths.ts');
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const w = wasmSigner();
  assert.ok(w, 'sign.wasm loads');
  const next = rng(23);
  const pieces = ['the', 'Cat', "don't", 'l’avion', '日本語', 'テキスト', '—', ' ', '\n', "'", 'x1', 'ÉCOLE', 'Straße', 'ǅemal', '\ud83d\ude00', '\ud800', '42', 'o’', '中'];
  const texts = ['', 'a', 'one two three four', 'one two three four five'];
  for (let t = 0; t < 300; t++) texts.push(Array.from({ length: next() % 120 }, () => pieces[next() % pieces.length] + (next() % 3 ? ' ' : '')).join(''));
  const bbc = join(DATA, 'bbc', 'business');
  for (const f of readdirSync(bbc).sort().slice(0, 150)) texts.push(readFileSync(join(bbc, f), 'latin1'));
  texts.push(texts.slice(-150).join('\n').repeat(3)); // one long text: the module's memory grows
  for (const [k, numPerm] of [[5, 128], [3, 64], [1, 2], [8, 256]] as const)
    for (const text of texts) {
      const out = new Uint32Array(numPerm + 3).fill(7);
      w.signInto(text, k, numPerm, out, 2);
      assert.deepEqual([...out.subarray(2, 2 + numPerm)], [...minhashText(text, k, numPerm)], `k ${k}, ${numPerm} slots: ${JSON.stringify(text.slice(0, 80))}`);
      assert.equal(out[0], 7);
      assert.equal(out[numPerm + 2], 7);
    }
  assert.throws(() => w.signInto('x', 5, 100, new Uint32Array(100), 0), /power of two/);
});

test('sign.wasm is what `npm run build:wasm` makes of sign.wat', async () => {
  const { readFileSync } = await import('node:fs');
  // @ts-expect-error a plain .mjs script without types
  const { buildSignWasm } = await import('../src/fingerprint/build-wasm.mjs');
  const built: Buffer = await buildSignWasm();
  assert.ok(built.equals(readFileSync(new URL('../src/fingerprint/sign.wasm', import.meta.url))), 'sign.wasm is stale: run npm run build:wasm');
});
