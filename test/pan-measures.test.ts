import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panMeasures, parsePanXml, panXml, type Annotation } from '../bench/lib/pan-measures.ts';

const S = 'suspicious-document00001.txt';
const R = 'source-document00002.txt';
const ann = (thisOffset: number, thisLength: number, sourceOffset: number, sourceLength: number, src = R): Annotation => ({
  susp: S, src, thisOffset, thisLength, sourceOffset, sourceLength,
});
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

test('a perfect detection scores 1', () => {
  const m = panMeasures([ann(100, 500, 2000, 400)], [ann(100, 500, 2000, 400)]);
  assert.equal(m.precision, 1);
  assert.equal(m.recall, 1);
  assert.equal(m.granularity, 1);
  assert.equal(m.plagdet, 1);
});

test('a detection split in two has granularity 2', () => {
  const m = panMeasures([ann(100, 500, 2000, 400)], [ann(100, 250, 2000, 200), ann(350, 250, 2200, 200)]);
  assert.equal(m.granularity, 2);
  assert.equal(m.recall, 1);
  assert.equal(m.precision, 1);
  close(m.plagdet, 1 / Math.log2(3));
});

test('a detection in the wrong place scores 0', () => {
  // Overlaps the case in the suspicious document only: not a detection of it.
  const m = panMeasures([ann(100, 500, 2000, 400)], [ann(100, 500, 9000, 400)]);
  assert.equal(m.precision, 0);
  assert.equal(m.recall, 0);
  assert.equal(m.plagdet, 0);
  // Other source document.
  assert.equal(panMeasures([ann(100, 500, 2000, 400)], [ann(100, 500, 2000, 400, 'x.txt')]).plagdet, 0);
  // Nothing detected.
  assert.equal(panMeasures([ann(100, 500, 2000, 400)], []).plagdet, 0);
});

test('partial overlaps: characters are counted on both sides, macro-averaged', () => {
  // Case 1000 chars (500 + 500); detection covers half of each side plus 500 chars outside.
  const m = panMeasures([ann(0, 500, 0, 500)], [ann(250, 500, 250, 500)]);
  close(m.recall, 0.5);
  close(m.precision, 0.5);
  // Two cases, one fully detected, one missed: recall is the mean over cases.
  const m2 = panMeasures([ann(0, 100, 0, 100), ann(1000, 100, 1000, 100)], [ann(0, 100, 0, 100)]);
  close(m2.recall, 0.5);
  close(m2.precision, 1);
  assert.equal(m2.detectedCases, 1);
  // Overlapping detections are united, not counted twice.
  const m3 = panMeasures([ann(0, 100, 0, 100)], [ann(0, 100, 0, 100), ann(0, 100, 0, 100)]);
  close(m3.recall, 1);
  assert.equal(m3.granularity, 2);
});

test('no cases and no detections is perfect; detections without cases score 0', () => {
  assert.equal(panMeasures([], []).plagdet, 1);
  assert.equal(panMeasures([], [ann(0, 10, 0, 10)]).precision, 0);
});

test('XML round trip and ground-truth parsing', () => {
  const xml = panXml(S, R, [ann(5, 6, 7, 8)]);
  assert.match(xml, /<document reference="suspicious-document00001.txt">/);
  assert.match(xml, /name="detected-plagiarism" this_offset="5" this_length="6"/);
  assert.deepEqual(parsePanXml(xml), [ann(5, 6, 7, 8)]);
  const truth = `<document reference="${S}">
<feature name="plagiarism" obfuscation="none" source_length="698" source_offset="1300" source_reference="${R}" this_length="698" this_offset="3593" type="artificial" />
<feature name="about" authors="x" />
</document>`;
  const t = parsePanXml(truth);
  assert.equal(t.length, 1);
  assert.deepEqual(t[0], { ...ann(3593, 698, 1300, 698), obfuscation: 'none' });
});
