// The vocoder pool (www/sotto-pool.js) in Chromium, on a page WITHOUT cross-origin isolation
// (no COOP/COEP, so no SharedArrayBuffer): with workers = 2 the audio, chunk order and words
// equal workers = 1 (the engine vocoding itself); the vocoder workers take the verified shard
// from the Cache API (no second download); crash recovery of the engine worker still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, GOOD, CAFE } from './helpers.mjs';

let site, server, browser, page;
const TEXT = `${CAFE} The quick brown fox jumps over the lazy dog, twice, while the band plays on. Is that all?`;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch();
  page = await browser.context.newPage();
  await page.goto(`${server.url}/test.html`);
  await page.evaluate(async (GOOD) => {
    const { Sotto } = await import('/www/sotto.js');
    window.one = await Sotto.load({ manifest: GOOD, backend: 'cpu', workers: 1 });
    window.two = await Sotto.load({ manifest: GOOD, backend: 'cpu', workers: 2 });
    window.run = async (tts, text) => {
      const chunks = [];
      for await (const c of tts.stream(text)) chunks.push(c);
      return chunks;
    };
    // Same chunks (order, words, text) and the audio's SNR against the reference.
    window.compare = (ref, got) => {
      const meta = (cs) => JSON.stringify(cs.map(({ audio, ...rest }) => ({ ...rest, samples: audio.length })));
      let signal = 0;
      let noise = 0;
      let exact = true;
      ref.forEach((c, i) => {
        const a = c.audio;
        const b = got[i]?.audio ?? new Float32Array(0);
        if (a.length !== b.length) exact = false;
        for (let k = 0; k < a.length; k++) {
          signal += a[k] * a[k];
          noise += (a[k] - (b[k] ?? 0)) ** 2;
          if (a[k] !== b[k]) exact = false;
        }
      });
      return {
        sameMeta: meta(ref) === meta(got), chunks: ref.length, sentences: new Set(ref.map((c) => c.sentenceIndex)).size,
        words: ref.reduce((n, c) => n + c.words.length, 0), exact, snr: 10 * Math.log10(signal / noise),
      };
    };
  }, GOOD);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('the page is not cross-origin isolated: no SharedArrayBuffer', async () => {
  const env = await page.evaluate(() => ({
    isolated: globalThis.crossOriginIsolated, sab: typeof SharedArrayBuffer, one: one.workers, two: two.workers,
  }));
  assert.deepEqual(env, { isolated: false, sab: 'undefined', one: 1, two: 2 });
});

test('workers = 2 gives the audio, chunk order and words of workers = 1', async () => {
  const r = await page.evaluate(async (text) => compare(await run(one, text), await run(two, text)), TEXT);
  console.log(`pool: ${JSON.stringify(r)}`);
  assert.ok(r.chunks >= 4 && r.sentences >= 2 && r.words >= 10, JSON.stringify(r));
  assert.ok(r.sameMeta, 'same chunks: index, sentence, start, words, text, spoken, length');
  assert.ok(r.exact || r.snr >= 80, `SNR ${r.snr} dB`);
});

test('phoneme input and a stream broken off early also work through the pool', async () => {
  const r = await page.evaluate(async () => {
    const ph = 'həlˈoʊ wˈɜːld. ðɪs ɪz ɐ tˈɛst ʌv ðə pˈuːl.';
    const a = [];
    for await (const c of one.stream(ph, { phonemes: true })) a.push(c);
    const b = [];
    for await (const c of two.stream(ph, { phonemes: true })) b.push(c);
    let first = null;
    for await (const c of two.stream('One. Two. Three. Four.')) { first = c; break; }
    return { ...compare(a, b), brokeOff: first?.index === 0 && first.audio.length > 0 };
  });
  assert.ok(r.sameMeta && (r.exact || r.snr >= 80) && r.brokeOff, JSON.stringify(r));
});

test('the vocoder workers read the verified shard from the Cache API, not the network', () => {
  const count = (name) => server.requests.filter((p) => p.endsWith(name)).length;
  // `one` downloaded the voice (and cached it); `two`'s engine and its two vocoder workers
  // took the cached copies (each verified again in Rust before parsing).
  assert.equal(count('vocoder-00.safetensors'), 1, server.requests.join(' '));
  assert.equal(count('acoustic-00.safetensors'), 1);
});

test('the engine worker crashing still recovers with a pool', async () => {
  const r = await page.evaluate(async (text) => {
    const name = await two[Symbol.for('sotto.test.trap')]().then(() => 'resolved', (e) => e.name);
    const after = await run(two, text);
    return { name, ...compare(await run(one, text), after) };
  }, 'Back again after a crash.');
  assert.equal(r.name, 'EngineCrashed');
  assert.ok(r.sameMeta && (r.exact || r.snr >= 80), JSON.stringify(r));
});
