// Planted changes, with ground truth: originals from the word chain (bench/lib/gen.ts) that hold
// a quote with its speaker, a figure, a credit ("according to the X") and a claim with a modal,
// and copies of them that each change one thing:
//   quote altered      a word inside the quote replaced
//   quote punctuation  a word inside the quote capitalised and a comma added (same words)
//   quote truncated    the quote's second half cut, an ellipsis in its place
//   quote dropped      the quote paragraph left out
//   speaker changed    the quote credited to another person
//   fact changed       the figure changed
//   claim changed      "will be" becomes "will not be"
//   attribution dropped  ", according to the X" left out
//   new quote          a quote paragraph added (it is also framing: the copy's own text)
//   framing added      an intro paragraph added
//   identical          a byte-identical copy (nothing to report)
// Spans in the truth are [start, end) in code points of each text (the texts are BMP only).

import { Chain, rng } from './gen.ts';
import type { Span } from '../../src/types.ts';

export const PLANTED = [
  'quote altered',
  'quote punctuation',
  'quote truncated',
  'quote dropped',
  'speaker changed',
  'fact changed',
  'claim changed',
  'attribution dropped',
  'new quote',
  'framing added',
  'identical',
] as const;
export type Planted = (typeof PLANTED)[number];

export interface PlantedTruth {
  source: string;
  derived: string;
  planted: Planted;
  /** What a correct analysis reports: kind and where (either span may be absent). */
  expect: { kind: string; source?: Span; derived?: Span }[];
}

export interface ChangeCorpus {
  docs: { id: string; text: string; date: string }[];
  truth: PlantedTruth[];
}

const FIRST = ['Miriam', 'Tomas', 'Aisha', 'Peter', 'Lena', 'Omar', 'Grace', 'Viktor', 'Nadia', 'Hugo', 'Ines', 'Kwame', 'Sofia', 'Rafael', 'Yuki', 'Dmitri'];
const LAST = ['Osei', 'Lund', 'Haddad', 'Moreau', 'Kowalski', 'Brennan', 'Achebe', 'Lindqvist', 'Tanaka', 'Ferreira', 'Novak', 'Okafor', 'Castillo', 'Berger', 'Mensah', 'Halvorsen'];
const ROLES = ['council leader', 'board chair', 'chief executive', 'spokeswoman', 'union official', 'head teacher', 'police chief', 'minister'];
const OUTLETS = ['Kestrel Gazette', 'Northfield Courier', 'Valley Herald', 'Harbour Times', 'Midland Post', 'Eastgate Chronicle'];
const ORGS = ['council', 'health board', 'transport agency', 'water company', 'school trust', 'port authority'];
const NOUNS = ['bridge', 'library', 'main road', 'swimming pool', 'market hall', 'rail depot', 'clinic'];
const VERBS = ['closed', 'sold', 'rebuilt', 'moved', 'expanded', 'inspected'];

/** A chain sentence without quote marks or credits of its own (those are planted). */
function plain(chain: Chain, r: () => number, len: number): string {
  return chain
    .sentence(r, len)
    .replace(/["“”‘’`]/g, '')
    .replace(/\baccording to\b/gi, 'after')
    .replace(/\b(?:not|no|never|may|might|must|should|could|can|shall)\b/gi, 'also')
    .replace(/\s+/g, ' ')
    .trim();
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** How a quote is written: curly or straight marks, speaker after or before, a line break inside. */
interface QuoteStyle {
  para(inner: string, speaker: string): string;
  /** The quoted text (what the truth's spans cover) from its words. */
  inner(words: string[]): string;
}
const STYLES: QuoteStyle[] = [
  { para: (q, s) => `“${q}” said ${s}.`, inner: (w) => w.join(' ') + ',' },
  { para: (q, s) => `${s.charAt(0).toUpperCase() + s.slice(1)} said: “${q}”`, inner: (w) => w.join(' ') + '.' },
  { para: (q, s) => `"${q}" ${s} said.`, inner: (w) => w.join(' ') + ',' },
  { para: (q, s) => `“${q}” said ${s}.`, inner: (w) => w.slice(0, 5).join(' ') + '\n' + w.slice(5).join(' ') + ',' },
];

interface Original {
  id: string;
  paras: string[];
  quote: { para: number; words: string[]; speaker: string; style: QuoteStyle };
  fact: { para: number; number: string };
  credit: { para: number; phrase: string };
  claim: { para: number };
}

function original(id: string, chain: Chain, r: () => number): Original {
  const paras = chain.article(r).map((p) => p.replace(/["“”‘’`]/g, '').replace(/\baccording to\b/gi, 'after').replace(/\b(?:not|no|never|may|might|must|should|could|can|shall)\b/gi, 'also'));
  const speaker = `${pick(r, ROLES)} ${pick(r, FIRST)} ${pick(r, LAST)}`;
  const qw = plain(chain, r, 14).replace(/[.!?]+$/, '').split(' ');
  const number = pick(r, [String(100 + Math.floor(r() * 900)), (1000 + Math.floor(r() * 9000)).toLocaleString('en-US'), `$${(1 + r() * 9).toFixed(1)} million`]);
  const outlet = pick(r, OUTLETS);
  const credit = pick(r, [`, according to the ${outlet}`, `, as first reported by the ${outlet}`]);
  const style = pick(r, STYLES);
  // the planted facts sit inside chain text, so that originals do not share these sentences
  const fw = plain(chain, r, 14).split(' ');
  const fk = 2 + Math.floor(r() * (fw.length - 3));
  const factP = `${fw.slice(0, fk).join(' ')} ${number} ${pick(r, ORGS)} ${fw.slice(fk).join(' ')} ${plain(chain, r, 12)}`;
  const creditP = `${plain(chain, r, 14).replace(/[.!?]+$/, '')}${credit}. ${plain(chain, r, 10)}`;
  const cw = plain(chain, r, 14).split(' ');
  const ck = 2 + Math.floor(r() * (cw.length - 3));
  const claimP = `${cw.slice(0, ck).join(' ')} the ${pick(r, NOUNS)} will be ${pick(r, VERBS)} ${cw.slice(ck).join(' ')} ${plain(chain, r, 12)}`;
  const quoteP = style.para(style.inner(qw), speaker);
  // place them among the chain paragraphs (after the title)
  const out = [paras[0], paras[1], factP, paras[2] ?? plain(chain, r, 20), quoteP, paras[3] ?? plain(chain, r, 20), creditP, paras[4] ?? plain(chain, r, 20), claimP, ...paras.slice(5)];
  return { id, paras: out, quote: { para: 4, words: qw, speaker, style }, fact: { para: 2, number }, credit: { para: 6, phrase: credit }, claim: { para: 8 } };
}

const join = (ps: string[]) => ps.join('\n\n');
/** Code-point span of `sub` inside paragraph `k` of `ps` (joined with blank lines). */
function spanIn(ps: string[], k: number, sub: string, from = 0): Span {
  let at = 0;
  for (let i = 0; i < k; i++) at += ps[i].length + 2;
  const i = ps[k].indexOf(sub, from);
  if (i < 0) throw new Error(`"${sub}" not in paragraph ${k}`);
  return [at + i, at + i + sub.length];
}

/** Originals and copies with one planted change each (and byte-identical copies). */
export function generateChanges(chain: Chain, n: number, seed = 7): ChangeCorpus {
  const r = rng(seed);
  const docs: ChangeCorpus['docs'] = [];
  const truth: PlantedTruth[] = [];
  for (let i = 0; i < n; i++) {
    const o = original(`o${i}`, chain, r);
    docs.push({ id: o.id, text: join(o.paras), date: '2024-01-01' });
    const planted = PLANTED[i % PLANTED.length];
    const ps = o.paras.slice();
    const expect: PlantedTruth['expect'] = [];
    const st = o.quote.style;
    const quoteInner = (p: string[]) => spanIn(p, o.quote.para, st.inner(o.quote.words));
    // light rewording elsewhere (a lower-case word replaced in two other paragraphs): no change to report
    for (const k of planted === 'identical' ? [] : [1, 3]) {
      const ws = ps[k].split(' ');
      const j = Math.floor(r() * ws.length);
      const w = pick(r, chain.words);
      if (/^[a-z]{4,}$/.test(ws[j]) && /^[a-z]{4,}$/.test(w)) ws[j] = w;
      ps[k] = ws.join(' ');
    }
    switch (planted) {
      case 'quote altered': {
        const w = o.quote.words.slice();
        const k = Math.floor(w.length / 2);
        let repl = w[k];
        while (repl.toLowerCase() === w[k].toLowerCase() || /[^\p{L}]/u.test(repl)) repl = pick(r, chain.words);
        w[k] = repl;
        ps[o.quote.para] = st.para(st.inner(w), o.quote.speaker);
        expect.push({ kind: planted, source: quoteInner(o.paras), derived: spanIn(ps, o.quote.para, st.inner(w)) });
        break;
      }
      case 'quote punctuation': {
        const w = o.quote.words.slice();
        const k = Math.floor(w.length / 2);
        w[k] = w[k].charAt(0).toUpperCase() + w[k].slice(1) + (/[,;:]$/.test(w[k]) ? '' : ',');
        ps[o.quote.para] = st.para(st.inner(w), o.quote.speaker);
        expect.push({ kind: planted, source: quoteInner(o.paras), derived: spanIn(ps, o.quote.para, st.inner(w)) });
        break;
      }
      case 'quote truncated': {
        const w = o.quote.words.slice(0, Math.ceil(o.quote.words.length / 2));
        const inner = w.join(' ') + ' …' + (st === STYLES[1] ? '.' : ',');
        ps[o.quote.para] = st.para(inner, o.quote.speaker);
        expect.push({ kind: planted, source: quoteInner(o.paras), derived: spanIn(ps, o.quote.para, inner) });
        break;
      }
      case 'quote dropped':
        ps.splice(o.quote.para, 1);
        expect.push({ kind: planted, source: quoteInner(o.paras) });
        break;
      case 'speaker changed': {
        let other = o.quote.speaker;
        while (other.split(' ').slice(-2).some((x) => o.quote.speaker.includes(x))) other = `${o.quote.speaker.split(' ').slice(0, -2).join(' ')} ${pick(r, FIRST)} ${pick(r, LAST)}`;
        ps[o.quote.para] = st.para(st.inner(o.quote.words), other);
        expect.push({ kind: planted, source: quoteInner(o.paras), derived: quoteInner(ps) });
        break;
      }
      case 'fact changed': {
        const digits = o.fact.number.replace(/\d/, (d) => String((Number(d) % 9) + 1));
        const changed = digits === o.fact.number ? o.fact.number + '0' : digits;
        ps[o.fact.para] = ps[o.fact.para].replace(` ${o.fact.number} `, ` ${changed} `);
        expect.push({ kind: planted, source: spanIn(o.paras, o.fact.para, o.fact.number), derived: spanIn(ps, o.fact.para, changed) });
        break;
      }
      case 'claim changed': {
        const to = pick(r, ['will not be', 'won’t be', 'will never be', 'may be', 'must be']);
        ps[o.claim.para] = ps[o.claim.para].replace(' will be ', ` ${to} `);
        expect.push({ kind: planted, source: spanIn(o.paras, o.claim.para, 'will be'), derived: spanIn(ps, o.claim.para, to) });
        break;
      }
      case 'attribution dropped':
        ps[o.credit.para] = ps[o.credit.para].replace(o.credit.phrase, '');
        expect.push({ kind: planted, source: spanIn(o.paras, o.credit.para, o.credit.phrase.slice(2)) });
        break;
      case 'new quote': {
        const w = plain(chain, r, 12).replace(/[.!?]+$/, '');
        const who = `${pick(r, ROLES)} ${pick(r, FIRST)} ${pick(r, LAST)}`;
        const para = `“${w},” said ${who}.`;
        ps.splice(ps.length - 1, 0, para);
        const at = ps.length - 2;
        expect.push({ kind: planted, derived: spanIn(ps, at, w + ',') });
        // the copy's own paragraph between reused ones is framing too
        expect.push({ kind: 'framing added', derived: spanIn(ps, at, para) });
        break;
      }
      case 'framing added': {
        const intro = `Comment: ${plain(chain, r, 16)} ${plain(chain, r, 14)}`;
        ps.unshift(intro);
        expect.push({ kind: planted, derived: spanIn(ps, 0, intro) });
        break;
      }
      case 'identical':
        break;
    }
    docs.push({ id: `c${i}`, text: join(ps), date: '2024-01-02' });
    truth.push({ source: o.id, derived: `c${i}`, planted, expect });
  }
  return { docs, truth };
}
