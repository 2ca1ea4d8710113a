// The WebGPU backend, compared with the CPU backend in the same browser (SNR >= 30 dB).
// Skips, saying why, only when Chromium offers no WebGPU adapter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, snrDb, rms, fromBase64F32, PAGE_HELPERS, HELLO } from './helpers.mjs';

let site, server, browser, page, adapter;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch({ webgpu: true });
  page = await browser.context.newPage();
  await page.addInitScript(PAGE_HELPERS);
  await page.goto(`${server.url}/test.html`);
  // Ask from a dedicated worker too: that is where the engine runs.
  adapter = await page.evaluate(async () => {
    const probe = async () => {
      if (!navigator.gpu) return { error: 'navigator.gpu is undefined' };
      const a = await navigator.gpu.requestAdapter();
      if (!a) return { error: 'requestAdapter() returned null' };
      const i = a.info ?? {};
      return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
        isFallbackAdapter: i.isFallbackAdapter ?? a.isFallbackAdapter ?? null };
    };
    const src = `onmessage = async () => postMessage(await (${probe})());`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    const inWorker = await new Promise((r) => { w.onmessage = (e) => r(e.data); w.postMessage(0); });
    w.terminate();
    return { page: await probe(), worker: inWorker };
  });
  console.log(`WebGPU adapter (page): ${JSON.stringify(adapter.page)}`);
  console.log(`WebGPU adapter (worker): ${JSON.stringify(adapter.worker)}`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('(b) WebGPU matches the CPU backend (SNR >= 30 dB)', async (t) => {
  if (adapter.worker.error) {
    t.skip(`no WebGPU adapter in this Chromium: ${adapter.worker.error}`);
    console.log(`SKIP (b): no WebGPU adapter in this Chromium (${adapter.worker.error})`);
    return;
  }
  const r = await page.evaluate(async (phonemes) => {
    const { Sotto } = await import('/www/sotto.js');
    const manifest = '/models/en_US-joe-medium/manifest.json';
    const opts = { phonemes: true, noiseScale: 0, noiseW: 0 };
    let t = performance.now();
    const gpu = await Sotto.load({ manifest, backend: 'webgpu' });
    const gpuLoad = performance.now() - t;
    await gpu.synthesize(phonemes, opts); // warm-up (shader compilation)
    t = performance.now();
    const g = await gpu.synthesize(phonemes, opts);
    const gpuMs = performance.now() - t;
    const cpu = await Sotto.load({ manifest, backend: 'cpu' });
    t = performance.now();
    const c = await cpu.synthesize(phonemes, opts);
    const cpuMs = performance.now() - t;
    const backends = [gpu.backend, cpu.backend];
    gpu.dispose();
    cpu.dispose();
    return { backends, gpuLoad, gpuMs, cpuMs, g: f32ToBase64(g.audio), c: f32ToBase64(c.audio) };
  }, HELLO);
  const g = fromBase64F32(r.g);
  const c = fromBase64F32(r.c);
  const snr = g.length === c.length ? snrDb(c, g) : -Infinity;
  console.log(`webgpu: load ${r.gpuLoad.toFixed(0)} ms, synth ${r.gpuMs.toFixed(0)} ms (warm) vs cpu ${r.cpuMs.toFixed(0)} ms; ` +
    `samples ${g.length} vs ${c.length}; SNR vs cpu ${snr.toFixed(1)} dB`);
  assert.deepEqual(r.backends, ['webgpu', 'cpu']);
  assert.ok(rms(g) > 0.01, 'audio is not silent');
  assert.equal(g.length, c.length, 'same length as the CPU output');
  assert.ok(snr >= 30, `SNR ${snr.toFixed(1)} dB >= 30 dB`);
});

test("'auto' takes WebGPU only on a hardware adapter (a software fallback is slower than CPU)", async (t) => {
  if (adapter.worker.error) {
    t.skip(`no WebGPU adapter in this Chromium: ${adapter.worker.error}`);
    return;
  }
  const backend = await page.evaluate(async () => {
    const { Sotto } = await import('/www/sotto.js');
    const tts = await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json', backend: 'auto' });
    tts.dispose();
    return tts.backend;
  });
  console.log(`auto chose ${backend} (isFallbackAdapter: ${adapter.worker.isFallbackAdapter})`);
  assert.equal(backend, adapter.worker.isFallbackAdapter ? 'cpu' : 'webgpu');
});
