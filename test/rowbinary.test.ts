import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowBinaryWriter, sortedPostingRows, uint32Pairs } from '../src/store/rowbinary.ts';
import { rng } from './helpers/rng.ts';

/** Reads back what RowBinaryWriter wrote, field by field, as the server would. */
class Reader {
  o = 0;
  constructor(private readonly b: Buffer) {}
  varint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.b[this.o++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
  }
  u32(): number {
    const v = this.b.readUInt32LE(this.o);
    this.o += 4;
    return v;
  }
  bytes(): Buffer {
    const len = this.varint();
    const out = this.b.subarray(this.o, this.o + len);
    this.o += len;
    return out;
  }
  nullable<T>(read: () => T): T | null {
    return this.b[this.o++] === 1 ? null : read();
  }
}

test('RowBinaryWriter: lengths past one varint byte, UTF-8, NULLs and rows across buffer boundaries read back as written', () => {
  const next = rng(7);
  const w = new RowBinaryWriter(64); // tiny buffers: most rows cross one
  const rows: { n: number; s: string; t: string | null; b: Uint8Array; m: Uint8Array | null }[] = [];
  const alphabet = ['a', 'é', '€', '中', '😀', '\n', '\t', '\\', '"', '\0'];
  for (let i = 0; i < 300; i++) {
    const len = next() % 400; // up to two varint bytes
    let s = '';
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    const b = Uint8Array.from({ length: next() % 200 }, () => next() & 0xff);
    const row = { n: next(), s, t: next() % 3 ? [...s].slice(0, 5).join('') : null, b, m: next() % 2 ? b.subarray(0, 3) : null };
    rows.push(row);
    w.u32(row.n);
    w.string(row.s);
    w.nullableString(row.t);
    w.bytes(row.b);
    w.nullableBytes(row.m);
  }
  const parts = w.done();
  assert.ok(parts.length > 10, 'the rows were spread over several buffers');
  const r = new Reader(Buffer.concat(parts));
  for (const row of rows) {
    assert.equal(r.u32(), row.n);
    assert.equal(r.bytes().toString('utf8'), row.s);
    assert.equal(r.nullable(() => r.bytes().toString('utf8')), row.t);
    assert.deepEqual(new Uint8Array(r.bytes()), row.b);
    const m = r.nullable(() => new Uint8Array(r.bytes()));
    assert.deepEqual(m, row.m);
  }
  assert.equal(r.o, Buffer.concat(parts).length, 'nothing written past the rows');
});

test('sortedPostingRows: (h, n) rows in the order of a plain sort, every posting kept once', () => {
  const next = rng(11);
  for (const len of [0, 1, 5, 1000, 70000]) {
    const h = new Uint32Array(len);
    const n = new Uint32Array(len);
    // n ascending as the store lays them out; h with many repeats and the top bits used
    for (let i = 0; i < len; i++) {
      n[i] = Math.floor(i / 7);
      h[i] = next() % 4 === 0 ? 0xffff0000 + (next() % 3) : next() % 50000 === 0 ? 0 : next();
    }
    const want = Array.from(h, (x, i) => [x, n[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got = sortedPostingRows(h, n);
    assert.equal(got.length, 2 * len);
    for (let i = 0; i < len; i++) assert.deepEqual([got[2 * i], got[2 * i + 1]], want[i], `row ${i} of ${len}`);
    // the bytes sent are the rows as little-endian UInt32 pairs
    const buf = uint32Pairs(got);
    for (let i = 0; i < Math.min(len, 50); i++) assert.equal(buf.readUInt32LE(8 * i), want[i][0]);
  }
});
