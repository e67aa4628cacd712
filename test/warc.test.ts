import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readWarc, newWarcStats, idFromUrl } from '../src/ingest/warc.ts';
import { cleanSource } from '../src/clean/index.ts';
import type { InputProblem, Source } from '../src/types.ts';

const WARC = new URL('../../shared/data/warc/', import.meta.url);

async function readAll(path: string) {
  const problems: InputProblem[] = [];
  const stats = newWarcStats();
  const sources: Source[] = [];
  for await (const s of readWarc(path, (p) => problems.push(p), stats)) sources.push(s);
  return { problems, stats, sources };
}

function checkDocs(sources: Source[]): void {
  const ids = new Set<string>();
  for (const s of sources) {
    assert.equal(s.format, 'html');
    assert.ok(s.bytes && s.bytes.length > 0);
    assert.match(s.meta.url ?? '', /^https?:\/\//);
    assert.match(s.meta.crawled ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.ok(!ids.has(s.id), `duplicate id ${s.id}`);
    ids.add(s.id);
    const d = cleanSource(s);
    assert.ok(d.text.trim().length > 0, `${s.id}: some text`);
    // spans of the clean text map back into the page source
    for (let i = 0; i < d.text.length; i++) {
      const c = d.text[i];
      if (/\s/.test(c)) continue;
      const src = d.original.slice(d.map[i], d.mapEnd![i]);
      const inRepair = d.repairs.some((r) => r.span[0] <= d.map[i] && d.map[i] < r.span[1]);
      assert.ok(src === c || src.startsWith('&') || inRepair, `${s.id}: char ${i}`);
    }
  }
}

test('dolma-sample-0000.warc.gz: HTML responses become documents', async () => {
  const { problems, stats, sources } = await readAll(new URL('dolma-sample-0000.warc.gz', WARC).pathname);
  assert.deepEqual(problems, []);
  assert.deepEqual(stats, { records: 48, documents: 22, skipped: 26, problems: 0 });
  assert.equal(sources.length, 22);
  assert.equal(sources[0].meta.url, 'https://www.semanticscholar.org/research/research-team');
  assert.equal(sources[0].meta.crawled, '2024-04-25T16:24:44Z');
  assert.equal(sources[0].charset, 'utf-8');
  assert.match(sources[0].path, /dolma-sample-0000\.warc\.gz#\d+$/);
  const d = cleanSource(sources[0]);
  assert.equal(d.meta.title, 'Semantic Scholar | Research | Research Team');
  assert.ok(d.text.length > 1000);
  checkDocs(sources);
});

test('dolma-sample-0001.warc.gz', async () => {
  const { problems, stats, sources } = await readAll(new URL('dolma-sample-0001.warc.gz', WARC).pathname);
  assert.deepEqual(problems, []);
  assert.equal(stats.records, 34);
  assert.equal(stats.documents, 15);
  assert.ok(sources.some((s) => s.meta.url === 'https://creativecommons.org/'));
  checkDocs(sources);
});

test('resiliparse-warcfile.warc.gz: a Common Crawl excerpt in many languages', async () => {
  const { problems, stats, sources } = await readAll(new URL('resiliparse-warcfile.warc.gz', WARC).pathname);
  assert.deepEqual(problems, []);
  assert.equal(stats.records, 50);
  assert.equal(stats.documents, 16);
  const ru = sources.find((s) => s.meta.url === 'http://01spb.ru/company/');
  assert.ok(ru);
  assert.ok(cleanSource(ru).text.includes('пожарной безопасности'));
  checkDocs(sources);
});

test('resiliparse-clipped.warc.gz: a clipped file gives a clear problem, no exception', async () => {
  const path = new URL('resiliparse-clipped.warc.gz', WARC).pathname;
  const { problems, stats } = await readAll(path);
  assert.ok(problems.length >= 1);
  for (const p of problems) {
    assert.equal(p.input, path);
    assert.match(p.where ?? '', /^record \d+ \(offset \d+\)$/);
  }
  assert.ok(problems.some((p) => /truncated/.test(p.reason)));
  assert.equal(stats.documents, 0);
});

test('a truncated .warc.gz: the records before the cut are read, then a clear problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprint-warc-'));
  try {
    const full = readFileSync(new URL('dolma-sample-0000.warc.gz', WARC));
    const path = join(dir, 'cut.warc.gz');
    writeFileSync(path, full.subarray(0, Math.floor(full.length * 0.6)));
    const { problems, stats, sources } = await readAll(path);
    assert.ok(sources.length > 3 && sources.length < 22, `${sources.length} documents before the cut`);
    assert.ok(problems.length >= 1);
    assert.ok(problems.some((p) => /damaged or truncated|truncated/.test(p.reason)));
    assert.equal(stats.documents, sources.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function record(type: string, headers: Record<string, string>, block: Buffer): Buffer {
  const h = [`WARC/1.0`, `WARC-Type: ${type}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${block.length}`];
  return Buffer.concat([Buffer.from(h.join('\r\n') + '\r\n\r\n'), block, Buffer.from('\r\n\r\n')]);
}

function httpResponse(headers: string[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(['HTTP/1.1 200 OK', ...headers].join('\r\n') + '\r\n\r\n'), body]);
}

const PAGE = (title: string) =>
  `<html><head><title>${title}</title></head><body><article><p>${title}: a paragraph that is long enough for the article extractor to keep, with more words in it.</p><p>Another paragraph of the same story, again long enough to be kept as part of the article text.</p></article></body></html>`;

test('a WARC with a broken record, chunked and gzip bodies, non-HTML records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprint-warc-'));
  try {
    const chunked = (s: string) => Buffer.from(`${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n`);
    const parts = [
      record('warcinfo', { 'Content-Type': 'application/warc-fields' }, Buffer.from('software: test\r\n')),
      record(
        'response',
        { 'WARC-Target-URI': '<https://a.example/one>', 'WARC-Date': '2024-01-01T00:00:00Z', 'Content-Type': 'application/http;msgtype=response' },
        httpResponse(['Content-Type: text/html; charset=utf-8', 'Transfer-Encoding: chunked'], chunked(PAGE('One'))),
      ),
      Buffer.from('this is not a WARC record\r\nat all\r\n\r\n'),
      record(
        'response',
        { 'WARC-Target-URI': 'https://a.example/logo.png', 'WARC-Date': '2024-01-01T00:00:01Z', 'Content-Type': 'application/http;msgtype=response' },
        httpResponse(['Content-Type: image/png'], Buffer.from([0x89, 0x50, 0x4e, 0x47])),
      ),
      record(
        'response',
        { 'WARC-Target-URI': 'https://b.example/two', 'WARC-Date': '2024-01-01T00:00:02Z', 'Content-Type': 'application/http;msgtype=response' },
        httpResponse(['Content-Type: text/html; charset=windows-1252', 'Content-Encoding: gzip'], gzipSync(Buffer.from(PAGE('Caf\xe9 two'), 'latin1'))),
      ),
      record('request', { 'WARC-Target-URI': 'https://b.example/two', 'Content-Type': 'application/http;msgtype=request' }, Buffer.from('GET /two HTTP/1.1\r\n\r\n')),
    ];
    const path = join(dir, 'test.warc');
    writeFileSync(path, Buffer.concat(parts));
    const { problems, stats, sources } = await readAll(path);
    assert.equal(sources.length, 2);
    assert.equal(stats.documents, 2);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].input, path);
    assert.match(problems[0].where ?? '', /^record 3 \(offset \d+\)$/);
    assert.match(problems[0].reason, /not a WARC record header/);
    assert.equal(stats.records, 6);
    assert.equal(stats.skipped, 4);
    const [one, two] = sources.map(cleanSource);
    assert.ok(one.text.startsWith('One: a paragraph'));
    assert.equal(one.meta.url, 'https://a.example/one');
    assert.equal(two.encoding, 'windows-1252 (declared)');
    assert.ok(two.text.startsWith('Café two: a paragraph'));
    assert.equal(sources[1].meta.crawled, '2024-01-01T00:00:02Z');
    // the same WARC, gzipped one member per record, reads the same
    const gz = join(dir, 'test.warc.gz');
    writeFileSync(gz, Buffer.concat(parts.map((p) => gzipSync(p))));
    const again = await readAll(gz);
    assert.equal(again.sources.length, 2);
    assert.equal(again.problems.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('document ids are stable and readable', () => {
  assert.equal(idFromUrl('https://www.example.com/news/2024/a-story.html'), idFromUrl('https://www.example.com/news/2024/a-story.html'));
  assert.match(idFromUrl('https://www.example.com/news/2024/a-story.html'), /^example-com-news-2024-a-story-html-[0-9a-f]{8}$/);
  assert.notEqual(idFromUrl('https://x.example/a?id=1'), idFromUrl('https://x.example/a?id=2'));
});
