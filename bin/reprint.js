#!/usr/bin/env node
// Runs the TypeScript sources, so `npx reprint` works right after `npm install`.
//
// Start-up: loading the sources through tsx's module hooks costs about 0.15-0.2 s before a
// command does any work (every module is a round trip to the hooks thread). So the CLI runs from
// a bundle of src/ that esbuild (the transpiler tsx uses) builds on the first run and keeps in
// .cache/cli/KEY/, KEY naming the sources' paths, sizes and modification times and the Node
// version: an edited source gives a new bundle. One chunk per command (they are imported
// lazily), npm packages stay outside it, and `import.meta.url` keeps naming each source file, so
// the web assets, the worker threads (which load the sources through tsx) and linkedom resolve as
// before. When the bundle cannot be built or written, or REPRINT_TSX=1, tsx runs the sources.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

async function bundledMain() {
  if (process.env.REPRINT_TSX === '1') return null;
  const src = join(root, 'src');
  const h = createHash('sha1').update(process.version);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const s = statSync(p);
        h.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(src);
  const cache = join(root, '.cache', 'cli');
  const dir = join(cache, h.digest('hex').slice(0, 16));
  const entry = join(dir, 'main.js');
  if (!existsSync(entry)) {
    const { build } = await import('esbuild');
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await build({
      entryPoints: { main: join(src, 'cli', 'main.ts'), 'sign-worker': join(src, 'fingerprint', 'sign-worker.ts') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: tmp,
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          name: 'source-urls',
          setup(b) {
            b.onLoad({ filter: /\.ts$/ }, (args) => ({
              contents: readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)),
              loader: 'ts',
            }));
          },
        },
      ],
    });
    // Bundles of older sources go, but the newest few stay an hour (a long-running process, such
    // as `reprint serve`, may still load chunks of one); a bundle built at the same moment by
    // another process wins the rename.
    const old = readdirSync(cache)
      .map((name) => ({ p: join(cache, name), t: statSync(join(cache, name)).mtimeMs }))
      .filter((b) => b.p !== tmp)
      .sort((a, b) => b.t - a.t);
    old.forEach((b, i) => {
      if (i >= 8 || Date.now() - b.t > 3_600_000) rmSync(b.p, { recursive: true, force: true });
    });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (!existsSync(entry)) return null;
  }
  // dedup's signing threads start from the same bundle (sign-worker.js)
  globalThis[Symbol.for('reprint.bundle')] = dir;
  return (await import(pathToFileURL(entry).href)).main;
}

let main = null;
try {
  mkdirSync(join(root, '.cache', 'cli'), { recursive: true });
  main = await bundledMain();
} catch {
  main = null;
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  main = (await import('../src/cli/main.ts')).main;
}
process.exitCode = await main(process.argv.slice(2));
