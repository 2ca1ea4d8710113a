//! Subresource-Integrity style digests (`sha256-<base64>`), as the manifest records them and as
//! browsers understand them (`fetch(url, { integrity })`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sha256Digest(pub [u8; 32]);

impl Sha256Digest {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Parses `sha256-<base64 of 32 bytes>`; `None` for any other form.
    pub fn parse_sri(s: &str) -> Option<Self> {
        let b64 = s.strip_prefix("sha256-")?;
        if b64.len() != 44 {
            return None;
        }
        let bytes = STANDARD.decode(b64).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// Formats as `sha256-<base64>`.
    pub fn to_sri(&self) -> String {
        format!("sha256-{}", STANDARD.encode(self.0))
    }

    /// Lower-case hex, as `sha256sum` prints it.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A SHA-256 computed over bytes that arrive in pieces (a shard as it downloads), so that
/// verifying it costs nothing once the last piece is in. Counts the bytes it has seen.
#[derive(Debug, Clone, Default)]
pub struct IncrementalSha256 {
    hasher: Sha256,
    len: u64,
}

impl IncrementalSha256 {
    /// An empty hash.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hashes the next piece.
    pub fn update(&mut self, piece: &[u8]) {
        self.hasher.update(piece);
        self.len = self.len.saturating_add(piece.len() as u64);
    }

    /// How many bytes were hashed.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was hashed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest of everything hashed.
    pub fn finish(self) -> Sha256Digest {
        Sha256Digest(self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_round_trip_and_known_value() {
        let d = Sha256Digest::of(b"abc");
        assert_eq!(
            d.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            d.to_sri(),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(Sha256Digest::parse_sri(&d.to_sri()), Some(d));
    }

    #[test]
    fn incremental_equals_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut h = IncrementalSha256::new();
        assert!(h.is_empty());
        for piece in data.chunks(333) {
            h.update(piece);
        }
        assert_eq!(h.len(), data.len() as u64);
        assert_eq!(h.finish(), Sha256Digest::of(&data));
    }

    #[test]
    fn sri_rejects_other_forms() {
        assert_eq!(Sha256Digest::parse_sri("sha384-abc"), None);
        assert_eq!(Sha256Digest::parse_sri("sha256-"), None);
        assert_eq!(
            Sha256Digest::parse_sri("sha256-!!!!ngWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF"),
            None
        );
    }
}
