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
  /** URL of the voice's manifest.json; shards are fetched relative to it, from its origin only. */
  manifest: string | URL;
  /** 'auto' (default): WebGPU on a hardware adapter, else CPU (a software fallback adapter is slower). */
  backend?: 'auto' | Backend;
  onProgress?: (event: LoadProgress) => void;
  /** Override for pkg/sotto_bg.wasm (default: resolved by the wasm-bindgen glue). */
  wasmUrl?: string | URL;
  /** Override for sotto-worker.js (default: next to sotto.js). Only for Sotto.load. */
  workerUrl?: string | URL;
  /** Keep verified shards in the Cache API ("sotto-v1") for offline loads (default true). */
  cache?: boolean;
  /** Aborting leaves any previously loaded voice in place. */
  signal?: AbortSignal;
  /** Pronunciation overrides (see {@link LexiconEntries}); validated before any download. */
  lexicon?: LexiconEntries | null;
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
 * speaker, or an unknown option name rejects with the engine's message.
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
  /** Non-negative integer random seed (default 0; chunk i uses seed + i). */
  seed?: number;
  /** Cancels: the promise/iterator rejects with an AbortError DOMException. */
  signal?: AbortSignal;
  /** Treat the input as Piper/eSpeak IPA phonemes instead of text (split after . ! ? ; :). */
  phonemes?: boolean;
}

export interface AudioChunk {
  /** Mono samples in [-1, 1]. */
  audio: Float32Array;
  sampleRate: number;
  /** The sentence chunk this audio speaks. */
  text: string;
  index: number;
}

export interface SpeakOptions extends SynthesisOptions {
  /** Play through this context (default: a new AudioContext, closed when done). */
  audioContext?: AudioContext;
  /** Connect to this node (default: the context's destination). */
  destination?: AudioNode;
  /** Called when each chunk is scheduled; startTime is in the context's clock. */
  onChunk?: (info: { index: number; text: string; startTime: number; duration: number }) => void;
}

export interface Playback {
  /** Stops playback and synthesis; `done` then resolves. */
  stop(): void;
  /** Resolves when playback ends or is stopped; rejects on a synthesis error. */
  done: Promise<void>;
  audioContext: AudioContext;
}

export class Sotto {
  /** Creates the worker and loads a voice. Rejects with an Error naming the shard on a failed check. */
  static load(options: LoadOptions): Promise<Sotto>;
  /** Starts the worker (default: the bundled sotto-worker.js); call loadVoice next. */
  constructor(workerUrl?: string | URL);
  /** The backend in use; null until a voice has loaded. */
  readonly backend: Backend | null;
  /** Output sample rate in Hz; 0 until a voice has loaded. */
  readonly sampleRate: number;
  /** The loaded voice's id; null until a voice has loaded. */
  readonly voiceId: string | null;
  readonly numSpeakers: number;
  /** Loads or replaces the voice; on failure the previous voice stays usable. */
  loadVoice(options: Omit<LoadOptions, 'workerUrl'>): Promise<Sotto>;
  /**
   * Replaces the pronunciation lexicon (null: the built-in one); resolves to the number of
   * overrides. Rejects, keeping the current lexicon, on an invalid entry (named by index).
   */
  setLexicon(entries: LexiconEntries | null): Promise<number>;
  synthesize(text: string, options?: SynthesisOptions): Promise<{ audio: Float32Array; sampleRate: number }>;
  stream(text: string, options?: SynthesisOptions): AsyncGenerator<AudioChunk, void, undefined>;
  speak(text: string, options?: SpeakOptions): Playback;
  /** Terminates the worker; pending calls reject. */
  dispose(): void;
}

export default Sotto;
