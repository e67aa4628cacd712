// minhashText's signatures from sign.wasm (built from sign.wat): the same values, in about 40%
// of the time of the JavaScript loop on dedup's hot path (BBC + Reuters: 70 ms against 190 ms).
// A text is written into the module's memory as UTF-16 code units; the code-unit table is
// filled on first sight of each unit from shingles.ts (`entry`), the probe sequences from
// minhash.ts. Where WebAssembly cannot be loaded, `wasmSigner()` gives null and callers use
// minhashText.

import { readFileSync } from 'node:fs';
import { entry } from './shingles.ts';
import { probeSequences } from './minhash.ts';

const TABLE_BYTES = 65536 * 4;
const FLAGS = TABLE_BYTES; // 256 filled flags, 256 empty slots
const SIG = FLAGS + 512; // up to 256 slots
const START = SIG + 1024; // up to 257 u32
const BINS = START + 1088;

type Sign = (text: number, n: number, k: number, bits: number, words: number, sig: number, start: number, bins: number, flags: number) => number;

export interface WasmSigner {
  /** The signature of `text` (as minhashText(text, k, numPerm)) into out[at ... at + numPerm). */
  signInto(text: string, k: number, numPerm: number, out: Uint32Array, at: number): void;
}

let made: WasmSigner | null | undefined;

/** This thread's signer, or null where sign.wasm cannot be loaded (or REPRINT_WASM=0). */
export function wasmSigner(): WasmSigner | null {
  if (made !== undefined) return made;
  try {
    made = process.env.REPRINT_WASM === '0' ? null : load();
  } catch {
    made = null;
  }
  return made;
}

function load(): WasmSigner {
  const module = new WebAssembly.Module(readFileSync(new URL('./sign.wasm', import.meta.url)));
  const instance = new WebAssembly.Instance(module, { host: { entry } });
  const memory = instance.exports.memory as WebAssembly.Memory;
  const sign = instance.exports.sign as Sign;
  let bytes = Buffer.from(memory.buffer);
  let words = new Uint32Array(memory.buffer);
  new Int32Array(memory.buffer, 0, 65536).fill(-4);
  let slots = 0; // the probe sequences loaded, for this many slots
  let free = BINS; // the first byte after them
  const room = (end: number) => {
    if (end <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    bytes = Buffer.from(memory.buffer);
    words = new Uint32Array(memory.buffer);
  };
  return {
    signInto(text, k, numPerm, out, at) {
      const bits = Math.log2(numPerm);
      if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new Error('sign.wasm: numPerm must be a power of two up to 256');
      if (slots !== numPerm) {
        const { start, bins } = probeSequences(numPerm);
        free = (BINS + bins.length * 2 + 7) & ~7;
        room(free);
        words.set(start, START / 4);
        new Uint16Array(memory.buffer, BINS, bins.length).set(bins);
        slots = numPerm;
      }
      const n = text.length;
      const wordsAt = free;
      const textAt = wordsAt + 4 * (n + 1);
      room(textAt + 2 * n);
      bytes.write(text, textAt, 'utf16le');
      sign(textAt, n, k, bits, wordsAt, SIG, START, BINS, FLAGS);
      out.set(words.subarray(SIG / 4, SIG / 4 + numPerm), at);
    },
  };
}
