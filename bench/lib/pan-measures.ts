// PAN text-alignment measures (Potthast, Stein, Barrón-Cedeño, Rosso: "An Evaluation Framework
// for Plagiarism Detection", COLING 2010), as computed by PAN's perfmeasures.py:
//
//   a case s and a detection r are sets of characters in the suspicious and the source document;
//   r detects s when they overlap in the suspicious document AND in the source document;
//   s ⊓ r = s ∩ r if r detects s, else ∅;
//   precision   = 1/|R| Σ_r |∪_s (s ⊓ r)| / |r|
//   recall      = 1/|S| Σ_s |∪_r (s ⊓ r)| / |s|
//   (both 1 when there are neither cases nor detections, both 0 when only one set is empty)
//   granularity = 1/|S_R| Σ_{s ∈ S_R} |R_s|          (1 when no case is detected)
//   plagdet     = F1(precision, recall) / log2(1 + granularity)
//
// where |s| counts the characters on both sides (suspicious and source).

export interface Annotation {
  /** Suspicious document file name (e.g. "suspicious-document00001.txt"). */
  susp: string;
  /** Source document file name. */
  src: string;
  thisOffset: number;
  thisLength: number;
  sourceOffset: number;
  sourceLength: number;
  /** The obfuscation attribute of a ground-truth case, if any. */
  obfuscation?: string;
}

export interface PanScores {
  precision: number;
  recall: number;
  granularity: number;
  plagdet: number;
  cases: number;
  detections: number;
  detectedCases: number;
}

type Iv = [number, number];

/** Total length of the union of intervals. */
function unionLength(ivs: Iv[]): number {
  if (ivs.length === 0) return 0;
  ivs.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let [s, e] = ivs[0];
  for (let i = 1; i < ivs.length; i++) {
    const [a, b] = ivs[i];
    if (a > e) {
      total += e - s;
      s = a;
      e = b;
    } else if (b > e) e = b;
  }
  return total + (e - s);
}

function inter(a0: number, a1: number, b0: number, b1: number): Iv | null {
  const s = Math.max(a0, b0);
  const e = Math.min(a1, b1);
  return e > s ? [s, e] : null;
}

/** True when r detects s: same document pair, overlapping on both sides. */
export function detects(s: Annotation, r: Annotation): boolean {
  return (
    s.susp === r.susp &&
    s.src === r.src &&
    inter(s.thisOffset, s.thisOffset + s.thisLength, r.thisOffset, r.thisOffset + r.thisLength) !== null &&
    inter(s.sourceOffset, s.sourceOffset + s.sourceLength, r.sourceOffset, r.sourceOffset + r.sourceLength) !== null
  );
}

/** Overlap characters of x with the union of the ys that detect / are detected (both sides). */
function coveredBy(x: Annotation, ys: Annotation[]): number {
  const a: Iv[] = [];
  const b: Iv[] = [];
  for (const y of ys) {
    const i = inter(x.thisOffset, x.thisOffset + x.thisLength, y.thisOffset, y.thisOffset + y.thisLength);
    if (i) a.push(i);
    const j = inter(x.sourceOffset, x.sourceOffset + x.sourceLength, y.sourceOffset, y.sourceOffset + y.sourceLength);
    if (j) b.push(j);
  }
  return unionLength(a) + unionLength(b);
}

export function panMeasures(cases: readonly Annotation[], detections: readonly Annotation[]): PanScores {
  const key = (x: Annotation) => x.susp + '\u0000' + x.src;
  const detByPair = new Map<string, Annotation[]>();
  for (const r of detections) {
    const k = key(r);
    let l = detByPair.get(k);
    if (!l) detByPair.set(k, (l = []));
    l.push(r);
  }
  const caseByPair = new Map<string, Annotation[]>();
  for (const s of cases) {
    const k = key(s);
    let l = caseByPair.get(k);
    if (!l) caseByPair.set(k, (l = []));
    l.push(s);
  }
  let recSum = 0;
  let granSum = 0;
  let detected = 0;
  for (const s of cases) {
    const rs = (detByPair.get(key(s)) ?? []).filter((r) => detects(s, r));
    const size = s.thisLength + s.sourceLength;
    if (rs.length > 0) {
      detected++;
      granSum += rs.length;
      if (size > 0) recSum += coveredBy(s, rs) / size;
    }
  }
  let precSum = 0;
  for (const r of detections) {
    const ss = (caseByPair.get(key(r)) ?? []).filter((s) => detects(s, r));
    const size = r.thisLength + r.sourceLength;
    if (ss.length > 0 && size > 0) precSum += coveredBy(r, ss) / size;
  }
  // As perfmeasures.py: no cases and no detections is perfect; one of them empty scores 0.
  const bothEmpty = cases.length === 0 && detections.length === 0;
  const precision = bothEmpty ? 1 : detections.length && cases.length ? precSum / detections.length : 0;
  const recall = bothEmpty ? 1 : cases.length && detections.length ? recSum / cases.length : 0;
  const granularity = detected ? granSum / detected : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const plagdet = f1 / Math.log2(1 + granularity);
  return { precision, recall, granularity, plagdet, cases: cases.length, detections: detections.length, detectedCases: detected };
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag);
  return m ? m[1] : undefined;
}

/**
 * Parse a PAN XML file: the features named `plagiarism` (ground truth) or `detected-plagiarism`
 * (detections). `srcFallback` names the source document when the feature has no source_reference.
 */
export function parsePanXml(xml: string, srcFallback = ''): Annotation[] {
  const doc = /<document\b[^>]*>/.exec(xml);
  const susp = doc ? (attr(doc[0], 'reference') ?? '') : '';
  const out: Annotation[] = [];
  for (const m of xml.matchAll(/<feature\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (name !== 'plagiarism' && name !== 'detected-plagiarism') continue;
    const num = (n: string) => {
      const v = attr(tag, n);
      const x = v === undefined ? NaN : Number(v);
      if (!Number.isFinite(x)) throw new Error(`PAN XML feature without a numeric ${n}: ${tag}`);
      return x;
    };
    const a: Annotation = {
      susp,
      src: attr(tag, 'source_reference') ?? srcFallback,
      thisOffset: num('this_offset'),
      thisLength: num('this_length'),
      sourceOffset: num('source_offset'),
      sourceLength: num('source_length'),
    };
    const obf = attr(tag, 'obfuscation') ?? attr(tag, 'type');
    if (obf) a.obfuscation = obf;
    out.push(a);
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A detection file in the PAN format. */
export function panXml(susp: string, src: string, detections: readonly Annotation[]): string {
  const lines = [`<document reference="${esc(susp)}">`];
  for (const d of detections) {
    lines.push(
      `<feature name="detected-plagiarism" this_offset="${d.thisOffset}" this_length="${d.thisLength}"` +
        ` source_reference="${esc(src)}" source_offset="${d.sourceOffset}" source_length="${d.sourceLength}" />`,
    );
  }
  lines.push('</document>', '');
  return lines.join('\n');
}
