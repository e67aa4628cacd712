// Journalistic reuse on hand-written cases (test/fixtures/wire/): a hard-wrapped wire story, a
// paper that rewrote all of it, one that took a paragraph and added its own, and one written
// about the same event without the wire copy. Plus short texts and loose-passage coverage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPaths, Engine, buildReport, tokenize } from '../src/index.ts';
import { classifyLines } from '../src/clean/boilerplate.ts';
import { derivationOf, derivedShareOf, passageCoverage, UNSURE_DIRECTION, WHOLLY_DERIVED } from '../src/relate/index.ts';
import type { Pair, Passage } from '../src/index.ts';
import { SEEDS } from './helpers/paths.ts';
import { sharedRuns } from '../src/relate/coverage.ts';
import { sentenceMatches } from '../src/align/sentences.ts';
import { briefPairs } from '../src/fingerprint/briefs.ts';

const WIRE = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'wire');
const result = await scanPaths([WIRE], { workers: 1 });
const report = buildReport(result);
const between = (x: string, y: string) =>
  report.pairs.find((p) => (p.source === x && p.derived === y) || (p.source === y && p.derived === x));

test('hard-wrapped wire copy is article text, not boilerplate', () => {
  const text = result.docs.get('wire')!.text;
  const spans = classifyLines(text);
  const body = text.indexOf('The Grand Lyceum theatre in Eastport');
  const quote = text.indexOf('Trustee chairman Robert Hale said');
  for (const at of [body, quote]) {
    assert.ok(at > 0);
    assert.ok(!spans.some(([s, e]) => s <= at && at < e), `offset ${at} marked as boilerplate`);
  }
});

test('a paper that rewrote the whole wire story is wholly derived from it, the wire as source', () => {
  const p = between('wire', 'wholly');
  assert.ok(p, 'no pair between the wire story and its rewrite');
  assert.equal(p.source, 'wire');
  assert.ok(p.derivedCoverage >= WHOLLY_DERIVED, `derivedCoverage ${p.derivedCoverage}`);
  assert.equal(derivationOf(p), 'wholly');
});

test('a paper that took one paragraph and added its own is partially derived', () => {
  const p = between('wire', 'partially');
  assert.ok(p, 'no pair between the wire story and the partial rewrite');
  assert.equal(p.source, 'wire');
  assert.equal(derivationOf(p), 'partially');
  assert.ok(p.derivedCoverage > 0.05 && p.derivedCoverage < WHOLLY_DERIVED, `derivedCoverage ${p.derivedCoverage}`);
  // ranked below the wholly derived paper
  assert.ok(p.derivedCoverage < between('wire', 'wholly')!.derivedCoverage);
});

test('an article on the same event, written without the wire copy, is not derived', () => {
  const p = between('wire', 'same-event');
  assert.ok(!p || p.relation === 'related', `same-event article reported as ${p?.relation}`);
  assert.equal(p ? derivationOf(p) : 'non', 'non');
});

test('derivationOf maps derivedCoverage and relation to wholly / partially / non', () => {
  const pair = (relation: Pair['relation'], derivedCoverage: number) => ({ relation, derivedCoverage });
  assert.equal(derivationOf(pair('contains', 0.95)), 'wholly');
  assert.equal(derivationOf(pair('partial', WHOLLY_DERIVED)), 'wholly');
  assert.equal(derivationOf(pair('partial', WHOLLY_DERIVED - 0.01)), 'partially');
  assert.equal(derivationOf(pair('related', 0)), 'non');
});

test('derivationOf for either side: the source is not derived, unless the direction is unsure', () => {
  const p = (confidence: number) => ({
    source: 's', derived: 'd', relation: 'partial' as const, sourceCoverage: 0.7, derivedCoverage: 0.3,
    direction: { confidence, evidence: [] },
  });
  assert.equal(derivationOf(p(0.8), 'd'), 'partially');
  assert.equal(derivationOf(p(0.8), 's'), 'non');
  assert.equal(derivedShareOf(p(0.8), 's'), 0);
  // unsure: either may have copied, each as far as its own coverage goes
  assert.equal(derivationOf(p(UNSURE_DIRECTION - 0.01), 's'), 'wholly');
  assert.equal(derivedShareOf(p(UNSURE_DIRECTION - 0.01), 's'), 0.7);
  assert.equal(derivationOf(p(UNSURE_DIRECTION - 0.01), 'd'), 'partially');
  assert.equal(derivationOf(p(UNSURE_DIRECTION), 's'), 'non');
});

async function scanTexts(texts: Record<string, string>) {
  const e = new Engine();
  await e.add(Object.entries(texts).map(([id, text]) => ({ id, path: id, text, meta: {} })));
  const r = await e.scan();
  await e.close();
  return r;
}

test('two near-identical 30-word documents are a duplicate pair', async () => {
  const a =
    'The town council approved a new cycle lane on Mill Road on Tuesday evening after a long debate. Work will start in March and should take about six weeks, officials said.';
  const b = a.replace('Tuesday evening', 'Tuesday night');
  const r = await scanTexts({ a, b });
  assert.equal(r.pairs.length, 1);
  assert.equal(r.pairs[0].relation, 'duplicate');
});

test('two one-sentence items sharing every content word are matched', async () => {
  const r = await scanTexts({
    c: 'Council approves Mill Road cycle lane\nThe town council approved a new cycle lane on Mill Road on Tuesday.',
    d: 'Council approves Mill Road cycle lane\nThe town council approved a new cycle lane on Mill Road on Tuesday evening.',
  });
  assert.equal(r.pairs.length, 1);
  assert.notEqual(r.pairs[0].relation, 'related');
});

test('a brief wire item and its 20-word newspaper version are a pair, the paper mostly covered', async () => {
  const wire = `Pop singer Lena Marsh has cancelled the rest of her European tour after
damaging her vocal cords, her record company said today.<
The 24-year-old had been due to play twelve more concerts, including two nights
at the Albert Hall in London next week.<
Fans will be offered full refunds.<`;
  const paper = 'LENA Marsh has cancelled the rest of her European tour after damaging her vocal cords. Fans will get full refunds.';
  const r = await scanTexts({ wire, paper });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.ok(p, 'no pair');
  assert.ok((p.source === 'wire' ? p.derivedCoverage : p.sourceCoverage) >= 0.8);
  // the wire item is covered only as far as the paper's 20 words go
  assert.ok((p.source === 'wire' ? p.sourceCoverage : p.derivedCoverage) < 0.6);
});

test('a two-sentence brief that reorders a wire sentence is matched, the wire as a candidate', async () => {
  const wire = `Film star Nora Vale is being targeted by an online stalker who has
sent several email death threats to a fan club website, her Los Angeles-based agent
said tonight.<
Jon Brand said police were contacted after the 31-year-old actress's London agents
received an email warning that she may be in danger.<
Mr Brand would not comment further.<
The messages have been traced to a library computer in Lisbon, Portugal.<
Vale had to take legal action two years ago when a man claiming to be a
photographer began following her around.<
Vale, who is expecting her first child in June, has recently returned home after
filming her new movie about wartime code-breakers.<`;
  const paper = 'Nora Vale has received death threats from an obsessed fan who is stalking her online. Her Los Angeles-based agent said the stalker had sent several email death threats to a fan club website.';
  const r = await scanTexts({ wire, paper });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.ok(p, 'no pair');
  assert.ok((p.source === 'wire' ? p.derivedCoverage : p.sourceCoverage) >= 0.3);
});

test('two short texts on one topic with different words are not matched', async () => {
  const r = await scanTexts({
    x: 'The town council approved a new cycle lane on Mill Road on Tuesday evening after a long debate.',
    y: 'Cyclists in the town will soon have their own lane along Mill Road, councillors decided this week.',
  });
  assert.equal(r.pairs.filter((p) => p.relation !== 'related').length, 0);
});

test('a loose passage covers no more words than its other side has', () => {
  const long = Array.from({ length: 200 }, (_, i) => `word${i % 50}`).join(' ');
  const short = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
  const ta = tokenize(long, []);
  const tb = tokenize(short, []);
  const loose: Passage = { source: [0, long.length], derived: [0, short.length], similarity: 0.3, kind: 'paraphrase' };
  const covA = passageCoverage(ta, tb, [loose], 'source');
  assert.ok(covA <= 40 / 200 + 1e-9, `source coverage ${covA}`);
  assert.equal(passageCoverage(tb, ta, [loose], 'derived'), 1);
  // a close passage of two similar stretches covers its whole span
  const close: Passage = { source: [0, short.length], derived: [0, short.length], similarity: 1, kind: 'verbatim' };
  assert.equal(passageCoverage(tb, tb, [close], 'source'), 1);
});

test('seeds: 002 -> 003 is not inflated by one loose passage; lineage unchanged', async () => {
  const seeds = buildReport(await scanPaths([SEEDS], { workers: 1 }));
  const p = seeds.pairs.find((x) => x.source.startsWith('002') && x.derived.startsWith('003'))
    ?? seeds.pairs.find((x) => x.source.startsWith('003') && x.derived.startsWith('002'));
  if (p) {
    assert.notEqual(p.relation, 'contains');
    assert.ok(p.sourceCoverage < 0.6 && p.derivedCoverage < 0.6, `${p.sourceCoverage} ${p.derivedCoverage}`);
  }
  const story = seeds.stories.find((s) => s.root.startsWith('000'))!;
  assert.deepEqual(Object.keys(story.parents).map((k) => k.slice(0, 3)).sort(), ['001', '002', '003']);
  assert.ok(Object.values(story.parents).every((v) => v.startsWith('000')));
  assert.ok(!story.members.some((m) => m.startsWith('004')));
});

test('direction: the side whose shared stretches are longer is the source (condensing), with modest confidence', async () => {
  const { directionVote } = await import('../src/relate/index.ts');
  const doc = (id: string) => ({ id, path: id, text: '', original: '', meta: {}, repairs: [], boilerplate: [], offsets: undefined }) as never;
  const condensed: Passage[] = [{ source: [0, 600], derived: [0, 300], similarity: 0.6, kind: 'edited' }];
  const v = directionVote(doc('wire'), doc('paper'), 0.5, 0.5, [], [], condensed);
  assert.ok(v.score > 0, `score ${v.score}`);
  assert.ok(v.score <= 0.25);
  assert.ok(v.evidence.some((e) => /paper condenses/.test(e)), v.evidence.join('; '));
  const flipped = directionVote(doc('paper'), doc('wire'), 0.5, 0.5, [], [], [{ ...condensed[0], source: [0, 300], derived: [0, 600] }]);
  assert.ok(flipped.score < 0);
  const even = directionVote(doc('a'), doc('b'), 0.5, 0.5, [], [], [{ ...condensed[0], derived: [0, 600] }]);
  assert.equal(even.score, 0);
});

// A brief rewritten from the wire sentence by sentence keeps the facts in order but no run of
// five words, so it shares no fingerprint with it; one written about the same event from other
// sources shares some of its words, but not sentence after sentence.
const RADIO_WIRE = `Veteran broadcaster Martin Cole is to leave his breakfast radio show after
eighteen years, the station announced today.<
Cole, 58, will present his final programme on Friday before moving to a weekend
slot from January.<
Station manager Helen Park said listeners had sent hundreds of messages after
rumours of his departure spread last week.<
"Martin has woken up this city for almost two decades and we are delighted he is
staying with us," she said.<
His replacement will be named next month.<
The breakfast show attracts about 400,000 listeners a week, according to the latest
audience figures.<`;
const RADIO_BRIEF =
  'MARTIN Cole is quitting the breakfast radio show he has hosted for eighteen years. The 58-year-old signs off on Friday and moves to weekends in January. Bosses will reveal who replaces him next month.';
const RADIO_OTHER =
  "Listeners of the city's morning programme face a shake-up. Fans of presenter Martin Cole flooded the station with messages when rumours spread that he would go.";

test('a brief rewritten sentence by sentence from the wire, sharing no run of five words, is derived from it', async () => {
  assert.equal(sharedRuns(tokenize(RADIO_WIRE), tokenize(RADIO_BRIEF), 5), 0);
  const r = await scanTexts({ wire: RADIO_WIRE, brief: RADIO_BRIEF });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.ok(p, 'no pair between the wire story and the rewritten brief');
  assert.equal(p.source, 'wire');
  assert.equal(p.derived, 'brief');
  assert.notEqual(derivationOf(p, 'brief'), 'non');
  // with no date or credit, lengths alone leave the direction unsure (a paper may as well have
  // wrapped a wire brief in its own reporting), but the brief is the more derived side
  assert.ok(p.direction.confidence < UNSURE_DIRECTION && p.direction.confidence > 0.5, `confidence ${p.direction.confidence}`);
  assert.ok(derivedShareOf(p, 'brief') > 2 * derivedShareOf(p, 'wire'), 'the wire story read as derived from the brief');
  // coverage counts words that correspond: the brief more than half, the wire far less
  assert.ok(p.derivedCoverage >= 0.3 && p.derivedCoverage > 2 * p.sourceCoverage, `${p.derivedCoverage} ${p.sourceCoverage}`);
  // every passage points into the texts, sentence to sentence
  for (const x of p.passages) {
    assert.ok(x.derived[0] >= 0 && x.derived[1] <= RADIO_BRIEF.length && x.derived[0] < x.derived[1]);
    assert.ok(x.source[0] >= 0 && x.source[1] <= RADIO_WIRE.length && x.source[0] < x.source[1]);
  }
});

test('a brief on the same event from other sources is not derived from the wire', async () => {
  const r = await scanTexts({ wire: RADIO_WIRE, other: RADIO_OTHER });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.equal(p, undefined, `reported as ${p?.relation} (${p?.derivedCoverage})`);
});

// A paper that wraps a whole wire brief in reporting of its own: the wire text is the shorter side,
// wholly contained in the paper. With no date or credit, lengths cannot tell this from a brief cut
// down from a longer story, so the paper must not be reported, with confidence, as the source.
const PARK_WIRE = `Eastport council has approved plans for a 40-acre park on the site of the old
gasworks, with work due to start in the spring.<
The scheme, costing 12 million pounds, includes a lake, a playground and a cycle path linking the
park to the city centre.<`;
const PARK_PAPER = `Families in the east of the city have waited the best part of twenty years for somewhere green
to take their children, and on Tuesday night they finally got their wish.

Eastport council has approved plans for a 40-acre park on the site of the old gasworks, with work
due to start in the spring. The scheme, costing 12 million pounds, includes a lake, a playground
and a cycle path linking the park to the city centre.

Residents who packed the public gallery cheered as the vote was read out. Pensioner Edna Walsh,
who has campaigned for the park since the gasworks closed, said she had brought a flask of tea
to celebrate. "I never thought I would live to see it," she said. Local shopkeepers hope the
park will bring visitors back to a high street that has lost a dozen businesses in five years.`;

test('a paper that wraps a whole wire brief in its own reporting is not read, with confidence, as its source', async () => {
  const r = await scanTexts({ wire: PARK_WIRE, paper: PARK_PAPER });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.ok(p, 'no pair between the wire brief and the paper');
  assert.ok(p.source === 'wire' || p.direction.confidence < UNSURE_DIRECTION, `${p.source} as source, confidence ${p.direction.confidence}`);
  // the paper reads as (partially) derived from the wire, and is ranked by what it took
  assert.equal(derivationOf(p, 'paper'), 'partially');
  assert.ok(derivedShareOf(p, 'paper') > 0.2 && derivedShareOf(p, 'paper') < WHOLLY_DERIVED, `${derivedShareOf(p, 'paper')}`);
});

// A one-sentence brief is all one sentence: a single matched sentence is most of it, not one
// shared fact among many (two-sentence-or-shorter briefs need no second match).
const RADIO_ONE = 'Grumpy DJ Martin Cole quits his breakfast slot after eighteen years of early starts.';
const RADIO_ONE_OTHER =
  "Hundreds of listeners flooded the station with calls this week as word spread that the city's favourite morning voice, Martin Cole, was leaving, and fans across the region said early mornings would never feel the same again.";

test('a one-sentence brief rewritten from one wire sentence is derived from the wire', async () => {
  const m = sentenceMatches({ text: RADIO_WIRE, tokens: tokenize(RADIO_WIRE) }, { text: RADIO_ONE, tokens: tokenize(RADIO_ONE) });
  // one loose match (not a close one), no run of five copied words
  assert.equal(m.sentences, 1);
  assert.equal(m.passages.length, 1);
  assert.ok(m.passages[0].similarity < 0.5, `Dice ${m.passages[0].similarity}`);
  assert.equal(sharedRuns(tokenize(RADIO_WIRE), tokenize(RADIO_ONE), 5), 0);
  const r = await scanTexts({ wire: RADIO_WIRE, brief: RADIO_ONE });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.ok(p, 'no pair between the wire story and the one-sentence brief');
  assert.equal(p.source, 'wire');
  assert.equal(derivationOf(p, 'brief'), 'partially');
  assert.ok(derivedShareOf(p, 'brief') > 2 * derivedShareOf(p, 'wire'));
});

test('a one-sentence brief on the same event that shares a few of one wire sentence\'s words is not derived', async () => {
  const m = sentenceMatches({ text: RADIO_WIRE, tokens: tokenize(RADIO_WIRE) }, { text: RADIO_ONE_OTHER, tokens: tokenize(RADIO_ONE_OTHER) });
  assert.equal(m.passages.length, 1, 'the same names and a word or two still match one sentence');
  assert.ok(m.share < 0.3, `share ${m.share}`);
  const r = await scanTexts({ wire: RADIO_WIRE, other: RADIO_ONE_OTHER });
  const p = r.pairs.find((x) => x.relation !== 'related');
  assert.equal(p, undefined, `reported as ${p?.relation} (${p?.derivedCoverage})`);
});

test('sentence matches keep the heaviest chain in the same order on both sides', () => {
  const a = { text: RADIO_WIRE, tokens: tokenize(RADIO_WIRE) };
  const b = { text: RADIO_BRIEF, tokens: tokenize(RADIO_BRIEF) };
  const m = sentenceMatches(a, b);
  assert.ok(m.passages.length >= 2, `${m.passages.length} matches`);
  assert.ok(m.share >= 0.3, `share ${m.share}`);
  for (let i = 1; i < m.passages.length; i++) {
    assert.ok(m.passages[i].derived[0] > m.passages[i - 1].derived[0]);
    assert.ok(m.passages[i].source[0] >= m.passages[i - 1].source[0]);
  }
  // the same sentences in reverse order: only one of them survives as a chain
  const sentences = RADIO_BRIEF.split(/(?<=\.) /);
  const reversed = sentences.reverse().join(' ');
  const mr = sentenceMatches(a, { text: reversed, tokens: tokenize(reversed) });
  assert.ok(mr.passages.length < m.passages.length, `${mr.passages.length} vs ${m.passages.length}`);
  assert.ok(mr.share < m.share);
});

test('briefPairs: a brief is a candidate with a text holding its rare words, not with one on another subject', () => {
  const docs = [
    { id: 'wire', text: RADIO_WIRE },
    { id: 'brief', text: RADIO_BRIEF },
    { id: 'far', text: 'The county cricket club has signed a fast bowler from Australia on a two-year contract, its chairman said.' },
  ].map((d) => ({ ...d, tokens: tokenize(d.text) }));
  const got = briefPairs(docs, 20, new Set());
  assert.deepEqual(got.map((p) => `${p.a}-${p.b}`), ['brief-wire']);
  // a pair the fingerprints already found is not proposed again
  assert.deepEqual(briefPairs(docs, 20, new Set(['brief\0wire'])), []);
  // a word held by more documents than maxDf is not rare
  assert.deepEqual(briefPairs(docs, 0, new Set()), []);
});

test('direction: the lineage against a pair\'s own weak evidence reads as unsure, not as a confident reversal', async () => {
  const { relateEdges } = await import('../src/relate/index.ts');
  const passages: Passage[] = [{ source: [0, 100], derived: [0, 100], similarity: 0.8, kind: 'edited' }];
  const edge = (a: string, b: string, score: number) => ({ a, b, passages, covA: 0.5, covB: 0.5, score, credited: 0, evidence: [] });
  // B is clearly C's source, so B roots the story and A hangs below it; A-B's own evidence leans
  // (weakly, 0.2) the other way: A the source of B
  const r = relateEdges([edge('B', 'C', 1), edge('A', 'B', 0.2)], (id) => id);
  const p = r.pairs.find((x) => [x.source, x.derived].sort().join() === 'A,B')!;
  assert.ok(p.direction.confidence < UNSURE_DIRECTION, `confidence ${p.direction.confidence} (${p.direction.evidence.join('; ')})`);
  // unsure: each side reads as derived as far as its own coverage goes
  assert.equal(derivedShareOf(p, 'A'), 0.5);
  assert.equal(derivedShareOf(p, 'B'), 0.5);
  // the clear pair keeps its confidence
  const q = r.pairs.find((x) => x.source === 'B' && x.derived === 'C')!;
  assert.ok(q.direction.confidence >= UNSURE_DIRECTION);
});
