// Real ClickHouse servers for the tests (and benchmarks): Debian's clickhouse-server started as
// plain processes on 127.0.0.1, each with its own config, data folder under a temporary folder
// and free ports, joined in one `remote_servers` cluster so Distributed tables span them.
// Stop them with `stop()` (also done when the process exits).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_SERVER = process.env.CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';
export const CLUSTER = 'reprint_test';

export interface ClickHouseCluster {
  /** The reprint URL for the cluster (database `db`). */
  url(db: string): string;
  /** One URL per shard, single-server (no cluster), for checks on one shard. */
  shardUrl(i: number, db: string): string;
  http: number[];
  tcp: number[];
  dir: string;
  /** Stop shard i (SIGKILL when `hard`), to test a server that went away. */
  kill(i: number, hard?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export function clickhouseAvailable(): boolean {
  return existsSync(CLICKHOUSE_SERVER);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, http: number, tcp: number, cluster: number[]): string {
  const shards = cluster.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>134217728</mark_cache_size>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <max_concurrent_queries>64</max_concurrent_queries>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mlock_executable>false</mlock_executable>
  <remote_servers><${CLUSTER}>${shards}</${CLUSTER}></remote_servers>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return r.ok && (await r.text()).startsWith('Ok');
  } catch {
    return false;
  }
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/**
 * Start `shards` ClickHouse servers forming one cluster; resolves when all answer. `dir`: keep
 * their data there (reused by a later start with the same dir; benchmarks), instead of a fresh
 * temporary folder removed by stop().
 */
export async function startClickHouse(shards = 2, options: { dir?: string } = {}): Promise<ClickHouseCluster> {
  const keep = !!options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'reprint-ch-'));
  const http: number[] = [];
  const tcp: number[] = [];
  for (let i = 0; i < shards; i++) {
    http.push(await freePort());
    tcp.push(await freePort());
  }
  const procs: (ChildProcess | null)[] = [];
  for (let i = 0; i < shards; i++) {
    const d = join(dir, `shard${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.xml'), configXml(d, http[i], tcp[i], tcp));
    writeFileSync(join(d, 'users.xml'), USERS);
    const p = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(d, 'config.xml')}`], { cwd: d, stdio: 'ignore' });
    running.add(p);
    p.on('exit', () => running.delete(p));
    procs.push(p);
  }
  const stopOne = async (i: number, hard = false) => {
    const p = procs[i];
    if (!p) return;
    procs[i] = null;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(hard ? 'SIGKILL' : 'SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  };
  const cluster: ClickHouseCluster = {
    url: (db) => `clickhouse://${http.map((p) => `127.0.0.1:${p}`).join(',')}/${db}?cluster=${CLUSTER}`,
    shardUrl: (i, db) => `clickhouse://127.0.0.1:${http[i]}/${db}`,
    http,
    tcp,
    dir,
    kill: stopOne,
    async stop() {
      await Promise.all(procs.map((_, i) => stopOne(i)));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 60000;
  for (let i = 0; i < shards; i++) {
    while (!(await ping(http[i]))) {
      if (procs[i]!.exitCode !== null || Date.now() > deadline) {
        await cluster.stop();
        throw new Error(`clickhouse-server (shard ${i}) did not start`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return cluster;
}
