// Bad input: each case names the input and why, the rest of the run completes, and the exit
// code says what happened (0 all well, 1 something skipped, 2 usage error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, symlinkSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SEEDS, tempDir } from './helpers/paths.ts';

function corpus(): string {
  const dir = tempDir('reprint-bad-');
  copyFileSync(join(SEEDS, '000_456ad2308a74c503.txt'), join(dir, 'original.txt'));
  copyFileSync(join(SEEDS, '003_3eced85e94d749a1.txt'), join(dir, 'copy.txt'));
  return dir;
}

function scan(paths: string[]) {
  const out = tempDir('reprint-out-');
  const r = cli(['scan', ...paths, '--out', out, '--json']);
  return { ...r, report: r.stdout ? JSON.parse(r.stdout) : null };
}

test('a clean run exits 0', () => {
  const r = scan([corpus()]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.report.documents.length, 2);
  assert.equal(r.report.pairs.filter((p: { relation: string }) => p.relation !== 'related').length, 1);
});

test('an unreadable file is named, the rest is scanned, exit 1', () => {
  const dir = corpus();
  symlinkSync(join(dir, 'does-not-exist.txt'), join(dir, 'broken-link.txt'));
  const r = scan([dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken-link\.txt.*cannot read/);
  assert.equal(r.report.documents.length, 2);
  assert.equal(r.report.problems.length, 1);
});

test('a binary file is named and skipped, exit 1', () => {
  const dir = corpus();
  writeFileSync(join(dir, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 0, 0]));
  const r = scan([dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /image\.txt: binary file/);
  assert.equal(r.report.documents.length, 2);
});

test('an empty file is named and skipped, exit 1', () => {
  const dir = corpus();
  writeFileSync(join(dir, 'empty.txt'), '');
  const r = scan([dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /empty\.txt: empty file/);
  assert.equal(r.report.documents.length, 2);
});

test('a bad JSONL line is named by line number, the other lines are read, exit 1', () => {
  const dir = tempDir('reprint-jsonl-');
  const a =
    'The river rose overnight and volunteers moved four thousand rare books from the library to a dry hall on the hill, working until dawn. ' +
    'The head librarian said the basement archive, which holds parish records going back three centuries, was sealed before the water arrived, ' +
    'and that the council would decide next week when the building can open again.';
  writeFileSync(
    join(dir, 'docs.jsonl'),
    [
      JSON.stringify({ id: 'a', text: a, date: '2026-01-01' }),
      '{"id": "broken", "text": "unterminated',
      JSON.stringify({ id: 'no-text' }),
      JSON.stringify({ id: 'b', text: 'Copied: ' + a, date: '2026-01-02' }),
    ].join('\n') + '\n',
  );
  const r = scan([join(dir, 'docs.jsonl')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /docs\.jsonl \(line 2\): bad JSON/);
  assert.match(r.stderr, /docs\.jsonl \(line 3\): no "text"/);
  assert.deepEqual(r.report.documents.map((d: { id: string }) => d.id).sort(), ['a', 'b']);
  const p = r.report.pairs.find((p: { relation: string }) => p.relation !== 'related');
  assert.equal(p.source, 'a', 'the earlier date is the source');
  assert.equal(p.derived, 'b');
});

test('a folder with no documents is named, exit 1', () => {
  const dir = tempDir('reprint-none-');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'notes.bin'), 'x');
  const r = scan([dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /folder holds no documents/);
  assert.equal(r.report.documents.length, 0);
});

test('a path that does not exist is named, the other paths are scanned, exit 1', () => {
  const dir = corpus();
  const r = scan([dir, join(dir, 'missing-folder')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing-folder: no such file or folder/);
  assert.equal(r.report.documents.length, 2);
});

test('usage errors exit 2', () => {
  assert.equal(cli(['scan']).status, 2);
  assert.equal(cli(['scan', '--no-such-option', 'x']).status, 2);
  assert.equal(cli(['frobnicate']).status, 2);
  assert.equal(cli([]).status, 2);
  assert.equal(cli(['--help']).status, 0);
});

test('standard input is read with -', () => {
  const text = 'Volunteers worked through the night to carry more than four thousand rare books out of the library after the river burst its banks.';
  const out = tempDir('reprint-out-');
  const r = cli(['scan', '-', '--out', out, '--json'], { input: text });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).documents[0].id, 'stdin');
});
