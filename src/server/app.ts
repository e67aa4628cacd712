// The HTTP API and the web app on hono. `createApp` gives the app (tests call `app.request()`);
// `serve` in ./index.ts listens on a port.

import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Engine } from '../engine.ts';
import type { InputProblem, Source } from '../types.ts';
import { fromFile, fromJson, fromJsonl, sourceFromApi, type Parsed } from './inputs.ts';
import { NotFound, Service, type ViewMode } from './service.ts';
import { openapi } from './openapi.ts';
import { loadAssets, type Asset } from './assets.ts';

export interface AppOptions {
  /** Bearer token required for writes (POST /api/documents). */
  token?: string;
  /** Largest request body in bytes (default 10 MB); larger ones get 413. */
  maxBodyBytes?: number;
  /** When set, requests whose Host header names another host get 403 (DNS rebinding). */
  allowedHosts?: string[];
  /** Serve the web app (default true). */
  web?: boolean;
}

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const digest = (s: string) => createHash('sha256').update(s).digest();

function int(c: Context, name: string, def: number, min: number, max: number): number | string {
  const v = c.req.query(name);
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v)) return `query parameter "${name}" must be a whole number`;
  const n = Number(v);
  if (n < min || n > max) return `query parameter "${name}" must be between ${min} and ${max}`;
  return n;
}

function viewOf(c: Context): ViewMode | string {
  const v = c.req.query('view');
  if (v === undefined || v === '' || v === 'original') return 'original';
  if (v === 'clean') return 'clean';
  return 'query parameter "view" must be "original" or "clean"';
}

const bad = (c: Context, error: string, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 = 400, extra: object = {}) =>
  c.json({ error, ...extra }, status);

function describe(problems: InputProblem[]): string {
  const first = problems.slice(0, 3).map((p) => `${p.input}${p.where ? ` (${p.where})` : ''}: ${p.reason}`);
  return first.join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}

/** The hono app over one engine. */
export function createApp(engine: Engine, opts: AppOptions = {}): Hono {
  const service = new Service(engine);
  const app = new Hono();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const assets: Map<string, Asset> = opts.web === false ? new Map() : loadAssets();
  const tokenDigest = opts.token ? digest(opts.token) : null;
  const allowed = opts.allowedHosts ? new Set(opts.allowedHosts.map((h) => h.toLowerCase())) : null;

  app.onError((err, c) => {
    if (err instanceof NotFound) return bad(c, err.message, 404);
    console.error(`reprint serve: ${c.req.method} ${c.req.path}: ${err.stack ?? err}`);
    return c.json({ error: `internal error: ${err.message}` }, 500);
  });
  app.notFound((c) => (c.req.path.startsWith('/api/') ? bad(c, `no route ${c.req.method} ${c.req.path}`, 404) : c.text('Not found', 404)));

  // Headers on every answer; Host and Origin checks before anything else.
  app.use('*', async (c, next) => {
    if (allowed) {
      const host = (c.req.header('host') ?? '').toLowerCase().replace(/:\d+$/, '');
      if (host && !allowed.has(host)) return bad(c, `host "${host}" is not served here`, 403);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      if (origin && host && origin !== 'null') {
        let originHost = '';
        try {
          originHost = new URL(origin).host;
        } catch {
          /* unparsable origin: refused below */
        }
        if (originHost.toLowerCase() !== host.toLowerCase()) return bad(c, `cross-origin request from ${origin} refused`, 403);
      } else if (origin === 'null') return bad(c, 'cross-origin request from an opaque origin refused', 403);
    }
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', CSP);
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => bad(c, `request body is over the ${(maxBody / 1048576).toFixed(maxBody % 1048576 ? 1 : 0)} MB limit`, 413),
    }),
  );

  const requireWrite = (c: Context): Response | null => {
    if (!tokenDigest) return null;
    const auth = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (!m) return bad(c, 'this server needs "Authorization: Bearer TOKEN" for writes', 401);
    if (!timingSafeEqual(digest(m[1]), tokenDigest)) return bad(c, 'wrong token', 401);
    return null;
  };

  const contentType = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();

  async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
    const raw = await c.req.text();
    if (raw.trim() === '') return { ok: false, error: 'request body is empty' };
    try {
      return { ok: true, value: JSON.parse(raw) };
    } catch (e) {
      return { ok: false, error: `request body is not valid JSON: ${(e as Error).message}` };
    }
  }

  app.get('/api/health', async (c) => c.json({ ok: true, documents: await service.size() }));
  app.get('/api/openapi.json', (c) => c.json(openapi));

  app.get('/api/documents', async (c) => {
    const offset = int(c, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = int(c, 'limit', 100, 1, 1000);
    if (typeof offset === 'string') return bad(c, offset);
    if (typeof limit === 'string') return bad(c, limit);
    return c.json(await service.documents(offset, limit));
  });

  app.get('/api/documents/:id', async (c) => {
    const view = viewOf(c);
    if (view !== 'original' && view !== 'clean') return bad(c, view);
    return c.json(await service.document(c.req.param('id'), view));
  });

  app.get('/api/documents/:id/pairs', async (c) => c.json(await service.documentPairs(c.req.param('id'))));

  app.post('/api/documents', async (c) => {
    const denied = requireWrite(c);
    if (denied) return denied;
    const type = contentType(c);
    let parsed: Parsed;
    if (type === 'application/json' || type === '') {
      const body = await readJson(c);
      if (!body.ok) return bad(c, body.error);
      parsed = fromJson(body.value);
    } else if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/x-jsonlines') {
      parsed = fromJsonl(await c.req.text(), 'request body');
    } else if (type === 'multipart/form-data') {
      let form: Record<string, unknown>;
      try {
        form = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
      } catch (e) {
        return bad(c, `cannot read multipart body: ${(e as Error).message}`);
      }
      const files: File[] = [];
      for (const v of Object.values(form)) for (const x of Array.isArray(v) ? v : [v]) if (x instanceof File) files.push(x);
      if (!files.length) return bad(c, 'multipart body holds no file (send files in a field named "file")');
      const idField = typeof form.id === 'string' && files.length === 1 ? form.id : undefined;
      parsed = { sources: [], problems: [] };
      for (const f of files) {
        const one = fromFile(f.name, new Uint8Array(await f.arrayBuffer()), idField);
        parsed.sources.push(...one.sources);
        parsed.problems.push(...one.problems);
      }
    } else if (type === 'text/plain') {
      const s = sourceFromApi({ id: c.req.query('id'), text: await c.req.text(), url: c.req.query('url'), title: c.req.query('title'), date: c.req.query('date') }, 'request body', '');
      if (typeof s === 'string') return bad(c, `${s} (text/plain bodies take the id as ?id=)`);
      parsed = { sources: [s], problems: [] };
    } else {
      return bad(c, `unsupported content type "${type}": send application/json, application/x-ndjson, multipart/form-data or text/plain`, 415);
    }
    const result = await service.add(parsed.sources, parsed.problems);
    const documents = await service.size();
    if (result.added.length) return c.json({ ...result, documents }, 201);
    const allDuplicates = result.problems.length > 0 && result.problems.every((p) => /duplicate document id/.test(p.reason)) && parsed.problems.length === 0;
    const error = result.problems.length ? `no document added: ${describe(result.problems)}` : 'no document added';
    return c.json({ error, ...result, documents }, allDuplicates ? 409 : 400);
  });

  app.post('/api/trace', async (c) => {
    const type = contentType(c);
    let text: unknown;
    let limit: unknown = 20;
    let format: unknown;
    let view: unknown = 'original';
    if (type === 'application/json' || type === '') {
      const body = await readJson(c);
      if (!body.ok) return bad(c, body.error);
      const v = body.value;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return bad(c, 'request body must be a JSON object { "text": "..." }');
      const o = v as Record<string, unknown>;
      text = o.text;
      if (o.limit !== undefined) limit = o.limit;
      format = o.format;
      if (o.view !== undefined) view = o.view;
    } else if (type === 'text/plain') {
      text = await c.req.text();
    } else return bad(c, `unsupported content type "${type}": send application/json { "text": "..." } or text/plain`, 415);
    if (typeof text !== 'string') return bad(c, text === undefined ? 'missing "text" (a string)' : '"text" must be a string');
    if (text.trim() === '') return bad(c, '"text" is empty');
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) return bad(c, '"limit" must be a whole number from 1 to 100');
    if (format !== undefined && format !== 'text' && format !== 'markdown' && format !== 'html') return bad(c, '"format" must be "text", "markdown" or "html"');
    if (view !== 'original' && view !== 'clean') return bad(c, '"view" must be "original" or "clean"');
    return c.json(await service.trace(text, { limit, format: format as Source['format'], view }));
  });

  app.get('/api/stories', async (c) => {
    const offset = int(c, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = int(c, 'limit', 1000, 1, 100_000);
    if (typeof offset === 'string') return bad(c, offset);
    if (typeof limit === 'string') return bad(c, limit);
    const all = await service.stories();
    return c.json({ total: all.length, stories: all.slice(offset, offset + limit) });
  });
  app.get('/api/stories/:id', async (c) => c.json(await service.story(c.req.param('id'))));
  app.get('/api/pairs/:source/:derived', async (c) => {
    const view = viewOf(c);
    if (view !== 'original' && view !== 'clean') return bad(c, view);
    return c.json(await service.pair(c.req.param('source'), c.req.param('derived'), view));
  });

  // The web app: a fixed table of files held in memory.
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return bad(c, `no route GET ${c.req.path}`, 404);
    const a = assets.get(c.req.path === '/index.html' ? '/' : c.req.path);
    if (!a) return c.text('Not found', 404);
    c.header('Content-Type', a.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(a.body);
  });

  return app;
}
