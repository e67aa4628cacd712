// End to end on the seeds: one news report and four pages around it (see ../shared/data/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SEEDS, tempDir } from './helpers/paths.ts';
import type { Report, ReportPair } from '../src/index.ts';

const ORIGINAL = '000_456ad2308a74c503';
const REWRITE = '001_135ae358964649aa';
const LAWFIRM = '002_b17197541f4d5cfa';
const OPINION = '003_3eced85e94d749a1';
const EARLIER = '004_e8a9e5526b8ce0fd';

const out = tempDir('reprint-seeds-');
const run = cli(['scan', SEEDS, '--out', out, '--json']);
const report: Report = JSON.parse(run.stdout || '{}');
const text = (id: string) => Array.from(readFileSync(join(SEEDS, id + '.txt'), 'utf8'));
const pair = (s: string, d: string): ReportPair | undefined => report.pairs.find((p) => p.source === s && p.derived === d);

/** Code-point span of a paragraph of the original file that starts with `start`. */
function paragraph(id: string, start: string): [number, number] {
  const chars = text(id);
  const s = chars.join('');
  // the pages use no-break spaces here and there
  const re = new RegExp(start.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  const i = s.search(re);
  assert.ok(i >= 0, `paragraph "${start}" not in ${id}`);
  const end = s.indexOf('\n', i);
  const cp = (u: number) => Array.from(s.slice(0, u)).length;
  return [cp(i), cp(end < 0 ? s.length : end)];
}

function coveredBy(p: ReportPair, span: [number, number], side: 'source' | 'derived', kinds: string[]): number {
  let covered = 0;
  for (const x of p.passages) {
    if (!kinds.includes(x.kind)) continue;
    const s = Math.max(span[0], x[side][0]);
    const e = Math.min(span[1], x[side][1]);
    if (e > s) covered += e - s;
  }
  return covered / (span[1] - span[0]);
}

test('scan exits 0 and writes report.json and a self-contained index.html', () => {
  assert.equal(run.status, 0, run.stderr);
  assert.ok(existsSync(join(out, 'report.json')));
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/i, 'no network resources');
  assert.equal(report.documents.length, 5);
});

test('one story rooted at the original report, with the three copies derived from it', () => {
  const stories = report.stories.filter((s) => s.members.includes(ORIGINAL));
  assert.equal(stories.length, 1);
  const story = stories[0];
  assert.equal(story.root, ORIGINAL);
  assert.deepEqual([...story.members].sort(), [ORIGINAL, REWRITE, LAWFIRM, OPINION]);
  for (const copy of [REWRITE, LAWFIRM, OPINION]) {
    const p = pair(ORIGINAL, copy);
    assert.ok(p, `pair ${ORIGINAL} -> ${copy}`);
    assert.notEqual(p.relation, 'related');
    assert.ok(p.passages.length > 0);
    assert.ok(p.direction.confidence > 0.5, `${copy}: direction confidence ${p.direction.confidence}`);
    assert.equal(pair(copy, ORIGINAL), undefined, `${copy} must not be the source of the original`);
  }
});

test('the earlier story on the same topic is derived from nothing (at most related)', () => {
  for (const s of report.stories) assert.ok(!s.members.includes(EARLIER), 'not a story member');
  for (const p of report.pairs) if (p.source === EARLIER || p.derived === EARLIER) assert.equal(p.relation, 'related');
});

/** Word-level changes reported inside a span of the derived text. */
function changesInside(p: ReportPair, span: [number, number]): number {
  let n = 0;
  for (const x of p.passages) for (const e of x.edits ?? []) if (e.derived[0] < span[1] && e.derived[1] > span[0]) n++;
  return n;
}

test("003's pasted paragraphs are found verbatim", () => {
  const p = pair(ORIGINAL, OPINION)!;
  for (const start of [
    'Instead of assisting DHS upon request, officers are instructed',
    'CPD confirmed the memo came from an internal superior',
  ]) {
    // The whole pasted paragraph (up to the sentence 003 changed) lies in passages and not one
    // word of it is reported as changed.
    const span = paragraph(OPINION, start);
    const firstSentence: [number, number] = [span[0], span[0] + 60];
    const share = coveredBy(p, firstSentence, 'derived', ['verbatim', 'edited']);
    assert.ok(share >= 0.99, `"${start}…" covered ${share.toFixed(2)}`);
    assert.ok(coveredBy(p, span, 'derived', ['verbatim', 'edited']) >= 0.5);
    assert.equal(changesInside(p, firstSentence), 0, `"${start}…" is verbatim`);
  }
  // The opinion intro is the opinion writer's own.
  const intro = paragraph(OPINION, 'We are ready to know all too well');
  assert.equal(coveredBy(p, intro, 'derived', ['verbatim', 'edited', 'paraphrase']), 0);
});

test("001's rewritten paragraphs are found as edited or paraphrase", () => {
  const p = pair(ORIGINAL, REWRITE)!;
  const span = paragraph(REWRITE, 'Officers were advised not to cooperate');
  assert.ok(coveredBy(p, span, 'derived', ['edited', 'paraphrase', 'verbatim']) >= 0.7);
  assert.ok(p.passages.some((x) => x.kind === 'edited' || x.kind === 'paraphrase'));
  // 001's sidebar of unrelated headlines is not reuse
  const sidebar = paragraph(REWRITE, 'Dept of Homeland Security on Aug. 6 commemorated');
  assert.equal(coveredBy(p, sidebar, 'derived', ['verbatim', 'edited', 'paraphrase']), 0);
  assert.notEqual(p.relation, 'duplicate');
});

test('reported spans point into the original files', () => {
  for (const p of report.pairs) {
    const s = text(p.source);
    const d = text(p.derived);
    for (const x of p.passages) {
      assert.ok(x.source[0] < x.source[1] && x.source[1] <= s.length);
      assert.ok(x.derived[0] < x.derived[1] && x.derived[1] <= d.length);
    }
    // verbatim passages read the same on both sides, up to case, quotes and spacing (001's
    // original text is mojibake, so it reads the same only after repair)
    if (p.source === REWRITE || p.derived === REWRITE) continue;
    for (const x of p.passages.filter((x) => x.kind === 'verbatim')) {
      const norm = (c: string[]) => c.join('').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
      assert.equal(norm(s.slice(...x.source)), norm(d.slice(...x.derived)));
    }
  }
});
