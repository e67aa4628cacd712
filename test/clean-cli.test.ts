import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type CliIO } from '../src/cli/clean.ts';

const DATA = new URL('../../shared/data/', import.meta.url);
const seed = (name: string) => new URL(`seeds/${name}.txt`, DATA).pathname;

function io(stdin: Uint8Array = new Uint8Array(0)) {
  const out: string[] = [];
  const err: string[] = [];
  const x: CliIO & { out: () => string; err: () => string } = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    readStdin: async () => stdin,
    out: () => out.join(''),
    err: () => err.join(''),
  };
  return x;
}

/** Slice by code points (the CLI's spans are code points). */
function cpSlice(text: string, [s, e]: number[]): string {
  return [...text].slice(s, e).join('');
}

test('reprint clean 001: the Windows-874 quotes and names are repaired', async () => {
  const x = io();
  assert.equal(await run([seed('001_135ae358964649aa')], x), 0);
  const out = x.out();
  assert.ok(out.includes('“if the request is to assist'));
  assert.ok(out.includes('mayor’s office'));
  assert.ok(out.includes('Patrícia Lélis'));
  for (const bad of ['โ€', 'รฉ', 'รญ']) assert.ok(!out.includes(bad), bad);
});

test('reprint clean --json on the seeds: boilerplate marked as the issue lists', async () => {
  const get = async (name: string) => {
    const x = io();
    assert.equal(await run([seed(name), '--json'], x), 0);
    const j = JSON.parse(x.out());
    assert.deepEqual(Object.keys(j).filter((k) => ['text', 'repairs', 'boilerplate', 'metadata', 'encoding', 'warnings'].includes(k)).sort(), [
      'boilerplate', 'encoding', 'metadata', 'repairs', 'text', 'warnings',
    ]);
    const marked: string[] = j.boilerplate.map((s: number[]) => cpSlice(j.text, s));
    return { j, marked, isMarked: (t: string) => marked.some((m) => m.includes(t)) };
  };
  const a = await get('001_135ae358964649aa');
  assert.ok(a.isMarked('Contact Your Elected Officials'));
  assert.ok(a.isMarked('The Thinking Conservative'));
  assert.ok(a.isMarked('Whistleblower Exposes former A.G. Bill Barr!'));
  assert.ok(a.isMarked('Trump Removes IRS Commissioner Billy Long'));
  assert.ok(!a.isMarked('In an article by Matt Finn'));
  assert.ok(!a.isMarked('if the request is to assist'));
  assert.ok(a.j.repairs.length > 20);
  for (const r of a.j.repairs) assert.equal(cpSlice(a.j.text, r.span), r.after);
  const b = await get('002_b17197541f4d5cfa');
  assert.ok(b.isMarked('We serve immigration clients nationwide'));
  assert.ok(b.isMarked('Godoy Law Office'));
  assert.ok(b.isMarked('Illinois State Bar Association'));
  assert.ok(!b.isMarked('An internal memo from the Chicago Police Department'));
  const c = await get('004_e8a9e5526b8ce0fd');
  for (const t of ['Share', 'Leave a Reply', 'Pin It on Pinterest']) assert.ok(c.isMarked(t), t);
  assert.ok(!c.isMarked('Chicago Mayor Lori Lightfoot has directed'));
  for (const name of ['000_456ad2308a74c503', '003_3eced85e94d749a1']) {
    const d = await get(name);
    assert.ok(!d.isMarked('Chicago'), name);
  }
});

test('usage errors exit 2', async () => {
  for (const args of [[], ['a.txt', 'b.txt'], ['--bogus', 'a.txt'], ['a.txt', '--format', 'pdf']]) {
    const x = io();
    assert.equal(await run(args, x), 2, args.join(' '));
    assert.match(x.err(), /reprint clean: /);
  }
  const h = io();
  assert.equal(await run(['--help'], h), 0);
  assert.match(h.out(), /Usage: reprint clean FILE/);
});

test('a missing file: clear message naming it, exit 1', async () => {
  const x = io();
  assert.equal(await run(['/nonexistent/dir/file.txt'], x), 1);
  assert.match(x.err(), /\/nonexistent\/dir\/file\.txt: cannot read: no such file/);
});

test('invalid UTF-8: message with the byte offset, the rest of the text kept, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprint-clean-'));
  try {
    const p = join(dir, 'bad.txt');
    const good = 'Ünïcödé text that is mostly fine, ';
    writeFileSync(p, Buffer.concat([Buffer.from(good), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(' and more text after the bad bytes. Ça va.')]));
    const x = io();
    assert.equal(await run([p], x), 1);
    assert.match(x.err(), new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid UTF-8 at byte ${Buffer.byteLength(good)}`));
    assert.ok(x.out().startsWith(good + '\ufffd\ufffdA and more text after the bad bytes. Ça va.'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file in a legacy code page without a declaration is detected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprint-clean-'));
  try {
    const p = join(dir, 'cp1251.txt');
    writeFileSync(p, Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0, 0x21])); // "Привет, мир!" in windows-1251
    const x = io();
    await run([p, '--json'], x);
    const j = JSON.parse(x.out());
    assert.equal(j.text, 'Привет, мир!\n'.trim());
    assert.match(j.encoding, /windows-1251 \(detected\)/);
    assert.ok(j.warnings.some((w: string) => w.includes('cp1251.txt') && w.includes('detected windows-1251')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 50 MB single-line file is cleaned whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprint-clean-'));
  try {
    const p = join(dir, 'big.txt');
    const unit = 'The caf\u00c3\u00a9 sold 1,234 cups of coffee today and the owner said business was good. ';
    const fd = openSync(p, 'w');
    let bytes = 0;
    const block = unit.repeat(1000);
    const blockBytes = Buffer.byteLength(block);
    while (bytes < 50 * 1024 * 1024) {
      writeSync(fd, block);
      bytes += blockBytes;
    }
    closeSync(fd);
    let outLen = 0;
    let err = '';
    const x: CliIO = {
      stdout: { write: (s: string) => (outLen += s.length) },
      stderr: { write: (s: string) => (err += s) },
      readStdin: async () => new Uint8Array(0),
    };
    assert.equal(await run([p], x), 0, err);
    const units = bytes / Buffer.byteLength(unit);
    // each "Ã©" became "é": one char shorter per unit, plus the final newline
    assert.equal(outLen, units * (unit.length - 1) + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('standard input: "-"', async () => {
  const x = io(Buffer.from('CafÃ© au lait, sâ€™il vous plaÃ®t.'));
  assert.equal(await run(['-', '--json'], x), 0);
  const j = JSON.parse(x.out());
  assert.equal(j.text, 'Café au lait, s’il vous plaît.');
  assert.equal(j.repairs.length, 3);
  assert.equal(j.repairs[0].kind, 'utf-8 read as windows-1252');
  assert.deepEqual(j.repairs[0].original, [3, 5]);
});

test('an HTML page with no article: warning, visible text, exit 0', async () => {
  const x = io();
  const p = new URL('./fixtures/clean/no-article.html', import.meta.url).pathname;
  assert.equal(await run([p], x), 0);
  assert.match(x.err(), /no-article\.html: no article found in the page; using all its visible text/);
  assert.ok(x.out().includes('Mot de passe oublié ?'));
});

test('an HTML page: metadata in the JSON', async () => {
  const x = io();
  assert.equal(await run([new URL('./fixtures/clean/article.html', import.meta.url).pathname, '--json'], x), 0);
  const j = JSON.parse(x.out());
  assert.equal(j.metadata.title, 'Harbour bridge reopens after two years of repairs');
  assert.equal(j.metadata.author, 'Jane Marlow');
  assert.equal(j.metadata.published, '2024-03-05T09:30:00Z');
  assert.equal(j.metadata.site, 'The Valley Gazette');
  assert.equal(j.metadata.url, 'https://gazette.example/news/harbour-bridge-reopens');
  assert.equal(j.metadata.language, 'en-GB');
});

test('a WARC file: counts on stderr, one document per HTML page; a clipped one exits 1', async () => {
  const x = io();
  assert.equal(await run([new URL('warc/dolma-sample-0001.warc.gz', DATA).pathname, '--json'], x), 0);
  assert.match(x.err(), /34 records, 15 documents, 19 skipped/);
  assert.equal(JSON.parse(x.out()).length, 15);
  const y = io();
  assert.equal(await run([new URL('warc/resiliparse-clipped.warc.gz', DATA).pathname], y), 1);
  assert.match(y.err(), /resiliparse-clipped\.warc\.gz \(record \d+ \(offset \d+\)\): .*truncated/);
});
