// In-memory store: what `reprint scan PATH...` uses when no --db is given. Documents are kept
// compact (offset maps varint-coded, an identity map as nothing, the clean text dropped when it
// equals the original) and rebuilt on getDoc; the engine caches the ones in use.

import type { Doc } from '../types.ts';
import type { CandidatePair, IndexEntry, LookupHit, Store } from './store.ts';
import { PostingsIndex, namedHits, namedPairs } from './postings.ts';
import { decodeMap, encodeMap } from './codec.ts';

interface Compact {
  doc: Omit<Doc, 'map' | 'mapEnd'>;
  map: Uint8Array;
  mapEnd: Uint8Array | null;
}

function compact(doc: Doc): Compact {
  const { map, mapEnd, ...rest } = doc;
  if (rest.text === rest.original) rest.text = rest.original; // one string, not two equal ones
  return { doc: rest, map: encodeMap(map)!, mapEnd: encodeMap(mapEnd) };
}

function expand(c: Compact): Doc {
  const doc: Doc = { ...c.doc, map: decodeMap(c.map, c.doc.text.length + 1)! };
  const mapEnd = decodeMap(c.mapEnd, c.doc.text.length);
  if (mapEnd) doc.mapEnd = mapEnd;
  return doc;
}

export class MemoryStore implements Store {
  private docs: Compact[] = [];
  private byId = new Map<string, number>();
  private postings = new PostingsIndex();

  async add(entries: IndexEntry[]): Promise<number> {
    let added = 0;
    for (const { doc, fingerprints } of entries) {
      if (this.byId.has(doc.id)) continue;
      const n = this.docs.length;
      this.docs.push(compact(doc));
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
    return n === undefined ? undefined : expand(this.docs[n]);
  }

  async getDocs(ids: string[]): Promise<(Doc | undefined)[]> {
    return ids.map((id) => {
      const n = this.byId.get(id);
      return n === undefined ? undefined : expand(this.docs[n]);
    });
  }

  async ids() {
    return this.docs.map((d) => d.doc.id);
  }

  /** Total characters of the original texts. */
  async chars(): Promise<number> {
    let n = 0;
    for (const d of this.docs) n += d.doc.original.length;
    return n;
  }

  async size() {
    return this.docs.length;
  }

  async candidatePairs(opts: { minShared: number; maxDf: number }): Promise<CandidatePair[]> {
    const r = this.postings.candidatePairs(Math.max(1, this.docs.length), opts);
    return namedPairs(r, (n) => this.docs[n].doc.id);
  }

  async lookup(hashes: Uint32Array, opts: { minShared: number; maxDf: number; limit: number }): Promise<LookupHit[]> {
    return namedHits(this.postings.lookup(hashes, opts), (n) => this.docs[n].doc.id);
  }

  async close() {}
}
