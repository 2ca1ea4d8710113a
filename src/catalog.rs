//! The voice catalog (`catalog.json`): which voices a site hosts, what each costs to download,
//! and the SHA-256 digest of each voice's manifest, so that a page can list voices and load one
//! pinned to exactly the manifest the site published.
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "voices": [
//!     { "id": "en_US-joe-medium", "language": "en_US", "quality": "medium",
//!       "num_speakers": 1, "speakers": [], "download_bytes": 63531008,
//!       "manifest": "en_US-joe-medium/manifest.json",
//!       "manifest_digest": "sha256-<base64>" }
//!   ]
//! }
//! ```
//! Every field is required and unknown fields are refused. `manifest` is a relative URL made
//! of plain names ([`is_plain_name`]) joined by `/`, resolved against the catalog's own URL: a
//! catalog cannot point a page at another origin or up its directory tree. `speakers` lists
//! the speaker names in id order (empty for a single-speaker voice; a multi-speaker voice
//! without names has none either). Bounds are in [`crate::limits`] (`MAX_CATALOG_*`).

use crate::Manifest;
use crate::limits::{
    self, MAX_CATALOG_BYTES, MAX_CATALOG_MANIFEST_DEPTH, MAX_CATALOG_VOICES,
    MAX_VOICE_DOWNLOAD_BYTES, is_plain_name,
};
use crate::manifest::is_language_code;
use crate::weights::integrity::Sha256Digest;
use serde::{Deserialize, Serialize};

/// The catalog format this build reads and writes.
pub const CATALOG_FORMAT_VERSION: u32 = 1;

/// Refusals of a catalog (they name the field, never its value).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    /// Larger than [`MAX_CATALOG_BYTES`].
    #[error("catalog is too large")]
    TooLarge,
    /// Not JSON of the catalog's form (the parser's position is kept, not its message).
    #[error("catalog is not valid JSON of the expected form (line {line}, column {column})")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A format version this build does not read.
    #[error("catalog format version {0} is not supported (expected {CATALOG_FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// A field of voice number `index` (0-based) is outside its rules.
    #[error("catalog voice {index}: field {field} is invalid")]
    InvalidField {
        /// Position in `voices`.
        index: usize,
        /// The field.
        field: &'static str,
    },
    /// No voices, or more than [`MAX_CATALOG_VOICES`].
    #[error("catalog must list 1 to {MAX_CATALOG_VOICES} voices")]
    VoiceCount,
    /// Two entries share an id.
    #[error("catalog voice {0}: duplicate id")]
    DuplicateId(usize),
}

/// Why `sotto catalog` could not write an entry for a voice.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryError {
    /// The voice's manifest was refused.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    /// The entry would not be a valid catalog entry.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The voice id ends in no quality preset and none was given.
    #[error("the voice id names no quality preset (x_low, low, medium, high): give one")]
    NoQuality,
}

/// Piper's quality presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 16 kHz, smallest.
    XLow,
    /// 16 kHz.
    Low,
    /// 22.05 kHz.
    Medium,
    /// 22.05 kHz, largest.
    High,
}

impl Quality {
    /// The preset a Piper voice id ends with (`en_US-joe-medium` → medium), if any.
    pub fn from_voice_id(id: &str) -> Option<Quality> {
        match id.rsplit('-').next()? {
            "x_low" => Some(Quality::XLow),
            "low" => Some(Quality::Low),
            "medium" => Some(Quality::Medium),
            "high" => Some(Quality::High),
            _ => None,
        }
    }
}

/// One voice a catalog lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    /// The voice's id (its manifest's `voice_id`).
    pub id: String,
    /// Piper language code, e.g. `en_US`.
    pub language: String,
    /// Quality preset.
    pub quality: Quality,
    /// Number of speakers (1 for a single-speaker voice).
    pub num_speakers: usize,
    /// Speaker names in id order (empty when the voice names none).
    pub speakers: Vec<String>,
    /// Bytes to download: the sum of the voice's shard sizes.
    pub download_bytes: u64,
    /// The manifest's URL relative to the catalog (`dir/manifest.json`).
    pub manifest: String,
    /// The manifest's `sha256-<base64>` digest, used as the load's `manifestDigest` pin.
    pub manifest_digest: String,
}

/// A parsed, validated catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Always [`CATALOG_FORMAT_VERSION`].
    pub format_version: u32,
    /// The voices, in the order a picker shows them.
    pub voices: Vec<CatalogEntry>,
}

impl Catalog {
    /// Parses and validates catalog bytes.
    pub fn parse(bytes: &[u8]) -> Result<Catalog, CatalogError> {
        if bytes.len() > MAX_CATALOG_BYTES {
            return Err(CatalogError::TooLarge);
        }
        let c: Catalog = serde_json::from_slice(bytes).map_err(|e| CatalogError::Malformed {
            line: e.line(),
            column: e.column(),
        })?;
        c.validate()?;
        Ok(c)
    }

    /// Checks every rule a well-formed catalog obeys.
    pub fn validate(&self) -> Result<(), CatalogError> {
        if self.format_version != CATALOG_FORMAT_VERSION {
            return Err(CatalogError::UnsupportedVersion(self.format_version));
        }
        if self.voices.is_empty() || self.voices.len() > MAX_CATALOG_VOICES {
            return Err(CatalogError::VoiceCount);
        }
        let mut ids = std::collections::BTreeSet::new();
        for (index, v) in self.voices.iter().enumerate() {
            v.validate()
                .map_err(|field| CatalogError::InvalidField { index, field })?;
            if !ids.insert(&v.id) {
                return Err(CatalogError::DuplicateId(index));
            }
        }
        Ok(())
    }

    /// Serializes deterministically (2-space indent, final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

impl CatalogEntry {
    /// The entry for a converted voice: `manifest_bytes` as served (the digest pins these exact
    /// bytes), `manifest` its URL relative to the catalog, `quality` when the id does not end in
    /// a preset name. The manifest is parsed and validated first.
    pub fn for_manifest(
        manifest_bytes: &[u8],
        manifest: &str,
        quality: Option<Quality>,
    ) -> Result<CatalogEntry, EntryError> {
        let m = Manifest::parse(manifest_bytes)?;
        let bad = |field| CatalogError::InvalidField { index: 0, field };
        let quality = quality
            .or_else(|| Quality::from_voice_id(&m.voice_id))
            .ok_or(EntryError::NoQuality)?;
        let mut named: Vec<(usize, &String)> =
            m.speaker_id_map.iter().map(|(n, &i)| (i, n)).collect();
        named.sort();
        // Names only when every speaker has exactly one (else a picker falls back to indices).
        let speakers = if named.len() == m.num_speakers
            && named.iter().enumerate().all(|(k, (i, _))| k == *i)
            && m.num_speakers > 1
        {
            named.into_iter().map(|(_, n)| n.clone()).collect()
        } else {
            Vec::new()
        };
        let entry = CatalogEntry {
            id: m.voice_id.clone(),
            language: m.language.clone(),
            quality,
            num_speakers: m.num_speakers,
            speakers,
            download_bytes: m.shards.iter().map(|s| s.size).sum(),
            manifest: manifest.to_owned(),
            manifest_digest: Sha256Digest::of(manifest_bytes).to_sri(),
        };
        entry.validate().map_err(bad)?;
        Ok(entry)
    }

    /// The first field outside its rules, if any.
    fn validate(&self) -> Result<(), &'static str> {
        if !is_plain_name(&self.id) {
            return Err("id");
        }
        if !is_language_code(&self.language) {
            return Err("language");
        }
        if !limits::SPEAKERS.contains(&self.num_speakers) {
            return Err("num_speakers");
        }
        let mut names = std::collections::BTreeSet::new();
        if !(self.speakers.is_empty() || self.speakers.len() == self.num_speakers)
            || self.speakers.iter().any(|n| {
                !limits::SPEAKER_NAME_LEN.contains(&n.len())
                    || n.chars().any(char::is_control)
                    || !names.insert(n)
            })
        {
            return Err("speakers");
        }
        if self.download_bytes == 0 || self.download_bytes > MAX_VOICE_DOWNLOAD_BYTES {
            return Err("download_bytes");
        }
        if !is_relative_manifest_url(&self.manifest) {
            return Err("manifest");
        }
        if Sha256Digest::parse_sri(&self.manifest_digest).is_none() {
            return Err("manifest_digest");
        }
        Ok(())
    }
}

/// `a/b/manifest.json`: 1 to [`MAX_CATALOG_MANIFEST_DEPTH`] plain names joined by `/`, the last
/// ending in `.json` — no scheme, host, query, `..`, or leading `/`.
fn is_relative_manifest_url(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() <= MAX_CATALOG_MANIFEST_DEPTH
        && parts.iter().all(|p| is_plain_name(p))
        && s.ends_with(".json")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    fn entry(id: &str) -> serde_json::Value {
        serde_json::json!({
            "id": id, "language": "en_US", "quality": "medium", "num_speakers": 2,
            "speakers": ["p225", "p226"], "download_bytes": 1000,
            "manifest": format!("{id}/manifest.json"), "manifest_digest": DIGEST,
        })
    }

    fn catalog(voices: Vec<serde_json::Value>) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({ "format_version": 1, "voices": voices })).unwrap()
    }

    fn with(field: &str, value: serde_json::Value) -> Result<Catalog, CatalogError> {
        let mut e = entry("v-medium");
        e[field] = value;
        Catalog::parse(&catalog(vec![e]))
    }

    #[test]
    fn parses_and_round_trips() {
        let c = Catalog::parse(&catalog(vec![entry("a-medium"), entry("b-low")])).unwrap();
        assert_eq!(c.voices.len(), 2);
        assert_eq!(c.voices[1].quality, Quality::Medium);
        assert_eq!(Catalog::parse(c.to_json().as_bytes()).unwrap(), c);
    }

    #[test]
    fn refuses_oversize_and_counts() {
        let mut big = catalog(vec![entry("a")]);
        big.resize(MAX_CATALOG_BYTES + 1, b' ');
        assert_eq!(Catalog::parse(&big), Err(CatalogError::TooLarge));
        assert_eq!(
            Catalog::parse(&catalog(vec![])),
            Err(CatalogError::VoiceCount)
        );
        let many = (0..=MAX_CATALOG_VOICES)
            .map(|i| entry(&format!("v{i}")))
            .collect();
        assert_eq!(
            Catalog::parse(&catalog(many)),
            Err(CatalogError::VoiceCount)
        );
        assert_eq!(
            Catalog::parse(&catalog(vec![entry("a"), entry("a")])),
            Err(CatalogError::DuplicateId(1))
        );
        assert_eq!(
            with("download_bytes", (MAX_VOICE_DOWNLOAD_BYTES + 1).into()),
            Err(CatalogError::InvalidField {
                index: 0,
                field: "download_bytes"
            })
        );
    }

    #[test]
    fn refuses_unknown_fields_and_versions() {
        let mut e = entry("a");
        e["url"] = "https://evil.example/m.json".into();
        assert!(matches!(
            Catalog::parse(&catalog(vec![e])),
            Err(CatalogError::Malformed { .. })
        ));
        let top = br#"{"format_version":1,"voices":[],"extra":1}"#;
        assert!(matches!(
            Catalog::parse(top),
            Err(CatalogError::Malformed { .. })
        ));
        let v2 = br#"{"format_version":2,"voices":[]}"#;
        assert_eq!(Catalog::parse(v2), Err(CatalogError::UnsupportedVersion(2)));
        assert!(matches!(
            with("quality", "ultra".into()),
            Err(CatalogError::Malformed { .. })
        ));
    }

    #[test]
    fn refuses_bad_digests() {
        for bad in [
            "",
            "sha256-",
            "sha384-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert_eq!(
                with("manifest_digest", bad.into()),
                Err(CatalogError::InvalidField {
                    index: 0,
                    field: "manifest_digest"
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_non_plain_names_and_urls() {
        for (field, bad) in [
            ("id", "../x"),
            ("id", "a/b"),
            ("id", ""),
            ("id", ".hidden"),
            ("language", "english"),
            ("manifest", "https://evil.example/manifest.json"),
            ("manifest", "//evil.example/manifest.json"),
            ("manifest", "/abs/manifest.json"),
            ("manifest", "../up/manifest.json"),
            ("manifest", "a/./manifest.json"),
            ("manifest", "a/manifest.json?x=1"),
            ("manifest", "a/manifest.bin"),
            ("manifest", "a/b/c/d/e/manifest.json"),
            ("manifest", "a//manifest.json"),
        ] {
            assert_eq!(
                with(field, bad.into()),
                Err(CatalogError::InvalidField { index: 0, field }),
                "{field}={bad}"
            );
        }
        for bad in [
            serde_json::json!(["p225"]),
            serde_json::json!(["p225", "p225"]),
            serde_json::json!(["p225", "a\u{7}"]),
            serde_json::json!(["p225", ""]),
        ] {
            assert_eq!(
                with("speakers", bad),
                Err(CatalogError::InvalidField {
                    index: 0,
                    field: "speakers"
                })
            );
        }
        assert!(with("speakers", serde_json::json!([])).is_ok());
        assert_eq!(
            with("num_speakers", 0.into()),
            Err(CatalogError::InvalidField {
                index: 0,
                field: "num_speakers"
            })
        );
    }

    #[test]
    fn entry_for_a_manifest_pins_its_bytes() {
        let bytes = include_bytes!("../models/en_US-joe-medium/manifest.json");
        let e = CatalogEntry::for_manifest(bytes, "en_US-joe-medium/manifest.json", None).unwrap();
        let m = Manifest::parse(bytes).unwrap();
        assert_eq!(e.id, "en_US-joe-medium");
        assert_eq!(e.quality, Quality::Medium);
        assert_eq!((e.num_speakers, e.speakers.len()), (1, 0));
        assert_eq!(
            e.download_bytes,
            m.shards.iter().map(|s| s.size).sum::<u64>()
        );
        assert_eq!(e.manifest_digest, Sha256Digest::of(bytes).to_sri());
        let mut renamed = m.clone();
        renamed.voice_id = "joe".into();
        let renamed = renamed.to_json();
        assert_eq!(
            CatalogEntry::for_manifest(renamed.as_bytes(), "joe/manifest.json", None),
            Err(EntryError::NoQuality)
        );
        let low =
            CatalogEntry::for_manifest(renamed.as_bytes(), "joe/manifest.json", Some(Quality::Low));
        assert_eq!(low.unwrap().quality, Quality::Low);
        assert!(matches!(
            CatalogEntry::for_manifest(bytes, "../manifest.json", None),
            Err(EntryError::Catalog(CatalogError::InvalidField {
                field: "manifest",
                ..
            }))
        ));
        assert!(matches!(
            CatalogEntry::for_manifest(b"{}", "a/manifest.json", None),
            Err(EntryError::Manifest(_))
        ));
    }

    #[test]
    fn quality_from_voice_ids() {
        assert_eq!(
            Quality::from_voice_id("en_US-joe-medium"),
            Some(Quality::Medium)
        );
        assert_eq!(Quality::from_voice_id("en_US-x-x_low"), Some(Quality::XLow));
        assert_eq!(Quality::from_voice_id("tiny"), None);
    }
}
