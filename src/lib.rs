//! # Sotto — private neural text-to-speech, on the user's own device
//!
//! Pipeline (each stage a module; `docs/architecture.md` is the map):
//! 1. [`manifest`] — what a voice is; [`weights`] — every shard size- and SHA-256-checked
//!    before a byte is parsed, strict safetensors; [`limits`] — every bound, in one table;
//! 2. [`text`] — validation, English normalization, sentences, G2P → Piper phonemes;
//!    [`ids`] — Piper phonemes → ids;
//! 3. [`model`] — VITS acoustic model (text encoder, duration predictor, flow) then the
//!    HiFi-GAN vocoder, on a runtime-chosen burn [`Device`] ([`backend`]);
//! 4. [`audio`] — samples → WAV.
//!
//! [`catalog`] lists the voices a site hosts, each pinned by its manifest's digest.
//! [`signing`] checks a manifest's Ed25519 signature and pinned digest before it is parsed.
//! [`VoiceLoader`] and [`Voice`] ([`voice`]) tie them together; [`convert`] (native only) turns
//! a Piper ONNX voice into a manifest and shards; `web` (wasm only) is the JavaScript API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sotto::Error> {
//! let voice = sotto::Voice::load_dir(std::path::Path::new("voices/en_US-joe-medium"), &sotto::backend::cpu())?;
//! let (audio, _missing) = voice.speak_phonemes("həlˈoʊ wˈɜːld.", &voice.default_options()).await?;
//! std::fs::write("hello.wav", audio.to_wav()).ok();
//! # Ok(()) }
//! ```

pub mod audio;
pub mod backend;
pub mod catalog;
#[cfg(not(target_arch = "wasm32"))]
pub mod convert;
pub mod error;
pub mod ids;
pub mod latent;
pub mod limits;
pub mod manifest;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod pool;
pub mod probe;
pub mod rng;
pub mod signing;
pub mod speaker;
pub mod stream;
pub mod text;
pub mod voice;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod weights;

pub use audio::Audio;
pub use burn::tensor::Device;
pub use error::{Error, Result, SynthesisError};
pub use manifest::{Manifest, stage_of};
pub use model::{Prepared, SynthesisOptions};
pub use speaker::{Speaker, SpeakerRef};
pub use stream::{Chunk, Stream, WordTiming};
pub use voice::{Voice, VoiceLoader};
