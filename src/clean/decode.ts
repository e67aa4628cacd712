// Bytes -> text: BOM, declared charset (container or HTML meta), UTF-8 when valid, else detection.
// Legacy code pages go through iconv-lite (Node 20's TextDecoder('windows-1252') is wrong for
// bytes 0x80..0x9F).

import iconv from 'iconv-lite';
import { badness } from './mojibake.ts';

export interface Decoded {
  text: string;
  /** e.g. "utf-8", "utf-8 (BOM)", "windows-1252 (declared)", "windows-1251 (detected)". */
  encoding: string;
  warnings: string[];
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Normalise a charset label to a name iconv-lite knows, or null. */
export function normalizeCharset(label: string | undefined | null): string | null {
  if (!label) return null;
  let l = label.trim().toLowerCase().replace(/^["']+|["',;]+$/g, '');
  if (!l) return null;
  if (l === 'utf8' || l === 'unicode-1-1-utf-8' || l === 'utf-8') return 'utf-8';
  // WHATWG: latin1 / ascii labels mean windows-1252.
  if (l === 'iso-8859-1' || l === 'latin1' || l === 'us-ascii' || l === 'ascii' || l === 'iso8859-1' || l === 'l1')
    return 'windows-1252';
  if (l === 'tis-620' || l === 'iso-8859-11' || l === 'x-windows-874') l = 'windows-874';
  if (l === 'utf-16') return 'utf-16le';
  return iconv.encodingExists(l) ? l : null;
}

/** Find <meta charset> / http-equiv content charset in the first bytes of an HTML page. */
export function sniffHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('latin1');
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)/i.exec(head);
  return m ? m[1] : null;
}

/** Length of the valid multi-byte UTF-8 sequence starting at i (a lead byte), or 0 if invalid. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i];
  const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!len || i + len > b.length) return 0;
  for (let q = 1; q < len; q++) if ((b[i + q] & 0xc0) !== 0x80) return 0;
  return len;
}

/**
 * One pass over a buffer: valid multi-byte UTF-8 sequences, invalid bytes, and the offset of the
 * first invalid byte (-1 when the buffer is valid UTF-8).
 */
function utf8Scan(b: Uint8Array): { valid: number; invalid: number; firstInvalid: number } {
  let valid = 0;
  let invalid = 0;
  let firstInvalid = -1;
  let i = 0;
  const n = b.length;
  while (i < n) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceAt(b, i);
    if (len) {
      valid++;
      i += len;
    } else {
      if (firstInvalid < 0) firstInvalid = i;
      invalid++;
      i++;
    }
  }
  return { valid, invalid, firstInvalid };
}

const DETECT = ['windows-1252', 'windows-1250', 'windows-1251', 'koi8-r', 'windows-1253', 'windows-874', 'windows-1256', 'windows-1255'];

/**
 * Decode bytes. `declared` is the container's charset (HTTP header); `html` also looks for a meta
 * charset. The input name appears in warnings via `label`.
 */
export function decodeBytes(bytes: Uint8Array, declared?: string, html = false, label = 'input'): Decoded {
  const warnings: string[] = [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // 1. BOM
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return { text: utf8Lossy.decode(buf.subarray(3)), encoding: 'utf-8 (BOM)', warnings };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe)
    return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16le (BOM)', warnings };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff)
    return { text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be (BOM)', warnings };
  // 2. Declared charset (container first, then the page itself).
  let cs = normalizeCharset(declared);
  let how = 'declared';
  if (declared && !cs) warnings.push(`${label}: unknown charset "${declared}" ignored`);
  if (!cs && html) {
    const meta = sniffHtmlCharset(buf);
    cs = normalizeCharset(meta);
    how = 'meta charset';
  }
  const { valid, invalid, firstInvalid: bad } = utf8Scan(buf);
  if (cs && cs !== 'utf-8') {
    // A page declaring a legacy charset that is in fact valid, non-ASCII UTF-8 is common: trust the bytes.
    if (bad < 0 && valid > 0) {
      warnings.push(`${label}: declared charset ${cs} but the bytes are valid UTF-8; read as UTF-8`);
      return { text: utf8Fatal.decode(buf), encoding: `utf-8 (declared ${cs})`, warnings };
    }
    return { text: iconv.decode(buf, cs), encoding: `${cs} (${how})`, warnings };
  }
  // 3. UTF-8 when valid.
  if (bad < 0) return { text: utf8Fatal.decode(buf), encoding: cs ? `utf-8 (${how})` : 'utf-8', warnings };
  // 4. Mostly UTF-8 with a few broken bytes: keep UTF-8, mark them with U+FFFD.
  if (cs === 'utf-8' || valid >= invalid) {
    const text = utf8Lossy.decode(buf);
    warnings.push(`${label}: invalid UTF-8 at byte ${bad} (${invalid} bad byte${invalid === 1 ? '' : 's'} replaced by U+FFFD)`);
    return { text, encoding: 'utf-8 (with errors)', warnings };
  }
  // 5. Detection among common single-byte code pages: the least improbable decoding wins.
  const sample = buf.subarray(0, Math.min(buf.length, 65536));
  let best = 'windows-1252';
  let bestScore = Infinity;
  for (const name of DETECT) {
    const s = iconv.decode(sample, name);
    const score = badness(s) + accentHeavyWords(s);
    if (score < bestScore) {
      bestScore = score;
      best = name;
    }
  }
  warnings.push(`${label}: not valid UTF-8 (byte ${bad}) and no charset declared; detected ${best}`);
  return { text: iconv.decode(buf, best), encoding: `${best} (detected)`, warnings };
}


/**
 * Words made mostly of accented Latin letters ("Ïðèâåò"): how Cyrillic, Greek or Arabic text
 * looks when decoded with a Western code page. Real Latin-script words are mostly ASCII.
 */
function accentHeavyWords(s: string): number {
  let n = 0;
  for (const w of s.split(/[^\p{L}]+/u)) {
    if (w.length < 3) continue;
    let acc = 0;
    for (const ch of w) {
      const c = ch.charCodeAt(0);
      if (c >= 0xc0 && c <= 0x24f) acc++;
    }
    if (acc * 2 > w.length) n += 2;
  }
  return n;
}
