// Paths shared by the tests: the repository root and the third-party data beside it.
import { fileURLToPath } from 'node:url';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const SEEDS = DATA + 'seeds/';
export const EXAMPLES = ROOT + 'examples/';

/** Run the real CLI (bin/reprint.js) as a child process. */
export function cli(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [ROOT + 'bin/reprint.js', ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}
