//! The tiny random-weight voice of `tests/support/tiny.rs` (the architecture and package path of
//! `tests/tiny_voice.rs`), built once per dtype: the valid seed that the manifest and shard
//! fuzzers mutate.

#[path = "../support/tiny.rs"]
mod support;

use sotto::convert::Converted;
use sotto::weights::safetensors::Dtype;
use std::sync::OnceLock;

/// The tiny voice with shards of `dtype`, built on first use.
pub fn voice(dtype: Dtype) -> &'static Converted {
    static F32: OnceLock<Converted> = OnceLock::new();
    static F16: OnceLock<Converted> = OnceLock::new();
    match dtype {
        Dtype::F32 => F32.get_or_init(|| support::tiny_voice(Dtype::F32)),
        Dtype::F16 => F16.get_or_init(|| support::tiny_voice(Dtype::F16)),
    }
}
