// The web app in headless Chromium (Debian's chromium driven by playwright-core), against a real
// server on 127.0.0.1. Screenshots go to screenshots/ (git-ignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, type Running } from '../src/server/index.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SEEDS = new URL('../../shared/data/seeds/', import.meta.url);
const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
const seedId = (prefix: string) => seedFiles.find((f) => f.startsWith(prefix))!.replace(/\.txt$/, '');
const S0 = seedId('000');
const S3 = seedId('003');

const EVIL_LINE = 'Breaking <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1"> news';
const EVIL_PARA =
  'The harbour authority closed the northern pier on Friday after storm damage was found beneath the deck. ' +
  'Inspectors said the timber supports had rotted through in several places and would need to be replaced before the summer. ' +
  'Fishing boats will use the southern quay until the repairs are finished, the authority said in a statement.';

// Made-up metadata (example domains): the seeds are plain text without any.
const META: Record<string, { date: string; url: string }> = {
  '000': { date: '2019-08-01', url: 'https://www.news.example.com/chicago-police-ice' },
  '001': { date: '2019-08-02', url: 'https://copy.example.org/story/1' },
  '002': { date: '2019-08-03', url: 'https://lawfirm.example.net/blog/ice' },
  '003': { date: '2019-08-03', url: 'https://opinion.example.com/bombshell' },
  '004': { date: '2019-07-20', url: 'https://www.news.example.com/earlier' },
};

let running: Running;
let browser: Browser;
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // HTTP 4xx answers the tests ask for are logged by the browser; they are not script errors.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
  return page;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: SHOTS + name + '.png' });
}

async function postJson(path: string, body: unknown) {
  const r = await fetch(running.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(r.ok, `${path}: ${r.status} ${await r.text()}`);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  running = await serve({ port: 0 });
  // The five seeds, through the API.
  await postJson(
    '/api/documents',
    seedFiles.map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(new URL(f, SEEDS), 'utf8'), ...META[f.slice(0, 3)] })),
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await running?.close();
});

test('trace page: pasting seed 003 finds 000 as a source, with coverage both ways', async () => {
  const page = await newPage();
  await page.goto(running.url + '/#/');
  await page.fill('#trace-text', readFileSync(new URL(S3 + '.txt', SEEDS), 'utf8'));
  await page.click('#trace-go');
  await page.waitForSelector('.source-card');
  const ids = await page.$$eval('.source-card .source-id', (els) => els.map((e) => e.textContent));
  assert.ok(ids.includes(S0), `000 among the sources: ${ids}`);
  const card = page.locator('.source-card', { hasText: S0 });
  await assert.doesNotReject(card.getByText(/of your text comes from it/).waitFor());
  await assert.doesNotReject(card.getByText(/of it is in your text/).waitFor());
  // Open 000 side by side with the pasted text.
  await card.click();
  await page.waitForSelector('#trace-detail #left mark.p');
  assert.ok((await page.locator('#trace-detail #right mark.p').count()) > 0);
  await shot(page, 'trace');
  // A file chosen (or dropped) is read into the text box.
  await page.setInputFiles('#view input[type=file]', fileURLToPath(new URL(S0 + '.txt', SEEDS)));
  await page.waitForFunction((n) => (document.getElementById('trace-text') as HTMLTextAreaElement).value.length === n, readFileSync(new URL(S0 + '.txt', SEEDS), 'utf8').length);
  await page.close();
});

test('stories page lists the seed story; its graph shows four documents with 000 at the root', async () => {
  const page = await newPage();
  await page.goto(running.url + '/#/stories');
  await page.waitForSelector('#stories .story-row');
  const row = page.locator('#stories .story-row').first();
  assert.match((await row.locator('td').nth(1).textContent()) ?? '', /^4$/);
  await shot(page, 'stories');
  await row.locator('a').first().click();
  await page.waitForSelector('#graph svg.graph');
  const nodes = await page.$$eval('#graph svg.graph a.node', (els) => els.map((e) => e.getAttribute('data-id')));
  assert.equal(nodes.length, 4, `nodes: ${nodes}`);
  assert.ok(nodes.includes(S0));
  assert.ok(!nodes.includes(seedId('004')), '004 copies nothing');
  const root = await page.$eval('#graph svg.graph a.node.root', (e) => e.getAttribute('data-id'));
  assert.equal(root, S0);
  // The root is drawn above every other node.
  const ys = await page.$$eval('#graph svg.graph a.node rect', (els) => els.map((e) => [e.parentElement!.getAttribute('data-id'), Number(e.getAttribute('y'))] as const));
  const rootY = ys.find(([id]) => id === S0)![1];
  for (const [id, y] of ys) if (id !== S0) assert.ok(y > rootY, `${id} below the root`);
  // Nodes carry site and date.
  const rootText = await page.$eval('#graph svg.graph a.node.root', (e) => e.textContent ?? '');
  assert.match(rootText, /news\.example\.com/);
  assert.match(rootText, /2019-08-01/);
  const labels = await page.$$eval('#graph svg.graph a.edge text', (els) => els.map((e) => e.textContent));
  assert.equal(labels.length, 3);
  for (const l of labels) assert.match(l ?? '', /^reuses \d+%$/);
  await shot(page, 'story');
  await page.close();
});

test('pair page 000/003: both texts with passages highlighted in matching colours; n/p move between passages', async () => {
  const page = await newPage();
  await page.goto(`${running.url}/#/pair/${S0}/${S3}`);
  await page.waitForSelector('#left mark.p');
  const left = await page.locator('#left mark.p').count();
  const right = await page.locator('#right mark.p').count();
  assert.ok(left > 0 && right > 0, `marks: ${left} / ${right}`);
  const bg = (side: string) => page.$eval(`#${side} mark.p[data-p="0"]`, (e) => getComputedStyle(e).backgroundColor);
  assert.equal(await bg('left'), await bg('right'), 'passage 0 has the same colour on both sides');
  assert.notEqual(await bg('left'), 'rgba(0, 0, 0, 0)');
  await page.keyboard.press('n');
  assert.ok((await page.locator('#left mark.p.focus').count()) > 0);
  assert.ok((await page.locator('#right mark.p.focus').count()) > 0);
  assert.match((await page.locator('.status').textContent()) ?? '', /^Passage 1 of \d+/);
  await page.keyboard.press('j');
  const status = (await page.locator('.status').textContent()) ?? '';
  const total = Number(/of (\d+)/.exec(status)![1]);
  assert.match(status, total > 1 ? /^Passage 2 of/ : /^Passage 1 of/);
  await page.keyboard.press('p');
  assert.match((await page.locator('.status').textContent()) ?? '', /^Passage 1 of/);
  await shot(page, 'pair-000-003');
  // Scrolling one side scrolls the other.
  const before = await page.$eval('#right', (e) => e.scrollTop);
  await page.$eval('#left', (e) => e.scrollTo(0, e.scrollHeight));
  await page.waitForFunction((b) => Math.abs(document.getElementById('right')!.scrollTop - b) > 20, before, { timeout: 5000 });
  // The document page lists its pairs.
  await page.goto(`${running.url}/#/doc/${S3}`);
  await page.waitForSelector('#doc-pairs a');
  assert.ok((await page.locator('#doc-pairs a', { hasText: S0 }).count()) > 0);
  assert.ok(((await page.locator('#doc-text').textContent()) ?? '').length > 1000);
  await page.close();
});

test('a document with <script> and <img onerror> shows as text and runs nothing', async () => {
  await postJson('/api/documents', [
    { id: 'evil-1', text: EVIL_LINE + '\n\n' + EVIL_PARA, title: '<img src=x onerror="window.__pwned=1">' },
    { id: 'evil-2', text: 'Reposted: ' + EVIL_LINE + '\n\n' + EVIL_PARA + '\n\nMore <script>window.__pwned=1</script> later.' },
  ]);
  const page = await newPage();
  for (const hash of ['#/doc/evil-1', '#/pair/evil-1/evil-2', '#/stories']) {
    await page.goto(running.url + '/' + hash);
    await page.waitForSelector(`#view[data-ready="${hash}"]`);
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, hash);
    assert.equal(await page.locator('#view img').count(), 0, `no <img> element on ${hash}`);
    assert.equal(await page.locator('#view script').count(), 0, `no <script> element on ${hash}`);
    if (hash !== '#/stories') {
      const text = (await page.locator('#view').textContent()) ?? '';
      assert.ok(text.includes('<script>window.__pwned=1</script>'), `script tag shown as text on ${hash}`);
      assert.ok(text.includes('<img src=x onerror="window.__pwned=1">'), `img tag shown as text on ${hash}`);
    }
    await shot(page, 'xss-' + hash.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, ''));
  }
  // Tracing the text shows it as text too.
  await page.goto(running.url + '/#/');
  await page.fill('#trace-text', EVIL_LINE + '\n\n' + EVIL_PARA);
  await page.click('#trace-go');
  await page.waitForSelector('#trace-detail #right mark.p');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('#view img').count(), 0);
  await page.close();
});

test('pair view: what changed, most important first; a click shows it in both texts', async () => {
  const S2 = seedId('002');
  const page = await newPage();
  await page.goto(`${running.url}/#/pair/${S0}/${S2}`);
  await page.waitForSelector('#changes li');
  const items = await page.locator('#changes li').allTextContents();
  assert.ok(items.some((t) => t.startsWith('claim changed') && t.includes('instructs officers not to assist')), items.join('\n'));
  assert.ok(items.some((t) => t.startsWith('quote punctuation')));
  assert.ok(items.some((t) => t.startsWith('attribution dropped') && t.includes('Fox News')));
  const i = items.findIndex((t) => t.startsWith('claim changed'));
  await page.locator('#changes li').nth(i).click();
  assert.ok((await page.locator('#left .what.focus').count()) > 0, 'source side marked');
  assert.match((await page.locator('#right .what.focus').allTextContents()).join(''), /instructs officers not to assist/);
  await shot(page, 'pair-changes');
  await page.close();
});

test('add page: a pasted document is added through the API', async () => {
  const page = await newPage();
  await page.goto(running.url + '/#/add');
  await page.fill('#add-id', 'pasted-1');
  await page.fill('#add-text', 'A short pasted document about the weather on the coast this weekend, with sun and light winds.');
  await page.fill('#add-date', '2024-05-01');
  await page.click('#add-go');
  await page.waitForSelector('#add-out .note');
  assert.match((await page.locator('#add-out .note').textContent()) ?? '', /^Added 1 document/);
  await page.click('#add-go');
  await assert.doesNotReject(page.locator('#add-out .error', { hasText: 'duplicate document id "pasted-1"' }).waitFor({ timeout: 5000 }));
  await page.fill('#add-id', 'pasted-2');
  await page.fill('#add-date', 'yesterday');
  await page.click('#add-go');
  await assert.doesNotReject(page.locator('#add-out .error', { hasText: '"date" is not an ISO 8601 date' }).waitFor({ timeout: 5000 }));
  assert.equal((await (await fetch(running.url + '/api/documents/pasted-2')).status), 404, 'the bad one was not added');
  await shot(page, 'add');
  await page.close();
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
