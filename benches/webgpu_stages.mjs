// Runs www/bench-stages.html in headless Chromium with WebGPU (SwiftShader where there is no
// GPU) and prints its JSON: adapter, per-stage times, and WebGPU dispatches / read-backs /
// submits / uploads per second of speech, for each backend.
//   node benches/webgpu_stages.mjs [runs] [phonemes]
// SOTTO_BACKENDS=cpu (or webgpu) times one backend only (default both).
// SOTTO_PKG_DIR=<another pkg/> measures another build (e.g. the one before a change: counts only
// when it predates the stage timings). Needs pkg/ (npm run build:wasm) and voices/.
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch } from '../tests/browser/helpers.mjs';

const [runs = '2', phonemes = 'ðə nˈɔːθ wˈɪnd ænd ðə sˈʌn wɜː dɪspjˈuːtɪŋ.'] = process.argv.slice(2);
const site = await buildSite();
const server = await startServer(site);
const browser = await launch({ webgpu: true });
try {
  const page = await browser.context.newPage();
  const q = new URLSearchParams({ run: '1', runs, phonemes, backends: process.env.SOTTO_BACKENDS ?? 'webgpu,cpu' });
  await page.goto(`${server.url}/www/bench-stages.html?${q}`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 0, polling: 1000 });
  const r = await page.evaluate(() => window.benchResult);
  if (!r.ok) throw new Error(r.error);
  console.log(JSON.stringify(r.result));
} finally {
  await browser.close();
  await server.close();
  await rm(site, { recursive: true, force: true });
}
