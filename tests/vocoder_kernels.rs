//! The vocoder's CPU kernels (`sotto::model::kernels`) against burn's ops (the reference path,
//! `Voice::set_cpu_kernels(false)`): the whole voice's output, same length and ≥ 60 dB SNR,
//! on the tiny random voice (noise off and on) and on the real voice. Per-layer checks
//! (≥ 80 dB against burn's `conv1d`, every instruction set) are the crate's unit tests.

#[path = "support/tiny.rs"]
mod tiny;

use sotto::{SynthesisOptions, Voice};

/// `10 · log10(Σ ref² / Σ (ref − x)²)` in dB (∞ when equal).
fn snr_db(reference: &[f32], x: &[f32]) -> f64 {
    let signal: f64 = reference.iter().map(|&r| f64::from(r).powi(2)).sum();
    let noise: f64 = reference
        .iter()
        .zip(x)
        .map(|(&r, &y)| (f64::from(r) - f64::from(y)).powi(2))
        .sum();
    10.0 * (signal / noise).log10()
}

/// `ids` spoken with the kernels and with burn's ops: (kernels, reference).
fn both(voice: &mut Voice, ids: &[i64], opts: &SynthesisOptions) -> (Vec<f32>, Vec<f32>) {
    voice.set_cpu_kernels(true);
    let fast = pollster::block_on(voice.synthesize_ids(ids, opts))
        .unwrap()
        .samples;
    voice.set_cpu_kernels(false);
    let reference = pollster::block_on(voice.synthesize_ids(ids, opts))
        .unwrap()
        .samples;
    voice.set_cpu_kernels(true);
    (fast, reference)
}

#[test]
fn tiny_voice_kernels_match_burn() {
    let mut voice = tiny::load_tiny_voice();
    let mut ids = vec![1];
    for i in 0..30 {
        ids.extend([0, 3 + (i * 7 % 4)]);
    }
    ids.extend([0, 2]);
    for noise in [0.0, 0.667] {
        let opts = SynthesisOptions {
            noise_scale: noise,
            noise_w: noise,
            ..voice.default_options()
        };
        let (fast, reference) = both(&mut voice, &ids, &opts);
        assert_eq!(fast.len(), reference.len());
        assert!(!reference.is_empty() && reference.iter().any(|&s| s != 0.0));
        let snr = snr_db(&reference, &fast);
        assert!(snr >= 60.0, "noise {noise}: {snr:.1} dB");
    }
}

/// The real voice: `SOTTO_VOICE_DIR`, or `voices/en_US-joe-medium`.
#[test]
#[ignore = "needs the real voice: tests/run-all.sh runs it with --ignored"]
fn real_voice_kernels_match_burn() {
    let dir = std::env::var_os("SOTTO_VOICE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "voices/en_US-joe-medium".into());
    assert!(
        dir.join("manifest.json").is_file(),
        "the real voice is missing: set SOTTO_VOICE_DIR or run models/fetch-voice.sh"
    );
    let mut voice = Voice::load_dir(&dir, &sotto::backend::cpu()).unwrap();
    let opts = SynthesisOptions {
        noise_scale: 0.0,
        noise_w: 0.0,
        ..voice.default_options()
    };
    let phonemes = "ðə nˈɔːɹθ wˈɪnd ænd ðə sˈʌn wɜː dɪspjˈuːtɪŋ wˈɪtʃ wʌz ðə stɹˈɑːŋɡɚ.";
    let ids = voice.phoneme_ids(phonemes).unwrap().ids;
    let (fast, reference) = both(&mut voice, &ids, &opts);
    assert_eq!(fast.len(), reference.len());
    let snr = snr_db(&reference, &fast);
    eprintln!("real voice: {snr:.1} dB");
    assert!(snr >= 60.0, "{snr:.1} dB");
}
