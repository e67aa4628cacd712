// The clean stage: Source -> Doc. Decode bytes, extract the article from HTML, repair mojibake,
// mark boilerplate, and keep an offset map from the clean text back to the original.

import type { Doc, Metadata, Repair, Source, Span } from '../types.ts';
import { decodeBytes } from './decode.ts';
import { repairMojibake } from './mojibake.ts';
import { classifyArticleLines, classifyLines } from './boilerplate.ts';
import { identityMap } from './offsets.ts';
import { extractHtml } from '../ingest/html.ts';

export { markRepeatedBlocks, classifyLines } from './boilerplate.ts';
export { repairMojibake } from './mojibake.ts';
export { decodeBytes } from './decode.ts';

type Format = 'text' | 'markdown' | 'html';

let identity: Uint32Array = new Uint32Array(0);
/** The identity map of a text of `length` chars (copied from a cached identity buffer). */
function fastIdentity(length: number): Uint32Array {
  if (identity.length < length + 1) {
    identity = identityMap(Math.max(length, identity.length * 2, 1 << 16));
  }
  return identity.slice(0, length + 1);
}

function guessFormat(src: Source, head: string): Format {
  if (src.format) return src.format;
  const p = src.path.toLowerCase();
  if (/\.(html?|xhtml|php|aspx?)$/.test(p)) return 'html';
  if (/\.(md|markdown)$/.test(p)) return 'markdown';
  if (/\.txt$/.test(p)) return 'text';
  if (/^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(head)) return 'html';
  return 'text';
}

function looksHtml(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]);
  return /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(s.replace(/^\ufeff|^\xef\xbb\xbf/, ''));
}

/** Clean one source into a Doc (synchronous). */
export function cleanSource(src: Source): Doc {
  const warnings: string[] = [];
  let original: string;
  let encoding: string | undefined;
  let fmt: Format;
  if (src.bytes) {
    fmt = src.format ?? (guessFormat(src, '') === 'html' || (!/\.(txt|md|markdown)$/i.test(src.path) && looksHtml(src.bytes)) ? 'html' : guessFormat(src, ''));
    const d = decodeBytes(src.bytes, src.charset, fmt === 'html', src.path);
    original = d.text;
    encoding = d.encoding;
    warnings.push(...d.warnings);
  } else {
    original = src.text ?? '';
    fmt = guessFormat(src, original.slice(0, 512));
  }
  if (original.charCodeAt(0) === 0xfeff && !src.bytes) {
    // A BOM left in decoded text is not content; the map simply skips it.
  }
  const meta: Metadata = { ...src.meta };
  let text: string;
  let map: Uint32Array;
  let mapEnd: Uint32Array | undefined;
  let article = false;
  if (fmt === 'html') {
    const h = extractHtml(original, src.meta.url);
    text = h.text;
    map = h.map;
    mapEnd = h.mapEnd;
    article = h.article;
    for (const [k, v] of Object.entries(h.meta) as [keyof Metadata, string | undefined][]) {
      if (v && !meta[k]) meta[k] = v;
    }
    for (const w of h.warnings) warnings.push(`${src.path}: ${w}`);
  } else {
    text = original;
    map = fastIdentity(original.length);
  }
  let repairs: Repair[] = [];
  const r = repairMojibake(text);
  if (r) {
    // Compose: clean -> intermediate (r.map) -> original (map/mapEnd).
    const m = new Uint32Array(r.text.length + 1);
    const me = new Uint32Array(r.text.length);
    for (let i = 0; i <= r.text.length; i++) m[i] = map[r.map[i]];
    for (let i = 0; i < r.text.length; i++) {
      const a = r.map[i];
      let b = r.map[i + 1];
      if (b <= a) b = a + 1; // first half of an astral char: ends with its source run
      // end in original of intermediate chars [a, b)
      me[i] = mapEnd ? mapEnd[b - 1] : map[b];
    }
    repairs = r.repairs.map((x) => {
      const s = map[x.span[0]];
      const e = x.span[1] > x.span[0] ? (mapEnd ? mapEnd[x.span[1] - 1] : map[x.span[1]]) : s;
      return { ...x, span: [s, e] as Span };
    });
    if (mapEnd || fmt === 'html') mapEnd = me;
    else mapEnd = undefined;
    map = m;
    text = r.text;
  }
  // An extracted article is judged by its cues only (classifyArticleLines); other text line by line.
  const boilerplate = text.length ? (article ? classifyArticleLines(text, { author: meta.author }) : classifyLines(text)) : [];
  const doc: Doc = {
    id: src.id,
    path: src.path,
    meta,
    original,
    text,
    map,
    boilerplate,
    repairs,
  };
  if (mapEnd) doc.mapEnd = mapEnd;
  if (encoding) doc.encoding = encoding;
  if (warnings.length) doc.warnings = warnings;
  return doc;
}
