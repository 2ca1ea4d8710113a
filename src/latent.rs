//! Latent windows: the hand-off between the acoustic stage (text front-end, [`Voice::prepare`],
//! the flow) and the vocoder, as plain host data, so the vocoder can run somewhere else: on other
//! threads natively ([`crate::pool`]), in other Web Workers in the browser (the wasm
//! `VocoderEngine`, each holding only the vocoder's weights: [`VocoderLoader`]).
//!
//! A [`LatentWindow`] is the flow's output over one window's vocoder span (the window plus the
//! vocoder halo, clipped to the sentence) and the trim that cuts the window's own samples out of
//! the vocoder's output; vocoding it ([`vocode_window`]) gives exactly what
//! [`Voice::synthesize_frames`] gives for that window (the same ops on the same values: a host
//! round trip of f32 is exact).

use crate::error::SynthesisError;
use crate::limits::{FIRST_WINDOW_FRAMES, WINDOW_FRAMES};
use crate::manifest::{self, Manifest, ShardEntry, Stage};
use crate::model::config::VitsConfig;
use crate::model::window::{self, Halo};
use crate::model::{self, Prepared, Vocoder};
use crate::signing::ManifestTrust;
use crate::weights::{TensorStore, WeightsError};
use crate::{Device, Result, Voice};
use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use std::ops::Range;

/// One window's latent frames, ready for the vocoder.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentWindow {
    /// Latent channels (the voice's `inter_channels`).
    pub channels: usize,
    /// Frames in `data`: the window and its vocoder halo.
    pub frames: usize,
    /// `[channels, frames]`, row-major.
    pub data: Vec<f32>,
    /// Samples of the vocoder's output before the window's own.
    pub trim_start: usize,
    /// The window's own samples (frames × hop).
    pub samples: usize,
    /// The speaker conditioning `g` (`gin_channels` values) of a multi-speaker voice.
    pub speaker: Option<Vec<f32>>,
}

impl LatentWindow {
    /// Checks the window against a voice's config before a tensor is built: shapes, the trim
    /// inside the output, and at most one window's frames (the largest planned window plus both
    /// halos), so a worker fed by a page bounds its own work.
    pub fn check(&self, c: &VitsConfig) -> Result<(), SynthesisError> {
        let bad = |reason| Err(SynthesisError::InvalidLatent { reason });
        let max = FIRST_WINDOW_FRAMES.max(WINDOW_FRAMES) + 2 * Halo::of(c).vocoder;
        if self.channels != c.inter_channels {
            return bad("channel count");
        }
        if self.frames == 0 || self.frames > max {
            return bad("frame count");
        }
        if self.data.len() != self.channels * self.frames {
            return bad("data length");
        }
        let hop = c.hop_length();
        let end = self.trim_start.checked_add(self.samples);
        if self.samples == 0 || end.is_none_or(|e| e > self.frames * hop) {
            return bad("trim");
        }
        let gin = if c.n_speakers > 1 { c.gin_channels } else { 0 };
        match &self.speaker {
            None if gin == 0 => {}
            Some(g) if gin > 0 && g.len() == gin => {}
            _ => return bad("speaker conditioning"),
        }
        if self
            .data
            .iter()
            .chain(self.speaker.iter().flatten())
            .any(|v| !v.is_finite())
        {
            return bad("non-finite value");
        }
        Ok(())
    }
}

/// Vocodes one latent window on `device`: exactly `w.samples` samples. `w` is checked first.
pub async fn vocode_window(
    vocoder: &Vocoder,
    c: &VitsConfig,
    device: &Device,
    w: &LatentWindow,
) -> Result<Vec<f32>> {
    w.check(c)?;
    let z = Tensor::<3>::from_data(
        TensorData::new(w.data.clone(), [1, w.channels, w.frames]),
        device,
    );
    let g = w
        .speaker
        .as_ref()
        .map(|g| Tensor::<3>::from_data(TensorData::new(g.clone(), [1, g.len(), 1]), device));
    let wav = vocoder
        .forward(z, g.as_ref())
        .narrow(2, w.trim_start, w.samples)
        .reshape([-1]);
    Ok(model::to_host::<1>(wav).await?)
}

impl Voice {
    /// The acoustic half of [`Voice::synthesize_frames`]: the flow over window `frames` of a
    /// prepared sentence, read back to the host with its trim, for [`vocode_window`] (here or
    /// elsewhere). `frames` must be a non-empty range inside `0..p.frames`.
    pub async fn latent_window(&self, p: &Prepared, frames: Range<usize>) -> Result<LatentWindow> {
        if frames.is_empty() || frames.end > p.frames {
            return Err(SynthesisError::WindowOutOfRange {
                start: frames.start,
                end: frames.end,
                frames: p.frames,
            }
            .into());
        }
        let c = &self.manifest().model;
        let hop = c.hop_length();
        let s = window::spans(&frames, p.frames, self.halo());
        let z = self.acoustic().reverse_flow(p, s.flow.clone()).narrow(
            2,
            s.vocoder.start - s.flow.start,
            s.vocoder.len(),
        );
        let data = model::to_host::<3>(z).await?;
        let speaker = match p.speaker() {
            Some(g) => Some(model::to_host::<3>(g.clone()).await?),
            None => None,
        };
        Ok(LatentWindow {
            channels: c.inter_channels,
            frames: s.vocoder.len(),
            data,
            trim_start: (frames.start - s.vocoder.start) * hop,
            samples: frames.len() * hop,
            speaker,
        })
    }

    /// Vocodes a latent window with this voice's vocoder ([`vocode_window`]).
    pub async fn vocode_window(&self, w: &LatentWindow) -> Result<Vec<f32>> {
        let device = self
            .vocoder()
            .devices()
            .into_iter()
            .next()
            .unwrap_or_else(crate::backend::cpu);
        vocode_window(self.vocoder(), &self.manifest().model, &device, w).await
    }
}

/// A stream's chunk in latent mode ([`crate::Stream::next_latent`]): the chunk with its words,
/// timings and sentence info but no samples yet, and the latent window that makes them.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentChunk {
    /// The chunk, `samples` empty: fill them with the vocoded [`Self::latent`].
    pub chunk: crate::Chunk,
    /// The window's latent frames.
    pub latent: LatentWindow,
}

/// The vocoder alone: what a vocoder worker holds (the `dec.*` weights and nothing else).
#[derive(Debug, Clone)]
pub struct VocoderVoice {
    config: VitsConfig,
    sample_rate: u32,
    vocoder: Vocoder,
    device: Device,
}

impl VocoderVoice {
    /// Output sample rate (Hz).
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Vocodes one latent window ([`vocode_window`]).
    pub async fn vocode(&self, w: &LatentWindow) -> Result<Vec<f32>> {
        vocode_window(&self.vocoder, &self.config, &self.device, w).await
    }
}

/// Collects the vocoder's shards of a voice (each size- and SHA-256-checked before parsing, as
/// for [`crate::VoiceLoader`]), then builds a [`VocoderVoice`]. Only shards holding vocoder
/// tensors are asked for; a shard mixing stages is refused (the converter writes one stage per
/// shard).
#[derive(Debug)]
pub struct VocoderLoader {
    manifest: Manifest,
    shards: Vec<ShardEntry>,
    store: TensorStore,
}

impl VocoderLoader {
    /// Starts from manifest bytes that must first satisfy `trust` (see
    /// [`crate::VoiceLoader::new_verified`]).
    pub fn new_verified(
        manifest_bytes: &[u8],
        signature: Option<&[u8]>,
        trust: &ManifestTrust,
    ) -> Result<Self> {
        trust.check(manifest_bytes, signature)?;
        Self::new(manifest_bytes)
    }

    /// Starts from manifest bytes (parsed and validated), trusting them as they are.
    pub fn new(manifest_bytes: &[u8]) -> Result<Self> {
        let manifest = Manifest::parse(manifest_bytes)?;
        let mut shards = Vec::new();
        for s in &manifest.shards {
            let vocoder =
                |t: &manifest::TensorEntry| manifest::stage_of(&t.name) == Some(Stage::Vocoder);
            let n = s.tensors.iter().filter(|t| vocoder(t)).count();
            if n == 0 {
                continue;
            }
            if n != s.tensors.len() {
                let other = s.tensors.iter().find(|t| !vocoder(t));
                return Err(WeightsError::UnexpectedTensor {
                    tensor: other.map(|t| t.name.clone()).unwrap_or_default(),
                }
                .into());
            }
            shards.push(s.clone());
        }
        let needs =
            model::parameter_shapes(&Vocoder::init(&manifest.model, &crate::backend::cpu()));
        let store = TensorStore::expecting(&shards, &needs)?;
        Ok(Self {
            manifest,
            shards,
            store,
        })
    }

    /// The shards to supply (those of the vocoder), in manifest order.
    pub fn shards(&self) -> &[ShardEntry] {
        &self.shards
    }

    /// Supplies one shard's bytes: size and SHA-256 are checked before parsing.
    pub fn add_shard(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let entry = self
            .shards
            .iter()
            .find(|s| s.file == file)
            .ok_or_else(|| WeightsError::UnexpectedShard {
                shard: if manifest::is_plain_name(file) {
                    file.to_string()
                } else {
                    "<unlisted>".into()
                },
            })?
            .clone();
        self.store.add_shard(&entry, bytes)?;
        Ok(())
    }

    /// Builds the vocoder on `device`; every tensor must be used, with the right shape.
    pub fn finish(mut self, device: &Device) -> Result<VocoderVoice> {
        self.store.check_complete()?;
        let config = self.manifest.model.clone();
        let vocoder = Vocoder::load(&mut self.store, &config, device)?;
        self.store.finish()?;
        Ok(VocoderVoice {
            config,
            sample_rate: self.manifest.sample_rate,
            vocoder,
            device: device.clone(),
        })
    }
}
