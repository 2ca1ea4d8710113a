//! The commands behind `sotto` (the grammar is [`args`]); each may return a [`Failure`] whose
//! message names what failed, never a path or a line of the user's text.

pub mod args;
pub mod bench;
pub mod lines;
pub mod speak;

use args::{ConvertArgs, ShardDtype};
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

/// Loads a voice on the CPU.
pub fn load(dir: &Path) -> Result<Voice, Failure> {
    Voice::load_dir(dir, &backend::cpu()).map_err(refused)
}

/// `sotto convert`.
pub fn convert(a: ConvertArgs) -> Result<(), Failure> {
    let dtype = match a.dtype {
        ShardDtype::F32 => Dtype::F32,
        ShardDtype::F16 => Dtype::F16,
    };
    let m = sotto::convert::convert_files(&a.onnx, &a.config, &a.out, dtype).map_err(refused)?;
    let total: u64 = m.shards.iter().map(|s| s.size).sum();
    println!(
        "converted {} into {} shards ({} bytes)",
        m.voice_id,
        m.shards.len(),
        total
    );
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
