//! A voice: [`VoiceLoader`] collects the manifest and shards (each verified on arrival, see
//! [`crate::weights`]), [`Voice`] holds both stages on one device and speaks.

use crate::error::SynthesisError;
use crate::ids::{self, PhonemeIdMap};
use crate::manifest::{self, Manifest, ShardEntry};
use crate::model::window::{self, Halo};
use crate::model::{self, AcousticModel, Prepared, SynthesisOptions, Vocoder};
use crate::signing::ManifestTrust;
use crate::speaker::{Speaker, SpeakerMix};
use crate::weights::{TensorStore, WeightsError};
use crate::{Audio, Device, Result, rng, text};
use burn::tensor::Tensor;
use std::collections::BTreeMap;
use std::ops::Range;

/// A loaded voice: both stages on one device, plus its phoneme table.
#[derive(Debug, Clone)]
pub struct Voice {
    manifest: Manifest,
    phonemes: PhonemeIdMap,
    acoustic: AcousticModel,
    vocoder: Vocoder,
}

/// Collects a voice's shards (each verified on arrival), then builds the [`Voice`].
#[derive(Debug)]
pub struct VoiceLoader {
    manifest: Manifest,
    store: TensorStore,
}

impl VoiceLoader {
    /// Starts from manifest bytes that must first satisfy `trust` (a signature by its key over
    /// these exact bytes, `signature` being the `manifest.json.sig` contents; a pinned SHA-256):
    /// refused with [`crate::Error::Signature`] before a byte of the manifest is parsed.
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
        // The architecture's parameters (built lazily: nothing is allocated), so the manifest's
        // tensor list is checked before any shard is decoded.
        let device = crate::backend::cpu();
        let mut needs = model::parameter_shapes(&AcousticModel::init(&manifest.model, &device));
        needs.extend(model::parameter_shapes(&Vocoder::init(
            &manifest.model,
            &device,
        )));
        let store = TensorStore::expecting(&manifest.shards, &needs)?;
        Ok(Self { manifest, store })
    }

    /// The validated manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The shards still to supply, in manifest order.
    pub fn shards(&self) -> &[ShardEntry] {
        &self.manifest.shards
    }

    /// Supplies one shard's bytes: size and SHA-256 are checked before parsing.
    pub fn add_shard(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let entry = self.entry(file)?;
        self.store.add_shard(&entry, bytes)?;
        Ok(())
    }

    /// [`Self::add_shard`] for bytes hashed as they downloaded: `hash` must have seen exactly
    /// `bytes`, piece by piece (its byte count is checked against theirs). Size and SHA-256 are
    /// checked against the manifest before parsing, as by [`Self::add_shard`].
    pub fn add_shard_hashed(
        &mut self,
        file: &str,
        bytes: &[u8],
        hash: crate::weights::integrity::IncrementalSha256,
    ) -> Result<()> {
        let entry = self.entry(file)?;
        if hash.len() != bytes.len() as u64 {
            return Err(WeightsError::SizeMismatch {
                shard: entry.file,
                expected: bytes.len() as u64,
                actual: hash.len(),
            }
            .into());
        }
        self.store.add_shard_hashed(&entry, bytes, hash.finish())?;
        Ok(())
    }

    /// The manifest entry of shard `file`; the error names it only if it is a plain file name.
    fn entry(&self, file: &str) -> Result<ShardEntry> {
        Ok(self
            .manifest
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
            .clone())
    }

    /// Builds both stages on `device`; every tensor must be used, with the right shape.
    pub fn finish(mut self, device: &Device) -> Result<Voice> {
        self.store.check_complete()?;
        let c = &self.manifest.model;
        let acoustic = AcousticModel::load(&mut self.store, c, device)?;
        let vocoder = Vocoder::load(&mut self.store, c, device)?;
        self.store.finish()?;
        let phonemes = self
            .manifest
            .phoneme_ids()
            .ok_or(manifest::ManifestError::InvalidField("phoneme_id_map"))?;
        Ok(Voice {
            manifest: self.manifest,
            phonemes,
            acoustic,
            vocoder,
        })
    }
}

impl Voice {
    /// Loads `manifest.json` and its shards from a directory (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_dir(dir: &std::path::Path, device: &Device) -> Result<Self> {
        Self::load_dir_verified(dir, device, &ManifestTrust::default())
    }

    /// [`Voice::load_dir`], the manifest first checked against `trust` (when it has a key,
    /// `manifest.json.sig` beside the manifest must hold a valid signature).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_dir_verified(
        dir: &std::path::Path,
        device: &Device,
        trust: &ManifestTrust,
    ) -> Result<Self> {
        use crate::limits::{MAX_MANIFEST_BYTES, MAX_SIGNATURE_FILE_BYTES, read_at_most};
        // Each file is read only up to its bound + 1 bytes: a larger, growing or endless file
        // is then refused by the size check that follows, never buffered whole.
        let read = |name: &str, max: u64| {
            std::fs::File::open(dir.join(name)).and_then(|f| read_at_most(f, max))
        };
        let manifest = read("manifest.json", MAX_MANIFEST_BYTES as u64)
            .map_err(|_| manifest::ManifestError::Unreadable)?
            .ok_or(manifest::ManifestError::TooLarge)?;
        // Only a missing file counts as "unsigned"; an unreadable or oversized one is malformed.
        let signature = if trust.needs_signature() {
            match std::fs::File::open(dir.join(crate::signing::SIGNATURE_FILE)) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                opened => Some(
                    opened
                        .and_then(|f| read_at_most(f, MAX_SIGNATURE_FILE_BYTES as u64))
                        .ok()
                        .flatten()
                        .ok_or(crate::signing::SignatureError::Malformed)?,
                ),
            }
        } else {
            None
        };
        let mut loader = VoiceLoader::new_verified(&manifest, signature.as_deref(), trust)?;
        let shards: Vec<(String, u64)> = loader
            .shards()
            .iter()
            .map(|s| (s.file.clone(), s.size))
            .collect();
        for (f, size) in shards {
            // `f` passed `is_plain_name`: no separators, no `..`, so it stays inside `dir`.
            let bytes = read(&f, size)
                .map_err(|_| WeightsError::Unreadable { shard: f.clone() })?
                .ok_or(WeightsError::SizeMismatch {
                    shard: f.clone(),
                    expected: size,
                    actual: size + 1,
                })?;
            loader.add_shard(&f, &bytes)?;
        }
        loader.finish(device)
    }

    /// A copy of this voice with every weight on `device` (e.g. a CPU-built voice moved to
    /// WebGPU, so both can run the same probe, [`crate::probe`]).
    pub fn on_device(&self, device: &Device) -> Voice {
        use burn::module::Module;
        let mut v = Voice {
            manifest: self.manifest.clone(),
            phonemes: self.phonemes.clone(),
            acoustic: self.acoustic.clone().to_device(device),
            vocoder: self.vocoder.clone().to_device(device),
        };
        // The CPU kernels' packed weights are not module parameters: `to_device` keeps them.
        // Drop them, then pack again only if `device` is the CPU (`set_kernels` checks).
        v.set_cpu_kernels(false);
        v.set_cpu_kernels(true);
        v
    }

    /// The flow over the spans window `frames` needs: the latent the vocoder takes
    /// (`[1, inter, spans.vocoder.len()]`, on the device), and the spans.
    pub fn flow_window(&self, p: &Prepared, frames: &Range<usize>) -> (Tensor<3>, window::Spans) {
        let s = window::spans(frames, p.frames, self.halo());
        let z = self.acoustic.reverse_flow(p, s.flow.clone());
        let z = z.narrow(2, s.vocoder.start - s.flow.start, s.vocoder.len());
        (z, s)
    }

    /// The vocoder over [`Self::flow_window`]'s latent: window `frames`' samples, on the host.
    pub async fn vocode_flow_window(
        &self,
        p: &Prepared,
        frames: &Range<usize>,
        z: Tensor<3>,
        s: &window::Spans,
    ) -> Result<Vec<f32>> {
        let hop = self.manifest.model.hop_length();
        let wav = self
            .wave(z, p.speaker())
            .narrow(
                2,
                (frames.start - s.vocoder.start) * hop,
                frames.len() * hop,
            )
            .reshape([-1]);
        Ok(model::to_host::<1>(wav).await?)
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Runs the flow and the vocoder on the hand-written CPU kernels (`true`, the default on
    /// the CPU device) or on burn's ops (`false`: the reference path, for tests and
    /// benchmarks; [`crate::model::kernels`]). No effect on WebGPU.
    pub fn set_cpu_kernels(&mut self, on: bool) {
        self.acoustic.set_kernels(on);
        self.vocoder.set_kernels(on);
    }

    /// The voice's Piper defaults, seed 0.
    pub fn default_options(&self) -> SynthesisOptions {
        let i = self.manifest.inference;
        SynthesisOptions {
            length_scale: i.length_scale,
            noise_scale: i.noise_scale,
            noise_w: i.noise_w,
            speaker: Speaker::default(),
            seed: 0,
        }
    }

    /// Checks a speaker choice against this voice (index range, `speaker_id_map` names, blend
    /// weights) without building anything.
    pub fn resolve_speaker(&self, speaker: &Speaker) -> Result<SpeakerMix> {
        Ok(self
            .acoustic
            .resolve_speaker(speaker, &self.manifest.speaker_id_map)?)
    }

    /// The speaker conditioning (`[1, gin, 1]`, on the device) both stages take: `None` for a
    /// single-speaker voice. Computed once per call, not per sentence.
    pub fn speaker(&self, speaker: &Speaker) -> Result<Option<burn::tensor::Tensor<3>>> {
        Ok(self.acoustic.speaker(&self.resolve_speaker(speaker)?))
    }

    /// Options and speaker checked against this voice, without synthesizing.
    pub fn check_options(&self, opts: &SynthesisOptions) -> Result<()> {
        opts.validate()?;
        self.resolve_speaker(&opts.speaker).map(|_| ())
    }

    /// Phoneme ids → audio: [`Self::prepare`], then [`Self::synthesize_frames`] over
    /// [`Self::windows`], concatenated. Equal to [`Self::acoustic_latent`] + [`Self::vocode`]
    /// up to float rounding, with memory set by the window instead of the sentence.
    pub async fn synthesize_ids(&self, ids: &[i64], opts: &SynthesisOptions) -> Result<Audio> {
        let p = self.prepare(ids, opts).await?;
        let samples = self.synthesize_prepared(&p).await?;
        Ok(Audio {
            samples,
            sample_rate: self.manifest.sample_rate,
        })
    }

    /// Every window of a prepared sentence, concatenated.
    async fn synthesize_prepared(&self, p: &Prepared) -> Result<Vec<f32>> {
        let hop = self.manifest.model.hop_length();
        let mut samples = Vec::with_capacity(p.frames.saturating_mul(hop));
        for w in self.steady_windows(p) {
            samples.extend_from_slice(&self.synthesize_frames(p, w).await?);
        }
        Ok(samples)
    }

    /// Once per sentence: text encoder, duration predictor, expansion to frames and the prior
    /// noise (seeded by `opts.seed`). The flow and vocoder then run per window.
    pub async fn prepare(&self, ids: &[i64], opts: &SynthesisOptions) -> Result<Prepared> {
        let g = self.speaker(&opts.speaker)?;
        let mut rng = rng::Normal::new(opts.seed);
        Ok(self
            .acoustic
            .prepare(ids, opts, g.as_ref(), &mut rng)
            .await?)
    }

    /// The windows a prepared sentence is synthesized in: consecutive frame ranges covering
    /// `0..p.frames`, a first one of [`crate::limits::FIRST_WINDOW_FRAMES`] (early first audio),
    /// then windows doubling up to [`crate::limits::WINDOW_FRAMES`] each ([`window::plan`]).
    /// A stream uses these for its sentences that start within
    /// [`crate::limits::RAMP_SECONDS`] of its start.
    pub fn windows(&self, p: &Prepared) -> Vec<Range<usize>> {
        use crate::limits::{FIRST_WINDOW_FRAMES, WINDOW_FRAMES};
        window::plan(p.frames, FIRST_WINDOW_FRAMES, WINDOW_FRAMES)
    }

    /// Windows of [`crate::limits::WINDOW_FRAMES`] from the start (the last may be shorter):
    /// for audio that is used only once it is whole (a file, [`Self::synthesize_ids`]) and for
    /// a stream's later sentences, which are prepared while earlier audio plays. The ramp of
    /// [`Self::windows`] costs ~20% more time on a sentence (each small window recomputes its
    /// halos: BENCHMARKS.md, "Window ramp").
    pub fn steady_windows(&self, p: &Prepared) -> Vec<Range<usize>> {
        use crate::limits::WINDOW_FRAMES;
        window::plan(p.frames, WINDOW_FRAMES, WINDOW_FRAMES)
    }

    /// The halos this voice's windows get: its flow's and vocoder's receptive fields.
    pub fn halo(&self) -> Halo {
        Halo::of(&self.manifest.model)
    }

    /// The audio of frames `frames` of a prepared sentence: exactly `frames.len() × hop` samples,
    /// equal (up to float rounding) to that slice of whole-sentence synthesis. `frames` must be a
    /// non-empty range inside `0..p.frames`.
    pub async fn synthesize_frames(&self, p: &Prepared, frames: Range<usize>) -> Result<Vec<f32>> {
        self.synthesize_frames_with(p, frames, self.halo()).await
    }

    /// [`Self::synthesize_frames`] with explicit halos. Halos below [`Self::halo`] give audio that
    /// differs near window edges (tests use this to show the halo matters); larger ones only
    /// cost time.
    pub async fn synthesize_frames_with(
        &self,
        p: &Prepared,
        frames: Range<usize>,
        halo: Halo,
    ) -> Result<Vec<f32>> {
        if frames.is_empty() || frames.end > p.frames {
            return Err(SynthesisError::WindowOutOfRange {
                start: frames.start,
                end: frames.end,
                frames: p.frames,
            }
            .into());
        }
        let hop = self.manifest.model.hop_length();
        let s = window::spans(&frames, p.frames, halo);
        let z = self.acoustic.reverse_flow(p, s.flow.clone());
        let z = z.narrow(2, s.vocoder.start - s.flow.start, s.vocoder.len());
        let wav = self
            .wave(z, p.speaker())
            .narrow(
                2,
                (frames.start - s.vocoder.start) * hop,
                frames.len() * hop,
            )
            .reshape([-1]);
        Ok(model::to_host::<1>(wav).await?)
    }

    /// Stage 1 alone, whole sentence: phoneme ids → latent frames `[1, inter, frames]` (still on
    /// the device); `g` is [`Self::speaker`]'s conditioning for `opts.speaker`. With
    /// [`Self::vocode`], the unwindowed reference.
    pub async fn acoustic_latent(
        &self,
        ids: &[i64],
        opts: &SynthesisOptions,
        g: Option<&Tensor<3>>,
    ) -> Result<Tensor<3>> {
        let mut rng = rng::Normal::new(opts.seed);
        Ok(self.acoustic.latent(ids, opts, g, &mut rng).await?)
    }

    /// Stage 2 alone, whole sentence: latent frames → audio, with the same conditioning `g` as
    /// stage 1.
    pub async fn vocode(&self, z: Tensor<3>, g: Option<&Tensor<3>>) -> Result<Audio> {
        let wav = self.wave(z, g).reshape([-1]);
        let samples = model::to_host::<1>(wav).await?;
        Ok(Audio {
            samples,
            sample_rate: self.manifest.sample_rate,
        })
    }

    /// The acoustic stage (text encoder, durations, flow).
    pub(crate) fn acoustic(&self) -> &AcousticModel {
        &self.acoustic
    }

    /// The vocoder stage.
    pub(crate) fn vocoder(&self) -> &Vocoder {
        &self.vocoder
    }

    /// The one place the vocoder runs: `[1, inter, t] -> [1, 1, t × hop]`.
    fn wave(&self, z: Tensor<3>, g: Option<&Tensor<3>>) -> Tensor<3> {
        self.vocoder.forward(z, g)
    }

    /// Piper phoneme text (e.g. `həlˈoʊ wˈɜːld.`) → audio, plus phonemes the voice lacks.
    /// Through [`Voice::stream_phonemes`]: one sentence unless it would pass the id limit.
    pub async fn speak_phonemes(
        &self,
        phonemes: &str,
        opts: &SynthesisOptions,
    ) -> Result<(Audio, BTreeMap<char, usize>)> {
        let mut stream = Voice::stream_phonemes(self, phonemes, opts)?.whole_output();
        let audio = self.collect(&mut stream).await?;
        Ok((audio, stream.missing().clone()))
    }

    /// Text input is English only: the text front-end speaks English (en-US conventions), so a
    /// voice of another language (manifest `language` not `en` / `en_*`) refuses text with
    /// [`crate::SynthesisError::TextLanguage`] rather than read English phonemes with the
    /// wrong voice. Phoneme input works in every language.
    pub fn check_text_language(&self) -> Result<()> {
        let language = &self.manifest.language;
        if language == "en" || language.starts_with("en_") {
            Ok(())
        } else {
            Err(crate::SynthesisError::TextLanguage {
                language: language.clone(),
            }
            .into())
        }
    }

    /// Text → audio through [`Voice::stream_text`] (validated, normalized and phonemized
    /// sentence by sentence with `lexicon` overriding built-in pronunciations; sentence `i`
    /// with seed `opts.seed + i`). At most [`crate::limits::MAX_SPOKEN_SECONDS`] of audio: a
    /// sentence that would pass it is refused (`SynthesisError::SpokenTooLong`) before it is
    /// vocoded.
    pub async fn speak_text(
        &self,
        text: &str,
        limits: &text::TextLimits,
        lexicon: &text::Lexicon,
        opts: &SynthesisOptions,
    ) -> Result<Audio> {
        let mut stream = Voice::stream_text(self, text, limits, lexicon, opts)?.whole_output();
        self.collect(&mut stream).await
    }

    /// Every chunk of `stream`, concatenated.
    async fn collect(&self, stream: &mut crate::Stream<&Voice>) -> Result<Audio> {
        let mut samples = Vec::new();
        while let Some(chunk) = stream.next().await? {
            samples.extend_from_slice(&chunk.samples);
        }
        Ok(Audio {
            samples,
            sample_rate: self.manifest.sample_rate,
        })
    }

    /// [`Voice::phoneme_ids`] plus each phoneme character's ids ([`ids::phonemes_to_ids_mapped`]).
    pub fn phoneme_ids_mapped(
        &self,
        phonemes: &str,
    ) -> Result<(ids::PhonemeIds, Vec<ids::CharIds>)> {
        Ok(ids::phonemes_to_ids_mapped(phonemes, &self.phonemes)?)
    }

    /// How many ids `phonemes` would make with this voice's table ([`ids::id_count`]).
    pub fn phoneme_id_count(&self, phonemes: &str) -> usize {
        ids::id_count(phonemes, &self.phonemes)
    }

    /// Phoneme text → ids with this voice's table (refused past [`crate::limits::MAX_IDS`]).
    pub fn phoneme_ids(&self, phonemes: &str) -> Result<ids::PhonemeIds> {
        Ok(ids::phonemes_to_ids(phonemes, &self.phonemes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::signing::{ManifestSigner, SignatureError};
    use crate::weights::integrity::Sha256Digest;

    /// The signature and the pin are checked on the raw bytes, before the manifest is parsed:
    /// signed garbage gets as far as the manifest parser, anything else is a `Signature` error.
    #[test]
    fn new_verified_checks_before_parsing() {
        let signer = ManifestSigner::from_seed(&[9; 32]);
        let bytes = b"not a manifest";
        let sig = signer.sign(bytes);
        let trust = ManifestTrust {
            public_key: Some(signer.public_key()),
            digest: None,
        };
        let load =
            |m: &[u8], s: Option<&[u8]>, t: &ManifestTrust| VoiceLoader::new_verified(m, s, t);
        assert!(matches!(
            load(bytes, Some(sig.as_bytes()), &trust),
            Err(Error::Manifest(_))
        ));
        assert!(matches!(
            load(bytes, None, &trust),
            Err(Error::Signature(SignatureError::Missing))
        ));
        let mut flipped = bytes.to_vec();
        flipped[3] ^= 1;
        assert!(matches!(
            load(&flipped, Some(sig.as_bytes()), &trust),
            Err(Error::Signature(SignatureError::Invalid))
        ));
        let other = ManifestSigner::from_seed(&[10; 32]).sign(bytes);
        assert!(matches!(
            load(bytes, Some(other.as_bytes()), &trust),
            Err(Error::Signature(SignatureError::Invalid))
        ));
        let pinned = ManifestTrust {
            public_key: None,
            digest: Some(Sha256Digest::of(b"another manifest")),
        };
        assert!(matches!(
            load(bytes, None, &pinned),
            Err(Error::Signature(SignatureError::DigestMismatch))
        ));
        assert!(matches!(
            load(bytes, None, &ManifestTrust::default()),
            Err(Error::Manifest(_))
        ));
    }
}
