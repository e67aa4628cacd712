// The server on a real socket: binds 127.0.0.1 on a random port, answers HTTP, refuses foreign
// Host headers, and will not bind beyond loopback without a token.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { serve } from '../src/server/index.ts';

function rawGet(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a real server on 127.0.0.1 adds, traces and serves the web app', async () => {
  const running = await serve({ port: 0 });
  try {
    const addr = running.server.address();
    assert.ok(addr && typeof addr === 'object');
    assert.equal(addr.address, '127.0.0.1', 'binds loopback by default');
    assert.ok(running.port > 0);
    assert.equal(running.url, `http://127.0.0.1:${running.port}`);

    const text =
      'The regional railway will run night trains between the two cities from the spring, the operator announced on Monday. ' +
      'Tickets go on sale next week, and sleeper cabins will cost about the same as a hotel room. ' +
      'The company said demand for overnight travel had doubled since the last timetable change.';
    const add = await fetch(running.url + '/api/documents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ id: 'rail', text, url: 'https://rail.example.org/night', date: '2024-03-04' }]),
    });
    assert.equal(add.status, 201);
    assert.deepEqual((await add.json()).added, ['rail']);

    const trace = await fetch(running.url + '/api/trace', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'As reported this morning: ' + text }),
    });
    assert.equal(trace.status, 200);
    const t = (await trace.json()) as { sources: { id: string; queryCoverage: number; passages: { query: number[] }[] }[] };
    assert.equal(t.sources[0].id, 'rail');
    assert.equal(t.sources[0].passages[0].query[0], 'As reported this morning: '.length);

    const page = await fetch(running.url + '/');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /reprint/);

    const bad = await fetch(running.url + '/api/trace', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not valid JSON/);

    // DNS rebinding: a request naming another host is refused; loopback names are served.
    assert.equal((await rawGet(running.port, '/api/health', 'evil.example:80')).status, 403);
    assert.equal((await rawGet(running.port, '/api/health', `localhost:${running.port}`)).status, 200);
  } finally {
    await running.close();
  }
});

test('binding beyond loopback needs a token', async () => {
  await assert.rejects(serve({ port: 0, host: '0.0.0.0' }), /needs a token/);
});

test('with --db the index outlives the server', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'reprint-serve-'));
  const db = join(dir, 'index.duckdb');
  try {
    const first = await serve({ port: 0, db });
    const r = await fetch(first.url + '/api/documents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'kept', text: 'A document that should still be there after a restart of the server.' }),
    });
    assert.equal(r.status, 201);
    await first.close();
    const second = await serve({ port: 0, db });
    try {
      const d = await fetch(second.url + '/api/documents/kept');
      assert.equal(d.status, 200);
      assert.equal(((await d.json()) as { text: string }).text, 'A document that should still be there after a restart of the server.');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reprint serve: bad options are usage errors', async () => {
  const { run } = await import('../src/cli/serve.ts');
  const { UsageError } = await import('../src/cli/main.ts');
  await assert.rejects(run(['--port', 'eighty']), (e: unknown) => e instanceof UsageError && /--port must be a number/.test((e as Error).message));
  await assert.rejects(run(['--max-body', '-1']), (e: unknown) => e instanceof UsageError && /--max-body/.test((e as Error).message));
  delete process.env.REPRINT_TOKEN;
  await assert.rejects(run(['--host', '0.0.0.0', '--port', '0']), (e: unknown) => e instanceof UsageError && /needs a token/.test((e as Error).message));
});
