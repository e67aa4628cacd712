// Worker thread for dedup: the MinHash signatures of batches of texts (see signInParallel in
// dedup.ts). Started from the CLI's bundle (sign-worker.js) or, running from sources, through
// sign-boot.mjs, which registers tsx first.

import { parentPort } from 'node:worker_threads';
import { signature } from './dedup.ts';

parentPort!.on('message', (m: { texts: string[]; k: number; numPerm: number }) => {
  const out = new Uint32Array(m.texts.length * m.numPerm);
  for (let i = 0; i < m.texts.length; i++) out.set(signature(m.texts[i], m.k, m.numPerm), i * m.numPerm);
  parentPort!.postMessage(out, [out.buffer]);
});
