// Integrity: a shard with one flipped byte is refused by name, nothing is cached for it, and a
// voice that was already loaded keeps working. A damaged cache entry is re-verified and replaced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, addTamperedVoice, startServer, launch, HELLO, GOOD, BAD } from './helpers.mjs';

let site, server;

before(async () => {
  site = await buildSite();
  await addTamperedVoice(site);
  server = await startServer(site);
});

after(async () => {
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

async function freshPage() {
  const browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/test.html`);
  return { browser, page };
}

test('(c) a tampered shard is refused by name and a loaded voice keeps working', async () => {
  const { browser, page } = await freshPage();
  try {
    const r = await page.evaluate(async ({ GOOD, BAD, HELLO }) => {
      const { Sotto } = await import('/www/sotto.js');
      const cachedFiles = async () => {
        const c = await caches.open('sotto-v1');
        return (await c.keys()).map((k) => k.url.split('/').pop());
      };
      // 1. Fresh profile, tampered voice: refused, and its shard is not cached.
      let first = null;
      try { await Sotto.load({ manifest: BAD, backend: 'cpu' }); } catch (e) { first = e.message; }
      const cachedAfterBad = await cachedFiles();
      // 2. The good voice loads and speaks.
      const tts = await Sotto.load({ manifest: GOOD, backend: 'cpu' });
      const a = await tts.synthesize(HELLO, { phonemes: true, noiseScale: 0, noiseW: 0 });
      // 3. Replacing it with the tampered voice (bypassing the verified cache) fails...
      let second = null;
      try { await tts.loadVoice({ manifest: BAD, backend: 'cpu', cache: false }); } catch (e) { second = e.message; }
      // 4. ...and the loaded voice still works, unchanged.
      const b = await tts.synthesize(HELLO, { phonemes: true, noiseScale: 0, noiseW: 0 });
      let same = a.audio.length === b.audio.length;
      for (let i = 0; same && i < a.audio.length; i++) same = a.audio[i] === b.audio[i];
      tts.dispose();
      return { first, second, cachedAfterBad, cachedAfterGood: await cachedFiles(), n: b.audio.length,
        rms: Math.sqrt(b.audio.reduce((s, v) => s + v * v, 0) / b.audio.length), same };
    }, { GOOD, BAD, HELLO });
    console.log(`refused: "${r.first}"`);
    console.log(`cached after the refused load: [${r.cachedAfterBad.join(', ')}]`);
    assert.match(r.first, /vocoder-00\.safetensors/);
    assert.match(r.second, /vocoder-00\.safetensors/);
    assert.ok(!r.cachedAfterBad.includes('vocoder-00.safetensors'), 'the refused shard is not cached');
    assert.ok(r.cachedAfterGood.includes('vocoder-00.safetensors'), 'the verified shard is cached');
    assert.ok(r.n > 0 && r.rms > 0.01, 'the previous voice still speaks');
    assert.ok(r.same, 'the previous voice is unchanged');
  } finally {
    await browser.close();
  }
});

test('a damaged cache entry is re-verified, dropped and downloaded again', async () => {
  const { browser, page } = await freshPage();
  try {
    const r = await page.evaluate(async ({ GOOD, HELLO }) => {
      const { Sotto } = await import('/www/sotto.js');
      (await Sotto.load({ manifest: GOOD, backend: 'cpu' })).dispose(); // fills the cache
      const c = await caches.open('sotto-v1');
      const key = (await c.keys()).find((k) => k.url.endsWith('/vocoder-00.safetensors'));
      const bytes = new Uint8Array(await (await c.match(key)).arrayBuffer());
      bytes[4096] ^= 1;
      await c.put(key, new Response(bytes));
      const phases = {};
      const tts = await Sotto.load({
        manifest: GOOD, backend: 'cpu', onProgress: (e) => { (phases[e.file] ??= new Set()).add(e.phase); },
      });
      const { audio } = await tts.synthesize(HELLO, { phonemes: true });
      const fixed = new Uint8Array(await (await c.match(key)).arrayBuffer());
      tts.dispose();
      return { vocoder: [...phases['vocoder-00.safetensors']], acoustic: [...phases['acoustic-00.safetensors']],
        n: audio.length, repaired: fixed[4096] !== bytes[4096] };
    }, { GOOD, HELLO });
    console.log(`phases: vocoder ${r.vocoder.join('+')}, acoustic-00 ${r.acoustic.join('+')}`);
    assert.ok(r.vocoder.includes('download'), 'the damaged shard was downloaded again');
    assert.ok(!r.acoustic.includes('download'), 'intact shards came from the cache');
    assert.ok(r.repaired, 'the cache holds the good bytes again');
    assert.ok(r.n > 0);
  } finally {
    await browser.close();
  }
});
