// A pool of worker threads that run the same stage functions as the main thread (see
// worker.ts), on batches. Parallelism is this wrapper only: the stage code does not know.
//
// Workers load TypeScript sources through tsx (boot.mjs registers it), so the pool works the
// same under `node --import tsx`, `tsx` and `bin/reprint.js`.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export type TaskName = 'clean' | 'fingerprint' | 'index' | 'relate';

interface Job {
  id: number;
  task: TaskName;
  payload: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Number of workers to use for `--workers N` (0 or absent: every core). */
export function defaultWorkers(n?: number): number {
  if (n !== undefined && n > 0) return Math.floor(n);
  return Math.max(1, availableParallelism());
}

export class WorkerPool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: Job[] = [];
  private running = new Map<Worker, Job>();
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    const w = new Worker(new URL('./boot.mjs', import.meta.url), { execArgv: [] });
    w.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const job = this.running.get(w);
      this.running.delete(w);
      if (job) {
        if (m.ok) job.resolve(m.result);
        else job.reject(new Error(m.error ?? 'worker failed'));
      }
      this.idle.push(w);
      this.pump();
    });
    w.on('error', (e) => {
      // A crashed worker fails its job; the pool goes on with a fresh worker.
      const job = this.running.get(w);
      this.running.delete(w);
      this.workers = this.workers.filter((x) => x !== w);
      job?.reject(e);
      if (!this.closed) {
        this.spawn();
        this.pump();
      }
    });
    w.on('exit', (code) => {
      const job = this.running.get(w);
      if (job) {
        this.running.delete(w);
        job.reject(new Error(`worker exited with code ${code}`));
      }
    });
    this.workers.push(w);
    this.idle.push(w);
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      w.postMessage({ id: job.id, task: job.task, payload: job.payload });
    }
  }

  /** Run one task on the next free worker. */
  run<T>(task: TaskName, payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, payload, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue) j.reject(new Error('worker pool closed'));
    this.queue = [];
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.idle = [];
  }
}
