// Offset maps: every span that leaves the program points into the original text.

import type { Doc, Span } from '../types.ts';

/** The map of a text that cleaning did not change. */
export function identityMap(length: number): Uint32Array {
  const m = new Uint32Array(length + 1);
  for (let i = 0; i <= length; i++) m[i] = i;
  return m;
}

/**
 * Prefix table from UTF-16 index to code-point index: cp[i] = number of code points in s[0, i).
 * An index that falls inside a surrogate pair maps to the pair's code point.
 */
export function codePointIndex(s: string): Uint32Array {
  const cp = new Uint32Array(s.length + 1);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    cp[i] = n;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp[i + 1] = n;
        i++;
      }
    }
    n++;
  }
  cp[s.length] = n;
  return cp;
}

const cpCache = new WeakMap<Doc, Uint32Array>();

/** Clean-text span (UTF-16) -> original-text span in UTF-16 code units. */
export function toOriginalUtf16(doc: Doc, span: Span): Span {
  const s = doc.map[span[0]];
  const last = span[1] - 1;
  const e = span[1] <= span[0] ? s : doc.mapEnd ? doc.mapEnd[last] : doc.map[span[1]];
  return [s, Math.max(s, e)];
}

/** Clean-text span (UTF-16) -> original-text span in Unicode code points (what users see). */
export function toOriginal(doc: Doc, span: Span): Span {
  let cp = cpCache.get(doc);
  if (!cp) {
    cp = codePointIndex(doc.original);
    cpCache.set(doc, cp);
  }
  const [s, e] = toOriginalUtf16(doc, span);
  // An end inside a surrogate pair rounds up to include the whole character.
  const endCp = e < doc.original.length && cp[e] === cp[e - 1] && e > 0 ? cp[e] + 1 : cp[e];
  return [cp[s], endCp];
}
