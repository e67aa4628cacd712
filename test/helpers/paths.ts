// Paths shared by the tests: the repository root and the third-party data beside it.
import { fileURLToPath } from 'node:url';
import { spawnSync, type SpawnSyncReturns, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const SEEDS = DATA + 'seeds/';
export const EXAMPLES = ROOT + 'examples/';

/** Run the real CLI (bin/reprint.js) as a child process. */
export function cli(args: string[], opts: { input?: string | Buffer; cwd?: string; stdio?: StdioOptions } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [ROOT + 'bin/reprint.js', ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    stdio: opts.stdio,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
