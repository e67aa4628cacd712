// In-memory store: what `reprint scan PATH...` uses when no --db is given.

import type { Doc } from '../types.ts';
import type { CandidatePair, IndexEntry, LookupHit, Store } from './store.ts';
import { PostingsIndex, namedHits, namedPairs } from './postings.ts';

export class MemoryStore implements Store {
  private docs: Doc[] = [];
  private byId = new Map<string, number>();
  private postings = new PostingsIndex();

  async add(entries: IndexEntry[]): Promise<number> {
    let added = 0;
    for (const { doc, fingerprints } of entries) {
      if (this.byId.has(doc.id)) continue;
      const n = this.docs.length;
      this.docs.push(doc);
      this.byId.set(doc.id, n);
      this.postings.add(n, fingerprints.hashes);
      added++;
    }
    return added;
  }

  async has(id: string) {
    return this.byId.has(id);
  }

  async getDoc(id: string) {
    const n = this.byId.get(id);
    return n === undefined ? undefined : this.docs[n];
  }

  async getDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    return ids.map((id) => {
      const n = this.byId.get(id);
      return n === undefined ? undefined : this.docs[n];
    });
  }

  async ids() {
    return this.docs.map((d) => d.id);
  }

  async size() {
    return this.docs.length;
  }

  async candidatePairs(opts: { minShared: number; maxDf: number }): Promise<CandidatePair[]> {
    const r = this.postings.candidatePairs(Math.max(1, this.docs.length), opts);
    return namedPairs(r, (n) => this.docs[n].id);
  }

  async lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    return namedHits(this.postings.lookup(hashes, opts), (n) => this.docs[n].id);
  }

  async close() {}
}
