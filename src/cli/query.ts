// reprint query FILE|- [--db FILE] [--json] : which indexed documents share text with this one?

import { parse, printProblem } from './args.ts';
import { UsageError } from './main.ts';
import { Engine, type TraceResult } from '../engine.ts';
import { readSources } from '../ingest/index.ts';
import { openStore, DEFAULT_DB, StoreError, isClickHouseUrl } from '../store/index.ts';
import { toOriginal } from '../clean/offsets.ts';
import type { Doc, Source, Span } from '../types.ts';
import { existsSync } from 'node:fs';

const HELP = `Usage: reprint query FILE|- [--db FILE] [--json] [--limit N]

Finds the indexed documents that share text with FILE (or standard input), best first, with
their coverage both ways and the aligned passages. Build the index with "reprint index add".

  --db FILE    index file (default: ${DEFAULT_DB}), or clickhouse://HOST:PORT/DB
  --json       print JSON: { sources: [ { id, queryCoverage, sourceCoverage, passages:
               [ { query: [s, e], source: [s, e], kind, similarity } ] } ] }
               (spans in Unicode code points of the original texts)
  --limit N    at most N documents (default 20)`;

export interface QueryJson {
  query: { path: string; chars: number };
  sources: {
    id: string;
    title?: string;
    path?: string;
    queryCoverage: number;
    sourceCoverage: number;
    passages: { query: Span; source: Span; kind: string; similarity: number }[];
  }[];
}

/** The trace result in the JSON shape of `reprint query --json` (spans in original code points). */
export function queryJson(r: TraceResult, docs: Map<string, Doc>): QueryJson {
  const q = r.query.doc;
  return {
    query: { path: q.path, chars: [...q.original].length },
    sources: r.sources.map((s) => {
      const d = docs.get(s.id)!;
      const passages = s.passages
        .map((p) => ({
          query: toOriginal(q, p.derived),
          source: toOriginal(d, p.source),
          kind: p.kind,
          similarity: Math.round(p.similarity * 1000) / 1000,
          weight: (p.derived[1] - p.derived[0]) * p.similarity,
        }))
        .sort((a, b) => b.weight - a.weight)
        .map(({ weight: _w, ...rest }) => rest);
      return {
        id: s.id,
        title: d.meta.title,
        path: d.path,
        queryCoverage: Math.round(s.queryCoverage * 1000) / 1000,
        sourceCoverage: Math.round(s.sourceCoverage * 1000) / 1000,
        passages,
      };
    }),
  };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function excerpt(s: string, max = 90): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function queryText(j: QueryJson, qOriginal: string, docs: Map<string, Doc>): string {
  if (!j.sources.length) return `No indexed document shares text with ${j.query.path}.`;
  const lines: string[] = [];
  const qcp = [...qOriginal];
  j.sources.forEach((s, i) => {
    const d = docs.get(s.id)!;
    const dcp = [...d.original];
    lines.push(`${i + 1}. ${s.id}${s.title ? `  "${excerpt(s.title, 70)}"` : ''}`);
    lines.push(`   ${pct(s.queryCoverage)} of your text appears in ${s.id}, ${pct(s.sourceCoverage)} of ${s.id} appears in your text`);
    for (const p of s.passages.slice(0, 5)) {
      lines.push(
        `   - ${p.kind} (${pct(p.similarity)} same words): yours ${p.query[0]}-${p.query[1]}, theirs ${p.source[0]}-${p.source[1]}: "${excerpt(qcp.slice(p.query[0], p.query[1]).join(''))}"`,
      );
    }
    if (s.passages.length > 5) lines.push(`   … and ${s.passages.length - 5} more passages`);
    void dcp;
  });
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      db: { type: 'string', default: DEFAULT_DB },
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '20' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`give exactly one FILE (or - for standard input)\n\n${HELP}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit wants a positive whole number, not "${values.limit}"`);
  if (!isClickHouseUrl(values.db) && !existsSync(values.db!)) {
    process.stderr.write(`reprint query: no index at ${values.db}; build one with "reprint index add PATH... --db ${values.db}"\n`);
    return 1;
  }
  let store;
  try {
    store = await openStore(values.db!, { readOnly: true });
  } catch (e) {
    if (e instanceof StoreError) {
      process.stderr.write(`reprint query: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const engine = new Engine({ store, onProblem: printProblem });
  let source: Source | undefined;
  for await (const s of readSources(positionals, (p) => engine.report(p))) {
    if (source) {
      process.stderr.write(`reprint query: ${positionals[0]} holds several documents; querying the first (${source.id})\n`);
      break;
    }
    source = s;
  }
  if (!source) {
    await engine.close();
    process.stderr.write(`reprint query: no document could be read from ${positionals[0]}\n`);
    return 1;
  }
  // An empty id: the query is not an indexed document, so an identical indexed one is listed.
  const result = await engine.trace({ ...source, id: '' }, limit);
  const docs = new Map<string, Doc>();
  for (const s of result.sources) docs.set(s.id, s.doc ?? (await engine.doc(s.id))!);
  const j = queryJson(result, docs);
  j.query.path = source.path;
  if (values.json) process.stdout.write(JSON.stringify(j, null, 2) + '\n');
  else process.stdout.write(queryText(j, result.query.doc.original, docs) + '\n');
  await engine.close();
  return engine.problems.length ? 1 : 0;
}
