// Worker thread for dedup: the MinHash signatures of batches of texts, or of chunks of lines of a
// JSONL file held in shared memory (see Signers in dedup.ts). Started from the CLI's bundle
// (sign-worker.js) or, running from sources, through sign-boot.mjs, which registers tsx first.

import { parentPort } from 'node:worker_threads';
import { signInto, signChunks } from './dedup.ts';

type Job =
  | { texts: string[]; k: number; numPerm: number }
  | { bytes: SharedArrayBuffer; bounds: Uint32Array; cuts: Uint32Array; next: Int32Array; k: number; numPerm: number; sigs: Uint32Array };

parentPort!.on('message', (m: Job) => {
  if ('bytes' in m) {
    const r = signChunks(Buffer.from(m.bytes), m.bounds, m.cuts, m.next, m.k, m.numPerm, m.sigs);
    parentPort!.postMessage(r);
    return;
  }
  const out = new Uint32Array(m.texts.length * m.numPerm);
  for (let i = 0; i < m.texts.length; i++) signInto(m.texts[i], m.k, m.numPerm, out, i * m.numPerm);
  parentPort!.postMessage(out, [out.buffer]);
});
