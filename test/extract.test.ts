// HTML article extraction: the headline, body lines kept out of the boilerplate, cues marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA } from './helpers/paths.ts';
import { cleanSource } from '../src/clean/index.ts';
import { classifyArticleLines } from '../src/clean/boilerplate.ts';
import { readWarc, newWarcStats } from '../src/ingest/warc.ts';
import { tokenF1, truthOfSpec, withoutBoilerplate, type WarcSpec } from '../bench/lib/extract.ts';

const FIX = fileURLToPath(new URL('./fixtures/extract/', import.meta.url));

const marked = (text: string, spans: [number, number][]) => spans.map(([a, b]) => text.slice(a, b));

test('article lines: cues, bylines, related links and comments are marked; lists, code, captions and short paragraphs are not', () => {
  const text = [
    'Council approves new bridge',
    'By Jane Smith',
    'Published 3 March 2024',
    'The council voted on Tuesday to build a footbridge over the river.',
    'It will cost:',
    'Steel: 2 million',
    'Labour: 1 million',
    'x = build(bridge)',
    'A photo of the river at dusk.',
    'He kept the rest.',
    'Advertisement',
    'Work starts in May and should end a year later, the council said in a statement on its website.',
    'Related articles',
    'Bypass Closed For Resurfacing',
    'New Cycle Lane Approved',
    '2 Comments',
    'I think this is a waste of money and the old ferry was fine for everyone who used it.',
  ].join('\n\n');
  const spans = classifyArticleLines(text);
  const bad = marked(text, spans).join('\n\n');
  for (const b of ['By Jane Smith', 'Published 3 March 2024', 'Advertisement', 'Related articles', 'New Cycle Lane Approved', '2 Comments', 'waste of money'])
    assert.ok(bad.includes(b), `${b} is marked`);
  for (const g of ['Council approves', 'The council voted', 'It will cost', 'Steel: 2 million', 'x = build', 'A photo of the river', 'He kept the rest.', 'Work starts in May'])
    assert.ok(!bad.includes(g), `${g} is not marked`);
  // body lines that look a little like bylines, dates or author boxes
  const body = [
    'Flood defences fail',
    'By Tuesday, the river had risen.',
    'Published in 1998, the report was ignored.',
    'The water reached the town hall on Wednesday night, and residents were moved to the school.',
    'Jane Smith is a former reporter who now runs the flood action group.',
  ].join('\n\n');
  assert.deepEqual(marked(body, classifyArticleLines(body, { author: 'Owen Pritchard' })), []);
  const box = body + '\n\nOwen Pritchard is a reporter at the Dales Observer.';
  assert.deepEqual(marked(box, classifyArticleLines(box, { author: 'By Owen Pritchard' })), ['Owen Pritchard is a reporter at the Dales Observer.']);
  // a "Comments" line early in a text is a word in the body, not the start of a comment section
  const early = 'Comments\n\n' + 'The consultation closes on Friday and the council wants to hear from residents about the plan. '.repeat(5);
  assert.deepEqual(marked(early, classifyArticleLines(early)), ['Comments']);
});

test('a headline outside the article is put back in front, mapped to the h1 in the page; not repeated when the article has it', () => {
  const html = readFileSync(join(FIX, '01-headline-outside.html'));
  const doc = cleanSource({ id: '01', path: '01.html', bytes: html, meta: {} });
  assert.ok(doc.text.startsWith('Harbour ferry returns after two-year repair\n\n'), doc.text.slice(0, 80));
  const s = doc.map[0];
  assert.equal(doc.original.slice(s, s + 43), 'Harbour ferry returns after two-year repair');
  assert.ok(doc.original.slice(s - 30, s).includes('<h1'), 'the span points into the h1');
  const wp = cleanSource({ id: '06', path: '06.html', bytes: readFileSync(join(FIX, '06-wordpress-blog.html')), meta: {} });
  assert.equal(wp.text.split('Growing tomatoes on a north-facing balcony').length - 1, 1);
});

test('written fixtures: the article text (boilerplate aside) holds the ground truth', () => {
  for (const f of readdirSync(FIX).filter((f) => f.endsWith('.html'))) {
    const doc = cleanSource({ id: f, path: join(FIX, f), bytes: readFileSync(join(FIX, f)), meta: {} });
    const truth = readFileSync(join(FIX, f.replace(/\.html$/, '.txt')), 'utf8');
    const full = tokenF1(doc.text, truth);
    const art = tokenF1(withoutBoilerplate(doc), truth);
    assert.ok(full.r >= 0.99, `${f}: the clean text holds the whole article (recall ${full.r.toFixed(3)})`);
    assert.ok(art.r >= 0.97 && art.f1 >= 0.95, `${f}: article text recall ${art.r.toFixed(3)}, F1 ${art.f1.toFixed(3)}`);
  }
});

test('WARC article pages: the article text keeps the hand-located article', async () => {
  const specs = (JSON.parse(readFileSync(join(FIX, 'warc-pages.json'), 'utf8')) as { pages: WarcSpec[] }).pages;
  let seen = 0;
  for (const warc of new Set(specs.map((s) => s.warc))) {
    for await (const src of readWarc(join(DATA, 'warc', warc), () => {}, newWarcStats())) {
      const spec = specs.find((s) => s.warc === warc && s.url === src.meta.url);
      if (!spec) continue;
      seen++;
      const doc = cleanSource(src);
      const truth = truthOfSpec(doc.original, spec);
      const art = tokenF1(withoutBoilerplate(doc), truth);
      assert.ok(art.r >= 0.93, `${spec.url}: recall ${art.r.toFixed(3)}`);
      assert.ok(art.f1 >= 0.94, `${spec.url}: F1 ${art.f1.toFixed(3)}`);
    }
  }
  assert.equal(seen, specs.length);
});

test('a standfirst beside a headline outside the article (the page description) comes after the headline', () => {
  const para = (i: number) => `<p>Paragraph ${i} of the report says the council will review the flood plan after the river burst its banks twice in one winter, and residents asked for new defences.</p>`;
  const html = `<!doctype html><html><head><title>Flood plan review ordered | Vale News</title>
<meta name="description" content="The council will look again at its flood plan after two floods in one winter."></head>
<body><nav><a href="/">Home</a></nav><div class="head"><h1>Flood plan review ordered</h1><div class="dek"><span>The council will look again at its flood plan after two floods in one winter.</span></div></div>
<div class="story">${[1, 2, 3, 4, 5].map(para).join('')}</div><footer>Vale News</footer></body></html>`;
  const doc = cleanSource({ id: 'x', path: 'x.html', text: html, meta: {} });
  assert.ok(doc.text.startsWith('Flood plan review ordered\n\nThe council will look again at its flood plan after two floods in one winter.\n\nParagraph 1'), doc.text.slice(0, 200));
  const at = doc.text.indexOf('The council will look');
  assert.equal(doc.original.slice(doc.map[at], doc.map[at] + 21), 'The council will look');
  assert.equal(doc.text.split('The council will look again').length - 1, 1);
});
