// JSONL reader: one document per line, `{ "id", "text", "url"?, "title"?, "date"?, "site"?, "author"? }`.
// Streams the file (plain or .gz); a bad line is reported with its line number and skipped.

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { InputProblem, Source } from '../types.ts';

export const MAX_LINE_CHARS = 64 * 1024 * 1024;

/** Turn one parsed JSONL object into a Source, or say why not. */
export function sourceFromJson(obj: unknown, input: string, where: string): Source | string {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
  const o = obj as Record<string, unknown>;
  const text = o.text ?? o.content ?? o.body;
  if (typeof text !== 'string') return 'no "text" string field';
  if (text.trim() === '') return 'empty "text"';
  const id = o.id ?? o._id ?? o.doc_id;
  if (id === undefined || id === null || (typeof id !== 'string' && typeof id !== 'number'))
    return 'no "id" string or number field';
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const format = o.format === 'html' || /^\s*<(!doctype|html)/i.test(text) ? 'html' : 'text';
  return {
    id: String(id),
    path: `${input}:${where}`,
    text,
    format,
    meta: {
      url: str(o.url),
      title: str(o.title),
      published: str(o.date) ?? str(o.published),
      site: str(o.site),
      author: str(o.author),
    },
  };
}

export async function* readJsonl(path: string, onProblem: (p: InputProblem) => void): AsyncGenerator<Source> {
  const file = createReadStream(path);
  let stream: Readable = file;
  let streamError: Error | null = null;
  if (path.toLowerCase().endsWith('.gz')) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    stream = file.pipe(gunzip);
  }
  stream.on('error', (e) => (streamError = e));
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  const seen = new Set<string>();
  try {
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      const where = `line ${lineNo}`;
      if (line.length > MAX_LINE_CHARS) {
        onProblem({ input: path, where, reason: `line is over ${MAX_LINE_CHARS / 1048576} M characters` });
        continue;
      }
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        onProblem({ input: path, where, reason: `bad JSON: ${(e as Error).message}` });
        continue;
      }
      const s = sourceFromJson(obj, path, where);
      if (typeof s === 'string') {
        onProblem({ input: path, where, reason: s });
        continue;
      }
      if (seen.has(s.id)) {
        onProblem({ input: path, where, reason: `duplicate id "${s.id}" (first one kept)` });
        continue;
      }
      seen.add(s.id);
      yield s;
    }
  } catch (e) {
    streamError = e as Error;
  }
  if (streamError) {
    const err = streamError as NodeJS.ErrnoException;
    const reason =
      err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)
        ? 'gzip data is truncated (file cut short)'
        : err.code === 'ENOENT'
          ? 'no such file'
          : `cannot read: ${err.message}`;
    onProblem({ input: path, where: `after line ${lineNo}`, reason });
  }
}

/**
 * The lines of a (possibly gzipped) file as raw bytes, without the "\n" (a "\r" before it is
 * kept), so that they can be written back byte for byte. A read error or a truncated .gz is
 * reported after the last whole line.
 */
export async function* rawLines(
  path: string,
  onProblem: (p: InputProblem) => void,
): AsyncGenerator<{ raw: Buffer; lineNo: number }> {
  const file = createReadStream(path);
  let stream: Readable = file;
  if (path.toLowerCase().endsWith('.gz')) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    stream = file.pipe(gunzip);
  }
  let rest: Buffer | null = null;
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        lineNo++;
        yield { raw: buf.subarray(start, nl), lineNo };
        start = nl + 1;
      }
      rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
      if (rest && rest.length > MAX_LINE_CHARS * 2) {
        onProblem({ input: path, where: `line ${lineNo + 1}`, reason: `line is over ${MAX_LINE_CHARS / 1048576} M characters; the rest of the file is skipped` });
        return;
      }
      buf = Buffer.alloc(0);
    }
    if (rest && rest.length) {
      lineNo++;
      yield { raw: rest, lineNo };
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason =
      err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)
        ? 'gzip data is truncated (file cut short)'
        : err.code === 'Z_DATA_ERROR'
          ? `gzip data is damaged (${err.message})`
          : err.code === 'ENOENT'
            ? 'no such file'
            : `cannot read: ${err.message}`;
    onProblem({ input: path, where: `after line ${lineNo}`, reason });
  }
}
