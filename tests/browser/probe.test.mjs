// backend: 'auto' probes WebGPU against the CPU at load (src/probe.rs): it keeps WebGPU when
// they agree, and falls back to the CPU, saying why, when they do not (a test-only hook garbles
// the WebGPU side). SwiftShader is a software adapter, which 'auto' skips without a probe, so a
// second test-only switch has it probed as a hardware adapter would be. Skips, saying why, only
// when Chromium offers no WebGPU adapter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, PAGE_HELPERS } from './helpers.mjs';

let site, server, browser, page, hasAdapter;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch({ webgpu: true });
  page = await browser.context.newPage();
  await page.addInitScript(PAGE_HELPERS);
  await page.goto(`${server.url}/test.html`);
  hasAdapter = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

/** Loads the voice with 'auto' after setting the probe's test switches. */
function loadAuto(switches) {
  return page.evaluate(async (switches) => {
    const { Sotto } = await import('/www/sotto.js');
    const tts = new Sotto();
    if (switches) await tts[Symbol.for('sotto.test.probe')](switches);
    const t = performance.now();
    await tts.loadVoice({ manifest: '/models/en_US-joe-medium/manifest.json', backend: 'auto' });
    const loadMs = performance.now() - t;
    const { audio } = await tts.synthesize('həlˈoʊ.', { phonemes: true, noiseScale: 0, noiseW: 0 });
    const r = { backend: tts.backend, reason: tts.backendReason, probe: tts.probe, loadMs, samples: audio.length };
    tts.dispose();
    return r;
  }, switches);
}

test("'auto' keeps WebGPU when its probe agrees with the CPU", async (t) => {
  if (!hasAdapter) return t.skip('no WebGPU adapter in this Chromium');
  const r = await loadAuto({ acceptSoftware: true });
  console.log(`agree: ${JSON.stringify(r)}`);
  assert.equal(r.backend, 'webgpu', r.reason);
  assert.match(r.reason, /agreed/);
  assert.ok(r.probe.snrDb === null || r.probe.snrDb >= r.probe.minSnrDb, JSON.stringify(r.probe));
  assert.ok(r.probe.samples > 0 && r.probe.webgpuMs > 0 && r.probe.cpuMs > 0);
  assert.ok(r.samples > 0);
});

test("'auto' falls back to the CPU, saying why, when the WebGPU probe disagrees", async (t) => {
  if (!hasAdapter) return t.skip('no WebGPU adapter in this Chromium');
  const r = await loadAuto({ acceptSoftware: true, garble: true });
  console.log(`garbled: ${JSON.stringify(r)}`);
  assert.equal(r.backend, 'cpu');
  assert.match(r.reason, /disagreed/);
  assert.ok(r.probe.snrDb < r.probe.minSnrDb, JSON.stringify(r.probe));
  assert.ok(r.samples > 0, 'the CPU voice speaks');
});

test("'auto' names why it did not probe a software adapter", async (t) => {
  if (!hasAdapter) return t.skip('no WebGPU adapter in this Chromium');
  const r = await loadAuto(null);
  const fallback = await page.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    return a.info?.isFallbackAdapter ?? a.isFallbackAdapter ?? false;
  });
  if (fallback) {
    assert.equal(r.backend, 'cpu');
    assert.match(r.reason, /software/);
    assert.equal(r.probe, null);
  } else {
    assert.match(r.reason, /probe/);
  }
});
