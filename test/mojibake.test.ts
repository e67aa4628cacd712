import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { repairMojibake, CODE_PAGES } from '../src/clean/mojibake.ts';
import { cleanSource } from '../src/clean/index.ts';
import { toOriginal } from '../src/clean/offsets.ts';

const DATA = new URL('../../shared/data/ftfy-cases/', import.meta.url);

function fix(s: string): string {
  return repairMojibake(s)?.text ?? s;
}

/** UTF-8 bytes of `text` decoded with `cp`; bytes the code page leaves undefined show as C1 controls (as browsers do for Latin-1) or Latin-1. */
function garble(text: string, cp: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b < 0x80) {
      out += String.fromCharCode(b);
      continue;
    }
    const ch = iconv.decode(Buffer.from([b]), cp);
    out += ch === '\ufffd' ? String.fromCharCode(b) : ch;
  }
  return out;
}

test('ftfy test cases: every case ftfy passes passes here too, and at least as many in all', () => {
  let pass = 0;
  let total = 0;
  let ftfyPass = 0;
  const failed: string[] = [];
  const ftfyPassesWeFail: string[] = [];
  for (const f of ['in-the-wild', 'synthetic', 'negative', 'language-names', 'known-failures']) {
    const cases = JSON.parse(readFileSync(new URL(f + '.json', DATA), 'utf8'));
    for (const c of cases) {
      total++;
      if (c.expect === 'pass') ftfyPass++;
      const want: string = c['fixed-encoding'] ?? c.fixed;
      const got = fix(c.original);
      if (got.normalize('NFC') === want.normalize('NFC')) pass++;
      else {
        failed.push(`${f}: ${c.label}`);
        if (c.expect === 'pass') ftfyPassesWeFail.push(`${f}: ${c.label}: ${JSON.stringify(c.original)} -> ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
  }
  console.log(`ftfy cases: ${pass}/${total} pass (ftfy itself: ${ftfyPass}); failing: ${failed.join('; ')}`);
  assert.ok(total >= 160);
  assert.deepEqual(ftfyPassesWeFail, [], 'cases ftfy passes that fail here');
  assert.ok(pass >= ftfyPass, `${pass} < ftfy's ${ftfyPass}`);
});

test('negative ftfy cases (text that only looks broken) are left alone, all but one', () => {
  const cases = JSON.parse(readFileSync(new URL('negative.json', DATA), 'utf8'));
  const changed = cases
    .filter((c: Record<string, string>) => fix(c.original) !== (c['fixed-encoding'] ?? c.fixed))
    .map((c: { label: string }) => c.label);
  assert.ok(changed.length <= 1, changed.join('; '));
});

const SAMPLES: Record<string, string> = {
  latin: 'Café “déjà vu” — naïve façade, 5 € and São Paulo’s Ærø',
  czech: 'Příliš žluťoučký kůň úpěl ďábelské ódy',
  polish: 'Zażółć gęślą jaźń, powiedział Łukasz',
  russian: 'Съешь же ещё этих мягких французских булок',
  ukrainian: 'Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів',
  greek: 'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία',
  turkish: 'Pijamalı hasta yağız şoföre çabucak güvendi',
  hebrew: 'דג סקרן שט בים מאוכזב ולפתע מצא חברה',
  arabic: 'نص حكيم له سر قاطع وذو شأن عظيم',
  thai: 'เป็นมนุษย์สุดประเสริฐเลิศคุณค่า',
  baltic: 'Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą',
  vietnamese: 'Tiếng Việt có dấu: Chữ Quốc ngữ',
  emoji: 'Nice 😍 work ✔ — see ☺ and ❤',
};

test('generated mojibake: UTF-8 read as each code page is repaired', () => {
  const failures: string[] = [];
  let n = 0;
  for (const cp of CODE_PAGES) {
    for (const [name, text] of Object.entries(SAMPLES)) {
      const broken = garble(text, cp);
      if (broken === text) continue;
      n++;
      const got = fix(broken);
      if (got !== text) failures.push(`${cp}/${name}: ${JSON.stringify(broken)} -> ${JSON.stringify(got)}`);
    }
  }
  console.log(`generated cases: ${n - failures.length}/${n} repaired`);
  if (failures.length) console.log(failures.slice(0, 60).join('\n'));
  // The Windows, KOI8, DOS and Mac code pages
  // (the ones met in practice) on the Latin sample and on all but at most two others; the rarer ISO-8859 parts, whose
  // mojibake is ambiguous with the Windows code pages, on most.
  for (const cp of CODE_PAGES) {
    const bad = failures.filter((f) => f.startsWith(cp + '/')).length;
    const common = /^(windows|koi8|cp|macintosh|iso-8859-1$)/.test(cp);
    if (common) assert.ok(!failures.some((f) => f.startsWith(cp + '/latin:')), `${cp} latin`);
    assert.ok(bad <= (common ? 2 : 7), `${cp}: ${bad} samples not repaired`);
  }
  assert.ok(failures.length <= n * 0.06, `${failures.length} of ${n} failed`);
});

test('doubly encoded text is repaired', () => {
  for (const cp of ['windows-1252', 'windows-1251', 'macintosh']) {
    const text = 'Café “déjà vu” — naïve';
    const twice = garble(garble(text, cp), cp);
    assert.equal(fix(twice), text, `${cp}: ${twice}`);
  }
});

test('only the broken runs of partly broken text change', () => {
  const good = 'Déjà vu: “Ελληνικά” and русский stay; ';
  const broken = garble('São Paulo’s café', 'windows-1252');
  const r = repairMojibake(good + broken);
  assert.ok(r);
  assert.equal(r.text, good + 'São Paulo’s café');
  for (const x of r.repairs) assert.ok(x.span[0] >= good.length);
});

test('correct text in many scripts is never changed', () => {
  const texts = [
    ...Object.values(SAMPLES),
    'ภาษาไทย เป็นภาษาที่มีระดับเสียงของคำแน่นอน หรือวรรณยุกต์เด่นชัด',
    'สวัสดีครับ รัฐบาลไทย ประกาศ',
    'Η ελληνική γλώσσα είναι μία από τις ινδοευρωπαϊκές γλώσσες. Ώρα: ΆΈΉΊΌΎΏ',
    'Всё хорошо, ёлка, Ёж, объём, съезд, Їжак, єнот, ґанок, Ўладзімір',
    'İstanbul’da Şişli, Ağrı, Iğdır; ılık, ğ ş ç ö ü',
    'Crème brûlée, Ångström, Øresund, Straße, Œuvre, œil, ﬁne',
    'naïve résumé coöperate Zoë Brontë Noël',
    'Emoji 👍🏽 👨‍👩‍👧 🇫🇷 🎉 ✨ ❤️',
    'Math: ∀x∈ℝ, x² ≥ 0; ∑ᵢ aᵢ ≤ √π ± ∞; 5×£35; 2012—∞; ½ ¾',
    'עברית: שלום עולם',
    'العربية: مرحبا بالعالم',
    '中文 日本語 한국어',
    'Ελληνικά and Русский and ไทย mixed with English',
    'NESTLÉ® and IKEA™, AT&T©, ©2024',
    'Prices: £5, €10, ¥100, ₹50; 20°C, 5‰',
    '“Quoted” ‘text’ — with … ellipses and – dashes',
    'SELKÄ EDELLÄ MAAHAN',
    'C O N C L U S Ã O',
    'The IL2Rγ chain, TNFα, 5 µm, β-catenin and Ωm',
    'Å være eller ikke være. Å gå på tur i Å i Lofoten',
    'Ö är en ö. É verdade. Ô meu Deus. Ó mar salgado',
  ];
  for (const t of texts) assert.equal(repairMojibake(t), null, t);
});

test('a lone ambiguous pair is left alone in text that is otherwise correctly decoded', () => {
  // "Ã¥" is "å" in Latin-1 and U+0334 in Mac Roman; the correct "–" (a lone continuation
  // byte in Windows-1252) shows that this text was not misread as a whole.
  assert.equal(repairMojibake('pÃ¥ torsdag – Smith'), null);
  // With nothing to contradict the reading, or with more than one broken word, it is repaired.
  assert.equal(fix('pÃ¥ torsdag - Smith'), 'på torsdag - Smith');
  assert.equal(fix('Vi ses pÃ¥ torsdag og pÃ¥ fredag – Smith'), 'Vi ses på torsdag og på fredag – Smith');
  // A pair no other code page reads plausibly is repaired anyway.
  assert.equal(fix('Ã‰cole – Paris'), 'École – Paris');
});

test('lost bytes anywhere in a sequence, and a no-break space turned into a space', () => {
  // U+FFFD in place of the third of four bytes: the whole emoji is one U+FFFD
  assert.equal(fix('Party ðŸŽ‰ and ðŸ�° tonight'), 'Party 🎉 and \ufffd tonight');
  // U+2800 (E2 A0 80) whose 0xA0 became a space; "Â " after punctuation is a no-break space
  assert.equal(fix('â € Regulamento!!!Â ðŸ˜€'), '\u2800 Regulamento!!!\u00a0😀');
  // ... but a word "Â" of its own stays
  assert.equal(repairMojibake('Price: Â 5 and Â Total'), null);
});

test('a garble that no code page explains is not decoded in bits', () => {
  // doubly encoded, then lowercased: "Ãƒ" became "ãƒ", which no reading undoes
  const lowered = garble(garble('Café “déjà vu” — naïve façade', 'windows-1252'), 'windows-1252').toLowerCase();
  const got = fix(lowered);
  assert.ok(!/[\u2a00-\u2aff\u3000-\u9fff]/.test(got), got);
});

test('Windows-1257 mojibake in Lithuanian, with words that carry no evidence of their own', () => {
  const text = 'Šiaip įdomu, kaip įsivaizduoji. Visų pirma tam reikia laiko.';
  assert.equal(fix(garble(text, 'windows-1257').replace(/\u00a0/g, ' ')), text);
});

test('repair spans and the offset map point into the original text', () => {
  const original = 'The mayorโ€™s office said โ€œnoโ€\u009d to Patrรญcia.';
  const d = cleanSource({ id: 't', path: 't.txt', text: original, meta: {} });
  assert.equal(d.text, 'The mayor’s office said “no” to Patrícia.');
  for (const r of d.repairs) {
    assert.equal(original.slice(r.span[0], r.span[1]), r.before);
    assert.equal(r.kind, 'utf-8 read as windows-874');
  }
  const i = d.text.indexOf('“no”');
  assert.deepEqual(toOriginal(d, [i, i + 4]), [original.indexOf('โ€œno'), original.indexOf(' to Patr')]);
  const j = d.text.indexOf('Patrícia');
  const [s, e] = toOriginal(d, [j, j + 8]);
  assert.equal(original.slice(s, e), 'Patrรญcia');
  // A span inside unchanged text maps one to one.
  assert.deepEqual(toOriginal(d, [0, 3]), [0, 3]);
});

test('code point spans: astral characters before a repair', () => {
  const original = '😀 Ã©tÃ©';
  const d = cleanSource({ id: 't', path: 't.txt', text: original, meta: {} });
  assert.equal(d.text, '😀 été');
  const i = d.text.indexOf('été');
  // In code points the emoji counts once.
  assert.deepEqual(toOriginal(d, [i, i + 3]), [2, 7]);
});

test('random text: repairs keep the offset map consistent and never throw', () => {
  // deterministic pseudo-random strings mixing ASCII, Latin-1, mojibake pieces, Thai, Cyrillic, emoji
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const parts = ['a', 'é', 'Ã', '©', 'â€', 'œ', '™', ' ', '\n', 'โ', 'รฉ', 'Р', 'С', 'ё', '😀', '\u0081', '\ufffd', '?', 'Â', '\u00a0', 'ß', '║', '┐', '×', '”'];
  for (let t = 0; t < 300; t++) {
    let s = '';
    const len = 1 + rnd(40);
    for (let i = 0; i < len; i++) s += parts[rnd(parts.length)];
    const r = repairMojibake(s);
    if (!r) continue;
    assert.equal(r.map.length, r.text.length + 1);
    assert.equal(r.map[r.text.length], s.length);
    for (let i = 1; i < r.map.length; i++) assert.ok(r.map[i] >= r.map[i - 1], JSON.stringify(s));
    for (const x of r.repairs) {
      assert.equal(s.slice(x.span[0], x.span[1]), x.before);
      assert.ok(x.span[1] > x.span[0]);
    }
  }
});
