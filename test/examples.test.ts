// The README's demo corpus gives the answer the README promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scanPaths, buildReport } from '../src/index.ts';
import { EXAMPLES } from './helpers/paths.ts';

const result = await scanPaths([EXAMPLES]);
const report = buildReport(result);
const pair = (s: string, d: string) => report.pairs.find((p) => p.source === s && p.derived === d);

test('one story rooted at the original report with the four copies', () => {
  assert.equal(report.stories.length, 1);
  const [story] = report.stories;
  assert.equal(story.root, '01-courier-original');
  assert.deepEqual(
    [...story.members].sort(),
    ['01-courier-original', '02-valleynews-syndicated', '03-dailydigest-rewrite', '04-regionwire-garbled', '05-opinion-column'],
  );
  for (const m of story.members.slice(1)) assert.ok(pair('01-courier-original', m), `01 -> ${m}`);
});

test('the same-topic story is related, the unrelated one is not', () => {
  const [story] = report.stories;
  assert.ok(story.related.includes('06-library-archive-appeal'));
  assert.ok(!story.related.includes('07-bakery-awards'));
  assert.ok(!report.pairs.some((p) => p.source === '07-bakery-awards' || p.derived === '07-bakery-awards'));
});

test('the garbled copy is repaired and its passages point into its original (garbled) text', () => {
  const doc = report.documents.find((d) => d.id === '04-regionwire-garbled')!;
  assert.ok(doc.repairs > 0);
  const p = pair('01-courier-original', '04-regionwire-garbled')!;
  const original = Array.from(readFileSync(EXAMPLES + '04-regionwire-garbled.txt', 'utf8'));
  const quote = p.passages.map((x) => original.slice(...x.derived).join('')).join(' ');
  assert.match(quote, /every one of those minutes counted/);
});

test('the HTML copy is read as its article, and its spans point into the HTML source', () => {
  const p = pair('01-courier-original', '02-valleynews-syndicated')!;
  assert.ok(p.sourceCoverage > 0.7, `coverage ${p.sourceCoverage}`);
  const html = Array.from(readFileSync(EXAMPLES + '02-valleynews-syndicated.html', 'utf8'));
  for (const x of p.passages) {
    const s = html.slice(...x.derived).join('');
    assert.ok(!s.startsWith('<') && !s.endsWith('>'), `span starts and ends in text: ${s.slice(0, 40)}…${s.slice(-40)}`);
  }
  const text = p.passages.map((x) => html.slice(...x.derived).join('')).join(' ');
  assert.match(text, /Volunteers worked through the night/);
  const doc = report.documents.find((d) => d.id === '02-valleynews-syndicated')!;
  assert.equal(doc.published?.slice(0, 10), '2026-03-12');
  assert.equal(doc.site, 'Valley News Network');
});
