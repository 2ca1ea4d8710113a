//! The Piper VITS voice as burn modules, in two stages:
//! - [`AcousticModel`]: text encoder (`enc_p`) + duration predictor (`dp`) + flow (`flow`),
//!   phoneme ids → latent frames;
//! - [`Vocoder`]: HiFi-GAN generator (`dec`), latent frames → waveform.
//!
//! Tensors live on a runtime [`Device`] (burn 0.22), so one code path serves WebGPU and CPU.
//! `SynthesizerTrn.infer` (piper_train `vits/models.py`) is [`AcousticModel::latent`] followed
//! by [`Vocoder::forward`].
//!
//! Each block is a burn `#[derive(Module)]` built from the [`VitsConfig`] by `init(device)`
//! (burn-nn `Conv1d`, `ConvTranspose1d`, `Embedding`); its field names mirror upstream, so a
//! parameter's module path is its upstream name but for the renames in [`names`]. [`load`]
//! then applies the verified [`TensorStore`]'s tensors to every parameter.
//!
//! Multi-speaker voices (upstream `n_speakers > 1`) have the speaker embedding `emb_g` and
//! `Option<Conv1d>` conditioning layers named as upstream: `dp.cond`, the flow WaveNets'
//! `cond_layer`, `dec.cond`. [`AcousticModel::speaker`] gives `g = emb_g(sid)` as `[1, gin, 1]`
//! (or a weighted mix of rows, [`crate::speaker`]), computed once per call and passed to the
//! duration predictor, [`Flow::reverse`] and [`Vocoder::forward`].

pub mod config;
pub mod duration;
pub mod flow;
pub mod kernels;
pub mod layers;
pub mod load;
pub mod names;
pub mod spline;
pub mod text_encoder;
pub mod vocoder;
pub mod window;

use crate::error::SynthesisError;
use crate::rng::Normal;
use crate::speaker::{Speaker, SpeakerMix};
use crate::weights::{TensorStore, WeightsError};
use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};
use config::VitsConfig;
use duration::DurationPredictor;
use flow::Flow;
pub use load::parameter_shapes;
use text_encoder::TextEncoder;
pub use vocoder::Vocoder;

pub use crate::limits::{MAX_FRAMES, MAX_IDS, MAX_SAMPLES_PER_SYNTHESIS};

/// Knobs of one synthesis, with Piper's names and meanings.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesisOptions {
    /// Duration multiplier: > 1 speaks slower ([`crate::limits::LENGTH_SCALE`]).
    pub length_scale: f32,
    /// Prior noise ([`crate::limits::NOISE_SCALE`]); 0 is deterministic.
    pub noise_scale: f32,
    /// Duration noise ([`crate::limits::NOISE_W`]); 0 is deterministic.
    pub noise_w: f32,
    /// The speaker: by index (0 for single-speaker voices), by name, or a blend; checked
    /// against the voice when it speaks ([`Speaker::resolve`]).
    pub speaker: Speaker,
    /// Seed of the noise generator, so a run is reproducible.
    pub seed: u64,
}

impl SynthesisOptions {
    /// Checks every option's range ([`crate::limits`]); the only place they are checked.
    pub fn validate(&self) -> Result<(), SynthesisError> {
        use crate::limits::{LENGTH_SCALE, NOISE_SCALE, NOISE_W};
        let check = |name, v: f32, range: std::ops::RangeInclusive<f32>| {
            if range.contains(&v) {
                Ok(())
            } else {
                Err(SynthesisError::OptionOutOfRange {
                    name,
                    min: *range.start(),
                    max: *range.end(),
                })
            }
        };
        check("length_scale", self.length_scale, LENGTH_SCALE)?;
        check("noise_scale", self.noise_scale, NOISE_SCALE)?;
        check("noise_w", self.noise_w, NOISE_W)
    }
}

/// Device→host read-backs made by [`to_host`] since the process (or wasm instance) started.
static READBACKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many tensors the pipeline has read back to the host so far (every read-back goes
/// through [`to_host`]): on WebGPU each one waits for the queue to drain, so benchmarks count
/// them per second of speech (BENCHMARKS.md). A counter, cheap enough to stay always on.
pub fn readbacks() -> u64 {
    READBACKS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Reads a tensor back to the host (async: WebGPU read-backs are).
pub(crate) async fn to_host<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, SynthesisError> {
    READBACKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = t
        .into_data_async()
        .await
        .map_err(|_| SynthesisError::Backend)?;
    data.try_to_vec::<f32>()
        .map_err(|_| SynthesisError::Backend)
}

/// `generate_path` + matmul in `SynthesizerTrn.infer` amount to repeating each phoneme's
/// prior statistics for its frames: the phoneme index of every output frame. At least one frame
/// (`y_lengths = clamp_min(sum, 1)`), at most [`MAX_FRAMES`] and at most
/// [`MAX_SAMPLES_PER_SYNTHESIS`] samples once the vocoder multiplies them by `hop_length`.
pub fn frame_index(durations: &[usize], hop_length: usize) -> Result<Vec<i64>, SynthesisError> {
    let frames = durations
        .iter()
        .try_fold(0usize, |a, &d| a.checked_add(d))
        .unwrap_or(usize::MAX);
    if frames > MAX_FRAMES {
        return Err(SynthesisError::TooLong {
            frames,
            max: MAX_FRAMES,
        });
    }
    let samples = frames.max(1).saturating_mul(hop_length);
    if samples > MAX_SAMPLES_PER_SYNTHESIS {
        return Err(SynthesisError::TooManySamples {
            samples,
            max: MAX_SAMPLES_PER_SYNTHESIS,
        });
    }
    let mut index: Vec<i64> = Vec::with_capacity(frames.max(1));
    for (i, &d) in durations.iter().enumerate() {
        index.extend(std::iter::repeat_n(i as i64, d));
    }
    if index.is_empty() {
        index.push(0);
    }
    Ok(index)
}

/// Stage 1: phoneme ids → latent frames `z`.
#[derive(Module, Debug)]
pub struct AcousticModel {
    enc_p: TextEncoder,
    dp: DurationPredictor,
    flow: Flow,
    /// Speaker embedding `[n_speakers, gin]` (multi-speaker voices).
    emb_g: Option<Embedding>,
    #[module(skip)]
    config: VitsConfig,
}

impl AcousticModel {
    /// The architecture of `config` (`enc_p`, `dp`, `flow`), weights not yet applied.
    pub fn init(config: &VitsConfig, device: &Device) -> Self {
        Self {
            enc_p: TextEncoder::init(config, device),
            dp: DurationPredictor::init(config, device),
            flow: Flow::init(config, device),
            emb_g: (config.n_speakers > 1)
                .then(|| EmbeddingConfig::new(config.n_speakers, config.gin_channels).init(device)),
            config: config.clone(),
        }
    }

    /// Builds the model and takes `enc_p.*`, `dp.*`, `flow.*` from the store.
    pub fn load(
        store: &mut TensorStore,
        config: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let mut m = load::load(Self::init(config, device), store)?;
        m.flow.set_kernels(*device == crate::backend::cpu());
        Ok(m)
    }

    /// Runs the flow on the CPU kernels (`true`, the default on the CPU device) or on burn's
    /// ops (`false`, the reference; [`kernels`]). No effect off the CPU device.
    pub fn set_kernels(&mut self, on: bool) {
        self.flow.set_kernels(on);
    }

    /// Checks ids and options before any tensor is built.
    pub fn check(&self, ids: &[i64], opts: &SynthesisOptions) -> Result<(), SynthesisError> {
        opts.validate()?;
        if ids.is_empty() {
            return Err(SynthesisError::EmptyInput);
        }
        if ids.len() > MAX_IDS {
            return Err(SynthesisError::TooManyIds {
                len: ids.len(),
                max: MAX_IDS,
            });
        }
        let n_vocab = self.config.n_vocab;
        if let Some(&id) = ids.iter().find(|&&id| !(0..n_vocab as i64).contains(&id)) {
            return Err(SynthesisError::IdOutOfRange { id, n_vocab });
        }
        Ok(())
    }

    /// The speaker conditioning `g: [1, gin, 1]` of a multi-speaker voice: `emb_g(sid)`, or
    /// for a blend `Σ wᵢ · emb_g(idᵢ)`; `None` for a single-speaker voice. `mix` comes from
    /// [`Speaker::resolve`] against this voice (ids in range, at least one).
    pub fn speaker(&self, mix: &SpeakerMix) -> Option<Tensor<3>> {
        let emb = self.emb_g.as_ref()?.weight.val();
        let device = emb.device();
        let [n, gin] = emb.dims();
        let (ids, weights): (Vec<i64>, Vec<f32>) = mix
            .weights()
            .iter()
            .filter(|&&(i, _)| i < n)
            .map(|&(i, w)| (i as i64, w))
            .unzip();
        let k = ids.len();
        if k == 0 {
            return None;
        }
        let rows = emb.select(
            0,
            Tensor::<1, Int>::from_data(TensorData::new(ids, [k]), &device),
        );
        let w = Tensor::<2>::from_data(TensorData::new(weights, [k, 1]), &device);
        Some((rows * w).sum_dim(0).reshape([1, gin, 1]))
    }

    /// Resolves a speaker choice against this voice's speaker count and `names`.
    pub fn resolve_speaker(
        &self,
        speaker: &Speaker,
        names: &std::collections::BTreeMap<String, usize>,
    ) -> Result<SpeakerMix, SynthesisError> {
        speaker.resolve(self.config.n_speakers, names)
    }

    /// Per-phoneme frame counts: `ceil(exp(logw) * length_scale)` (`SynthesizerTrn.infer`);
    /// `speaker` is [`Self::speaker`]'s conditioning.
    pub async fn durations(
        &self,
        ids: &[i64],
        opts: &SynthesisOptions,
        speaker: Option<&Tensor<3>>,
        rng: &mut Normal,
    ) -> Result<(Vec<usize>, text_encoder::Encoded), SynthesisError> {
        self.check(ids, opts)?;
        let t = ids.len();
        let ids_t = Tensor::<2, Int>::from_data(
            TensorData::new(ids.to_vec(), [1, t]),
            &self.enc_p.device(),
        );
        let enc = self.enc_p.forward(ids_t);
        let noise = [rng.vec(t, opts.noise_w), rng.vec(t, opts.noise_w)];
        let logw = self.dp.forward(enc.x.clone(), noise, speaker).await?;
        let durations = logw
            .iter()
            .map(|&l| {
                let w = (l.exp() * opts.length_scale).ceil();
                // NaN/negative → 0 frames; the total is bounded below.
                if w.is_finite() && w > 0.0 {
                    w.min(MAX_FRAMES as f32) as usize
                } else {
                    0
                }
            })
            .collect();
        Ok((durations, enc))
    }

    /// Phoneme ids → everything the flow and vocoder need, once per sentence: text encoder,
    /// duration predictor (conditioned on `speaker`, [`Self::speaker`]; `None` for a
    /// single-speaker voice), expansion to frames and the prior sample `z_p` with its noise
    /// (drawn for the whole sentence, after the duration noise, so any windowing gives the same
    /// audio). The speaker conditioning is kept for the flow and the vocoder.
    pub async fn prepare(
        &self,
        ids: &[i64],
        opts: &SynthesisOptions,
        speaker: Option<&Tensor<3>>,
        rng: &mut Normal,
    ) -> Result<Prepared, SynthesisError> {
        let (durations, enc) = self.durations(ids, opts, speaker, rng).await?;
        let device = enc.m_p.device();
        let index = frame_index(&durations, self.config.hop_length())?;
        let frames = index.len();
        let idx = Tensor::<1, Int>::from_data(TensorData::new(index, [frames]), &device);
        let m_p = enc.m_p.select(2, idx.clone());
        let mut z_p = m_p;
        if opts.noise_scale > 0.0 {
            let logs_p = enc.logs_p.select(2, idx);
            let c = self.config.inter_channels;
            let eps = Tensor::<3>::from_data(
                TensorData::new(rng.vec(c * frames, opts.noise_scale), [1, c, frames]),
                &device,
            );
            z_p = z_p + eps * logs_p.exp();
        }
        Ok(Prepared {
            durations,
            frames,
            z_p,
            g: speaker.cloned(),
        })
    }

    /// The flow (reverse) over frames `span` of a prepared sentence: `[1, inter, span.len()]`.
    /// The one place the flow runs; `span` is clipped to the sentence by the caller.
    pub fn reverse_flow(&self, p: &Prepared, span: std::ops::Range<usize>) -> Tensor<3> {
        let z_p = if span == (0..p.frames) {
            p.z_p.clone()
        } else {
            p.z_p.clone().narrow(2, span.start, span.len())
        };
        self.flow.reverse(z_p, p.g.as_ref())
    }

    /// Phoneme ids → latent `z: [1, inter, frames]` (the whole sentence at once: the reference
    /// windowed synthesis is tested against).
    pub async fn latent(
        &self,
        ids: &[i64],
        opts: &SynthesisOptions,
        speaker: Option<&Tensor<3>>,
        rng: &mut Normal,
    ) -> Result<Tensor<3>, SynthesisError> {
        let p = self.prepare(ids, opts, speaker, rng).await?;
        Ok(self.reverse_flow(&p, 0..p.frames))
    }
}

/// A sentence ready for the flow and vocoder ([`AcousticModel::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Frames per phoneme id (in input order; may be 0).
    pub durations: Vec<usize>,
    /// Total frames, at least 1 (the length of `z_p`).
    pub frames: usize,
    /// The prior sample `[1, inter, frames]`, on the device.
    z_p: Tensor<3>,
    /// The speaker conditioning `[1, gin, 1]` of a multi-speaker voice, for the flow and the
    /// vocoder (the same for every window).
    g: Option<Tensor<3>>,
}

impl Prepared {
    /// The speaker conditioning (`None` for a single-speaker voice).
    pub fn speaker(&self) -> Option<&Tensor<3>> {
        self.g.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_repeat_phonemes_by_duration() {
        assert_eq!(frame_index(&[2, 0, 1], 256), Ok(vec![0, 0, 2]));
        assert_eq!(frame_index(&[0, 0], 256), Ok(vec![0]));
    }

    #[test]
    fn output_samples_are_bounded_not_only_frames() {
        // Piper's hop of 256: all MAX_FRAMES frames are allowed.
        assert!(frame_index(&[MAX_FRAMES], 256).is_ok());
        // Strides [16, 16, 8] (hop 2048): the same frames would be 8× the audio and work.
        assert_eq!(
            frame_index(&[MAX_FRAMES], 2048),
            Err(SynthesisError::TooManySamples {
                samples: MAX_FRAMES * 2048,
                max: MAX_SAMPLES_PER_SYNTHESIS
            })
        );
        assert!(frame_index(&[MAX_SAMPLES_PER_SYNTHESIS / 2048], 2048).is_ok());
    }

    #[test]
    fn too_many_frames_are_refused_before_allocating() {
        assert_eq!(
            frame_index(&[MAX_FRAMES, 1], 256),
            Err(SynthesisError::TooLong {
                frames: MAX_FRAMES + 1,
                max: MAX_FRAMES
            })
        );
        assert!(matches!(
            frame_index(&[usize::MAX, 5], 1),
            Err(SynthesisError::TooLong { .. })
        ));
    }
}
