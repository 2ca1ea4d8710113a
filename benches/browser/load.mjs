#!/usr/bin/env node
// Load-time benchmark: how long `Sotto.load()` (CPU backend) takes in a fresh browser profile
// (fetch and compile the wasm, fetch the text data, download + verify + cache the shards, build
// the model) and again after a reload in the same profile (wasm from the HTTP cache, text data
// and shards from the library's Cache API copy, verified again).
//
//   cd benches/browser && npm ci && node load.mjs [--runs N] [--variant NAME=WWW_DIR,PKG_DIR ...]
//
// Each variant is a pair of directories served as /www/ and /pkg/ (default: this repo's
// www/ and pkg/, named "this tree"); with several variants the runs alternate between them, so
// the drifting load of a shared machine falls on all alike. The voice is
// voices/en_US-joe-medium, everything is served from 127.0.0.1 (no compression, cacheable for an
// hour, with COOP/COEP like run.mjs), one fresh Chromium profile per run. Prints a Markdown table
// of the median and the range of each variant's fresh and cached load times.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tools/chromium.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const argv = process.argv.slice(2);
const RUNS = Math.max(1, Number(argv[argv.indexOf('--runs') + 1] ?? 3) | 0);
const variants = [];
argv.forEach((a, i) => {
  if (a !== '--variant') return;
  const [name, dirs] = argv[i + 1].split('=');
  const [www, pkg] = dirs.split(',').map((d) => resolve(d));
  variants.push({ name, www, pkg });
});
if (!variants.length) variants.push({ name: 'this tree', www: join(REPO, 'www'), pkg: join(REPO, 'pkg') });

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

async function oneRun(v) {
  const { server, url } = await serve([
    ['/bench/', join(HERE, 'page')],
    ['/pkg/', v.pkg],
    ['/www/', v.www],
    ['/models/en_US-joe-medium/', join(REPO, 'voices/en_US-joe-medium')],
  ], 0, { cacheControl: 'public, max-age=3600', headers: HEADERS });
  const profile = await mkdtemp(join(tmpdir(), 'sotto-load-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const load = async () => {
      await page.goto(`${url}/bench/index.html`);
      await page.waitForFunction(() => window.benchReady === true);
      const r = await page.evaluate(() => window.bench.load('sotto', 'cpu'));
      return r.loadMs / 1000;
    };
    const fresh = await load();
    const cached = await load(); // a new page (new worker) in the same profile
    return { fresh, cached };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    server.close();
    server.closeAllConnections?.();
  }
}

const results = new Map(variants.map((v) => [v.name, []]));
for (let run = 0; run < RUNS; run++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + run) % variants.length];
    const r = await oneRun(v);
    process.stderr.write(`[${v.name}] run ${run + 1}: fresh ${r.fresh.toFixed(2)} s, cached ${r.cached.toFixed(2)} s\n`);
    results.get(v.name).push(r);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cell = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
console.log(`${RUNS} run(s) per variant; seconds, median (min–max)\n`);
console.log('| variant | fresh profile load (s) | cached load (s) |');
console.log('|---|---|---|');
for (const [name, rs] of results) console.log(`| ${name} | ${cell(rs.map((r) => r.fresh))} | ${cell(rs.map((r) => r.cached))} |`);
