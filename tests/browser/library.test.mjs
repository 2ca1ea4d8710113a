// The library on the CPU backend: parity with the native CLI, no network during synthesis,
// chunk streaming and cancellation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import {
  buildSite, startServer, launch, nativeReference, nativeText, snrDb, rms, fromBase64F32, PAGE_HELPERS, HELLO,
} from './helpers.mjs';

let site, server, browser, page;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch();
  page = await browser.context.newPage();
  await page.addInitScript(PAGE_HELPERS);
  await page.goto(`${server.url}/test.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('(a) CPU: loads, synthesizes and matches the native reference (SNR >= 40 dB)', async () => {
  const t0 = Date.now();
  const info = await page.evaluate(async () => {
    const { Sotto } = await import('/www/sotto.js');
    const progress = [];
    const t = performance.now();
    window.tts = await Sotto.load({
      manifest: '/models/en_US-joe-medium/manifest.json', backend: 'cpu', onProgress: (e) => progress.push(e),
    });
    const loadMs = performance.now() - t;
    const last = progress.at(-1);
    return { backend: tts.backend, sampleRate: tts.sampleRate, voiceId: tts.voiceId, loadMs, events: progress.length,
      last, phases: [...new Set(progress.map((e) => e.phase))] };
  });
  assert.equal(info.backend, 'cpu');
  assert.equal(info.sampleRate, 22050);
  assert.equal(info.voiceId, 'en_US-joe-medium');
  assert.deepEqual(info.phases.sort(), ['download', 'verify']);
  assert.equal(info.last.overallLoaded, info.last.overallTotal);

  const out = await page.evaluate(async (phonemes) => {
    const t = performance.now();
    const { audio, sampleRate } = await tts.synthesize(phonemes, { phonemes: true, noiseScale: 0, noiseW: 0 });
    return { b64: f32ToBase64(audio), sampleRate, ms: performance.now() - t };
  }, HELLO);
  const audio = fromBase64F32(out.b64);
  const ref = await nativeReference(HELLO, site);
  const snr = snrDb(ref, audio);
  console.log(`cpu: load ${info.loadMs.toFixed(0)} ms (${info.events} progress events), synth ${out.ms.toFixed(0)} ms ` +
    `for ${(audio.length / 22050).toFixed(2)} s audio; rms ${rms(audio).toFixed(4)}; samples ${audio.length} ` +
    `(native ${ref.length}); SNR vs native ${snr.toFixed(1)} dB; total ${Date.now() - t0} ms`);
  assert.equal(out.sampleRate, 22050);
  assert.ok(rms(audio) > 0.01, 'audio is not silent');
  assert.equal(audio.length, ref.length, 'same length as the native reference');
  assert.ok(snr >= 40, `SNR ${snr.toFixed(1)} dB >= 40 dB`);
});

test('one orchestration: the same text, seed and options give the same audio natively and in the browser (CPU)', async () => {
  // Several sentences (seed + sentence index), default noise, a slower length scale: the stream
  // in Rust decides all of it, in the CLI and in the worker alike.
  const text = 'Dr. Chen paid $79.99 on Jan. 3rd. Was it worth it? Yes, it was!';
  const out = await page.evaluate(async (text) => {
    const { audio } = await tts.synthesize(text, { seed: 5, lengthScale: 1.2 });
    return f32ToBase64(audio);
  }, text);
  const audio = fromBase64F32(out);
  const ref = await nativeText(text, site, ['--seed', '5', '--length-scale', '1.2']);
  const snr = snrDb(ref, audio);
  console.log(`native vs browser: ${audio.length} vs ${ref.length} samples; SNR ${snr.toFixed(1)} dB`);
  assert.equal(audio.length, ref.length, 'same length natively and in the browser');
  assert.ok(snr >= 80, `SNR ${snr.toFixed(1)} dB >= 80 dB`);
});

test('(e) no network request is made during synthesis', async () => {
  const seen = [];
  const record = (r) => seen.push(r.url());
  browser.context.on('request', record);
  const before = server.requests.length;
  const n = await page.evaluate(async (phonemes) => {
    const { audio } = await tts.synthesize(`${phonemes} ${phonemes}`, { phonemes: true, seed: 7 });
    return audio.length;
  }, HELLO);
  browser.context.off('request', record);
  console.log(`requests during synthesis: browser ${seen.length}, server ${server.requests.length - before}; ${n} samples`);
  assert.ok(n > 0);
  assert.deepEqual(seen, []);
  assert.equal(server.requests.length, before);
});

// Text input: the engine splits sentences (phoneme input is one utterance unless too long).
const THREE = 'Hello world. Hello again. Hello once more.';

test('stream yields chunks in order, each sentence in turn', async () => {
  const chunks = await page.evaluate(async (text) => {
    const out = [];
    for await (const c of tts.stream(text, { noiseScale: 0, noiseW: 0 })) {
      out.push({ index: c.index, sentence: c.sentenceIndex, n: c.audio.length, sr: c.sampleRate, at: performance.now() });
    }
    return out;
  }, THREE);
  console.log(`stream: ${chunks.map((c) => `${c.sentence}:${c.n}`).join(', ')} (sentence:samples); ` +
    `gaps ${chunks.slice(1).map((c, i) => (c.at - chunks[i].at).toFixed(0)).join(', ')} ms`);
  assert.deepEqual(chunks.map((c) => c.index), chunks.map((_, i) => i));
  const sentences = chunks.map((c) => c.sentence);
  assert.deepEqual([...new Set(sentences)], [0, 1, 2], 'three sentences, in order');
  assert.deepEqual(sentences, [...sentences].sort((a, b) => a - b));
  assert.ok(chunks.every((c) => c.n > 0 && c.sr === 22050));
});

test('an aborted synthesis rejects with AbortError and the engine stays usable', async () => {
  const r = await page.evaluate(async (phonemes) => {
    const sentence = 'Hello world.';
    let t = performance.now();
    await tts.synthesize(sentence);
    const single = performance.now() - t;
    const ac = new AbortController();
    const long = Array(8).fill(sentence).join(' ');
    const p = tts.synthesize(long, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    let name = null;
    try { await p; } catch (e) { name = `${e.name}/${e instanceof DOMException}`; }
    let pre = null;
    try { await tts.synthesize(phonemes, { phonemes: true, signal: AbortSignal.abort() }); } catch (e) { pre = e.name; }
    t = performance.now();
    const after = await tts.synthesize(sentence);
    const afterMs = performance.now() - t; // waits for at most the chunk in progress when aborted
    return { name, pre, after: after.audio.length, single, afterMs };
  }, HELLO);
  console.log(`abort: next synthesis took ${r.afterMs.toFixed(0)} ms (one sentence: ${r.single.toFixed(0)} ms)`);
  assert.equal(r.name, 'AbortError/true');
  assert.ok(r.afterMs < 4 * r.single, 'the worker stopped instead of finishing the 8 sentences');
  assert.equal(r.pre, 'AbortError');
  assert.ok(r.after > 0);
});

test('speak schedules chunks back to back and stop() ends it', async () => {
  const r = await page.evaluate(async (text) => {
    const chunks = [];
    const p = tts.speak(text, { onChunk: (c) => chunks.push(c) });
    await p.done;
    let stoppedChunks = 0;
    const q = tts.speak(text, { onChunk: () => { stoppedChunks++; q.stop(); } });
    await q.done; // resolves (not rejects) after stop()
    return { chunks, stoppedChunks };
  }, THREE);
  const gaps = r.chunks.slice(1).map((c, i) => c.startTime - (r.chunks[i].startTime + r.chunks[i].duration));
  console.log(`speak: ${r.chunks.length} chunks; gaps between chunks ${gaps.map((g) => (g * 1000).toFixed(1)).join(', ')} ms ` +
    '(0 = gapless; > 0 only when synthesis fell behind playback)');
  assert.deepEqual([...new Set(r.chunks.map((c) => c.sentenceIndex))], [0, 1, 2]);
  assert.ok(gaps.every((g) => g > -1e-6), 'chunks never overlap');
  assert.equal(r.stoppedChunks, 1);
});

test('text input: each sentence is spoken, and chunks carry the text they speak', async () => {
  const r = await page.evaluate(async () => {
    try {
      const out = [];
      for await (const c of tts.stream('Hello world. How are you today?', { noiseScale: 0, noiseW: 0 })) {
        out.push({ index: c.index, sentence: c.sentenceIndex, n: c.audio.length, text: c.text });
      }
      return { out };
    } catch (e) {
      return { error: e.message };
    }
  });
  assert.equal(r.error, undefined);
  console.log(`text: ${r.out.map((c) => `chunk ${c.index} (sentence ${c.sentence}): ${c.n} samples, ${JSON.stringify(c.text)}`).join('; ')}`);
  for (const s of [0, 1]) {
    const mine = r.out.filter((c) => c.sentence === s);
    assert.ok(mine.reduce((n, c) => n + c.n, 0) > 5000, `sentence ${s} is spoken`);
  }
  assert.equal(r.out.at(-1).sentence, 1);
  const texts = r.out.map((c) => c.text).filter(Boolean).join(' ');
  assert.match(texts, /Hello/);
  assert.match(texts, /today/);
});

test('invalid text is refused with an Error that does not echo the text', async () => {
  const secret = 'SECRET-1234 ';
  const r = await page.evaluate(async (s) => {
    try {
      await tts.synthesize(s.repeat(100_000));
      return { ok: true };
    } catch (e) {
      return { name: e.name, message: e.message };
    }
  }, secret);
  console.log(`too long: ${r.name}: ${r.message}`);
  assert.equal(r.ok, undefined, 'a 1.2 MB text is refused');
  assert.ok(!r.message.includes('SECRET'), 'the error does not echo the text');
});

test('options are checked by the engine (Rust), with its messages', async () => {
  const r = await page.evaluate(async (phonemes) => {
    const attempt = async (opts) => {
      try {
        await tts.synthesize(phonemes, { phonemes: true, ...opts });
        return 'accepted';
      } catch (e) {
        return e.message;
      }
    };
    return {
      low: await attempt({ lengthScale: 0.05 }),
      high: await attempt({ noiseScale: 2.5 }),
      nan: await attempt({ noiseW: NaN }),
      seed: await attempt({ seed: -1 }),
      fraction: await attempt({ speaker: 0.5 }),
      speaker: await attempt({ speaker: 1 }),
      // Speakers by name and blends: Rust's parser and resolver (a one-speaker voice here).
      name: await attempt({ speaker: 'secret-name' }),
      blend: await attempt({ speaker: { 'secret-name': 0.5, 0: 0.5 } }),
      emptyBlend: await attempt({ speaker: {} }),
      negative: await attempt({ speaker: { 0: -1 } }),
      textBlend: await attempt({ speaker: 'a=1,b' }),
      indexByText: await attempt({ speaker: '0' }),
      blendOfOne: await attempt({ speaker: { 0: 2 } }),
      unknown: await attempt({ lenghtScale: 1 }),
      edge: await attempt({ lengthScale: 5, noiseScale: 0, noiseW: 2, seed: 2 ** 40 }),
    };
  }, HELLO);
  console.log(`option errors: ${JSON.stringify(r)}`);
  assert.match(r.low, /length_scale must be within 0\.1\.\.=5/);
  assert.match(r.high, /noise_scale must be within 0\.\.=2/);
  assert.match(r.nan, /invalid synthesis options/);
  assert.match(r.seed, /invalid synthesis options/);
  assert.match(r.fraction, /invalid synthesis options/);
  assert.match(r.speaker, /speaker 1 does not exist/);
  assert.match(r.name, /no speaker of that name/);
  assert.match(r.blend, /no speaker of that name/);
  for (const m of [r.name, r.blend]) assert.doesNotMatch(m, /secret/, 'the name is not repeated');
  assert.match(r.emptyBlend, /invalid speaker choice: a blend names no speaker/);
  assert.match(r.negative, /weights must be finite and at least 0/);
  assert.match(r.textBlend, /SPEAKER=WEIGHT/);
  assert.equal(r.indexByText, 'accepted');
  assert.equal(r.blendOfOne, 'accepted');
  assert.match(r.unknown, /unknown field `lenghtScale`/);
  assert.doesNotMatch(r.unknown, / at line \d/, 'no JSON position in the message');
  assert.equal(r.edge, 'accepted');
});

test('lexicon: Sotto.load({ lexicon }) and setLexicon() override pronunciations, validated', async () => {
  const r = await page.evaluate(async () => {
    const { Sotto } = await import('/www/sotto.js');
    const say = async (t, text) => (await t.synthesize(text, { noiseScale: 0, noiseW: 0 })).audio.length;
    const fresh = new Sotto();
    const before = fresh.backend;
    fresh.dispose();
    // A word spoken with a much longer pronunciation through the override.
    const long = 'zˈuːɡəlbɹˌɪks ænd mˈɔːɹ zˈuːɡəlbɹˌɪks';
    const t = await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json', backend: 'cpu',
      lexicon: `# comment\nquux\t${long}\n` });
    const withFile = await say(t, 'Quux.');
    const cleared = await t.setLexicon(null);
    const builtin = await say(t, 'Quux.');
    const pairs = await t.setLexicon([['quux', long]]);
    const withPairs = await say(t, 'Quux.');
    let bad = null;
    try { await t.setLexicon({ 'two words': 'tˈuː' }); } catch (e) { bad = e.message; }
    const kept = await say(t, 'Quux.'); // a refused lexicon leaves the current one
    let badLoad = null;
    try {
      await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json', backend: 'cpu', lexicon: 'quux\n' });
    } catch (e) { badLoad = e.message; }
    t.dispose();
    return { before, withFile, cleared, builtin, pairs, withPairs, bad, kept, badLoad };
  });
  console.log(`lexicon: ${JSON.stringify(r)}`);
  assert.equal(r.before, null, 'backend is null before a voice loads');
  assert.equal(r.cleared, 0);
  assert.equal(r.pairs, 1);
  assert.ok(r.withFile > 1.5 * r.builtin, 'the file-format override is spoken');
  assert.equal(r.withPairs, r.withFile, 'pairs and file text give the same pronunciation');
  assert.match(r.bad, /invalid lexicon override entry #0: word contains whitespace/);
  assert.equal(r.kept, r.withPairs);
  assert.match(r.badLoad, /invalid lexicon override entry #0: empty pronunciation/);
});
