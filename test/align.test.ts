import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { tokenize } from '../src/text/tokens.ts';
import { align, type AlignInput } from '../src/align/index.ts';
import { diffTokens } from '../src/align/diff.ts';
import type { Passage, Span } from '../src/types.ts';

const SEEDS = new URL('../../shared/data/seeds/', import.meta.url);
const files = readdirSync(SEEDS).sort();
function seed(prefix: string): AlignInput {
  const f = files.find((x) => x.startsWith(prefix));
  assert.ok(f, `seed ${prefix} present`);
  const text = readFileSync(new URL(f, SEEDS), 'utf8');
  return { text, tokens: tokenize(text, []) };
}
function input(text: string, boilerplate: Span[] = []): AlignInput {
  return { text, tokens: tokenize(text, boilerplate) };
}
/** The span of `needle` in `text` (asserting it is there). */
function find(text: string, needle: string): Span {
  // The scraped seeds use no-break spaces here and there: compare with white space unified
  // (one code unit for one, so indices are kept).
  const i = text.replace(/\s/g, ' ').indexOf(needle.replace(/\s/g, ' '));
  assert.ok(i >= 0, `text contains ${JSON.stringify(needle.slice(0, 40))}`);
  return [i, i + needle.length];
}
function covered(ps: Passage[], side: 'source' | 'derived', span: Span): number {
  let c = 0;
  for (const p of ps) c += Math.max(0, Math.min(p[side][1], span[1]) - Math.max(p[side][0], span[0]));
  return c / (span[1] - span[0]);
}
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
function checkShape(a: AlignInput, b: AlignInput, ps: Passage[]): void {
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k];
    if (k > 0) assert.ok(ps[k - 1].derived[0] <= p.derived[0], 'sorted by derived start');
    for (const [t, s] of [[a.text, p.source], [b.text, p.derived]] as const) {
      assert.ok(s[0] < s[1], 'non-empty span');
      assert.ok(isWordChar(t[s[0]]) && !isWordChar(t[s[0] - 1]), 'span starts at a word start');
      assert.ok(isWordChar(t[s[1] - 1]) && !isWordChar(t[s[1]]), 'span ends at a word end');
    }
    assert.ok(p.similarity >= 0 && p.similarity <= 1);
    assert.ok(['verbatim', 'edited', 'paraphrase'].includes(p.kind));
    if (p.kind === 'verbatim') assert.equal(p.edits, undefined);
  }
}

test('seeds: 000 -> 003 finds the pasted paragraphs, verbatim where pasted unchanged', () => {
  const a = seed('000'), b = seed('003');
  const ps = align(a, b);
  checkShape(a, b, ps);
  assert.ok(ps.length >= 1 && ps.length <= 3, `few passages, got ${ps.length}`);
  const pasted = 'Instead of assisting DHS upon request, officers are instructed to wait for their supervisor to arrive, the memo said. Once the supervisor arrives, “if the request is to assist with an immigration arrest or detention, CPD personnel will leave the scene as directed by the CPD supervisor,” according to the memo.';
  const inB = find(b.text, pasted);
  const inA = find(a.text, pasted);
  assert.equal(covered(ps, 'derived', inB), 1);
  assert.equal(covered(ps, 'source', inA), 1);
  // No edit inside the unchanged paragraph.
  for (const p of ps) for (const e of p.edits ?? []) {
    assert.ok(e.derived[1] <= inB[0] || e.derived[0] >= inB[1], 'no edit marked inside a verbatim paragraph');
  }
  // The edited first sentence is found, and its change ("not to cooperate") is marked as an edit.
  const changed = find(b.text, 'not to cooperate');
  assert.ok(ps.some((p) => p.edits?.some((e) => e.derived[0] <= changed[0] && e.derived[1] >= changed[0] + 3)));
  // The opinion intro is not part of any passage.
  assert.equal(covered(ps, 'derived', find(b.text, 'We witnessed the delays and problems')), 0);
  assert.equal(covered(ps, 'derived', find(b.text, 'The officer was suspended after responding')), 0);
});

test('seeds: 000 -> 001 finds the rewritten paragraphs (readable ones checked on raw text)', () => {
  const a = seed('000'), b = seed('001');
  const ps = align(a, b);
  checkShape(a, b, ps);
  for (const para of [
    'Chicago has been a sanctuary city under former Democrat Mayor Rahm Emanuel',
    'Only in certain scenarios might DHS be able to request',
    'Instead of assisting DHS when they request assistance',
    'According to Chicago police sources Chicago police officers have historically assisted',
  ]) {
    const s = find(b.text, para);
    assert.equal(covered(ps, 'derived', s), 1, `covers ${para}`);
  }
  for (const p of ps) assert.notEqual(p.kind, 'verbatim');
  // The sidebar after the article is not aligned.
  assert.equal(covered(ps, 'derived', find(b.text, 'Trump Is World Peacemaker')), 0);
  assert.equal(covered(ps, 'derived', find(b.text, 'Fed Official Says Latest Jobs Data')), 0);
});

test('seeds: 000 -> 002 finds the quoted paragraphs', () => {
  const a = seed('000'), b = seed('002');
  const ps = align(a, b);
  checkShape(a, b, ps);
  assert.ok(ps.length >= 1);
  assert.ok(ps.reduce((s, p) => s + p.derived[1] - p.derived[0], 0) > 300);
});

test('seeds: 000 -> 004 (same topic, nothing copied) finds nothing substantial', () => {
  const a = seed('000'), b = seed('004');
  const ps = align(a, b);
  const total = ps.reduce((s, p) => s + p.derived[1] - p.derived[0], 0);
  assert.ok(total < 100, `found ${total} chars`);
  assert.equal(align(b, a).reduce((s, p) => s + p.derived[1] - p.derived[0], 0) < 100, true);
});

test('symmetric in spirit: swapping sides finds the same passages with sides swapped', () => {
  const a = seed('000'), b = seed('003');
  const ab = align(a, b);
  const ba = align(b, a);
  assert.equal(ab.length, ba.length);
  const key = (s: Span, t: Span) => `${s[0]}-${s[1]}/${t[0]}-${t[1]}`;
  assert.deepEqual(
    ab.map((p) => key(p.source, p.derived)).sort(),
    ba.map((p) => key(p.derived, p.source)).sort(),
  );
});

const ORIGINAL =
  'The river rose quickly after three days of heavy rain, and by Tuesday morning the old stone bridge ' +
  'at the edge of the village was closed to traffic. Engineers from the county inspected the arches ' +
  'and found deep cracks in two of the piers. The mayor said repairs would take at least six months and ' +
  'cost more than two million pounds. Residents will have to drive twelve miles around the valley.';

test('a lightly edited paragraph is one edited passage with word-level edits', () => {
  const edited = ORIGINAL.replace('quickly', 'fast').replace('deep ', '').replace('six months', 'six long months');
  const a = input('Unrelated opening words about something else entirely. ' + ORIGINAL);
  const b = input(edited + ' Then the story goes on about gardening and tomatoes.');
  const ps = align(a, b);
  checkShape(a, b, ps);
  assert.equal(ps.length, 1);
  const p = ps[0];
  assert.equal(p.kind, 'edited');
  assert.ok(p.similarity > 0.9 && p.similarity < 1);
  assert.equal(b.text.slice(...p.derived), edited.replace(/\.$/, ''));
  const ops = (p.edits ?? []).map((e) => [e.op, a.text.slice(...e.source), b.text.slice(...e.derived)]);
  assert.deepEqual(ops, [
    ['replace', 'quickly', 'fast'],
    ['delete', 'deep', ''],
    ['insert', '', 'long'],
  ]);
});

test('verbatim copy is one verbatim passage with similarity 1', () => {
  const a = input(ORIGINAL);
  const b = input('Intro sentence here. ' + ORIGINAL + ' Outro.');
  const ps = align(a, b);
  assert.equal(ps.length, 1);
  assert.equal(ps[0].kind, 'verbatim');
  assert.equal(ps[0].similarity, 1);
  assert.equal(a.text.slice(...ps[0].source), ORIGINAL.replace(/\.$/, ''));
});

test('boilerplate never seeds a passage', () => {
  const a = input(ORIGINAL);
  const b = input(ORIGINAL, [[0, ORIGINAL.length]]);
  assert.deepEqual(align(a, b), []);
  assert.deepEqual(align(b, a), []);
});

test('empty and tiny inputs give no passages', () => {
  assert.deepEqual(align(input(''), input(ORIGINAL)), []);
  assert.deepEqual(align(input('Hello.'), input('Hello.')), []);
});

test('diffTokens: matches in order, bounded by maxD', () => {
  const a = Uint32Array.from([1, 2, 3, 4, 5, 6]);
  const b = Uint32Array.from([1, 9, 3, 4, 6, 7]);
  const r = diffTokens(a, 0, 6, b, 0, 6, 10);
  assert.ok(r);
  assert.equal(r.d, 4);
  assert.deepEqual([...r.ma], [0, 2, 3, 5]);
  assert.deepEqual([...r.mb], [0, 2, 3, 4]);
  assert.equal(diffTokens(a, 0, 6, b, 0, 6, 3), null);
  const same = diffTokens(a, 1, 4, a, 1, 4, 0);
  assert.ok(same);
  assert.deepEqual([...same.ma], [1, 2, 3]);
});

test('a summary of the source is one passage over the stretch it condenses', () => {
  const src = [
    'The regional council approved a new budget for public transport on Monday evening.',
    'Bus fares across the county will fall by ten percent from the first of April.',
    'Councillors argued for hours about the cost of the scheme before the final vote.',
    'The plan adds forty electric buses to the fleet over the next three years.',
    'Drivers welcomed the decision but warned that staff shortages remain a problem.',
    'Several rural routes that were cut last winter will be restored in the summer.',
    'The opposition said the money should have gone to repairing damaged roads instead.',
    'A new night service will connect the university campus with the railway station.',
    'Officials expect passenger numbers to grow by a fifth within two years.',
    'The budget also funds new shelters and real-time arrival screens at busy stops.',
    'Residents can comment on the timetable changes at public meetings next month.',
    'The council will review the scheme after eighteen months of operation.',
  ].join(' ');
  const intro =
    'Gardening season starts early this year. Tomatoes need warm soil and plenty of water. Many growers prefer raised beds for their vegetables. Compost improves the texture of heavy clay. Slugs can destroy young lettuce overnight. ';
  const summary =
    'The regional council approved a budget that cuts bus fares by ten percent. Forty electric buses will join the fleet and rural routes cut last winter will return. A night service will link the university campus and the railway station. New shelters and arrival screens are also funded at busy stops.';
  const outro =
    ' Pruning roses in late winter encourages strong growth. Mulch keeps moisture in the ground during dry spells. Birds visit feeders more often when frost arrives.';
  const a = input(src);
  const b = input(intro + summary + outro);
  const ps = align(a, b);
  checkShape(a, b, ps);
  assert.equal(ps.length, 1);
  const s = find(b.text, summary);
  assert.ok(covered(ps, 'derived', s) > 0.95);
  assert.equal(covered(ps, 'derived', find(b.text, 'Gardening season')), 0);
  assert.equal(covered(ps, 'derived', find(b.text, 'Pruning roses')), 0);
  // The source side spans the sentences the summary draws on, first to last.
  assert.equal(ps[0].source[0], 0);
  assert.ok(ps[0].source[1] >= src.indexOf('The budget also funds') + 10);
  assert.ok(ps[0].source[1] - ps[0].source[0] > 2 * (ps[0].derived[1] - ps[0].derived[0]));
});

test('unrelated news articles on the same topic share no passages (BBC business, politics)', () => {
  const BBC = new URL('../../shared/data/bbc/', import.meta.url);
  for (const cat of ['business', 'politics']) {
    const dir = new URL(cat + '/', BBC);
    const docs = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .slice(0, 40)
      .map((f) => input(readFileSync(new URL(f, dir), 'utf8')));
    let withPassages = 0;
    let pairs = 0;
    for (let i = 0; i < docs.length; i++) {
      for (let j = i + 1; j < docs.length; j++) {
        if (docs[i].text === docs[j].text) continue;
        pairs++;
        if (align(docs[i], docs[j]).length > 0) withPassages++;
      }
    }
    assert.ok(pairs > 700);
    assert.equal(withPassages, 0, `${cat}: ${withPassages} of ${pairs} pairs with passages`);
  }
});
