//! The commands behind `sotto` (the grammar is [`args`]); each may return a [`Failure`] whose
//! message names what failed, never a path or a line of the user's text.

pub mod args;
pub mod bench;
pub mod lines;
pub mod speak;

use args::{CatalogArgs, CatalogQuality, ConvertArgs, KeygenArgs, ModelPart, ShardDtype};
use sotto::convert::{DtypePolicy, Part};
use sotto::signing::{ManifestSigner, ManifestTrust, SIGNATURE_FILE};
use sotto::weights::safetensors::Dtype;
use sotto::{Voice, backend};
use std::path::Path;

/// Why a command failed once its command line parsed (exit status 1): input, voice or output
/// refused or failed. Usage errors never get here: clap reports them (exit status 2).
#[derive(Debug)]
pub struct Failure(pub String);

/// A refusal carrying the error's own (path- and text-free) message.
pub fn refused(e: impl std::fmt::Display) -> Failure {
    Failure(e.to_string())
}

/// A UTF-8 file of at most `max` bytes, read no further than that (+1 to see it is larger).
pub fn read_file(path: &Path, max: u64, what: &str) -> Result<String, Failure> {
    let bytes = std::fs::File::open(path)
        .and_then(|f| sotto::limits::read_at_most(f, max))
        .map_err(|_| Failure(format!("cannot read {what}")))?
        .ok_or_else(|| Failure(format!("{what} is larger than {max} bytes")))?;
    String::from_utf8(bytes).map_err(|_| Failure(format!("cannot read {what} (UTF-8 expected)")))
}

/// Loads a voice on the CPU, its manifest first checked against `trust`.
pub fn load(dir: &Path, trust: &ManifestTrust) -> Result<Voice, Failure> {
    Voice::load_dir_verified(dir, &backend::cpu(), trust).map_err(refused)
}

/// `sotto convert`.
pub fn convert(a: ConvertArgs) -> Result<(), Failure> {
    // The key is read before converting: a bad key file fails fast, and nothing is written.
    let signer = match &a.sign {
        Some(f) => {
            let text = read_file(f, 4096, "--sign")?;
            Some(ManifestSigner::from_key_file(&text).map_err(refused)?)
        }
        None => None,
    };
    let dtype = match a.dtype {
        ShardDtype::F32 => Dtype::F32,
        ShardDtype::F16 => Dtype::F16,
    };
    let policy = DtypePolicy {
        default: dtype,
        keep_f32: a
            .keep_f32
            .iter()
            .map(|p| match p {
                ModelPart::EncP => Part::TextEncoder,
                ModelPart::Dp => Part::DurationPredictor,
                ModelPart::Flow => Part::Flow,
                ModelPart::Dec => Part::Vocoder,
            })
            .collect(),
    };
    let m = sotto::convert::convert_files(&a.onnx, &a.config, &a.out, policy).map_err(refused)?;
    let sig_path = a.out.join(SIGNATURE_FILE);
    match signer {
        Some(signer) => {
            // Sign the bytes as written (what every loader will hash).
            let bytes = read_file(
                &a.out.join("manifest.json"),
                sotto::limits::MAX_MANIFEST_BYTES as u64,
                "manifest.json",
            )?;
            std::fs::write(&sig_path, signer.sign(bytes.as_bytes()))
                .map_err(|_| Failure(format!("cannot write {SIGNATURE_FILE}")))?;
            println!(
                "signed manifest.json (public key {})",
                signer.public_key_base64()
            );
        }
        // A signature of an earlier conversion would no longer match: remove it.
        None => match std::fs::remove_file(&sig_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Failure(format!("cannot remove the stale {SIGNATURE_FILE}")));
            }
            _ => {}
        },
    }
    let total: u64 = m.shards.iter().map(|s| s.size).sum();
    println!(
        "converted {} into {} shards ({} bytes)",
        m.voice_id,
        m.shards.len(),
        total
    );
    Ok(())
}

/// `sotto catalog`: a catalog listing each voice directory as `<dir name>/manifest.json`.
pub fn catalog(a: CatalogArgs) -> Result<(), Failure> {
    use sotto::catalog::{CATALOG_FORMAT_VERSION, Catalog, CatalogEntry, Quality};
    let quality = a.quality.map(|q| match q {
        CatalogQuality::XLow => Quality::XLow,
        CatalogQuality::Low => Quality::Low,
        CatalogQuality::Medium => Quality::Medium,
        CatalogQuality::High => Quality::High,
    });
    let mut voices = Vec::with_capacity(a.voices.len());
    for dir in &a.voices {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| sotto::limits::is_plain_name(n))
            .ok_or_else(|| Failure("a voice directory's name is not a plain name".into()))?;
        let bytes = read_file(
            &dir.join("manifest.json"),
            sotto::limits::MAX_MANIFEST_BYTES as u64,
            "manifest.json",
        )?;
        let entry =
            CatalogEntry::for_manifest(bytes.as_bytes(), &format!("{name}/manifest.json"), quality)
                .map_err(refused)?;
        voices.push(entry);
    }
    let c = Catalog {
        format_version: CATALOG_FORMAT_VERSION,
        voices,
    };
    c.validate().map_err(refused)?;
    print!("{}", c.to_json());
    Ok(())
}

/// `sotto keygen`: a fresh key pair from the operating system's random source. The secret key
/// file is created (never overwritten; owner-only on Unix), the public key written beside it
/// as FILE.pub and printed.
pub fn keygen(a: KeygenArgs) -> Result<(), Failure> {
    use std::io::Write;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|_| Failure("no random source for the key".into()))?;
    let signer = ManifestSigner::from_seed(&seed);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(&a.out)
        .map_err(|_| Failure("cannot create the key file (does it exist already?)".into()))?;
    f.write_all(signer.to_key_file().as_bytes())
        .map_err(|_| Failure("cannot write the key file".into()))?;
    let mut pub_path = a.out.into_os_string();
    pub_path.push(".pub");
    let public = signer.public_key_base64();
    std::fs::write(&pub_path, format!("{public}\n"))
        .map_err(|_| Failure("cannot write the public key file".into()))?;
    println!("{public}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn endless_files_are_refused_after_their_bound() {
        let e = read_file(Path::new("/dev/zero"), 1000, "--lexicon").unwrap_err();
        assert_eq!(e.0, "--lexicon is larger than 1000 bytes");
        let e = read_file(Path::new("/nonexistent/x"), 1000, "--ids-file").unwrap_err();
        assert_eq!(e.0, "cannot read --ids-file");
    }
}
