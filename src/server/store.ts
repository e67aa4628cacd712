// Which store the server runs on: the same `openStore` the CLI uses.

import { openStore } from '../store/index.ts';
import type { Store } from '../store/store.ts';

/** No path: an in-memory store. A path: the persistent DuckDB index file; a clickhouse:// URL: that index. */
export async function openServerStore(db?: string): Promise<Store> {
  return openStore(db);
}
