import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cleanSource } from '../src/clean/index.ts';
import { markRepeatedBlocks } from '../src/clean/boilerplate.ts';
import { toOriginal } from '../src/clean/offsets.ts';
import type { Doc, Span } from '../src/types.ts';

const DATA = new URL('../../shared/data/', import.meta.url);
const seedPath = (name: string) => new URL(`seeds/${name}.txt`, DATA);
const SEEDS = ['000_456ad2308a74c503', '001_135ae358964649aa', '002_b17197541f4d5cfa', '003_3eced85e94d749a1', '004_e8a9e5526b8ce0fd'];

function seed(name: string): Doc {
  const p = seedPath(name);
  return cleanSource({ id: name, path: p.pathname, bytes: readFileSync(p), meta: {} });
}

function boilerText(d: Doc): string[] {
  return d.boilerplate.map(([s, e]) => d.text.slice(s, e));
}

function inBoiler(d: Doc, needle: string): boolean {
  const i = d.text.indexOf(needle);
  assert.ok(i >= 0, `text has ${JSON.stringify(needle)}`);
  return d.boilerplate.some(([s, e]) => s <= i && i + needle.length <= e);
}

function overlapsBoiler(d: Doc, needle: string): boolean {
  const i = d.text.indexOf(needle);
  assert.ok(i >= 0, `text has ${JSON.stringify(needle)}`);
  return d.boilerplate.some(([s, e]) => s < i + needle.length && i < e);
}

test('seed 001: Windows-874 mojibake is repaired', () => {
  const d = seed('001_135ae358964649aa');
  assert.ok(d.text.includes('“if the request is to assist'));
  assert.ok(d.text.includes('mayor’s office'));
  assert.ok(d.text.includes('Patrícia Lélis'));
  for (const bad of ['โ€', 'รฉ', 'รญ']) assert.ok(!d.text.includes(bad), `no ${bad}`);
  assert.ok(d.repairs.length >= 20);
  assert.ok(d.repairs.every((r) => r.kind.includes('windows-874')));
  // Every repair's span points at the broken characters in the original.
  for (const r of d.repairs) assert.equal(d.original.slice(r.span[0], r.span[1]), r.before);
});

test('seed 001: spans of repaired text map back to the broken original', () => {
  const d = seed('001_135ae358964649aa');
  const i = d.text.indexOf('Patrícia Lélis');
  const [s, e] = toOriginal(d, [i, i + 'Patrícia Lélis'.length]);
  assert.equal(d.original.slice(s, e), 'Patrรญcia Lรฉlis');
  const j = d.text.indexOf('mayor’s');
  const o = toOriginal(d, [j, j + 7]);
  assert.equal(d.original.slice(o[0], o[1]), 'mayorโ€™s');
  // the map is monotone and ends at original.length
  for (let k = 1; k < d.map.length; k++) assert.ok(d.map[k] >= d.map[k - 1]);
  assert.equal(d.map[d.text.length], d.original.length);
});

test('clean text without mojibake keeps the identity map', () => {
  const d = seed('000_456ad2308a74c503');
  assert.equal(d.text, d.original);
  assert.equal(d.repairs.length, 0);
  for (let k = 0; k <= d.text.length; k++) assert.equal(d.map[k], k);
  assert.equal(d.encoding, 'utf-8');
});

test('text sources (already decoded) are cleaned the same way', () => {
  const raw = readFileSync(seedPath('001_135ae358964649aa'), 'utf8');
  const d = cleanSource({ id: 'x', path: 'x.txt', text: raw, meta: {} });
  assert.ok(d.text.includes('Patrícia Lélis'));
  assert.equal(d.original, raw);
});

test('seed boilerplate: 001 cue line and sidebar, no news paragraph', () => {
  const d = seed('001_135ae358964649aa');
  assert.ok(inBoiler(d, 'Contact Your Elected Officials'));
  assert.ok(inBoiler(d, 'The Thinking Conservative'));
  assert.ok(inBoiler(d, 'Trump Is World Peacemaker, United Nations Is A Disgrace'));
  assert.ok(inBoiler(d, 'Patrícia Lélis delivered evidence'));
  assert.ok(inBoiler(d, 'Trump will host leaders of Armenia and Azerbaijan'));
  assert.ok(inBoiler(d, 'Related Articles'));
  for (const p of [
    'In an article by Matt Finn on Fox news',
    'Officers were advised not to cooperate',
    '“if the request is to assist',
    'mayor’s office',
    'CPD confirmed the memo came from an internal superior',
    '“You’ll not find a single real police officer',
    'It was told to Fox News by Police sources',
    'Only in certain scenarios',
  ])
    assert.ok(!overlapsBoiler(d, p), `not boilerplate: ${p}`);
});

test('seed boilerplate: 002 law-firm lines before and after the article', () => {
  const d = seed('002_b17197541f4d5cfa');
  assert.ok(inBoiler(d, 'We serve immigration clients nationwide.'));
  assert.ok(inBoiler(d, 'Mario Godoy | Chicago Immigration Lawyer'));
  assert.ok(inBoiler(d, 'The immigration attorneys at Godoy Law Office'));
  assert.ok(inBoiler(d, 'Lead Counsel Rated'));
  assert.ok(inBoiler(d, 'American Immigration Lawyers Association'));
  for (const p of [
    'An internal memo from the Chicago Police Department',
    'Chicago is a sanctuary city under current Mayor',
    'Fox News is has seen a copy',
    'The Department of Homeland Security is deeply concerned',
    'Historically, CPD officers have cooperated',
    'The Chicago Police Department confirmed the memo',
  ])
    assert.ok(!overlapsBoiler(d, p), `not boilerplate: ${p}`);
});

test('seed boilerplate: 004 share / reply / pin it', () => {
  const d = seed('004_e8a9e5526b8ce0fd');
  for (const p of ['Share', 'Leave a Reply', 'Pin It on Pinterest']) assert.ok(inBoiler(d, p), p);
  const firstPara = d.text.indexOf('Chicago Mayor Lori Lightfoot has directed');
  assert.ok(!d.boilerplate.some(([s, e]) => s <= firstPara && firstPara < e));
  for (const p of ['Los Angeles Mayor Eric Garcetti', 'Trump dismissed the opposition', '“Well some cities'])
    assert.ok(!overlapsBoiler(d, p), p);
});

test('seeds 000 and 003 have no boilerplate inside news paragraphs', () => {
  for (const name of ['000_456ad2308a74c503', '003_3eced85e94d749a1']) {
    const d = seed(name);
    const marked = boilerText(d).join('').length;
    assert.ok(marked < d.text.length * 0.1, `${name}: ${marked} of ${d.text.length} chars marked`);
  }
});

test('boilerplate spans are sorted and disjoint for every seed', () => {
  for (const name of SEEDS) {
    const d = seed(name);
    for (let i = 0; i < d.boilerplate.length; i++) {
      const [s, e] = d.boilerplate[i];
      assert.ok(s < e && e <= d.text.length);
      if (i) assert.ok(s > d.boilerplate[i - 1][1] - 1);
    }
  }
});

function textDoc(id: string, text: string, site?: string): Doc {
  return cleanSource({ id, path: id + '.txt', text, meta: site ? { site } : {} });
}

test('markRepeatedBlocks: a sidebar shared by two pages of one site', () => {
  const side = 'Gazette Sports Roundup\nCity budget vote delayed again as the council argues over roads';
  const a = textDoc('a', `A council meeting ran late on Tuesday as members argued about the new bridge and its cost to the taxpayers of the town.\n\n${side}`, 'gazette');
  const b = textDoc('b', `The harvest festival drew a record crowd this weekend, organisers said, with stalls selling produce from all over the valley.\n\n${side}`, 'gazette');
  const c = textDoc('c', `Unrelated text about a harvest and a bridge that is long enough to be a paragraph of its own here.\n\nCity budget vote delayed again as the council argues over roads`, 'other');
  const cBefore = JSON.stringify(c.boilerplate);
  markRepeatedBlocks([a, b, c]);
  const sideStart = a.text.indexOf('City budget vote');
  assert.ok(a.boilerplate.some(([s, e]) => s <= sideStart && sideStart < e));
  const bs = b.text.indexOf('City budget vote');
  assert.ok(b.boilerplate.some(([s, e]) => s <= bs && bs < e));
  // The other site's single copy is not marked by the site rule (only 3 docs in all < minDocs).
  assert.equal(JSON.stringify(c.boilerplate), cBefore);
  // Article text is not marked.
  assert.ok(!a.boilerplate.some(([s]) => s === 0));
  for (const d of [a, b, c])
    for (let i = 1; i < d.boilerplate.length; i++) assert.ok(d.boilerplate[i][0] > d.boilerplate[i - 1][1]);
});

test('markRepeatedBlocks: a line in many documents of the set', () => {
  const docs: Doc[] = [];
  for (let i = 0; i < 6; i++)
    docs.push(textDoc('d' + i, `Story number ${i} tells of something that happened on day ${i} in the town.\nAll content copyright Example Wire Service 2024 and its licensors`));
  markRepeatedBlocks(docs, { minDocs: 5 });
  for (const d of docs) {
    const i = d.text.indexOf('All content');
    assert.ok(d.boilerplate.some(([s, e]) => s <= i && i < e), d.id);
    assert.ok(!d.boilerplate.some(([s]) => s === 0));
  }
});

test('a long paragraph shared by two pages of one site alone is not boilerplate (it may be reuse)', () => {
  const para =
    'The mayor said on Monday that the city would not cooperate with the federal raids, adding that the police had been told to stay away from the operations planned for the weekend across the city.';
  const a = textDoc('a', `First story intro here.\n\n${para}`, 'site');
  const b = textDoc('b', `Second story intro here.\n\n${para}`, 'site');
  const before = b.boilerplate.length;
  markRepeatedBlocks([a, b]);
  const i = b.text.indexOf(para);
  assert.ok(!b.boilerplate.some(([s, e]) => s <= i && i < e));
  assert.equal(b.boilerplate.length, before);
});

test('empty input gives an empty doc', () => {
  const d = cleanSource({ id: 'e', path: 'e.txt', bytes: new Uint8Array(0), meta: {} });
  assert.equal(d.text, '');
  assert.equal(d.map.length, 1);
  assert.deepEqual(d.boilerplate, []);
});

test('decoding: BOMs, declared Windows-1252 (not Node 20 TextDecoder), HTML meta charset', () => {
  const u16 = cleanSource({ id: 'a', path: 'a.txt', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße €', 'utf16le')]), meta: {} });
  assert.equal(u16.text, 'Grüße €');
  assert.equal(u16.encoding, 'utf-16le (BOM)');
  const u8 = cleanSource({ id: 'b', path: 'b.txt', bytes: Buffer.from('\ufeffZoë', 'utf8'), meta: {} });
  assert.equal(u8.text, 'Zoë');
  assert.equal(u8.encoding, 'utf-8 (BOM)');
  const w = cleanSource({ id: 'c', path: 'c.txt', bytes: Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x85, 0x20, 0x9e]), charset: 'windows-1252', meta: {} });
  assert.equal(w.text, '€ “q” … ž');
  assert.equal(w.encoding, 'windows-1252 (declared)');
  // A latin1 label means windows-1252 (WHATWG)
  const l = cleanSource({ id: 'd', path: 'd.txt', bytes: Buffer.from([0x93, 0x71, 0x94]), charset: 'ISO-8859-1', meta: {} });
  assert.equal(l.text, '“q”');
  // A page that declares a legacy charset but is valid UTF-8 is read as UTF-8, with a warning.
  const h = cleanSource({ id: 'e', path: 'e.html', bytes: Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 crème</p></body></html>'), meta: {} });
  assert.ok(h.text.includes('Café crème'));
  assert.ok(h.warnings?.some((x) => x.includes('valid UTF-8')));
});

test('the BBC corpus: nothing to repair, little marked, identity maps', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('bbc/', DATA).pathname;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.txt') && !/^readme/i.test(f)) files.push(p);
    }
  };
  walk(root);
  assert.ok(files.length > 2000);
  let repairs = 0;
  let marked = 0;
  let chars = 0;
  let ledesMarked = 0;
  for (const f of files) {
    const d = cleanSource({ id: f, path: f, bytes: readFileSync(f), meta: {} });
    repairs += d.repairs.length;
    chars += d.text.length;
    for (const [s, e] of d.boilerplate) marked += e - s;
    assert.equal(d.map[d.text.length], d.original.length);
    // the first paragraph after the title is the lede: never boilerplate
    const lede = d.text.indexOf('\n\n') + 2;
    if (d.boilerplate.some(([s, e]) => s <= lede && lede < e)) ledesMarked++;
  }
  assert.equal(repairs, 0);
  assert.ok(marked / chars < 0.01, `${((100 * marked) / chars).toFixed(2)}% marked`);
  assert.ok(ledesMarked <= 3, `${ledesMarked} ledes marked`);
});
