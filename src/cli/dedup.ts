// reprint dedup IN.jsonl --out KEPT.jsonl : near-duplicate removal (MinHash + LSH).

import { parse, printProblem } from './args.ts';
import { UsageError } from './main.ts';
import { dedupe, type KeepRule } from '../fingerprint/dedup.ts';
import { ProgressBar, inputSize } from './progress.ts';

const HELP = `Usage: reprint dedup IN.jsonl --out KEPT.jsonl [--clusters CLUSTERS.jsonl]
                    [--threshold J] [--keep first|longest|earliest]
       reprint dedup FOLDER|FILE... --out KEPT.jsonl [...]

Removes near-duplicate documents: two documents whose sets of word 5-grams have a Jaccard
similarity of at least J (default 0.8) are duplicates; of each group one is kept.

IN.jsonl (or .jsonl.gz): one document a line, with "text" (or "content", "body"), optional "id"
and "date". KEPT.jsonl gets the kept input lines byte for byte, in input order.
Folders and files (.txt .md .html ...): KEPT.jsonl gets one line per kept document,
{"id", "path", "text"} with the text as read.

  --out FILE        kept documents (required)
  --clusters FILE   one line per group of near-duplicates: {"members": [id, ...], "kept": id}
  --threshold J     Jaccard similarity, 0 < J <= 1 (default 0.8)
  --workers N       threads that sign (default 2 on 2+ cores; for gzip and JSONL over
                    256 MB only when a core is idle; helpers start only for JSONL
                    inputs of 8 MB or more)
  --quiet           no progress output
  --times           also print where the time went (start-up, read, sign, candidates,
                    confirm, write; seconds)
  --keep RULE       which document of a group to keep: first (in input order, default),
                    longest, or earliest ("date" field; undated ones count as latest)`;

export async function run(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      out: { type: 'string' },
      clusters: { type: 'string' },
      threshold: { type: 'string', default: '0.8' },
      keep: { type: 'string', default: 'first' },
      quiet: { type: 'boolean', default: false },
      times: { type: 'boolean', default: false },
      workers: { type: 'string' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (!positionals.length) throw new UsageError(`no input given\n\n${HELP}`);
  if (!values.out) throw new UsageError(`--out KEPT.jsonl is required\n\n${HELP}`);
  const threshold = Number(values.threshold);
  if (!(threshold > 0 && threshold <= 1)) throw new UsageError(`--threshold wants a number in (0, 1], not "${values.threshold}"`);
  const keep = values.keep as KeepRule;
  if (!['first', 'longest', 'earliest'].includes(keep)) throw new UsageError(`--keep wants first, longest or earliest, not "${values.keep}"`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError(`--workers wants a whole number >= 1, not "${values.workers}"`);
  if (positionals.includes('-')) throw new UsageError('dedup reads its input more than once: give a file, not standard input');
  let problems = 0;
  let r;
  const progress = new ProgressBar({ quiet: values.quiet, totalChars: await inputSize(positionals) });
  try {
    r = await dedupe({
      inputs: positionals,
      out: values.out,
      clusters: values.clusters,
      threshold,
      keep,
      workers,
      onProblem: (p) => {
        problems++;
        printProblem(p);
      },
      onProgress: progress.update,
    });
    progress.done();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && err.path) {
      process.stderr.write(`reprint dedup: ${err.path}: no such file or folder\n`);
      return 1;
    }
    if (err.code === 'ENOSPC') {
      process.stderr.write(`reprint dedup: cannot write ${values.out}: the disk is full\n`);
      return 1;
    }
    throw e;
  }
  process.stderr.write(
      `Kept ${thousands(r.kept)} of ${count(r.documents, 'document')} ` +
        `(${count(r.removed, 'near-duplicate')} removed in ${count(r.clusters, 'group')}; ` +
        `Jaccard >= ${threshold}, ${r.bands} bands x ${r.rows} rows) in ${r.seconds.total.toFixed(1)} s.\n`,
    );
  if (values.times) {
    const t = r.seconds;
    const f = (x: number) => x.toFixed(3);
    process.stderr.write(`Times (s): start-up ${f(t.startUp)}, read ${f(t.read)}, sign ${f(t.sign)}, candidates ${f(t.candidates)}, confirm ${f(t.confirm)}, write ${f(t.write)}, total ${f(t.total)}\n`);
  }
  return problems ? 1 : 0;
}

/** "1 document", "21,268 documents". */
function count(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** 21268 -> "21,268" (toLocaleString loads ICU number formatting: about 15 ms of start-up). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
