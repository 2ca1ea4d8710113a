#!/usr/bin/env node
// In-browser speed benchmark: Sotto (CPU, WebGPU) vs @mintplex-labs/piper-tts-web on the same
// voice (en_US-joe-medium), same sentences, same Chromium, everything served from 127.0.0.1.
//
//   cd benches/browser && npm ci && node run.mjs [options]
//
// Options:
//   --engines LIST   comma list of sotto-cpu, sotto-webgpu, peer, peer-1t (default: sotto-cpu,peer,
//                    peer-1t,sotto-webgpu). peer-1t is the peer with navigator.hardwareConcurrency
//                    faked to 1 before it loads, so its onnxruntime-web runs 1 thread like Sotto's wasm.
//                    sotto-cpu-wN: Sotto CPU with N vocoder workers (the `workers` load option;
//                    plain sotto-cpu takes the library's default, navigator.hardwareConcurrency ≤ 4)
//   --api sotto|direct  Sotto through the user-facing /www/sotto.js (default) or the wasm package
//                    called from this benchmark's own worker (page/direct-worker.js)
//   --no-coi         serve without COOP/COEP (no cross-origin isolation: the peer's ORT drops to 1 thread)
//   --budget S       per-engine budget: once an engine's measured synthesis time passes S seconds
//                    (default 300), its remaining sentences are skipped and reported as such
//                    (only SwiftShader WebGPU gets near it: it needs ~15 min for all 8)
//   --json FILE      where to write the raw results as JSON (default results/latest.json)
//   --repeat N       measure every text N times (rounds of all texts, default 1); the per-text
//                    table then gives the median and the worst first audio of the N runs
//   --sentences FILE the texts to measure, one per line, instead of the built-in list
//                    (with --api direct, the wasm memory after each text is reported too)
//
// Prints Markdown: environment, a summary table and a per-sentence table.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tools/chromium.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const NM = join(HERE, 'node_modules');

// ----------------------------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ENGINES = opt('--engines', 'sotto-cpu,peer,peer-1t,sotto-webgpu').split(',').map((s) => s.trim()).filter(Boolean);
const API = opt('--api', 'sotto');
const COI = !argv.includes('--no-coi');
const BUDGET_S = Number(opt('--budget', '300'));
const JSON_OUT = opt('--json', join(HERE, 'results/latest.json'));
const REPEAT = Math.max(1, Number(opt('--repeat', '1')) | 0);
const SENTENCES_FILE = opt('--sentences', null);

// --------------------------------------------------------------------------------- sentences
const WARMUP = 'This sentence only warms the engine up.';
const PARAGRAPHS = [
  'Every morning the old lighthouse keeper climbed the narrow spiral stairs, polished the great brass lens until it gleamed, and wrote a short note in his logbook about the weather, the passing ships, and the gulls that gathered on the rocks below.',
  'Speech synthesis in the browser keeps your words on your own device. Nothing is uploaded, nothing is logged, and the voice still works offline once it has been downloaded. That makes it useful for reading long articles aloud and for private drafts.',
];
const SENTENCES = SENTENCES_FILE ? readFileSync(SENTENCES_FILE, 'utf8').split('\n').filter((l) => l.trim()) : [
  ...readFileSync(join(REPO, 'tests/data/sentences.txt'), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 6),
  ...PARAGRAPHS,
];

// ------------------------------------------------------------------------------ static server
const MOUNTS = [
  ['/bench/', join(HERE, 'page')],
  ['/pkg/', join(REPO, 'pkg')],
  ['/www/', join(REPO, 'www')],
  ['/models/en_US-joe-medium/', join(REPO, 'voices/en_US-joe-medium')],
  ['/peer/piper-tts-web/', join(NM, '@mintplex-labs/piper-tts-web/dist')],
  ['/peer/ort/', join(NM, 'onnxruntime-web/dist')],
  ['/peer/piper-wasm/', join(NM, '@diffusionstudio/piper-wasm/build')],
  ['/peer/voice/', join(REPO, 'voices/.src/en_US-joe-medium')],
];
// Files are cacheable, like the CDNs the peer loads from by default (it refetches its phonemizer
// .wasm/.data on every predict(), so an uncacheable server would penalise it).
const COI_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

async function startServer() {
  const hits = new Map(); // path -> count
  const onRequest = (path) => hits.set(path, (hits.get(path) ?? 0) + 1);
  const { server, url } = await serve(MOUNTS, 0,
    { onRequest, cacheControl: 'public, max-age=3600', headers: COI ? COI_HEADERS : {} });
  return { server, hits, url };
}

// ---------------------------------------------------------------------------------- browser
const ARGS = [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** Starts a fresh browser (own temp profile) for one engine, loads the engine and warms it up. */
async function openEngine(id, origin, external) {
  const w = /^sotto-cpu-w(\d+)$/.exec(id);
  const [name, backend] = id.startsWith('peer') ? ['peer', null] : [API, w ? 'cpu' : id.replace(/^sotto-/, '')];
  const workers = w ? Number(w[1]) : null;
  const profile = await mkdtemp(join(tmpdir(), 'sotto-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const logs = [];
  context.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) external.push(`${id}: ${r.url()}`);
  });
  const result = { id, name, backend, sentences: [], skipped: 0, spentMs: 0 };
  const eng = { id, result, logs, page: null,
    async close() {
      result.logs = logs.filter((l) => !l.startsWith('debug')).slice(-40);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    } };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    if (id === 'peer-1t') {
      // The peer sets ort.env.wasm.numThreads = navigator.hardwareConcurrency; make that 1.
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 1 }));
    }
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(`${origin}/bench/index.html`);
    await page.waitForFunction(() => window.benchReady === true);
    process.stderr.write(`[${id}] loading...\n`);
    Object.assign(result, await page.evaluate(([n, b, w]) => window.bench.load(n, b, w), [name, backend, workers]));
    process.stderr.write(`[${id}] loaded in ${(result.loadMs / 1000).toFixed(2)} s; warm-up...\n`);
    result.warmup = await page.evaluate((t) => window.bench.one(t), WARMUP);
    eng.page = page;
  } catch (e) {
    fail(eng, e);
  }
  return eng;
}

function fail(eng, e) {
  eng.result.error = String(e?.message ?? e).split('\n')[0];
  eng.page = null;
  process.stderr.write(`[${eng.id}] FAILED: ${eng.result.error}\n`);
}

/** One measured utterance on one engine; skipped once the engine has used up its budget. */
async function measure(eng, text) {
  const { result } = eng;
  if (!eng.page) return;
  if (result.spentMs / 1000 > BUDGET_S) {
    result.skipped++;
    return;
  }
  try {
    const r = await eng.page.evaluate((t) => window.bench.one(t), text);
    const audioS = r.samples / r.sampleRate;
    result.spentMs += r.totalMs;
    result.sentences.push({ text, ...r, audioS, rtf: r.totalMs / 1000 / audioS });
    process.stderr.write(`[${eng.id}] ${audioS.toFixed(2)} s audio in ${(r.totalMs / 1000).toFixed(2)} s (RTF ${(r.totalMs / 1000 / audioS).toFixed(3)}, first audio ${(r.firstMs / 1000).toFixed(2)} s)\n`);
  } catch (e) {
    fail(eng, e);
  }
}

// ------------------------------------------------------------------------------------ sizes
function sizeOf(file) {
  if (!existsSync(file)) return null;
  const raw = statSync(file).size;
  try { // the gzip CLI's -9, as quoted elsewhere in the repo; zlib level 9 as a fallback
    return { raw, gzip: execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 1 << 30 }).length };
  } catch {
    return { raw, gzip: gzipSync(readFileSync(file), { level: 9 }).length };
  }
}
const MB = (n) => (n / 1e6).toFixed(2);

// ------------------------------------------------------------------------------------- main
const chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const pkgVersion = (p) => JSON.parse(readFileSync(join(NM, p, 'package.json'), 'utf8')).version;
const { server, hits, url: origin } = await startServer();
const external = [];
// Every engine gets its own fresh browser, loaded and warmed up first; then the sentences are
// interleaved (sentence i on each engine in turn, the order rotated by i) so that the load of
// this shared machine, which drifts, falls on all engines alike.
const engines = [];
for (const id of ENGINES) engines.push(await openEngine(id, origin, external));
for (let round = 0; round < REPEAT; round++) {
  for (let i = 0; i < SENTENCES.length; i++) {
    for (let k = 0; k < engines.length; k++) await measure(engines[(i + k + round) % engines.length], SENTENCES[i]);
  }
}
for (const eng of engines) await eng.close();
const results = engines.map((e) => e.result);
server.close();
server.closeAllConnections?.();

const sizes = {
  'Sotto pkg/sotto_bg.wasm': sizeOf(join(REPO, 'pkg/sotto_bg.wasm')),
  'Sotto pkg/sotto-text.bin.gz (lexicon + letter-to-sound rules, fetched once)': sizeOf(join(REPO, 'pkg/sotto-text.bin.gz')),
  'Sotto pkg/sotto.js (glue)': sizeOf(join(REPO, 'pkg/sotto.js')),
  'peer: onnxruntime-web ort-wasm-simd-threaded.wasm': sizeOf(join(NM, 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm')),
  'peer: onnxruntime-web ort.wasm.bundle.min.mjs (JS)': sizeOf(join(NM, 'onnxruntime-web/dist/ort.wasm.bundle.min.mjs')),
  'peer: piper_phonemize.wasm': sizeOf(join(NM, '@diffusionstudio/piper-wasm/build/piper_phonemize.wasm')),
  'peer: piper_phonemize.data (espeak-ng data)': sizeOf(join(NM, '@diffusionstudio/piper-wasm/build/piper_phonemize.data')),
};

const out = [];
const p = (s = '') => out.push(s);
const date = new Date().toISOString().slice(0, 10);
p(`Run of ${date}: ${chromiumVersion}, headless; ${COI ? 'served with COOP/COEP (cross-origin isolated)' : 'served without COOP/COEP (not cross-origin isolated)'}; ` +
  `peer @mintplex-labs/piper-tts-web ${pkgVersion('@mintplex-labs/piper-tts-web')} + onnxruntime-web ${pkgVersion('onnxruntime-web')} + @diffusionstudio/piper-wasm ${pkgVersion('@diffusionstudio/piper-wasm')}; ` +
  `Sotto via ${API === 'sotto' ? '`/www/sotto.js` (its worker)' : 'the wasm package in a benchmark worker'}. ` +
  `${SENTENCES.length} texts × ${REPEAT} run${REPEAT === 1 ? '' : 's'} after one warm-up per engine, interleaved across engines (each engine in its own fresh browser), each engine's default noise settings.`);
p();
p('| engine | load (s) | utterances | audio (s) | synth total (s) | RTF (total) | median RTF | median first audio (s) | total first audio (s) |');
p('|---|---|---|---|---|---|---|---|---|');
const label = (r) => (r.id.startsWith('peer') ? 'piper-tts-web (onnxruntime-web wasm' + (r.info ? `, ${r.info.ortNumThreads} thread${r.info.ortNumThreads === 1 ? '' : 's'})` : ')') : `Sotto ${r.backend === 'cpu' ? 'CPU' : 'WebGPU'}${r.info?.workers > 1 ? `, ${r.info.workers} vocoder workers` : r.info?.workers === 1 ? ', 1 worker' : ''}${r.info?.backend && r.info.backend !== r.backend ? ` (got ${r.info.backend}!)` : ''}`);
for (const r of results) {
  const s = r.sentences;
  if (!s.length) {
    p(`| ${label(r)} | ${r.loadMs ? (r.loadMs / 1000).toFixed(2) : '–'} | 0 | – | – | – | – | – | – |`);
    continue;
  }
  const audio = s.reduce((a, x) => a + x.audioS, 0);
  const synth = s.reduce((a, x) => a + x.totalMs / 1000, 0);
  const first = s.reduce((a, x) => a + x.firstMs / 1000, 0);
  p(`| ${label(r)} | ${(r.loadMs / 1000).toFixed(2)} | ${s.length}${r.skipped ? ` (+${r.skipped} skipped)` : ''} | ${audio.toFixed(2)} | ${synth.toFixed(2)} | ${(synth / audio).toFixed(3)} | ${median(s.map((x) => x.rtf)).toFixed(3)} | ${median(s.map((x) => x.firstMs / 1000)).toFixed(3)} | ${first.toFixed(2)} |`);
}
p();
p(`Per text (${REPEAT} run${REPEAT === 1 ? '' : 's'} each): median RTF / median first audio (s) / worst first audio (s) / audio (s)` +
  `${results.some((r) => r.sentences.some((x) => x.wasmMemoryBytes)) ? ' / wasm memory after the text (MB, largest)' : ''}.`);
p();
p(`| # | chars | words | ${results.map(label).join(' | ')} |`);
p(`|---|---|---|${results.map(() => '---').join('|')}|`);
SENTENCES.forEach((text, i) => {
  const cells = results.map((r) => {
    const xs = r.sentences.filter((y) => y.text === text);
    if (!xs.length) return '–';
    const firsts = xs.map((x) => x.firstMs / 1000);
    const mem = Math.max(...xs.map((x) => x.wasmMemoryBytes ?? 0));
    return `${median(xs.map((x) => x.rtf)).toFixed(3)} / ${median(firsts).toFixed(2)} / ${Math.max(...firsts).toFixed(2)} / ${xs[0].audioS.toFixed(2)}` +
      (mem ? ` / ${MB(mem)}` : '');
  });
  p(`| ${i + 1} | ${[...text].length} | ${text.split(/\s+/).length} | ${cells.join(' | ')} |`);
});
p();
p('Wasm sizes (MB = 10^6 bytes; gzip -9 by the gzip CLI):');
p();
p('| file | raw (MB) | gzip -9 (MB) |');
p('|---|---|---|');
for (const [k, v] of Object.entries(sizes)) p(`| ${k} | ${v ? MB(v.raw) : 'missing'} | ${v ? MB(v.gzip) : '–'} |`);
p();
const env0 = results.find((r) => r.env)?.env;
if (env0) p(`Page environment: hardwareConcurrency ${env0.hardwareConcurrency}, crossOriginIsolated ${env0.crossOriginIsolated}, SharedArrayBuffer ${env0.sharedArrayBuffer}.`);
const gpu = results.find((r) => r.id === 'sotto-webgpu')?.gpu ?? results.find((r) => r.gpu)?.gpu;
if (gpu) p(`WebGPU adapter: ${JSON.stringify({ vendor: gpu.vendor, architecture: gpu.architecture, device: gpu.device, description: gpu.description, isFallbackAdapter: gpu.isFallbackAdapter, available: gpu.available, error: gpu.error })}.`);
const peer = results.find((r) => r.id === 'peer');
const peer1 = results.find((r) => r.id === 'peer-1t');
if (peer1?.info) p(`Peer, 1-thread row: navigator.hardwareConcurrency faked to 1 before load, so env.wasm.numThreads = ${peer1.info.ortNumThreads}.`);
if (peer?.info) p(`Peer: onnxruntime-web env.wasm.numThreads = ${peer.info.ortNumThreads} (set by the peer to navigator.hardwareConcurrency), proxy ${peer.info.ortProxy}.`);
for (const r of results) if (r.error) p(`**${r.id} failed:** ${r.error}`);
p(external.length ? `**Requests outside 127.0.0.1: ${external.length}** (${[...new Set(external)].slice(0, 5).join(', ')})` : 'Requests outside 127.0.0.1: none.');
console.log(out.join('\n'));

if (JSON_OUT) {
  await mkdir(dirname(resolve(JSON_OUT)), { recursive: true });
  await writeFile(JSON_OUT, JSON.stringify({ chromiumVersion, coi: COI, api: API, sentences: SENTENCES, results, sizes, external, hits: Object.fromEntries(hits) }, null, 1));
}
