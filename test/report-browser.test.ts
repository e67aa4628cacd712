// index.html (the single-file report) in headless Chromium: the sidebar fits its column with
// long document ids (shortened on screen, whole on hover) and shows story titles whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { cli, ROOT, SEEDS, tempDir } from './helpers/paths.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let report: { stories: { title?: string; members: string[] }[]; pairs: { source: string; derived: string; relation: string }[] };
let page: string;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  // Ids are paths relative to the scanned folder: make them long.
  const dir = tempDir('reprint-longids-');
  const deep = join(dir, 'newsroom-archive-of-the-metropolitan-area', 'august-2019-immigration-enforcement-coverage');
  mkdirSync(deep, { recursive: true });
  for (const f of readdirSync(SEEDS).filter((f) => f.endsWith('.txt')))
    copyFileSync(join(SEEDS, f), join(deep, `${f.slice(0, 3)}-a-page-saved-from-the-web-with-a-long-descriptive-file-name.txt`));
  const out = join(dir, 'out');
  const r = cli(['scan', dir, '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  page = pathToFileURL(join(out, 'index.html')).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
});

test('the sidebar does not scroll sideways; long ids are shortened with the whole id on hover', async () => {
  const p = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(page);
  await p.waitForSelector('nav .tree');
  const nav = await p.evaluate(() => {
    const n = document.getElementById('nav')!;
    return { scroll: n.scrollWidth, client: n.clientWidth };
  });
  assert.ok(nav.scroll <= nav.client, `sidebar scrolls sideways: ${nav.scroll} > ${nav.client}`);
  const lines = await p.$$eval('nav .tree div', (ds) => ds.map((d) => ({ title: d.getAttribute('title'), text: d.textContent!, fits: d.scrollWidth <= d.clientWidth })));
  const members = report.stories.flatMap((s) => s.members);
  assert.deepEqual(lines.map((l) => l.title).sort(), [...members].sort());
  for (const l of lines) {
    assert.ok(l.text.includes('…'), `a long id is shown whole: ${l.text}`);
    assert.ok(l.fits, `a tree line is clipped: ${l.text}`);
    // Each visible piece is in the whole id, in order, the last one at its end.
    const pieces = l.text.replace(/^[\s│├└─]+/, '').split('…');
    let at = 0;
    for (const piece of pieces) {
      const k = l.title!.indexOf(piece, at);
      assert.ok(k >= 0, `${l.text} is not a shortening of ${l.title}`);
      at = k + piece.length;
    }
    assert.ok(l.title!.endsWith(pieces.at(-1)!), `${l.text} does not end as ${l.title}`);
  }
  const buttons = await p.$$eval('nav button', (bs) => bs.map((b) => ({ title: b.getAttribute('title'), fits: b.scrollWidth <= b.clientWidth && [...b.querySelectorAll('span')].every((s) => s.scrollWidth <= s.clientWidth), w: b.textContent })));
  const shared = report.pairs.filter((x) => x.relation !== 'related');
  assert.equal(buttons.length, shared.length);
  assert.deepEqual(buttons.map((b) => b.title).sort(), shared.map((x) => `${x.source} → ${x.derived}`).sort());
  for (const b of buttons) assert.ok(b.fits, `a pair button is clipped: ${b.w}`);
  mkdirSync(join(ROOT, 'screenshots'), { recursive: true });
  await p.screenshot({ path: join(ROOT, 'screenshots', 'report-long-ids.png') });
  assert.deepEqual(errors, []);
});

test('story titles are shown whole, wrapped between words', async () => {
  const p = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  await p.goto(page);
  await p.waitForSelector('nav .story-title');
  const titles = await p.$$eval('nav .story-title', (ts) => ts.map((t) => ({ text: t.textContent, fits: t.scrollWidth <= t.clientWidth, lines: Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight)) })));
  const expected = report.stories.map((s) => s.title).filter(Boolean);
  assert.ok(expected.length > 0);
  assert.deepEqual(titles.map((t) => t.text), expected);
  for (const t of titles) assert.ok(t.fits, `title clipped: ${t.text}`);
  // The seed story's title is longer than the column: it wraps instead of being cut.
  assert.ok(titles.some((t) => t.lines > 1), 'no title needed wrapping; the test says nothing');
});
