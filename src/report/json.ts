// report.json: the contract other tools rely on. Every span is [start, end) in Unicode code
// points of the document's original text (as decoded), so a user can find it in their file.

import type { Doc, Edit, InputProblem, Pair, Passage, PassageKind, Relation, Span, Story } from '../types.ts';
import { toOriginal } from '../clean/offsets.ts';
import type { ScanResult } from '../engine.ts';
import { titleOf } from '../relate/index.ts';
import { wordCount } from '../relate/coverage.ts';

export interface ReportDocument {
  id: string;
  path: string;
  title: string;
  /** Length of the original text in code points. */
  chars: number;
  /** Words outside boilerplate. */
  words: number;
  url?: string;
  site?: string;
  published?: string;
  author?: string;
  encoding?: string;
  /** Characters repaired (mojibake) and boilerplate spans marked. */
  repairs: number;
  boilerplate: Span[];
}

export interface ReportPassage {
  source: Span;
  derived: Span;
  similarity: number;
  kind: PassageKind;
  edits?: { op: Edit['op']; source: Span; derived: Span }[];
}

export interface ReportPair {
  source: string;
  derived: string;
  relation: Relation;
  sourceCoverage: number;
  derivedCoverage: number;
  direction: { confidence: number; evidence: string[] };
  passages: ReportPassage[];
}

export interface Report {
  version: 1;
  generated: string;
  documents: ReportDocument[];
  pairs: ReportPair[];
  stories: Story[];
  problems: InputProblem[];
  stats: ScanResult['stats'];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function passageToReport(source: Doc, derived: Doc, p: Passage): ReportPassage {
  const out: ReportPassage = {
    source: toOriginal(source, p.source),
    derived: toOriginal(derived, p.derived),
    similarity: round(p.similarity),
    kind: p.kind,
  };
  if (p.edits?.length)
    out.edits = p.edits.map((e) => ({ op: e.op, source: toOriginal(source, e.source), derived: toOriginal(derived, e.derived) }));
  return out;
}

export function pairToReport(docs: Map<string, Doc>, p: Pair): ReportPair {
  const s = docs.get(p.source)!;
  const d = docs.get(p.derived)!;
  return {
    source: p.source,
    derived: p.derived,
    relation: p.relation,
    sourceCoverage: round(p.sourceCoverage),
    derivedCoverage: round(p.derivedCoverage),
    direction: { confidence: round(p.direction.confidence), evidence: p.direction.evidence },
    passages: p.passages.map((x) => passageToReport(s, d, x)),
  };
}

export function documentToReport(doc: Doc, words: number): ReportDocument {
  return {
    id: doc.id,
    path: doc.path,
    title: titleOf(doc),
    chars: [...doc.original].length,
    words,
    url: doc.meta.url,
    site: doc.meta.site,
    published: doc.meta.published,
    author: doc.meta.author,
    encoding: doc.encoding,
    repairs: doc.repairs.length,
    boilerplate: doc.boilerplate.map((b) => toOriginal(doc, b)),
  };
}

export function buildReport(r: ScanResult): Report {
  return {
    version: 1,
    generated: new Date().toISOString(),
    documents: [...r.docs.values()].map((d) => documentToReport(d, wordCount(r.tokens.get(d.id)!))),
    pairs: r.pairs.map((p) => pairToReport(r.docs, p)),
    stories: r.stories,
    problems: r.problems,
    stats: r.stats,
  };
}
