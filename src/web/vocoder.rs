//! The vocoder worker's bindings: a [`VocoderLoader`] that asks only for the vocoder's shards
//! (each size- and SHA-256-checked before parsing), and a [`VocoderEngine`] that turns the latent
//! windows the main engine's stream yields in latent mode (`stream.latent_mode()`, each chunk
//! then carrying `latent`) into samples, on the CPU.
//!
//! ```js
//! const loader = VocoderLoader.new_verified(manifestBytes, sigOrNull, keyOrNull, digestOrNull);
//! for (const file of JSON.parse(loader.shards())) loader.add_shard(file, bytes);
//! const vocoder = loader.finish();
//! const samples = await vocoder.vocode(l.data, l.channels, l.frames, l.trimStart, l.samples, l.speaker ?? null);
//! ```

use super::{error, js_err, set};
use crate::latent::LatentWindow;
use js_sys::{Float32Array, Object};
use wasm_bindgen::prelude::*;

/// Collects the vocoder's shards of a voice, verifying each on arrival.
#[wasm_bindgen]
pub struct VocoderLoader {
    inner: crate::latent::VocoderLoader,
}

#[wasm_bindgen]
impl VocoderLoader {
    /// Checks the manifest bytes as `VoiceLoader.new_verified` does (signature, pinned digest;
    /// `null` for none), then parses them.
    pub fn new_verified(
        manifest: &[u8],
        signature: Option<Vec<u8>>,
        public_key: Option<String>,
        digest: Option<String>,
    ) -> Result<VocoderLoader, JsError> {
        let trust = crate::signing::ManifestTrust::parse(public_key.as_deref(), digest.as_deref())
            .map_err(js_err)?;
        Ok(Self {
            inner: crate::latent::VocoderLoader::new_verified(
                manifest,
                signature.as_deref(),
                &trust,
            )
            .map_err(js_err)?,
        })
    }

    /// The files of the shards to supply, as a JSON array (manifest order).
    pub fn shards(&self) -> String {
        let files: Vec<&str> = self
            .inner
            .shards()
            .iter()
            .map(|s| s.file.as_str())
            .collect();
        serde_json::to_string(&files).unwrap_or_else(|_| "[]".into())
    }

    /// Supplies one shard: its size and SHA-256 are checked before it is parsed.
    pub fn add_shard(&mut self, file: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.add_shard(file, bytes).map_err(js_err)
    }

    /// Builds the vocoder on the CPU; consumes the loader.
    pub fn finish(self) -> Result<VocoderEngine, JsError> {
        Ok(VocoderEngine {
            inner: self.inner.finish(&crate::backend::cpu()).map_err(js_err)?,
        })
    }
}

/// The vocoder alone, on the CPU.
#[wasm_bindgen]
pub struct VocoderEngine {
    inner: crate::latent::VocoderVoice,
}

#[wasm_bindgen]
impl VocoderEngine {
    /// Output sample rate (Hz).
    pub fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    /// Vocodes one latent window (`data`: `[channels, frames]`); resolves to its `samples`
    /// samples after `trim_start`. A malformed window rejects with a `SynthesisError`.
    pub async fn vocode(
        &self,
        data: Vec<f32>,
        channels: usize,
        frames: usize,
        trim_start: usize,
        samples: usize,
        speaker: Option<Vec<f32>>,
    ) -> Result<Float32Array, JsValue> {
        let w = LatentWindow {
            channels,
            frames,
            data,
            trim_start,
            samples,
            speaker,
        };
        let out = self.inner.vocode(&w).await.map_err(error)?;
        Ok(Float32Array::from(out.as_slice()))
    }
}

/// `{ data, channels, frames, trimStart, samples, speaker? }`: a latent window for JS.
pub(super) fn latent_object(w: &LatentWindow) -> Result<JsValue, JsValue> {
    let o = Object::new();
    set(&o, "data", &Float32Array::from(w.data.as_slice()))?;
    set(&o, "channels", &JsValue::from(w.channels as f64))?;
    set(&o, "frames", &JsValue::from(w.frames as f64))?;
    set(&o, "trimStart", &JsValue::from(w.trim_start as f64))?;
    set(&o, "samples", &JsValue::from(w.samples as f64))?;
    if let Some(g) = &w.speaker {
        set(&o, "speaker", &Float32Array::from(g.as_slice()))?;
    }
    Ok(o.into())
}
