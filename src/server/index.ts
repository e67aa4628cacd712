// `reprint serve`: the web app and JSON API over one engine, listening on a port.

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve as listen } from '@hono/node-server';
import { Engine, type EngineOptions } from '../engine.ts';
import { createApp, type AppOptions } from './app.ts';
import { openServerStore } from './store.ts';

export { createApp, DEFAULT_MAX_BODY, type AppOptions } from './app.ts';
export { Service } from './service.ts';
export { openServerStore } from './store.ts';

export interface ServeOptions extends Omit<AppOptions, 'allowedHosts'> {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Persistent index file; in memory when absent. */
  db?: string;
  /** Use this engine instead of opening one. */
  engine?: Engine;
  engineOptions?: EngineOptions;
}

export interface Running {
  url: string;
  port: number;
  host: string;
  engine: Engine;
  server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Start the server. Refuses to bind beyond loopback without a token. */
export async function serve(opts: ServeOptions = {}): Promise<Running> {
  const host = opts.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  if (!loopback && !opts.token)
    throw new Error(`binding to ${host} (not loopback) needs a token for writes: pass --token or set REPRINT_TOKEN`);
  const engine = opts.engine ?? new Engine({ ...opts.engineOptions, store: await openServerStore(opts.db) });
  const app = createApp(engine, {
    token: opts.token,
    maxBodyBytes: opts.maxBodyBytes,
    web: opts.web,
    // On loopback, only answer requests addressed to loopback names (DNS rebinding).
    allowedHosts: loopback ? ['127.0.0.1', 'localhost', '[::1]', host.toLowerCase()] : undefined,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = listen({ fetch: app.fetch, port: opts.port ?? 8080, hostname: host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    host,
    engine,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }).then(() => (opts.engine ? undefined : engine.close())),
  };
}
