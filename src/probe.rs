//! Trust no GPU blindly: the load-time probe behind `backend: 'auto'`, and per-stage timings
//! for the benchmark page.
//!
//! WebGPU drivers differ, and the fault most reported of browser TTS on WebGPU is garbled audio
//! on some GPUs. So before 'auto' keeps a WebGPU voice, [`probe`] speaks one short fixed sentence
//! ([`PROBE_PHONEMES`], noise 0: deterministic) on the WebGPU voice and on the same weights on
//! the CPU, and [`compare`] accepts WebGPU only when both give the same number of samples (the
//! same frame counts) and agree to [`MIN_SNR_DB`].

use crate::{Result, SynthesisOptions, Voice};

/// The probe sentence, Piper phoneme text (ids through the voice's own map, so any voice takes
/// it): short, so the probe costs little, with voiced, unvoiced and silent stretches.
pub const PROBE_PHONEMES: &str = "həlˈoʊ.";

/// The least agreement, in dB of SNR against the CPU's output, that counts as the same audio.
///
/// Two correct f32 backends differ only by the order of their sums: on SwiftShader the probe
/// measured 88 dB (BENCHMARKS.md), and the browser test of the full sentence asks for 30 dB. A
/// broken kernel (a wrong index, a race, a precision loss to f16) gives noise-like errors of the
/// signal's size, below 10 dB. 30 dB (errors at 3% of the signal's amplitude) is far from both.
pub const MIN_SNR_DB: f64 = 30.0;

/// The options the probe speaks with: the voice's defaults without noise (deterministic).
pub fn options(voice: &Voice) -> SynthesisOptions {
    SynthesisOptions {
        noise_scale: 0.0,
        noise_w: 0.0,
        ..voice.default_options()
    }
}

/// The probe sentence's audio on `voice`'s device.
pub async fn probe(voice: &Voice) -> Result<Vec<f32>> {
    let ids = voice.phoneme_ids(PROBE_PHONEMES)?.ids;
    Ok(voice.synthesize_ids(&ids, &options(voice)).await?.samples)
}

/// What the probe concluded.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// WebGPU may be used.
    pub agree: bool,
    /// SNR of the WebGPU audio against the CPU's (dB; `None` when the lengths differ).
    pub snr_db: Option<f64>,
    /// Why, in words (shown to the page as `backendReason`).
    pub reason: String,
}

/// `10 · log10(Σ ref² / Σ (ref − x)²)`; infinite when equal.
pub fn snr_db(reference: &[f32], x: &[f32]) -> f64 {
    let signal: f64 = reference.iter().map(|&r| f64::from(r).powi(2)).sum();
    let noise: f64 = reference
        .iter()
        .zip(x)
        .map(|(&r, &y)| (f64::from(r) - f64::from(y)).powi(2))
        .sum();
    if noise == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (signal / noise).log10()
}

/// Compares the probe's WebGPU audio with its CPU audio.
pub fn compare(cpu: &[f32], gpu: &[f32]) -> Verdict {
    if cpu.len() != gpu.len() || cpu.is_empty() {
        return Verdict {
            agree: false,
            snr_db: None,
            reason: format!(
                "WebGPU probe disagreed with the CPU: {} samples instead of {} (different durations)",
                gpu.len(),
                cpu.len()
            ),
        };
    }
    let snr = snr_db(cpu, gpu);
    // NaN (a non-finite sample) fails the comparison too.
    let agree = snr >= MIN_SNR_DB;
    let reason = if agree {
        format!("WebGPU probe agreed with the CPU ({snr:.1} dB SNR >= {MIN_SNR_DB} dB)")
    } else {
        format!("WebGPU probe disagreed with the CPU ({snr:.1} dB SNR < {MIN_SNR_DB} dB)")
    };
    Verdict {
        agree,
        snr_db: Some(snr),
        reason,
    }
}

/// Per-stage times of one sentence (milliseconds, from the caller's clock).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageTimes {
    /// Phoneme text → ids.
    pub front_end_ms: f64,
    /// Text encoder, duration predictor (ends with the frame counts' read-back) and the prior.
    pub prepare_ms: f64,
    /// Per window: frames, flow time (ended by a one-value read-back, so the device's queue
    /// is drained), vocoder time (ended by the audio's read-back).
    pub windows: Vec<WindowTimes>,
    /// Samples produced.
    pub samples: usize,
}

/// One window's times.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WindowTimes {
    /// Frames in the window.
    pub frames: usize,
    /// Flow, ms.
    pub flow_ms: f64,
    /// Vocoder, ms.
    pub vocoder_ms: f64,
}

/// Times each stage of speaking `phonemes` (one sentence) with `opts`; `now` is a
/// millisecond clock (`performance.now()` in the browser).
pub async fn time_stages(
    voice: &Voice,
    phonemes: &str,
    opts: &SynthesisOptions,
    now: &dyn Fn() -> f64,
) -> Result<StageTimes> {
    let t0 = now();
    let ids = voice.phoneme_ids(phonemes)?.ids;
    let t1 = now();
    let p = voice.prepare(&ids, opts).await?;
    let t2 = now();
    let mut out = StageTimes {
        front_end_ms: t1 - t0,
        prepare_ms: t2 - t1,
        windows: vec![],
        samples: 0,
    };
    for w in voice.windows(&p) {
        let a = now();
        let (z, s) = voice.flow_window(&p, &w);
        // Drain the queue: read one value of the latent back (profiling only).
        crate::model::to_host::<1>(z.clone().narrow(2, 0, 1).reshape([-1]).narrow(0, 0, 1)).await?;
        let b = now();
        let samples = voice.vocode_flow_window(&p, &w, z, &s).await?;
        let c = now();
        out.samples += samples.len();
        out.windows.push(WindowTimes {
            frames: w.len(),
            flow_ms: b - a,
            vocoder_ms: c - b,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * 0.05).sin() * 0.5).collect()
    }

    #[test]
    fn rounding_level_differences_agree() {
        let a = tone(4000);
        let b: Vec<f32> = a.iter().map(|v| v * (1.0 + 1e-5)).collect();
        let v = compare(&a, &b);
        assert!(v.agree, "{}", v.reason);
        assert!(v.snr_db.unwrap() > 90.0);
        assert!(compare(&a, &a).agree);
    }

    #[test]
    fn garbled_audio_or_other_durations_disagree() {
        let a = tone(4000);
        // A kernel that reads the wrong index: the signal shifted by a few samples.
        let shifted: Vec<f32> = (0..a.len()).map(|i| a[(i + 7) % a.len()]).collect();
        let v = compare(&a, &shifted);
        assert!(!v.agree, "{}", v.reason);
        // Noise at 10% of the amplitude: 20 dB.
        let noisy: Vec<f32> = a
            .iter()
            .enumerate()
            .map(|(i, v)| v + if i % 2 == 0 { 0.035 } else { -0.035 })
            .collect();
        assert!(!compare(&a, &noisy).agree);
        let nan: Vec<f32> = a.iter().map(|_| f32::NAN).collect();
        assert!(!compare(&a, &nan).agree);
        let v = compare(&a, &a[..3744]);
        assert!(!v.agree && v.snr_db.is_none(), "{}", v.reason);
        assert!(!compare(&[], &[]).agree);
    }
}
