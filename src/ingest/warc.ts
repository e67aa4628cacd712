// WARC and WARC.gz reader (ISO 28500): streams records, yields one Source per HTML response.
//
// .gz files are usually one gzip member per record; Node's gunzip reads concatenated members as
// one stream. A truncated gzip or a malformed record is reported as an InputProblem naming the
// record number and its offset (in the uncompressed stream); the reader resynchronises on the
// next "WARC/" header line or stops cleanly at the end of readable data.

import { createReadStream } from 'node:fs';
import { createGunzip, gunzipSync, inflateSync, inflateRawSync, brotliDecompressSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { InputProblem, Source } from '../types.ts';

export interface WarcStats {
  /** WARC records read (all types). */
  records: number;
  /** Records that became documents (HTML responses). */
  documents: number;
  /** Records skipped: not a response, not HTML, or broken. */
  skipped: number;
  /** Problems reported. */
  problems: number;
}

export function newWarcStats(): WarcStats {
  return { records: 0, documents: 0, skipped: 0, problems: 0 };
}

const CRLF2 = Buffer.from('\r\n\r\n');
const LF2 = Buffer.from('\n\n');
const WARC_MAGIC = Buffer.from('WARC/');

/** A stable, readable id for a URL: host + path slug + short hash. */
export function idFromUrl(url: string): string {
  const h = createHash('sha1').update(url).digest('hex').slice(0, 8);
  let slug = url;
  try {
    const u = new URL(url);
    slug = u.hostname.replace(/^www\./, '') + u.pathname;
  } catch {
    // not a URL: slug the raw string
  }
  slug = slug
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'doc'}-${h}`;
}

function parseHeaders(block: string): Map<string, string> {
  const h = new Map<string, string>();
  let last = '';
  for (const line of block.split(/\r?\n/)) {
    if (!line) continue;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      h.set(last, h.get(last) + ' ' + line.trim());
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    h.set(last, h.has(last) ? h.get(last) + ', ' + v : v);
  }
  return h;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const nl = body.indexOf('\n', i);
    if (nl < 0) break;
    const size = parseInt(body.subarray(i, nl).toString('latin1').trim().split(';')[0], 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    if (size === 0) break;
    const start = nl + 1;
    if (start + size > body.length) throw new Error('truncated chunk');
    parts.push(body.subarray(start, start + size));
    i = start + size;
    if (body[i] === 13) i++;
    if (body[i] === 10) i++;
  }
  return Buffer.concat(parts);
}

interface HttpPayload {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

function parseHttp(block: Buffer): HttpPayload | null {
  let end = block.indexOf(CRLF2);
  let sep = 4;
  const lfEnd = block.indexOf(LF2);
  if (end < 0 || (lfEnd >= 0 && lfEnd < end)) {
    end = lfEnd;
    sep = 2;
  }
  if (end < 0) return null;
  const head = block.subarray(0, end).toString('latin1');
  const nl = head.indexOf('\n');
  const statusLine = nl < 0 ? head : head.slice(0, nl);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  if (!m) return null;
  return { status: +m[1], headers: parseHeaders(nl < 0 ? '' : head.slice(nl + 1)), body: block.subarray(end + sep) };
}

function charsetOf(contentType: string | undefined): string | undefined {
  const m = contentType ? /charset\s*=\s*["']?([^"';,\s]+)/i.exec(contentType) : null;
  return m ? m[1] : undefined;
}

/** Async iterator of raw (decompressed) chunks of a file. */
async function* chunks(path: string, gz: boolean): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  const stream = gz ? file.pipe(createGunzip()) : file;
  if (gz) file.on('error', (e) => stream.destroy(e));
  for await (const c of stream) yield c as Buffer;
}

/**
 * Read a .warc or .warc.gz file. Yields one Source per HTTP response whose payload is HTML.
 * Problems go to `onProblem`; counts go to `stats` when given.
 */
export async function* readWarc(
  path: string,
  onProblem: (p: InputProblem) => void,
  stats: WarcStats = newWarcStats(),
): AsyncGenerator<Source> {
  const gz = /\.gz$/i.test(path);
  let buf: Buffer = Buffer.alloc(0);
  let base = 0; // stream offset of buf[0]
  let record = 0;
  let eof = false;
  let streamError: string | null = null;
  const seen = new Set<string>();
  const it = chunks(path, gz);
  const problem = (where: string, reason: string) => {
    stats.problems++;
    onProblem({ input: path, where, reason });
  };
  /** Ensure buf holds at least n bytes (or all that is left). */
  const fill = async (n: number): Promise<void> => {
    const parts: Buffer[] = [buf];
    let have = buf.length;
    while (have < n && !eof) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        eof = true;
        const msg = (e as Error).message || String(e);
        // Reported by the record being read (or at the end), once.
        streamError = `${gz ? 'the gzip stream is damaged or truncated' : 'the file cannot be read'} (${msg}) at offset ${base + have}`;
        break;
      }
      if (r.done) {
        eof = true;
        break;
      }
      parts.push(r.value);
      have += r.value.length;
    }
    if (parts.length > 1) buf = Buffer.concat(parts, have);
  };
  const consume = (n: number) => {
    buf = buf.subarray(n);
    base += n;
  };
  while (true) {
    // Skip blank lines between records.
    await fill(4096);
    let k = 0;
    while (k < buf.length && (buf[k] === 13 || buf[k] === 10)) k++;
    consume(k);
    if (buf.length === 0) {
      await fill(1);
      if (buf.length === 0) {
        if (streamError) problem(`after record ${record} (offset ${base})`, `${streamError}; stopped reading`);
        break;
      }
      continue;
    }
    const offset = base;
    // Find the end of the WARC header block.
    let hEnd = buf.indexOf(CRLF2);
    while (hEnd < 0 && !eof && buf.length < 1 << 20) {
      await fill(buf.length + 65536);
      hEnd = buf.indexOf(CRLF2);
    }
    record++;
    stats.records++;
    const where = `record ${record} (offset ${offset})`;
    if (!buf.subarray(0, 5).equals(WARC_MAGIC) || hEnd < 0) {
      stats.skipped++;
      problem(
        where,
        hEnd < 0 && eof
          ? `record header is incomplete${streamError ? ` (${streamError})` : ' (file truncated)'}; stopped reading`
          : 'not a WARC record header; skipped to the next record',
      );
      if (hEnd < 0 && eof) streamError = null;
      // Resync on the next "WARC/" at a line start.
      let next = -1;
      while (next < 0) {
        let from = 1;
        while (true) {
          const j = buf.indexOf(WARC_MAGIC, from);
          if (j < 0) break;
          if (buf[j - 1] === 10) {
            next = j;
            break;
          }
          from = j + 1;
        }
        if (next >= 0 || eof) break;
        // keep the tail in case the magic straddles chunks
        const keep = Math.max(0, buf.length - 8);
        consume(keep);
        await fill(buf.length + 65536);
      }
      if (next < 0) break;
      consume(next);
      continue;
    }
    const headers = parseHeaders(buf.subarray(0, hEnd).toString('utf8'));
    const len = Number(headers.get('content-length'));
    if (!Number.isFinite(len) || len < 0) {
      stats.skipped++;
      problem(where, 'WARC record has no valid Content-Length; skipped');
      consume(hEnd + 4);
      continue;
    }
    const total = hEnd + 4 + len;
    await fill(total);
    if (buf.length < total) {
      stats.skipped++;
      problem(
        where,
        `record is truncated: ${buf.length - hEnd - 4} of ${len} content bytes present${streamError ? `; ${streamError}` : ''}; stopped reading`,
      );
      streamError = null;
      break;
    }
    const block = buf.subarray(hEnd + 4, total);
    consume(total);
    const type = (headers.get('warc-type') ?? '').toLowerCase();
    const ctype = (headers.get('content-type') ?? '').toLowerCase();
    if (type !== 'response' || !ctype.startsWith('application/http')) {
      stats.skipped++;
      continue;
    }
    const http = parseHttp(block);
    if (!http) {
      stats.skipped++;
      problem(where, 'response record does not hold a parsable HTTP response; skipped');
      continue;
    }
    const pct = http.headers.get('content-type') ?? '';
    let body = http.body;
    try {
      if (/chunked/i.test(http.headers.get('transfer-encoding') ?? '')) body = dechunk(body);
      const ce = (http.headers.get('content-encoding') ?? '').toLowerCase().trim();
      if (ce === 'gzip' || ce === 'x-gzip') body = gunzipSync(body);
      else if (ce === 'deflate') {
        try {
          body = inflateSync(body);
        } catch {
          body = inflateRawSync(body);
        }
      } else if (ce === 'br') body = brotliDecompressSync(body);
    } catch (e) {
      stats.skipped++;
      problem(where, `cannot decode the HTTP body (${(e as Error).message}); skipped`);
      continue;
    }
    const isHtml = /text\/html|application\/xhtml/i.test(pct) || (!pct && /^\s*<(!doctype html|html)/i.test(body.subarray(0, 512).toString('latin1')));
    if (!isHtml || http.status < 200 || http.status >= 300 || body.length === 0) {
      stats.skipped++;
      continue;
    }
    let url = (headers.get('warc-target-uri') ?? '').trim();
    if (url.startsWith('<') && url.endsWith('>')) url = url.slice(1, -1);
    const meta: Source['meta'] = {};
    if (url) meta.url = url;
    const date = headers.get('warc-date');
    if (date) meta.crawled = date;
    stats.documents++;
    let id = url ? idFromUrl(url) : `${path.replace(/^.*\//, '')}-${record}`;
    if (seen.has(id)) id = `${id}-r${record}`; // the same URL fetched twice
    seen.add(id);
    const src: Source = {
      id,
      path: `${path}#${record}`,
      bytes: new Uint8Array(body),
      format: 'html',
      meta,
    };
    const cs = charsetOf(pct);
    if (cs) src.charset = cs;
    yield src;
  }
}
