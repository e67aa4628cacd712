// Direction evidence and citations, on small hand-made texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { citations, namesDoc, directionVote } from '../src/relate/direction.ts';
import { identityMap } from '../src/clean/offsets.ts';
import type { Doc } from '../src/types.ts';

function doc(id: string, text: string, meta: Doc['meta'] = {}): Doc {
  return { id, path: id, meta, original: text, text, map: identityMap(text.length), boilerplate: [], repairs: [] };
}

test('citations finds explicit attribution and ignores ordinary prose', () => {
  assert.deepEqual(citations('According to Fox News, the police were told.').map((c) => c.name), ['Fox News']);
  assert.deepEqual(citations('In an article by Matt Finn on Fox news we are told that').map((c) => c.name), ['Fox news']);
  assert.deepEqual(citations('Source: Reuters\nMore text.').map((c) => c.name), ['Reuters']);
  assert.deepEqual(citations('This story was originally published by The Guardian.').map((c) => c.name), ['Guardian']);
  assert.deepEqual(citations('according to an internal department memo obtained by the paper'), []);
  assert.deepEqual(citations('The mayor said nothing.'), []);
});

test('namesDoc matches a cited name to a document by metadata or self-reference', () => {
  assert.ok(namesDoc('Fox News', { site: 'Fox News' }, ''));
  assert.ok(namesDoc('Reuters', { url: 'https://www.reuters.com/world/x' }, ''));
  assert.ok(namesDoc('Fox News', {}, 'a source told Fox News that'));
  assert.equal(namesDoc('Fox News', { site: 'CNN' }, 'nothing here'), null);
});

test('dates decide direction when both are known', () => {
  const a = doc('a', 'text', { published: '2020-01-02' });
  const b = doc('b', 'text', { published: '2020-01-01' });
  const v = directionVote(a, b, 0.5, 0.5, [], []);
  assert.ok(v.score < 0, 'b is earlier, so b is the source');
  assert.match(v.evidence[0], /b is dated 2020-01-01/);
});

test('the side mostly made of the shared text is the copy (its source is only partly used), weakly', () => {
  const v = directionVote(doc('a', 'x'), doc('b', 'y'), 0.4, 0.9, [], []);
  assert.ok(v.score > 0 && v.score <= 0.2, `score ${v.score}`);
  assert.ok(v.evidence.some((e) => /^b is mostly what it shares with a/.test(e)), v.evidence.join('; '));
  const w = directionVote(doc('a', 'x'), doc('b', 'y'), 0.9, 0.4, [], []);
  assert.ok(w.score < 0);
  assert.equal(directionVote(doc('a', 'x'), doc('b', 'y'), 0.5, 0.55, [], []).score, 0);
});

test('citing the other document points to it as the source', () => {
  const src = doc('src', 'The memo was obtained by Fox News.');
  const copy = doc('copy', 'According to Fox News, the memo says.');
  const v = directionVote(src, copy, 0.5, 0.5, citations(src.text), citations(copy.text));
  assert.ok(v.score > 0.3, `score ${v.score}`);
});

import { relate } from '../src/relate/index.ts';
import { sharedRuns } from '../src/relate/coverage.ts';
import { tokenize } from '../src/text/tokens.ts';

test('paraphrase-only passages between documents that share no run of words are not reuse', () => {
  const a = doc('a', 'Verizon has won the takeover battle for phone firm MCI with a bid worth billions, reports say.');
  const b = doc('b', 'Shares in phone company MCI rose on talk that Verizon and Qwest may bid for the firm this week.');
  const c = doc('c', 'Verizon has won the takeover battle for phone firm MCI with a bid worth billions, people say.');
  const all = [a, b, c].map((d) => ({ doc: d, tokens: tokenize(d.text) }));
  assert.equal(sharedRuns(all[0].tokens, all[1].tokens), 0);
  assert.ok(sharedRuns(all[0].tokens, all[2].tokens) >= 10);
  const para = (n: number) => [{ source: [0, n] as [number, number], derived: [0, n] as [number, number], similarity: 0.5, kind: 'paraphrase' as const }];
  const r = relate(all, [
    { a: 'a', b: 'b', passages: para(40) },
    { a: 'a', b: 'c', passages: para(40) },
  ]);
  assert.deepEqual(r.pairs.filter((p) => p.relation !== 'related').map((p) => [p.source, p.derived].sort().join('-')), ['a-c']);
});

test('"first appeared on X" credits X only when a piece of writing appeared there', () => {
  assert.deepEqual(citations('This article first appeared in the Millbrook Courier.').map((c) => c.name), ['Millbrook Courier']);
  assert.deepEqual(citations('The story originally ran in the Daily Planet last week.').map((c) => c.name), ['Daily Planet']);
  // a presenter who first appeared on a programme credits nobody
  assert.deepEqual(citations('Jane Doyle first appeared on Good Morning Eastport in 1988.'), []);
});

test('"Source: X", "via : X", "H/T: X" are credits, with spaces or a line break around the colon', () => {
  assert.deepEqual(citations('Photo via : Agence Nord').map((c) => c.name), ['Agence Nord']);
  assert.deepEqual(citations('H/T: Daily Planet').map((c) => c.name), ['Daily Planet']);
  assert.deepEqual(citations('Credit:\n Ann Lee').map((c) => c.name), ['Ann Lee']);
  assert.deepEqual(citations('The opensource: Ann Lee'), []);
  assert.deepEqual(citations('Fox News has seen a copy of the letter.').map((c) => c.name), ['Fox News']);
});

test('"first published by X" is a credit', () => {
  assert.deepEqual(
    citations('This story was first published by the Millbrook Courier and is republished with permission.').map((c) => c.name),
    ['Millbrook Courier'],
  );
});
