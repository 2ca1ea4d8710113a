//! Fuzzing on stable Rust: property tests with shrinking (proptest) over generated and mutated
//! inputs, plus a fixed corpus of hostile cases, for the four parsers that read untrusted bytes:
//! the text front-end ([`text`]), the manifest ([`manifest`]), safetensors shards through the
//! verified loader ([`shards`]) and the ONNX reader of `sotto convert` ([`onnx`]).
//!
//! Properties everywhere: no panic; a refusal is a typed error whose message is short, has no
//! control characters and never repeats the input; bounded work (output size and peak
//! allocation bounded, measured with a counting allocator, [`alloc`]).
//!
//! Cases per target: `SOTTO_FUZZ_CASES` (a multiplier of each target's small default, which
//! CI runs), seed: `SOTTO_FUZZ_SEED` (default fixed, so CI is reproducible; give another to
//! explore). Each target prints how many cases it ran (`--nocapture`). `docs/fuzzing.md` has the
//! commands and the results of longer runs. A failing case is shrunk by proptest and saved in
//! `tests/proptest-regressions/<module>.txt`, which is replayed first on every later run.

mod alloc;
mod manifest;
mod mutate;
mod onnx;
mod shards;
mod text;
mod tiny;

#[global_allocator]
static COUNTING: alloc::Counting = alloc::Counting;

use proptest::test_runner::{Config, RngSeed};

/// The proptest configuration for a target whose CI default is `default_cases` cases.
pub fn config(default_cases: u32, source_file: &'static str) -> Config {
    let scale: u32 = std::env::var("SOTTO_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let seed = std::env::var("SOTTO_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5077_0011);
    Config {
        cases: default_cases.saturating_mul(scale.max(1)),
        rng_seed: RngSeed::Fixed(seed),
        // Shrinking a slow case may take long; a minute is plenty for these inputs.
        max_shrink_time: 60_000,
        source_file: Some(source_file),
        ..Config::default()
    }
}

/// Runs `test` on `cases` inputs of `strategy` (the count from [`config`]), panicking with the
/// shrunk input on the first failure, and prints the executed-case count.
pub fn fuzz<S: proptest::strategy::Strategy>(
    target: &str,
    config: Config,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) where
    S::Value: std::fmt::Debug,
{
    use proptest::test_runner::{TestCaseError, TestRunner};
    use std::sync::atomic::{AtomicU64, Ordering};
    let ran = AtomicU64::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |v| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(v).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("fuzz {target}: {e}");
    }
    eprintln!(
        "fuzz {target}: {} executions (cases and shrink steps), no failure",
        ran.load(Ordering::Relaxed)
    );
}

/// The largest value seen of a measurement (and the input size it was seen at), printed by
/// [`Largest::report`]: how close the runs came to the asserted bounds (docs/fuzzing.md).
pub struct Largest {
    what: &'static str,
    value: std::sync::Mutex<(usize, usize)>,
}

impl Largest {
    pub const fn new(what: &'static str) -> Self {
        Self {
            what,
            value: std::sync::Mutex::new((0, 0)),
        }
    }

    /// Records `value` measured on an input of `input_bytes`.
    pub fn record(&self, value: usize, input_bytes: usize) {
        let mut v = self.value.lock().unwrap_or_else(|e| e.into_inner());
        if value > v.0 {
            *v = (value, input_bytes);
        }
    }

    pub fn report(&self) {
        let (v, n) = *self.value.lock().unwrap_or_else(|e| e.into_inner());
        eprintln!("  largest {}: {v} (input of {n} B)", self.what);
    }
}

/// An error message fit to show and log: short, no control characters (terminal escapes), and
/// none of `secrets` (markers the generated input carried).
pub fn check_message(msg: &str, secrets: &[&str]) -> Result<(), String> {
    if msg.len() > 400 {
        return Err(format!("message of {} bytes", msg.len()));
    }
    if msg.chars().any(char::is_control) {
        return Err(format!("control character in message {msg:?}"));
    }
    for s in secrets {
        if !s.is_empty() && msg.contains(s) {
            return Err(format!("message {msg:?} repeats input {s:?}"));
        }
    }
    Ok(())
}
