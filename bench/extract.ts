// HTML main-text extraction against ground truth: token F1 of the article text, reprint beside
// plain Readability (the same @mozilla/readability and linkedom reprint uses), in one run.
//
//   npx tsx bench/extract.ts [--pages] [--show NAME]
//
// Two sets, reported apart:
//   warc     the article pages of the WARC samples in ../shared/data/warc/; their ground truth is
//            located by hand in test/fixtures/extract/warc-pages.json (the text stays in the WARC)
//   written  news pages written for the project, test/fixtures/extract/*.html, with the article
//            text by hand in NAME.txt
// Columns: Readability = its textContent; Readability + title = with its title line first;
// reprint text = what `reprint clean FILE` prints; reprint article = that text without the spans
// reprint marks as boilerplate (what it counts as the article when comparing documents).
// Token F1: lower-cased word tokens (letters and digits), as multisets.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import { tokens, tokenF1, truthOfSpec, withoutBoilerplate, type WarcSpec } from './lib/extract.ts';
import { Readability } from '@mozilla/readability';
import { cleanSource } from '../src/clean/index.ts';
import { readWarc, newWarcStats } from '../src/ingest/warc.ts';
import type { Doc } from '../src/types.ts';

const FIX = fileURLToPath(new URL('../test/fixtures/extract/', import.meta.url));
const WARC = fileURLToPath(new URL('../../shared/data/warc/', import.meta.url));

interface Page {
  set: 'warc' | 'written';
  name: string;
  doc: Doc;
  truth: string;
}

async function pages(): Promise<Page[]> {
  const out: Page[] = [];
  const specs = (JSON.parse(readFileSync(join(FIX, 'warc-pages.json'), 'utf8')) as { pages: WarcSpec[] }).pages;
  const byWarc = new Map<string, WarcSpec[]>();
  for (const s of specs) byWarc.set(s.warc, [...(byWarc.get(s.warc) ?? []), s]);
  for (const [warc, list] of byWarc) {
    for await (const src of readWarc(join(WARC, warc), () => {}, newWarcStats())) {
      const spec = list.find((s) => s.url === src.meta.url);
      if (!spec) continue;
      const doc = cleanSource(src);
      out.push({ set: 'warc', name: spec.url.replace(/^https?:\/\//, '').slice(0, 58), doc, truth: truthOfSpec(doc.original, spec) });
    }
  }
  for (const f of readdirSync(FIX).filter((f) => f.endsWith('.html')).sort()) {
    const bytes = readFileSync(join(FIX, f));
    const doc = cleanSource({ id: f, path: join(FIX, f), bytes, meta: {} });
    out.push({ set: 'written', name: f.replace(/\.html$/, ''), doc, truth: readFileSync(join(FIX, f.replace(/\.html$/, '.txt')), 'utf8') });
  }
  return out;
}

function readability(html: string): { title: string; text: string } {
  const { document } = parseHTML(html);
  const r = new Readability(document as unknown as Document).parse();
  return { title: r?.title ?? '', text: r?.textContent ?? '' };
}


const all = await pages();
const show = process.argv.indexOf('--show') > 0 ? process.argv[process.argv.indexOf('--show') + 1] : null;
const perPage = process.argv.includes('--pages') || !!show;
type Row = { name: string; set: string; words: number; scores: ReturnType<typeof tokenF1>[] };
const rows: Row[] = [];
const COLS = ['Readability', 'Readability + title', 'reprint text', 'reprint article'];
for (const pg of all) {
  const rd = readability(pg.doc.original);
  const preds = [rd.text, `${rd.title}\n${rd.text}`, pg.doc.text, withoutBoilerplate(pg.doc)];
  rows.push({ name: pg.name, set: pg.set, words: tokens(pg.truth).length, scores: preds.map((p) => tokenF1(p, pg.truth)) });
  if (show && pg.name.includes(show)) {
    console.log(`--- truth\n${pg.truth}\n--- readability\n${rd.title}\n${rd.text.replace(/\n\s*\n+/g, '\n')}\n--- reprint (boilerplate in [[ ]])`);
    let s = '';
    let at = 0;
    for (const [a, b] of pg.doc.boilerplate) {
      s += pg.doc.text.slice(at, a) + '[[' + pg.doc.text.slice(a, b) + ']]';
      at = b;
    }
    console.log(s + pg.doc.text.slice(at));
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`HTML extraction, token F1 against hand-judged article text (${all.length} pages)\n`);
if (perPage) {
  console.log(`| set | page | truth words | ${COLS.join(' | ')} |`);
  console.log(`|---|---|---:|${COLS.map(() => '---:').join('|')}|`);
  for (const r of rows) console.log(`| ${r.set} | ${r.name} | ${r.words} | ${r.scores.map((s) => `${s.f1.toFixed(3)} (P ${s.p.toFixed(2)} R ${s.r.toFixed(2)})`).join(' | ')} |`);
  console.log('');
}
console.log(`| pages | n | ${COLS.map((c) => `${c} F1`).join(' | ')} |`);
console.log(`|---|---:|${COLS.map(() => '---:').join('|')}|`);
for (const [label, sel] of [
  ['WARC samples (real pages)', (r: Row) => r.set === 'warc'],
  ['written for the project', (r: Row) => r.set === 'written'],
  ['all', () => true],
] as const) {
  const rs = rows.filter(sel);
  const cell = (i: number) => {
    const f = mean(rs.map((r) => r.scores[i].f1));
    return `${f.toFixed(3)} (P ${mean(rs.map((r) => r.scores[i].p)).toFixed(3)} R ${mean(rs.map((r) => r.scores[i].r)).toFixed(3)})`;
  };
  console.log(`| ${label} | ${rs.length} | ${COLS.map((_, i) => cell(i)).join(' | ')} |`);
}
console.log('\nF1, precision and recall are means over pages.');
