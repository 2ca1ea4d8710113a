//! The front-end's built-in data: the pronunciation lexicon (`data/lexicon.txt`) and the
//! letter-to-sound rules (`data/lts_rules.txt`).
//!
//! Native builds embed both (`include_str!`). The browser build does not: they are ~2.6 MB of
//! text (~0.9 MB of it gzipped), a third of what the wasm would otherwise weigh on the wire.
//! The browser package ships them as one asset, `pkg/sotto-text.bin.gz` (scripts/build-wasm.sh
//! writes it: the lexicon, a NUL byte, the rules, gzipped), which the worker fetches beside the
//! voice and hands to [`install`]. Like a voice shard, it is checked against a pinned SHA-256
//! ([`TEXT_DATA_SRI`]) before a byte of it is parsed; a test keeps the pin equal to the digest
//! of the embedded files, so the two builds always read the same data.

use super::TextError;
use std::sync::OnceLock;

/// SHA-256 (`sha256-<base64>`) of the text-data asset: `lexicon.txt`, one NUL byte, then
/// `lts_rules.txt`, uncompressed.
pub const TEXT_DATA_SRI: &str = "sha256-ECxOIqCa9ixv3z8p3HwRqR4Q9q9FyU8UWEG0v/RJyLE=";

/// Largest text-data asset accepted (uncompressed): the real one is ~2.6 MB.
pub const MAX_TEXT_DATA_BYTES: usize = 4 << 20;

/// The lexicon and the letter-to-sound rules, as text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextData {
    pub lexicon: &'static str,
    pub lts_rules: &'static str,
}

#[cfg(not(target_arch = "wasm32"))]
fn embedded() -> Option<TextData> {
    Some(TextData {
        lexicon: include_str!("data/lexicon.txt"),
        lts_rules: include_str!("data/lts_rules.txt"),
    })
}

#[cfg(target_arch = "wasm32")]
fn embedded() -> Option<TextData> {
    None
}

static INSTALLED: OnceLock<TextData> = OnceLock::new();

/// The built-in data, or `None` in a browser build before [`install`].
pub(crate) fn data() -> Option<TextData> {
    embedded().or_else(|| INSTALLED.get().copied())
}

/// Whether the built-in data is there (always, natively; in the browser once installed).
pub fn is_available() -> bool {
    data().is_some()
}

/// Refused unless the data is available: text cannot be phonemized without it.
pub(crate) fn require() -> Result<(), TextError> {
    if is_available() {
        Ok(())
    } else {
        Err(TextError::DataMissing)
    }
}

/// Checks the asset's size and SHA-256 (before anything else), then splits it into the
/// lexicon and the rules.
fn verify(bytes: &[u8]) -> Result<(&str, &str), TextError> {
    if bytes.len() > MAX_TEXT_DATA_BYTES {
        return Err(TextError::InvalidData("larger than the limit"));
    }
    let pinned = crate::weights::integrity::Sha256Digest::parse_sri(TEXT_DATA_SRI)
        .ok_or(TextError::InvalidData("bad pinned digest"))?;
    if crate::weights::integrity::Sha256Digest::of(bytes) != pinned {
        return Err(TextError::InvalidData("SHA-256 mismatch"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TextError::InvalidData("not UTF-8"))?;
    text.split_once('\0')
        .ok_or(TextError::InvalidData("no separator"))
}

/// Installs the text-data asset (see the module docs) after verifying it. Installing it again
/// is a no-op (the digest pins the content); natively the embedded copy is used either way.
pub fn install(bytes: &[u8]) -> Result<(), TextError> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let (lexicon, lts_rules) = verify(bytes)?;
    // Kept for the life of the program (the module instance), like the embedded copy.
    let lexicon: &'static str = Box::leak(lexicon.to_owned().into_boxed_str());
    let lts_rules: &'static str = Box::leak(lts_rules.to_owned().into_boxed_str());
    let _ = INSTALLED.set(TextData { lexicon, lts_rules });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset() -> Vec<u8> {
        let d = embedded().expect("native builds embed the data");
        let mut v = d.lexicon.as_bytes().to_vec();
        v.push(0);
        v.extend_from_slice(d.lts_rules.as_bytes());
        v
    }

    #[test]
    fn pinned_digest_is_the_embedded_data() {
        let bytes = asset();
        assert!(bytes.len() <= MAX_TEXT_DATA_BYTES);
        let (lexicon, rules) = verify(&bytes).expect("the embedded data verifies");
        let d = embedded().expect("embedded");
        assert_eq!((lexicon, rules), (d.lexicon, d.lts_rules));
    }

    #[test]
    fn tampered_or_oversized_data_is_refused_before_parsing() {
        let mut bytes = asset();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(
            verify(&bytes).unwrap_err(),
            TextError::InvalidData("SHA-256 mismatch")
        );
        assert_eq!(
            verify(&bytes[..10]).unwrap_err(),
            TextError::InvalidData("SHA-256 mismatch")
        );
        let big = vec![b'a'; MAX_TEXT_DATA_BYTES + 1];
        assert_eq!(
            verify(&big).unwrap_err(),
            TextError::InvalidData("larger than the limit")
        );
        assert!(install(&bytes).is_err());
        assert!(is_available(), "natively the embedded copy is always there");
    }
}
