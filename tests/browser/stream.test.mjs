// The streaming API in Chromium (CPU backend): word timings in the caller's own text, typed
// errors from the engine, text arriving piece by piece (spoken before the input has ended),
// and speak()'s onWord on the AudioContext clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { buildSite, startServer, launch, GOOD, CAFE } from './helpers.mjs';

let site, server, browser, page;

before(async () => {
  site = await buildSite();
  server = await startServer(site);
  browser = await launch();
  page = await browser.context.newPage();
  await page.goto(`${server.url}/test.html`);
  await page.evaluate(async (GOOD) => {
    const { Sotto } = await import('/www/sotto.js');
    window.tts = await Sotto.load({ manifest: GOOD, backend: 'cpu' });
    // Chunks without their audio (only its length), for returning from the page.
    window.collect = async (iterable) => {
      const out = [];
      for await (const c of iterable) {
        const { audio, ...rest } = c;
        out.push({ ...rest, samples: audio.length });
      }
      return out;
    };
  }, GOOD);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

/**
 * Checks the chunks' words against `input`; returns them all, in order, without repeats.
 * `letters`: every run of letters and digits in the input must lie inside a word.
 */
function checkWords(chunks, input, { letters = true } = {}) {
  assert.deepEqual(chunks.map((c) => c.index), chunks.map((_, i) => i), 'chunks are numbered 0, 1, 2, ...');
  const words = [];
  const seen = new Set();
  let audioEnd = 0;
  for (const c of chunks) {
    assert.ok(Array.isArray(c.words), 'every chunk carries words');
    assert.ok(Math.abs(c.start - audioEnd) < 1e-4, `chunk ${c.index} starts where the audio before it ends`);
    audioEnd += c.samples / c.sampleRate;
    for (const w of c.words) {
      assert.equal(input.slice(w.charStart, w.charEnd), w.text, `word ${JSON.stringify(w)} slices the input`);
      assert.ok(w.end >= w.start && w.start >= 0, `word ${JSON.stringify(w)} has start <= end`);
      const key = `${w.charStart}:${w.charEnd}`;
      if (!seen.has(key)) words.push(w);
      seen.add(key);
    }
    if (c.words.length) {
      assert.equal(c.text, input.slice(c.words[0].charStart, c.words.at(-1).charEnd), 'chunk text is its span of the input');
    }
  }
  for (let i = 1; i < words.length; i++) {
    assert.ok(words[i].start >= words[i - 1].start, 'word starts never go back');
    assert.ok(words[i].charStart >= words[i - 1].charEnd, 'words come in input order, without overlap');
  }
  assert.ok(words.length > 0);
  assert.ok(words.at(-1).end <= audioEnd + 1e-3, `the last word ends within the audio (${words.at(-1).end} <= ${audioEnd})`);
  if (letters) {
    for (const m of input.matchAll(/[\p{L}\p{N}]+/gu)) {
      assert.ok(words.some((w) => w.charStart <= m.index && m.index + m[0].length <= w.charEnd),
        `"${m[0]}" (at ${m.index}) lies inside a word`);
    }
  }
  const sentences = chunks.map((c) => c.sentenceIndex);
  assert.ok(sentences.every((s, i) => i === 0 ? s === 0 : s === sentences[i - 1] || s === sentences[i - 1] + 1),
    `sentence indices go 0, 1, 2, ... (${sentences})`);
  for (const [i, c] of chunks.entries()) {
    const firstOfSentence = i === 0 || c.sentenceIndex !== chunks[i - 1].sentenceIndex;
    if (firstOfSentence) assert.equal(typeof c.spoken, 'string', 'a sentence\'s first chunk carries its spoken form');
  }
  return words;
}

test('text: every word of the input, with UTF-16 offsets and times; "$79.99" is one word', async () => {
  const input = `${CAFE} It was ready at 10:30!`;
  const chunks = await page.evaluate((t) => collect(tts.stream(t, { noiseScale: 0, noiseW: 0 })), input);
  const words = checkWords(chunks, input);
  console.log(`words: ${words.map((w) => `${w.text}@${w.start.toFixed(2)}-${w.end.toFixed(2)}`).join(' ')}; ` +
    `${chunks.length} chunks; spoken: ${chunks.filter((c) => c.spoken).map((c) => JSON.stringify(c.spoken)).join(' ')}`);
  // Three sentences: the early cut (FIRST_CHUNK_PHONEMES) speaks the long first sentence's first
  // words ("Café costs $79.99") on their own, so the two sentences of the input are spoken as three.
  assert.deepEqual(new Set(chunks.map((c) => c.sentenceIndex)), new Set([0, 1, 2]));
  const price = words.filter((w) => w.text.includes('79'));
  assert.equal(price.length, 1, 'the price is one word');
  assert.match(price[0].text, /^\$79\.99$/);
  assert.ok(price[0].end - price[0].start > 0.8, 'it covers its whole spoken duration ("seventy-nine dollars ...")');
  assert.ok(words.some((w) => w.text === 'Café'), 'the non-ASCII word is there, sliced by UTF-16 offsets');
  assert.ok(words.some((w) => /^10:30/.test(w.text)), 'the time is one word');
  assert.ok(words.some((w) => w.text === 'Jan. 3rd'), 'the date is one word');
});

test('text: a character outside the BMP (a surrogate pair) does not shift later offsets', async () => {
  const input = 'Bold 𝐀 letters and 😀 faces, then café.';
  const r = await page.evaluate(async (t) => {
    try {
      return { chunks: await collect(tts.stream(t, { noiseScale: 0, noiseW: 0 })) };
    } catch (e) {
      return { name: e.name, message: e.message };
    }
  }, input);
  console.log(`surrogate pairs: ${r.chunks ? r.chunks.flatMap((c) => c.words.map((w) => w.text)).join(' | ') : `${r.name}: ${r.message}`}`);
  assert.ok(r.chunks, `the front-end accepts the text (${r.name}: ${r.message})`);
  const words = checkWords(r.chunks, input, { letters: false });
  assert.ok(words.some((w) => w.text === 'café.' || w.text === 'café'), 'the word after the pairs slices correctly');
});

test('errors are named like the engine\'s: OptionsError, TextError', async () => {
  const r = await page.evaluate(async () => {
    const attempt = async (input, opts) => {
      try {
        for await (const _ of tts.stream(input, opts)); // eslint-disable-line no-unused-vars
        return 'accepted';
      } catch (e) {
        return { name: e.name, message: e.message };
      }
    };
    return {
      option: await attempt('Hello.', { noiseScale: 5 }),
      text: await attempt('x'.repeat(20_000), {}),
      pieces: await attempt((async function* () { yield 'Hello there. '; yield 'y'.repeat(20_000); })(), {}),
      notString: await attempt((async function* () { yield 'Hello. '; yield 42; })(), {}),
    };
  });
  console.log(`errors: ${JSON.stringify(r)}`);
  assert.equal(r.option.name, 'OptionsError');
  assert.match(r.option.message, /noise_scale/);
  assert.equal(r.text.name, 'TextError');
  assert.equal(r.pieces.name, 'TextError', 'piecewise input is bounded too');
  assert.ok(!r.text.message.includes('xxxx') && !r.pieces.message.includes('yyyy'), 'errors do not echo the text');
  assert.equal(r.notString.name, 'TypeError');
});

test('pieces: the first sentence is spoken before the input has ended', { timeout: 180_000 }, async () => {
  const r = await page.evaluate(async () => {
    // The source stops after the first sentence and its successor's first word, until the test
    // has received audio: if stream() waited for the whole input, it would never yield.
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    const state = { ended: false, returned: false };
    const pieces = ['Hel', 'lo there', ', my friend. ', 'This', ' is the second sentence', '. And a third one.'];
    async function* source() {
      try {
        for (const [i, p] of pieces.entries()) {
          if (i === 4) await gate;
          yield p;
        }
        state.ended = true;
      } finally {
        state.returned = true;
      }
    }
    const chunks = [];
    let firstWhileOpen = null;
    for await (const c of tts.stream(source(), { noiseScale: 0, noiseW: 0 })) {
      if (firstWhileOpen === null) {
        firstWhileOpen = { sentenceIndex: c.sentenceIndex, ended: state.ended, samples: c.audio.length };
        release();
      }
      const { audio, ...rest } = c;
      chunks.push({ ...rest, samples: audio.length });
    }
    // A consumer that stops early ends the source too.
    const early = { returned: false };
    async function* endless() {
      try {
        for (;;) yield 'Again and again. ';
      } finally {
        early.returned = true;
      }
    }
    for await (const c of tts.stream(endless())) if (c) break;
    await new Promise((res) => setTimeout(res, 100));
    return { chunks, firstWhileOpen, state, early, input: pieces.join('') };
  });
  console.log(`pieces: first chunk while the source was open: ${JSON.stringify(r.firstWhileOpen)}; ` +
    `${r.chunks.length} chunks, sentences ${r.chunks.map((c) => c.sentenceIndex)}`);
  assert.deepEqual(r.firstWhileOpen, { sentenceIndex: 0, ended: false, samples: r.firstWhileOpen.samples });
  assert.ok(r.firstWhileOpen.samples > 0);
  assert.ok(r.state.ended && r.state.returned);
  const words = checkWords(r.chunks, r.input);
  assert.deepEqual(new Set(r.chunks.map((c) => c.sentenceIndex)), new Set([0, 1, 2]));
  assert.ok(r.early.returned, 'breaking out of the loop returns the source iterator');
});

test('speak: onWord fires in order, on the context clock, where the chunk schedule puts each word', async () => {
  const input = `${CAFE} Then it was over.`;
  const r = await page.evaluate(async (t) => {
    const chunks = [];
    const fired = [];
    let playback = null;
    playback = tts.speak(t, {
      noiseScale: 0, noiseW: 0,
      onChunk: (c) => chunks.push(c),
      onWord: (w) => fired.push({ ...w, now: playback.audioContext.currentTime }),
    });
    await playback.done;
    return { chunks, fired };
  }, input);
  // Where each word should start: the chunk whose stretch of stream time holds its start plays
  // from that chunk's startTime (context clock).
  let offset = 0;
  const spans = r.chunks.map((c) => {
    assert.ok(Math.abs(c.start - offset) < 1e-4, `chunk ${c.index} starts where the audio before it ends (${c.start} = ${offset})`);
    const s = { from: c.start, to: c.start + c.duration, at: c.startTime };
    offset += c.duration;
    return s;
  });
  const expected = [];
  const seen = new Set();
  for (const c of r.chunks) {
    for (const w of c.words) {
      if (seen.has(`${w.charStart}:${w.charEnd}`)) continue;
      seen.add(`${w.charStart}:${w.charEnd}`);
      const s = spans.find((x) => w.start < x.to) ?? spans.at(-1);
      expected.push({ text: w.text, charStart: w.charStart, startTime: s.at + Math.min(w.start - s.from, s.to - s.from) });
    }
  }
  console.log(`onWord: ${r.fired.map((w) => `${w.text}@${w.startTime.toFixed(3)} (fired ${((w.now - w.startTime) * 1000).toFixed(1)} ms after)`).join(', ')}`);
  assert.ok(expected.length >= 8, 'the words of both sentences');
  assert.deepEqual(r.fired.map((w) => [w.text, w.charStart]), expected.map((w) => [w.text, w.charStart]), 'every word, once, in order');
  for (const [i, w] of r.fired.entries()) {
    assert.ok(Math.abs(w.startTime - expected[i].startTime) < 1e-6, `${w.text}: startTime ${w.startTime} = ${expected[i].startTime}`);
    assert.ok(w.now >= w.startTime, `${w.text} fired once the context clock reached its start (${w.now} >= ${w.startTime})`);
    assert.equal(input.slice(w.charStart, w.charEnd), w.text);
  }
  const gaps = r.chunks.slice(1).map((c, i) => c.startTime - (r.chunks[i].startTime + r.chunks[i].duration));
  assert.ok(gaps.every((g) => g > -1e-6), 'chunks never overlap');
});

test('speak: piecewise input plays its first sentence before the input has ended', { timeout: 180_000 }, async () => {
  const r = await page.evaluate(async () => {
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    let ended = false;
    async function* source() {
      yield 'The first sentence is here. ';
      yield 'And';
      await gate; // opened by the first scheduled chunk
      yield ' then the second.';
      ended = true;
    }
    const scheduled = [];
    const words = [];
    const playback = tts.speak(source(), {
      onChunk: (c) => { scheduled.push({ sentenceIndex: c.sentenceIndex, ended }); release(); },
      onWord: (w) => words.push(w.text),
    });
    await playback.done;
    return { scheduled, words };
  });
  console.log(`speak pieces: ${JSON.stringify(r.scheduled)}; words ${r.words.join(' ')}`);
  assert.deepEqual(r.scheduled[0], { sentenceIndex: 0, ended: false });
  assert.equal(r.scheduled.at(-1).sentenceIndex, 1);
  assert.deepEqual(r.words, ['The', 'first', 'sentence', 'is', 'here', 'And', 'then', 'the', 'second']);
});

test('speak: stop() cancels the words not yet fired', async () => {
  const r = await page.evaluate(async (t) => {
    const ctx = new AudioContext(); // ours: it keeps running after stop(), so late words would fire
    const fired = [];
    let last = 0;
    const playback = tts.speak(t, {
      audioContext: ctx,
      onChunk: (c) => { for (const w of c.words) last = Math.max(last, c.startTime + c.duration); },
      onWord: (w) => { fired.push(w.text); if (fired.length === 2) playback.stop(); },
    });
    await playback.done;
    const atStop = fired.length;
    // Wait (on the context clock) until every scheduled word's time has passed.
    while (ctx.currentTime < last + 0.1) await new Promise((res) => setTimeout(res, 20));
    await ctx.close();
    return { atStop, after: fired.length, last };
  }, `${CAFE} ${CAFE}`);
  console.log(`stop: ${r.atStop} words fired before stop, ${r.after} after waiting past ${r.last.toFixed(2)} s`);
  assert.equal(r.atStop, 2);
  assert.equal(r.after, 2);
});
