// The demo PWA: Speak starts playback on the CPU backend (screenshot: $SOTTO_SCREENSHOT, default
// sotto-demo.png in the temp dir), the page runs under its strict CSP, and after one visit it
// works with the server stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, startServer, launch, HELLO, CAFE } from './helpers.mjs';

const SCREENSHOT = process.env.SOTTO_SCREENSHOT ?? join(tmpdir(), 'sotto-demo.png');
let site, server, browser, page;
const pageErrors = [];

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

async function speakPhonemes() {
  // The phoneme checkbox makes the demo independent of the text front-end.
  await page.fill('#text', `${HELLO} ${HELLO}`);
  await page.check('#phonemes');
  await page.click('#speak');
  await page.waitForSelector('body[data-playing="true"]', { timeout: 60_000 });
  return page.textContent('#status');
}

test('(f) demo: Speak on the CPU backend starts playback', async () => {
  const t0 = Date.now();
  await page.goto(`${server.url}/www/?backend=cpu`);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
  const error = await page.textContent('#error');
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready', `demo failed to load: ${error}`);
  const loadMs = Date.now() - t0;
  assert.equal(await page.textContent('#backend'), 'CPU');
  const t1 = Date.now();
  await page.click('#speak'); // the default English text, through the text front-end
  await page.waitForSelector('body[data-playing="true"], body[data-state="error"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-playing'), 'true', `speak failed: ${await page.textContent('#error')}`);
  const status = await page.textContent('#status');
  console.log(`demo: ready after ${loadMs} ms; playback scheduled ${Date.now() - t1} ms after click; status "${status}"`);
  assert.match(status, /Playing/);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 }); // playback ends
  assert.match(await page.textContent('#status'), /Done/);

  // Download WAV produces a 16-bit PCM RIFF file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const bytes = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b));
  assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
  assert.equal(bytes.readUInt16LE(34), 16);
  assert.ok(bytes.length > 44 + 2 * 22050 * 0.5);
  console.log(`demo: downloaded WAV of ${bytes.length} bytes`);

  // Errors are shown in the alert area, and the page stays usable.
  await page.fill('#text', 'x'.repeat(10_001));
  await page.click('#speak');
  await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
  console.log(`demo: error shown: "${await page.textContent('#error')}"`);
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-error.png') });
  await page.waitForSelector('body[data-state="ready"]');
  assert.deepEqual(pageErrors, []);
  const csp = browser.logs.filter((l) => /Content Security Policy|Refused to/.test(l));
  assert.deepEqual(csp, [], 'no CSP violations');
});

test('demo: the word being spoken is highlighted in the copy of the text; the spoken form on request', async () => {
  const text = `${CAFE} Then it was over.`;
  await page.uncheck('#phonemes');
  await page.fill('#text', text);
  // Records, in order, every word element that gets the highlight class (by the class it had
  // before each change: a short word may lose it again before the observer runs).
  await page.evaluate(() => {
    window.highlighted = [];
    new MutationObserver((records) => {
      for (const r of records) {
        if (!r.oldValue?.split(' ').includes('current')) window.highlighted.push(r.target.textContent);
      }
    }).observe(document.getElementById('reading'),
      { subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
  });
  await page.click('#speak');
  await page.waitForSelector('#reading .word.current', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-state'), 'speaking', 'highlighted during playback');
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  assert.equal(await page.textContent('#error'), '');
  const r = await page.evaluate(() => ({
    highlighted: window.highlighted,
    words: [...document.querySelectorAll('#reading .word')].map((e) => e.textContent),
    reading: document.getElementById('reading').textContent,
    current: document.querySelectorAll('#reading .current').length,
    spokenHidden: document.getElementById('spoken-form').hidden,
  }));
  console.log(`demo highlight: ${r.highlighted.join(' → ')}`);
  assert.equal(r.reading, text, 'the copy shows the text as typed');
  assert.ok(r.words.includes('$79.99') && r.words.includes('Café'));
  assert.deepEqual(r.highlighted, r.words, 'every word was highlighted once, in order');
  assert.equal(r.current, 0, 'no highlight after playback');
  assert.ok(r.spokenHidden, 'the spoken form is hidden until asked for');

  await page.check('#show-spoken');
  const spoken = await page.$$eval('#spoken-form:not([hidden]) li', (li) => li.map((e) => e.textContent));
  console.log(`demo spoken form: ${JSON.stringify(spoken)}`);
  assert.equal(spoken.length, 2, 'one entry per sentence');
  assert.match(spoken[0], /dollars/i);
  assert.doesNotMatch(spoken[0], /\$/);
  await page.uncheck('#show-spoken');
  assert.ok(await page.$eval('#spoken-form', (e) => e.hidden));
  const csp = browser.logs.filter((l) => /Content Security Policy|Refused to/.test(l));
  assert.deepEqual(csp, [], 'no CSP violations');
  assert.deepEqual(pageErrors, []);
});

test('(d) demo works offline after one visit (server stopped)', async () => {
  // Wait for the service worker to be active and in control, and for the voice to be cached.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload(); // now controlled by the service worker
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const cached = await page.evaluate(async () => ({
    controlled: Boolean(navigator.serviceWorker.controller),
    caches: await caches.keys(),
    shards: (await (await caches.open('sotto-v1')).keys()).length,
  }));
  console.log(`offline: caches ${JSON.stringify(cached)}`);
  assert.ok(cached.controlled);
  assert.ok(cached.shards >= 5);

  await server.close();
  await browser.context.setOffline(true);
  const before = server.requests.length;
  const t0 = Date.now();
  await page.reload();
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
  const error = await page.textContent('#error');
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready', `offline load failed: ${error}`);
  const loadMs = Date.now() - t0;
  const status = await speakPhonemes();
  console.log(`offline: ready after ${loadMs} ms; speak status "${status}"`);
  assert.equal(server.requests.length, before, 'nothing reached the (stopped) server');
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
});
