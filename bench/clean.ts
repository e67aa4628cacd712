// Benchmark of the clean stage. Prints a table and exits 0.
//   - decode + mojibake repair + boilerplate classification (cleanSource) on ../shared/data/bbc
//     (every .txt under it except README files), and markRepeatedBlocks over the whole set;
//   - HTML extraction (decode, Readability on linkedom, offset map, metadata) on the WARC samples.
// Usage: npx tsx bench/clean.ts [--runs N]

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanSource, markRepeatedBlocks } from '../src/clean/index.ts';
import { decodeBytes } from '../src/clean/decode.ts';
import { repairMojibake } from '../src/clean/mojibake.ts';
import { classifyLines } from '../src/clean/boilerplate.ts';
import { readWarc } from '../src/ingest/warc.ts';
import type { Source } from '../src/types.ts';

const DATA = new URL('../../shared/data/', import.meta.url).pathname;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 5) : 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs = RUNS): number {
  const ts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

let peak = process.memoryUsage().rss;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));

const rows: string[][] = [];
const row = (task: string, docs: number, bytes: number, ms: number, note = '') => {
  const mb = bytes / 1e6;
  rows.push([task, String(docs), mb.toFixed(2), ms.toFixed(1), (mb / (ms / 1000)).toFixed(1), Math.round(docs / (ms / 1000)).toString(), note]);
};

// --- BBC plain text -------------------------------------------------------------------------
const bbcDir = join(DATA, 'bbc');
const files: string[] = [];
const walk = (d: string) => {
  for (const f of readdirSync(d).sort()) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.txt') && !/^readme/i.test(f)) files.push(p);
  }
};
if (existsSync(bbcDir)) walk(bbcDir);
const bufs = files.map((f) => readFileSync(f));
const bbcBytes = bufs.reduce((a, b) => a + b.length, 0);

if (files.length) {
  const sources: Source[] = bufs.map((b, i) => ({ id: String(i), path: files[i], bytes: b, meta: {} }));
  // warm up (JIT, lazy tables)
  for (const s of sources.slice(0, 200)) cleanSource(s);
  let texts: string[] = [];
  row('bbc: decode', files.length, bbcBytes, time(() => (texts = bufs.map((b) => decodeBytes(b).text))));
  row('bbc: mojibake scan+repair', files.length, bbcBytes, time(() => texts.forEach((t) => repairMojibake(t))));
  row('bbc: boilerplate lines', files.length, bbcBytes, time(() => texts.forEach((t) => classifyLines(t))));
  let docs = sources.map(cleanSource);
  row('bbc: cleanSource (all three)', files.length, bbcBytes, time(() => (docs = sources.map(cleanSource))));
  sample();
  row('bbc: markRepeatedBlocks', files.length, bbcBytes, time(() => markRepeatedBlocks(docs)));
  const total = time(() => {
    const ds = sources.map(cleanSource);
    markRepeatedBlocks(ds);
  });
  const repairs = docs.reduce((a, d) => a + d.repairs.length, 0);
  const marked = docs.reduce((a, d) => a + d.boilerplate.reduce((x, [s, e]) => x + e - s, 0), 0);
  const chars = docs.reduce((a, d) => a + d.text.length, 0);
  row('bbc: clean + repeated blocks', files.length, bbcBytes, total, `${repairs} repairs, ${((100 * marked) / chars).toFixed(1)}% marked`);
  sample();
}

// --- Seeds with mojibake (many repairs per document) ----------------------------------------
{
  const p = join(DATA, 'seeds/001_135ae358964649aa.txt');
  if (existsSync(p)) {
    const b = readFileSync(p);
    const big = Buffer.concat(Array(200).fill(b));
    const src: Source = { id: 'x', path: 'x.txt', bytes: big, meta: {} };
    let n = 0;
    row('seed 001 x200 (874 mojibake)', 1, big.length, time(() => (n = cleanSource(src).repairs.length)), `${n} repairs`);
  }
}

// --- WARC samples: HTML extraction -----------------------------------------------------------
const warcDir = join(DATA, 'warc');
const pages: Source[] = [];
if (existsSync(warcDir)) {
  for (const f of readdirSync(warcDir).sort()) {
    if (!/\.warc(\.gz)?$/.test(f)) continue;
    for await (const s of readWarc(join(warcDir, f), () => {})) pages.push(s);
  }
}
if (pages.length) {
  const htmlBytes = pages.reduce((a, s) => a + (s.bytes?.length ?? 0), 0);
  cleanSource(pages[0]);
  let noArticle = 0;
  const ms = time(() => {
    noArticle = 0;
    for (const s of pages) if (cleanSource(s).warnings?.some((w) => w.includes('no article'))) noArticle++;
  }, Math.min(RUNS, 3));
  row('warc: HTML extraction', pages.length, htmlBytes, ms, `${noArticle} without article`);
  sample();
}

// --- print ----------------------------------------------------------------------------------
const head = ['task', 'docs', 'MB', 'median ms', 'MB/s', 'docs/s', 'notes'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => '| ' + r.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log(`clean stage benchmark (${RUNS} runs, medians; node ${process.version})`);
console.log(line(head));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
console.log(`peak RSS: ${(peak / 1048576).toFixed(0)} MiB`);
