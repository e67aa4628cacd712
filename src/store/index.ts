// openStore: the one way commands, the server and benchmarks get a Store.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Store } from './store.ts';
import { MemoryStore } from './memory.ts';
import { DuckDBStore, StoreError } from './duckdb.ts';
import { ClickHouseStore, isClickHouseUrl, parseClickHouseUrl } from './clickhouse.ts';

export { MemoryStore, DuckDBStore, ClickHouseStore, StoreError, isClickHouseUrl, parseClickHouseUrl };
export type { Store };

/** The index file the CLI uses when no --db is given. */
export const DEFAULT_DB = '.reprint/index.duckdb';

/**
 * No path: a fresh in-memory store. `clickhouse://HOST:PORT/DB` (several `HOST:PORT,` and
 * `?cluster=NAME` for shards): that ClickHouse index (tables created when missing). A path: the
 * DuckDB index file there (created, with its folders, when missing). Throws StoreError with a
 * clear message when the index cannot be used.
 */
export async function openStore(path?: string, options: { readOnly?: boolean } = {}): Promise<Store> {
  if (!path) return new MemoryStore();
  if (isClickHouseUrl(path)) return ClickHouseStore.open(path, options);
  const full = resolve(path);
  if (!options.readOnly) {
    try {
      await mkdir(dirname(full), { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the folder for index ${path}: ${(e as Error).message}`);
    }
  }
  return DuckDBStore.open(full, options);
}
