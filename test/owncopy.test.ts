import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ownCopy } from '../src/engine.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap bytes still used after `keep` made strings from ten 4 MB texts and the texts were dropped. */
function heapKept(keep: (text: string) => string[]): { bytes: number; kept: string[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let k = 0; k < 10; k++) {
    const text = `${k} ` + 'word '.repeat(800_000);
    kept.push(...keep(text));
  }
  gc();
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, kept };
}

test('ownCopy keeps a substring without keeping the text it came from', () => {
  const cut = (t: string) => [t.slice(1000, 1060), `adds "${t.slice(2000, 2040)}" to a quote`];
  const plain = heapKept(cut);
  // V8 keeps a plain substring as a view of its text: the control shows the ten texts kept
  assert.ok(plain.bytes > 30e6, `plain substrings keep ${plain.bytes} bytes`);
  const own = heapKept((t) => cut(t).map(ownCopy));
  // (V8 may hold on to the last text it flattened: less than three of the ten is the bar)
  assert.ok(own.bytes < 10e6, `copies keep ${own.bytes} bytes`);
  assert.deepEqual(own.kept, plain.kept, 'the copies hold the same characters');
  assert.equal(ownCopy(''), '');
  assert.equal(ownCopy('é “q” 😀'), 'é “q” 😀');
});
