// The Sotto demo page. State is mirrored in <body data-state> ('loading' | 'ready' |
// 'speaking' | 'error') and <body data-playing> so that tests and styles can follow it.
import { Sotto } from './sotto.js';

const MANIFEST = new URL('../models/en_US-joe-medium/manifest.json', import.meta.url);
/** The voices this site hosts (models/catalog.json, written by tools/build-dist.mjs). */
const CATALOG = new URL('../models/catalog.json', import.meta.url);
const $ = (id) => document.getElementById(id);
const ui = {
  voice: $('voice'), backend: $('backend'), backendChoice: $('backend-choice'), voiceChoice: $('voice-choice'),
  speakers: $('speakers'), speakerA: $('speaker-a'), speakerB: $('speaker-b'), blend: $('blend'), blendValue: $('blend-value'),
  progress: $('progress'), progressLabel: $('progress-label'), text: $('text'), phonemes: $('phonemes'),
  speed: $('speed'), speedValue: $('speed-value'), speak: $('speak'), stop: $('stop'),
  download: $('download'), status: $('status'), error: $('error'),
  reading: $('reading'), showSpoken: $('show-spoken'), spokenForm: $('spoken-form'), spoken: $('spoken'),
};

let tts = null;
let playback = null;
/** Catalog entries by id (the engine validated them); the default voice alone if there is none. */
let voices = new Map();

function setState(state) {
  document.body.dataset.state = state;
  const idle = state === 'ready' || state === 'error';
  ui.speak.disabled = !tts?.voiceId || !idle;
  ui.download.disabled = !tts?.voiceId || !idle;
  ui.stop.disabled = state !== 'speaking';
  ui.backendChoice.disabled = state === 'loading' || state === 'speaking';
  ui.voiceChoice.disabled = ui.backendChoice.disabled || voices.size < 2;
}

function showError(err) {
  ui.error.textContent = err?.message ?? String(err);
  ui.error.hidden = false;
}

function clearError() {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

const mb = (n) => (n / 1e6).toFixed(1);

async function loadVoice(backend) {
  setState('loading');
  clearError();
  const onProgress = (e) => {
    ui.progress.max = e.overallTotal;
    ui.progress.value = e.overallLoaded;
    const verb = { download: 'Downloading', cache: 'Reading cached', verify: 'Verifying' }[e.phase];
    ui.progressLabel.textContent = `${verb} ${e.file} — ${mb(e.overallLoaded)} / ${mb(e.overallTotal)} MB`;
  };
  try {
    const t0 = performance.now();
    const entry = voices.get(ui.voiceChoice.value) ?? { manifest: MANIFEST };
    tts ??= new Sotto();
    await tts.loadVoice({ ...entry, backend, onProgress }); // a catalog entry pins its manifest digest
    ui.voice.textContent = `${tts.voiceId} (${tts.sampleRate} Hz)`;
    showSpeakers();
    ui.backend.textContent = tts.backend === 'webgpu' ? 'WebGPU' : 'CPU';
    ui.backend.dataset.backend = tts.backend;
    document.body.dataset.backend = tts.backend;
    ui.status.textContent = `Ready (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s).`;
    setState('ready');
  } catch (err) {
    showError(err);
    ui.status.textContent = tts?.voiceId ? 'Could not switch; the previous voice is still loaded.' : 'The voice could not be loaded.';
    setState('error');
  }
}

/** Fills the voice picker from the catalog (the default voice first); on failure only it is offered. */
async function listVoices() {
  tts ??= new Sotto();
  try {
    voices = new Map((await tts.voices(CATALOG)).map((v) => [v.id, v]));
  } catch (err) {
    showError(err);
    voices = new Map();
  }
  const label = (v) => `${v.id} · ${v.quality}${v.numSpeakers > 1 ? ` · ${v.numSpeakers} speakers` : ''} · ${mb(v.downloadBytes)} MB`;
  ui.voiceChoice.replaceChildren(...[...voices.values()].map((v) =>
    Object.assign(document.createElement('option'), { value: v.id, textContent: label(v) })));
}

/** The speaker pickers, for a multi-speaker voice: names when the voice has them, else indices. */
function showSpeakers() {
  const n = tts.numSpeakers;
  ui.speakers.hidden = n < 2;
  const names = tts.speakers.length ? tts.speakers : Array.from({ length: n }, (_, i) => String(i));
  const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
  ui.speakerA.replaceChildren(...names.map((name) => option(name, name)));
  ui.speakerB.replaceChildren(option('', '(none)'), ...names.map((name) => option(name, name)));
  ui.blend.value = '1';
  updateBlend();
}

function updateBlend() {
  ui.blend.disabled = !ui.speakerB.value;
  const w = ui.speakerB.value ? Number(ui.blend.value) : 1;
  ui.blendValue.textContent = `${Math.round(w * 100)} / ${Math.round((1 - w) * 100)}`;
}

/**
 * `speaker` for the engine: one speaker, or {a: w, b: 1 - w} to blend two. Names go as they
 * are (`name:` first when a name is all digits, which would read as an index); a voice without
 * names uses indices.
 */
function speaker() {
  if (tts.numSpeakers < 2) return undefined;
  const ref = (v) => (tts.speakers.length && /^[0-9]+$/.test(v) ? `name:${v}` : v);
  const [a, b, w] = [ui.speakerA.value, ui.speakerB.value, Number(ui.blend.value)];
  if (!b || b === a || w >= 1) return ref(a);
  if (w <= 0) return ref(b);
  return { [ref(a)]: w, [ref(b)]: 1 - w };
}

function options() {
  const s = speaker();
  return { lengthScale: 1 / Number(ui.speed.value), phonemes: ui.phonemes.checked, ...(s === undefined ? {} : { speaker: s }) };
}

/**
 * The read-only copy of the text being spoken: the words the engine reports (UTF-16 offsets
 * into `text`) become <span class="word"> elements, so the one being spoken can be highlighted.
 */
class Reading {
  #text;
  #words = new Map(); // charStart -> {charEnd, el}
  #current = null;

  constructor(text) {
    this.#text = text;
    ui.reading.replaceChildren(text);
    ui.reading.hidden = false;
  }

  /** Adds a chunk's words and re-renders (text nodes between word spans). */
  addWords(words) {
    let added = false;
    for (const w of words) {
      if (this.#words.has(w.charStart)) continue;
      this.#words.set(w.charStart, { charEnd: w.charEnd, el: null });
      added = true;
    }
    if (!added) return;
    const nodes = [];
    let at = 0;
    for (const [start, word] of [...this.#words].sort((a, b) => a[0] - b[0])) {
      if (start < at) continue; // overlapping spans never come from the engine; keep the first
      if (start > at) nodes.push(this.#text.slice(at, start));
      word.el ??= Object.assign(document.createElement('span'), { className: 'word', textContent: this.#text.slice(start, word.charEnd) });
      nodes.push(word.el);
      at = word.charEnd;
    }
    nodes.push(this.#text.slice(at));
    ui.reading.replaceChildren(...nodes);
  }

  highlight(charStart) {
    this.#current?.classList.remove('current');
    this.#current = this.#words.get(charStart)?.el ?? null;
    this.#current?.classList.add('current');
  }

  clear() {
    this.highlight(-1);
  }
}

function showSpoken() {
  ui.spokenForm.hidden = !ui.showSpoken.checked || !ui.spoken.childElementCount;
}

function speak() {
  const text = ui.text.value.trim();
  if (!text) return;
  clearError();
  setState('speaking');
  delete document.body.dataset.playing;
  ui.status.textContent = 'Synthesizing…';
  const reading = new Reading(text);
  ui.spoken.replaceChildren();
  showSpoken();
  playback = tts.speak(text, {
    ...options(),
    onChunk: ({ sentenceIndex, words, spoken }) => {
      document.body.dataset.playing = 'true';
      ui.status.textContent = `Playing (sentence ${sentenceIndex + 1})…`;
      reading.addWords(words);
      if (spoken !== undefined) {
        ui.spoken.append(Object.assign(document.createElement('li'), { textContent: spoken }));
        showSpoken();
      }
    },
    onWord: ({ charStart }) => reading.highlight(charStart),
  });
  const current = playback;
  current.done
    .then(() => { if (playback === current) ui.status.textContent = 'Done.'; })
    .catch((err) => { showError(err); ui.status.textContent = ''; })
    .finally(() => {
      reading.clear();
      if (playback !== current) return;
      playback = null;
      delete document.body.dataset.playing;
      setState('ready');
    });
}

/** 16-bit PCM mono WAV, labelled as synthetic speech in a LIST/INFO chunk (as the CLI does). */
function encodeWav(samples, sampleRate) {
  // ISFT, ICMT: each text NUL-terminated, padded to an even length.
  const info = [['ISFT', 'Sotto (web demo)'], ['ICMT', 'Synthetic speech generated by Sotto (text-to-speech)']];
  const infoLen = 4 + info.reduce((n, [, t]) => n + 8 + ((t.length + 2) & ~1), 0);
  const data = 44 + 8 + infoLen;
  const view = new DataView(new ArrayBuffer(data + samples.length * 2));
  const str = (at, s) => { for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i)); };
  str(0, 'RIFF'); view.setUint32(4, data - 8 + samples.length * 2, true); str(8, 'WAVE');
  str(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true); view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  str(36, 'LIST'); view.setUint32(40, infoLen, true); str(44, 'INFO');
  let at = 48;
  for (const [id, text] of info) {
    str(at, id); view.setUint32(at + 4, text.length + 1, true); str(at + 8, text); // NULs: zeroed buffer
    at += 8 + ((text.length + 2) & ~1);
  }
  str(at, 'data'); view.setUint32(at + 4, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(data + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([view.buffer], { type: 'audio/wav' });
}

async function download() {
  const text = ui.text.value.trim();
  if (!text) return;
  clearError();
  setState('speaking');
  ui.stop.disabled = true;
  ui.status.textContent = 'Synthesizing for download…';
  try {
    const { audio, sampleRate } = await tts.synthesize(text, options());
    const url = URL.createObjectURL(encodeWav(audio, sampleRate));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'sotto.wav' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    ui.status.textContent = `Saved ${(audio.length / sampleRate).toFixed(1)} s of audio.`;
  } catch (err) {
    showError(err);
    ui.status.textContent = '';
  }
  setState('ready');
}

ui.speed.addEventListener('input', () => { ui.speedValue.textContent = `${Number(ui.speed.value).toFixed(1)}×`; });
ui.speak.addEventListener('click', speak);
ui.stop.addEventListener('click', () => { playback?.stop(); ui.status.textContent = 'Stopped.'; });
ui.download.addEventListener('click', download);
ui.showSpoken.addEventListener('change', showSpoken);
ui.backendChoice.addEventListener('change', () => loadVoice(ui.backendChoice.value));
ui.voiceChoice.addEventListener('change', () => loadVoice(ui.backendChoice.value));
ui.speakerB.addEventListener('change', updateBlend);
ui.blend.addEventListener('input', updateBlend);

// ?backend=cpu|webgpu|auto picks the engine at start (the tests use it).
const wanted = new URLSearchParams(location.search).get('backend');
if (['auto', 'webgpu', 'cpu'].includes(wanted)) ui.backendChoice.value = wanted;

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch(() => { /* the demo still works online */ });
}
setState('loading');
listVoices().then(() => loadVoice(ui.backendChoice.value));
