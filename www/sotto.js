// Sotto: private in-browser neural text-to-speech. Main-thread API; the work happens in a
// dedicated module worker (sotto-worker.js) that owns the WebAssembly engine.
//
//   const tts = await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json' });
//   const { audio, sampleRate } = await tts.synthesize('Hello there.');
//   for await (const chunk of tts.stream(text)) { ... }     // or stream(asyncIterableOfPieces)
//   const playback = tts.speak(text, { onWord }); await playback.done;
//   tts.dispose();
//   const voices = await Sotto.voices('/models/catalog.json');   // validated by the engine
//   await tts.loadVoice(voices[1]);      // switches voice in the same worker, pinned to its digest

import { VocoderPool, poolSize } from './sotto-pool.js';

function abortError() {
  return new DOMException('Sotto synthesis was aborted', 'AbortError');
}

/**
 * Starts the engine's worker. The default is written inline, exactly in the form bundlers
 * (Vite, webpack 5, Rollup and esbuild plugins) recognise, so that they bundle the worker and,
 * through it, emit the wasm; a host that serves the files itself can pass `workerUrl`.
 */
function startWorker(workerUrl) {
  // A *dedicated module* worker: wgpu cannot run in other kinds of worker.
  if (workerUrl) return new Worker(workerUrl, { type: 'module', name: 'sotto' });
  return new Worker(new URL('./sotto-worker.js', import.meta.url), { type: 'module', name: 'sotto' });
}

/** Lexicon entries as the worker takes them: the `--lexicon` file text, or [word, phonemes] pairs. */
function lexiconMessage(entries) {
  if (entries == null) return null;
  if (typeof entries === 'string') return { text: entries };
  const pairs = Array.isArray(entries) ? entries : typeof entries === 'object' ? Object.entries(entries) : null;
  if (!pairs) throw new TypeError('Sotto: a lexicon is a string, an array of [word, phonemes] pairs or an object');
  return { pairs: JSON.stringify(pairs) };
}

/** `allowedOrigins` as the worker compares them: each an http(s) origin, e.g. 'https://cdn.example'. */
function originList(list) {
  if (list == null) return [];
  if (!Array.isArray(list)) throw new TypeError('Sotto: allowedOrigins must be an array of origins');
  return list.map((o) => {
    const url = typeof o === 'string' || o instanceof URL ? safeUrl(String(o)) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new TypeError('Sotto: each allowedOrigins entry must be an http(s) origin');
    }
    return url.origin;
  });
}

function safeUrl(s) {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/** The error a call gets when the engine crashed under it (the worker is replaced). */
function engineCrashed() {
  const err = new Error('Sotto: the engine crashed and has been restarted; try again');
  err.name = 'EngineCrashed';
  return err;
}

/** Synthesis options for Rust, which validates them: only the engine's own fields are sent. */
function engineOptions({ signal, phonemes, audioContext, destination, onChunk, onWord, ...opts }) {
  return JSON.stringify(opts);
}

/**
 * Most UTF-16 units of piecewise input sent to the worker and not yet taken by the engine: a
 * source that is faster than synthesis (or endless) is read only as fast as the engine takes it.
 */
const MAX_PIECES_AHEAD = 4096;

function isIterable(x) {
  return x != null && (typeof x[Symbol.asyncIterator] === 'function' || typeof x[Symbol.iterator] === 'function');
}

/**
 * Fires `onWord` as each word starts, on an AudioContext's clock. Word times are seconds from
 * the start of the stream; each chunk says where its stretch of stream time plays on the
 * context clock, so a word maps through the chunk whose stretch holds its start. Times never
 * accumulate across chunks (no drift), and a chunk scheduled late (after a gap) shifts only
 * the words it holds. A timer only wakes the check; a word fires once the context's
 * `currentTime` has reached its `startTime`, in order.
 */
class WordClock {
  #ctx;
  #onWord;
  #spans = []; // {from, to, at}: stream seconds [from, to) play from context time `at`
  #streamEnd = 0; // stream seconds received so far (sample-exact)
  #unmapped = []; // words whose start lies beyond the audio received so far, in order
  #due = []; // {word, startTime} in order
  #seen = new Set(); // words already taken (a word may be carried by more than one chunk)
  #timer = null;
  #cancelled = false;

  constructor(ctx, onWord) {
    this.#ctx = ctx;
    this.#onWord = onWord;
  }

  addChunk(chunk, at) {
    const from = chunk.start ?? this.#streamEnd; // the engine's own clock, which the words use
    this.#streamEnd = from + chunk.audio.length / chunk.sampleRate;
    this.#spans.push({ from, to: this.#streamEnd, at });
    for (const w of chunk.words) {
      const key = `${w.charStart}:${w.charEnd}:${w.start}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      this.#unmapped.push(w);
    }
    this.#map(false);
  }

  /** The stream has ended: words starting at or after its end map to its end. */
  end() {
    this.#map(true);
  }

  #map(final) {
    while (this.#unmapped.length) {
      const w = this.#unmapped[0];
      const span = this.#spans.find((s) => w.start < s.to) ?? (final ? this.#spans.at(-1) : null);
      if (!span) break; // its audio has not arrived yet
      this.#unmapped.shift();
      const startTime = span.at + Math.min(Math.max(0, w.start - span.from), span.to - span.from);
      this.#due.push({ text: w.text, charStart: w.charStart, charEnd: w.charEnd, start: w.start, end: w.end, startTime });
    }
    this.#arm();
  }

  #arm() {
    if (this.#cancelled || this.#timer !== null || !this.#due.length) return;
    const wait = Math.max(0, this.#due[0].startTime - this.#ctx.currentTime);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fire(this.#ctx.currentTime);
      this.#arm();
    }, Math.max(4, wait * 1000));
  }

  #fire(now) {
    while (!this.#cancelled && this.#due.length && this.#due[0].startTime <= now) {
      const word = this.#due.shift();
      try { this.#onWord(word); } catch { /* a throwing callback must not stop playback */ }
    }
  }

  /** Playback has ended: fire what is due by now (timer lag), then stop. */
  flush() {
    this.#fire(this.#ctx.currentTime);
    this.cancel();
  }

  cancel() {
    this.#cancelled = true;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#due.length = 0;
  }
}

export class Sotto {
  #worker;
  #workerUrl;
  #nextId = 1;
  #jobs = new Map(); // id -> {onMessage(msg), fail(err)}
  #disposed = false;
  #voice = null; // the last load message that succeeded (what crash recovery reloads)
  #lexicon = null; // the lexicon message in effect (null: the built-in lexicon)
  #recovering = false; // a recovery reload is in flight: a crash now is not retried
  /** 'webgpu' | 'cpu' once a voice is loaded, null before. */ backend = null;
  /** Why that backend, in words (the 'auto' probe's verdict); null before. */ backendReason = null;
  /** The 'auto' probe's measurements ({snrDb, minSnrDb, samples, copyMs, webgpuMs, cpuMs, finishMs}) or null. */ probe = null;
  /** Output sample rate in Hz. */ sampleRate = 0;
  /** Id of the loaded voice. */ voiceId = null;
  /** Number of speakers in the loaded voice. */ numSpeakers = 1;
  /** Speaker names of the loaded voice in id order ([] when it names none). */ speakers = [];
  /** Vocoder workers in use: 1 (the engine vocodes) or the pool's size (sotto-pool.js). */ workers = 1;
  #pool = null; // the VocoderPool of the loaded voice (CPU backend, workers > 1), or null

  constructor(workerUrl) {
    this.#workerUrl = workerUrl;
    this.#worker = this.#spawn();
  }

  #spawn() {
    const worker = startWorker(this.#workerUrl);
    worker.onmessage = ({ data }) => {
      if (worker !== this.#worker) return; // a replaced (crashed) worker
      if (data.type === 'crashed') this.#recover();
      else this.#jobs.get(data.id)?.onMessage(data);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      if (worker !== this.#worker) return;
      this.#failAll(new Error(`Sotto worker failed${e.message ? `: ${e.message}` : ' to start (check workerUrl and that pkg/ is served)'}`));
    };
    worker.onmessageerror = () => this.#failAll(new Error('Sotto worker sent an unreadable message'));
    return worker;
  }

  /**
   * The wasm instance trapped (a Rust panic aborts): every call pending in that worker rejects
   * with EngineCrashed, a new worker starts and reloads the current voice and lexicon (its
   * shards verified again), and later calls queue behind that reload, so they work without
   * the page calling loadVoice. A crash during that reload is not retried (the new worker then
   * has no voice until the page loads one).
   */
  #recover() {
    if (this.#disposed) return;
    const dead = this.#worker;
    const reload = this.#voice && !this.#recovering;
    this.#worker = this.#spawn();
    dead.terminate();
    this.#failAll(engineCrashed());
    if (!reload) return; // no voice yet, or the reload itself crashed: the caller loads again
    this.#recovering = true;
    const done = () => { this.#recovering = false; };
    this.#start({ ...this.#voice, lexicon: this.#lexicon, cacheFirst: true }, {
      onMessage: (msg, finish) => {
        if (msg.type === 'loaded') {
          finish();
          done();
        }
      },
      fail: done, // later calls then report that no voice is loaded
    });
  }

  /**
   * Loads a voice and resolves to a ready Sotto.
   * @param {import('./sotto.d.ts').LoadOptions} options
   */
  static async load(options = {}) {
    const tts = new Sotto(options.workerUrl);
    try {
      await tts.loadVoice(options);
      return tts;
    } catch (err) {
      tts.dispose();
      throw err;
    }
  }

  /**
   * Lists the voices of a catalog (catalog.json, see models/README.md) without loading any:
   * a short-lived worker fetches it (same origin unless listed in allowedOrigins) and the
   * engine validates it. Each entry can be passed to `Sotto.load` or `loadVoice` as is.
   * @returns {Promise<import('./sotto.d.ts').CatalogVoice[]>}
   */
  static async voices(catalogUrl, options = {}) {
    const tts = new Sotto(options.workerUrl);
    try {
      return await tts.voices(catalogUrl, options);
    } finally {
      tts.dispose();
    }
  }

  /** Like `Sotto.voices`, in this instance's worker (no second engine is started). */
  voices(catalogUrl, { wasmUrl, cache = true, allowedOrigins, signal } = {}) {
    if (!catalogUrl) return Promise.reject(new TypeError('Sotto: the catalog URL is required'));
    let origins;
    try {
      origins = originList(allowedOrigins);
    } catch (err) {
      return Promise.reject(err);
    }
    const message = {
      type: 'catalog', catalogUrl: new URL(catalogUrl, globalThis.location?.href).href, cache: Boolean(cache),
      wasmUrl: wasmUrl && new URL(wasmUrl, globalThis.location?.href).href, allowedOrigins: origins,
    };
    return new Promise((resolve, reject) => {
      this.#start(message, {
        onMessage: (msg, finish) => {
          if (msg.type !== 'catalog') return;
          finish();
          resolve(msg.voices.map((v) => Object.freeze({ ...v, speakers: Object.freeze([...v.speakers]) })));
        },
        fail: reject,
        signal,
      });
    });
  }

  /**
   * Loads (or replaces) the voice in this instance. On failure the previous voice stays loaded.
   * A catalog entry (from `voices()`) is load options: its `manifest` and its `manifestDigest`
   * pin are used (`loadVoice({ ...entry, onProgress })`); its other fields are ignored.
   */
  loadVoice({ manifest, backend = 'auto', onProgress, wasmUrl, cache = true, signal, lexicon, allowedOrigins,
    publicKey = null, manifestDigest = null, workers } = {}) {
    if (!manifest) return Promise.reject(new TypeError('Sotto: the manifest URL is required'));
    if ((publicKey !== null && typeof publicKey !== 'string') || (manifestDigest !== null && typeof manifestDigest !== 'string')) {
      return Promise.reject(new TypeError('Sotto: publicKey and manifestDigest are strings'));
    }
    if (!['auto', 'webgpu', 'cpu'].includes(backend)) {
      return Promise.reject(new TypeError("Sotto: backend must be 'auto', 'webgpu' or 'cpu'"));
    }
    let lex;
    let origins;
    let size;
    try {
      lex = lexiconMessage(lexicon);
      origins = originList(allowedOrigins);
      size = poolSize(workers);
    } catch (err) {
      return Promise.reject(err);
    }
    const manifestUrl = new URL(manifest, globalThis.location?.href).href;
    const wasm = wasmUrl && new URL(wasmUrl, globalThis.location?.href).href;
    const voice = {
      type: 'load', manifestUrl, backend, cache: Boolean(cache), wasmUrl: wasm, allowedOrigins: origins, publicKey, manifestDigest,
    };
    // With a pool, 'loaded' also brings the verified manifest bytes for the vocoder workers.
    const pooled = size > 1;
    return new Promise((resolve, reject) => {
      this.#start(
        { ...voice, pool: pooled, lexicon: lex },
        {
          onMessage: (msg, finish) => {
            if (msg.type === 'progress') {
              const { type, id, ...event } = msg;
              try { onProgress?.(event); } catch { /* a throwing callback must not break loading */ }
            } else if (msg.type === 'loaded') {
              finish();
              const apply = (pool) => {
                if (this.#disposed) return pool?.dispose();
                Object.assign(this, {
                  backend: msg.info.backend, backendReason: msg.info.backendReason ?? null,
                  probe: msg.info.probe ?? null, sampleRate: msg.info.sampleRate,
                  voiceId: msg.info.voiceId, numSpeakers: msg.info.numSpeakers,
                  speakers: Object.freeze([...(msg.info.speakers ?? [])]),
                });
                this.#voice = voice;
                if (lex) this.#lexicon = lex;
                this.#pool?.dispose();
                this.#pool = pool;
                this.workers = pool?.size ?? 1;
                resolve(this);
              };
              // The pool vocodes on the CPU only (WebGPU vocodes on the GPU). If it cannot start,
              // the engine vocodes (workers = 1).
              if (!pooled || msg.info.backend !== 'cpu' || !msg.voiceFiles) return apply(null);
              VocoderPool.start(size, {
                wasmUrl: wasm, manifestUrl, manifest: msg.voiceFiles.manifest, signature: msg.voiceFiles.signature,
                publicKey, manifestDigest, cache: Boolean(cache),
              }).then(apply, () => apply(null));
            }
          },
          fail: reject,
          signal,
        },
      );
    });
  }

  /**
   * Replaces the pronunciation lexicon: `entries` is the CLI's `--lexicon` file text
   * ("word<TAB>phonemes" lines), an array of [word, phonemes] pairs or a {word: phonemes}
   * object; null restores the built-in one. Validated in the engine; on failure the current
   * lexicon stays.
   */
  setLexicon(entries) {
    let lexicon;
    try {
      lexicon = lexiconMessage(entries);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.#start({ type: 'lexicon', lexicon }, {
        onMessage: (msg, finish) => {
          if (msg.type === 'lexicon') {
            this.#lexicon = lexicon;
            finish();
            resolve(msg.size);
          }
        },
        fail: reject,
      });
    });
  }

  /**
   * Synthesizes the whole text; resolves to {audio: Float32Array, sampleRate}.
   */
  async synthesize(text, opts = {}) {
    const parts = [];
    for await (const chunk of this.stream(text, opts)) parts.push(chunk.audio);
    const audio = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      audio.set(p, at);
      at += p.length;
    }
    return { audio, sampleRate: this.sampleRate };
  }

  /**
   * Yields chunks {audio, sampleRate, index, sentenceIndex, start, words, text?, spoken?} as soon as the
   * engine has vocoded each one. `input` is a string, or an (async) iterable of strings (text
   * arriving piece by piece, e.g. from a language model): pieces go to the engine as they
   * arrive, and each sentence is spoken as soon as it is complete. Breaking out of the loop, or
   * aborting opts.signal, stops the worker before its next chunk.
   */
  async *stream(input, opts = {}) {
    const incremental = typeof input !== 'string';
    if (incremental && !isIterable(input)) {
      throw new TypeError('Sotto: input must be a string or an (async) iterable of strings');
    }
    const { signal, phonemes = false } = opts;
    if (incremental && phonemes) throw new TypeError('Sotto: phoneme input must be a string');
    const options = engineOptions(opts); // checked by the engine, before the first chunk
    signal?.throwIfAborted?.();
    let received = incremental ? '' : input; // the caller's text so far: words index into it
    let inFlight = 0; // UTF-16 units sent to the worker that it has not yet taken
    let flow = null; // wakes the piece pump when the worker takes some
    const ready = []; // chunks received but not yet yielded
    let wake = null; // resolves the consumer's pending wait
    let ended = false;
    let error = null;
    const poke = () => { wake?.(); wake = null; };
    const pool = this.#pool; // with a pool, the engine sends latent windows and the pool vocodes them
    const message = incremental
      ? { type: 'synth', incremental: true, options, latent: Boolean(pool) }
      : { type: 'synth', text: input, phonemes: Boolean(phonemes), options, latent: Boolean(pool) };
    const id = this.#start(message, {
      onMessage: (msg, finish) => {
        if (msg.type === 'chunk') {
          const { words } = msg;
          const chunk = {
            audio: msg.audio, sampleRate: msg.sampleRate, index: msg.index, sentenceIndex: msg.sentenceIndex,
            start: msg.start, words,
          };
          // The caller's text this chunk speaks: from its first word's start to its last word's end.
          if (words.length) chunk.text = received.slice(words[0].charStart, words.at(-1).charEnd);
          if (msg.spoken !== undefined) chunk.spoken = msg.spoken;
          if (msg.latent && pool) {
            // Vocoded in parallel; yielded in order (each waits for its own window).
            const vocoded = pool.vocode(msg.latent).then((audio) => Object.assign(chunk, { audio }));
            vocoded.catch(() => {}); // handled when yielded; dropped if the consumer stops first
            ready.push(vocoded);
          } else {
            ready.push(chunk);
          }
        } else if (msg.type === 'taken') {
          inFlight -= msg.chars;
          flow?.();
          return;
        } else if (msg.type === 'done') {
          ended = true;
          finish();
        }
        poke();
      },
      fail: (err) => { error = err; poke(); flow?.(); },
      signal,
    });
    let iterator = null;
    if (incremental) {
      iterator = input[Symbol.asyncIterator] ? input[Symbol.asyncIterator]() : input[Symbol.iterator]();
      // Forwards pieces while the consumer reads chunks; stops when the job has ended.
      (async () => {
        for (;;) {
          // Bounded in flight: a source faster than synthesis waits here instead of queueing.
          while (inFlight >= MAX_PIECES_AHEAD && this.#jobs.has(id)) await new Promise((r) => { flow = r; });
          flow = null;
          if (!this.#jobs.has(id)) return;
          const { value, done } = await iterator.next();
          if (!this.#jobs.has(id)) return; // finished, cancelled or failed meanwhile
          if (done) return this.#post({ type: 'close', id });
          if (typeof value !== 'string') throw new TypeError('Sotto: each piece of the input must be a string');
          received += value;
          inFlight += value.length;
          if (value) this.#post({ type: 'push', id, piece: value });
        }
      })().catch((err) => {
        iterator = null; // it threw: it has finished
        if (!this.#jobs.has(id)) return;
        this.#cancel(id);
        error = err;
        poke();
      });
    }
    try {
      for (;;) {
        if (error?.name === 'AbortError') throw error; // aborting drops chunks not yet yielded
        if (ready.length) yield await ready.shift();
        else if (error) throw error;
        else if (ended) return;
        else await new Promise((r) => { wake = r; });
      }
    } finally {
      this.#cancel(id); // no-op when finished; stops the worker when the consumer broke out
      flow?.(); // a pump waiting for the worker sees the job gone
      // Not awaited: a source blocked on its next piece must not hold the consumer.
      if (iterator && !ended) Promise.resolve().then(() => iterator.return?.()).catch(() => {});
    }
  }

  /**
   * Speaks through WebAudio, scheduling chunks back to back (gapless) as they arrive.
   * Returns {stop(), done}: `done` resolves when playback ends or is stopped, and rejects on
   * a synthesis error. opts.audioContext / opts.destination override the output; opts.onWord
   * is called as each word starts, on the context's clock.
   */
  speak(input, opts = {}) {
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    const ctx = opts.audioContext ?? new AudioContext();
    const ownsContext = !opts.audioContext;
    const destination = opts.destination ?? ctx.destination;
    const sources = new Set();
    const words = opts.onWord ? new WordClock(ctx, opts.onWord) : null;
    let stopped = false;

    const done = (async () => {
      try {
        if (ctx.state === 'suspended') await ctx.resume().catch(() => {});
        let next = 0; // context time at which the next chunk starts
        let lastEnded = Promise.resolve();
        for await (const chunk of this.stream(input, { ...opts, signal })) {
          if (stopped) break;
          const buffer = ctx.createBuffer(1, chunk.audio.length, chunk.sampleRate);
          buffer.copyToChannel(chunk.audio, 0);
          const src = ctx.createBufferSource();
          src.buffer = buffer;
          src.connect(destination);
          // A small lead keeps the first chunk (and any chunk that arrives late) from clipping.
          next = Math.max(next, ctx.currentTime + 0.05);
          src.start(next);
          const startTime = next;
          next += buffer.duration;
          sources.add(src);
          lastEnded = new Promise((r) => { src.onended = () => { sources.delete(src); r(); }; });
          words?.addChunk(chunk, startTime);
          opts.onChunk?.({
            index: chunk.index, sentenceIndex: chunk.sentenceIndex, text: chunk.text, spoken: chunk.spoken,
            words: chunk.words, start: chunk.start, startTime, duration: buffer.duration,
          });
        }
        words?.end();
        await lastEnded;
        words?.flush(); // the last words start before the audio ends: fire any timer lag left
      } catch (err) {
        if (!(stopped && err?.name === 'AbortError')) throw err;
      } finally {
        words?.cancel();
        for (const s of sources) { try { s.stop(); } catch { /* not started */ } }
        sources.clear();
        if (ownsContext) ctx.close().catch(() => {});
      }
    })();
    return {
      stop() {
        stopped = true;
        words?.cancel();
        controller.abort();
        for (const s of sources) { try { s.stop(); } catch { /* not started */ } }
      },
      done,
      audioContext: ctx,
    };
  }

  /**
   * Memory statistics of the engine's worker: {wasmMemoryBytes}, the size of the wasm linear
   * memory (it grows and never shrinks, so a leak shows as growth across many calls).
   */
  stats() {
    return new Promise((resolve, reject) => {
      this.#start({ type: 'stats' }, {
        onMessage: (msg, finish) => {
          if (msg.type === 'stats') {
            finish();
            resolve({ wasmMemoryBytes: msg.wasmMemoryBytes });
          }
        },
        fail: reject,
      });
    });
  }

  /**
   * TEST-ONLY (tests/browser/crash.test.mjs; no public name): traps the engine's wasm instance
   * the way a Rust panic does, to exercise crash recovery: in the call, or (`'async'`) while an
   * async call is polled. Rejects with EngineCrashed.
   */
  [Symbol.for('sotto.test.trap')](mode) {
    return new Promise((resolve, reject) => {
      this.#start({ type: '__test_trap', async: mode === 'async' }, { onMessage: () => {}, fail: reject });
    });
  }

  /**
   * TEST-ONLY (tests/browser/probe.test.mjs; no public name): sets how the next 'auto' loads
   * probe WebGPU: `acceptSoftware` probes a software adapter as a hardware one, `garble` makes
   * the WebGPU side of the probe disagree.
   */
  [Symbol.for('sotto.test.probe')]({ garble = false, acceptSoftware = false } = {}) {
    return new Promise((resolve, reject) => {
      this.#start({ type: '__test_probe', garble, acceptSoftware }, {
        onMessage: (msg, finish) => { if (msg.type === 'probeTest') { finish(); resolve(); } },
        fail: reject,
      });
    });
  }

  /** Terminates the worker and frees the engine. Pending calls reject. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#worker.terminate();
    this.#pool?.dispose();
    this.#failAll(new Error('Sotto was disposed'));
  }

  // Registers a job and posts it; returns its id. handlers: {onMessage, fail, signal}.
  #start(message, { onMessage, fail, signal }) {
    if (this.#disposed) throw new Error('Sotto was disposed');
    const id = this.#nextId++;
    const finish = () => {
      this.#jobs.delete(id);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      this.#cancel(id);
      fail(abortError());
    };
    this.#jobs.set(id, {
      onMessage: (msg) => {
        if (msg.type === 'error') {
          finish();
          // Replace a crashed worker before the caller hears of it, so its next call goes to the new one.
          if (msg.name === 'EngineCrashed') this.#recover();
          const err = msg.name === 'EngineCrashed' ? engineCrashed() : new Error(`Sotto: ${msg.message}`);
          if (msg.name && msg.name !== 'Error' && msg.name !== 'RuntimeError') err.name = msg.name;
          fail(err);
        } else {
          onMessage(msg, finish);
        }
      },
      fail: (err) => { finish(); fail(err); },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#worker.postMessage({ ...message, id });
    return id;
  }

  #post(message) {
    if (!this.#disposed) this.#worker.postMessage(message);
  }

  #cancel(id) {
    if (!this.#jobs.has(id)) return;
    this.#jobs.delete(id);
    if (!this.#disposed) this.#worker.postMessage({ type: 'cancel', id });
  }

  #failAll(err) {
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const j of jobs) j.fail(err);
  }
}

export default Sotto;
