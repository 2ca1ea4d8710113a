//! JavaScript bindings (wasm-bindgen): the thin layer the Web Worker talks to.
//!
//! ```js
//! const loader = new VoiceLoader(manifestBytes);      // validated manifest
//! // or, refusing unsigned / wrongly signed / unpinned manifests before parsing them:
//! const loader = VoiceLoader.new_verified(manifestBytes, sigBytesOrNull, publicKeyOrNull, digestOrNull);
//! loader.add_shard(file, bytes);                      // size + SHA-256 checked, then parsed
//! const engine = await loader.finish('auto');         // 'auto' | 'webgpu' | 'cpu'
//! engine.check_options(optionsJson);                  // optional: throws on a bad option
//! const stream = engine.stream_text(text, optionsJson, lexicon); // lexicon = new Lexicon()
//! // or engine.stream_phonemes(phonemes, optionsJson)
//! // or engine.stream_incremental(optionsJson, lexicon), then stream.push(piece) ... stream.close()
//! for (let c; (c = await stream.next()) !== null; ) {
//!   if (c.waiting) { /* incremental: push or close, then next() again */ continue; }
//!   // c = { samples: Float32Array, sampleRate, sentenceIndex, start,
//!   //       words: [{ text, charStart, charEnd, start, end }], spoken? }
//! }
//! const custom = Lexicon.parse(fileText);             // or Lexicon.from_entries(pairsJson)
//! const voices = JSON.parse(Catalog.parse(catalogBytes)); // validated catalog.json, re-serialized
//! ```
//! No logic lives here beyond type conversion and backend choice: sentences, seeds, option
//! checks, budgets and word timings are the [`crate::stream`]'s. `charStart`/`charEnd` are
//! UTF-16 indices into the caller's whole input (all pushed pieces joined), so
//! `input.slice(charStart, charEnd)` is the word; times are seconds from the stream's start;
//! `spoken` (the sentence's spoken form) comes on a sentence's first chunk.
//!
//! Errors are JS `Error`s whose `name` is a stable category ([`error_name`]: `TextError`,
//! `OptionsError`, `SynthesisError`, `StreamError`, `ManifestError`, `WeightsError`, `SignatureError`,
//! `BackendError`) and whose message is the crate's (it names shards and options, never paths
//! or user text). Synthesis options arrive as the caller's JSON object and are checked here,
//! in Rust, only.

use crate::backend::Backend;
use crate::{Speaker, SpeakerRef, SynthesisOptions, Voice};
use burn::tensor::Device;
use js_sys::{Array, Float32Array, Object, Reflect};
use serde::{Deserialize, Deserializer};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod vocoder;
pub use vocoder::{VocoderEngine, VocoderLoader};

/// Installs the panic hook in debug builds (release builds keep panics terse).
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}

/// TEST-ONLY hook, never called by the library: traps this wasm instance exactly as any panic
/// does in the `wasm` profile (`panic = "abort"` → `unreachable`), so the browser tests can prove
/// that the worker detects a dead engine and recovers (tests/browser/crash.test.mjs). The worker
/// reaches it (and [`test_trap_async`]) only through its `__test_trap` message, which sotto.js
/// sends only from a `Symbol.for('sotto.test.trap')` method that no public API names. It kills
/// only the caller's own engine and exposes no data.
#[wasm_bindgen(js_name = __sotto_test_trap)]
pub fn test_trap() {
    trap();
}

/// TEST-ONLY, like [`test_trap`], but the panic happens while an async call is polled (in a
/// wasm-bindgen-futures microtask), where one in `Engine::synthesize` would happen: the trap
/// escapes every promise and the returned one never settles, so the worker has to notice it
/// as an uncaught error.
#[wasm_bindgen(js_name = __sotto_test_trap_async)]
pub fn test_trap_async() -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async { Ok(trap()) })
}

fn trap() -> JsValue {
    panic!("test trap")
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// The stable category of an error, as the JS `Error.name`.
pub fn error_name(e: &crate::Error) -> &'static str {
    use crate::SynthesisError as S;
    match e {
        crate::Error::Manifest(_) => "ManifestError",
        crate::Error::Weights(_) => "WeightsError",
        crate::Error::Text(_) => "TextError",
        crate::Error::Stream(_) => "StreamError",
        crate::Error::Signature(_) => "SignatureError",
        crate::Error::Synthesis(
            S::OptionOutOfRange { .. }
            | S::UnknownSpeaker { .. }
            | S::UnknownSpeakerName { .. }
            | S::BadSpeaker { .. },
        ) => "OptionsError",
        crate::Error::Synthesis(S::Backend) => "BackendError",
        crate::Error::Synthesis(_) => "SynthesisError",
    }
}

/// A JS `Error` named `name` with `message`.
fn named(name: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e.into()
}

/// The crate's error as a named JS `Error`.
fn error(e: impl Into<crate::Error>) -> JsValue {
    let e = e.into();
    named(error_name(&e), &e.to_string())
}

/// The voice catalog ([`crate::catalog`]), checked in Rust so the JS never trusts it unchecked.
#[wasm_bindgen]
pub struct Catalog;

#[wasm_bindgen]
impl Catalog {
    /// Parses and validates `catalog.json` bytes; returns the catalog as JSON (only the known
    /// fields, re-serialized). Throws a `CatalogError` naming the refused field.
    pub fn parse(bytes: &[u8]) -> Result<String, JsValue> {
        crate::catalog::Catalog::parse(bytes)
            .map(|c| c.to_json())
            .map_err(|e| named("CatalogError", &e.to_string()))
    }
}

/// Collects a voice's shards, verifying each on arrival.
#[wasm_bindgen]
pub struct VoiceLoader {
    inner: crate::VoiceLoader,
}

#[wasm_bindgen]
impl VoiceLoader {
    /// Parses and validates `manifest.json` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(manifest: &[u8]) -> Result<VoiceLoader, JsError> {
        Ok(Self {
            inner: crate::VoiceLoader::new(manifest).map_err(js_err)?,
        })
    }

    /// Like the constructor, after checking the manifest bytes: with `public_key` (base64 or hex
    /// of the 32-byte Ed25519 key) `signature` (the `manifest.json.sig` bytes; `null` when there
    /// is none) must be its valid signature of them; with `digest` (`sha256-<base64>`) they must
    /// hash to it. Refusals name what failed, never the key or the manifest.
    pub fn new_verified(
        manifest: &[u8],
        signature: Option<Vec<u8>>,
        public_key: Option<String>,
        digest: Option<String>,
    ) -> Result<VoiceLoader, JsError> {
        let trust = crate::signing::ManifestTrust::parse(public_key.as_deref(), digest.as_deref())
            .map_err(js_err)?;
        Ok(Self {
            inner: crate::VoiceLoader::new_verified(manifest, signature.as_deref(), &trust)
                .map_err(js_err)?,
        })
    }

    /// The validated manifest, as JSON.
    pub fn manifest(&self) -> String {
        self.inner.manifest().to_json()
    }

    /// Supplies one shard: its size and SHA-256 are checked before it is parsed. A refused
    /// shard leaves the loader as it was.
    pub fn add_shard(&mut self, file: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.add_shard(file, bytes).map_err(js_err)
    }

    /// [`Self::add_shard`] for a shard hashed while it downloaded: `verifier` must have been fed
    /// exactly `bytes`, piece by piece (its byte count is checked), so verifying costs nothing
    /// more here. The digest is compared with the manifest's before the shard is parsed.
    /// Consumes the verifier.
    pub fn add_shard_verified(
        &mut self,
        file: &str,
        bytes: &[u8],
        verifier: ShardVerifier,
    ) -> Result<(), JsError> {
        self.inner
            .add_shard_hashed(file, bytes, verifier.inner)
            .map_err(js_err)
    }

    /// Builds the voice on `backend` (`auto`, `webgpu` or `cpu`); consumes the loader. `auto`
    /// builds it on the CPU, copies it to WebGPU when an adapter initializes, speaks the probe
    /// sentence on both ([`crate::probe`]) and keeps WebGPU only if they agree
    /// ([`Engine::backend_reason`] says why, [`Engine::probe`] what was measured).
    pub async fn finish(self, backend: String) -> Result<Engine, JsError> {
        if backend == "auto" {
            return finish_auto(self.inner).await;
        }
        let (device, chosen) = select_device(&backend).await?;
        let voice = self.inner.finish(&device).map_err(js_err)?;
        Ok(Engine {
            voice: Rc::new(voice),
            backend: chosen,
            reason: format!("{} was asked for", chosen.name()),
            probe: None,
        })
    }
}

/// TEST-ONLY hook, like [`test_trap`]: garbles the WebGPU side of the next 'auto' probes (its
/// samples reversed in time), so the browser test can prove that a disagreeing GPU falls back
/// to the CPU. The worker reaches it only through its `__test_probe` message.
#[wasm_bindgen(js_name = __sotto_test_garble_probe)]
pub fn test_garble_probe(on: bool) {
    GARBLE_PROBE.with(|g| g.set(on));
}

thread_local! {
    static GARBLE_PROBE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `performance.now()` of this worker (0 where there is none).
fn now_ms() -> f64 {
    let perf = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    let now = perf
        .as_ref()
        .and_then(|p| Reflect::get(p, &JsValue::from_str("now")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (perf, now) {
        (Some(p), Some(f)) => f.call0(&p).ok().and_then(|v| v.as_f64()).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// `auto`: the voice on the CPU, then on WebGPU if an adapter initializes and the probe agrees.
async fn finish_auto(loader: crate::VoiceLoader) -> Result<Engine, JsError> {
    let cpu = loader.finish(&crate::backend::cpu()).map_err(js_err)?;
    let on_cpu = |reason: String, probe: Option<String>| Engine {
        voice: Rc::new(cpu.clone()),
        backend: Backend::Cpu,
        reason,
        probe,
    };
    let Ok(device) = webgpu().await else {
        return Ok(on_cpu("WebGPU did not initialize".into(), None));
    };
    let t0 = now_ms();
    let gpu = cpu.on_device(&device);
    let t1 = now_ms();
    let g = crate::probe::probe(&gpu).await;
    let t2 = now_ms();
    let c = crate::probe::probe(&cpu).await;
    let t3 = now_ms();
    let (mut g, c) = match (g, c) {
        (Ok(g), Ok(c)) => (g, c),
        _ => return Ok(on_cpu("the WebGPU probe failed to run".into(), None)),
    };
    if GARBLE_PROBE.with(|f| f.get()) {
        g.reverse();
    }
    let v = crate::probe::compare(&c, &g);
    let probe = serde_json::json!({
        "snrDb": v.snr_db.filter(|s| s.is_finite()),
        "minSnrDb": crate::probe::MIN_SNR_DB,
        "samples": c.len(),
        "copyMs": t1 - t0,
        "webgpuMs": t2 - t1,
        "cpuMs": t3 - t2,
    })
    .to_string();
    if !v.agree {
        return Ok(on_cpu(v.reason, Some(probe)));
    }
    Ok(Engine {
        voice: Rc::new(gpu),
        backend: Backend::WebGpu,
        reason: v.reason,
        probe: Some(probe),
    })
}

/// A shard's SHA-256, computed as its bytes arrive (`update` with each downloaded piece), then
/// handed to [`VoiceLoader::add_shard_verified`] with the assembled bytes.
#[wasm_bindgen]
#[derive(Default)]
pub struct ShardVerifier {
    inner: crate::weights::integrity::IncrementalSha256,
}

#[wasm_bindgen]
impl ShardVerifier {
    /// An empty hash.
    #[wasm_bindgen(constructor)]
    pub fn new() -> ShardVerifier {
        ShardVerifier::default()
    }

    /// Hashes the next downloaded piece.
    pub fn update(&mut self, piece: &[u8]) {
        self.inner.update(piece);
    }
}

/// The pinned SHA-256 (`sha256-<base64>`) of the text-data asset `sotto-text.bin.gz`
/// (uncompressed): the worker's cache key for it.
#[wasm_bindgen]
pub fn text_data_integrity() -> String {
    crate::text::builtin::TEXT_DATA_SRI.to_string()
}

/// The largest text-data asset (uncompressed) [`install_text_data`] accepts.
#[wasm_bindgen]
pub fn text_data_max_bytes() -> usize {
    crate::text::builtin::MAX_TEXT_DATA_BYTES
}

/// Installs the pronunciation lexicon and letter-to-sound rules (the uncompressed
/// `sotto-text.bin.gz`): size and SHA-256 are checked against the pinned digest before it is
/// parsed. Until then, reading text throws a `TextError`. Installing again is a no-op.
#[wasm_bindgen]
pub fn install_text_data(bytes: &[u8]) -> Result<(), JsValue> {
    crate::text::builtin::install(bytes).map_err(error)
}

/// Whether the text data is installed.
#[wasm_bindgen]
pub fn text_data_installed() -> bool {
    crate::text::builtin::is_available()
}

/// Chooses the device: WebGPU when asked (or on `auto`) and an adapter initializes, else the
/// `flex` CPU backend.
async fn select_device(backend: &str) -> Result<(Device, Backend), JsError> {
    match backend {
        "cpu" => Ok((crate::backend::cpu(), Backend::Cpu)),
        "webgpu" => Ok((webgpu().await?, Backend::WebGpu)),
        "auto" => match webgpu().await {
            Ok(d) => Ok((d, Backend::WebGpu)),
            Err(_) => Ok((crate::backend::cpu(), Backend::Cpu)),
        },
        _ => Err(JsError::new("backend must be 'auto', 'webgpu' or 'cpu'")),
    }
}

/// Initializes burn's wgpu runtime once per worker; later calls reuse it.
async fn webgpu() -> Result<Device, JsError> {
    thread_local! {
        static WGPU: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(d) = WGPU.with(|w| w.borrow().clone()) {
        return Ok(d);
    }
    // cubecl-wgpu 0.11 panics on wasm when the adapter lacks `timestamp-query` ("Cannot
    // profile on web assembly..."): check first, so such browsers fall back to the CPU instead.
    {
        use burn::tensor::wgpu::wgpu;
        let instance = wgpu::Instance::default();
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .map_err(|_| JsError::new("WebGPU is not available (no adapter)"))?;
        if !adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY) {
            return Err(JsError::new(
                "WebGPU adapter lacks the timestamp-query feature burn needs",
            ));
        }
    }
    let device = Device::wgpu_options()
        .init_async()
        .await
        .map_err(|_| JsError::new("WebGPU is not available (no adapter with the needed limits)"))?;
    WGPU.with(|w| *w.borrow_mut() = Some(device.clone()));
    Ok(device)
}

/// A loaded voice on a chosen backend.
#[wasm_bindgen]
pub struct Engine {
    voice: Rc<Voice>,
    backend: Backend,
    /// Why this backend ([`Engine::backend_reason`]).
    reason: String,
    /// The 'auto' probe's measurements, JSON ([`Engine::probe`]).
    probe: Option<String>,
}

#[wasm_bindgen]
impl Engine {
    /// `webgpu` or `cpu`.
    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    /// Why [`Self::backend`] was chosen, in words (the 'auto' probe's verdict, or the caller's
    /// choice).
    pub fn backend_reason(&self) -> String {
        self.reason.clone()
    }

    /// The 'auto' probe's measurements as JSON (`{snrDb, minSnrDb, samples, copyMs, webgpuMs,
    /// cpuMs}`), or `undefined` when no probe ran.
    pub fn probe(&self) -> Option<String> {
        self.probe.clone()
    }

    /// Device→host read-backs made so far by this wasm instance ([`crate::model::readbacks`]).
    pub fn readbacks(&self) -> f64 {
        crate::model::readbacks() as f64
    }

    /// Benchmark: times each stage of speaking Piper phoneme text (one sentence) with
    /// `options` (JSON), as JSON ([`crate::probe::StageTimes`]).
    pub fn time_stages(&self, phonemes: String, options: &str) -> Result<js_sys::Promise, JsValue> {
        let opts = self.options(options)?;
        let voice = self.voice.clone();
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let t = crate::probe::time_stages(&voice, &phonemes, &opts, &now_ms)
                .await
                .map_err(error)?;
            let json = serde_json::to_string(&t)
                .map_err(|_| named("Error", "cannot write the timings"))?;
            Ok(JsValue::from_str(&json))
        }))
    }

    /// Output sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.voice.manifest().sample_rate
    }

    /// The voice's id.
    pub fn voice_id(&self) -> String {
        self.voice.manifest().voice_id.clone()
    }

    /// Checks the caller's options (JSON; see [`JsOptions`]) against the voice without
    /// synthesizing (the stream constructors check them too).
    pub fn check_options(&self, options: &str) -> Result<(), JsValue> {
        self.options(options).map(|_| ())
    }

    /// A stream speaking `text` (validated, normalized, split and phonemized now, with
    /// `lexicon`): a refused text or option throws here.
    pub fn stream_text(
        &self,
        text: &str,
        options: &str,
        lexicon: &Lexicon,
    ) -> Result<Stream, JsValue> {
        let opts = self.options(options)?;
        let limits = text_limits(options);
        let inner = Voice::stream_text(self.voice.clone(), text, &limits, &lexicon.inner, &opts)
            .map_err(error)?;
        Ok(Stream::wrap(inner, false))
    }

    /// A stream speaking Piper phoneme text.
    pub fn stream_phonemes(&self, phonemes: &str, options: &str) -> Result<Stream, JsValue> {
        let opts = self.options(options)?;
        let inner = Voice::stream_phonemes(self.voice.clone(), phonemes, &opts).map_err(error)?;
        Ok(Stream::wrap(inner, false))
    }

    /// A stream whose text arrives in pieces: `push(piece)` ... `close()`.
    pub fn stream_incremental(&self, options: &str, lexicon: &Lexicon) -> Result<Stream, JsValue> {
        let opts = self.options(options)?;
        let limits = text_limits(options);
        let inner = Voice::stream_incremental(self.voice.clone(), &limits, &lexicon.inner, &opts)
            .map_err(error)?;
        Ok(Stream::wrap(inner, true))
    }
}

impl Engine {
    /// The caller's options over the voice's defaults, validated.
    fn options(&self, json: &str) -> Result<SynthesisOptions, JsValue> {
        if json.len() > crate::limits::MAX_OPTIONS_JSON {
            return Err(named(
                "OptionsError",
                "invalid synthesis options: too large",
            ));
        }
        let given: JsOptions = serde_json::from_str(json).map_err(|e| {
            // serde's message without " at line 1 column N" (the JSON is ours, not the caller's).
            let full = e.to_string();
            let reason = full.split(" at line ").next().unwrap_or_default();
            named(
                "OptionsError",
                &format!("invalid synthesis options: {reason}"),
            )
        })?;
        let defaults = self.voice.default_options();
        let opts = SynthesisOptions {
            length_scale: given.length_scale.unwrap_or(defaults.length_scale),
            noise_scale: given.noise_scale.unwrap_or(defaults.noise_scale),
            noise_w: given.noise_w.unwrap_or(defaults.noise_w),
            speaker: match given.speaker {
                None => defaults.speaker,
                Some(s) => s.into_speaker().map_err(error)?,
            },
            seed: given.seed.unwrap_or(defaults.seed),
        };
        self.voice.check_options(&opts).map_err(error)?;
        Ok(opts)
    }
}

/// What the JS `Stream` shares with its pending `next()` promises.
struct Shared {
    /// The stream; taken out while a `next()` runs.
    inner: Option<crate::Stream<Rc<Voice>>>,
    /// Text pushed since the last `next()` started (handed over when the next one starts).
    pending: String,
    closed: bool,
    /// Latent mode: chunks carry `latent` instead of samples (for the vocoder workers).
    latent: bool,
}

/// A synthesis in progress (see the module docs for the chunk objects).
#[wasm_bindgen]
pub struct Stream {
    shared: Rc<RefCell<Shared>>,
    incremental: bool,
}

impl Stream {
    fn wrap(inner: crate::Stream<Rc<Voice>>, incremental: bool) -> Stream {
        Stream {
            shared: Rc::new(RefCell::new(Shared {
                inner: Some(inner),
                pending: String::new(),
                closed: false,
                latent: false,
            })),
            incremental,
        }
    }
}

#[wasm_bindgen]
impl Stream {
    /// Appends a piece of text (incremental streams; allowed while a `next()` is pending).
    /// Throws a `StreamError` after `close()`, a `TextError` past the text limit.
    pub fn push(&self, piece: &str) -> Result<(), JsValue> {
        if !self.incremental {
            return Err(error(crate::stream::StreamError::NotIncremental));
        }
        let mut s = self.shared.borrow_mut();
        if s.closed {
            return Err(error(crate::stream::StreamError::Closed));
        }
        let max = crate::limits::MAX_TEXT_CHARS;
        let chars = s
            .pending
            .chars()
            .count()
            .saturating_add(piece.chars().count());
        if chars > max {
            return Err(error(crate::text::TextError::TooLong { chars, max }));
        }
        s.pending.push_str(piece);
        Ok(())
    }

    /// Ends the input (incremental streams).
    pub fn close(&self) -> Result<(), JsValue> {
        if !self.incremental {
            return Err(error(crate::stream::StreamError::NotIncremental));
        }
        self.shared.borrow_mut().closed = true;
        Ok(())
    }

    /// Switches the stream to latent mode: from the next `next()` on, each chunk has empty
    /// `samples` and a `latent` window (`{ data, channels, frames, trimStart, samples,
    /// speaker? }`) for a `VocoderEngine` to vocode; words, timings and order are unchanged.
    pub fn latent_mode(&self) {
        self.shared.borrow_mut().latent = true;
    }

    /// Resolves to the next chunk, to `{ waiting: true }` when an incremental stream needs
    /// more input, or to `null` when the stream is finished. One at a time: a second call
    /// before the first resolves rejects with a `StreamError`.
    pub fn next(&self) -> js_sys::Promise {
        let shared = self.shared.clone();
        let incremental = self.incremental;
        wasm_bindgen_futures::future_to_promise(async move {
            let (mut inner, pending, closed, latent) = {
                let mut s = shared.borrow_mut();
                let Some(inner) = s.inner.take() else {
                    return Err(named(
                        "StreamError",
                        "next() was called before the previous call finished",
                    ));
                };
                (inner, std::mem::take(&mut s.pending), s.closed, s.latent)
            };
            // Text pushed since the last call goes in first, then the close.
            let mut handed: crate::Result<()> = Ok(());
            if incremental && !pending.is_empty() {
                handed = inner.push(&pending);
            }
            if incremental && closed && handed.is_ok() {
                handed = inner.close();
            }
            let got = match handed {
                Ok(()) if latent => inner
                    .next_latent()
                    .await
                    .map(|c| c.map(|c| (c.chunk, Some(c.latent)))),
                Ok(()) => inner.next().await.map(|c| c.map(|c| (c, None))),
                Err(e) => Err(e),
            };
            shared.borrow_mut().inner = Some(inner);
            match got.map_err(error)? {
                Some((chunk, latent)) => {
                    let o = chunk_object(&chunk)?;
                    if let Some(w) = latent {
                        set(o.unchecked_ref(), "latent", &vocoder::latent_object(&w)?)?;
                    }
                    Ok(o)
                }
                None if incremental && !closed => {
                    let o = Object::new();
                    set(&o, "waiting", &JsValue::TRUE)?;
                    Ok(o.into())
                }
                None => Ok(JsValue::NULL),
            }
        })
    }
}

fn set(o: &Object, key: &str, v: &JsValue) -> Result<(), JsValue> {
    Reflect::set(o, &JsValue::from_str(key), v).map(|_| ())
}

/// `{ samples, sampleRate, sentenceIndex, start, words, spoken? }`.
fn chunk_object(c: &crate::Chunk) -> Result<JsValue, JsValue> {
    let o = Object::new();
    set(&o, "samples", &Float32Array::from(c.samples.as_slice()))?;
    set(&o, "sampleRate", &JsValue::from(c.sample_rate))?;
    set(&o, "sentenceIndex", &JsValue::from(c.sentence_index as f64))?;
    set(&o, "start", &JsValue::from(c.start))?;
    let words = Array::new();
    for w in &c.words {
        let j = Object::new();
        set(&j, "text", &JsValue::from_str(&w.text))?;
        set(&j, "charStart", &JsValue::from(w.utf16.start as f64))?;
        set(&j, "charEnd", &JsValue::from(w.utf16.end as f64))?;
        set(&j, "start", &JsValue::from(w.start))?;
        set(&j, "end", &JsValue::from(w.end))?;
        words.push(&j);
    }
    set(&o, "words", &words)?;
    if let Some(info) = &c.sentence {
        set(&o, "spoken", &JsValue::from_str(&info.spoken))?;
    }
    Ok(o.into())
}

/// `speaker` as JS gives it: an index (`3`), a name or the textual form of
/// [`Speaker::parse`] (`"p225"`, `"name:3922"`, `"p225=0.7,p226=0.3"`), or a blend object
/// `{ "p225": 0.7, "p226": 0.3 }` whose keys read as [`SpeakerRef::parse`] does.
#[derive(Deserialize)]
#[serde(untagged)]
enum JsSpeaker {
    Index(usize),
    Text(String),
    Blend(std::collections::BTreeMap<String, f32>),
}

impl JsSpeaker {
    fn into_speaker(self) -> Result<Speaker, crate::SynthesisError> {
        match self {
            Self::Index(i) => Ok(Speaker::Index(i)),
            Self::Text(s) => Speaker::parse(&s),
            Self::Blend(m) => {
                let mut blend = Vec::with_capacity(m.len());
                for (k, w) in m {
                    blend.push((SpeakerRef::parse(&k)?, w));
                }
                Ok(Speaker::Blend(blend))
            }
        }
    }
}

/// Synthesis options as the JS API names them; an absent field takes the voice's default, and
/// anything else (an unknown name, `null`, a fraction or negative number where an integer is
/// due) is refused with serde's message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct JsOptions {
    #[serde(default, deserialize_with = "present")]
    length_scale: Option<f32>,
    #[serde(default, deserialize_with = "present")]
    noise_scale: Option<f32>,
    #[serde(default, deserialize_with = "present")]
    noise_w: Option<f32>,
    #[serde(default, deserialize_with = "present")]
    speaker: Option<JsSpeaker>,
    #[serde(default, deserialize_with = "present")]
    seed: Option<u64>,
    /// `false`: speak a long first sentence whole (no early cut of the stream's first chunk).
    #[serde(default, deserialize_with = "present")]
    early_cut: Option<bool>,
}

/// A text stream's limits: the defaults, without the early cut of its first chunk when the
/// (already validated) options say `earlyCut: false`.
fn text_limits(json: &str) -> crate::text::TextLimits {
    let mut limits = crate::text::TextLimits::default();
    if let Ok(JsOptions {
        early_cut: Some(false),
        ..
    }) = serde_json::from_str(json)
    {
        limits.first_chunk_phonemes = 0;
    }
    limits
}

/// A field that is present must hold a value: `null` (what `JSON.stringify` makes of `NaN`
/// and `Infinity`) is refused rather than read as "unset".
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// User pronunciations overriding the built-in lexicon, validated like the CLI's `--lexicon`.
#[wasm_bindgen]
#[derive(Default)]
pub struct Lexicon {
    inner: crate::text::Lexicon,
}

#[wasm_bindgen]
impl Lexicon {
    /// The built-in lexicon, without overrides.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Lexicon {
        Lexicon::default()
    }

    /// The `--lexicon` file format: one `word<TAB>phonemes` (or `word phonemes`) per line,
    /// phonemes in Piper/espeak IPA; blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<Lexicon, JsError> {
        let inner = crate::text::Lexicon::from_file_text(text).map_err(js_err)?;
        Ok(Lexicon { inner })
    }

    /// `[[word, phonemes], ...]` as JSON.
    pub fn from_entries(json: &str) -> Result<Lexicon, JsError> {
        let entries: Vec<(String, String)> = serde_json::from_str(json)
            .map_err(|_| JsError::new("lexicon entries must be [word, phonemes] string pairs"))?;
        Self::build(entries)
    }

    /// Number of overriding entries.
    pub fn size(&self) -> usize {
        self.inner.override_count()
    }
}

impl Lexicon {
    fn build<W: AsRef<str>, P: AsRef<str>>(
        entries: impl IntoIterator<Item = (W, P)>,
    ) -> Result<Lexicon, JsError> {
        let inner = crate::text::Lexicon::with_overrides(entries).map_err(js_err)?;
        Ok(Lexicon { inner })
    }
}
