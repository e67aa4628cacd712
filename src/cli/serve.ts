// reprint serve [PATH...] [--db FILE] [--port 8080] [--host 127.0.0.1] [--token T]

import { parse, printProblem } from './args.ts';
import { UsageError } from './main.ts';
import { readSources } from '../ingest/index.ts';
import { serve } from '../server/index.ts';
import { Engine } from '../engine.ts';
import { openServerStore } from '../server/store.ts';
import { count } from '../report/words.ts';

const HELP = `Usage: reprint serve [PATH...] [--db FILE] [--port 8080] [--host 127.0.0.1] [--token TOKEN]

Serves the web app and the JSON API (described at /api/openapi.json) over one index.
Documents under PATH... are added at start; more can be added through the API or the web app.

  --db FILE        persistent index (DuckDB file, or clickhouse://HOST:PORT/DB); in memory when absent
  --port N         port to listen on (default 8080; 0 picks a free one)
  --host HOST      address to bind (default 127.0.0.1). Any other than loopback needs a token
  --token TOKEN    bearer token required for writes (or set REPRINT_TOKEN)
  --max-body MB    largest request body (default 10)`;

export async function run(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      db: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'max-body': { type: 'string', default: '10' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (!/^\d+$/.test(values.port!) || Number(values.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const maxMb = Number(values['max-body']);
  if (!Number.isFinite(maxMb) || maxMb <= 0) throw new UsageError(`--max-body must be a positive number of megabytes, not "${values['max-body']}"`);
  const token = values.token ?? (process.env.REPRINT_TOKEN || undefined);

  const engine = new Engine({ store: await openServerStore(values.db), onProblem: printProblem });
  if (positionals.length) {
    const n = await engine.add(readSources(positionals, (p) => engine.report(p)));
    process.stderr.write(`reprint serve: added ${n} document${n === 1 ? '' : 's'}\n`);
  }
  let running;
  try {
    running = await serve({ engine, port: Number(values.port), host: values.host, token, maxBodyBytes: Math.round(maxMb * 1048576) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    await engine.close();
    if (err.code === 'EADDRINUSE') throw new UsageError(`port ${values.port} is in use; pick another with --port`);
    if (/needs a token/.test(err.message)) throw new UsageError(err.message);
    throw e;
  }
  process.stderr.write(
    `reprint serve: ${count(await engine.store.size(), 'document')}; listening on ${running.url}/ (API: ${running.url}/api/openapi.json)${token ? '; writes need the token' : ''}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  await engine.close();
  return 0;
}
