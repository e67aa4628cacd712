// In-memory store: what `reprint scan PATH...` uses when no --db is given.

import type { Doc } from '../types.ts';
import type { CandidatePair, IndexEntry, LookupHit, Store } from './store.ts';

export class MemoryStore implements Store {
  private docs: Doc[] = [];
  private byId = new Map<string, number>();
  /** hash -> doc numbers (ascending, distinct). */
  private postings = new Map<number, number[]>();

  async add(entries: IndexEntry[]): Promise<number> {
    let added = 0;
    for (const { doc, fingerprints } of entries) {
      if (this.byId.has(doc.id)) continue;
      const n = this.docs.length;
      this.docs.push(doc);
      this.byId.set(doc.id, n);
      const h = fingerprints.hashes;
      for (let i = 0; i < h.length; i++) {
        let list = this.postings.get(h[i]);
        if (!list) this.postings.set(h[i], (list = []));
        if (list[list.length - 1] !== n) list.push(n);
      }
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

  async ids() {
    return this.docs.map((d) => d.id);
  }

  async size() {
    return this.docs.length;
  }

  async candidatePairs({ minShared, maxDf }: { minShared: number; maxDf: number }): Promise<CandidatePair[]> {
    const N = this.docs.length;
    const counts = new Map<number, number>();
    for (const list of this.postings.values()) {
      const m = list.length;
      if (m < 2 || m > maxDf) continue;
      for (let i = 0; i < m; i++) {
        const base = list[i] * N;
        for (let j = i + 1; j < m; j++) {
          const key = base + list[j];
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
    }
    const out: CandidatePair[] = [];
    for (const [key, shared] of counts) {
      if (shared < minShared) continue;
      const a = Math.floor(key / N);
      out.push({ a: this.docs[a].id, b: this.docs[key - a * N].id, shared });
    }
    out.sort((x, y) => y.shared - x.shared || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
    return out;
  }

  async lookup(hashes: Uint32Array, { minShared, maxDf, limit }: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    const counts = new Map<number, number>();
    const seen = new Set<number>();
    for (const h of hashes) {
      if (seen.has(h)) continue;
      seen.add(h);
      const list = this.postings.get(h);
      if (!list || list.length > maxDf) continue;
      for (const n of list) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    return [...counts]
      .filter(([, c]) => c >= minShared)
      .sort((x, y) => y[1] - x[1])
      .slice(0, limit)
      .map(([n, shared]) => ({ id: this.docs[n].id, shared }));
  }

  async close() {}
}
