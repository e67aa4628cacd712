// Change analysis against planted ground truth: precision and recall per kind.
//
//   npx tsx bench/changes.ts [N=330] [--seed 7] [--base bbc|reuters21578] [--out DIR]
//
// Generates N originals and N copies (bench/lib/changes-gen.ts: each copy plants one change, or
// is byte-identical), scans them with the engine, and scores the pairs' `changes` (report.json
// spans): a reported change is right when the copy planted that kind there (its span overlaps
// the planted one); a planted change is found when such a change is reported. Precision is over
// the planted pairs (changes on byte-identical copies count against it); changes on pairs that
// were not planted (originals that happen to share text) are counted apart.
// With --out, writes corpus.jsonl and truth.jsonl there too.

import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Chain, trainingTexts } from './lib/gen.ts';
import { generateChanges, type PlantedTruth } from './lib/changes-gen.ts';
import { Engine } from '../src/engine.ts';
import { buildReport } from '../src/report/json.ts';
import { CHANGE_KINDS } from '../src/relate/changes.ts';
import type { Span } from '../src/types.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string', default: '7' }, base: { type: 'string', default: 'bbc' }, out: { type: 'string' } },
});
const n = Number(positionals[0] ?? 330);
const base = fileURLToPath(new URL(`../../shared/data/${values.base}/`, import.meta.url));

const t0 = performance.now();
const chain = new Chain(await trainingTexts(base));
const corpus = generateChanges(chain, n, Number(values.seed));
if (values.out) {
  await mkdir(values.out, { recursive: true });
  await writeFile(join(values.out, 'corpus.jsonl'), corpus.docs.map((d) => JSON.stringify({ id: d.id, text: d.text, date: d.date })).join('\n') + '\n');
  await writeFile(join(values.out, 'truth.jsonl'), corpus.truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
}
const t1 = performance.now();
const engine = new Engine();
await engine.add(corpus.docs.map((d) => ({ id: d.id, path: d.id, text: d.text, meta: { published: d.date } })));
const result = await engine.scan();
const report = buildReport(result);
const t2 = performance.now();

const overlaps = (a: Span | null | undefined, b: Span | undefined) => !!a && !!b && a[0] < b[1] && b[0] < a[1];
const truthOf = new Map<string, PlantedTruth>(corpus.truth.map((t) => [`${t.source}\u0000${t.derived}`, t]));
const kinds = [...CHANGE_KINDS];
const stat = new Map(kinds.map((k) => [k, { planted: 0, found: 0, reported: 0, right: 0 }]));
let identicalPairs = 0;
let identicalChanges = 0;
let plantedPairsFound = 0;
let unplantedChanges = 0;
for (const t of corpus.truth) for (const e of t.expect) stat.get(e.kind as (typeof kinds)[number])!.planted++;
const seen = new Set<string>();
for (const p of report.pairs) {
  if (p.relation === 'related') continue;
  const t = truthOf.get(`${p.source}\u0000${p.derived}`);
  const changes = p.changes ?? [];
  if (!t) {
    unplantedChanges += changes.length;
    continue;
  }
  seen.add(`${t.source}\u0000${t.derived}`);
  plantedPairsFound++;
  if (t.planted === 'identical') {
    identicalPairs++;
    identicalChanges += changes.length;
  }
  const hit = (c: (typeof changes)[number], e: PlantedTruth['expect'][number]) =>
    c.kind === e.kind && (e.source && c.source ? overlaps(c.source, e.source) : overlaps(c.derived, e.derived));
  for (const c of changes) {
    const s = stat.get(c.kind)!;
    s.reported++;
    if (t.expect.some((e) => hit(c, e))) s.right++;
  }
  for (const e of t.expect) if (changes.some((c) => hit(c, e))) stat.get(e.kind as (typeof kinds)[number])!.found++;
}
const f = (x: number, d: number) => (d ? (x / d).toFixed(3) : '–');
console.log(`| kind | planted | found | recall | reported | right | precision |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|`);
let P = 0, F = 0, R = 0, G = 0;
for (const k of kinds) {
  const s = stat.get(k)!;
  P += s.planted;
  F += s.found;
  R += s.reported;
  G += s.right;
  console.log(`| ${k} | ${s.planted} | ${s.found} | ${f(s.found, s.planted)} | ${s.reported} | ${s.right} | ${f(s.right, s.reported)} |`);
}
console.log(`| all | ${P} | ${F} | ${f(F, P)} | ${R} | ${G} | ${f(G, R)} |`);
console.log();
console.log(`| documents | planted pairs | planted pairs found | byte-identical copies found | changes on byte-identical copies | changes on unplanted pairs | generate s | scan s |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|`);
console.log(
  `| ${corpus.docs.length} | ${corpus.truth.length} | ${plantedPairsFound} | ${identicalPairs} of ${corpus.truth.filter((t) => t.planted === 'identical').length} | ${identicalChanges} | ${unplantedChanges} | ${((t1 - t0) / 1000).toFixed(1)} | ${((t2 - t1) / 1000).toFixed(1)} |`,
);
await engine.close();
