// The example apps' code, shared by tests/apps/vite and tests/apps/webpack (the test copies it
// into each app): what a new user writes after `npm install sotto`, nothing more.
import { Sotto } from 'sotto';

async function main() {
  const params = new URLSearchParams(location.search);
  const progress = new Set();
  const tts = await Sotto.load({
    manifest: '/models/en_US-joe-medium/manifest.json',
    backend: 'cpu',
    workers: 2, // the vocoder pool: its worker file must be bundled too
    onProgress: (e) => progress.add(e.phase),
  });
  const { audio, sampleRate } = await tts.synthesize(params.get('text') ?? 'Hello from a bundled app.');
  let peak = 0;
  for (const v of audio) peak = Math.max(peak, Math.abs(v));
  tts.dispose();
  return { samples: audio.length, sampleRate, peak, backend: tts.backend, workers: tts.workers, phases: [...progress] };
}

main().then(
  (result) => { window.result = result; },
  (e) => { window.result = { error: String(e?.message ?? e) }; },
);
