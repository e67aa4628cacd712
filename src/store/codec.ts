// How a Doc is stored on disk: the original and clean texts, the offset maps as varint-coded
// deltas (an identity map is stored as nothing), and the rest as JSON.

import type { Doc } from '../types.ts';

/** Varint-coded deltas of a non-decreasing Uint32Array; empty when it is the identity. */
export function encodeMap(map: Uint32Array | undefined): Uint8Array | null {
  if (!map) return null;
  if (map.buffer === IDENTITY.buffer && map.byteOffset === 0) return new Uint8Array(0); // a decoded identity
  let identity = true;
  for (let i = 0; i < map.length; i++)
    if (map[i] !== i) {
      identity = false;
      break;
    }
  if (identity) return new Uint8Array(0);
  const out = new Uint8Array(map.length * 5 + 5);
  let o = 0;
  const put = (v: number) => {
    while (v >= 0x80) {
      out[o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[o++] = v;
  };
  put(map.length);
  let prev = 0;
  for (let i = 0; i < map.length; i++) {
    // maps are non-decreasing; zigzag keeps a rare decrease safe
    const d = map[i] - prev;
    put(d >= 0 ? d * 2 : -d * 2 - 1);
    prev = map[i];
  }
  return out.slice(0, o);
}

/** One shared identity map; documents up to 1 M characters get a view of it (no copy). */
let IDENTITY = new Uint32Array(0);
const SHARED_MAX = 1 << 20;

function identity(length: number): Uint32Array {
  if (length > SHARED_MAX) {
    const m = new Uint32Array(length);
    for (let i = 0; i < length; i++) m[i] = i;
    return m;
  }
  if (IDENTITY.length < length) {
    const next = new Uint32Array(Math.min(SHARED_MAX, Math.max(length, IDENTITY.length * 2, 65536)));
    for (let i = 0; i < next.length; i++) next[i] = i;
    IDENTITY = next;
  }
  return IDENTITY.subarray(0, length);
}

/**
 * Decode a map; an identity map comes back as a read-only-by-convention view of a shared
 * array (maps are never written after cleaning).
 */
export function decodeMap(bytes: Uint8Array | null, length: number): Uint32Array | undefined {
  if (bytes === null) return undefined;
  if (bytes.length === 0) return identity(length);
  let o = 0;
  const get = () => {
    let v = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[o++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  const n = get();
  const m = new Uint32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const z = get();
    prev += z & 1 ? -(z + 1) / 2 : z / 2;
    m[i] = prev;
  }
  return m;
}

export interface DocRow {
  id: string;
  path: string;
  meta: string;
  original: string;
  /** null when the clean text equals the original. */
  text: string | null;
  map: Uint8Array;
  mapEnd: Uint8Array | null;
  extra: string;
}

export function encodeDoc(doc: Doc): DocRow {
  return {
    id: doc.id,
    path: doc.path,
    meta: JSON.stringify(doc.meta ?? {}),
    original: doc.original,
    text: doc.text === doc.original ? null : doc.text,
    map: encodeMap(doc.map)!,
    mapEnd: encodeMap(doc.mapEnd),
    extra: JSON.stringify({
      boilerplate: doc.boilerplate,
      repairs: doc.repairs,
      encoding: doc.encoding,
      warnings: doc.warnings,
    }),
  };
}

export function decodeDoc(r: DocRow): Doc {
  const text = r.text ?? r.original;
  const extra = JSON.parse(r.extra) as Pick<Doc, 'boilerplate' | 'repairs' | 'encoding' | 'warnings'>;
  const doc: Doc = {
    id: r.id,
    path: r.path,
    meta: JSON.parse(r.meta),
    original: r.original,
    text,
    map: decodeMap(r.map, text.length + 1)!,
    boilerplate: extra.boilerplate ?? [],
    repairs: extra.repairs ?? [],
  };
  const mapEnd = decodeMap(r.mapEnd, text.length);
  if (mapEnd) doc.mapEnd = mapEnd;
  if (extra.encoding !== undefined) doc.encoding = extra.encoding;
  if (extra.warnings !== undefined) doc.warnings = extra.warnings;
  return doc;
}

/** A Doc with its offset maps varint-coded (an identity map as nothing): cheap to keep or send. */
export interface PackedDoc {
  doc: Omit<Doc, 'map' | 'mapEnd'>;
  map: Uint8Array;
  mapEnd: Uint8Array | null;
}

export function packDoc(doc: Doc): PackedDoc {
  const { map, mapEnd, ...rest } = doc;
  if (rest.text === rest.original) rest.text = rest.original; // one string, not two equal ones
  return { doc: rest, map: encodeMap(map)!, mapEnd: encodeMap(mapEnd) };
}

export function unpackDoc(c: PackedDoc): Doc {
  const doc: Doc = { ...c.doc, map: decodeMap(c.map, c.doc.text.length + 1)! };
  const mapEnd = decodeMap(c.mapEnd, c.doc.text.length);
  if (mapEnd) doc.mapEnd = mapEnd;
  return doc;
}
