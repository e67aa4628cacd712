// An article republished by many sites: every copy is found, however common its phrases become.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine } from '../src/index.ts';
import { EXAMPLES } from './helpers/paths.ts';

const article = readFileSync(EXAMPLES + '01-courier-original.txt', 'utf8');
const other = (i: number) =>
  `Council notes ${i}. The planning committee met on Monday to discuss application number ${i * 7}, ` +
  `a request to extend a garden wall on Hill Road by ${i} metres. Members asked for a site visit before deciding, ` +
  `and the applicant agreed to send new drawings showing the height of the wall next to the footpath.`;

test('thirty syndicated copies among other documents form one story; a paragraph traces to them', async () => {
  const engine = new Engine();
  const sources = [];
  for (let i = 0; i < 30; i++) sources.push({ id: `copy-${String(i).padStart(2, '0')}`, path: `copy-${i}`, text: `Republished ${i}.\n\n` + article, meta: {} });
  for (let i = 0; i < 40; i++) sources.push({ id: `other-${i}`, path: `other-${i}`, text: other(i), meta: {} });
  await engine.add(sources);
  const r = await engine.scan();
  const stories = r.stories.filter((s) => s.members.some((m) => m.startsWith('copy-')));
  assert.equal(stories.length, 1);
  assert.equal(stories[0].members.length, 30);
  assert.ok(!stories[0].members.some((m) => m.startsWith('other-')));
  const paragraph = article.split('\n').find((l) => l.startsWith('Head librarian'))!;
  const t = await engine.trace({ id: '', path: '-', text: paragraph, meta: {} }, 50);
  assert.equal(t.sources.length, 30);
  assert.ok(t.sources.every((s) => s.queryCoverage > 0.9));
  await engine.close();
});
