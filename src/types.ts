// The plain records that stages pass to each other (see DESIGN.md).
//
// Offsets: inside the engine every span is a pair of UTF-16 indices into `Doc.text` (the
// cleaned text), because that is what JavaScript strings index. Before a span leaves the
// program it goes through `Doc.map` (clean index -> original UTF-16 index) and then to Unicode
// code points of the original text (`toCodePoints` in src/clean/offsets.ts).

/** A half-open range [start, end). */
export type Span = [number, number];

/** Metadata known about a document; every field optional. */
export interface Metadata {
  url?: string;
  site?: string;
  title?: string;
  author?: string;
  /** ISO 8601 date (or date-time) of publication. */
  published?: string;
  modified?: string;
  language?: string;
  /** When a crawler fetched it (WARC-Date). */
  crawled?: string;
}

/** What a reader yields: one input document, not yet cleaned. */
export interface Source {
  id: string;
  /** File path (or "-" for stdin, or "file.jsonl:LINE", "file.warc.gz#RECORD"). */
  path: string;
  /** Raw bytes when the encoding is not known yet (files, WARC payloads). */
  bytes?: Uint8Array;
  /** Text when it is already decoded (JSONL, API). */
  text?: string;
  /** How to read the content; guessed from the extension when absent. */
  format?: 'text' | 'markdown' | 'html';
  /** Charset declared by the container (HTTP header), if any. */
  charset?: string;
  meta: Metadata;
}

/** One repair made while cleaning (mojibake, encoding). Spans in the original text (UTF-16). */
export interface Repair {
  span: Span;
  before: string;
  after: string;
  /** e.g. "utf-8 read as windows-874" */
  kind: string;
}

/** A cleaned document, ready to fingerprint. */
export interface Doc {
  id: string;
  path: string;
  meta: Metadata;
  /** The original text as decoded (for HTML: the page source). Spans reported to users index this. */
  original: string;
  /** The clean text: repaired, main text only for HTML. All engine offsets index this. */
  text: string;
  /**
   * map[i] = index in `original` where clean char i starts (UTF-16); length text.length + 1,
   * map[text.length] = original.length. Where cleaning only replaced characters (mojibake), the
   * end of clean char i is map[i + 1].
   */
  map: Uint32Array;
  /** Where cleaning deleted material (HTML tags), the end in `original` of each clean char. */
  mapEnd?: Uint32Array;
  /** Spans of `text` that are not the article (marked, never deleted). Sorted, disjoint. */
  boilerplate: Span[];
  repairs: Repair[];
  /** Decoding decision, e.g. "utf-8", "windows-1252 (declared)". */
  encoding?: string;
  /** Problems that did not stop the document (shown to the user). */
  warnings?: string[];
}

/** Word tokens of a clean text: parallel typed arrays. */
export interface Tokens {
  /** Start and end (UTF-16, in Doc.text) of each token. */
  starts: Uint32Array;
  ends: Uint32Array;
  /** 32-bit hash of the normalised word (case-folded, accents kept, quotes/dashes unified). */
  hashes: Uint32Array;
  /** 1 when the token lies in a boilerplate span. */
  boiler: Uint8Array;
  length: number;
}

export type PassageKind = 'verbatim' | 'edited' | 'paraphrase';

/** A word-level change inside an edited passage; spans in each Doc.text (UTF-16). */
export interface Edit {
  op: 'insert' | 'delete' | 'replace';
  source: Span;
  derived: Span;
}

/** One aligned passage between a source and a derived document. Spans in Doc.text (UTF-16). */
export interface Passage {
  source: Span;
  derived: Span;
  /** 0..1: share of matching words. */
  similarity: number;
  kind: PassageKind;
  edits?: Edit[];
}

export type Relation = 'duplicate' | 'contains' | 'partial' | 'related';

export interface Direction {
  /** 0..1; 0.5 means no idea which came first. */
  confidence: number;
  /** Human-readable reasons, e.g. "derived cites \"Fox News\"", "source dated 2019-08-01". */
  evidence: string[];
}

/** What a copy changed in what it took (src/relate/changes.ts); kinds most important first. */
export type ChangeKind =
  | 'speaker changed'
  | 'quote altered'
  | 'fact changed'
  | 'claim changed'
  | 'quote truncated'
  | 'quote dropped'
  | 'attribution dropped'
  | 'new quote'
  | 'quote punctuation'
  | 'framing added';

/** One word-level difference inside a quote. */
export interface WordChange {
  op: Edit['op'];
  source: Span;
  derived: Span;
}

export interface Change {
  kind: ChangeKind;
  /** Span in the source (null when the source has no counterpart: a new quote, framing). */
  source: Span | null;
  /** Span in the copy (null when the copy has none: a dropped quote or credit). */
  derived: Span | null;
  /** One line for a person. */
  explanation: string;
  /** The text concerned on each side (shortened). */
  before?: string;
  after?: string;
  /** Who is quoted (in the source, and in the copy when it differs). */
  speaker?: string;
  newSpeaker?: string;
  /** Quote altered: the word diff. */
  words?: WordChange[];
  /** Quote altered, claim changed: a negation appears or disappears. */
  negation?: boolean;
  /** New quote: another scanned document that holds it. */
  tracedTo?: string;
  /** Framing added: share of the copy's words in this part, and where it is. */
  share?: number;
  where?: 'before' | 'between' | 'after';
}

export interface Pair {
  source: string;
  derived: string;
  relation: Relation;
  /** Share of the source's (non-boilerplate) text covered by passages. */
  sourceCoverage: number;
  derivedCoverage: number;
  direction: Direction;
  passages: Passage[];
  /** What the derived document changed, most important first (absent for "related" pairs). */
  changes?: Change[];
}

export interface Story {
  id: string;
  root: string;
  members: string[];
  /** Same topic, nothing copied. */
  related: string[];
  /** Lineage tree: parent of each member other than the root. */
  parents: Record<string, string>;
  title?: string;
}

/** A problem with one input: which input, where in it, and why. The run goes on without it. */
export interface InputProblem {
  /** File path, "-" for stdin, or a URL. */
  input: string;
  /** Where inside it: "line 17", "record 3 (offset 81920)", "byte 4096". */
  where?: string;
  reason: string;
  /** True when the input was still used (e.g. decoded with a guessed charset): no exit code 1. */
  warning?: boolean;
}
