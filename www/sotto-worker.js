// Sotto's dedicated module worker: owns the wasm Engine, loads and verifies voices, and
// synthesizes sentence by sentence. Must run as a *dedicated* module Worker: wgpu panics
// in other global scopes (shared/service workers).
//
// Messages in:  {type:'load', id, manifestUrl, backend, wasmUrl, cache, lexicon, publicKey, manifestDigest,
//                allowedOrigins, cacheFirst}
//               {type:'synth', id, text, phonemes, options, latent}   {type:'lexicon', id, lexicon}
//               (latent: true: chunks carry the window's latent frames, `latent`, instead of
//                audio, for the page's vocoder pool, sotto-pool.js; a load with `pool: true`
//                also returns the verified manifest (and signature) bytes for the pool's workers)
//               {type:'synth', id, incremental: true, options}, then {type:'push', id, piece}
//               ... and {type:'close', id}: text arriving in pieces (e.g. from a language model)
//               {type:'stats', id}   {type:'cancel', id}
//               {type:'catalog', id, catalogUrl, wasmUrl, cache, allowedOrigins}: lists a voice catalog
//               {type:'__test_trap', id, async}  (TEST-ONLY: traps the wasm instance; see src/web.rs)
//               {type:'__test_probe', id, garble, acceptSoftware}  (TEST-ONLY: the 'auto' probe; see testProbe)
//               (lexicon: null | {text} in the `--lexicon` format | {pairs: JSON [[word, phonemes]]};
//                options: the caller's synthesis options as JSON, validated by the engine)
// Messages out: {type:'progress'|'loaded'|'chunk'|'taken'|'done'|'lexicon'|'stats'|'catalog'|'error', id, ...}
//               loaded: {info: {backend, sampleRate, voiceId, numSpeakers, speakers, inference}}
//               catalog: {voices: [{id, language, quality, numSpeakers, speakers, downloadBytes,
//                         manifest (absolute URL), manifestDigest}]}, validated by the engine
//               taken: {chars}: pushed pieces now in the engine (flow control for 'push')
//               chunk: {index, sentenceIndex, start, audio (transferred), sampleRate, words, spoken?}
//               error: {name, message}: the engine's typed error ("TextError", "OptionsError", ...)
//               {type:'crashed'}: the wasm instance trapped (WebAssembly.RuntimeError); this
//               worker is dead (every later job fails with name 'EngineCrashed') and the page
//               replaces it (sotto.js starts a new worker and reloads the voice).
// User text never leaves this worker except as the chunk text sent back to its caller,
// and is never logged.
import init, {
  Catalog, Lexicon, ShardVerifier, VoiceLoader, install_text_data, text_data_installed, text_data_integrity,
  text_data_max_bytes,
} from '../pkg/sotto.js';

const CACHE_NAME = 'sotto-v1';
const SHARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$/;
const PROGRESS_INTERVAL_MS = 100;
const MAX_SIGNATURE_BYTES = 256; // limits::MAX_SIGNATURE_FILE_BYTES
const MAX_CATALOG_BYTES = 1 << 20; // limits::MAX_CATALOG_BYTES
// The lexicon and letter-to-sound rules, outside the wasm (src/text/builtin.rs). Located like
// the wasm itself (a literal `new URL(..., import.meta.url)`, which bundlers copy as an asset).
const TEXT_DATA_URL = new URL('../pkg/sotto-text.bin.gz', import.meta.url);

let wasmReady = null; // Promise of init() (the instance's exports), started by the first load
let wasmExports = null; // the instance's exports once initialized (`memory` for stats)
let textReady = null; // Promise of the text data's installation, started by the first load
let crashed = false; // set for good once the wasm instance traps
let engine = null; // the current Engine; replaced only after a new voice loads completely
let lexicon = null; // the current Lexicon (built-in until the caller sets one)
const cancelled = new Set(); // ids of jobs the caller cancelled (checked between steps)
let queue = Promise.resolve(); // jobs run one at a time, in order

self.onmessage = ({ data: msg }) => {
  if (msg.type === 'cancel') {
    cancelled.add(msg.id);
    wakeInput(msg.id); // an incremental stream waiting for input stops now
    return;
  }
  if (msg.type === 'push' || msg.type === 'close') return onInput(msg);
  if (msg.type === 'synth' && msg.incremental) openInput(msg.id);
  const jobs = { load, synth, lexicon: setLexicon, stats, catalog, __test_trap: testTrap, __test_probe: testProbe };
  const run = Object.hasOwn(jobs, msg.type) ? jobs[msg.type] : null;
  if (!run) return;
  const job = () => {
    if (crashed) throw engineCrashed();
    return run(msg);
  };
  queue = queue.then(job).catch((err) => {
    if (err instanceof WebAssembly.RuntimeError) err = markCrashed();
    self.postMessage({ type: 'error', id: msg.id, name: err?.name ?? 'Error', message: errorMessage(err) });
    if (err.name === 'EngineCrashed') self.postMessage({ type: 'crashed' });
  });
};

// A trap can also surface outside a job's promise chain (in a wasm-bindgen-futures microtask
// that polls an async Rust call): the job then never settles, so report the crash from here.
self.addEventListener('error', (event) => {
  if (!(event.error instanceof WebAssembly.RuntimeError)) return;
  event.preventDefault();
  markCrashed();
  self.postMessage({ type: 'crashed' });
});
self.addEventListener('unhandledrejection', (event) => {
  if (!(event.reason instanceof WebAssembly.RuntimeError)) return;
  event.preventDefault();
  markCrashed();
  self.postMessage({ type: 'crashed' });
});

function engineCrashed() {
  const err = new Error('the engine crashed and is being restarted; try again');
  err.name = 'EngineCrashed';
  return err;
}

/** After a trap the instance's memory and tables are in an unknown state: never call it again. */
function markCrashed() {
  crashed = true;
  engine = null;
  lexicon = null;
  return engineCrashed();
}

function errorMessage(err) {
  return String(err?.message ?? err);
}

/** Memory statistics for leak checks: the wasm linear memory's size (it only ever grows). */
async function stats({ id }) {
  self.postMessage({ type: 'stats', id, wasmMemoryBytes: wasmExports?.memory.buffer.byteLength ?? 0 });
}

/**
 * TEST-ONLY (tests/browser/crash.test.mjs): traps the wasm instance as a Rust panic does, in
 * this call or (`async`) in an async call's poll, where the trap escapes every promise.
 */
async function testTrap({ async }) {
  const hook = async ? wasmExports?.__sotto_test_trap_async : wasmExports?.__sotto_test_trap;
  if (!hook) throw new Error('this engine build has no test hook');
  hook(); // the raw export: a build without it still loads
  if (async) await new Promise(() => {}); // like a synthesis that never returns: the crash is reported from 'error'
}

/**
 * TEST-ONLY (tests/browser/probe.test.mjs): for the next 'auto' loads, `acceptSoftware` lets a
 * software (fallback) adapter be probed as a hardware one would be, and `garble` makes the
 * engine garble the WebGPU side of the probe, so a disagreeing GPU can be shown to fall back.
 */
let probeTest = { garble: false, acceptSoftware: false };
async function testProbe({ id, garble = false, acceptSoftware = false }) {
  probeTest = { garble: Boolean(garble), acceptSoftware: Boolean(acceptSoftware) };
  self.postMessage({ type: 'probeTest', id });
}

// ---------------------------------------------------------------------------- loading

async function load({
  id, manifestUrl, backend, wasmUrl, cache: useCache, lexicon: lexiconEntries, publicKey = null, manifestDigest = null,
  allowedOrigins = [], cacheFirst = false, pool = false,
}) {
  const url = allowedUrl(manifestUrl, allowedOrigins, 'manifest');
  startWasm(wasmUrl);
  const cache = useCache && self.caches ? await self.caches.open(CACHE_NAME).catch(() => null) : null;
  const [manifestBytes, signature] = await Promise.all([
    fetchManifest(url, cache, cacheFirst), publicKey ? fetchSignature(url, cache) : null, wasmReady]);

  // Throws on a missing or wrong signature or digest (before parsing), then on an invalid manifest.
  const loader = VoiceLoader.new_verified(manifestBytes, signature, publicKey, manifestDigest);
  let newEngine = null;
  let newLexicon = null;
  try {
    if (lexiconEntries) newLexicon = buildLexicon(lexiconEntries); // throws before any download
    const manifest = JSON.parse(loader.manifest());
    for (const s of manifest.shards) {
      if (!SHARD_NAME.test(s.file)) throw new Error(`the manifest names an invalid shard file: ${JSON.stringify(s.file)}`);
    }
    // Shards downloaded in this load, [cache key, bytes]: committed to the cache only once the
    // whole voice verified and built (a broken deploy must not replace the last good voice).
    const staged = [];
    if (signature) staged.push([signatureUrl(url).href, signature]);
    const overallTotal = manifest.shards.reduce((n, s) => n + s.size, 0);
    const progress = new Map(); // shard file -> bytes so far (the shards download side by side)
    const reporter = (shard) => (phase, loaded) => {
      progress.set(shard.file, loaded);
      let overallLoaded = 0;
      for (const n of progress.values()) overallLoaded += n;
      self.postMessage({ type: 'progress', id, phase, file: shard.file, loaded, total: shard.size, overallLoaded, overallTotal });
    };
    textReady ??= loadTextData(cache).catch((err) => {
      textReady = null; // let a later load try again
      throw err;
    });
    const text = textReady.then(() => null, (err) => err); // awaited below, after the shards
    if (!(await loadShards(loader, url, manifest, cache, reporter, staged, () => cancelled.has(id)))) {
      return loader.free();
    }
    const textError = await text;
    if (textError) throw textError;
    const choice = await chooseBackend(backend);
    if (choice.backend === 'auto') {
      const hook = wasmExports?.__sotto_test_garble_probe;
      if (hook) hook(probeTest.garble);
      else if (probeTest.garble) throw new Error('this engine build has no probe test hook');
    }
    const started = performance.now();
    newEngine = await loader.finish(choice.backend); // consumes the loader
    const finishMs = performance.now() - started;
    if (cancelled.has(id)) {
      newEngine.free(); // the caller gave up: keep the previous voice
      newLexicon?.free();
      return;
    }
    if (cache) await commitVoice(cache, url, manifestBytes, manifest, staged);
    engine?.free();
    engine = newEngine;
    if (newLexicon) replaceLexicon(newLexicon);
    lexicon ??= new Lexicon();
    self.postMessage({
      type: 'loaded', id,
      info: { backend: engine.backend(), sampleRate: engine.sample_rate(), voiceId: engine.voice_id(),
        numSpeakers: manifest.num_speakers ?? 1, speakers: speakerNames(manifest), inference: manifest.inference,
        backendReason: choice.reason ?? engine.backend_reason(), probe: probeInfo(engine.probe(), finishMs) },
      voiceFiles: pool ? { manifest: manifestBytes.slice(), signature } : undefined,
    });
  } catch (err) {
    if (!newEngine) {
      try { loader.free(); } catch { /* already consumed by finish() */ }
    }
    if (newLexicon && newLexicon !== lexicon) newLexicon.free();
    throw err;
  } finally {
    cancelled.delete(id);
  }
}

/** An http(s) URL on this worker's (the page's) origin or one the caller listed in allowedOrigins. */
function allowedUrl(raw, allowedOrigins, what) {
  const url = new URL(raw, self.location.href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`the ${what} URL must be http(s)`);
  if (url.origin !== self.location.origin && !allowedOrigins.includes(url.origin)) {
    throw new Error(`the ${what} is on another origin: list that origin in allowedOrigins to load from it`);
  }
  return url;
}

/** Starts instantiating the engine once per worker (a failed start is retried by the next call). */
function startWasm(wasmUrl) {
  wasmReady ??= init(wasmUrl ? { module_or_path: wasmUrl } : undefined).then((exports) => {
    wasmExports = exports;
  }, (err) => {
    wasmReady = null; // let a later load try again
    throw new Error(`could not load the Sotto WebAssembly engine (${err?.message ?? err})`);
  });
  return wasmReady;
}

/** Speaker names in id order from a validated manifest (empty when it names none or not all). */
function speakerNames(manifest) {
  const names = [];
  for (const [name, i] of Object.entries(manifest.speaker_id_map ?? {})) names[i] = name;
  const n = manifest.num_speakers ?? 1;
  return n > 1 && names.length === n && !names.includes(undefined) ? names : [];
}

// ---------------------------------------------------------------------------- catalog

/**
 * Fetches a voice catalog (same origin rules as manifests; at most limits::MAX_CATALOG_BYTES
 * read), has the engine validate it, and lists its voices with manifest URLs resolved against
 * the catalog's URL. Network first; the last catalog that validated is used only offline.
 */
async function catalog({ id, catalogUrl, wasmUrl, cache: useCache, allowedOrigins = [] }) {
  const url = allowedUrl(catalogUrl, allowedOrigins, 'catalog');
  const cache = useCache && self.caches ? await self.caches.open(CACHE_NAME).catch(() => null) : null;
  const [bytes] = await Promise.all([fetchCatalog(url, cache), startWasm(wasmUrl)]);
  const checked = JSON.parse(Catalog.parse(bytes)); // throws a CatalogError on anything invalid
  const voices = checked.voices.map((v) => ({
    id: v.id, language: v.language, quality: v.quality, numSpeakers: v.num_speakers, speakers: v.speakers,
    downloadBytes: v.download_bytes, manifest: new URL(v.manifest, url).href, manifestDigest: v.manifest_digest,
  }));
  // Only bytes that validated are kept for offline use (never a manifest: no voice_id, so not pruned as one).
  await cache?.put(url.href, new Response(bytes, { headers: { 'Content-Type': 'application/json' } })).catch(() => {});
  self.postMessage({ type: 'catalog', id, voices });
}

async function fetchCatalog(url, cache) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch {
    const hit = cache && (await cache.match(url.href));
    if (hit) return new Uint8Array(await hit.arrayBuffer());
    throw new Error('could not fetch the voice catalog (network error)');
  }
  if (new URL(res.url || url).origin !== url.origin) throw new Error('the catalog redirected to another origin');
  if (!res.ok) throw new Error(`could not fetch the voice catalog (HTTP ${res.status})`);
  // Read at most one byte past Rust's bound, which it refuses as too large.
  const chunks = [];
  let loaded = 0;
  const reader = res.body.getReader();
  while (loaded <= MAX_CATALOG_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
  }
  if (loaded > MAX_CATALOG_BYTES) await reader.cancel();
  const bytes = new Uint8Array(Math.min(loaded, MAX_CATALOG_BYTES + 1));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, bytes.length - at);
    bytes.set(c.subarray(0, take), at);
    at += take;
  }
  return bytes;
}

/**
 * Network first (to pick up a new voice version). The cached copy, which is always the last
 * manifest that verified and built, is used only when the server cannot be reached at all
 * (offline): an HTTP error or a redirect to another origin is an error, never a silent rollback
 * to an older voice. `cacheFirst` (crash recovery: reload the voice that was running) takes the
 * cached copy first when there is one; its shards are verified again all the same.
 */
async function fetchManifest(url, cache, cacheFirst) {
  const cached = async () => {
    const hit = cache && (await cache.match(url.href));
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  };
  if (cacheFirst) {
    const hit = await cached();
    if (hit) return hit;
  }
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch {
    // A redirect to an origin that does not allow CORS rejects like a network error does: fall
    // back only if the server does not answer at all (a manual-redirect request also fails).
    const answers = await fetch(url, { credentials: 'same-origin', redirect: 'manual' }).then(() => true, () => false);
    const hit = answers ? null : await cached();
    if (hit) return hit;
    throw new Error(`could not fetch the voice manifest (${answers ? 'refused redirect' : 'network error'})`);
  }
  if (new URL(res.url || url).origin !== url.origin) throw new Error('the manifest redirected to another origin');
  if (!res.ok) throw new Error(`could not fetch the voice manifest (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Commits a voice that verified and built: its newly downloaded shards, then its manifest (so a
 * cached manifest's shards are always there), then prunes what no current manifest references.
 * Storage errors (quota) are not fatal: the voice is loaded either way.
 */
async function commitVoice(cache, url, manifestBytes, manifest, staged) {
  try {
    for (const [key, bytes] of staged) await cache.put(key, new Response(bytes));
    await cache.put(url.href, new Response(manifestBytes, { headers: { 'Content-Type': 'application/json' } }));
    await pruneCache(cache, url, manifest);
  } catch {
    /* quota or a closed cache: keep going without it */
  }
}

/**
 * Deletes this voice's cache entries that the new manifest does not reference: shards of other
 * versions (keyed by voice id + SHA-256) and older manifests of the same voice on this origin
 * (another URL or query string). Other voices are left alone.
 */
async function pruneCache(cache, url, manifest) {
  const keep = new Set(manifest.shards.map((s) => cacheKey(url, manifest.voice_id, s)));
  const shardPrefix = new URL(`/.sotto-cache/${encodeURIComponent(manifest.voice_id)}/`, url.origin).href;
  const cachePrefix = new URL('/.sotto-cache/', url.origin).href;
  for (const req of await cache.keys()) {
    if (req.url.startsWith(shardPrefix)) {
      if (!keep.has(req.url)) await cache.delete(req);
    } else if (req.url !== url.href && !req.url.startsWith(cachePrefix) && new URL(req.url).origin === url.origin) {
      const voiceId = await cache.match(req).then((r) => r?.json()).then((m) => m?.voice_id, () => null);
      if (voiceId === manifest.voice_id) await cache.delete(req); // an older manifest of this voice
    }
  }
}

/** The detached signature beside the manifest: its URL + `.sig` (`manifest.json.sig`). */
function signatureUrl(url) {
  const sig = new URL(url);
  sig.pathname += '.sig';
  sig.hash = '';
  return sig;
}

/** The signature's bytes, or null when the server has none (404: Rust then refuses the voice
 * as unsigned). Same origin only; the cached copy only when offline. */
async function fetchSignature(url, cache) {
  const sigUrl = signatureUrl(url);
  let res;
  try {
    res = await fetch(sigUrl, { credentials: 'same-origin' });
  } catch {
    const hit = cache && (await cache.match(sigUrl.href));
    if (hit) return new Uint8Array(await hit.arrayBuffer());
    throw new Error('could not fetch the manifest signature (network error)');
  }
  if (new URL(res.url || sigUrl).origin !== url.origin) throw new Error('the manifest signature redirected to another origin');
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`could not fetch the manifest signature (HTTP ${res.status})`);
  // Read at most one byte past Rust's bound (limits::MAX_SIGNATURE_FILE_BYTES), which it refuses.
  const bytes = new Uint8Array(MAX_SIGNATURE_BYTES + 1);
  let loaded = 0;
  const reader = res.body.getReader();
  while (loaded <= MAX_SIGNATURE_BYTES) {
    const { done, value } = await reader.read();
    if (done) return bytes.slice(0, loaded);
    const take = Math.min(value.length, bytes.length - loaded);
    bytes.set(value.subarray(0, take), loaded);
    loaded += take;
  }
  await reader.cancel();
  return bytes;
}

/** Cache key for a verified shard: named by voice id and the shard's integrity (content hash). */
function cacheKey(base, voiceId, shard) {
  return new URL(`/.sotto-cache/${encodeURIComponent(voiceId)}/${encodeURIComponent(shard.integrity)}/${shard.file}`,
    base.origin).href;
}

/**
 * Downloads (or reads from the cache) all shards side by side, each hashed as its bytes arrive
 * and handed to the loader as soon as it is complete (Rust checks size and SHA-256 before it
 * parses). The first failure stops the others and is thrown once they have all settled, so the
 * loader is never used after the caller frees it. False if the caller cancelled the load.
 */
async function loadShards(loader, url, manifest, cache, reporter, staged, isCancelled) {
  const abort = new AbortController();
  const stop = { isCancelled, signal: abort.signal };
  const results = await Promise.allSettled(manifest.shards.map((shard) =>
    loadShard(loader, url, manifest.voice_id, shard, cache, reporter(shard), staged, stop).catch((err) => {
      abort.abort(); // the others stop at their next piece
      throw err;
    })));
  if (isCancelled()) return false;
  const failed = results.find((r) => r.status === 'rejected' && r.reason !== STOPPED) ?? results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return true;
}

/** Thrown by a shard download that stopped because another failed or the load was cancelled. */
const STOPPED = new Error('stopped');

async function loadShard(loader, manifestUrl, voiceId, shard, cache, report, staged, stop) {
  const key = cache && cacheKey(manifestUrl, voiceId, shard);
  const hit = cache && (await cache.match(key));
  if (hit) {
    report('cache', 0);
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if (stop.isCancelled() || stop.signal.aborted) throw STOPPED;
    report('verify', shard.size);
    try {
      loader.add_shard(shard.file, bytes); // cached bytes are verified again
      return;
    } catch {
      await cache.delete(key); // a damaged cache entry: drop it and download afresh
    }
  }
  const verifier = new ShardVerifier();
  let bytes;
  try {
    bytes = await download(new URL(shard.file, manifestUrl), shard, report, verifier, stop);
  } catch (err) {
    verifier.free();
    throw err;
  }
  report('verify', shard.size);
  // Throws, naming the shard, on a size/SHA-256 mismatch; consumes the verifier.
  loader.add_shard_verified(shard.file, bytes, verifier);
  if (cache) staged.push([key, bytes]); // cached by commitVoice once the whole voice has built
}

/** Streams a shard into a buffer of the manifest's size, feeding each piece to `verifier`. */
async function download(url, shard, report, verifier, stop) {
  const res = await fetch(url, { credentials: 'same-origin', signal: stop.signal }).catch(() => {
    throw stop.signal.aborted ? STOPPED : new Error(`could not download ${shard.file} (network error)`);
  });
  if (new URL(res.url || url).origin !== url.origin) throw new Error(`${shard.file} redirected to another origin`);
  if (!res.ok) throw new Error(`could not download ${shard.file} (HTTP ${res.status})`);
  // Stream into a buffer of the manifest's size; Rust checks the exact size and hash.
  const bytes = new Uint8Array(shard.size);
  let loaded = 0;
  let last = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch((err) => {
      throw stop.signal.aborted ? STOPPED : err;
    });
    if (done) break;
    if (stop.isCancelled() || stop.signal.aborted) {
      await reader.cancel().catch(() => {});
      throw STOPPED;
    }
    if (loaded + value.length > shard.size) {
      await reader.cancel();
      throw new Error(`${shard.file} is larger than the manifest says (${shard.size} bytes)`);
    }
    bytes.set(value, loaded);
    verifier.update(value);
    loaded += value.length;
    const now = performance.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      report('download', loaded);
    }
  }
  report('download', loaded);
  return loaded === shard.size ? bytes : bytes.subarray(0, loaded); // short: add_shard_verified names it
}

// ---------------------------------------------------------------------------- text data

/**
 * Installs the lexicon and letter-to-sound rules (pkg/sotto-text.bin.gz) once per worker:
 * from the cache when it holds them, else fetched. Rust checks the pinned SHA-256 before it
 * parses a byte; the cache gets them only after they verified (keyed by that digest), and a
 * cached copy that fails is dropped and fetched afresh.
 */
async function loadTextData(cache) {
  await wasmReady;
  if (text_data_installed()) return;
  const max = text_data_max_bytes();
  // Voice ids never start with '.', so this key is no voice's (pruneCache leaves it alone).
  const key = new URL(`/.sotto-cache/.text/${encodeURIComponent(text_data_integrity())}`, self.location.origin).href;
  const hit = cache && (await cache.match(key).catch(() => null));
  if (hit) {
    try {
      install_text_data(await gunzip(await readAtMost(hit.body, max), max));
      return;
    } catch {
      await cache.delete(key).catch(() => {});
    }
  }
  const res = await fetch(TEXT_DATA_URL, { credentials: 'same-origin' }).catch(() => {
    throw new Error('could not fetch the pronunciation data (network error)');
  });
  if (!res.ok) throw new Error(`could not fetch the pronunciation data (HTTP ${res.status})`);
  const gz = await readAtMost(res.body, max);
  install_text_data(await gunzip(gz, max)); // throws a TextError if it is not the pinned data
  await cache?.put(key, new Response(gz)).catch(() => {}); // quota: keep going without it
}

/** A stream's bytes, refused past `max`. */
async function readAtMost(stream, max) {
  const parts = [];
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel().catch(() => {});
      throw new Error('the pronunciation data is larger than its limit');
    }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Gunzips (at most `max` bytes out). Bytes without the gzip magic are taken as they are: a
 * server that sent the `.gz` with `Content-Encoding: gzip` had fetch decode it already. */
async function gunzip(bytes, max) {
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  return readAtMost(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')), max);
}

/**
 * Resolves 'auto' here so wgpu is only asked for when an adapter really exists: `{backend}` to
 * pass to the engine, with `reason` when this decides it ('auto' is decided by the engine's
 * probe, which gives its own reason).
 */
async function chooseBackend(backend) {
  const gpu = self.navigator?.gpu;
  if (backend === 'cpu') return { backend: 'cpu' };
  if (backend === 'webgpu') {
    if (!gpu) throw new Error('WebGPU is not available in this browser');
    return { backend: 'webgpu' };
  }
  if (backend !== 'auto') throw new Error("backend must be 'auto', 'webgpu' or 'cpu'");
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (!adapter) return { backend: 'cpu', reason: 'no WebGPU adapter' };
  // A fallback (software, e.g. SwiftShader) adapter is several times slower than the wasm CPU
  // backend, so 'auto' only takes a hardware adapter; 'webgpu' still accepts any.
  if ((adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) && !probeTest.acceptSoftware) {
    return { backend: 'cpu', reason: 'the WebGPU adapter is a software fallback (slower than the CPU backend)' };
  }
  // The engine builds the voice on the CPU, copies it to WebGPU, speaks a probe sentence on
  // both and keeps WebGPU only when they agree (src/probe.rs); it falls back to the CPU itself
  // if wgpu fails to initialize.
  return { backend: 'auto' };
}

/** The engine's probe measurements (JSON from Rust) plus the whole finish() time, or null. */
function probeInfo(json, finishMs) {
  if (!json) return null;
  try {
    return { ...JSON.parse(json), finishMs };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------- lexicon

/** A Lexicon from the caller's entries; the engine validates them like the CLI's `--lexicon`. */
function buildLexicon(entries) {
  return entries.text !== undefined ? Lexicon.parse(entries.text) : Lexicon.from_entries(entries.pairs);
}

function replaceLexicon(next) {
  lexicon?.free();
  lexicon = next;
}

async function setLexicon({ id, lexicon: entries }) {
  if (!engine) throw new Error('no voice is loaded');
  replaceLexicon(entries ? buildLexicon(entries) : new Lexicon());
  self.postMessage({ type: 'lexicon', id, size: lexicon.size() });
}

// ---------------------------------------------------------------------------- synthesis
// A relay: Rust's stream owns sentence splitting, the seed policy, option validation and
// windowing. This pumps `stream.next()` and posts each chunk as it comes.

/**
 * Input of incremental streams, by job id: pieces that arrived and are not yet pushed, whether
 * the caller closed it, and a waiter to wake. Registered when the 'synth' message arrives, so
 * pieces can come while the job still waits in the queue; pieces for unknown ids are dropped.
 */
const inputs = new Map();

function openInput(id) {
  inputs.set(id, { pieces: [], closed: false, wake: null });
}

/** 'push' {id, piece} and 'close' {id}: handled at once, not queued, so a waiting stream wakes. */
function onInput({ type, id, piece }) {
  const input = inputs.get(id);
  if (!input) return;
  if (type === 'push' && typeof piece === 'string') input.pieces.push(piece);
  else if (type === 'close') input.closed = true;
  wakeInput(id);
}

function wakeInput(id) {
  const input = inputs.get(id);
  input?.wake?.();
  if (input) input.wake = null;
}

/** Resolves on the next push, close or cancel of job `id`. */
function nextInput(input) {
  return new Promise((resolve) => { input.wake = resolve; });
}

/** Whether a Float32Array can be transferred without detaching anything it shares a buffer with. */
function ownsBuffer(a) {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength &&
    !(typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer);
}

async function synth({ id, text, phonemes, incremental, options, latent = false }) {
  const input = inputs.get(id); // incremental only
  let stream = null;
  try {
    if (!engine) throw new Error('no voice is loaded');
    if (cancelled.has(id)) return;
    // Options go through as the caller's JSON: the engine validates them (typed OptionsError).
    if (incremental) stream = engine.stream_incremental(options, lexicon);
    else if (phonemes) stream = engine.stream_phonemes(text, options);
    else stream = engine.stream_text(text, options, lexicon);
    if (latent) stream.latent_mode(); // the page's vocoder pool vocodes each window
    const sampleRate = engine.sample_rate();
    let index = 0;
    let closed = false;
    for (;;) {
      if (input) {
        // Pieces that arrived meanwhile go in before each next(), so it sees all text so far.
        const pieces = input.pieces.splice(0);
        for (const piece of pieces) stream.push(piece);
        // Acknowledged so the caller sends more (it keeps a bounded amount in flight).
        if (pieces.length) self.postMessage({ type: 'taken', id, chars: pieces.reduce((n, p) => n + p.length, 0) });
        if (input.closed && !closed) {
          stream.close();
          closed = true;
        }
      }
      const out = await stream.next();
      if (cancelled.has(id)) return;
      if (out == null) break;
      if (out.waiting) {
        if (!input || closed) throw new Error('the stream waits for input that cannot come');
        if (!input.pieces.length && !input.closed) await nextInput(input);
        if (cancelled.has(id)) return;
        continue;
      }
      const samples = ownsBuffer(out.samples) ? out.samples : out.samples.slice();
      const words = Array.from(out.words ?? [], ({ text: t, charStart, charEnd, start, end }) =>
        ({ text: t, charStart, charEnd, start, end }));
      const transfer = [samples.buffer];
      if (out.latent) {
        transfer.push(out.latent.data.buffer);
        if (out.latent.speaker) transfer.push(out.latent.speaker.buffer);
      }
      self.postMessage({
        type: 'chunk', id, index: index++, sentenceIndex: out.sentenceIndex, start: out.start, audio: samples,
        sampleRate: out.sampleRate ?? sampleRate, words, spoken: out.spoken ?? undefined, latent: out.latent,
      }, transfer);
      // Messages (cancel, push) are handled between tasks: let them in before the next chunk.
      await new Promise((r) => setTimeout(r, 0));
      if (cancelled.has(id)) return;
    }
    self.postMessage({ type: 'done', id });
  } finally {
    try { stream?.free(); } catch { /* already freed, or the engine trapped */ }
    inputs.delete(id);
    cancelled.delete(id);
  }
}
