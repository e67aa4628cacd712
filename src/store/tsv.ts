// ClickHouse's TabSeparated format, both ways, over raw bytes (texts are UTF-8, offset maps and
// signatures are binary). Used instead of JSON so that binary strings survive; documents and
// postings are inserted in RowBinary (rowbinary.ts), the small tables' rows and all answers
// here. Escapes follow ClickHouse: \\ \t \n \r \0 \b \f \' and \N for NULL.

/** A field for a TSV row: a string (written as UTF-8), raw bytes, a number, or null (\N). */
export type TsvValue = string | Uint8Array | number | null;

const ESC_STR = /[\\\t\n\r\0]/g;
const ESC_MAP: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function escapeBytes(b: Uint8Array): Buffer {
  let special = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x5c || c === 0x09 || c === 0x0a || c === 0x0d || c === 0) special++;
  }
  if (!special) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = Buffer.allocUnsafe(b.length + special);
  let o = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x5c) (out[o++] = 0x5c), (out[o++] = 0x5c);
    else if (c === 0x09) (out[o++] = 0x5c), (out[o++] = 0x74);
    else if (c === 0x0a) (out[o++] = 0x5c), (out[o++] = 0x6e);
    else if (c === 0x0d) (out[o++] = 0x5c), (out[o++] = 0x72);
    else if (c === 0) (out[o++] = 0x5c), (out[o++] = 0x30);
    else out[o++] = c;
  }
  return out;
}

/** One TSV row (with its newline) as bytes. */
export function tsvRow(values: TsvValue[]): Buffer {
  const parts: Buffer[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push(Buffer.from(text, 'utf8'));
    text = '';
  };
  values.forEach((v, i) => {
    if (i) text += '\t';
    if (v === null) text += '\\N';
    else if (typeof v === 'number') text += String(v);
    else if (typeof v === 'string') text += v.replace(ESC_STR, (c) => ESC_MAP[c]);
    else {
      flush();
      parts.push(escapeBytes(v));
    }
  });
  text += '\n';
  flush();
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

function unescape(b: Buffer, from: number, to: number): Buffer {
  let bs = -1;
  for (let i = from; i < to; i++)
    if (b[i] === 0x5c) {
      bs = i;
      break;
    }
  if (bs < 0) return b.subarray(from, to);
  const out = Buffer.allocUnsafe(to - from);
  let o = 0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c !== 0x5c || i + 1 >= to) {
      out[o++] = c;
      continue;
    }
    const e = b[++i];
    switch (e) {
      case 0x6e: out[o++] = 0x0a; break; // n
      case 0x74: out[o++] = 0x09; break; // t
      case 0x72: out[o++] = 0x0d; break; // r
      case 0x30: out[o++] = 0x00; break; // 0
      case 0x62: out[o++] = 0x08; break; // b
      case 0x66: out[o++] = 0x0c; break; // f
      case 0x61: out[o++] = 0x07; break; // a
      case 0x76: out[o++] = 0x0b; break; // v
      default: out[o++] = e; // \\ \' and anything else stand for themselves
    }
  }
  return out.subarray(0, o);
}

/** Rows of a TSV answer; each field as bytes, or null for \N. */
export function parseTsv(b: Buffer): (Buffer | null)[][] {
  const rows: (Buffer | null)[][] = [];
  let i = 0;
  const n = b.length;
  // raw tabs and newlines only ever separate (inside a field they are escaped)
  while (i < n) {
    let end = b.indexOf(0x0a, i);
    if (end < 0) end = n;
    const row: (Buffer | null)[] = [];
    let f = i;
    for (;;) {
      let j = b.indexOf(0x09, f);
      if (j < 0 || j > end) j = end;
      if (j - f === 2 && b[f] === 0x5c && b[f + 1] === 0x4e) row.push(null);
      else row.push(unescape(b, f, j));
      if (j === end) break;
      f = j + 1;
    }
    rows.push(row);
    i = end + 1;
  }
  return rows;
}
