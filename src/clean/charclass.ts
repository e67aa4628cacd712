// Character classes used by the mojibake scorer: a coarse category and a script per UTF-16
// code unit, computed lazily (one Unicode-property regex test per distinct character) and cached.

export const C_SPACE = 1;
export const C_LOWER = 2;
export const C_UPPER = 3;
export const C_LETTER = 4; // letters without case (Thai, Arabic, CJK, ...)
export const C_MARK = 5;
export const C_DIGIT = 6;
export const C_PUNCT = 7;
export const C_SYMBOL = 8;
export const C_CONTROL = 9; // C0/C1 controls except whitespace
export const C_BAD = 10; // unassigned, private use, lone surrogates
export const C_FORMAT = 11;

export const S_COMMON = 0;
export const S_LATIN = 1;
export const S_GREEK = 2;
export const S_CYRILLIC = 3;
export const S_ARMENIAN = 4;
export const S_HEBREW = 5;
export const S_ARABIC = 6;
export const S_THAI = 7;
export const S_INDIC = 8;
export const S_CJK = 9;
export const S_HANGUL = 10;
export const S_OTHER = 11;

// packed: category | script << 4 | rare << 8
const cache = new Int16Array(65536).fill(-1);

const SCRIPTS: [RegExp, number][] = [
  [/\p{Script=Latin}/u, S_LATIN],
  [/\p{Script=Greek}/u, S_GREEK],
  [/\p{Script=Cyrillic}/u, S_CYRILLIC],
  [/\p{Script=Armenian}/u, S_ARMENIAN],
  [/\p{Script=Hebrew}/u, S_HEBREW],
  [/\p{Script=Arabic}/u, S_ARABIC],
  [/\p{Script=Thai}/u, S_THAI],
  [
    /[\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Gujarati}\p{Script=Gurmukhi}\p{Script=Oriya}\p{Script=Sinhala}]/u,
    S_INDIC,
  ],
  [/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u, S_CJK],
  [/\p{Script=Hangul}/u, S_HANGUL],
];

function isRare(c: number): boolean {
  return (
    (c >= 0x0180 && c <= 0x01cc) || // Latin Extended-B (rare part; Vietnamese ơ ư are 01A0-01B0)
    (c >= 0x01f6 && c <= 0x024f) ||
    (c >= 0x0250 && c <= 0x02af) || // IPA
    (c >= 0x02b0 && c <= 0x02ff) || // spacing modifier letters
    (c >= 0x0370 && c <= 0x0385) ||
    (c >= 0x03cf && c <= 0x03ff) || // Greek archaic / Coptic
    (c >= 0x0460 && c <= 0x048f) || // archaic Cyrillic
    (c >= 0x04c0 && c <= 0x052f) ||
    (c >= 0x0700 && c <= 0x08ff) || // Syriac, Thaana, NKo, ...
    (c >= 0x1680 && c <= 0x1cff) ||
    (c >= 0x2c00 && c <= 0x2dff) ||
    (c >= 0x1d00 && c <= 0x1dbf) || // phonetic extensions
    c === 0x017f ||
    c === 0x05ef || // Hebrew yod triangle (Unicode 11), mojibake of "ם" read through Latin-1
    (c >= 0xa640 && c <= 0xabff) ||
    false
  );
}

function compute(c: number): number {
  if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b || c === 0xa0)
    return C_SPACE;
  if (c >= 0xd800 && c <= 0xdfff) return C_SYMBOL; // astral: emoji and rare scripts
  const ch = String.fromCharCode(c);
  let cat: number;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) cat = C_CONTROL;
  else if (/\p{Ll}/u.test(ch)) cat = C_LOWER;
  else if (/[\p{Lu}\p{Lt}]/u.test(ch)) cat = C_UPPER;
  else if (/\p{L}/u.test(ch)) cat = C_LETTER;
  else if (/\p{M}/u.test(ch)) cat = C_MARK;
  else if (/\p{Nd}/u.test(ch)) cat = C_DIGIT;
  else if (/\p{N}/u.test(ch)) cat = C_SYMBOL; // superscripts, fractions
  else if (/\p{P}/u.test(ch)) cat = C_PUNCT;
  else if (/\p{S}/u.test(ch)) cat = C_SYMBOL;
  else if (/\p{Z}/u.test(ch)) cat = C_SPACE;
  else if (/\p{Cf}/u.test(ch)) cat = C_FORMAT;
  else cat = C_BAD; // Cn, Co
  let script = S_COMMON;
  if (cat === C_LOWER || cat === C_UPPER || cat === C_LETTER || cat === C_MARK) {
    script = S_OTHER;
    for (const [re, s] of SCRIPTS) {
      if (re.test(ch)) {
        script = s;
        break;
      }
    }
    if (cat === C_MARK && /[\p{Script=Inherited}\p{Script=Common}]/u.test(ch)) script = S_COMMON; // combining diacritics
  }
  return cat | (script << 4) | (isRare(c) ? 256 : 0);
}

/** Packed class of a UTF-16 code unit: category (low 4 bits), script (bits 4-7), rare (bit 8). */
export function charClass(c: number): number {
  let v = cache[c];
  if (v < 0) {
    v = compute(c);
    cache[c] = v;
  }
  return v;
}

export function category(packed: number): number {
  return packed & 15;
}
export function script(packed: number): number {
  return (packed >> 4) & 15;
}
export function rare(packed: number): boolean {
  return (packed & 256) !== 0;
}
