// Argument parsing shared by the commands (node:util parseArgs, with usage errors as exit 2).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './main.ts';
import type { InputProblem } from '../types.ts';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, help: string) {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(help + '\n');
    return null;
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${help}`);
  }
}

/** One line per problem: "reprint: INPUT (WHERE): REASON". */
export function formatProblem(p: InputProblem): string {
  return `reprint: ${p.warning ? 'warning:' : 'skipped'} ${p.input}${p.where ? ` (${p.where})` : ''}: ${p.reason}`;
}

/** Exit code for a run that completed: 1 when some input was skipped, else 0. */
export function exitCode(problems: InputProblem[]): number {
  return problems.some((p) => !p.warning) ? 1 : 0;
}

export function printProblem(p: InputProblem): void {
  process.stderr.write(formatProblem(p) + '\n');
}
