// METER benchmark (journalistic reuse): Press Association wire copy and the newspaper articles
// written from it, labelled by journalists as wholly, partially or non-derived.
//
//   npm run -s bench:meter -- ../shared/data/meter-showbiz [--verbose]
//
// Each story (<date>/<story>) is scanned on its own, PA and newspaper texts together, exactly as
// `reprint scan DIR --json` does (scanPaths + buildReport on a temporary folder holding the
// story's files as PA/<file> and news/<file>). A paper counts as derived when reprint's own
// reading of a pair with a PA text says so (derivedShareOf / derivationOf: the PA text is its
// source, or the direction is unsure, confidence below UNSURE_DIRECTION); its score is the best
// such share, and its 3-way class is derivationOf that pair (see README: "How much was derived").
// Beside it, two baselines computed in the same run: "shares a word 8-gram with a PA text", and
// word-trigram containment (share of the paper's trigrams found in a PA text of its story).
// Every measure is printed for all stories and for the even / odd halves (stories in sorted
// order), so tuning on one half can be checked on the other. Last, as an upper reference for rules
// without supervision: a logistic regression over document-level word-overlap measures, trained
// and scored with 5-fold cross-validation (folds by story), with its thresholds chosen on the
// training folds. It is trained on the labels, so it is what the words support on this corpus,
// not a method reprint could ship unchanged to another.

import { readFileSync, readdirSync, existsSync, mkdirSync, copyFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { scanPaths, buildReport } from '../src/index.ts';
import { derivationOf, derivedShareOf, type Derivation } from '../src/relate/index.ts';

function usage(msg: string): never {
  console.error(`bench:meter: ${msg}\nusage: npm run -s bench:meter -- METER_DOMAIN_DIR [--verbose]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let root = '';
let verbose = false;
for (const a of args) {
  if (a === '--verbose') verbose = true;
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (!root) root = a;
  else usage(`unexpected argument ${a}`);
}
if (!root) usage('missing METER_DOMAIN_DIR');
root = resolve(root);
const domain = existsSync(join(root, 'file_index')) ? readdirSync(join(root, 'file_index'))[0] : '';
if (!domain) usage(`${root}: no file_index/<domain>/`);
const paRoot = join(root, 'PA', 'rawtexts', domain);
const newsRoot = join(root, 'newspapers', 'rawtexts', domain);

type Label = 'wholly' | 'partially' | 'non';
const labels = new Map<string, Label>(); // "<date>/<story>/<file>" -> label
for (const [file, label] of [
  ['wholly_derived.txt', 'wholly'],
  ['partially_derived.txt', 'partially'],
  ['non_derived.txt', 'non'],
] as const) {
  const f = join(root, 'file_index', domain, file);
  if (!existsSync(f)) usage(`${f}: missing`);
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    const m = line.trim().match(/rawtexts\/[^/]+\/(.+)$/);
    if (m) labels.set(m[1], label);
  }
}

const stories: string[] = [];
const dirs = (d: string) => readdirSync(d).filter((x) => statSync(join(d, x)).isDirectory()).sort();
for (const date of dirs(paRoot))
  for (const story of dirs(join(paRoot, date))) if (existsSync(join(newsRoot, date, story))) stories.push(`${date}/${story}`);

// ---- baselines ----
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
function ngrams(w: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
  return out;
}
function containment(x: Set<string>, y: Set<string>): number {
  if (!x.size) return 0;
  let c = 0;
  for (const g of x) if (y.has(g)) c++;
  return c / x.size;
}

interface Row {
  story: number;
  id: string;
  label: Label;
  derived: boolean; // reprint: a PA text is reported as its source
  coverage: number; // best PA -> paper derivedCoverage
  three: Label; // reprint's derivation
  share8: boolean;
  tri: number;
  words: string[];
  paWords: string[][];
}

const rows: Row[] = [];
const tmp = join(tmpdir(), `reprint-meter-${process.pid}`);
const t0 = performance.now();
const reversed: string[] = [];
try {
  for (let si = 0; si < stories.length; si++) {
    const story = stories[si];
    const dir = join(tmp, story.replace('/', '_'));
    mkdirSync(join(dir, 'PA'), { recursive: true });
    mkdirSync(join(dir, 'news'), { recursive: true });
    const paFiles = readdirSync(join(paRoot, story)).filter((f) => f.endsWith('.txt')).sort();
    const newsFiles = readdirSync(join(newsRoot, story)).filter((f) => f.endsWith('.txt')).sort();
    for (const f of paFiles) copyFileSync(join(paRoot, story, f), join(dir, 'PA', f));
    for (const f of newsFiles) copyFileSync(join(newsRoot, story, f), join(dir, 'news', f));
    const report = buildReport(await scanPaths([dir], { workers: 1 }));
    const paWords = paFiles.map((f) => words(readFileSync(join(paRoot, story, f), 'latin1')));
    const pa8 = paWords.map((w) => ngrams(w, 8));
    const pa3 = paWords.map((w) => ngrams(w, 3));
    for (const f of newsFiles) {
      const label = labels.get(`${story}/${f}`);
      if (!label) continue;
      const id = `news/${basename(f, '.txt')}`;
      let coverage = 0;
      let three: Derivation = 'non';
      let derived = false;
      for (const p of report.pairs) {
        if (p.relation === 'related') continue;
        const other = p.source === id ? p.derived : p.derived === id ? p.source : '';
        if (!other.startsWith('PA/')) continue;
        // reprint's own reading of the pair for this paper: derived when the PA text is its
        // source, or when the direction is unsure (derivationOf, UNSURE_DIRECTION)
        const share = derivedShareOf(p, id);
        if (share > 0) {
          derived = true;
          if (share >= coverage) {
            coverage = share;
            three = derivationOf(p, id);
          }
        } else {
          reversed.push(`| ${story}/${f} | ${label} | ${p.derived} | ${p.direction.confidence.toFixed(2)} | ${p.direction.evidence.join('; ')} |`);
        }
      }
      const w = words(readFileSync(join(newsRoot, story, f), 'latin1'));
      const g8 = ngrams(w, 8);
      const g3 = ngrams(w, 3);
      rows.push({
        story: si,
        id: `${story}/${f}`,
        label,
        derived,
        coverage,
        three,
        share8: pa8.some((s) => [...g8].some((g) => s.has(g))),
        tri: Math.max(0, ...pa3.map((s) => containment(g3, s))),
        words: w,
        paWords,
      });
    }
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const seconds = (performance.now() - t0) / 1000;

// ---- measures ----
function f1(pred: boolean[], truth: boolean[]): number {
  let tp = 0, fp = 0, fn = 0;
  pred.forEach((p, i) => {
    if (p && truth[i]) tp++;
    else if (p) fp++;
    else if (truth[i]) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
function binary(pred: boolean[], truth: boolean[]): { macro: number; der: number; non: number } {
  const der = f1(pred, truth);
  const non = f1(pred.map((p) => !p), truth.map((t) => !t));
  return { macro: (der + non) / 2, der, non };
}
/** ROC-AUC: chance that a derived paper scores above a non-derived one (ties count half). */
function auc(score: number[], truth: boolean[]): number {
  let pos = 0, neg = 0, wins = 0;
  score.forEach((s, i) => {
    if (!truth[i]) return;
    pos++;
    score.forEach((t, j) => {
      if (truth[j]) return;
      if (s > t) wins++;
      else if (s === t) wins += 0.5;
    });
  });
  truth.forEach((t) => (t ? 0 : neg++));
  return pos && neg ? wins / (pos * neg) : NaN;
}
function threeWay(pred: Label[], truth: Label[]): number {
  const cls: Label[] = ['wholly', 'partially', 'non'];
  return cls.reduce((s, c) => s + f1(pred.map((p) => p === c), truth.map((t) => t === c)), 0) / 3;
}

// ---- upper reference: a cross-validated logistic regression over word-overlap measures ----
const df = new Map<string, number>(); // documents holding each word, over every text of the run
{
  const seen = new Set<string[]>();
  for (const r of rows)
    for (const w of [r.words, ...r.paWords]) {
      if (seen.has(w)) continue;
      seen.add(w);
      for (const x of new Set(w)) df.set(x, (df.get(x) ?? 0) + 1);
    }
}
const nTexts = Math.max(...df.values(), 1) + 1;
/** idf-weighted share of x's distinct words found in y */
function weighted(x: string[], y: string[]): number {
  const ys = new Set(y);
  let a = 0, b = 0;
  for (const t of new Set(x)) {
    const idf = Math.log(nTexts / (df.get(t) ?? 1));
    b += idf;
    if (ys.has(t)) a += idf;
  }
  return b ? a / b : 0;
}
function features(r: Row): number[] {
  const best = (f: (pa: string[]) => number) => Math.max(0, ...r.paWords.map(f));
  const paper = [1, 2, 3, 5].map((n) => ngrams(r.words, n));
  return [
    ...[1, 2, 3, 5].map((n, k) => best((pa) => containment(paper[k], ngrams(pa, n)))),
    best((pa) => weighted(r.words, pa)), // the paper's (rare) words found in the wire
    best((pa) => weighted(pa, r.words)), // the wire's words used by the paper
    Math.log(1 + r.words.length) / 7,
  ];
}
/** L2-regularised logistic regression by gradient descent on standardised features. */
function fitLogistic(X: number[][], y: number[]): (x: number[]) => number {
  const d = X[0].length;
  const mean = Array.from({ length: d }, (_, k) => X.reduce((s, x) => s + x[k], 0) / X.length);
  const sd = Array.from({ length: d }, (_, k) => Math.sqrt(X.reduce((s, x) => s + (x[k] - mean[k]) ** 2, 0) / X.length) || 1);
  const z = (x: number[]) => x.map((v, k) => (v - mean[k]) / sd[k]);
  const Z = X.map(z);
  const w = new Array(d + 1).fill(0);
  for (let it = 0; it < 2000; it++) {
    const g = new Array(d + 1).fill(0);
    Z.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(w[d] + x.reduce((s, v, k) => s + v * w[k], 0))));
      for (let k = 0; k < d; k++) g[k] += (p - y[i]) * x[k];
      g[d] += p - y[i];
    });
    for (let k = 0; k <= d; k++) w[k] -= 0.5 * (g[k] / Z.length + (k < d ? 0.01 * w[k] : 0));
  }
  return (x) => {
    const v = z(x);
    return w[d] + v.reduce((s, t, k) => s + t * w[k], 0);
  };
}
/** The threshold on `score` with the best macro F1 of `truth` (predicted: score >= threshold). */
function bestThreshold(score: number[], truth: boolean[]): number {
  let best = -Infinity, at = Infinity;
  for (const t of [...new Set(score)]) {
    const m = binary(score.map((s) => s >= t), truth).macro;
    if (m > best) [best, at] = [m, t];
  }
  return at;
}
const FOLDS = 5;
const cv = new Map<Row, { derived: boolean; score: number; three: Label }>();
{
  const X = rows.map(features);
  for (let f = 0; f < FOLDS; f++) {
    const train = rows.map((_, i) => i).filter((i) => rows[i].story % FOLDS !== f);
    const isDerived = train.map((i) => rows[i].label !== 'non');
    const derivedModel = fitLogistic(train.map((i) => X[i]), isDerived.map(Number));
    const derivedAt = bestThreshold(train.map((i) => derivedModel(X[i])), isDerived);
    const der = train.filter((i) => rows[i].label !== 'non');
    const isWholly = der.map((i) => rows[i].label === 'wholly');
    const whollyModel = fitLogistic(der.map((i) => X[i]), isWholly.map(Number));
    const whollyAt = bestThreshold(der.map((i) => whollyModel(X[i])), isWholly);
    rows.forEach((r, i) => {
      if (r.story % FOLDS !== f) return;
      const score = derivedModel(X[i]);
      const derived = score >= derivedAt;
      cv.set(r, { derived, score, three: !derived ? 'non' : whollyModel(X[i]) >= whollyAt ? 'wholly' : 'partially' });
    });
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
const halves: [string, Row[]][] = [
  ['all', rows],
  ['even', rows.filter((r) => r.story % 2 === 0)],
  ['odd', rows.filter((r) => r.story % 2 === 1)],
];
console.log(`METER ${domain}: ${stories.length} stories, ${rows.length} labelled papers ` +
  `(${rows.filter((r) => r.label === 'wholly').length} wholly, ${rows.filter((r) => r.label === 'partially').length} partially, ` +
  `${rows.filter((r) => r.label === 'non').length} non-derived); scanned in ${seconds.toFixed(1)} s`);
console.log('');
console.log('| method | half | papers | macro F1 | F1 derived | F1 non | AUC | 3-way F1 |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const [name, rs] of halves) {
  const truth = rs.map((r) => r.label !== 'non');
  const r = binary(rs.map((x) => x.derived), truth);
  console.log(`| reprint | ${name} | ${rs.length} | ${fmt(r.macro)} | ${fmt(r.der)} | ${fmt(r.non)} | ${fmt(auc(rs.map((x) => x.coverage), truth))} | ${fmt(threeWay(rs.map((x) => x.three), rs.map((x) => x.label)))} |`);
}
for (const [name, rs] of halves) {
  const truth = rs.map((r) => r.label !== 'non');
  const b = binary(rs.map((x) => x.share8), truth);
  console.log(`| shares an 8-gram | ${name} | ${rs.length} | ${fmt(b.macro)} | ${fmt(b.der)} | ${fmt(b.non)} |  -  |  -  |`);
}
for (const [name, rs] of halves) {
  const truth = rs.map((r) => r.label !== 'non');
  console.log(`| trigram containment | ${name} | ${rs.length} |  -  |  -  |  -  | ${fmt(auc(rs.map((x) => x.tri), truth))} |  -  |`);
}
for (const [name, rs] of halves) {
  const truth = rs.map((r) => r.label !== 'non');
  const c = rs.map((r) => cv.get(r)!);
  const b = binary(c.map((x) => x.derived), truth);
  console.log(`| lexical classifier, ${FOLDS}-fold CV (reference) | ${name} | ${rs.length} | ${fmt(b.macro)} | ${fmt(b.der)} | ${fmt(b.non)} | ${fmt(auc(c.map((x) => x.score), truth))} | ${fmt(threeWay(c.map((x) => x.three), rs.map((r) => r.label)))} |`);
}
console.log('');
console.log(`paper -> PA pairs (a paper reported, with confidence, as a PA text's source): ${reversed.length}`);
if (verbose) {
  console.log('');
  console.log('| paper | label | reprint | derivedCoverage | shares an 8-gram | trigram containment |');
  console.log('|---|---|---|---:|---|---:|');
  for (const r of rows) console.log(`| ${r.id} | ${r.label} | ${r.three} | ${fmt(r.coverage)} | ${r.share8 ? 'yes' : 'no'} | ${fmt(r.tri)} |`);
  if (reversed.length) {
    console.log('');
    console.log('| paper reported as a source | label | of PA text | confidence | evidence |');
    console.log('|---|---|---|---:|---|');
    for (const r of reversed) console.log(r);
  }
}
