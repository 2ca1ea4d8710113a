// Fallback engine: Sotto's wasm package (wasm-bindgen --target web) in this benchmark's own
// dedicated module worker (wgpu panics outside a Window or dedicated Worker). Same calls as
// www/sotto-worker.js makes, without its caching and progress reporting. It also reports the
// wasm instance's memory (`memory.buffer.byteLength`, which never shrinks) after each text.
import init, { Lexicon, VoiceLoader, install_text_data } from '/pkg/sotto.js';

let engine = null;
let lexicon = null;
let wasm = null; // init()'s exports: `memory` is the instance's linear memory

async function load({ manifestUrl, backend }) {
  wasm = await init();
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  // The lexicon and letter-to-sound rules (Rust checks their pinned SHA-256).
  const gz = (await fetch('/pkg/sotto-text.bin.gz')).body.pipeThrough(new DecompressionStream('gzip'));
  install_text_data(new Uint8Array(await new Response(gz).arrayBuffer()));
  const loader = new VoiceLoader(await bytes(manifestUrl));
  const manifest = JSON.parse(loader.manifest());
  for (const s of manifest.shards) loader.add_shard(s.file, await bytes(new URL(s.file, manifestUrl)));
  engine = await loader.finish(backend);
  lexicon = new Lexicon();
  return { backend: engine.backend(), sampleRate: engine.sample_rate() };
}

async function synth({ id, text }) {
  // One chunk per window of each sentence (sentence i with seed i: the voice's defaults, seed 0).
  const stream = engine.stream_text(text, '{}', lexicon);
  try {
    for (let c; (c = await stream.next()) !== null; ) {
      const audio = c.samples;
      self.postMessage({ type: 'chunk', id, audio, sampleRate: c.sampleRate }, [audio.buffer]);
    }
  } finally {
    stream.free();
  }
  self.postMessage({ type: 'done', id, wasmMemoryBytes: wasm.memory.buffer.byteLength });
}

let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    if (data.type === 'load') self.postMessage({ type: 'loaded', id: data.id, info: await load(data) });
    else if (data.type === 'synth') await synth(data);
  }).catch((e) => self.postMessage({ type: 'error', id: data.id, message: String(e?.message ?? e) }));
};
