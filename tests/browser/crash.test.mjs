// Crash recovery (issue 11, finding 7): a wasm trap (what a Rust panic becomes under
// panic = "abort") kills the engine's instance. The call it happened in, and the calls queued
// behind it, reject with name 'EngineCrashed'; Sotto replaces the worker, reloads the current
// voice and lexicon (verified again), and later calls work without the page calling load.
// The trap is forced through the test-only hook (src/web.rs `__sotto_test_trap`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, HELLO, GOOD } from './helpers.mjs';

let site, server;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
});

after(async () => {
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('a wasm trap rejects the call with EngineCrashed and the next synthesize works without load', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test.html`);
    const r = await page.evaluate(async ({ GOOD, HELLO }) => {
      const { Sotto } = await import('/www/sotto.js');
      const tts = await Sotto.load({ manifest: GOOD, backend: 'cpu' });
      // A lexicon override whose effect is audible: it must survive the restart.
      await tts.setLexicon([['zorblax', 'hˈɛloʊ']]);
      const opts = { noiseScale: 0, noiseW: 0 };
      const before = await tts.synthesize(HELLO, { ...opts, phonemes: true });
      const lexBefore = await tts.synthesize('Zorblax.', opts);
      const outcome = (p) => p.then(() => 'resolved', (e) => e.name);
      // The trap, and a call queued behind it in the same (dying) worker.
      const trapped = outcome(tts[Symbol.for('sotto.test.trap')]());
      const queued = outcome(tts.synthesize(HELLO, { phonemes: true }));
      const [trap, behind] = await Promise.all([trapped, queued]);
      // No loadVoice: the next calls must just work.
      const after = await tts.synthesize(HELLO, { ...opts, phonemes: true });
      const lexAfter = await tts.synthesize('Zorblax.', opts);
      const same = (a, b) => a.audio.length === b.audio.length && a.audio.every((v, i) => v === b.audio[i]);
      const result = {
        trap, behind, n: after.audio.length, sameAudio: same(before, after), sameLexicon: same(lexBefore, lexAfter),
        voiceId: tts.voiceId, stats: await tts.stats(),
      };
      // A second crash, this time inside an async call's poll (where a panic in synthesis
      // happens): the trap escapes every promise, and is still detected and recovered from.
      const trapped2 = outcome(tts[Symbol.for('sotto.test.trap')]('async'));
      const queued2 = outcome(tts.synthesize(HELLO, { phonemes: true }));
      [result.trap2, result.behind2] = await Promise.all([trapped2, queued2]);
      result.n2 = (await tts.synthesize(HELLO, { phonemes: true })).audio.length;
      tts.dispose();
      return result;
    }, { GOOD, HELLO });
    console.log(`crash: trap -> ${r.trap}, queued call -> ${r.behind}; after restart ${r.n} samples, ` +
      `identical ${r.sameAudio}, lexicon kept ${r.sameLexicon}; async crash -> ${r.trap2}, queued -> ${r.behind2}, ` +
      `then ${r.n2} samples`);
    assert.equal(r.trap, 'EngineCrashed');
    assert.equal(r.behind, 'EngineCrashed');
    assert.ok(r.n > 10_000);
    assert.ok(r.sameAudio, 'the reloaded voice speaks exactly as before');
    assert.ok(r.sameLexicon, 'the lexicon override survived the restart');
    assert.equal(r.voiceId, 'en_US-joe-medium');
    assert.ok(r.stats.wasmMemoryBytes > 0);
    assert.equal(r.trap2, 'EngineCrashed');
    assert.equal(r.behind2, 'EngineCrashed');
    assert.ok(r.n2 > 10_000);
  } finally {
    await browser.close();
  }
});

test('the test hook refuses before the engine exists, and the instance stays usable', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test.html`);
    const r = await page.evaluate(async ({ GOOD, HELLO }) => {
      const { Sotto } = await import('/www/sotto.js');
      const tts = new Sotto();
      // No wasm yet: the hook refuses (nothing to trap), then a voice loads normally.
      const early = await tts[Symbol.for('sotto.test.trap')]().then(() => 'resolved', (e) => e.message);
      await tts.loadVoice({ manifest: GOOD, backend: 'cpu' });
      const n = (await tts.synthesize(HELLO, { phonemes: true })).audio.length;
      tts.dispose();
      return { early, n };
    }, { GOOD, HELLO });
    assert.match(r.early, /no test hook/);
    assert.ok(r.n > 10_000);
  } finally {
    await browser.close();
  }
});
