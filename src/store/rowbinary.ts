// ClickHouse's RowBinary format for inserts: fields back to back, little-endian integers,
// strings as a varint length and their bytes, Nullable as one byte (1 = NULL) before the value.
// Cheaper than TabSeparated on both ends: nothing is escaped here, nothing parsed as decimal
// digits by the server (adding 10,000 generated documents: see README, A ClickHouse index).

import { endianness } from 'node:os';

/** RowBinary integers are little-endian; typed arrays are written as they lie in memory. */
const LE = endianness() === 'LE';

/** Rows of RowBinary written into growing buffers. */
export class RowBinaryWriter {
  private readonly parts: Buffer[] = [];
  private buf: Buffer;
  private o = 0;

  constructor(private readonly chunk = 1 << 20) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  private room(bytes: number): void {
    if (this.o + bytes <= this.buf.length) return;
    if (this.o) this.parts.push(this.buf.subarray(0, this.o));
    this.buf = Buffer.allocUnsafe(Math.max(this.chunk, bytes));
    this.o = 0;
  }

  private varint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.o++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.o);
    this.o += 4;
  }

  /** A String column from a JavaScript string (written as UTF-8). */
  string(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.room(len + 5);
    this.varint(len);
    this.o += this.buf.write(s, this.o, len, 'utf8');
  }

  /** A String column from raw bytes. */
  bytes(b: Uint8Array): void {
    this.room(b.length + 5);
    this.varint(b.length);
    this.buf.set(b, this.o);
    this.o += b.length;
  }

  nullableString(s: string | null): void {
    this.room(1);
    this.buf[this.o++] = s === null ? 1 : 0;
    if (s !== null) this.string(s);
  }

  nullableBytes(b: Uint8Array | null): void {
    this.room(1);
    this.buf[this.o++] = b === null ? 1 : 0;
    if (b !== null) this.bytes(b);
  }

  /** The buffers written (the writer is not to be used afterwards). */
  done(): Buffer[] {
    if (this.o) this.parts.push(this.buf.subarray(0, this.o));
    this.o = 0;
    return this.parts;
  }
}

/**
 * Rows of two UInt32 columns (fingerprint, document) for `pairs.length / 2` rows, from an
 * array holding them interleaved: on a little-endian machine that array is the RowBinary.
 */
export function uint32Pairs(pairs: Uint32Array): Buffer {
  if (LE) return Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength);
  const out = Buffer.allocUnsafe(pairs.length * 4);
  for (let i = 0; i < pairs.length; i++) out.writeUInt32LE(pairs[i], i * 4);
  return out;
}

/**
 * Postings (h[i], n[i]) as interleaved (h, n) rows ordered by (h, n), the tables' sort key, by
 * a stable radix sort on h (two passes of 16 bits; n is ascending on input). The server need not
 * sort a block that comes sorted: adding 10,000 documents took 0.6 s of the two servers' CPU
 * instead of 0.9 s, for about 0.13 s of sorting here.
 */
export function sortedPostingRows(h: Uint32Array, n: Uint32Array): Uint32Array {
  const len = h.length;
  const out = new Uint32Array(2 * len);
  const th = new Uint32Array(len);
  const tn = new Uint32Array(len);
  const count = new Uint32Array(65536);
  for (let i = 0; i < len; i++) count[h[i] & 0xffff]++;
  startsOf(count);
  for (let i = 0; i < len; i++) {
    const k = count[h[i] & 0xffff]++;
    th[k] = h[i];
    tn[k] = n[i];
  }
  count.fill(0);
  for (let i = 0; i < len; i++) count[th[i] >>> 16]++;
  startsOf(count);
  for (let i = 0; i < len; i++) {
    const k = 2 * count[th[i] >>> 16]++;
    out[k] = th[i];
    out[k + 1] = tn[i];
  }
  return out;
}

/** Bucket counts into each bucket's first position (exclusive prefix sums), in place. */
function startsOf(count: Uint32Array): void {
  for (let b = 0, sum = 0; b < count.length; b++) {
    const c = count[b];
    count[b] = sum;
    sum += c;
  }
}
