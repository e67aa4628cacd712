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
  close(): Promise<void>;
}
