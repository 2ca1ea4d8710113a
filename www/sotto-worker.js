// Sotto's dedicated module worker: owns the wasm Engine, loads and verifies voices, and
// synthesizes sentence by sentence. Must run as a *dedicated* module Worker: wgpu panics
// in other global scopes (shared/service workers).
//
// Messages in:  {type:'load', id, manifestUrl, backend, wasmUrl, cache, lexicon, publicKey, manifestDigest}
//               {type:'synth', id, text, phonemes, options}   {type:'lexicon', id, lexicon}
//               {type:'synth', id, incremental: true, options}, then {type:'push', id, piece}
//               ... and {type:'close', id}: text arriving in pieces (e.g. from a language model)
//               {type:'cancel', id}
//               (lexicon: null | {text} in the `--lexicon` format | {pairs: JSON [[word, phonemes]]};
//                options: the caller's synthesis options as JSON, validated by the engine)
// Messages out: {type:'progress'|'loaded'|'chunk'|'taken'|'done'|'lexicon'|'error', id, ...}
//               taken: {chars}: pushed pieces now in the engine (flow control for 'push')
//               chunk: {index, sentenceIndex, start, audio (transferred), sampleRate, words, spoken?}
//               error: {name, message}: the engine's typed error ("TextError", "OptionsError", ...)
// User text never leaves this worker except as the chunk text sent back to its caller,
// and is never logged.
import init, { Lexicon, VoiceLoader } from '../pkg/sotto.js';

const CACHE_NAME = 'sotto-v1';
const SHARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$/;
const PROGRESS_INTERVAL_MS = 100;
const MAX_SIGNATURE_BYTES = 256; // limits::MAX_SIGNATURE_FILE_BYTES

let wasmReady = null; // Promise of init(), started by the first load
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
  const jobs = { load, synth, lexicon: setLexicon };
  const run = Object.hasOwn(jobs, msg.type) ? jobs[msg.type] : null;
  if (!run) return;
  const job = () => run(msg);
  queue = queue.then(job).catch((err) => {
    self.postMessage({ type: 'error', id: msg.id, name: err?.name ?? 'Error', message: errorMessage(err) });
  });
};

function errorMessage(err) {
  if (err instanceof WebAssembly.RuntimeError) return `Sotto engine crashed (${err.message})`;
  return String(err?.message ?? err);
}

// ---------------------------------------------------------------------------- loading

async function load({ id, manifestUrl, backend, wasmUrl, cache: useCache, lexicon: lexiconEntries,
  publicKey = null, manifestDigest = null }) {
  const url = new URL(manifestUrl, self.location.href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('the manifest URL must be http(s)');
  wasmReady ??= init(wasmUrl ? { module_or_path: wasmUrl } : undefined).catch((err) => {
    wasmReady = null; // let a later load try again
    throw new Error(`could not load the Sotto WebAssembly engine (${err?.message ?? err})`);
  });
  const cache = useCache && self.caches ? await self.caches.open(CACHE_NAME).catch(() => null) : null;
  const [manifestBytes, signature] = await Promise.all([
    fetchManifest(url, cache), publicKey ? fetchSignature(url, cache) : null, wasmReady]);

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
    if (cache) await cache.put(url.href, new Response(manifestBytes, { headers: { 'Content-Type': 'application/json' } }));
    if (cache && signature) await cache.put(signatureUrl(url).href, new Response(signature)).catch(() => {});

    const overallTotal = manifest.shards.reduce((n, s) => n + s.size, 0);
    let overallDone = 0;
    for (const shard of manifest.shards) {
      const report = (phase, loaded) =>
        self.postMessage({
          type: 'progress', id, phase, file: shard.file, loaded, total: shard.size,
          overallLoaded: overallDone + loaded, overallTotal,
        });
      if (cancelled.has(id)) return loader.free();
      await loadShard(loader, url, manifest.voice_id, shard, cache, report);
      overallDone += shard.size;
    }
    newEngine = await loader.finish(await chooseBackend(backend)); // consumes the loader
    if (cancelled.has(id)) {
      newEngine.free(); // the caller gave up: keep the previous voice
      newLexicon?.free();
      return;
    }
    engine?.free();
    engine = newEngine;
    if (newLexicon) replaceLexicon(newLexicon);
    lexicon ??= new Lexicon();
    self.postMessage({
      type: 'loaded', id,
      info: { backend: engine.backend(), sampleRate: engine.sample_rate(), voiceId: engine.voice_id(),
        numSpeakers: manifest.num_speakers ?? 1, inference: manifest.inference },
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

/** Network first (to pick up a new voice version), falling back to the cached copy offline. */
async function fetchManifest(url, cache) {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (new URL(res.url || url).origin !== url.origin) throw new Error('the manifest redirected to another origin');
    if (!res.ok) throw new Error(`could not fetch the voice manifest (HTTP ${res.status})`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    const hit = cache && (await cache.match(url.href));
    if (hit) return new Uint8Array(await hit.arrayBuffer());
    throw err instanceof TypeError ? new Error('could not fetch the voice manifest (network error)') : err;
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

async function loadShard(loader, manifestUrl, voiceId, shard, cache, report) {
  const key = cache && cacheKey(manifestUrl, voiceId, shard);
  const hit = cache && (await cache.match(key));
  if (hit) {
    report('cache', 0);
    const bytes = new Uint8Array(await hit.arrayBuffer());
    report('verify', shard.size);
    try {
      loader.add_shard(shard.file, bytes); // cached bytes are verified again
      return;
    } catch {
      await cache.delete(key); // a damaged cache entry: drop it and download afresh
    }
  }
  const bytes = await download(new URL(shard.file, manifestUrl), shard, report);
  report('verify', shard.size);
  loader.add_shard(shard.file, bytes); // throws, naming the shard, on a size/SHA-256 mismatch
  if (cache) await cache.put(key, new Response(bytes)).catch(() => {}); // quota errors are not fatal
}

async function download(url, shard, report) {
  const res = await fetch(url, { credentials: 'same-origin' }).catch(() => {
    throw new Error(`could not download ${shard.file} (network error)`);
  });
  if (new URL(res.url || url).origin !== url.origin) throw new Error(`${shard.file} redirected to another origin`);
  if (!res.ok) throw new Error(`could not download ${shard.file} (HTTP ${res.status})`);
  // Stream into a buffer of the manifest's size; Rust checks the exact size and hash.
  const bytes = new Uint8Array(shard.size);
  let loaded = 0;
  let last = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > shard.size) {
      await reader.cancel();
      throw new Error(`${shard.file} is larger than the manifest says (${shard.size} bytes)`);
    }
    bytes.set(value, loaded);
    loaded += value.length;
    const now = performance.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      report('download', loaded);
    }
  }
  report('download', loaded);
  return loaded === shard.size ? bytes : bytes.subarray(0, loaded); // short: add_shard names it
}

/** Resolves 'auto' here so wgpu is only asked for when an adapter really exists. */
async function chooseBackend(backend) {
  const gpu = self.navigator?.gpu;
  if (backend === 'cpu') return 'cpu';
  if (backend === 'webgpu') {
    if (!gpu) throw new Error('WebGPU is not available in this browser');
    return 'webgpu';
  }
  if (backend !== 'auto') throw new Error("backend must be 'auto', 'webgpu' or 'cpu'");
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  // A fallback (software, e.g. SwiftShader) adapter is several times slower than the wasm CPU
  // backend, so 'auto' only takes a hardware adapter; 'webgpu' still accepts any.
  if (!adapter || (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter)) return 'cpu';
  return 'auto'; // Rust's 'auto' still falls back to CPU if wgpu fails to initialize
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

async function synth({ id, text, phonemes, incremental, options }) {
  const input = inputs.get(id); // incremental only
  let stream = null;
  try {
    if (!engine) throw new Error('no voice is loaded');
    if (cancelled.has(id)) return;
    // Options go through as the caller's JSON: the engine validates them (typed OptionsError).
    if (incremental) stream = engine.stream_incremental(options, lexicon);
    else if (phonemes) stream = engine.stream_phonemes(text, options);
    else stream = engine.stream_text(text, options, lexicon);
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
      self.postMessage({
        type: 'chunk', id, index: index++, sentenceIndex: out.sentenceIndex, start: out.start, audio: samples,
        sampleRate: out.sampleRate ?? sampleRate, words, spoken: out.spoken ?? undefined,
      }, [samples.buffer]);
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
