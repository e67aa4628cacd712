// Generate a corpus with planted reuse and its ground truth.
//
//   npx tsx bench/gen.ts [N=10000] [OUT_DIR=/tmp/reprint-gen-N] [--reuse 0.2] [--seed 1] [--base bbc|reuters21578]
//   npx tsx bench/gen.ts --changes [N=330] [OUT_DIR]      # N originals and N copies with planted changes
//
// Writes OUT_DIR/corpus.jsonl ({id, text}) and OUT_DIR/truth.jsonl ({source, derived, kind}); with
// --changes, {id, text, date} and {source, derived, planted, expect: [{kind, source?, derived?}]}
// (bench/lib/changes-gen.ts; bench/changes.ts scores a scan against it).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { generate, Chain, trainingTexts } from './lib/gen.ts';
import { generateChanges, PLANTED } from './lib/changes-gen.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { reuse: { type: 'string', default: '0.2' }, seed: { type: 'string', default: '1' }, base: { type: 'string', default: 'bbc' }, changes: { type: 'boolean', default: false } },
});
if (values.changes) {
  const n = Number(positionals[0] ?? 330);
  const out = positionals[1] ?? join(tmpdir(), `reprint-changes-${n}`);
  await mkdir(out, { recursive: true });
  const chain = new Chain(await trainingTexts(fileURLToPath(new URL(`../../shared/data/${values.base}/`, import.meta.url))));
  const c = generateChanges(chain, n, Number(values.seed));
  await writeFile(join(out, 'corpus.jsonl'), c.docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  await writeFile(join(out, 'truth.jsonl'), c.truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
  console.log(`| documents | copies | ${PLANTED.join(' | ')} | folder |`);
  console.log(`|---:|---:|${PLANTED.map(() => '---:|').join('')}---|`);
  console.log(`| ${c.docs.length} | ${c.truth.length} | ${PLANTED.map((k) => c.truth.filter((t) => t.planted === k).length).join(' | ')} | ${out} |`);
  process.exit(0);
}
const n = Number(positionals[0] ?? 10000);
const out = positionals[1] ?? join(tmpdir(), `reprint-gen-${n}`);
await mkdir(out, { recursive: true });
const base = fileURLToPath(new URL(`../../shared/data/${values.base}/`, import.meta.url));
const t0 = performance.now();
const r = await generate({ n, reuse: Number(values.reuse), seed: Number(values.seed), base }, join(out, 'corpus.jsonl'), join(out, 'truth.jsonl'));
const s = (performance.now() - t0) / 1000;
console.log(`| documents | MB | planted pairs | exact | partial | edited | boilerplate | seconds | folder |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
console.log(`| ${r.docs} | ${(r.bytes / 1e6).toFixed(1)} | ${r.truth} | ${r.byKind.exact} | ${r.byKind.partial} | ${r.byKind.edited} | ${r.byKind.boilerplate} | ${s.toFixed(1)} | ${out} |`);
