// reprint index add PATH... [--db FILE] : add documents to the persistent index.
// reprint index info [--db FILE]        : what the index holds.

import { stat } from 'node:fs/promises';
import { parse, printProblem } from './args.ts';
import { UsageError } from './main.ts';
import { Engine } from '../engine.ts';
import { readSources } from '../ingest/index.ts';
import { openStore, DEFAULT_DB, StoreError, DuckDBStore, ClickHouseStore } from '../store/index.ts';
import { defaultWorkers } from '../parallel/pool.ts';
import { ProgressBar, inputSize } from './progress.ts';
import { count } from '../report/words.ts';

const HELP = `Usage: reprint index add PATH... [--db FILE|URL] [--workers N]
       reprint index info [--db FILE|URL]

add   reads every document under the paths, cleans and fingerprints it and adds it to the index
      file. Documents whose id is already indexed are skipped, so an interrupted run can simply
      be run again: it adds what is missing and nothing twice.
info  prints how many documents the index holds.

  --db FILE     index file (default: ${DEFAULT_DB}), or clickhouse://HOST:PORT/DB
                (shards: clickhouse://HOST:PORT,HOST:PORT/DB?cluster=NAME)
  --workers N   worker threads (default: every core)
  --quiet       no progress output
  --batch-size N  documents cleaned and committed together (default 10000); an interrupted run
                keeps every batch committed before it`;

export async function run(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      db: { type: 'string', default: DEFAULT_DB },
      workers: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '10000' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [sub, ...paths] = positionals;
  if (sub !== 'add' && sub !== 'info') throw new UsageError(`expected "add" or "info"\n\n${HELP}`);
  const workers = parseWorkers(values.workers);
  let store;
  try {
    store = await openStore(values.db!);
  } catch (e) {
    if (e instanceof StoreError) {
      process.stderr.write(`reprint index: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (sub === 'info') {
    const n = await store.size();
    const chars = store instanceof DuckDBStore || store instanceof ClickHouseStore ? await store.chars() : 0;
    let bytes = 0;
    if (store instanceof ClickHouseStore) bytes = await store.diskBytes();
    else
      try {
        bytes = (await stat(values.db!)).size;
      } catch {
        /* not written yet */
      }
    const what = store instanceof ClickHouseStore ? 'on disk' : 'file';
    process.stdout.write(`${store instanceof ClickHouseStore ? store.path : values.db}: ${count(n, 'document')}, ${(chars / 1e6).toFixed(1)} M characters, ${what} ${(bytes / 1e6).toFixed(1)} MB\n`);
    await store.close();
    return 0;
  }
  if (!paths.length) throw new UsageError(`no PATH given\n\n${HELP}`);
  const progress = new ProgressBar({ quiet: values.quiet, totalChars: await inputSize(paths) });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size wants a positive whole number, not "${values['batch-size']}"`);
  const engine = new Engine({ store, workers, batchSize, onProblem: printProblem, onProgress: progress.update });
  const before = await store.size();
  let added = 0;
  let failed = false;
  try {
    added = await engine.add(readSources(paths, (p) => engine.report(p)));
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    progress.done();
    process.stderr.write(`reprint index: ${e.message}\nDocuments added before this error are kept; run the command again to add the rest.\n`);
    failed = true;
  }
  progress.done();
  const after = await store.size();
  added = Math.max(added, after - before);
  await engine.close();
  process.stderr.write(
    `${failed ? 'Stopped' : 'Done'}: added ${count(added, 'document')} to ${values.db}` +
      (engine.alreadyStored ? ` (${engine.alreadyStored.toLocaleString('en-US')} already there, skipped)` : '') +
      `; it holds ${after.toLocaleString('en-US')}.\n`,
  );
  return failed || engine.problems.length ? 1 : 0;
}

/** --workers N: a positive integer (default: every core). */
export function parseWorkers(v: string | undefined): number {
  if (v === undefined) return defaultWorkers();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers wants a positive whole number, not "${v}"`);
  return n;
}
