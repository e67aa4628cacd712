// Progress on standard error: a redrawn bar on a terminal (documents, MB, docs/s, ETA), a quiet
// line every few seconds otherwise (CI logs).

import type { Progress } from '../engine.ts';

function fmtTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Force terminal (true) or log (false) style; default: whether the stream is a TTY. */
  tty?: boolean;
  /** Seconds between log lines when not on a terminal (default 5, or REPRINT_PROGRESS_EVERY). */
  every?: number;
  /** Expected input size in characters (for the ETA while reading), when known. */
  totalChars?: number;
  /** Print nothing. */
  quiet?: boolean;
}

export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly every: number;
  private readonly t0 = performance.now();
  private phaseStart = performance.now();
  private phase: Progress['phase'] | null = null;
  private lastDraw = 0;
  private lastLog = performance.now();
  private drawn = false;
  totalChars?: number;

  constructor(private readonly o: ProgressOptions = {}) {
    this.stream = o.stream ?? process.stderr;
    this.tty = o.tty ?? !!this.stream.isTTY;
    const env = Number(process.env.REPRINT_PROGRESS_EVERY);
    this.every = (o.every ?? (process.env.REPRINT_PROGRESS_EVERY && env >= 0 ? env : 5)) * 1000;
    this.totalChars = o.totalChars;
  }

  /** The text of one progress line (also used by tests). */
  line(p: Progress, elapsed: number): string {
    if (p.phase === 'add') {
      const mb = (p.chars ?? 0) / 1e6;
      const rate = elapsed > 0 ? p.done / elapsed : 0;
      let s = `reading: ${fmtInt(p.done)} documents, ${mb.toFixed(1)} MB, ${fmtInt(rate)} docs/s`;
      if (this.totalChars && p.chars) {
        const frac = Math.min(1, p.chars / this.totalChars);
        s = `${bar(frac)} ${Math.floor(frac * 100)}% ${s}, ETA ${fmtTime(elapsed * (1 / Math.max(frac, 1e-9) - 1))}`;
      }
      return s;
    }
    const total = p.total ?? 0;
    const frac = total ? p.done / total : 1;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    return `${bar(frac)} ${Math.floor(frac * 100)}% aligning: ${fmtInt(p.done)}/${fmtInt(total)} pairs, ${fmtInt(rate)} pairs/s, ETA ${fmtTime(rate > 0 ? (total - p.done) / rate : NaN)}`;
  }

  update = (p: Progress): void => {
    if (this.o.quiet) return;
    const now = performance.now();
    if (p.phase !== this.phase) {
      if (this.drawn && this.tty) this.stream.write('\n');
      this.drawn = false;
      this.phase = p.phase;
      this.phaseStart = now;
      this.lastDraw = 0;
    }
    const finished = p.total !== undefined && p.done >= p.total;
    if (this.tty) {
      if (now - this.lastDraw < 100 && !finished) return;
      this.stream.write(`\r\x1b[K${this.line(p, (now - this.phaseStart) / 1000)}`);
      this.drawn = true;
    } else {
      // a log line every few seconds; short runs print nothing
      if (now - this.lastLog < this.every) return;
      this.stream.write(this.line(p, (now - this.phaseStart) / 1000) + '\n');
      this.lastLog = now;
    }
    this.lastDraw = now;
  };

  /** End the bar (newline on a terminal). */
  done(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

function bar(frac: number, width = 20): string {
  const f = Math.max(0, Math.min(width, Math.round(frac * width)));
  return `[${'#'.repeat(f)}${'.'.repeat(width - f)}]`;
}

/** Sum of file sizes under the paths (for an ETA); undefined when it cannot be known. */
export async function inputSize(paths: string[]): Promise<number | undefined> {
  const { stat, readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let total = 0;
  const visit = async (p: string, depth: number): Promise<boolean> => {
    if (p === '-' || /\.gz$/i.test(p)) return false;
    let st;
    try {
      st = await stat(p);
    } catch {
      return true;
    }
    if (st.isDirectory()) {
      if (depth > 20) return true;
      let names: string[] = [];
      try {
        names = await readdir(p);
      } catch {
        return true;
      }
      for (const n of names) {
        if (n.startsWith('.') || n === 'node_modules') continue;
        if (!(await visit(join(p, n), depth + 1))) return false;
      }
    } else total += st.size;
    return true;
  };
  for (const p of paths) if (!(await visit(p, 0))) return undefined;
  return total;
}
