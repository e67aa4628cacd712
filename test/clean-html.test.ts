import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cleanSource } from '../src/clean/index.ts';
import { extractHtml, sourceTextNodes } from '../src/ingest/html.ts';
import { toOriginal } from '../src/clean/offsets.ts';
import type { Doc } from '../src/types.ts';

const FIX = new URL('./fixtures/clean/', import.meta.url);

function page(name: string): Doc {
  const p = new URL(name, FIX);
  return cleanSource({ id: name, path: p.pathname, bytes: readFileSync(p), meta: {} });
}

/** Every non-space clean char maps to the same char in the source, or to the entity that makes it. */
function assertMapExact(d: Doc): void {
  assert.ok(d.mapEnd, 'HTML docs have mapEnd');
  for (let i = 0; i < d.text.length; i++) {
    const c = d.text[i];
    if (/\s/.test(c)) continue;
    const src = d.original.slice(d.map[i], d.mapEnd![i]);
    const inRepair = d.repairs.some((r) => r.span[0] <= d.map[i] && d.map[i] < r.span[1]);
    assert.ok(src === c || (src.startsWith('&') && src.endsWith(';')) || inRepair, `char ${i} ${JSON.stringify(c)} -> ${JSON.stringify(src)}`);
  }
}

test('HTML article: main text only, paragraphs separated by blank lines', () => {
  const d = page('article.html');
  assert.ok(d.text.includes('The harbour bridge reopened to traffic on Tuesday morning'));
  assert.ok(d.text.includes('Café owners on the quay'));
  assert.ok(d.text.includes('more than £4 million'));
  assert.ok(d.text.includes('“It is as good as new,”'));
  assert.ok(d.text.includes('The council & the harbour board'));
  for (const junk of ['Most read', 'Council votes on budget', 'Privacy policy', 'dataLayer', 'font-family', 'Home'])
    assert.ok(!d.text.includes(junk), junk);
  assert.match(d.text, /said\.\n\nEngineers replaced/);
  assert.equal(d.original, readFileSync(new URL('article.html', FIX), 'utf8'));
});

test('HTML article: metadata from meta tags, JSON-LD and <link rel=canonical>', () => {
  const d = page('article.html');
  assert.deepEqual(d.meta, {
    title: 'Harbour bridge reopens after two years of repairs',
    author: 'Jane Marlow',
    published: '2024-03-05T09:30:00Z',
    modified: '2024-03-06T11:00:00Z',
    site: 'The Valley Gazette',
    url: 'https://gazette.example/news/harbour-bridge-reopens',
    language: 'en-GB',
  });
});

test('HTML: metadata from <time> and JSON-LD when meta tags are missing', () => {
  const html = `<html><head><script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"A headline","author":[{"name":"A. Writer"},{"name":"B. Writer"}],"publisher":{"name":"The Paper"},"dateModified":"2023-01-02"}]}</script></head>
<body><article><p>First paragraph of a story that is long enough to count as an article for the extractor to keep it around.</p><p>Second paragraph, <time datetime="2023-01-01">New Year's Day</time>, also long enough to be kept by the extractor as article text.</p></article></body></html>`;
  const h = extractHtml(html, 'https://paper.example/x');
  assert.equal(h.meta.title, 'A headline');
  assert.equal(h.meta.author, 'A. Writer, B. Writer');
  assert.equal(h.meta.published, '2023-01-01');
  assert.equal(h.meta.modified, '2023-01-02');
  assert.equal(h.meta.site, 'The Paper');
  assert.equal(h.meta.url, 'https://paper.example/x');
});

test('HTML: every clean character maps back to its source (entities included)', () => {
  const d = page('article.html');
  assertMapExact(d);
  const i = d.text.indexOf('£4 million');
  const [s, e] = toOriginal(d, [i, i + '£4 million'.length]);
  assert.equal(d.original.slice(s, e), '&pound;4 million');
  const j = d.text.indexOf('“It is');
  const o = toOriginal(d, [j, j + 6]);
  assert.equal(d.original.slice(o[0], o[1]), '&ldquo;It is');
  // A span across a paragraph break covers the tags between the paragraphs.
  const k = d.text.indexOf('said.\n\nEngineers');
  const p = toOriginal(d, [k, k + 'said.\n\nEngineers'.length]);
  assert.match(d.original.slice(p[0], p[1]), /^said\.<\/p>\s*<p>Engineers$/);
});

test('HTML in Windows-1252 (meta charset) is decoded with the right table', () => {
  const d = page('cp1252.html');
  assert.equal(d.encoding, 'windows-1252 (meta charset)');
  assert.ok(d.text.includes('Le café “crème” coûte 3 € – c’est la vie'));
  assertMapExact(d);
});

test('HTML with no article: a clear warning and all visible text', () => {
  const d = page('no-article.html');
  assert.ok(d.warnings?.some((w) => w.includes('no-article.html') && w.includes('no article found')));
  assert.ok(d.text.includes('Connexion'));
  assert.ok(d.text.includes('Mot de passe oublié ?'));
  assert.equal(d.meta.language, 'fr');
  assertMapExact(d);
});

test('HTML with mojibake inside: repaired, and spans map through both steps', () => {
  const html = `<html><body><article><p>The mayorâ€™s office said &ldquo;no&rdquo; to the plan on Monday, and the council agreed with the decision after a long debate.</p><p>CafÃ© owners were pleased with the outcome and said so to anyone who would listen to them that week.</p></article></body></html>`;
  const d = cleanSource({ id: 'm', path: 'm.html', text: html, meta: {} });
  assert.ok(d.text.includes('The mayor’s office said “no”'));
  assert.ok(d.text.includes('Café owners'));
  assert.equal(d.repairs.length, 2);
  for (const r of d.repairs) assert.equal(d.original.slice(r.span[0], r.span[1]), r.before);
  const i = d.text.indexOf('mayor’s');
  const [s, e] = toOriginal(d, [i, i + 7]);
  assert.equal(d.original.slice(s, e), 'mayorâ€™s');
  assertMapExact(d);
});

test('source tokenizer: text nodes with positions, scripts and comments skipped', () => {
  const src = 'a<!-- x --><p>b &amp; c</p><script>var x = "<p>no</p>";</script><style>p{}</style>d';
  const nodes = sourceTextNodes(src);
  assert.deepEqual(nodes.map((n) => n.text), ['a', 'b & c', 'd']);
  const amp = nodes[1];
  assert.equal(src.slice(amp.starts![2], amp.ends![2]), "&amp;");
});

test('HTML format is sniffed from the content when the path says nothing', () => {
  const d = cleanSource({ id: 'x', path: 'x', text: '<!DOCTYPE html><html><body><p>Hello there, a short page.</p></body></html>', meta: {} });
  assert.ok(d.text.startsWith('Hello there'));
  assert.ok(!d.text.includes('<p>'));
});
