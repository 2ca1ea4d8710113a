// Sotto's vocoder worker: one of a pool (sotto-pool.js) that vocodes latent windows in
// parallel, without SharedArrayBuffer (so without COOP/COEP): each worker has its own wasm
// instance holding ONLY the vocoder's weights, and windows travel as transferred Float32Arrays.
//
// Messages in:  {type:'init', wasmUrl, manifestUrl, manifest (bytes), signature (bytes|null),
//                publicKey, manifestDigest, cache}
//               {type:'vocode', id, latent: {data, channels, frames, trimStart, samples, speaker?}}
// Messages out: {type:'ready'} | {type:'init-error', name, message}
//               {type:'vocoded', id, audio (transferred)} | {type:'error', id, name, message}
//               {type:'crashed'}: the wasm instance trapped; the pool replaces this worker.
// The manifest is checked again here (signature / pinned digest) before it is parsed, and each
// vocoder shard's size and SHA-256 are checked in Rust before it is parsed, whether it comes
// from the Cache API (where the engine worker committed the verified voice) or the network.
import init, { VocoderLoader } from '../pkg/sotto.js';

const CACHE_NAME = 'sotto-v1'; // as sotto-worker.js
const SHARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$/;

let vocoder = null;
let crashed = false;
let queue = Promise.resolve(); // one window at a time

self.onmessage = ({ data: msg }) => {
  const jobs = { init: start, vocode };
  const run = Object.hasOwn(jobs, msg.type) ? jobs[msg.type] : null;
  if (!run) return;
  queue = queue.then(() => {
    if (crashed) throw crashError();
    return run(msg);
  }).catch((err) => {
    if (err instanceof WebAssembly.RuntimeError) err = markCrashed();
    const reply = msg.type === 'init' ? { type: 'init-error' } : { type: 'error', id: msg.id };
    self.postMessage({ ...reply, name: err?.name ?? 'Error', message: String(err?.message ?? err) });
    if (err?.name === 'EngineCrashed') self.postMessage({ type: 'crashed' });
  });
};

for (const type of ['error', 'unhandledrejection']) {
  self.addEventListener(type, (event) => {
    const e = type === 'error' ? event.error : event.reason;
    if (!(e instanceof WebAssembly.RuntimeError)) return;
    event.preventDefault();
    markCrashed();
    self.postMessage({ type: 'crashed' });
  });
}

function crashError() {
  const err = new Error('a vocoder worker crashed and is being restarted; try again');
  err.name = 'EngineCrashed';
  return err;
}

function markCrashed() {
  crashed = true;
  vocoder = null;
  return crashError();
}

async function start({ wasmUrl, manifestUrl, manifest, signature, publicKey, manifestDigest, cache: useCache }) {
  await init(wasmUrl ? { module_or_path: wasmUrl } : undefined);
  const url = new URL(manifestUrl);
  const loader = VocoderLoader.new_verified(manifest, signature ?? null, publicKey ?? null, manifestDigest ?? null);
  try {
    const entries = JSON.parse(new TextDecoder().decode(manifest)).shards;
    const voiceId = JSON.parse(new TextDecoder().decode(manifest)).voice_id;
    const cache = useCache && self.caches ? await self.caches.open(CACHE_NAME).catch(() => null) : null;
    for (const file of JSON.parse(loader.shards())) {
      const shard = entries.find((s) => s.file === file);
      if (!shard || !SHARD_NAME.test(file)) throw new Error('the manifest names an invalid shard file');
      loader.add_shard(file, await shardBytes(url, voiceId, shard, cache)); // size + SHA-256 checked
    }
  } catch (err) {
    loader.free();
    throw err;
  }
  vocoder = loader.finish(); // consumes the loader
  self.postMessage({ type: 'ready' });
}

/** The engine worker's verified copy from the Cache API (same key), else the network. */
async function shardBytes(url, voiceId, shard, cache) {
  const key = new URL(`/.sotto-cache/${encodeURIComponent(voiceId)}/${encodeURIComponent(shard.integrity)}/${shard.file}`,
    url.origin).href;
  const hit = cache && (await cache.match(key).catch(() => null));
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  const shardUrl = new URL(shard.file, url);
  const res = await fetch(shardUrl, { credentials: 'same-origin' }).catch(() => {
    throw new Error(`could not download ${shard.file} (network error)`);
  });
  if (new URL(res.url || shardUrl).origin !== url.origin) throw new Error(`${shard.file} redirected to another origin`);
  if (!res.ok) throw new Error(`could not download ${shard.file} (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > shard.size) throw new Error(`${shard.file} is larger than the manifest says (${shard.size} bytes)`);
  return bytes;
}

async function vocode({ id, latent: l }) {
  if (!vocoder) throw new Error('the vocoder is not loaded');
  const audio = await vocoder.vocode(l.data, l.channels, l.frames, l.trimStart, l.samples, l.speaker ?? null);
  self.postMessage({ type: 'vocoded', id, audio }, [audio.buffer]);
}
