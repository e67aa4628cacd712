// Readers: turn paths (files, folders, .jsonl(.gz), .warc(.gz), "-" for stdin) into a stream of
// `Source` records. A bad input is reported through `onProblem` and skipped; the stream goes on.

import { readdir, stat, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import type { InputProblem, Source } from '../types.ts';
import { readJsonl } from './jsonl.ts';

export type ProblemSink = (p: InputProblem) => void;

const TEXT_EXT = new Set(['.txt', '.md', '.markdown', '.html', '.htm', '.xhtml', '.text']);

/** What kind of input a path is, from its name. */
export function inputKind(path: string): 'jsonl' | 'warc' | 'doc' | null {
  const p = path.toLowerCase();
  if (/\.(jsonl|ndjson)(\.gz)?$/.test(p)) return 'jsonl';
  if (/\.warc(\.gz)?$/.test(p)) return 'warc';
  const ext = extname(p);
  if (TEXT_EXT.has(ext)) return 'doc';
  return null;
}

/**
 * A document id from a file name: the name without its extension. Inside a scanned folder the
 * id is the path relative to that folder ("business/001"), so that equal names in different
 * sub-folders stay apart.
 */
export function idFromPath(path: string, root?: string): string {
  const name = root ? relative(root, path).split(sep).join('/') : basename(path);
  return name.replace(/\.(txt|md|markdown|html?|xhtml|text)$/i, '');
}

function formatOf(path: string): Source['format'] {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm' || ext === '.xhtml') return 'html';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  return 'text';
}

/** Files under a folder, recursively, sorted; hidden entries and node_modules skipped. */
async function* walk(dir: string, onProblem: ProblemSink): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    onProblem({ input: dir, reason: `cannot read folder: ${(e as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = await stat(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (err) {
        if (inputKind(p)) onProblem({ input: p, reason: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'link points to nothing' : (err as Error).message}` });
        continue;
      }
    }
    if (isDir) yield* walk(p, onProblem);
    else if (isFile && inputKind(p)) yield p;
  }
}

/** Bytes that look like a binary file (NUL bytes, or mostly control characters). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) {
      // UTF-16 text has NULs too; a BOM says it is text.
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
      return true;
    }
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.1;
}

export const MAX_DOC_BYTES = 64 * 1024 * 1024;

/** Files of a folder read concurrently ahead of use. */
const READ_AHEAD = 16;

async function readDocFile(path: string, onProblem: ProblemSink, root?: string): Promise<Source | null> {
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (st.size > MAX_DOC_BYTES) {
      onProblem({ input: path, reason: `file is ${(st.size / 1048576).toFixed(0)} MB, over the ${MAX_DOC_BYTES / 1048576} MB limit for one document` });
      return null;
    }
    bytes = await readFile(path);
  } catch (e) {
    onProblem({ input: path, reason: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`.trim() });
    return null;
  }
  if (bytes.length === 0) {
    onProblem({ input: path, reason: 'empty file' });
    return null;
  }
  if (looksBinary(bytes)) {
    onProblem({ input: path, reason: 'binary file, not text' });
    return null;
  }
  return { id: idFromPath(path, root), path, bytes, format: formatOf(path), meta: {} };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Read every document under `paths`. Folders are walked recursively (files with known
 * extensions only); files given by name are read whatever their extension.
 */
export async function* readSources(paths: string[], onProblem: ProblemSink): AsyncGenerator<Source> {
  for (const path of paths) {
    if (path === '-') {
      const bytes = await readStdin();
      if (bytes.length === 0) onProblem({ input: '-', reason: 'standard input is empty' });
      else if (looksBinary(bytes)) onProblem({ input: '-', reason: 'binary data, not text' });
      else yield { id: 'stdin', path: '-', bytes, format: 'text', meta: {} };
      continue;
    }
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      onProblem({ input: path, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
      continue;
    }
    if (st.isDirectory()) {
      let any = false;
      // Plain documents are read a few at a time ahead of use (the file system works while the
      // caller cleans); they are still yielded in folder order.
      const ahead: Promise<Source | null>[] = [];
      for await (const file of walk(path, onProblem)) {
        any = true;
        if (inputKind(file) === 'doc') {
          ahead.push(readDocFile(file, onProblem, path));
          if (ahead.length < READ_AHEAD) continue;
          const s = await ahead.shift()!;
          if (s) yield s;
        } else {
          for (let s = await ahead.shift(); s !== undefined; s = await ahead.shift()) if (s) yield s;
          yield* readOne(file, onProblem, path);
        }
      }
      for (let s = await ahead.shift(); s !== undefined; s = await ahead.shift()) if (s) yield s;
      if (!any) onProblem({ input: path, reason: 'folder holds no documents (.txt .md .html .jsonl .warc, optionally .gz)' });
    } else {
      yield* readOne(path, onProblem);
    }
  }
}

async function* readOne(path: string, onProblem: ProblemSink, root?: string): AsyncGenerator<Source> {
  const kind = inputKind(path);
  if (kind === 'jsonl') yield* readJsonl(path, onProblem);
  else if (kind === 'warc') {
    const { readWarc } = await import('./warc.ts');
    yield* readWarc(path, onProblem);
  }
  else {
    const s = await readDocFile(path, onProblem, root);
    if (s) yield s;
  }
}

