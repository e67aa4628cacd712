// The report folder of `reprint scan`: a scan that reads nothing leaves the last report alone, a
// report is moved into place only when it is complete (kill -9 while writing leaves the old one
// whole), and what the CLI prints reads well (counts, the order of the lines, the usage line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, EXAMPLES, ROOT, SEEDS, tempDir } from './helpers/paths.ts';

/** A folder with a report of the examples in it; returns the folder and the report's bytes. */
function withReport() {
  const cwd = tempDir('reprint-keep-');
  const r = cli(['scan', EXAMPLES, '--quiet'], { cwd });
  assert.equal(r.status, 0, r.stderr);
  const out = join(cwd, 'reprint-report');
  return { cwd, out, json: readFileSync(join(out, 'report.json')), html: readFileSync(join(out, 'index.html')) };
}

function assertUnchanged(k: ReturnType<typeof withReport>) {
  assert.deepEqual(readFileSync(join(k.out, 'report.json')), k.json, 'report.json changed');
  assert.deepEqual(readFileSync(join(k.out, 'index.html')), k.html, 'index.html changed');
}

test('a scan that reads no document leaves the previous report untouched and says so', () => {
  const k = withReport();
  writeFileSync(join(k.cwd, 'empty.txt'), '');
  writeFileSync(join(k.cwd, 'binary.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7, 0, 0]));
  for (const input of ['/nonexistent/reprint-input', 'empty.txt', 'binary.bin']) {
    const r = cli(['scan', input, '--quiet'], { cwd: k.cwd });
    assert.equal(r.status, 1, input);
    assert.match(r.stderr, /no documents could be read; the report in reprint-report was left as it was/, input);
    assertUnchanged(k);
  }
  // Nothing else was written beside it either.
  assert.deepEqual(readdirSync(k.cwd).sort(), ['binary.bin', 'empty.txt', 'reprint-report']);
  // Where there was no report, none is made.
  const r = cli(['scan', 'empty.txt', '--quiet', '--out', 'fresh'], { cwd: k.cwd });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no report written/);
  assert.ok(!existsSync(join(k.cwd, 'fresh')));
});

test('a new report replaces the files it owns and leaves other files in the folder alone', () => {
  const k = withReport();
  writeFileSync(join(k.out, 'notes.txt'), 'mine');
  const dir = join(k.cwd, 'two');
  mkdirSync(dir);
  copyFileSync(join(SEEDS, '000_456ad2308a74c503.txt'), join(dir, 'a.txt'));
  copyFileSync(join(SEEDS, '003_3eced85e94d749a1.txt'), join(dir, 'b.txt'));
  const r = cli(['scan', dir, '--quiet'], { cwd: k.cwd });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(k.out, 'report.json'), 'utf8'));
  assert.deepEqual(report.documents.map((d: { id: string }) => d.id).sort(), ['a', 'b']);
  assert.equal(readFileSync(join(k.out, 'notes.txt'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(k.cwd).sort(), ['reprint-report', 'two']);
});

/** Deterministic words (a small linear congruential generator), so the corpus is the same every run. */
function words(seed: number, n: number): string {
  let x = seed >>> 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push('w' + (x >>> 20).toString(36));
  }
  return out.join(' ');
}

test('kill -9 while the report is written leaves the previous report whole; the next run cleans up', async () => {
  const k = withReport();
  // Enough shared text that writing the report takes a while: 400 articles, each copied twice.
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const text = words(i + 1, 300);
    lines.push(JSON.stringify({ id: `a${i}`, text }), JSON.stringify({ id: `a${i}-copy`, text: 'Reprinted. ' + text }));
    lines.push(JSON.stringify({ id: `a${i}-part`, text: text.split(' ').slice(0, 200).join(' ') + ' ' + words(i + 9999, 80) }));
  }
  const corpus = join(k.cwd, 'big.jsonl');
  writeFileSync(corpus, lines.join('\n') + '\n');

  const child = spawn(process.execPath, [ROOT + 'bin/reprint.js', 'scan', corpus, '--quiet', '--workers', '1'], { cwd: k.cwd, stdio: 'ignore' });
  let partial = '';
  const watcher = watch(k.cwd, (_event, name) => {
    if (!partial && name && String(name).startsWith('.reprint-report.partial-')) {
      partial = String(name);
      child.kill('SIGKILL');
    }
  });
  const status = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  watcher.close();
  assert.ok(partial, 'the scan never began writing its report');
  assert.equal(status, 'SIGKILL', 'the scan ended before it could be killed');
  // It died while writing: its partial folder is still there, and the report is the old one.
  assert.ok(existsSync(join(k.cwd, partial)), 'the scan had already finished writing when it was killed');
  assertUnchanged(k);
  JSON.parse(readFileSync(join(k.out, 'report.json'), 'utf8'));

  // A later run writes its report and removes what the killed run left.
  const r = cli(['scan', join(SEEDS), '--quiet'], { cwd: k.cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(k.cwd, partial)));
  assert.equal(JSON.parse(readFileSync(join(k.out, 'report.json'), 'utf8')).documents.length, 5);
});

test('counts are singular where they are one; the Report line comes after the summary', () => {
  const dir = tempDir('reprint-words-');
  const text = readFileSync(join(SEEDS, '000_456ad2308a74c503.txt'), 'utf8');
  writeFileSync(join(dir, 'a.txt'), text);
  writeFileSync(join(dir, 'b.txt'), text);
  writeFileSync(join(dir, 'c.txt'), 'A short note about the weather in a mountain village, with snow expected on the passes by the weekend and roads closed.');
  // stdout and stderr into one file, in the order they were written.
  const log = join(dir, 'log');
  const fd = openSync(log, 'w');
  const r = cli(['scan', dir, '--quiet', '--out', join(dir, 'out')], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  assert.equal(r.status, 0);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.at(-2), '3 documents, 1 story, 1 pair sharing text (1 duplicate), 1 document shares nothing.');
  assert.equal(lines.at(-1), `Report: ${join(dir, 'out', 'index.html')}`);
  assert.match(lines[0], /^Story 1: ".*"  \(2 documents\)$/);
});

test('reprint scan --help names every option', () => {
  const r = cli(['scan', '--help']);
  assert.equal(r.status, 0);
  const usage = r.stdout.split('\n')[0];
  for (const o of ['--out', '--json', '--no-report', '--db', '--workers', '--quiet']) assert.ok(usage.includes(o), `${o} missing from: ${usage}`);
});
