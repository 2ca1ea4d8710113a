//! Device→host read-backs per sentence: the frame counts once, then each window's audio, and
//! nothing else (on WebGPU each read-back drains the queue; BENCHMARKS.md counts them per second
//! of speech). Counted on the CPU backend, where the code path is the same. Its own test binary:
//! the counter is process-wide, so no other test may read back meanwhile.

#[path = "support/tiny.rs"]
mod tiny;

use sotto::model::readbacks;

#[test]
fn a_sentence_reads_back_its_frame_counts_and_its_windows_audio_only() {
    let voice = tiny::load_tiny_voice();
    let mut opts = voice.default_options();
    opts.noise_scale = 0.0;
    opts.noise_w = 0.0;
    // Long enough for several windows (the tiny voice speaks a few frames per id).
    let ids: Vec<i64> = (0..120).map(|i| 1 + i % 14).collect();
    for length_scale in [1.0, 5.0] {
        opts.length_scale = length_scale;
        let p = pollster::block_on(voice.prepare(&ids, &opts)).unwrap();
        let windows = voice.steady_windows(&p).len();
        let before = readbacks();
        let audio = pollster::block_on(voice.synthesize_ids(&ids, &opts)).unwrap();
        let made = readbacks() - before;
        assert!(!audio.samples.is_empty());
        assert_eq!(
            made,
            1 + windows as u64,
            "{windows} windows: durations once + one per window"
        );
        if length_scale > 1.0 {
            assert!(windows > 2, "the slow sentence spans several windows");
        }
    }
}
