// Types for Sotto's main-thread API (www/sotto.js).

export type Backend = 'webgpu' | 'cpu';

export interface LoadProgress {
  /** Shard file name, e.g. "acoustic-00.safetensors". */
  file: string;
  /** Bytes of this shard done so far. */
  loaded: number;
  /** This shard's size in bytes (from the manifest). */
  total: number;
  /** Bytes done across all shards. */
  overallLoaded: number;
  /** Size of all shards together. */
  overallTotal: number;
  /** 'download' from the network, 'cache' from the Cache API, 'verify' while size + SHA-256 are checked. */
  phase: 'download' | 'verify' | 'cache';
}

export interface LoadOptions {
  /**
   * URL of the voice's manifest.json; shards are fetched relative to it, from its origin only.
   * It must be on the page's origin unless that origin is listed in `allowedOrigins`.
   */
  manifest: string | URL;
  /**
   * Other origins the manifest may come from, e.g. ['https://cdn.example'] (each an http(s)
   * origin; a path is ignored). Default: none, the page's origin only. The host's CSP
   * connect-src must allow them too, and they must send CORS headers.
   */
  allowedOrigins?: ReadonlyArray<string | URL>;
  /**
   * 'auto' (default): WebGPU on a hardware adapter whose output agrees with the CPU's on a
   * probe sentence (see `Sotto.backendReason`, `Sotto.probe`), else CPU (a software fallback
   * adapter is slower).
   */
  backend?: 'auto' | Backend;
  onProgress?: (event: LoadProgress) => void;
  /** Override for pkg/sotto_bg.wasm (default: resolved by the wasm-bindgen glue). */
  wasmUrl?: string | URL;
  /** Override for sotto-worker.js (default: next to sotto.js). Only for Sotto.load. */
  workerUrl?: string | URL;
  /**
   * Keep the voice in the Cache API ("sotto-v1") for offline loads (default true). A voice is
   * stored only after it fully verified and built; its cached manifest is used only when the
   * network is unreachable (an HTTP error or a cross-origin redirect is an error); entries of
   * other versions of the voice are pruned after a load.
   */
  cache?: boolean;
  /** Aborting leaves any previously loaded voice in place. */
  signal?: AbortSignal;
  /** Pronunciation overrides (see {@link LexiconEntries}); validated before any download. */
  lexicon?: LexiconEntries | null;
  /**
   * Ed25519 public key (base64 of 32 bytes, or 64 hex digits). When set, `<manifest URL>.sig`
   * (`manifest.json.sig`, same origin) must hold a valid signature of the manifest's exact bytes
   * (base64 of 64 bytes), or the load rejects before any shard is fetched.
   */
  publicKey?: string | null;
  /** Pins the manifest itself: `sha256-<base64>` of its exact bytes; any other manifest is refused. */
  manifestDigest?: string | null;
  /**
   * Vocoder workers (1 to 16). Above 1, on the CPU backend, the engine worker runs the text
   * front-end, durations and flow and a pool of this many vocoder workers (each its own wasm
   * instance holding only the vocoder's weights, verified from the cached shards) vocodes the
   * windows in parallel; no SharedArrayBuffer, so no COOP/COEP headers are needed. The audio is
   * the same for every count. Default: `navigator.hardwareConcurrency`, at most 4. 1: the
   * engine vocodes itself.
   */
  workers?: number;
}

/**
 * Pronunciation overrides, validated like the CLI's `--lexicon`: the file's text ("word<TAB>phonemes"
 * or "word phonemes" lines, `#` comment lines), [word, phonemes] pairs, or a {word: phonemes}
 * object. Words match case-insensitively; phonemes are Piper/eSpeak IPA with stress marks.
 */
export type LexiconEntries = string | ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

/**
 * The speaker of a multi-speaker voice: an index (`3`), a name from the voice's `speaker_id_map`
 * (`"p225"`; a string of digits is an index, `"name:3922"` is the name `3922`), or a blend of
 * speaker embeddings (`{ p225: 0.7, p226: 0.3 }`, or the string `"p225=0.7,p226=0.3"`): at most
 * 64 distinct speakers, weights finite and >= 0, normalized to sum to 1. An unknown speaker or a
 * bad blend rejects with the engine's message.
 */
export type SpeakerChoice = number | string | Readonly<Record<string, number>>;

/**
 * Checked by the engine: an option out of range, a non-integer seed, an unknown or malformed
 * speaker, or an unknown option name rejects with the engine's message (an Error named
 * "OptionsError").
 */
export interface SynthesisOptions {
  /** Speaking duration factor in [0.1, 5]: > 1 is slower (default: the voice's). */
  lengthScale?: number;
  /** Voice variability in [0, 2] (default: the voice's, typically 0.667). 0 is deterministic. */
  noiseScale?: number;
  /** Rhythm variability in [0, 2] (default: the voice's, typically 0.8). */
  noiseW?: number;
  /** Speaker (or blend of speakers) of a multi-speaker voice (default 0); see {@link SpeakerChoice}. */
  speaker?: SpeakerChoice;
  /** Non-negative integer random seed (default 0); the engine derives each sentence's seed from it. */
  seed?: number;
  /**
   * Early cut (default true): a long first sentence has its first clause (or first words) spoken
   * as a sentence of its own, so the first audio comes sooner; `false` speaks it whole (its audio
   * then equals the native CLI's `--no-early-cut`). Text input only.
   */
  earlyCut?: boolean;
  /** Cancels: the promise/iterator rejects with an AbortError DOMException. */
  signal?: AbortSignal;
  /** Treat the (string) input as Piper/eSpeak IPA phonemes instead of text (one utterance, split only if too long). */
  phonemes?: boolean;
}

/**
 * What `stream()` and `speak()` take: the whole text, or text arriving in pieces (e.g. tokens
 * from a language model) as an async (or sync) iterable of strings. Pieces are concatenated
 * as given (no separator is added); each sentence is spoken as soon as it is complete.
 */
export type TextInput = string | AsyncIterable<string> | Iterable<string>;

/** One word of the caller's input and when it is spoken. */
export interface WordTiming {
  /** The word as written in the input: `input.slice(charStart, charEnd)`. */
  text: string;
  /**
   * UTF-16 code unit offsets (JavaScript string indices) into the caller's whole input (for
   * piecewise input, the concatenation of the pieces). A span that normalization expands
   * ("$79.99", "Jan. 3rd", "10:30") is one word covering its whole spoken duration.
   */
  charStart: number;
  charEnd: number;
  /** Seconds from the start of the stream (of its audio, chunks back to back). */
  start: number;
  end: number;
}

export interface AudioChunk {
  /** Mono samples in [-1, 1]. */
  audio: Float32Array;
  sampleRate: number;
  /** Chunk number in this stream: 0, 1, 2, ... */
  index: number;
  /** The sentence this chunk belongs to (a sentence may take several chunks). */
  sentenceIndex: number;
  /** Seconds from the start of the stream at which this chunk's audio starts (the words' clock). */
  start: number;
  /** The words whose speech this chunk carries (for phoneme input: its space-separated phoneme words). */
  words: WordTiming[];
  /** The input this chunk speaks, from its first word's start to its last word's end (absent with no words). */
  text?: string;
  /** What normalization made of the sentence (the spoken form); on each sentence's first chunk. */
  spoken?: string;
}

/** A word as `speak()` reports it: its timing plus when it starts on the context's clock. */
export interface SpokenWord extends WordTiming {
  /** Context time (`audioContext.currentTime`) at which the word starts playing. */
  startTime: number;
}

export interface SpeakOptions extends SynthesisOptions {
  /** Play through this context (default: a new AudioContext, closed when done). */
  audioContext?: AudioContext;
  /** Connect to this node (default: the context's destination). */
  destination?: AudioNode;
  /** Called when each chunk is scheduled; startTime is in the context's clock. */
  onChunk?: (info: {
    index: number; sentenceIndex: number; text?: string; spoken?: string; words: WordTiming[];
    /** Stream seconds at which the chunk starts; `startTime` is where that plays on the context clock. */
    start: number; startTime: number; duration: number;
  }) => void;
  /**
   * Called as each word starts playing, in order: once the context's `currentTime` reaches the
   * word's `startTime` (checked on a timer, so a few ms late at most, never early). Not called
   * after `stop()`.
   */
  onWord?: (word: SpokenWord) => void;
}

export interface Playback {
  /** Stops playback and synthesis; `done` then resolves. */
  stop(): void;
  /** Resolves when playback ends or is stopped; rejects on a synthesis error. */
  done: Promise<void>;
  audioContext: AudioContext;
}

/** Memory statistics of the engine's worker (for leak checks). */
export interface EngineStats {
  /** Size of the wasm linear memory in bytes; it grows and never shrinks. */
  wasmMemoryBytes: number;
}

/**
 * The error (its `name`) a call rejects with when the engine's wasm instance trapped during it
 * (or while it was queued). The worker has then already been replaced and the current voice
 * and lexicon are being reloaded (verified again); later calls wait for that and work.
 */
export type EngineCrashedError = Error & { name: 'EngineCrashed' };

/**
 * One voice of a catalog (models/README.md), after the engine validated the catalog. It is
 * load options as it stands: `tts.loadVoice({ ...entry, onProgress })` loads `manifest` pinned
 * to `manifestDigest`.
 */
export interface CatalogVoice {
  readonly id: string;
  /** Piper language code, e.g. 'en_US' (text input needs an English voice; others take phonemes). */
  readonly language: string;
  readonly quality: 'x_low' | 'low' | 'medium' | 'high';
  readonly numSpeakers: number;
  /** Speaker names in id order; [] when the voice names none. */
  readonly speakers: ReadonlyArray<string>;
  /** Bytes to download (the sum of the shard sizes; nothing when cached). */
  readonly downloadBytes: number;
  /** Absolute URL of the manifest (resolved against the catalog's URL). */
  readonly manifest: string;
  /** `sha256-<base64>` of the manifest: the load's pin. */
  readonly manifestDigest: string;
}

export interface CatalogOptions {
  /** Other origins the catalog may come from (as for manifests); default none. */
  allowedOrigins?: ReadonlyArray<string | URL>;
  /** Keep the last valid catalog in "sotto-v1" for offline use (default true). */
  cache?: boolean;
  wasmUrl?: string | URL;
  /** Only for the static Sotto.voices. */
  workerUrl?: string | URL;
  signal?: AbortSignal;
}

/** A refused catalog (too large, malformed, an invalid field; the message names the field). */
export type CatalogError = Error & { name: 'CatalogError' };

/**
 * The 'auto' probe: a short fixed sentence (noise 0) spoken on WebGPU and on the CPU at load;
 * WebGPU is kept only if both give the same length and agree to `minSnrDb`.
 */
export interface BackendProbe {
  /** SNR of the WebGPU audio against the CPU's, dB (null: lengths differ, or identical). */
  snrDb: number | null;
  /** The threshold (30 dB). */
  minSnrDb: number;
  /** Samples of the probe sentence. */
  samples: number;
  /** Copying the weights to the GPU, ms. */
  copyMs: number;
  /** The probe on WebGPU (first run: includes shader compilation), ms. */
  webgpuMs: number;
  /** The probe on the CPU, ms. */
  cpuMs: number;
  /** The whole voice build including the probe, ms. */
  finishMs: number;
}

export class Sotto {
  /** Creates the worker and loads a voice. Rejects with an Error naming the shard on a failed check. */
  static load(options: LoadOptions): Promise<Sotto>;
  /**
   * Lists a voice catalog (same origin unless listed in allowedOrigins), validated by the
   * engine in a short-lived worker. Rejects with a CatalogError on an invalid catalog.
   */
  static voices(catalogUrl: string | URL, options?: CatalogOptions): Promise<CatalogVoice[]>;
  /** Like Sotto.voices, in this instance's worker. */
  voices(catalogUrl: string | URL, options?: Omit<CatalogOptions, 'workerUrl'>): Promise<CatalogVoice[]>;
  /** Starts the worker (default: the bundled sotto-worker.js); call loadVoice next. */
  constructor(workerUrl?: string | URL);
  /** The backend in use; null until a voice has loaded. */
  readonly backend: Backend | null;
  /**
   * Why that backend, in words: the caller's choice, why 'auto' did not try WebGPU, or the
   * probe's verdict (e.g. "WebGPU probe agreed with the CPU (71.2 dB SNR >= 30 dB)"). Null until
   * a voice has loaded.
   */
  readonly backendReason: string | null;
  /** What the 'auto' probe measured, when one ran; null otherwise. */
  readonly probe: BackendProbe | null;
  /** Output sample rate in Hz; 0 until a voice has loaded. */
  readonly sampleRate: number;
  /** The loaded voice's id; null until a voice has loaded. */
  readonly voiceId: string | null;
  /** Speakers of the loaded voice (1 for single-speaker voices). */
  readonly numSpeakers: number;
  /** Vocoder workers in use: the pool's size, or 1 (the engine vocodes; WebGPU, or `workers: 1`). */
  readonly workers: number;
  /** Speaker names of the loaded voice in id order (its speaker_id_map); [] when it names none. */
  readonly speakers: ReadonlyArray<string>;
  /**
   * Loads or replaces the voice in the same worker; on failure the previous voice stays usable.
   * A CatalogVoice is accepted as is (its manifestDigest pins the manifest); shards are shared
   * in the "sotto-v1" cache, so a voice switched back to loads from it.
   */
  loadVoice(options: Omit<LoadOptions, 'workerUrl'>): Promise<Sotto>;
  /**
   * Replaces the pronunciation lexicon (null: the built-in one); resolves to the number of
   * overrides. Rejects, keeping the current lexicon, on an invalid entry (named by index).
   */
  setLexicon(entries: LexiconEntries | null): Promise<number>;
  /** The whole audio at once. Rejects with the engine's typed error ("TextError", "OptionsError", ...). */
  synthesize(text: string, options?: SynthesisOptions): Promise<{ audio: Float32Array; sampleRate: number }>;
  /** Chunks as soon as each is synthesized; piecewise input is spoken sentence by sentence as it arrives. */
  stream(input: TextInput, options?: SynthesisOptions): AsyncGenerator<AudioChunk, void, undefined>;
  speak(input: TextInput, options?: SpeakOptions): Playback;
  /** Memory statistics of the engine's worker. */
  stats(): Promise<EngineStats>;
  /** Terminates the worker; pending calls reject. */
  dispose(): void;
}

export default Sotto;
