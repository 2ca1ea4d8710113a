// Fallback engine: Sotto's wasm package (wasm-bindgen --target web) in this benchmark's own
// dedicated module worker (wgpu panics outside a Window or dedicated Worker). Same calls as
// www/sotto-worker.js makes, without its caching and progress reporting.
import init, { Lexicon, VoiceLoader } from '/pkg/sotto.js';

let engine = null;
let lexicon = null;

async function load({ manifestUrl, backend }) {
  await init();
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const loader = new VoiceLoader(await bytes(manifestUrl));
  const manifest = JSON.parse(loader.manifest());
  for (const s of manifest.shards) loader.add_shard(s.file, await bytes(new URL(s.file, manifestUrl)));
  engine = await loader.finish(backend);
  lexicon = new Lexicon();
  return { backend: engine.backend(), sampleRate: engine.sample_rate() };
}

async function synth({ id, text }) {
  const chunks = JSON.parse(engine.prepare(text, lexicon));
  for (let i = 0; i < chunks.length; i++) {
    const audio = await engine.synthesize(chunks[i].phonemes, '{}', i); // the voice's defaults, seed i
    self.postMessage({ type: 'chunk', id, audio, sampleRate: engine.sample_rate() }, [audio.buffer]);
  }
  self.postMessage({ type: 'done', id });
}

let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    if (data.type === 'load') self.postMessage({ type: 'loaded', id: data.id, info: await load(data) });
    else if (data.type === 'synth') await synth(data);
  }).catch((e) => self.postMessage({ type: 'error', id: data.id, message: String(e?.message ?? e) }));
};
