// Which of two documents that share text is the source? Evidence: publication dates, explicit
// attribution in the text ("according to X", "In an article by X on Y", "Source: X"), and
// containment asymmetry (a copy is mostly made of what it took; its source is only partly used).

import type { Doc, Metadata, Passage } from '../types.ts';

/** Names a text credits as its source, with where they were found (clean-text offsets). */
export interface Citation {
  name: string;
  phrase: string;
  at: number;
}

const NAME = String.raw`((?:[A-Z][\w&.'’-]*|[A-Z]{2,})(?:[ \t]+(?:[A-Z][\w&.'’-]*|of|the|and|news|[A-Z]{2,})){0,4})`;
/** A colon after "source", "via", "credit" or "h/t" (spaces between allowed). */
function creditColon(text: string): boolean {
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let j = i;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    const w = text.slice(Math.max(0, j - 6), j).toLowerCase();
    if (w.endsWith('source') || w.endsWith('via') || w.endsWith('credit') || w.endsWith('h/t')) return true;
  }
  return false;
}

/**
 * Credit patterns. Two have a quick test the text must pass first (`may`: a text that fails it
 * cannot match): they try every word boundary or capital letter and are the slowest of the five
 * (BBC + Reuters, 22 MB: 51 and 61 ms, against 3 and 12 ms for their tests). For the others a
 * test of their literal words costs about what the pattern does.
 */
const PATTERNS: { re: RegExp; may?: (text: string) => boolean }[] = [
  // "according to Reuters," but not "according to Chicago police sources"
  {
    re: new RegExp(String.raw`\b[Aa]ccording to (?:[Tt]he\s+)?` + NAME + String.raw`(?=[,.;:)]|\s*$|\s+(?:reports?|reported|said|says)\b)`, 'gm'),
  },
  {
    re: new RegExp(String.raw`\b[Ii]n an? (?:article|report|story|piece|interview) (?:by [A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3} )?(?:on|in|for|at|from|published (?:by|in|on)) (?:[Tt]he\s+)?` + NAME, 'g'),
  },
  { re: new RegExp(String.raw`\b(?:[Ss]ource|[Vv]ia|[Cc]redit|[Hh]/[Tt])\s*:\s*` + NAME, 'g'), may: creditColon },
  // "appeared" and "ran" credit an outlet only when a piece of writing did so: a person who
  // "first appeared on This Morning" is not a source
  {
    re: new RegExp(String.raw`\b(?:(?:[Oo]riginally|[Ff]irst) (?:published|posted) (?:in|on|at|by)|(?:[Aa]rticle|[Ss]tory|[Pp]iece|[Rr]eport|[Cc]olumn|[Ii]nterview|[Vv]ersion|[Pp]ost|[Ee]ssay|[Ff]eature|[Ll]etter|[Ii]t) (?:was |has |had )?(?:originally|first) (?:appeared|ran) (?:in|on|at)|[Rr]e(?:printed|published|posted) (?:from|with permission of)|[Aa]s (?:first )?reported (?:by|in))\s+(?:[Tt]he\s+)?` + NAME, 'g'),
  },
  // (NAME first: tried at every capital letter)
  { re: new RegExp(NAME + String.raw`\s+(?:is has|has) seen a copy of`, 'g'), may: (text) => text.includes('has seen a copy of') },
];

const STOP_NAMES = new Set(['The', 'This', 'That', 'It', 'He', 'She', 'They', 'We', 'I', 'A', 'An', 'In', 'On']);

/** Find explicit attributions in a text. */
export function citations(text: string): Citation[] {
  const out: Citation[] = [];
  const seen = new Set<string>();
  for (const { re, may } of PATTERNS) {
    if (may && !may(text)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      let name = m[1].replace(/[\s.,'’-]+$/, '').trim();
      // cut trailing lowercase joiners ("Fox News and") and sentence tails
      name = name.replace(/\s+(?:of|the|and)$/i, '');
      if (!name || STOP_NAMES.has(name)) continue;
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name, phrase: m[0].trim(), at: m.index });
      if (out.length >= 8) return out;
    }
  }
  return out;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Does `name` refer to the document with this metadata or text (its site, outlet or author)? */
export function namesDoc(name: string, meta: Metadata, text: string, itsCitations: Citation[] = []): string | null {
  const n = normalise(name);
  if (n.length < 3) return null;
  // A document that itself credits this name is a fellow copy, not the outlet.
  if (itsCitations.some((c) => normalise(c.name) === n)) return null;
  const fields: [string, string | undefined][] = [
    ['site', meta.site],
    ['url', meta.url],
    ['author', meta.author],
    ['title', meta.title],
  ];
  for (const [field, value] of fields) {
    if (!value) continue;
    const v = normalise(field === 'url' ? value.replace(/^https?:\/\/(www\.)?/, '') : value);
    if (v.includes(n) || (field === 'site' && n.includes(v) && v.length >= 3)) return `its ${field} "${value}"`;
  }
  // The outlet names itself in its own report: "told Fox News", "obtained by Fox News".
  const self = new RegExp(
    String.raw`\b(?:told|obtained by|reached out|contacted by|reviewed by|seen by|said to)\s+` +
      name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    'i',
  );
  const selfAfter = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + String.raw`\s+(?:has learned|has seen|understands|reported|revealed)`, "i");
  if (self.test(text) || selfAfter.test(text)) return 'it names itself so ("told/obtained by ' + name + '")';
  return null;
}

/** Parse an ISO-ish date to milliseconds, or NaN. */
export function dateValue(s: string | undefined): number {
  if (!s) return NaN;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : NaN;
}

/** Shared stretches this many times longer on one side than on the other: condensed. */
const CONDENSED = 1.1;
/** Largest vote of containment asymmetry. */
const CONTAINMENT_MAX = 0.2;
/**
 * Largest vote of the two length rules together (condensing and containment): below
 * UNSURE_DIRECTION's score (0.2), so a pair with no date, credit or repair to go by reads as
 * unsure. Lengths point both ways in news: a paper cuts wire copy down (the copy is shorter and
 * mostly what it took), but it also wraps a wire brief whole in reporting of its own or pads its
 * sentences (then the source is the shorter side, contained in the copy).
 */
const LENGTH_MAX = 0.18;

export interface DirectionVote {
  /** > 0: `a` is the source; < 0: `b` is the source. Roughly -1..1. */
  score: number;
  evidence: string[];
  /** One side credits the other by name: 1 when b credits a, -1 when a credits b, else 0. */
  credited: number;
}

/**
 * Evidence about which of `a` and `b` came first. `covA` / `covB` are the shares of each covered
 * by the passages between them (a copy is mostly made of what it took, so the copy is covered more).
 */
export function directionVote(
  a: Doc,
  b: Doc,
  covA: number,
  covB: number,
  citesA: Citation[],
  citesB: Citation[],
  passages: Passage[] = [],
): DirectionVote {
  let score = 0;
  let credited = 0;
  const evidence: string[] = [];
  const da = dateValue(a.meta.published);
  const db = dateValue(b.meta.published);
  if (Number.isFinite(da) && Number.isFinite(db) && da !== db) {
    const aFirst = da < db;
    score += aFirst ? 0.6 : -0.6;
    const [first, later] = aFirst ? [a, b] : [b, a];
    evidence.push(`${first.id} is dated ${first.meta.published}, before ${later.id} (${later.meta.published})`);
  } else {
    const ca = dateValue(a.meta.crawled);
    const cb = dateValue(b.meta.crawled);
    if (Number.isFinite(ca) && Number.isFinite(cb) && Math.abs(ca - cb) > 86_400_000) {
      score += ca < cb ? 0.15 : -0.15;
      evidence.push(`${ca < cb ? a.id : b.id} was crawled first`);
    }
  }
  const norm = (c: Citation) => normalise(c.name);
  const shared = citesA.map(norm).filter((n) => citesB.some((c) => norm(c) === n));
  if (shared.length) {
    // Both credit the same outlet: two copies of a third document, no evidence between them.
    evidence.push(`both credit "${citesA.find((c) => norm(c) === shared[0])!.name}"`);
  } else
    for (const [cites, citer, other, otherCites, sign] of [
      [citesB, b, a, citesA, 1],
      [citesA, a, b, citesB, -1],
    ] as const) {
      if (!cites.length) continue;
      // The citation that names the other document, else the first one.
      let match: string | null = null;
      let c = cites[0];
      for (const x of cites) {
        match = namesDoc(x.name, other.meta, other.text, otherCites);
        if (match) {
          c = x;
          break;
        }
      }
      if (match) {
        score += 0.45 * sign;
        credited += sign;
        evidence.push(`${citer.id} credits "${c.name}" ("${c.phrase}"), which is ${other.id}: ${match}`);
      } else {
        score += 0.2 * sign;
        evidence.push(`${citer.id} credits another outlet: "${c.phrase}"`);
      }
    }
  // Mojibake arrives on the way: the side whose text had to be repaired is likely the copy.
  const ra = a.repairs.length > 0;
  const rb = b.repairs.length > 0;
  if (ra !== rb) {
    score += rb ? 0.2 : -0.2;
    evidence.push(`${rb ? b.id : a.id} carries broken encoding (repaired), ${rb ? a.id : b.id} does not`);
  }
  // Condensing: an edited version is shorter than what it was made from (a newspaper's rewrite
  // of wire copy, a summary), so the side whose shared stretches are longer is the source.
  let length = 0;
  let la = 0;
  let lb = 0;
  for (const p of passages) {
    la += p.source[1] - p.source[0];
    lb += p.derived[1] - p.derived[0];
  }
  if (la > 0 && lb > 0 && Math.max(la, lb) >= CONDENSED * Math.min(la, lb)) {
    length += Math.max(-0.25, Math.min(0.25, Math.log(la / lb) * 0.5));
    const [src, cp] = la > lb ? [a, b] : [b, a];
    evidence.push(`${cp.id} condenses what it shares with ${src.id}: ${Math.round((Math.min(la, lb) / Math.max(la, lb)) * 100)}% of the length`);
  }
  // Containment is weak evidence: a copy is mostly made of what it took, while its source is
  // only partly used (a newspaper cuts wire copy down, an excerpt drops the rest), so the side
  // more covered by the shared text is the copy. (A copy that wraps a whole source in material
  // of its own reads the other way; credits and dates, when present, outweigh this.)
  const diff = covA - covB;
  if (Math.abs(diff) >= 0.1) {
    length -= Math.max(-CONTAINMENT_MAX, Math.min(CONTAINMENT_MAX, diff * 0.4));
    const [src, cp] = diff > 0 ? [b, a] : [a, b];
    const [cs, cc] = diff > 0 ? [covB, covA] : [covA, covB];
    evidence.push(
      `${cp.id} is mostly what it shares with ${src.id}: ${Math.round(cc * 100)}% of ${cp.id} is shared, ${Math.round(cs * 100)}% of ${src.id}`,
    );
  }
  score += Math.max(-LENGTH_MAX, Math.min(LENGTH_MAX, length));
  return { score, evidence, credited };
}
