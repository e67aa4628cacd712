// PAN text-alignment benchmark: runs reprint's aligner (the same `align()` the scan uses) on
// every pair of a PAN corpus, writes PAN detection XMLs, and prints the PAN measures.
//
//   npm run -s bench:pan -- CORPUS_DIR [--out DIR] [--limit N]
//
// CORPUS_DIR holds `pairs` ("suspicious-documentNNNNN.txt source-documentMMMMM.txt" per line),
// `susp/`, `src/`, and, optionally, one folder per obfuscation type with its own `pairs` and a
// ground-truth XML per pair. Offsets are in characters (code points) of the UTF-8 files.
// Measures are printed for all pairs and for two halves: pairs whose suspicious document number
// is even (the half used for tuning) and odd (held out).

import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { tokenize } from '../src/text/tokens.ts';
import { codePointIndex } from '../src/clean/offsets.ts';
import { align, type AlignInput } from '../src/align/index.ts';
import { panMeasures, panXml, parsePanXml, type Annotation, type PanScores } from './lib/pan-measures.ts';

function usage(msg: string): never {
  console.error(`bench:pan: ${msg}\nusage: npm run -s bench:pan -- CORPUS_DIR [--out DIR] [--limit N]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let corpus = '';
let outDir = '';
let limit = Infinity;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') outDir = args[++i] ?? usage('--out needs a directory');
  else if (a === '--limit') limit = Number(args[++i] ?? usage('--limit needs a number'));
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (!corpus) corpus = a;
  else usage(`unexpected argument ${a}`);
}
if (!corpus) usage('missing CORPUS_DIR');
corpus = resolve(corpus);
for (const sub of ['susp', 'src']) {
  if (!existsSync(join(corpus, sub))) usage(`${join(corpus, sub)}: no such directory`);
}
if (!outDir) outDir = join(tmpdir(), `reprint-pan-${process.pid}`);
mkdirSync(outDir, { recursive: true });

function readPairs(file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const parts = t.split(/\s+/);
    if (parts.length !== 2) {
      console.error(`${file}: line ${i + 1}: expected "SUSP SRC", got ${JSON.stringify(t.slice(0, 80))}; skipped`);
      return;
    }
    out.push([parts[0], parts[1]]);
  });
  return out;
}

// Obfuscation folders: subdirectories with their own `pairs` file.
const folders: string[] = readdirSync(corpus)
  .filter((d) => d !== 'susp' && d !== 'src' && existsSync(join(corpus, d, 'pairs')) && statSync(join(corpus, d)).isDirectory())
  .sort();
const folderOf = new Map<string, string>();
for (const f of folders) for (const [s, r] of readPairs(join(corpus, f, 'pairs'))) folderOf.set(`${s} ${r}`, f);

let pairs: [string, string][];
if (existsSync(join(corpus, 'pairs'))) pairs = readPairs(join(corpus, 'pairs'));
else if (folders.length) pairs = [...folderOf.keys()].map((k) => k.split(' ') as [string, string]);
else usage(`${join(corpus, 'pairs')}: no such file`);
if (pairs.length > limit) pairs = pairs.slice(0, limit);

interface Loaded extends AlignInput {
  cp: Uint32Array | null; // UTF-16 -> code point index, null when the same
}
const docs = new Map<string, Loaded | null>();
let bytesRead = 0;
const decoder = new TextDecoder('utf-8');
function load(dir: string, name: string): Loaded | null {
  const key = dir + '/' + name;
  if (docs.has(key)) return docs.get(key)!;
  let d: Loaded | null = null;
  try {
    const buf = readFileSync(join(corpus, dir, name));
    bytesRead += buf.length;
    const text = decoder.decode(buf);
    d = { text, tokens: tokenize(text, []), cp: /[\uD800-\uDFFF]/.test(text) ? codePointIndex(text) : null };
  } catch (e) {
    console.error(`${join(corpus, dir, name)}: ${(e as Error).message}; pair skipped`);
  }
  docs.set(key, d);
  return d;
}
const cpOf = (d: Loaded, i: number) => (d.cp ? d.cp[i] : i);

const detections: Annotation[] = [];
const detByPair = new Map<string, Annotation[]>();
let alignMs = 0;
const times: number[] = [];
let skipped = 0;
const t0 = performance.now();
for (const [suspName, srcName] of pairs) {
  const susp = load('susp', suspName);
  const src = load('src', srcName);
  if (!susp || !src) {
    skipped++;
    continue;
  }
  const a0 = performance.now();
  const passages = align(src, susp);
  const dt = performance.now() - a0;
  alignMs += dt;
  times.push(dt);
  const dets: Annotation[] = passages.map((p) => {
    const ts = cpOf(susp, p.derived[0]);
    const ss = cpOf(src, p.source[0]);
    return {
      susp: suspName,
      src: srcName,
      thisOffset: ts,
      thisLength: cpOf(susp, p.derived[1]) - ts,
      sourceOffset: ss,
      sourceLength: cpOf(src, p.source[1]) - ss,
    };
  });
  detByPair.set(`${suspName} ${srcName}`, dets);
  detections.push(...dets);
  const base = `${suspName.replace(/\.txt$/, '')}-${srcName.replace(/\.txt$/, '')}.xml`;
  writeFileSync(join(outDir, base), panXml(suspName, srcName, dets));
}
const wallS = (performance.now() - t0) / 1000;
const done = pairs.length - skipped;

// ---- measures ----
function fmt(x: number, d = 3): string {
  return x.toFixed(d);
}
function pad(s: string, n: number, right = false): string {
  return right ? s.padEnd(n) : s.padStart(n);
}

const suspNumber = (name: string) => Number(/(\d+)/.exec(name)?.[1] ?? 0);
type Half = 'all' | 'even' | 'odd';
const inHalf = (susp: string, h: Half) => h === 'all' || (suspNumber(susp) % 2 === 0) === (h === 'even');

interface Row {
  name: string;
  pairs: number;
  scores: Record<Half, PanScores>;
}
const truthByFolder = new Map<string, Annotation[]>();
const pairsByFolder = new Map<string, string[]>();
for (const [s, r] of pairs) {
  const f = folderOf.get(`${s} ${r}`);
  if (!f) continue;
  let l = pairsByFolder.get(f);
  if (!l) pairsByFolder.set(f, (l = []));
  l.push(`${s} ${r}`);
  const xmlPath = join(corpus, f, `${s.replace(/\.txt$/, '')}-${r.replace(/\.txt$/, '')}.xml`);
  let truth = truthByFolder.get(f);
  if (!truth) truthByFolder.set(f, (truth = []));
  if (existsSync(xmlPath)) {
    try {
      truth.push(...parsePanXml(readFileSync(xmlPath, 'utf8'), r));
    } catch (e) {
      console.error(`${xmlPath}: ${(e as Error).message}`);
    }
  }
}

const rows: Row[] = [];
const score = (keys: string[], truth: Annotation[]): Record<Half, PanScores> => {
  const res = {} as Record<Half, PanScores>;
  for (const h of ['all', 'even', 'odd'] as Half[]) {
    const ks = keys.filter((k) => inHalf(k.split(' ')[0], h));
    const dets = ks.flatMap((k) => detByPair.get(k) ?? []);
    res[h] = panMeasures(truth.filter((c) => inHalf(c.susp, h)), dets);
  }
  return res;
};
for (const f of folders) {
  const keys = pairsByFolder.get(f) ?? [];
  if (keys.length) rows.push({ name: f, pairs: keys.length, scores: score(keys, truthByFolder.get(f) ?? []) });
}
const allKeys = [...pairsByFolder.values()].flat();
const haveTruth = [...truthByFolder.values()].some((t) => t.length > 0);

console.log(`PAN text alignment: ${corpus}`);
console.log(`detections written to ${outDir}\n`);
if (haveTruth) {
  rows.push({ name: 'overall', pairs: allKeys.length, scores: score(allKeys, [...truthByFolder.values()].flat()) });
  const head =
    pad('folder', 28, true) + pad('pairs', 6) + pad('cases', 6) + pad('dets', 6) + pad('prec', 7) + pad('rec', 7) +
    pad('gran', 7) + pad('plagdet', 8) + '  |' + pad('even:pd', 8) + pad('gran', 7) + pad('odd:pd', 8) + pad('gran', 7);
  console.log(head);
  console.log('-'.repeat(head.length));
  for (const r of rows) {
    const s = r.scores.all;
    const noCases = s.cases === 0;
    console.log(
      pad(r.name, 28, true) + pad(String(r.pairs), 6) + pad(String(s.cases), 6) + pad(String(s.detections), 6) +
        (noCases
          ? pad('-', 7) + pad('-', 7) + pad('-', 7) + pad('-', 8) + '  |' + pad(`${r.scores.even.detections} dets`, 15) + pad(`${r.scores.odd.detections} dets`, 15)
          : pad(fmt(s.precision), 7) + pad(fmt(s.recall), 7) + pad(fmt(s.granularity), 7) + pad(fmt(s.plagdet), 8) + '  |' +
            pad(fmt(r.scores.even.plagdet), 8) + pad(fmt(r.scores.even.granularity), 7) +
            pad(fmt(r.scores.odd.plagdet), 8) + pad(fmt(r.scores.odd.granularity), 7)),
    );
  }
  const noPlag = rows.filter((r) => r.scores.all.cases === 0 && r.name !== 'overall');
  for (const r of noPlag) {
    const withDet = (pairsByFolder.get(r.name) ?? []).filter((k) => (detByPair.get(k)?.length ?? 0) > 0).length;
    console.log(`\n${r.name}: ${r.scores.all.detections} detections in ${withDet} of ${r.pairs} pairs`);
  }
  console.log('even = pairs whose suspicious document number is even (tuning half); odd = held out.\n');
} else {
  console.log('(no ground truth found: measures not computed)\n');
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const median = (xs: number[]) => quantile(xs, 0.5);
const mem = process.memoryUsage();
const speed = [
  ['pairs', String(done)],
  ['skipped', String(skipped)],
  ['MB read', fmt(bytesRead / 1e6, 1)],
  ['wall s (read+tokenize+align+write)', fmt(wallS, 2)],
  ['align s', fmt(alignMs / 1000, 2)],
  ['pairs/s', fmt(done / wallS, 0)],
  ['median align ms/pair', fmt(median(times), 2)],
  ['p99 align ms/pair', fmt(quantile(times, 0.99), 2)],
  ['peak RSS MB', fmt(process.resourceUsage().maxRSS / 1024, 0)],
  ['heap used MB', fmt(mem.heapUsed / 1e6, 0)],
];
for (const [k, v] of speed) console.log(pad(k, 36, true) + pad(v, 10));
