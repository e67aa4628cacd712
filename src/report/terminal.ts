// The short summary `reprint scan` prints.

import type { Report, ReportPair } from './json.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

function describe(p: ReportPair, report: Report): string {
  const kinds = new Map<string, number>();
  for (const x of p.passages) kinds.set(x.kind, (kinds.get(x.kind) ?? 0) + (x.derived[1] - x.derived[0]));
  const main = [...kinds].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const label = main.length ? ` (${main.join(', ')})` : '';
  const derivedDoc = report.documents.find((d) => d.id === p.derived);
  const parts = [`reuses ${pct(p.sourceCoverage)} of ${p.source}${label}`];
  if (derivedDoc) parts.push(`${pct(1 - p.derivedCoverage)} of its own text is new`);
  const edits = p.passages.reduce((n, x) => n + (x.edits?.length ?? 0), 0);
  if (edits) parts.push(`${edits} word-level change${edits === 1 ? '' : 's'}`);
  const cite = p.direction.evidence.find((e) => e.includes(' credits '));
  const m = cite?.match(/credits (?:another outlet: )?"([^"]+)"/);
  if (m) parts.push(`cites "${m[1].replace(/^(?:according to|in an? \w+ .*? (?:on|in|for|at|from)) /i, '')}"`);
  parts.push(`direction ${pct(p.direction.confidence)} sure`);
  return parts.join(', ');
}

/** Stories printed in full; the rest are counted (report.json and index.html have them all). */
export const MAX_STORIES = 20;

export function summary(report: Report, maxStories = MAX_STORIES): string {
  const lines: string[] = [];
  const byPair = new Map<string, ReportPair>();
  for (const p of report.pairs) byPair.set(`${p.source}\u0000${p.derived}`, p);
  const inStory = new Set<string>();
  report.stories.forEach((s, k) => {
    s.members.forEach((m) => inStory.add(m));
    if (k === maxStories) lines.push(`... and ${report.stories.length - maxStories} more stories (see the report)`);
    if (k >= maxStories) return;
    lines.push(`Story ${k + 1}: "${s.title ?? s.root}"  (${s.members.length} documents)`);
    lines.push(`  ${s.root}  source`);
    const children = (id: string) => s.members.filter((m) => s.parents[m] === id);
    const walk = (id: string, prefix: string) => {
      const kids = children(id);
      kids.forEach((kid, i) => {
        const last = i === kids.length - 1;
        const p = byPair.get(`${id}\u0000${kid}`) ?? byPair.get(`${kid}\u0000${id}`);
        const text = p ? (p.source === id ? describe(p, report) : `shares text with ${id} (direction unclear)`) : '';
        lines.push(`${prefix}${last ? '└─' : '├─'} ${kid}  ${text}`);
        walk(kid, prefix + (last ? '   ' : '│  '));
      });
    };
    walk(s.root, '  ');
  });
  const relatedAll = report.stories.flatMap((s, k) => s.related.map((r) => `${r} (same topic as story ${k + 1})`));
  const related = relatedAll.slice(0, 10);
  if (related.length)
    lines.push(`Related, nothing copied: ${related.join(', ')}${relatedAll.length > 10 ? `, and ${relatedAll.length - 10} more` : ''}`);
  const alone = report.documents.filter((d) => !inStory.has(d.id)).length - relatedAll.length;
  const dup = report.pairs.filter((p) => p.relation === 'duplicate').length;
  lines.push(
    `${report.documents.length} documents, ${report.stories.length} ${report.stories.length === 1 ? 'story' : 'stories'}, ` +
      `${report.pairs.filter((p) => p.relation !== 'related').length} pairs sharing text (${dup} duplicates), ${alone} documents share nothing.`,
  );
  const skipped = report.problems.filter((p) => !p.warning).length;
  const warned = report.problems.length - skipped;
  if (skipped) lines.push(`${skipped} input${skipped === 1 ? '' : 's'} skipped (see above).`);
  if (warned) lines.push(`${warned} warning${warned === 1 ? '' : 's'} (see above).`);
  return lines.join('\n');
}
