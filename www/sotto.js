// Sotto: private in-browser neural text-to-speech. Main-thread API; the work happens in a
// dedicated module worker (sotto-worker.js) that owns the WebAssembly engine.
//
//   const tts = await Sotto.load({ manifest: '/models/en_US-joe-medium/manifest.json' });
//   const { audio, sampleRate } = await tts.synthesize('Hello there.');
//   for await (const chunk of tts.stream(text)) { ... }
//   const playback = tts.speak(text); await playback.done;
//   tts.dispose();

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
function engineOptions({ signal, phonemes, audioContext, destination, onChunk, ...opts }) {
  return JSON.stringify(opts);
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
  /** Output sample rate in Hz. */ sampleRate = 0;
  /** Id of the loaded voice. */ voiceId = null;
  /** Number of speakers in the loaded voice. */ numSpeakers = 1;

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
   * Loads (or replaces) the voice in this instance. On failure the previous voice stays loaded.
   */
  loadVoice({ manifest, backend = 'auto', onProgress, wasmUrl, cache = true, signal, lexicon, allowedOrigins } = {}) {
    if (!manifest) return Promise.reject(new TypeError('Sotto: the manifest URL is required'));
    if (!['auto', 'webgpu', 'cpu'].includes(backend)) {
      return Promise.reject(new TypeError("Sotto: backend must be 'auto', 'webgpu' or 'cpu'"));
    }
    let lex;
    let origins;
    try {
      lex = lexiconMessage(lexicon);
      origins = originList(allowedOrigins);
    } catch (err) {
      return Promise.reject(err);
    }
    const manifestUrl = new URL(manifest, globalThis.location?.href).href;
    const wasm = wasmUrl && new URL(wasmUrl, globalThis.location?.href).href;
    const voice = { type: 'load', manifestUrl, backend, cache: Boolean(cache), wasmUrl: wasm, allowedOrigins: origins };
    return new Promise((resolve, reject) => {
      this.#start(
        { ...voice, lexicon: lex },
        {
          onMessage: (msg, finish) => {
            if (msg.type === 'progress') {
              const { type, id, ...event } = msg;
              try { onProgress?.(event); } catch { /* a throwing callback must not break loading */ }
            } else if (msg.type === 'loaded') {
              Object.assign(this, {
                backend: msg.info.backend, sampleRate: msg.info.sampleRate,
                voiceId: msg.info.voiceId, numSpeakers: msg.info.numSpeakers,
              });
              this.#voice = voice;
              if (lex) this.#lexicon = lex;
              finish();
              resolve(this);
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
   * Yields {audio, sampleRate, text, index} per sentence chunk, as soon as each is ready.
   * Breaking out of the loop, or aborting opts.signal, stops the worker before its next chunk.
   */
  async *stream(text, opts = {}) {
    if (typeof text !== 'string') throw new TypeError('Sotto: text must be a string');
    const { signal, phonemes = false } = opts;
    const options = engineOptions(opts); // checked by the engine, before the first chunk
    signal?.throwIfAborted?.();
    const ready = []; // chunks received but not yet yielded
    let wake = null; // resolves the consumer's pending wait
    let ended = false;
    let error = null;
    const poke = () => { wake?.(); wake = null; };
    const id = this.#start({ type: 'synth', text, phonemes: Boolean(phonemes), options }, {
      onMessage: (msg, finish) => {
        if (msg.type === 'chunk') {
          ready.push({ audio: msg.audio, sampleRate: msg.sampleRate, text: msg.text, index: msg.index });
        } else if (msg.type === 'done') {
          ended = true;
          finish();
        }
        poke();
      },
      fail: (err) => { error = err; poke(); },
      signal,
    });
    try {
      for (;;) {
        if (ready.length) yield ready.shift();
        else if (error) throw error;
        else if (ended) return;
        else await new Promise((r) => { wake = r; });
      }
    } finally {
      this.#cancel(id); // no-op when finished; stops the worker when the consumer broke out
    }
  }

  /**
   * Speaks through WebAudio, scheduling chunks back to back (gapless) as they arrive.
   * Returns {stop(), done}: `done` resolves when playback ends or is stopped, and rejects on
   * a synthesis error. opts.audioContext / opts.destination override the output.
   */
  speak(text, opts = {}) {
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    const ctx = opts.audioContext ?? new AudioContext();
    const ownsContext = !opts.audioContext;
    const destination = opts.destination ?? ctx.destination;
    const sources = new Set();
    let stopped = false;

    const done = (async () => {
      try {
        if (ctx.state === 'suspended') await ctx.resume().catch(() => {});
        let next = 0; // context time at which the next chunk starts
        let lastEnded = Promise.resolve();
        for await (const chunk of this.stream(text, { ...opts, signal })) {
          const buffer = ctx.createBuffer(1, chunk.audio.length, chunk.sampleRate);
          buffer.copyToChannel(chunk.audio, 0);
          const src = ctx.createBufferSource();
          src.buffer = buffer;
          src.connect(destination);
          // A small lead keeps the first chunk (and any chunk that arrives late) from clipping.
          next = Math.max(next, ctx.currentTime + 0.05);
          src.start(next);
          next += buffer.duration;
          sources.add(src);
          lastEnded = new Promise((r) => { src.onended = () => { sources.delete(src); r(); }; });
          opts.onChunk?.({ index: chunk.index, text: chunk.text, startTime: next - buffer.duration, duration: buffer.duration });
        }
        await lastEnded;
      } catch (err) {
        if (!(stopped && err?.name === 'AbortError')) throw err;
      } finally {
        for (const s of sources) { try { s.stop(); } catch { /* not started */ } }
        sources.clear();
        if (ownsContext) ctx.close().catch(() => {});
      }
    })();
    return {
      stop() {
        stopped = true;
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

  /** Terminates the worker and frees the engine. Pending calls reject. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#worker.terminate();
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
