// Request bodies -> `Source` records. Nothing here touches the file system: uploaded file names
// are only used to name documents and to guess their format.

import { gunzipSync } from 'node:zlib';
import type { InputProblem, Source } from '../types.ts';
import { idFromPath, inputKind, looksBinary } from '../ingest/index.ts';

export const MAX_ID_CHARS = 512;
const FORMATS = new Set(['text', 'markdown', 'html']);

/** A document as posted to `POST /api/documents`: `{ id, text, url?, title?, date?, site?, author?, format? }`. */
export function sourceFromApi(obj: unknown, input: string, where: string): Source | string {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object (expected { "id", "text", ... })';
  const o = obj as Record<string, unknown>;
  let id = o.id;
  if (typeof id === 'number' && Number.isFinite(id)) id = String(id);
  if (typeof id !== 'string') return id === undefined ? 'missing "id" (a string)' : '"id" must be a string';
  if (id.trim() === '') return '"id" is empty';
  if (id.length > MAX_ID_CHARS) return `"id" is longer than ${MAX_ID_CHARS} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return '"id" contains control characters';
  if (typeof o.text !== 'string') return o.text === undefined ? 'missing "text" (a string)' : '"text" must be a string';
  if (o.text.trim() === '') return '"text" is empty';
  const meta: Source['meta'] = {};
  for (const [field, key] of [
    ['url', 'url'],
    ['title', 'title'],
    ['site', 'site'],
    ['author', 'author'],
  ] as const) {
    const v = o[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') return `"${field}" must be a string`;
    meta[key] = v;
  }
  const date = o.date ?? o.published;
  if (date !== undefined && date !== null && date !== '') {
    if (typeof date !== 'string') return '"date" must be a string (ISO 8601, e.g. "2019-08-01")';
    if (!/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(date.trim()) || Number.isNaN(Date.parse(date.trim())))
      return `"date" is not an ISO 8601 date: ${JSON.stringify(date.slice(0, 40))}`;
    meta.published = date.trim();
  }
  if (meta.url) {
    try {
      const u = new URL(meta.url);
      if (!meta.site) meta.site = u.hostname.replace(/^www\./, '');
    } catch {
      return `"url" is not a valid URL: ${JSON.stringify(meta.url.slice(0, 80))}`;
    }
  }
  let format: Source['format'];
  if (o.format !== undefined && o.format !== null) {
    if (typeof o.format !== 'string' || !FORMATS.has(o.format)) return '"format" must be "text", "markdown" or "html"';
    format = o.format as Source['format'];
  } else if (/^\s*<(!doctype html|html[\s>])/i.test(o.text)) format = 'html';
  return { id, path: `${input}${where ? ` (${where})` : ''}`, text: o.text, format, meta };
}

export interface Parsed {
  sources: Source[];
  problems: InputProblem[];
}

/** A JSON body: one document object or an array of them. */
export function fromJson(body: unknown, input = 'request body'): Parsed {
  const out: Parsed = { sources: [], problems: [] };
  const items = Array.isArray(body) ? body : [body];
  if (Array.isArray(body) && body.length === 0) out.problems.push({ input, reason: 'empty array: no documents' });
  items.forEach((item, i) => {
    const where = Array.isArray(body) ? `item ${i}` : '';
    const s = sourceFromApi(item, input, where);
    if (typeof s === 'string') out.problems.push({ input, where: where || undefined, reason: s });
    else out.sources.push(s);
  });
  return out;
}

/** JSONL text: one document object per line; a bad line is reported and skipped. */
export function fromJsonl(text: string, input: string): Parsed {
  const out: Parsed = { sources: [], problems: [] };
  const lines = text.split('\n');
  let any = false;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    any = true;
    const where = `line ${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      out.problems.push({ input, where, reason: `bad JSON: ${(e as Error).message}` });
      return;
    }
    const s = sourceFromApi(obj, input, where);
    if (typeof s === 'string') out.problems.push({ input, where, reason: s });
    else out.sources.push(s);
  });
  if (!any) out.problems.push({ input, reason: 'no JSON lines' });
  return out;
}

/** The last path component of an uploaded file name (browsers may send "dir/name.txt"). */
export function baseName(name: string): string {
  const b = name.split(/[\\/]/).pop() ?? '';
  return b.trim();
}

function formatOf(name: string): Source['format'] {
  if (/\.(html?|xhtml)$/i.test(name)) return 'html';
  if (/\.(md|markdown)$/i.test(name)) return 'markdown';
  return undefined;
}

const MAX_GUNZIP = 64 * 1024 * 1024;

/** One uploaded file: a document, or a JSONL batch (.jsonl, .ndjson, optionally .gz). */
export function fromFile(name: string, bytes: Uint8Array, idOverride?: string): Parsed {
  const base = baseName(name) || 'upload';
  const input = `upload "${base}"`;
  const kind = inputKind(base);
  if (bytes.length === 0) return { sources: [], problems: [{ input, reason: 'empty file' }] };
  if (kind === 'warc') return { sources: [], problems: [{ input, reason: 'WARC files are not accepted here; use "reprint index add FILE.warc.gz"' }] };
  if (kind === 'jsonl') {
    let data = bytes;
    if (/\.gz$/i.test(base)) {
      try {
        data = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP });
      } catch (e) {
        return { sources: [], problems: [{ input, reason: `cannot gunzip: ${(e as Error).message}` }] };
      }
    }
    return fromJsonl(new TextDecoder().decode(data), input);
  }
  if (looksBinary(bytes)) return { sources: [], problems: [{ input, reason: 'binary file, not text' }] };
  const id = idOverride ?? idFromPath(base);
  if (!id) return { sources: [], problems: [{ input, reason: 'file name gives no document id' }] };
  return { sources: [{ id, path: input, bytes, format: formatOf(base), meta: {} }], problems: [] };
}
