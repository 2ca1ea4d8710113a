//! JavaScript bindings (wasm-bindgen): the thin layer the Web Worker talks to.
//!
//! ```js
//! const loader = new VoiceLoader(manifestBytes);      // validated manifest
//! loader.add_shard(file, bytes);                      // size + SHA-256 checked, then parsed
//! const engine = await loader.finish('auto');         // 'auto' | 'webgpu' | 'cpu'
//! const audio = await engine.synthesize(phonemes, lengthScale, noiseScale, noiseW, speaker, seed);
//! ```
//! No logic lives here beyond type conversion and backend choice; errors become JS `Error`s
//! with the crate's messages (which name shards and options, never paths or user text).

use crate::backend::Backend;
use crate::{SynthesisOptions, Voice};
use burn::tensor::Device;
use js_sys::Float32Array;
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
    /// (validated, normalized, split, phonemized; refused text throws a typed error that does
    /// not repeat the text).
    pub fn prepare(&self, text: &str) -> Result<String, JsError> {
        let chunks =
            crate::text::phonemize(text, &crate::text::TextLimits::default()).map_err(js_err)?;
        let list: Vec<serde_json::Value> = chunks
            .into_iter()
            .map(|c| serde_json::json!({ "text": c.text, "phonemes": c.phonemes }))
            .collect();
        Ok(serde_json::Value::Array(list).to_string())
    }

    /// Piper phoneme text → mono samples in [-1, 1].
    pub fn synthesize(
        &self,
        phonemes: String,
        length_scale: f32,
        noise_scale: f32,
        noise_w: f32,
        speaker: u32,
        seed: u32,
    ) -> js_sys::Promise {
        let voice = self.voice.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let opts = SynthesisOptions {
                length_scale,
                noise_scale,
                noise_w,
                speaker: speaker as usize,
                seed: u64::from(seed),
            };
            let (audio, _missing) = voice
                .speak_phonemes(&phonemes, &opts)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(Float32Array::from(audio.samples.as_slice()).into())
        })
    }
}
