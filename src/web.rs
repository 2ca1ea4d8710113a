//! JavaScript bindings (wasm-bindgen): the thin layer the Web Worker talks to.
//!
//! ```js
//! const loader = new VoiceLoader(manifestBytes);      // validated manifest
//! loader.add_shard(file, bytes);                      // size + SHA-256 checked, then parsed
//! const engine = await loader.finish('auto');         // 'auto' | 'webgpu' | 'cpu'
//! engine.check_options(optionsJson);                  // throws Rust's message on a bad option
//! const chunks = JSON.parse(engine.prepare(text, lexicon)); // lexicon = new Lexicon()
//! const audio = await engine.synthesize(chunks[i].phonemes, optionsJson, i);
//! const custom = Lexicon.parse(fileText);             // or Lexicon.from_entries(pairsJson)
//! ```
//! No logic lives here beyond type conversion and backend choice; errors become JS `Error`s
//! with the crate's messages (which name shards and options, never paths or user text).
//! Synthesis options arrive as the caller's JSON object and are checked here, in Rust, only.

use crate::backend::Backend;
use crate::{Speaker, SpeakerRef, SynthesisOptions, Voice};
use burn::tensor::Device;
use js_sys::Float32Array;
use serde::{Deserialize, Deserializer};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Installs the panic hook in debug builds (release builds keep panics terse).
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
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

    /// The validated manifest, as JSON.
    pub fn manifest(&self) -> String {
        self.inner.manifest().to_json()
    }

    /// Supplies one shard: its size and SHA-256 are checked before it is parsed. A refused
    /// shard leaves the loader as it was.
    pub fn add_shard(&mut self, file: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.add_shard(file, bytes).map_err(js_err)
    }

    /// Builds the voice on `backend` (`auto`, `webgpu` or `cpu`); consumes the loader.
    pub async fn finish(self, backend: String) -> Result<Engine, JsError> {
        let (device, chosen) = select_device(&backend).await?;
        let voice = self.inner.finish(&device).map_err(js_err)?;
        Ok(Engine {
            voice: Rc::new(voice),
            backend: chosen,
        })
    }
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
}

#[wasm_bindgen]
impl Engine {
    /// `webgpu` or `cpu`.
    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    /// Output sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.voice.manifest().sample_rate
    }

    /// The voice's id.
    pub fn voice_id(&self) -> String {
        self.voice.manifest().voice_id.clone()
    }

    /// Text → sentence chunks to synthesize one by one, as JSON `[{"text", "phonemes"}]`
    /// (validated, normalized, split, phonemized with `lexicon`; refused text throws a typed
    /// error that does not repeat the text).
    pub fn prepare(&self, text: &str, lexicon: &Lexicon) -> Result<String, JsError> {
        // A voice of another language refuses text (its language named); phonemes still work.
        self.voice.check_text_language().map_err(js_err)?;
        let limits = crate::text::TextLimits::default();
        let chunks = crate::text::phonemize_with(text, &limits, &lexicon.inner).map_err(js_err)?;
        let list: Vec<serde_json::Value> = chunks
            .into_iter()
            .map(|c| serde_json::json!({ "text": c.text, "phonemes": c.phonemes }))
            .collect();
        Ok(serde_json::Value::Array(list).to_string())
    }

    /// Checks the caller's options (JSON; see [`JsOptions`]) against the voice without
    /// synthesizing, so a bad option fails before the first chunk.
    pub fn check_options(&self, options: &str) -> Result<(), JsError> {
        self.options(options, 0).map(|_| ())
    }

    /// Piper phoneme text → mono samples in [-1, 1], with the caller's options (JSON) for chunk
    /// `index` of a text: its noise seed is `seed + index`.
    pub fn synthesize(&self, phonemes: String, options: &str, index: u32) -> js_sys::Promise {
        let voice = self.voice.clone();
        let opts = self.options(options, index);
        wasm_bindgen_futures::future_to_promise(async move {
            let opts = opts.map_err(JsValue::from)?;
            let (audio, _missing) = voice
                .speak_phonemes(&phonemes, &opts)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(Float32Array::from(audio.samples.as_slice()).into())
        })
    }
}

impl Engine {
    /// The caller's options over the voice's defaults, validated, with chunk `index`'s seed.
    fn options(&self, json: &str, index: u32) -> Result<SynthesisOptions, JsError> {
        if json.len() > crate::limits::MAX_OPTIONS_JSON {
            return Err(JsError::new("invalid synthesis options: too large"));
        }
        let given: JsOptions = serde_json::from_str(json).map_err(|e| {
            // serde's message without " at line 1 column N" (the JSON is ours, not the caller's).
            let full = e.to_string();
            let reason = full.split(" at line ").next().unwrap_or_default();
            JsError::new(&format!("invalid synthesis options: {reason}"))
        })?;
        let defaults = &self.voice.manifest().inference;
        let opts = SynthesisOptions {
            length_scale: given.length_scale.unwrap_or(defaults.length_scale),
            noise_scale: given.noise_scale.unwrap_or(defaults.noise_scale),
            noise_w: given.noise_w.unwrap_or(defaults.noise_w),
            speaker: match given.speaker {
                None => Speaker::default(),
                Some(s) => s.into_speaker().map_err(js_err)?,
            },
            seed: given.seed.unwrap_or(0).wrapping_add(u64::from(index)),
        };
        self.voice.check_options(&opts).map_err(js_err)?;
        Ok(opts)
    }
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
