// The core of the real-browser suite in Firefox ESR (CPU backend: it has no WebGPU), driven by
// puppeteer-core over WebDriver BiDi: load with progress and verified shards, synthesis that
// matches the native CLI, word timings in the input's UTF-16 offsets, a tampered shard refused
// by name, and the demo reloading offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import {
  buildSite, addTamperedVoice, startServer, nativeReference, snrDb, rms, fromBase64F32, PAGE_HELPERS, HELLO, GOOD, BAD,
  CAFE,
} from './helpers.mjs';
import { launchFirefox } from '../../tools/firefox.mjs';

let site, server, browser, page;

before(async () => {
  site = await buildSite();
  await addTamperedVoice(site);
  server = await startServer(site);
  browser = await launchFirefox();
  page = await browser.newPage();
  await page.evaluateOnNewDocument(PAGE_HELPERS);
  await page.goto(`${server.url}/test.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('Firefox: loads with progress, verifies shards, synthesizes like the native CLI', async () => {
  const r = await page.evaluate(async (GOOD, HELLO, CAFE) => {
    const { Sotto } = await import('/www/sotto.js');
    const phases = new Set();
    let last = null;
    window.tts = await Sotto.load({ manifest: GOOD, onProgress: (e) => { phases.add(e.phase); last = e; } });
    const { audio, sampleRate } = await tts.synthesize(HELLO, { phonemes: true, noiseScale: 0, noiseW: 0 });
    const text = await tts.synthesize('Firefox speaks too. Twice, in fact.');
    const words = [];
    for await (const c of tts.stream(CAFE)) words.push(...c.words);
    return { backend: tts.backend, phases: [...phases].sort(), last, sampleRate, b64: f32ToBase64(audio),
      textSamples: text.audio.length, words };
  }, GOOD, HELLO, CAFE);
  const audio = fromBase64F32(r.b64);
  const ref = await nativeReference(HELLO, site);
  const snr = snrDb(ref, audio);
  console.log(`firefox: backend ${r.backend}; phases ${r.phases}; ${audio.length} samples (native ${ref.length}); ` +
    `SNR ${snr.toFixed(1)} dB; text: ${r.textSamples} samples`);
  assert.equal(r.backend, 'cpu', "'auto' picks the CPU where there is no WebGPU");
  assert.deepEqual(r.phases, ['download', 'verify']);
  assert.equal(r.last.overallLoaded, r.last.overallTotal);
  assert.equal(r.sampleRate, 22050);
  assert.equal(audio.length, ref.length);
  assert.ok(rms(audio) > 0.01 && snr >= 40, `SNR ${snr.toFixed(1)} dB >= 40 dB`);
  assert.ok(r.textSamples > 22050);
  console.log(`firefox words: ${r.words.map((w) => `${w.text}[${w.charStart},${w.charEnd})@${w.start.toFixed(2)}`).join(' ')}`);
  assert.ok(r.words.length >= 5);
  for (const w of r.words) assert.equal(CAFE.slice(w.charStart, w.charEnd), w.text, 'UTF-16 offsets into the input');
  assert.ok(r.words.some((w) => w.text === '$79.99'));
});

test('Firefox: a tampered shard is refused by name and the loaded voice keeps working', async () => {
  const r = await page.evaluate(async (BAD, HELLO) => {
    let refused = null;
    try { await tts.loadVoice({ manifest: BAD, cache: false }); } catch (e) { refused = e.message; }
    const cached = (await (await caches.open('sotto-v1')).keys()).map((k) => k.url);
    const { audio } = await tts.synthesize(HELLO, { phonemes: true });
    tts.dispose();
    return { refused, n: audio.length, tamperedCached: cached.some((u) => u.includes('/tampered/')) };
  }, BAD, HELLO);
  console.log(`firefox: refused "${r.refused}"`);
  assert.match(r.refused ?? '', /vocoder-00\.safetensors/);
  assert.ok(!r.tamperedCached);
  assert.ok(r.n > 0);
});

test('Firefox: the demo works offline after one visit (server stopped)', async () => {
  const demo = await browser.newPage();
  const ready = () => demo.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 180_000 });
  const state = () => demo.$eval('body', (b) => b.dataset.state);
  const error = () => demo.$eval('#error', (e) => e.textContent);
  await demo.goto(`${server.url}/www/?backend=cpu`);
  await ready();
  assert.equal(await state(), 'ready', `demo failed to load: ${await error()}`);
  await demo.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await demo.reload();
  await ready();
  assert.ok(await demo.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'the service worker controls the page');

  await server.close();
  const before = server.requests.length;
  await demo.reload();
  await ready();
  assert.equal(await state(), 'ready', `offline load failed: ${await error()}`);
  // Headless Firefox here has no audio output (an AudioContext never leaves 'suspended'), so
  // the offline voice is heard through the library rather than the Speak button's WebAudio.
  const n = await demo.evaluate(async (GOOD) => {
    const { Sotto } = await import('/www/sotto.js');
    const tts = await Sotto.load({ manifest: GOOD, backend: 'cpu' });
    const { audio } = await tts.synthesize('Offline and still speaking.');
    tts.dispose();
    return audio.length;
  }, GOOD);
  console.log(`firefox offline: demo ready, ${n} samples synthesized from the cached voice`);
  assert.ok(n > 22050, 'the cached voice speaks offline');
  assert.equal(server.requests.length, before, 'nothing reached the (stopped) server');
  await demo.close();
});
