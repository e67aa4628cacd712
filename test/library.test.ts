// The library API, imported by package name as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, scanPaths, buildReport, tokenize, toOriginal, type Report } from 'reprint';
import { SEEDS } from './helpers/paths.ts';

test('scanPaths + buildReport give the report.json object', async () => {
  const report: Report = buildReport(await scanPaths([SEEDS]));
  assert.equal(report.documents.length, 5);
  assert.equal(report.stories[0].root, '000_456ad2308a74c503');
});

test('Engine.add / scan / trace on in-memory documents', async () => {
  const base =
    'The harbour master said the storm surge reached the sea wall at six in the morning, two hours before high tide, ' +
    'and that fishermen had moved their boats to the inner basin the night before. Nobody was hurt, he said, ' +
    'but the old lifeboat station lost its roof and the coast road will stay closed until engineers have checked it.';
  const engine = new Engine();
  const added = await engine.add([
    { id: 'orig', path: 'orig', text: base, meta: { published: '2025-01-01' } },
    { id: 'copy', path: 'copy', text: 'From the wires: ' + base + ' More to follow.', meta: { published: '2025-01-02' } },
    { id: 'other', path: 'other', text: 'A bakery won a prize for its sourdough loaf, beating ninety other entries from across the county this year.', meta: {} },
  ]);
  assert.equal(added, 3);
  const { pairs, stories } = await engine.scan();
  assert.equal(stories.length, 1);
  assert.equal(pairs[0].source, 'orig');
  assert.equal(pairs[0].derived, 'copy');
  const t = await engine.trace({ id: '', path: '-', text: 'He said: ' + base.slice(0, 200), meta: {} });
  assert.deepEqual(t.sources.map((s) => s.id).sort(), ['copy', 'orig']);
  assert.ok(t.sources[0].queryCoverage > 0.8);
  const doc = (await engine.doc('copy'))!;
  const p = pairs[0].passages[0];
  const [s, e] = toOriginal(doc, p.derived);
  assert.match(Array.from(doc.original).slice(s, e).join(''), /^The harbour master/);
  assert.ok(tokenize('Hello, world').length === 2);
  await engine.close();
});
