// The one storage interface. The CLI, the server and the benchmarks all go through it.

import type { Doc } from '../types.ts';
import type { Fingerprints } from '../fingerprint/winnow.ts';

export interface IndexEntry {
  doc: Doc;
  fingerprints: Fingerprints;
  /** MinHash signature of the document's word k-grams. */
  signature: Uint32Array;
  /** `fingerprints.hashes` sorted and distinct, when already computed (on a worker). */
  unique?: Uint32Array;
}

export interface CandidatePair {
  a: string;
  b: string;
  /** Number of distinct fingerprints the two documents share. */
  shared: number;
}

export interface LookupHit {
  id: string;
  shared: number;
}

export interface Store {
  /** Adds documents; ids already stored are skipped. Returns how many were added. */
  add(entries: IndexEntry[]): Promise<number>;
  has(id: string): Promise<boolean>;
  getDoc(id: string): Promise<Doc | undefined>;
  /** Several documents at once (faster than getDoc one by one for on-disk stores). */
  getDocs?(ids: string[]): Promise<(Doc | undefined)[]>;
  /** Every stored id, in the order added. */
  ids(): Promise<string[]>;
  size(): Promise<number>;
  /**
   * Pairs of stored documents sharing at least `minShared` fingerprints, counting only
   * fingerprints held by at most `maxDf` documents (more common ones are stock phrases).
   */
  candidatePairs(opts: { minShared: number; maxDf: number }): Promise<CandidatePair[]>;
  /** Stored documents sharing fingerprints with `hashes`, most shared first. */
  lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]>;
  /**
   * Free the in-memory postings once no more candidates or lookups are wanted (a one-shot scan
   * about to align). A memory store cannot look anything up afterwards; an on-disk store loads
   * its postings again when asked.
   */
  release?(): void;
  /**
   * Stores that several processes can share a scan on (ClickHouse): the candidate pairs are
   * computed once, inside the store, and split into units of work; process `part` of `parts`
   * (1-based) aligns its own units and stores each unit's result. Optional: the memory and
   * DuckDB stores align everything in one process (`candidatePairs`).
   */
  shareScan?(opts: { minShared: number; maxDf: number; part: number; parts: number; onWait?: (what: string) => void }): Promise<ScanShare>;
  close(): Promise<void>;
}

/** One scan shared between processes (see Store.shareScan). */
export interface ScanShare {
  /** Candidate pairs in all units. */
  total: number;
  units: number;
  /** This process's units not done yet (by this or an earlier run). */
  todo(): Promise<number[]>;
  /** A unit's pairs, most shared first (ties by ids), as candidatePairs orders them. */
  pairs(unit: number): Promise<CandidatePair[]>;
  /** Store a unit's result (one row, written at once: a unit is done or not). */
  finish(unit: number, result: string): Promise<void>;
  /** Every unit's result once all are done (waits for the other processes). */
  results(onWait?: (done: number, units: number) => void): Promise<string[]>;
}

/** The entries whose ids are neither in `known` nor earlier in the batch (adds are idempotent). */
export function freshEntries(entries: IndexEntry[], known: { has(id: string): boolean }): IndexEntry[] {
  const fresh: IndexEntry[] = [];
  const inBatch = new Set<string>();
  for (const e of entries) {
    if (known.has(e.doc.id) || inBatch.has(e.doc.id)) continue;
    inBatch.add(e.doc.id);
    fresh.push(e);
  }
  return fresh;
}
