// `reprint COMMAND ...`: dispatch to one file per command. Exit codes: 0 all went well,
// 1 some input was skipped, 2 usage error.

export const USAGE = `reprint: find where text came from, who reused it, and what they changed.

Usage:
  reprint scan PATH... [--out DIR] [--json] [--db FILE]   trace reuse across documents
  reprint clean FILE [--json]                              show the cleaned text of one document
  reprint index add PATH... [--db FILE]                    add documents to a persistent index
  reprint query FILE|- [--db FILE] [--json]                where did this text come from?
  reprint dedup IN.jsonl --out KEPT.jsonl [...]            near-duplicate removal
  reprint serve [PATH...] [--db FILE] [--port 8080] [--host 127.0.0.1] [--token T]
                                                           web app and HTTP API

--db FILE is a DuckDB file, or clickhouse://HOST:PORT/DB for a ClickHouse server or cluster.
PATH: files or folders (.txt .md .html .jsonl[.gz] .warc[.gz]), or - for standard input.
Run "reprint COMMAND --help" for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  scan: () => import('./scan.ts'),
  clean: () => import('./clean.ts'),
  index: () => import('./index.ts'),
  query: () => import('./query.ts'),
  dedup: () => import('./dedup.ts'),
  serve: () => import('./serve.ts'),
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    (cmd ? process.stdout : process.stderr).write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === '--version') {
    process.stdout.write('reprint 0.1.0\n');
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    process.stderr.write(`reprint: unknown command "${cmd}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`reprint ${cmd}: ${e.message}\n`);
      return 2;
    }
    // an index that cannot be used (DuckDB file, ClickHouse server): the message says it all
    if ((e as Error)?.constructor?.name === 'StoreError') {
      process.stderr.write(`reprint ${cmd}: ${(e as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`reprint ${cmd}: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

/** Thrown for bad arguments: exit code 2. */
export class UsageError extends Error {}
