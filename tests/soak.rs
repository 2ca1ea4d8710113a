//! Native memory soak (issue 11): 300 consecutive syntheses of mixed short texts with one
//! loaded voice; the resident set after the run must be within 10% of the resident set after
//! the first 20 (a leak of one sentence's tensors per call would grow it by far more). Each
//! figure is the largest resident set seen after each of the 10 calls (one of each text) that
//! end at call 20 and at call 300, so both are taken at the same points of the same work and
//! the allocator's moment-to-moment variation does not decide the comparison.
//!
//! Needs the real voice (`voices/en_US-joe-medium`, fetched by `models/fetch-voice.sh`), so it
//! is ignored by a plain `cargo test`; `tests/run-all.sh` runs it after fetching the voice:
//! `cargo test --release --locked --test soak -- --ignored --nocapture`
//! (`SOTTO_SOAK_VOICE` names another voice directory). Linux only (reads `/proc/self/status`).

use sotto::text::{Lexicon, TextLimits};
use sotto::{Voice, backend};

const TEXTS: &[&str] = &[
    "Hello there.",
    "Dr. Chen paid $79.99 on Jan. 3rd.",
    "It's 4:30 p.m.; the train leaves at 5.",
    "Read the record, then record the read.",
    "One, two, three - go!",
    "Is it 1,024 or 2,048 bytes?",
    "The U.S. team won 3-2.",
    "Why?",
    "Call me at 7 o'clock.",
    "A quiet night.",
];

/// Resident set size of this process, in KiB (`VmRSS` of `/proc/self/status`).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[test]
#[ignore = "needs the real voice: run by tests/run-all.sh after models/fetch-voice.sh"]
fn rss_is_flat_over_300_syntheses() {
    let dir = std::env::var("SOTTO_SOAK_VOICE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/voices/en_US-joe-medium").to_string()
    });
    let voice = Voice::load_dir(std::path::Path::new(&dir), &backend::cpu()).expect("the voice");
    let (limits, lexicon) = (TextLimits::default(), Lexicon::builtin());
    let opts = voice.default_options();
    let (mut after_20, mut after_300, mut samples) = (0, 0, 0usize);
    let start = std::time::Instant::now();
    for i in 0..300 {
        let text = TEXTS[i % TEXTS.len()];
        let audio = pollster::block_on(voice.speak_text(text, &limits, lexicon, &opts))
            .unwrap_or_else(|e| panic!("synthesis {i}: {e}"));
        assert!(!audio.samples.is_empty());
        samples += audio.samples.len();
        drop(audio);
        match i + 1 {
            11..=20 => after_20 = after_20.max(rss_kib()),
            291..=300 => after_300 = after_300.max(rss_kib()),
            _ => {}
        }
        if (i + 1) % 50 == 0 {
            eprintln!("soak: {} syntheses, RSS {} KiB", i + 1, rss_kib());
        }
    }
    eprintln!(
        "soak: RSS after 20 syntheses {after_20} KiB, after 300 {after_300} KiB ({:+.1}%); \
         {:.0} s of audio in {:.1} s",
        (after_300 as f64 / after_20 as f64 - 1.0) * 100.0,
        samples as f64 / f64::from(voice.manifest().sample_rate),
        start.elapsed().as_secs_f64()
    );
    assert!(
        after_300 * 10 <= after_20 * 11,
        "RSS grew from {after_20} KiB to {after_300} KiB"
    );
}
