// Builds sign.wasm from sign.wat with wabt (a devDependency): `npm run build:wasm`. The .wasm is
// committed, so that running reprint needs no build step; test/minhash.test.ts checks that it is
// what this script makes of sign.wat.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/** The bytes of sign.wasm as built from sign.wat. */
export async function buildSignWasm() {
  const wabt = await wabtInit();
  const source = readFileSync(fileURLToPath(new URL('./sign.wat', import.meta.url)), 'utf8');
  const mod = wabt.parseWat('sign.wat', source, { bulk_memory: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildSignWasm();
  writeFileSync(fileURLToPath(new URL('./sign.wasm', import.meta.url)), bytes);
  console.log(`sign.wasm: ${bytes.length} bytes`);
}
