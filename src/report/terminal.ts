// The short summary `reprint scan` prints.

import type { Pair, Story, InputProblem } from '../types.ts';
import type { ScanResult } from '../engine.ts';
import { count } from './words.ts';
import { docsOf, pairChunks, pairToReport, type Report, type ReportPair } from './json.ts';
import { changesLine } from '../relate/changes.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** One line about a pair: how much the derived document reuses, how, and which way. */
function describe(p: ReportPair, derivedKnown: boolean): string {
  const kinds = new Map<string, number>();
  for (const x of p.passages) kinds.set(x.kind, (kinds.get(x.kind) ?? 0) + (x.derived[1] - x.derived[0]));
  const main = [...kinds].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const label = main.length ? ` (${main.join(', ')})` : '';
  const parts = [`reuses ${pct(p.sourceCoverage)} of ${p.source}${label}`];
  if (derivedKnown) parts.push(`${pct(1 - p.derivedCoverage)} of its own text is new`);
  const edits = p.passages.reduce((n, x) => n + (x.edits?.length ?? 0), 0);
  if (edits) parts.push(count(edits, 'word-level change'));
  const cite = p.direction.evidence.find((e) => e.includes(' credits '));
  const m = cite?.match(/credits (?:another outlet: )?"([^"]+)"/);
  if (m) parts.push(`cites "${m[1].replace(/^(?:according to|in an? \w+ .*? (?:on|in|for|at|from)) /i, '')}"`);
  parts.push(`direction ${pct(p.direction.confidence)} sure`);
  return parts.join(', ');
}

/** Stories printed in full; the rest are counted (report.json and index.html have them all). */
export const MAX_STORIES = 20;

/** What the summary says, however it was gathered. */
interface SummaryInput {
  documents: number;
  stories: Story[];
  problems: InputProblem[];
  /** The line for the lineage edge parent -> child ('' when the scan has no pair between them). */
  edge(parent: string, child: string): string;
  /** What the child changed, most important first ('' when nothing, or no pair). */
  changes?(parent: string, child: string): string;
  /** Pairs sharing text (not "related"), and duplicates among them. */
  sharing: number;
  duplicates: number;
  /** Documents that are members of no story, when counted otherwise than documents - members. */
  notInStory?: number;
  /** A line before the counts (the note on an incomplete scan). */
  note?: string;
}

function render(s: SummaryInput, maxStories: number): string {
  const lines: string[] = [];
  const inStory = new Set<string>();
  s.stories.forEach((st, k) => {
    st.members.forEach((m) => inStory.add(m));
    if (k === maxStories) lines.push(`... and ${count(s.stories.length - maxStories, 'more story', 'more stories')} (see the report)`);
    if (k >= maxStories) return;
    lines.push(`Story ${k + 1}: "${st.title ?? st.root}"  (${count(st.members.length, 'document')})`);
    lines.push(`  ${st.root}  source`);
    const children = childrenOf(st);
    const walk = (id: string, prefix: string) => {
      const kids = children.get(id) ?? [];
      kids.forEach((kid, i) => {
        const last = i === kids.length - 1;
        lines.push(`${prefix}${last ? '└─' : '├─'} ${kid}  ${s.edge(id, kid)}`);
        const changed = s.changes?.(id, kid);
        if (changed) lines.push(`${prefix}${last ? '   ' : '│  '}   what changed: ${changed}`);
        walk(kid, prefix + (last ? '   ' : '│  '));
      });
    };
    walk(st.root, '  ');
  });
  const relatedAll = s.stories.flatMap((st, k) => st.related.map((r) => `${r} (same topic as story ${k + 1})`));
  const related = relatedAll.slice(0, 10);
  if (related.length)
    lines.push(`Related, nothing copied: ${related.join(', ')}${relatedAll.length > 10 ? `, and ${relatedAll.length - 10} more` : ''}`);
  const alone = (s.notInStory ?? s.documents - inStory.size) - relatedAll.length;
  if (s.note) lines.push(s.note);
  lines.push(
    `${count(s.documents, 'document')}, ${count(s.stories.length, 'story')}, ` +
      `${count(s.sharing, 'pair')} sharing text (${count(s.duplicates, 'duplicate')}), ` +
      `${count(alone, 'document')} ${alone === 1 ? 'shares' : 'share'} nothing.`,
  );
  const skipped = s.problems.filter((p) => !p.warning).length;
  const warned = s.problems.length - skipped;
  if (skipped) lines.push(`${count(skipped, 'input')} skipped (see above).`);
  if (warned) lines.push(`${count(warned, 'warning')} (see above).`);
  return lines.join('\n');
}

/** Children of each member in a story's lineage tree, in member order. */
function childrenOf(st: Story): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of st.members) {
    const p = st.parents[m];
    if (p === undefined) continue;
    let l = out.get(p);
    if (!l) out.set(p, (l = []));
    l.push(m);
  }
  return out;
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * The summary of a report (report.json's object). The report of an incomplete scan lists only
 * the documents that share text, so its counts say less; `scanSummary` counts every document.
 */
export function summary(report: Report, maxStories = MAX_STORIES): string {
  const byPair = new Map<string, ReportPair>();
  for (const p of report.pairs) byPair.set(key(p.source, p.derived), p);
  const known = new Set(report.documents.map((d) => d.id));
  const inStory = new Set(report.stories.flatMap((s) => s.members));
  return render(
    {
      documents: report.documents.length,
      stories: report.stories,
      problems: report.problems,
      edge: (id, kid) => {
        const p = byPair.get(key(id, kid)) ?? byPair.get(key(kid, id));
        return p ? (p.source === id ? describe(p, known.has(p.derived)) : `shares text with ${id} (direction unclear)`) : '';
      },
      changes: (id, kid) => {
        const p = byPair.get(key(id, kid));
        return p?.changes ? changesLine(p.changes) : '';
      },
      sharing: report.pairs.filter((p) => p.relation !== 'related').length,
      duplicates: report.pairs.filter((p) => p.relation === 'duplicate').length,
      notInStory: report.documents.filter((d) => !inStory.has(d.id)).length,
    },
    maxStories,
  );
}

/**
 * The summary straight from a scan result, complete or not (the same text as
 * `summary(buildReport(result))`): only the lineage pairs of the stories printed are converted,
 * their documents read a chunk at a time where `result.docs` does not hold them.
 */
export async function scanSummary(result: ScanResult, maxStories = MAX_STORIES): Promise<string> {
  // The lineage edges printed, both ways round.
  const wanted = new Set<string>();
  for (const st of result.stories.slice(0, maxStories))
    for (const m of st.members) {
      const p = st.parents[m];
      if (p !== undefined) wanted.add(key(p, m)).add(key(m, p));
    }
  const byPair = new Map<string, Pair>();
  for (const p of result.pairs) if (wanted.has(key(p.source, p.derived))) byPair.set(key(p.source, p.derived), p);
  // Describe the pairs whose source is the parent (those need their documents' spans).
  const toDescribe: Pair[] = [];
  for (const st of result.stories.slice(0, maxStories))
    for (const m of st.members) {
      const parent = st.parents[m];
      if (parent === undefined) continue;
      const p = byPair.get(key(parent, m)) ?? byPair.get(key(m, parent));
      if (p && p.source === parent) toDescribe.push(p);
    }
  const lines = new Map<Pair, string>();
  for (const c of pairChunks(toDescribe)) {
    const docs = await docsOf(result, c.ids);
    for (const p of c.pairs) lines.set(p, describe(pairToReport(docs, p), true));
  }
  const changed = (id: string, kid: string) => {
    const p = byPair.get(key(id, kid));
    return p?.changes ? changesLine(p.changes) : '';
  };
  let sharing = 0;
  let duplicates = 0;
  for (const p of result.pairs) {
    if (p.relation !== 'related') sharing++;
    if (p.relation === 'duplicate') duplicates++;
  }
  return render(
    {
      documents: result.stats.documents,
      stories: result.stories,
      problems: result.problems,
      edge: (id, kid) => {
        const p = byPair.get(key(id, kid)) ?? byPair.get(key(kid, id));
        return p ? (p.source === id ? lines.get(p)! : `shares text with ${id} (direction unclear)`) : '';
      },
      changes: changed,
      sharing,
      duplicates,
      note: result.complete
        ? undefined
        : `Large scan: report.json lists the ${result.ids.length} documents that share text, not all ${result.stats.documents}; ` +
          'same-topic ("related") documents are not looked for.',
    },
    maxStories,
  );
}
