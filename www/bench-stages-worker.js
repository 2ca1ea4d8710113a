// Benchmark worker for bench-stages.html (not part of the library): loads a voice on each
// backend asked for, speaks Piper phoneme text, and reports per-stage times (the engine's
// time_stages) with what predicts GPU speed on any adapter: WebGPU compute dispatches, buffer
// read-backs (mapAsync), queue submits and uploads (writeBuffer) per second of speech, counted
// by wrapping those WebGPU methods in this worker. Works with an older pkg/ too (no stage
// times then, counts only).
import init, { VoiceLoader } from '../pkg/sotto.js';

const counts = { dispatches: 0, readbacks: 0, submits: 0, uploads: 0 };
function wrap(proto, name, key) {
  const f = proto?.[name];
  if (typeof f !== 'function') return;
  proto[name] = function counted(...args) {
    counts[key] += 1;
    return f.apply(this, args);
  };
}
if (self.GPUComputePassEncoder) {
  wrap(GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches');
  wrap(GPUComputePassEncoder.prototype, 'dispatchWorkgroupsIndirect', 'dispatches');
  wrap(GPUBuffer.prototype, 'mapAsync', 'readbacks');
  wrap(GPUQueue.prototype, 'submit', 'submits');
  wrap(GPUQueue.prototype, 'writeBuffer', 'uploads');
}
const snapshot = () => ({ ...counts });
const since = (a) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - a[k]]));

async function adapterInfo() {
  if (!self.navigator?.gpu) return { error: 'navigator.gpu is undefined' };
  const a = await navigator.gpu.requestAdapter().catch(() => null);
  if (!a) return { error: 'requestAdapter() returned null' };
  const i = a.info ?? {};
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    isFallbackAdapter: i.isFallbackAdapter ?? a.isFallbackAdapter ?? null };
}

async function voiceBytes(manifestUrl) {
  const url = new URL(manifestUrl, self.location.href);
  const manifest = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const files = JSON.parse(new TextDecoder().decode(manifest)).shards.map((s) => s.file);
  const shards = await Promise.all(files.map(async (f) => [f, new Uint8Array(await (await fetch(new URL(f, url))).arrayBuffer())]));
  return { manifest, shards };
}

async function speak(engine, phonemes, options) {
  const stream = engine.stream_phonemes(phonemes, options);
  let samples = 0;
  let chunks = 0;
  for (let c; (c = await stream.next()) !== null;) {
    samples += c.samples.length;
    chunks += 1;
  }
  stream.free();
  return { samples, chunks };
}

async function run({ manifest, phonemes, backends, runs }) {
  await init();
  const voice = await voiceBytes(manifest);
  const options = JSON.stringify({ noiseScale: 0, noiseW: 0 });
  const out = { adapter: await adapterInfo(), phonemes, backends: {} };
  for (const backend of backends) {
    const loader = new VoiceLoader(voice.manifest);
    for (const [f, b] of voice.shards) loader.add_shard(f, b);
    let t = performance.now();
    const engine = await loader.finish(backend);
    const r = { backend: engine.backend(), reason: engine.backend_reason?.() ?? null, loadMs: performance.now() - t };
    t = performance.now();
    await speak(engine, phonemes, options); // warm-up (shader compilation)
    r.warmupMs = performance.now() - t;
    const c0 = snapshot();
    const rust0 = engine.readbacks?.() ?? null;
    t = performance.now();
    const { samples, chunks } = await speak(engine, phonemes, options);
    r.synthMs = performance.now() - t;
    const seconds = samples / engine.sample_rate();
    r.audioS = seconds;
    r.windows = chunks;
    r.counts = since(c0);
    r.engineReadbacks = rust0 === null ? null : engine.readbacks() - rust0;
    r.perSecond = Object.fromEntries(Object.entries(r.counts).map(([k, v]) => [k, v / seconds]));
    if (r.engineReadbacks !== null) r.perSecond.engineReadbacks = r.engineReadbacks / seconds;
    r.stages = [];
    if (engine.time_stages) {
      for (let i = 0; i < runs; i += 1) r.stages.push(JSON.parse(await engine.time_stages(phonemes, options)));
    }
    engine.free();
    out.backends[backend] = r;
  }
  return out;
}

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ ok: true, result: await run(data) });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.message ?? err) });
  }
};
