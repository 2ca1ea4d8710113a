// The vocoder pool: parallel vocoding in the browser WITHOUT SharedArrayBuffer (no COOP/COEP
// needed). The engine worker runs the text front-end, the duration predictor and the flow, and
// posts each window's latent frames (a transferable Float32Array with its halo/trim); the page
// hands them round-robin to N vocoder workers (sotto-vocoder-worker.js, each its own wasm
// instance holding only the vocoder's weights, verified from the engine's Cache API copy) and
// the stream yields them back in order (each chunk waits for its own window's audio).

/** Most vocoder workers a pool starts by default (each holds a wasm instance, ~40 MB). */
export const MAX_DEFAULT_WORKERS = 4;
/** Most vocoder workers a caller may ask for. */
export const MAX_WORKERS = 16;

/** The pool size: `workers` if given (1 to MAX_WORKERS), else the cores, at most MAX_DEFAULT_WORKERS. */
export function poolSize(workers) {
  if (workers == null) {
    const cores = Number(globalThis.navigator?.hardwareConcurrency) || 1;
    return Math.max(1, Math.min(cores, MAX_DEFAULT_WORKERS));
  }
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new TypeError(`Sotto: workers must be an integer from 1 to ${MAX_WORKERS}`);
  }
  return workers;
}

function startVocoderWorker() {
  // Written inline, as sotto.js starts the engine worker, so bundlers emit this worker too.
  return new Worker(new URL('./sotto-vocoder-worker.js', import.meta.url), { type: 'module', name: 'sotto-vocoder' });
}

function crashed() {
  const err = new Error('Sotto: a vocoder worker crashed and has been restarted; try again');
  err.name = 'EngineCrashed';
  return err;
}

export class VocoderPool {
  #init; // the 'init' message (manifest bytes etc.), kept to restart a crashed worker
  #slots = []; // {worker, ready: Promise, jobs: Map(id -> {resolve, reject})}
  #next = 0; // round-robin
  #nextId = 1;
  #disposed = false;

  /** Starts `size` workers, resolving once every one has loaded and verified the vocoder. */
  static async start(size, init) {
    const pool = new VocoderPool();
    pool.#init = init;
    for (let i = 0; i < size; i++) pool.#slots.push(pool.#spawn());
    try {
      await Promise.all(pool.#slots.map((s) => s.ready));
    } catch (err) {
      pool.dispose();
      throw err;
    }
    return pool;
  }

  get size() {
    return this.#slots.length;
  }

  #spawn() {
    const worker = startVocoderWorker();
    const slot = { worker, jobs: new Map(), ready: null };
    slot.ready = new Promise((resolve, reject) => {
      slot.onReady = resolve;
      slot.onInitError = reject;
    });
    slot.ready.catch(() => {}); // observed by start() or by vocode()
    worker.onmessage = ({ data: msg }) => {
      if (msg.type === 'ready') slot.onReady();
      else if (msg.type === 'init-error') slot.onInitError(Object.assign(new Error(`Sotto: ${msg.message}`), { name: msg.name }));
      else if (msg.type === 'crashed') this.#replace(slot);
      else if (msg.type === 'vocoded' || msg.type === 'error') {
        const job = slot.jobs.get(msg.id);
        if (!job) return;
        slot.jobs.delete(msg.id);
        if (msg.type === 'vocoded') job.resolve(msg.audio);
        else if (msg.name === 'EngineCrashed') job.reject(crashed());
        else {
          const err = new Error(`Sotto: ${msg.message}`);
          if (msg.name && msg.name !== 'Error') err.name = msg.name;
          job.reject(err);
        }
      }
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      const err = new Error(`Sotto vocoder worker failed${e.message ? `: ${e.message}` : ' to start'}`);
      slot.onInitError(err);
      this.#fail(slot, err);
    };
    // The manifest bytes are copied (not transferred): a restart needs them again.
    worker.postMessage({ type: 'init', ...this.#init });
    return slot;
  }

  #fail(slot, err) {
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const j of jobs) j.reject(err);
  }

  /** A worker's wasm instance trapped: its jobs reject with EngineCrashed, a fresh one takes its place. */
  #replace(slot) {
    const i = this.#slots.indexOf(slot);
    slot.worker.terminate();
    this.#fail(slot, crashed());
    if (i >= 0 && !this.#disposed) this.#slots[i] = this.#spawn();
  }

  /** Vocodes one latent window (its `data` is transferred); resolves to its samples. */
  vocode(latent) {
    if (this.#disposed) return Promise.reject(new Error('Sotto was disposed'));
    const slot = this.#slots[this.#next++ % this.#slots.length];
    const id = this.#nextId++;
    return slot.ready.then(() => new Promise((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject });
      const transfer = [latent.data.buffer];
      if (latent.speaker) transfer.push(latent.speaker.buffer);
      slot.worker.postMessage({ type: 'vocode', id, latent }, transfer);
    }));
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const s of this.#slots) {
      s.worker.terminate();
      this.#fail(s, new Error('Sotto was disposed'));
    }
  }
}
