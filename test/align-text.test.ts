import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stem } from '../src/text/stem.ts';
import { isStopword, STOPWORD_HASHES } from '../src/text/stopwords.ts';
import { sentenceSpans, tokenSentences } from '../src/text/sentences.ts';
import { tokenize, hashWord } from '../src/text/tokens.ts';

test('Porter stemmer: reference examples from Porter (1980)', () => {
  const cases: [string, string][] = [
    ['caresses', 'caress'], ['ponies', 'poni'], ['ties', 'ti'], ['caress', 'caress'], ['cats', 'cat'],
    ['feed', 'feed'], ['agreed', 'agre'], ['plastered', 'plaster'], ['bled', 'bled'], ['motoring', 'motor'],
    ['sing', 'sing'], ['conflated', 'conflat'], ['troubled', 'troubl'], ['sized', 'size'], ['hopping', 'hop'],
    ['tanned', 'tan'], ['falling', 'fall'], ['hissing', 'hiss'], ['fizzed', 'fizz'], ['failing', 'fail'],
    ['filing', 'file'], ['happy', 'happi'], ['sky', 'sky'], ['relational', 'relat'], ['conditional', 'condit'],
    ['rational', 'ration'], ['valenci', 'valenc'], ['digitizer', 'digit'], ['conformabli', 'conform'],
    ['radicalli', 'radic'], ['differentli', 'differ'], ['vileli', 'vile'], ['analogousli', 'analog'],
    ['vietnamization', 'vietnam'], ['predication', 'predic'], ['operator', 'oper'], ['feudalism', 'feudal'],
    ['decisiveness', 'decis'], ['hopefulness', 'hope'], ['callousness', 'callous'], ['formaliti', 'formal'],
    ['sensitiviti', 'sensit'], ['sensibiliti', 'sensibl'], ['triplicate', 'triplic'], ['formative', 'form'],
    ['formalize', 'formal'], ['electriciti', 'electr'], ['electrical', 'electr'], ['hopeful', 'hope'],
    ['goodness', 'good'], ['revival', 'reviv'], ['allowance', 'allow'], ['inference', 'infer'],
    ['airliner', 'airlin'], ['gyroscopic', 'gyroscop'], ['adjustable', 'adjust'], ['defensible', 'defens'],
    ['irritant', 'irrit'], ['replacement', 'replac'], ['adjustment', 'adjust'], ['dependent', 'depend'],
    ['adoption', 'adopt'], ['homologou', 'homolog'], ['communism', 'commun'], ['activate', 'activ'],
    ['angulariti', 'angular'], ['homologous', 'homolog'], ['effective', 'effect'], ['bowdlerize', 'bowdler'],
    ['probate', 'probat'], ['rate', 'rate'], ['cease', 'ceas'], ['controll', 'control'], ['roll', 'roll'],
    ['generalizations', 'gener'], ['oscillators', 'oscil'],
  ];
  for (const [w, s] of cases) assert.equal(stem(w), s, w);
  assert.equal(stem('a1b2'), 'a1b2', 'non-letters unchanged');
  assert.equal(stem('is'), 'is', 'short words unchanged');
});

test('stopwords: function words, as token hashes', () => {
  assert.ok(isStopword('The'));
  assert.ok(isStopword('wouldn’t') || isStopword('wouldnt'));
  assert.ok(!isStopword('police'));
  assert.ok(STOPWORD_HASHES.has(hashWord('because')));
});

test('sentences: punctuation, abbreviations, blank lines; hard-wrapped lines are not split', () => {
  const text = 'Dr. Smith met Mr. J. Jones in the U.S. capital. They talked!\nThen they left? Yes.\n\nHeading without stop\nA wrapped\nline goes on here.';
  const t = tokenize(text, []);
  const spans = sentenceSpans(text, t).map(([s, e]) => text.slice(s, e));
  assert.deepEqual(spans, [
    'Dr. Smith met Mr. J. Jones in the U.S. capital',
    'They talked',
    'Then they left',
    'Yes',
    'Heading without stop\nA wrapped\nline goes on here',
  ]);
  const b = tokenSentences(text, t);
  assert.equal(b[0], 0);
  assert.equal(b[b.length - 1], t.length);
  assert.deepEqual([...tokenSentences('', tokenize('', []))], [0]);
});

test('sentences: overlong sentences are broken at line breaks, then into chunks', () => {
  const items = Array.from({ length: 30 }, (_, i) => `Item number ${i} of the list`).join('\n');
  const t = tokenize(items, []);
  const b = tokenSentences(items, t, 25);
  assert.ok(b.length - 1 >= 6, 'split into several sentences');
  for (let k = 0; k + 1 < b.length; k++) assert.ok(b[k + 1] - b[k] <= 25 * 2);
  const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
  const tw = tokenize(words, []);
  const bw = tokenSentences(words, tw, 25);
  assert.equal(bw.length - 1, 8);
});

test('sentences: CJK full stops end sentences without a space', () => {
  const text = '今天下雨。我们在家。';
  const spans = sentenceSpans(text, tokenize(text, [])).map(([s, e]) => text.slice(s, e));
  assert.deepEqual(spans, ['今天下雨', '我们在家']);
});
