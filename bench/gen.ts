// Generate a corpus with planted reuse and its ground truth.
//
//   npx tsx bench/gen.ts [N=10000] [OUT_DIR=/tmp/reprint-gen-N] [--reuse 0.2] [--seed 1] [--base bbc|reuters21578]
//
// Writes OUT_DIR/corpus.jsonl ({id, text}) and OUT_DIR/truth.jsonl ({source, derived, kind}).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './lib/gen.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { reuse: { type: 'string', default: '0.2' }, seed: { type: 'string', default: '1' }, base: { type: 'string', default: 'bbc' } },
});
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
