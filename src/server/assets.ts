// The web app's files, read once at start into memory (TypeScript transpiled with esbuild).
// Requests are answered from this fixed table: no request path ever reaches the file system.

import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';

export interface Asset {
  body: string;
  type: string;
}

/** URL path -> [file under web/, content type]. */
const FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.ts', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
};

let cache: Map<string, Asset> | null = null;

export function webDir(): URL {
  return new URL('../../web/', import.meta.url);
}

export function loadAssets(dir: URL = webDir()): Map<string, Asset> {
  if (cache && dir.href === webDir().href) return cache;
  const out = new Map<string, Asset>();
  for (const [path, [file, type]] of Object.entries(FILES)) {
    let body = readFileSync(new URL(file, dir), 'utf8');
    if (file.endsWith('.ts')) body = transformSync(body, { loader: 'ts', format: 'esm', target: 'es2020', sourcefile: file }).code;
    out.set(path, { body, type });
  }
  if (dir.href === webDir().href) cache = out;
  return out;
}
