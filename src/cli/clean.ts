// `reprint clean FILE [--json]`: show what the clean stage makes of one document: the cleaned
// text, the repairs (mojibake, encoding), the boilerplate spans and the metadata.
// FILE may be "-" (standard input), a .txt/.md/.html file, or a .warc/.warc.gz (every HTML
// response in it). Exit codes: 0 ok, 1 some input was damaged or skipped, 2 usage error.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cleanSource } from '../clean/index.ts';
import { codePointIndex, toOriginal } from '../clean/offsets.ts';
import { readWarc, newWarcStats } from '../ingest/warc.ts';
import type { Doc, InputProblem, Source } from '../types.ts';
import { count } from '../report/words.ts';

export const HELP = `Usage: reprint clean FILE [--json] [--format text|markdown|html]

Prints the cleaned text of one document: encoding decoded, mojibake repaired, the main text of
an HTML page. FILE may be - for standard input, or a .warc/.warc.gz file (each HTML page in it).

  --json         print { text, repairs, boilerplate, metadata, encoding, warnings } instead;
                 spans are [start, end) in Unicode code points of the cleaned text
                 (repairs also give "original": the span in the input as decoded)
  --format F     read the input as text, markdown or html (default: from the extension)
  -h, --help     this help`;

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  readStdin: () => Promise<Uint8Array>;
}

async function readAll(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const defaultIO: CliIO = { stdout: process.stdout, stderr: process.stderr, readStdin: readAll };

/** The JSON view of a cleaned document (spans in code points). */
export function docJson(doc: Doc) {
  const cp = codePointIndex(doc.text);
  const ocp = codePointIndex(doc.original);
  let walk = 0;
  return {
    id: doc.id,
    path: doc.path,
    text: doc.text,
    repairs: doc.repairs.map((r) => {
      // the repair's span in the clean text: clean chars whose source lies inside the repair
      // (repairs are sorted, so one forward walk serves them all)
      let s = walk;
      while (s < doc.text.length && doc.map[s] < r.span[0]) s++;
      walk = s;
      let e = s;
      while (e < doc.text.length && doc.map[e] < r.span[1]) e++;
      return {
        span: [cp[s], cp[e]],
        original: [ocp[r.span[0]], ocp[r.span[1]]],
        before: r.before,
        after: r.after,
        kind: r.kind,
      };
    }),
    boilerplate: doc.boilerplate.map(([s, e]) => [cp[s], cp[e]]),
    /** The boilerplate spans in the original text (what a user finds in the file). */
    boilerplateOriginal: doc.boilerplate.map((s) => toOriginal(doc, s)),
    metadata: {
      title: doc.meta.title ?? null,
      author: doc.meta.author ?? null,
      published: doc.meta.published ?? null,
      modified: doc.meta.modified ?? null,
      site: doc.meta.site ?? null,
      url: doc.meta.url ?? null,
      language: doc.meta.language ?? null,
      ...(doc.meta.crawled ? { crawled: doc.meta.crawled } : {}),
    },
    encoding: doc.encoding ?? null,
    warnings: doc.warnings ?? [],
  };
}

function formatProblem(p: InputProblem): string {
  return `reprint clean: ${p.input}${p.where ? ` (${p.where})` : ''}: ${p.reason}`;
}

/** Warnings that mean part of the input was lost (bytes replaced), not mere notes. */
function lossy(doc: Doc): boolean {
  return (doc.warnings ?? []).some((w) => /invalid UTF-8/.test(w));
}

export async function run(args: string[], io: CliIO = defaultIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.stderr.write(`reprint clean: ${(e as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`reprint clean: expected one FILE, got ${positionals.length}\n\n${HELP}\n`);
    return 2;
  }
  const format = values.format as Source['format'] | undefined;
  if (format && !['text', 'markdown', 'html'].includes(format)) {
    io.stderr.write(`reprint clean: --format must be text, markdown or html, not "${format}"\n`);
    return 2;
  }
  const file = positionals[0];
  const problems: InputProblem[] = [];
  const docs: Doc[] = [];
  let isWarc = false;
  if (/\.warc(\.gz)?$/i.test(file) && file !== '-') {
    isWarc = true;
    const stats = newWarcStats();
    try {
      for await (const src of readWarc(file, (p) => problems.push(p), stats)) {
        if (format) src.format = format;
        docs.push(cleanSource(src));
      }
    } catch (e) {
      problems.push({ input: file, reason: `cannot read: ${(e as Error).message}` });
    }
    io.stderr.write(
      `reprint clean: ${file}: ${count(stats.records, 'record')}, ${count(stats.documents, 'document')}, ${stats.skipped} skipped\n`,
    );
  } else {
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await io.readStdin() : readFileSync(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
      problems.push({ input: file, reason: `cannot read: ${why}` });
      for (const p of problems) io.stderr.write(formatProblem(p) + '\n');
      return 1;
    }
    const src: Source = { id: idOf(file), path: file, bytes, meta: {} };
    if (format) src.format = format;
    docs.push(cleanSource(src));
  }
  for (const p of problems) io.stderr.write(formatProblem(p) + '\n');
  for (const d of docs) for (const w of d.warnings ?? []) io.stderr.write(`reprint clean: warning: ${w}\n`);
  if (values.json) {
    const out = isWarc ? docs.map(docJson) : docJson(docs[0]);
    // one line per span pair: [s, e]
    const json = JSON.stringify(out, null, 2).replace(/\[\s+(\d+),\s+(\d+)\s+\]/g, '[$1, $2]');
    io.stdout.write(json + '\n');
  } else if (isWarc) {
    for (const d of docs) io.stdout.write(`=== ${d.id}${d.meta.url ? ` <${d.meta.url}>` : ''}\n${d.text}\n\n`);
  } else {
    const t = docs[0].text;
    io.stdout.write(t.endsWith('\n') || t.length === 0 ? t : t + '\n');
  }
  return problems.length > 0 || docs.some(lossy) ? 1 : 0;
}

function idOf(file: string): string {
  if (file === '-') return 'stdin';
  const base = file.replace(/^.*[\\/]/, '');
  return base.replace(/\.[^.]*$/, '') || base;
}
