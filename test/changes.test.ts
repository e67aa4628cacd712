// What changed: each kind on small hand-written cases, and the seeds' acceptance items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, buildReport } from '../src/index.ts';
import { scanPaths } from '../src/index.ts';
import { findQuotes, sameSpeaker, attributions, analyzeChanges } from '../src/relate/changes.ts';
import { tokenize } from '../src/text/tokens.ts';
import { SEEDS } from './helpers/paths.ts';
import type { ReportChange, ReportPair } from '../src/report/json.ts';

const ORIGINAL = [
  'Harbour board approves new ferry terminal after long debate',
  '',
  'The Kestrel Bay harbour board voted on Tuesday to build a new ferry terminal on the north quay, ending two years of argument about the future of the waterfront.',
  '',
  'The terminal will cost 48 million pounds and is expected to open in 2027, according to the Kestrel Gazette.',
  '',
  '“We have waited long enough for a terminal that can cope with the winter storms,” said board chair Miriam Osei. “This is a good day for the island.”',
  '',
  'Engineers said the old pier would be closed to heavy traffic from March while surveys continue, and residents were advised to use the southern slipway instead.',
  '',
  'The council may ask the government for further funding once the final design has been agreed by the planning committee later this spring.',
].join('\n');

/** Scan the original and one copy (dated a day later), and return the pair's changes. */
async function changesOf(copy: string, original = ORIGINAL): Promise<{ pair: ReportPair; changes: ReportChange[] }> {
  const engine = new Engine();
  await engine.add([
    { id: 'orig', path: 'orig', text: original, meta: { published: '2024-03-01' } },
    { id: 'copy', path: 'copy', text: copy, meta: { published: '2024-03-02' } },
  ]);
  const report = buildReport({ ...(await engine.scan()) } as never);
  const pair = report.pairs.find((p) => p.source === 'orig' && p.derived === 'copy');
  assert.ok(pair, 'the copy is found as derived from the original');
  return { pair, changes: pair.changes ?? [] };
}

const kinds = (cs: ReportChange[]) => cs.map((c) => c.kind);
const cp = (s: string, sub: string) => {
  const i = s.indexOf(sub);
  assert.ok(i >= 0, sub);
  return Array.from(s.slice(0, i)).length;
};

test('a byte-identical copy has no changes', async () => {
  const { changes } = await changesOf(ORIGINAL);
  assert.deepEqual(changes, []);
});

test('quote altered: a word of a quote replaced, with the word diff and both spans', async () => {
  const copy = ORIGINAL.replace('waited long enough', 'waited far too long');
  const { changes } = await changesOf(copy);
  const c = changes.find((x) => x.kind === 'quote altered');
  assert.ok(c, kinds(changes).join());
  assert.equal(changes[0].kind, 'quote altered', 'the most important change comes first');
  assert.match(c.explanation, /Miriam Osei/);
  assert.ok(c.words?.length);
  const s = cp(ORIGINAL, 'We have waited');
  const d = cp(copy, 'We have waited');
  assert.equal(c.source![0], s);
  assert.equal(c.derived![0], d);
  assert.equal(c.negation, false);
  assert.ok(!kinds(changes).includes('quote punctuation'));
});

test('quote altered with a negation flipped', async () => {
  const copy = ORIGINAL.replace('“This is a good day', '“This is not a good day');
  const { changes } = await changesOf(copy);
  const c = changes.find((x) => x.kind === 'quote altered');
  assert.ok(c, kinds(changes).join());
  assert.equal(c.negation, true);
  assert.match(c.explanation, /negation flipped/);
});

test('quote punctuation: the same words, other punctuation and case', async () => {
  const copy = ORIGINAL.replace('winter storms,”', 'Winter Storms.”');
  const { changes } = await changesOf(copy);
  assert.deepEqual(kinds(changes).filter((k) => k.startsWith('quote')), ['quote punctuation']);
});

test('quote truncated and quote dropped', async () => {
  const cut = ORIGINAL.replace('a terminal that can cope with the winter storms,”', 'a terminal…,”');
  const t = await changesOf(cut);
  assert.ok(kinds(t.changes).includes('quote truncated'), kinds(t.changes).join());
  const dropped = ORIGINAL.replace(' “This is a good day for the island.”', '');
  const d = await changesOf(dropped);
  const c = d.changes.find((x) => x.kind === 'quote dropped');
  assert.ok(c, kinds(d.changes).join());
  assert.equal(c.derived, null);
  assert.equal(c.source![0], cp(ORIGINAL, 'This is a good day'));
});

test('new quote in the copy, and framing added before and after', async () => {
  const intro = 'Opinion: why this island keeps getting its priorities wrong, and what the board should have done instead of rushing.\n\n';
  const quote = '\n\n“Nobody asked the fishermen what they think about the new quay,” said harbour pilot Tom Reyes.';
  const copy = intro + ORIGINAL + quote;
  const { changes } = await changesOf(copy);
  const nq = changes.find((x) => x.kind === 'new quote');
  assert.ok(nq, kinds(changes).join());
  assert.equal(nq.speaker, 'harbour pilot Tom Reyes');
  const framing = changes.filter((x) => x.kind === 'framing added');
  assert.deepEqual(framing.map((f) => f.where), ['before', 'after']);
  assert.equal(framing[0].derived![0], 0);
  assert.ok(framing[0].share! > 0.05 && framing[0].share! < 0.3);
});

test('speaker changed: the same quote credited to someone else', async () => {
  const copy = ORIGINAL.replace('said board chair Miriam Osei', 'said harbour master Peter Lund');
  const { changes } = await changesOf(copy);
  const c = changes.find((x) => x.kind === 'speaker changed');
  assert.ok(c, kinds(changes).join());
  assert.equal(c.speaker, 'board chair Miriam Osei');
  assert.equal(c.newSpeaker, 'harbour master Peter Lund');
  assert.equal(changes[0].kind, 'speaker changed');
});

test('fact changed: a figure and a date', async () => {
  const copy = ORIGINAL.replace('48 million', '84 million').replace('in 2027', 'in 2029');
  const { changes } = await changesOf(copy);
  const facts = changes.filter((x) => x.kind === 'fact changed');
  assert.equal(facts.length, 2, kinds(changes).join());
  assert.match(facts[0].explanation, /48/);
  assert.match(facts[0].explanation, /84/);
  assert.ok(!kinds(changes).includes('claim changed'));
});

test('claim changed: a negation or a modal changes the meaning', async () => {
  const neg = await changesOf(ORIGINAL.replace('the old pier would be closed', 'the old pier would not be closed'));
  const c = neg.changes.find((x) => x.kind === 'claim changed');
  assert.ok(c, kinds(neg.changes).join());
  assert.equal(c.negation, true);
  const modal = await changesOf(ORIGINAL.replace('The council may ask', 'The council must ask'));
  const m = modal.changes.find((x) => x.kind === 'claim changed');
  assert.ok(m, kinds(modal.changes).join());
  assert.match(m.explanation, /"may" becomes "must"/);
  const advice = await changesOf(ORIGINAL.replace('residents were advised to use', 'residents were ordered to use'));
  assert.ok(advice.changes.some((x) => x.kind === 'claim changed'), kinds(advice.changes).join());
});

test('attribution dropped: the copy removes the credit', async () => {
  const copy = ORIGINAL.replace(', according to the Kestrel Gazette.', '.');
  const { changes } = await changesOf(copy);
  const c = changes.find((x) => x.kind === 'attribution dropped');
  assert.ok(c, kinds(changes).join());
  assert.match(c.explanation, /Kestrel Gazette/);
  assert.equal(c.source![0], cp(ORIGINAL, 'according to the Kestrel Gazette'));
  // kept credit: nothing reported
  const kept = await changesOf(ORIGINAL.replace('48 million', '84 million'));
  assert.ok(!kinds(kept.changes).includes('attribution dropped'));
});

test('quotes: curly, straight, across a line break, paragraphs reopened; speakers', () => {
  const text =
    'He said "this is straight" and left.\n“A quote that runs\nover a line break,” said Mayor Ana Diaz.\n\n' +
    '“First paragraph of a long statement.\n\n“Second paragraph of it.”\n\nShe didn’t say ‘maybe’ today.';
  const qs = findQuotes(text, tokenize(text));
  const inner = qs.map((q) => text.slice(q.inner[0], q.inner[1]));
  assert.deepEqual(inner, [
    'this is straight',
    'A quote that runs\nover a line break,',
    'First paragraph of a long statement.\n\n“Second paragraph of it.',
    'maybe',
  ]);
  assert.equal(qs[1].speaker, 'Mayor Ana Diaz');
  assert.ok(sameSpeaker('Lightfoot', 'Mayor Lori Lightfoot'));
  assert.ok(!sameSpeaker('Miriam Osei', 'Peter Lund'));
});

// --- the seeds

const ORIG = '000_456ad2308a74c503';
const REWRITE = '001_135ae358964649aa';
const LAWFIRM = '002_b17197541f4d5cfa';
const OPINION = '003_3eced85e94d749a1';

test('seeds: what 002, 003 and 001 changed', async () => {
  const r = buildReport(await scanPaths([SEEDS]));
  const pair = (s: string, d: string) => r.pairs.find((p) => p.source === s && p.derived === d)!;
  const text = (id: string) => Array.from(readFileSync(join(SEEDS, id + '.txt'), 'utf8'));
  const at = (id: string, span: [number, number] | null) => (span ? text(id).slice(span[0], span[1]).join('') : '');

  const law = pair(ORIG, LAWFIRM).changes!;
  // the claim change
  const claim = law.find((c) => c.kind === 'claim changed' && /advised/.test(at(ORIG, c.source)));
  assert.ok(claim, 'claim change in 002');
  assert.match(at(ORIG, claim.source), /advised officers to restrict cooperation/);
  assert.match(at(LAWFIRM, claim.derived), /instructs officers not to assist/);
  assert.equal(claim.negation, true);
  // the quote's punctuation-only change
  const punct = law.find((c) => c.kind === 'quote punctuation');
  assert.ok(punct);
  assert.match(at(ORIG, punct.source), /^if the request is to assist.*supervisor,$/);
  assert.match(at(LAWFIRM, punct.derived), /^if the request is to assist.*supervisor\.$/);
  assert.ok(!law.some((c) => c.kind === 'quote altered'));
  // the dropped Fox News attribution
  const credit = law.find((c) => c.kind === 'attribution dropped' && /Fox News/.test(c.explanation));
  assert.ok(credit);
  assert.equal(at(ORIG, credit.source), 'according to an internal department memo obtained by Fox News.'.slice(0, at(ORIG, credit.source).length));
  // new quotes: the Napolitano quote is traced to 001, the DHS statement (which 001 lacks) to nobody
  const napolitano = law.find((c) => c.kind === 'new quote' && /Supreme Court/.test(at(LAWFIRM, c.derived)));
  assert.equal(napolitano?.tracedTo, REWRITE);
  const dhs = law.find((c) => c.kind === 'new quote' && /deeply concerned/.test(at(LAWFIRM, c.derived)));
  assert.ok(dhs);
  assert.equal(dhs.speaker, 'A DHS spokesperson');
  assert.equal(dhs.tracedTo, undefined);

  // 003's framing is its opinion text
  const framing = pair(ORIG, OPINION).changes!.filter((c) => c.kind === 'framing added');
  const framed = framing.map((c) => at(OPINION, c.derived)).join('\n');
  assert.match(framed, /We are ready to know all too well/);
  assert.match(framed, /Virginia police officer was suspended/);
  assert.ok(!/Instead of assisting DHS upon request/.test(framed), 'the reused text is not framing');

  // 001's mojibake repairs are not changes: its repaired quotes equal 000's
  const rw = pair(ORIG, REWRITE).changes!;
  assert.ok(!rw.some((c) => c.kind.startsWith('quote') || c.kind === 'speaker changed'), rw.map((c) => c.kind).join());
  assert.ok(!rw.some((c) => /â€|โ€/.test(c.explanation)));
});

test('API: a pair carries its changes (original code points, or clean ones with view=clean); OpenAPI describes them', async () => {
  const { createApp } = await import('../src/server/index.ts');
  const { openapi } = await import('../src/server/openapi.ts');
  const { readdirSync } = await import('node:fs');
  const engine = new Engine();
  const app = createApp(engine);
  const docs = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(join(SEEDS, f), 'utf8') }));
  const add = await app.request('/api/documents', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(docs) });
  assert.equal(add.status, 201);
  const p = (await (await app.request(`/api/pairs/${LAWFIRM}/${ORIG}`)).json()) as { source: { id: string; text: string }; derived: { text: string }; changes: ReportChange[] };
  assert.equal(p.source.id, ORIG, 'oriented as the scan decided');
  const claim = p.changes.find((c) => c.kind === 'claim changed' && c.derived && /instructs/.test(Array.from(p.derived.text).slice(...c.derived).join('')));
  assert.ok(claim, p.changes.map((c) => c.kind).join());
  assert.match(Array.from(p.source.text).slice(...claim.source!).join(''), /advised officers to restrict cooperation/);
  // a pair the scan did not find is analysed on request too
  const loose = (await (await app.request(`/api/pairs/${ORIG}/004_e8a9e5526b8ce0fd`)).json()) as { changes: unknown[] };
  assert.ok(Array.isArray(loose.changes));
  const schema = (openapi as unknown as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } }).components.schemas;
  assert.ok(schema.Change.properties.kind && schema.Pair.properties.changes);
  await engine.close();
});

test('index.html and the summary: changes are shown, and a quote holding markup stays text', async () => {
  const { htmlReport } = await import('../src/report/html.ts');
  const { summary } = await import('../src/report/terminal.ts');
  const evil = ORIGINAL.replace('a good day for the island', 'a good day <script>window.__pwned=1</script> for the island');
  const engine = new Engine();
  await engine.add([
    { id: 'orig', path: 'orig', text: ORIGINAL, meta: { published: '2024-03-01' } },
    { id: 'copy', path: 'copy', text: evil, meta: { published: '2024-03-02' } },
  ]);
  const result = await engine.scan();
  const report = buildReport(result);
  assert.ok(report.pairs[0].changes!.some((c) => c.kind === 'quote altered' && c.explanation.includes('<script>')));
  const html = htmlReport(report, result);
  assert.ok(!html.includes('<script>window'), 'markup in a change travels escaped');
  assert.match(html, /"changes":\[\{"kind":"quote altered"/);
  const line = summary(report).split('\n').find((l) => l.includes("what changed:"));
  assert.ok(line && /what changed: changes a quote of board chair Miriam Osei/.test(line), summary(report));
});

test('ChangeBook: a pair oriented otherwise than guessed is analysed again from its documents', async () => {
  const { ChangeBook, edgeChanges, quoteCache } = await import('../src/relate/changes.ts');
  const copy = ORIGINAL.replace('48 million', '84 million');
  const engine = new Engine();
  await engine.add([
    { id: 'orig', path: 'orig', text: ORIGINAL, meta: { published: '2024-03-01' } },
    { id: 'copy', path: 'copy', text: copy, meta: { published: '2024-03-02' } },
  ]);
  const result = await engine.scan();
  const pair = result.pairs[0];
  assert.equal(pair.source, 'orig');
  const side = (id: string) => ({ doc: result.docs.get(id)!, tokens: result.tokens.get(id)! });
  const book = new ChangeBook();
  // guessed the wrong way round: copy as the source
  const swapped = pair.passages.map((p) => ({ ...p, source: p.derived, derived: p.source, edits: undefined }));
  book.add('copy', 'orig', edgeChanges(side('copy'), side('orig'), swapped, true, quoteCache()));
  const loaded: string[][] = [];
  const p = { ...pair, changes: undefined as unknown as typeof pair.changes };
  await book.attach([p], async (ids) => {
    loaded.push(ids);
    return new Map(ids.map((id) => [id, side(id)]));
  });
  assert.deepEqual(loaded.flat().sort(), ['copy', 'orig']);
  assert.deepEqual(p.changes, pair.changes);
  assert.ok(p.changes!.some((c) => c.kind === 'fact changed'));
});

test('credits of the "X reported" kind are found however far into a text, each verb once', () => {
  const filler = 'The committee met again on a grey morning and talked for hours. '.repeat(80);
  const text = filler + 'Sky News reported the fire first. ' + filler + 'It reported nothing new. Agence France-Presse revealed the cause, and BBC Wales has learned more.';
  const got = attributions(text, []).map((a) => ({ name: a.name, at: a.span[0], phrase: a.phrase }));
  assert.deepEqual(got, [
    { name: 'Sky News', at: text.indexOf('Sky News'), phrase: 'Sky News reported' },
    { name: 'Agence France-Presse', at: text.indexOf('Agence'), phrase: 'Agence France-Presse revealed' },
    { name: 'BBC Wales', at: text.indexOf('BBC Wales'), phrase: 'BBC Wales has learned' },
  ]);
});

test('quotes with the same words are paired first, longest first, and each quote once', () => {
  const src = 'He said: “We will build the bridge next year.” She said: “No.” Then: “The bridge will be built by the city.”';
  // the copy repeats the short quote and reorders the long one's words
  const dst = 'She said: “No.” He said: “We will build the bridge next year.” Again: “No.” Then: “The city will be built by the bridge.”';
  const side = (text: string, id: string) => ({ doc: { id, text, original: text, title: '', meta: {} } as never, tokens: tokenize(text) });
  const s = side(src, 's');
  const d = side(dst, 'd');
  const x = analyzeChanges(s, d, [{ source: [0, src.length], derived: [0, dst.length], kind: 'exact' } as never]);
  // three source quotes held; the copy's second “No.” has no partner and is a new quote
  assert.equal(x.heldSource.length, 3);
  assert.equal(x.heldDerived.length, 3);
  const no2 = dst.lastIndexOf('No.');
  assert.ok(!x.heldDerived.some((h) => h[0] === no2), 'the second “No.” is not paired');
  assert.ok(x.changes.some((c) => c.kind === 'new quote' && c.derived?.[0] === no2));
});
