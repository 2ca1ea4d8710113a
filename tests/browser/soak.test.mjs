// Memory soak (issue 11): 300 consecutive synthesize() calls of mixed short texts in one worker
// (CPU backend), then 20 loadVoice swaps of the same voice. The wasm linear memory only grows,
// so a leak shows as growth: after 300 calls it must be within 10% of after the first 20. During
// a swap the old voice and the new one coexist, and the allocator's high-water mark climbs in
// ~15 MiB steps over the first swaps before it settles. Measured 2026-11-24 (one build, three
// runs): settled after the 6th swap (199.6, 201.6, 201.6, 216.9, 216.9, 232.3 MiB, then 232.3 for
// 24 more), after the 8th, and in CI after the 4th with one 27 MiB step; another build settled
// after the 2nd. A leak grows without settling, so two bounds: the last eight swaps stay within
// 10% (about 23 MiB: a leak of 3 MiB or more per swap fails), and all 20 together grow less than
// 96 MiB (5 MiB per swap; a leaked voice adds ~90 MiB every swap: checked by not freeing the old
// engine in the worker, which fails both). The figures are printed for the record.
// SOTTO_SOAK_CALLS (default 300, at least 40) shortens the run for a quick check;
// SOTTO_SOAK_SWAPS (default 20, at least 20) lengthens the swaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, GOOD } from './helpers.mjs';

let site, server;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
});

after(async () => {
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

// Short, varied texts: numbers, dates, money, abbreviations, questions, several sentences.
const CALLS = Math.max(40, Number(process.env.SOTTO_SOAK_CALLS ?? 300));
const SWAPS = Math.max(20, Number(process.env.SOTTO_SOAK_SWAPS ?? 20));

const TEXTS = [
  'Hello there.',
  'It costs $4.50.',
  'Meet me at 10:30 tomorrow.',
  'Is this working? Yes!',
  'Dr. Smith lives on Oak St.',
  'The year 1999 was long ago.',
  'Call 555-0123, please.',
  'One. Two. Three.',
  'Rain, wind and snow; then sun.',
  'We sold 3,250 units in Q3.',
  'A short line',
  'The 21st of March, 2024.',
];

test(`memory stays flat over ${CALLS} syntheses and ${SWAPS} voice swaps`, { timeout: 1_800_000 }, async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test.html`);
    const loaded = await page.evaluate(async ({ GOOD }) => {
      const { Sotto } = await import('/www/sotto.js');
      window.tts = await Sotto.load({ manifest: GOOD, backend: 'cpu' });
      window.samples = 0;
      return (await window.tts.stats()).wasmMemoryBytes;
    }, { GOOD });
    // Calls [from, to) in one worker, in batches so that progress shows; resolves to the memory after.
    const run = (from, to) => page.evaluate(async ({ from, to, TEXTS }) => {
      for (let i = from; i < to; i++) {
        window.samples += (await window.tts.synthesize(TEXTS[i % TEXTS.length], { seed: i })).audio.length;
      }
      return (await window.tts.stats()).wasmMemoryBytes;
    }, { from, to, TEXTS });
    const mib = (b) => (b / 2 ** 20).toFixed(1);
    const t0 = Date.now();
    const at20 = await run(0, 20);
    let atEnd = at20;
    for (let i = 20; i < CALLS; i += 40) {
      atEnd = await run(i, Math.min(CALLS, i + 40));
      console.log(`soak: ${Math.min(CALLS, i + 40)} calls, ${mib(atEnd)} MiB, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    const synthSeconds = (Date.now() - t0) / 1000;
    const swaps = await page.evaluate(async ({ GOOD, TEXTS, SWAPS }) => {
      const out = [];
      for (let i = 0; i < SWAPS; i++) {
        await window.tts.loadVoice({ manifest: GOOD, backend: 'cpu' });
        await window.tts.synthesize(TEXTS[i % TEXTS.length], { seed: i });
        out.push((await window.tts.stats()).wasmMemoryBytes);
      }
      return out;
    }, { GOOD, TEXTS, SWAPS });
    const audioSeconds = await page.evaluate(() => window.samples / window.tts.sampleRate);
    console.log(`soak: wasm memory after load ${mib(loaded)} MiB, after 20 calls ${mib(at20)} MiB, ` +
      `after ${CALLS} ${mib(atEnd)} MiB (${(100 * (atEnd / at20 - 1)).toFixed(1)}%); ` +
      `${CALLS} calls took ${synthSeconds.toFixed(1)} s for ${audioSeconds.toFixed(0)} s of audio`);
    console.log(`soak: after each of ${SWAPS} loadVoice swaps: ${swaps.map(mib).join(', ')} MiB`);
    assert.ok(atEnd <= at20 * 1.1, `within 10% after ${CALLS} calls`);
    const last = swaps.length - 1;
    assert.ok(swaps[last] <= swaps[last - 8] * 1.1, 'no growth over the last eight voice swaps (the allocator has settled)');
    assert.ok(swaps[last] - swaps[0] < 96 * 2 ** 20, 'the voice swaps together grow less than 96 MiB');
  } finally {
    await browser.close();
  }
});
