// reprint scan PATH... : trace text reuse across a set of documents.

import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { exitCode, parse, printProblem } from './args.ts';
import { UsageError } from './main.ts';
import { Engine, readSources, type ScanResult } from '../index.ts';
import { writeChunks, writeReportJson } from '../report/json.ts';
import { htmlReportOf } from '../report/html.ts';
import { scanSummary } from '../report/terminal.ts';
import { openStore, StoreError, isClickHouseUrl } from '../store/index.ts';
import { parseWorkers } from './index.ts';
import { ProgressBar, inputSize } from './progress.ts';

const HELP = `Usage: reprint scan PATH... [--out DIR] [--json] [--no-report] [--db FILE|URL] [--workers N] [--share I/N] [--quiet]

Reads every document under the paths, finds the passages they share, tells sources from copies,
groups them into stories and writes a report folder (report.json and index.html). The report
is written beside the folder first and moved into it when complete; a scan that reads no
document leaves the folder as it was.

  --out DIR    report folder (default: reprint-report)
  --json       print report.json to standard output instead of the summary
  --no-report  do not write the report folder
  --db FILE    use (and add the PATHs to) the index file FILE, and report on everything in it;
               with --db, PATH may be left out. FILE may be clickhouse://HOST:PORT/DB
  --workers N  worker threads (default: every core)
  --share I/N  with a ClickHouse --db: this is process I of N sharing the scan (on any machines).
               Process 1 computes the candidate pairs in ClickHouse; each process aligns its own
               units of them and stores their edges; each then reports on all of them. A process
               run again redoes only its unfinished units.
  --quiet      no progress output`;

/** Errors of standard output are seen where it is written (see writeChunks). */
const ignore = () => {};

export async function run(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      out: { type: 'string', default: 'reprint-report' },
      json: { type: 'boolean', default: false },
      'no-report': { type: 'boolean', default: false },
      db: { type: 'string' },
      workers: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      share: { type: 'string' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (!positionals.length && !values.db) throw new UsageError(`no PATH given\n\n${HELP}`);
  const workers = parseWorkers(values.workers);
  let share: { part: number; parts: number; onWait?: (what: string) => void } | undefined;
  if (values.share !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.share);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--share wants I/N with 1 <= I <= N (process I of N), not "${values.share}"`);
    if (!isClickHouseUrl(values.db)) throw new UsageError('--share needs a ClickHouse index: --db clickhouse://HOST:PORT/DB');
    if (positionals.length) throw new UsageError('--share scans what is indexed: add documents first with "reprint index add PATH... --db URL" (one writer at a time)');
    let last = '';
    share = {
      part: Number(m[1]),
      parts: Number(m[2]),
      onWait: (what) => {
        if (!values.quiet && what !== last) process.stderr.write(`reprint scan: ${what}\n`);
        last = what;
      },
    };
  }
  let store;
  try {
    store = await openStore(values.db);
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    process.stderr.write(`reprint scan: ${e.message}\n`);
    return 1;
  }
  const progress = new ProgressBar({ quiet: values.quiet, totalChars: await inputSize(positionals) });
  const engine = new Engine({ store, workers, onProblem: printProblem, onProgress: progress.update, oneShot: true, share });
  let documents: number;
  try {
    if (positionals.length) await engine.add(readSources(positionals, (p) => engine.report(p)));
    const result = await engine.scan();
    progress.done();
    documents = result.stats.documents;
    // The report is streamed (documents and pairs a chunk at a time, read from the store when
    // the scan is above its full-scan limit), so memory stays bounded at any size.
    const out = resolve(values.out!);
    let written: string | null = null;
    if (!values['no-report'] && documents > 0) {
      await writeReportFolder(out, result);
      written = join(out, 'report.json');
    }
    // A reader that stops early (`| head`) ends the output, not the run.
    if (!process.stdout.listeners('error').includes(ignore)) process.stdout.on('error', ignore);
    try {
      if (values.json) {
        // the same text as the file (one `generated` time)
        if (written) await writeChunks(process.stdout, createReadStream(written));
        else await writeReportJson(process.stdout, result);
      } else await writeChunks(process.stdout, [(await scanSummary(result)) + '\n']);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    }
    // After the summary, so that it is the last line a person reads.
    if (written && !values.json) process.stderr.write(`Report: ${join(out, 'index.html')}\n`);
  } finally {
    await engine.close();
  }
  if (documents === 0) {
    const kept = !values['no-report'] && existsSync(join(resolve(values.out!), 'report.json'));
    process.stderr.write(
      `reprint scan: no documents could be read; ${kept ? `the report in ${values.out} was left as it was` : 'no report written'}\n`,
    );
  }
  return exitCode(engine.problems);
}

/** The files of a report folder, in the order they are moved into place. */
const REPORT_FILES = ['index.html', 'report.json'];

/**
 * Write the report into a new folder beside `out` (`.NAME.partial-PID-XXXXXX`), then move each
 * file into `out`. A scan that fails or is killed while writing leaves the previous report
 * whole (and other files in `out` are never touched); the partial folder of a killed run is
 * removed by the next run that writes beside it.
 */
export async function writeReportFolder(out: string, result: ScanResult): Promise<void> {
  const parent = dirname(out);
  const prefix = `.${basename(out)}.partial-`;
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, prefix);
  const tmp = await mkdtemp(join(parent, `${prefix}${process.pid}-`));
  try {
    await writeReportJson(join(tmp, 'report.json'), result);
    await writeFile(join(tmp, 'index.html'), await htmlReportOf(result));
    await mkdir(out, { recursive: true });
    for (const f of REPORT_FILES) await rename(join(tmp, f), join(out, f));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Remove partial report folders left by runs that are no longer alive. */
async function removeAbandoned(parent: string, prefix: string): Promise<void> {
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
