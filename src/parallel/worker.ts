// Worker thread: runs the engine's pure stage functions on the batches the pool sends.

import { parentPort } from 'node:worker_threads';
import type { Source, Span } from '../types.ts';
import { cleanOne, fingerprintText, indexText, relateBatch, type BatchDoc, type StageOptions } from '../engine.ts';
import type { RelateOptions } from '../relate/index.ts';
import { packDoc } from '../store/codec.ts';
import { lineKeys } from '../clean/boilerplate.ts';

type Msg = { id: number; task: string; payload: unknown };

const tasks: Record<string, (payload: any) => unknown> = {
  // documents travel back with their offset maps coded (an identity map is nothing)
  clean: (sources: Source[]) =>
    sources.map((s) => {
      const { doc, problems } = cleanOne(s);
      return { doc: doc && packDoc(doc), lines: doc && lineKeys(doc.text), problems };
    }),
  fingerprint: (p: { docs: { text: string; boilerplate: Span[] }[]; options: StageOptions }) =>
    p.docs.map((d) => fingerprintText(d.text, d.boilerplate, p.options)),
  index: (p: { docs: { text: string; boilerplate: Span[] }[]; options: StageOptions }) =>
    p.docs.map((d) => indexText(d.text, d.boilerplate, p.options)),
  relate: (p: { docs: BatchDoc[]; pairs: Uint32Array; relate: RelateOptions; changes: boolean }) => relateBatch(p.docs, p.pairs, p.relate, p.changes),
};

parentPort!.on('message', (m: Msg) => {
  try {
    const fn = tasks[m.task];
    if (!fn) throw new Error(`unknown task "${m.task}"`);
    parentPort!.postMessage({ id: m.id, ok: true, result: fn(m.payload) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, error: (e as Error).stack ?? String(e) });
  }
});
