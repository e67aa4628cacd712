// Which store the server runs on: one line to switch when the persistent store lands.

import { MemoryStore } from '../store/memory.ts';
import type { Store } from '../store/store.ts';

/** No path: an in-memory store. A path: the persistent (DuckDB) store. */
export async function openServerStore(db?: string): Promise<Store> {
  if (!db) return new MemoryStore();
  // The persistent store lives in src/store/index.ts (`openStore`); loaded lazily so the
  // server works without it when no --db is given.
  const spec = '../store/index.ts';
  const mod = (await import(spec).catch(() => null)) as { openStore?: (p?: string) => Promise<Store> } | null;
  if (!mod?.openStore) throw new Error(`--db ${db}: the persistent store is not available in this build`);
  return mod.openStore(db);
}
