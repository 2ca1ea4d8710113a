//! Signed manifests: who published a voice (Ed25519), and which exact manifest a page expects
//! (its SHA-256, pinned). Both are checked on the manifest's raw bytes, before it is parsed;
//! the manifest in turn pins every shard's SHA-256, so one signature covers the whole voice.
//!
//! Formats (all plain ASCII, base64 is RFC 4648 standard alphabet with padding):
//! - **signature** (`manifest.json.sig`, beside `manifest.json`): base64 of the 64-byte
//!   Ed25519 signature over the exact bytes of `manifest.json`; surrounding ASCII whitespace
//!   (a trailing newline) is ignored. Checked with `verify_strict` (no malleable signatures,
//!   no weak keys).
//! - **public key**: the 32-byte Ed25519 key as base64 (44 characters) or hex (64).
//! - **secret key file**: `sotto-ed25519-secret-key:` then base64 of the 32-byte seed, one line.
//! - **manifest digest**: Subresource-Integrity form `sha256-<base64 of SHA-256>` of the exact
//!   `manifest.json` bytes (`openssl dgst -sha256 -binary manifest.json | base64`).

use crate::limits::MAX_SIGNATURE_FILE_BYTES;
use crate::weights::integrity::Sha256Digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// The signature's file name, next to `manifest.json`.
pub const SIGNATURE_FILE: &str = "manifest.json.sig";
/// First thing on the line of a secret key file.
pub const SECRET_KEY_PREFIX: &str = "sotto-ed25519-secret-key:";

/// Why a manifest was refused by its signature or digest pin (or a key could not be read).
/// Messages never echo the key, the signature or the manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A public key was required but no signature came with the manifest.
    #[error(
        "the voice manifest is not signed (a public key was given, {SIGNATURE_FILE} is missing)"
    )]
    Missing,
    /// The signature is not base64 of 64 bytes.
    #[error("the manifest signature is malformed (base64 of 64 bytes expected)")]
    Malformed,
    /// The signature does not verify with the given key over these manifest bytes.
    #[error(
        "the manifest signature does not match the public key (tampered manifest or wrong key)"
    )]
    Invalid,
    /// The public key is not base64 or hex of 32 bytes, or not a valid Ed25519 point.
    #[error("the public key is malformed (32-byte Ed25519 key, base64 or hex)")]
    BadPublicKey,
    /// The secret key file is not in Sotto's format.
    #[error(
        "the secret key file is malformed (expected `{SECRET_KEY_PREFIX}<base64 of 32 bytes>`)"
    )]
    BadSecretKey,
    /// The digest pin is not `sha256-<base64 of 32 bytes>`.
    #[error("the manifest digest pin is malformed (sha256-<base64> expected)")]
    BadDigest,
    /// The manifest's SHA-256 differs from the pinned digest.
    #[error("the voice manifest does not match the pinned digest")]
    DigestMismatch,
}

/// What a manifest must satisfy before it is parsed: nothing ([`ManifestTrust::default`]), a
/// signature by `public_key`, a pinned digest, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestTrust {
    /// Requires a valid signature by this key.
    pub public_key: Option<VerifyingKey>,
    /// Requires the manifest bytes to hash to this digest.
    pub digest: Option<Sha256Digest>,
}

impl ManifestTrust {
    /// From the textual forms (each optional): a public key (base64 or hex) and a digest pin
    /// (`sha256-<base64>`).
    pub fn parse(public_key: Option<&str>, digest: Option<&str>) -> Result<Self, SignatureError> {
        Ok(Self {
            public_key: public_key.map(parse_public_key).transpose()?,
            digest: digest
                .map(|d| Sha256Digest::parse_sri(d.trim()).ok_or(SignatureError::BadDigest))
                .transpose()?,
        })
    }

    /// Whether a signature must be supplied.
    pub fn needs_signature(&self) -> bool {
        self.public_key.is_some()
    }

    /// Checks `manifest` (raw bytes) against the digest pin, then against the signature
    /// (`signature`: the signature file's bytes, `None` when there is none). Without a key the
    /// signature is not looked at.
    pub fn check(&self, manifest: &[u8], signature: Option<&[u8]>) -> Result<(), SignatureError> {
        if let Some(pin) = self.digest
            && Sha256Digest::of(manifest) != pin
        {
            return Err(SignatureError::DigestMismatch);
        }
        if let Some(key) = &self.public_key {
            let sig = parse_signature(signature.ok_or(SignatureError::Missing)?)?;
            key.verify_strict(manifest, &sig)
                .map_err(|_| SignatureError::Invalid)?;
        }
        Ok(())
    }
}

/// A public key: base64 (44 characters) or hex (64) of 32 bytes; surrounding whitespace ignored.
pub fn parse_public_key(s: &str) -> Result<VerifyingKey, SignatureError> {
    let s = s.trim();
    let bytes = if s.len() == 64 {
        decode_hex(s)
    } else {
        STANDARD.decode(s).ok()
    };
    let bytes: [u8; 32] = bytes
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::BadPublicKey)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| SignatureError::BadPublicKey)
}

/// A signature file's bytes → the signature.
fn parse_signature(bytes: &[u8]) -> Result<Signature, SignatureError> {
    if bytes.len() > MAX_SIGNATURE_FILE_BYTES {
        return Err(SignatureError::Malformed);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SignatureError::Malformed)?;
    let raw: [u8; 64] = STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::Malformed)?;
    Ok(Signature::from_bytes(&raw))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digits = s.as_bytes();
    digits
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(pair, 16).ok()
        })
        .collect()
}

/// An Ed25519 key pair for signing manifests.
pub struct ManifestSigner {
    key: SigningKey,
}

impl std::fmt::Debug for ManifestSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManifestSigner")
            .field("public_key", &self.public_key_base64())
            .finish_non_exhaustive()
    }
}

impl ManifestSigner {
    /// From a 32-byte secret seed (e.g. from the operating system's random source).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Reads a secret key file (`sotto-ed25519-secret-key:<base64>`, whitespace around ignored).
    pub fn from_key_file(text: &str) -> Result<Self, SignatureError> {
        let seed: [u8; 32] = text
            .trim()
            .strip_prefix(SECRET_KEY_PREFIX)
            .and_then(|b| STANDARD.decode(b.trim()).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or(SignatureError::BadSecretKey)?;
        Ok(Self::from_seed(&seed))
    }

    /// The secret key file's contents (one line, newline-terminated). Keep it private.
    pub fn to_key_file(&self) -> String {
        format!(
            "{SECRET_KEY_PREFIX}{}\n",
            STANDARD.encode(self.key.to_bytes())
        )
    }

    /// The public key as base64 (what `--public-key` and `Sotto.load({ publicKey })` take).
    pub fn public_key_base64(&self) -> String {
        STANDARD.encode(self.key.verifying_key().to_bytes())
    }

    /// The verifying half.
    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The signature file's contents for `manifest` (its exact bytes): base64 and a newline.
    pub fn sign(&self, manifest: &[u8]) -> String {
        format!("{}\n", STANDARD.encode(self.key.sign(manifest).to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &[u8] = br#"{"format_version":1,"voice_id":"x"}"#;

    fn signer(n: u8) -> ManifestSigner {
        ManifestSigner::from_seed(&[n; 32])
    }

    fn trust(s: &ManifestSigner) -> ManifestTrust {
        ManifestTrust {
            public_key: Some(s.public_key()),
            digest: None,
        }
    }

    #[test]
    fn a_good_signature_is_accepted() {
        let s = signer(7);
        let sig = s.sign(MANIFEST);
        assert_eq!(trust(&s).check(MANIFEST, Some(sig.as_bytes())), Ok(()));
        // The textual key forms, and a signature without its newline.
        let hex: String = s
            .public_key()
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for key in [s.public_key_base64(), hex] {
            let t = ManifestTrust::parse(Some(&key), None).unwrap();
            assert_eq!(t.check(MANIFEST, Some(sig.trim().as_bytes())), Ok(()));
        }
    }

    #[test]
    fn tampering_is_refused() {
        let s = signer(7);
        let sig = s.sign(MANIFEST);
        let t = trust(&s);
        // One manifest byte flipped.
        let mut m = MANIFEST.to_vec();
        m[10] ^= 1;
        assert_eq!(
            t.check(&m, Some(sig.as_bytes())),
            Err(SignatureError::Invalid)
        );
        // One signature byte flipped (still valid base64 of 64 bytes).
        let mut raw = STANDARD.decode(sig.trim()).unwrap();
        raw[5] ^= 0x10;
        let flipped = STANDARD.encode(&raw);
        assert_eq!(
            t.check(MANIFEST, Some(flipped.as_bytes())),
            Err(SignatureError::Invalid)
        );
        // Another key.
        assert_eq!(
            trust(&signer(8)).check(MANIFEST, Some(sig.as_bytes())),
            Err(SignatureError::Invalid)
        );
        // No signature, or garbage in its place.
        assert_eq!(t.check(MANIFEST, None), Err(SignatureError::Missing));
        let long = [b'A'; 1000];
        for junk in [&b""[..], &b"AAAA"[..], &b"\xff\xfe"[..], &long[..]] {
            assert_eq!(
                t.check(MANIFEST, Some(junk)),
                Err(SignatureError::Malformed)
            );
        }
    }

    #[test]
    fn the_digest_pin_is_checked() {
        let pin = Sha256Digest::of(MANIFEST).to_sri();
        let t = ManifestTrust::parse(None, Some(&pin)).unwrap();
        assert_eq!(t.check(MANIFEST, None), Ok(()));
        assert_eq!(t.check(b"{}", None), Err(SignatureError::DigestMismatch));
        let other = ManifestTrust::parse(None, Some(&Sha256Digest::of(b"{}").to_sri())).unwrap();
        assert_eq!(
            other.check(MANIFEST, None),
            Err(SignatureError::DigestMismatch)
        );
        for bad in ["sha384-abc", "abc", "sha256-"] {
            assert_eq!(
                ManifestTrust::parse(None, Some(bad)),
                Err(SignatureError::BadDigest)
            );
        }
        // Without a key, no signature is needed (nor read).
        assert_eq!(
            ManifestTrust::default().check(MANIFEST, Some(b"junk")),
            Ok(())
        );
    }

    #[test]
    fn keys_round_trip_and_bad_keys_are_typed() {
        let s = signer(3);
        let back = ManifestSigner::from_key_file(&s.to_key_file()).unwrap();
        assert_eq!(back.public_key(), s.public_key());
        assert!(!format!("{s:?}").contains(&STANDARD.encode([3u8; 32])));
        for bad in ["", "AAAA", "sotto-ed25519-secret-key:AAAA"] {
            assert_eq!(
                ManifestSigner::from_key_file(bad).unwrap_err(),
                SignatureError::BadSecretKey
            );
        }
        let (zz, short) = ("zz".repeat(32), STANDARD.encode([1u8; 31]));
        for bad in ["", "not a key", zz.as_str(), short.as_str()] {
            assert_eq!(parse_public_key(bad), Err(SignatureError::BadPublicKey));
        }
    }

    /// RFC 8032 section 7.1, test 2: the signature of one byte 0x72 by a fixed key.
    #[test]
    fn rfc8032_vector() {
        let seed = decode_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .unwrap();
        let s = ManifestSigner::from_seed(&seed);
        let key =
            parse_public_key("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
                .unwrap();
        assert_eq!(s.public_key(), key);
        let sig = decode_hex(concat!(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da",
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ))
        .unwrap();
        assert_eq!(s.sign(&[0x72]).trim(), STANDARD.encode(sig));
    }
}
