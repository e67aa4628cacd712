// The library API: `import { Engine, scanPaths, ... } from 'reprint'`. The CLI uses exactly this.

export type * from './types.ts';
export { Engine } from './engine.ts';
export type { EngineOptions, ScanResult, TraceResult, TraceSource, Prepared, Progress } from './engine.ts';
export { readSources, inputKind, idFromPath } from './ingest/index.ts';
export { cleanSource } from './clean/index.ts';
export { toOriginal } from './clean/offsets.ts';
export { tokenize } from './text/tokens.ts';
export { winnow } from './fingerprint/winnow.ts';
export { minhashOf, minhashTokens, jaccard, exactJaccard } from './fingerprint/minhash.ts';
export { lshParams, lshCandidates } from './fingerprint/lsh.ts';
export { kgramHashesOfText } from './fingerprint/shingles.ts';
export { dedupe } from './fingerprint/dedup.ts';
export type { DedupOptions, DedupResult, KeepRule } from './fingerprint/dedup.ts';
export { align } from './align/index.ts';
export { relate, citations, derivationOf, derivedShareOf, WHOLLY_DERIVED, UNSURE_DIRECTION } from './relate/index.ts';
export { MemoryStore } from './store/memory.ts';
export type { Store, IndexEntry, CandidatePair } from './store/store.ts';
export { openStore, DuckDBStore, StoreError, DEFAULT_DB } from './store/index.ts';
export { WorkerPool } from './parallel/pool.ts';
export { buildReport, writeReportJson, reportJsonText, docsOf } from './report/json.ts';
export type { Report, ReportPair, ReportPassage, ReportDocument, ReportJsonOptions } from './report/json.ts';
export { htmlReport, htmlReportOf } from './report/html.ts';
export { summary, scanSummary } from './report/terminal.ts';

import { Engine, type EngineOptions, type ScanResult } from './engine.ts';
import { readSources } from './ingest/index.ts';

/**
 * Read, clean, index and scan the documents under `paths` in one call. A large scan's result
 * (`complete: false`) reads its documents from the engine's store through `result.load`, so
 * that store stays open; use `Engine` directly to close it when done.
 */
export async function scanPaths(paths: string[], options: EngineOptions = {}): Promise<ScanResult> {
  const engine = new Engine({ oneShot: true, ...options });
  await engine.add(readSources(paths, (p) => engine.report(p)));
  const result = await engine.scan();
  if (result.complete) await engine.close();
  else await engine.closeWorkers();
  return result;
}
