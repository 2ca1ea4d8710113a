//! A voice: [`VoiceLoader`] collects the manifest and shards (each verified on arrival, see
//! [`crate::weights`]), [`Voice`] holds both stages on one device and speaks.

use crate::ids::{self, PhonemeIdMap};
use crate::manifest::{self, Manifest, ShardEntry};
use crate::model::{self, AcousticModel, SynthesisOptions, Vocoder};
use crate::speaker::{Speaker, SpeakerMix};
use crate::weights::{TensorStore, WeightsError};
use crate::{Audio, Device, Result, rng, text};
use std::collections::BTreeMap;

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
    /// Starts from manifest bytes (parsed and validated).
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
        let entry = self
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
            .clone();
        self.store.add_shard(&entry, bytes)?;
        Ok(())
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
        use crate::limits::{MAX_MANIFEST_BYTES, read_at_most};
        // Each file is read only up to its bound + 1 bytes: a larger, growing or endless file
        // is then refused by the size check that follows, never buffered whole.
        let read = |name: &str, max: u64| {
            std::fs::File::open(dir.join(name)).and_then(|f| read_at_most(f, max))
        };
        let manifest = read("manifest.json", MAX_MANIFEST_BYTES as u64)
            .map_err(|_| manifest::ManifestError::Unreadable)?
            .ok_or(manifest::ManifestError::TooLarge)?;
        let mut loader = VoiceLoader::new(&manifest)?;
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

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
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

    /// Phoneme ids → audio.
    pub async fn synthesize_ids(&self, ids: &[i64], opts: &SynthesisOptions) -> Result<Audio> {
        let g = self.speaker(&opts.speaker)?;
        let z = self.acoustic_latent(ids, opts, g.as_ref()).await?;
        self.vocode(z, g.as_ref()).await
    }

    /// Stage 1 alone: phoneme ids → latent frames `[1, inter, frames]` (still on the device);
    /// `g` is [`Self::speaker`]'s conditioning for `opts.speaker`.
    pub async fn acoustic_latent(
        &self,
        ids: &[i64],
        opts: &SynthesisOptions,
        g: Option<&burn::tensor::Tensor<3>>,
    ) -> Result<burn::tensor::Tensor<3>> {
        let mut rng = rng::Normal::new(opts.seed);
        Ok(self.acoustic.latent(ids, opts, g, &mut rng).await?)
    }

    /// Stage 2 alone: latent frames → audio, with the same conditioning `g` as stage 1.
    pub async fn vocode(
        &self,
        z: burn::tensor::Tensor<3>,
        g: Option<&burn::tensor::Tensor<3>>,
    ) -> Result<Audio> {
        let wav = self.vocoder.forward(z, g).reshape([-1]);
        let samples = model::to_host::<1>(wav).await?;
        Ok(Audio {
            samples,
            sample_rate: self.manifest.sample_rate,
        })
    }

    /// Piper phoneme text (e.g. `həlˈoʊ wˈɜːld.`) → audio, plus phonemes the voice lacks.
    pub async fn speak_phonemes(
        &self,
        phonemes: &str,
        opts: &SynthesisOptions,
    ) -> Result<(Audio, BTreeMap<char, usize>)> {
        let p = ids::phonemes_to_ids(phonemes, &self.phonemes)?;
        Ok((self.synthesize_ids(&p.ids, opts).await?, p.missing))
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

    /// Text → audio: validated, normalized and phonemized sentence by sentence
    /// ([`text::phonemize_with`], with `lexicon` overriding built-in pronunciations), each
    /// sentence synthesized and the audio concatenated. At most
    /// [`crate::limits::MAX_SPOKEN_SECONDS`] of audio: a sentence that would pass it is refused
    /// (`SynthesisError::SpokenTooLong`) before it is vocoded.
    pub async fn speak_text(
        &self,
        text: &str,
        limits: &text::TextLimits,
        lexicon: &text::Lexicon,
        opts: &SynthesisOptions,
    ) -> Result<Audio> {
        self.check_text_language()?;
        let g = self.speaker(&opts.speaker)?;
        let mut budget = crate::limits::SpokenBudget::new(self.manifest.sample_rate);
        let hop = self.manifest.model.hop_length();
        let mut samples = Vec::new();
        for sentence in text::phonemize_with(text, limits, lexicon)? {
            let p = ids::phonemes_to_ids(&sentence.phonemes, &self.phonemes)?;
            let z = self.acoustic_latent(&p.ids, opts, g.as_ref()).await?;
            budget.charge(z.dims()[2].saturating_mul(hop))?;
            samples.extend_from_slice(&self.vocode(z, g.as_ref()).await?.samples);
        }
        Ok(Audio {
            samples,
            sample_rate: self.manifest.sample_rate,
        })
    }

    /// Phoneme text → ids with this voice's table (refused past [`crate::limits::MAX_IDS`]).
    pub fn phoneme_ids(&self, phonemes: &str) -> Result<ids::PhonemeIds> {
        Ok(ids::phonemes_to_ids(phonemes, &self.phonemes)?)
    }
}
