//! Windowed synthesis: the flow and the vocoder run over windows of latent frames with halos at
//! least as wide as their receptive fields, so each window's trimmed output equals the matching
//! slice of whole-sentence synthesis (up to float rounding) while memory is set by the window.
//!
//! Both stages are stacks of 1-D convolutions (plus pointwise ops, a channel flip and channel
//! splits, all local in time): an output at time `x` depends only on inputs within a radius `r`
//! of `x`, and stacked layers add their radii. A window computed from the inputs
//! `[a − h, b + h)` differs from whole-sentence synthesis only within `r` of a cut edge (where a
//! convolution reads its zero padding instead of the real neighbours), so `h ≥ r` makes
//! `[a, b)` exact. Where the window reaches the sentence's real edge it is clipped there, not
//! padded: both computations then see the same zero padding.

use super::config::VitsConfig;
use std::ops::Range;

/// Halos, in latent frames, added on each side of a window before each stage runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Halo {
    /// Frames of context the flow needs ([`flow_receptive_field`]).
    pub flow: usize,
    /// Frames of context the vocoder needs ([`vocoder_receptive_field`]).
    pub vocoder: usize,
}

impl Halo {
    /// The receptive fields of `c`'s flow and vocoder: the smallest halos that are exact.
    pub fn of(c: &VitsConfig) -> Self {
        Self {
            flow: flow_receptive_field(c),
            vocoder: vocoder_receptive_field(c),
        }
    }
}

/// One-sided receptive field of the flow (reverse), in latent frames.
///
/// Each of the `flow_n_flows` coupling layers runs a WaveNet of `flow_n_layers` "same" convolutions
/// with kernel `k = flow_kernel_size` and dilation `d^i` (`d = flow_dilation_rate`), between 1×1
/// convolutions; its `Flip` reverses channels, not time. So
///
/// `r_flow = n_flows · Σ_{i<n_layers} (k − 1) / 2 · d^i`
///
/// en_US-joe-medium (`k = 5`, `d = 1`, 4 layers, 4 flows): `4 · 4 · 2 = 32` frames.
pub fn flow_receptive_field(c: &VitsConfig) -> usize {
    let per_layer: usize = (0..c.flow_n_layers)
        .map(|i| (c.flow_kernel_size.saturating_sub(1) / 2) * c.flow_dilation_rate.pow(i as u32))
        .sum();
    c.flow_n_flows * per_layer
}

/// Receptive field of the HiFi-GAN vocoder, in latent frames: the larger of its left and right
/// reach.
///
/// Reach is counted in output samples (a value at rate `s` samples per frame, index `j`, sits at
/// `j · hop / s`; frame `i` at `i · hop`), exactly, layer by layer, and summed:
/// - `conv_pre`, kernel 7 at the frame rate: `3 · hop` each side;
/// - upsampling level `l` (stride `u`, kernel `k`, padding `p = (k − u) / 2`, output rate
///   `s_l = u_1 ⋯ u_l`): the transposed convolution's output `j` reads inputs `i` with
///   `i · u ∈ [j + p − k + 1, j + p]`, so `(k − 1 − p) · hop / s_l` to the left and
///   `p · hop / s_l` to the right; the level's residual blocks run in parallel (their outputs are
///   averaged), so it adds its widest block, `R = max_b Σ_{d ∈ dilations_b} (k_b − 1) / 2 · d`
///   samples (type "2"; type "1" adds a dilation-1 conv per step, `+ (k_b − 1) / 2`), times
///   `hop / s_l`, each side;
/// - `conv_post`, kernel 7 at the output rate: 3 each side.
///
/// The samples of frames `[a, b)` (`[a · hop, b · hop)`) then read frames
/// `[a − ⌊left / hop⌋, b + ⌈right / hop⌉)`, and the halo is the larger of those two.
///
/// en_US-joe-medium (rates [8, 8, 4], kernels [16, 16, 8], resblock "2" with kernels [3, 5, 7],
/// dilations [[1, 2], [2, 6], [3, 12]], so `R = 3 · 15 = 45`):
/// left `= 768 + (11 + 45) · 32 + (11 + 45) · 4 + (5 + 45) + 3 = 2,837` samples → 11 frames,
/// right `= 768 + (4 + 45) · 32 + (4 + 45) · 4 + (2 + 45) + 3 = 2,582` → 11 frames: 11.
pub fn vocoder_receptive_field(c: &VitsConfig) -> usize {
    let step_extra = usize::from(c.resblock == "1");
    let widest_block: usize = c
        .resblock_kernel_sizes
        .iter()
        .zip(&c.resblock_dilation_sizes)
        .map(|(&k, ds)| {
            let r = k.saturating_sub(1) / 2;
            ds.iter().map(|&d| r * d + r * step_extra).sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    let hop = c.hop_length().max(1);
    let conv_k7 = 3; // (7 − 1) / 2: conv_pre (at the frame rate) and conv_post (at the output rate)
    let (mut left, mut right) = (conv_k7 * hop + conv_k7, conv_k7 * hop + conv_k7);
    let mut rate = 1usize;
    for (&u, &k) in c.upsample_rates.iter().zip(&c.upsample_kernel_sizes) {
        rate *= u.max(1);
        let scale = hop / rate; // every rate divides hop
        let p = k.saturating_sub(u) / 2;
        left += (k.saturating_sub(1 + p) + widest_block) * scale;
        right += (p + widest_block) * scale;
    }
    (left / hop).max(right.div_ceil(hop))
}

/// Consecutive frame ranges covering `0..frames`: a first window of `first` frames (early first
/// audio), then windows doubling in size up to `size` frames (`16, 32, 64, 128, 128, …`: each
/// window is computed while the audio before it plays, and a window twice as long as the one
/// before stays ahead of playback where one jump to `size` would not); the last may be shorter.
/// At least one range (a sentence has at least one frame).
pub fn plan(frames: usize, first: usize, size: usize) -> Vec<Range<usize>> {
    let (first, size) = (first.max(1), size.max(1));
    let mut out = Vec::with_capacity(frames.saturating_sub(first).div_ceil(size) + 4);
    let mut a = 0;
    let mut next = first;
    while a < frames {
        let b = (a + next).min(frames);
        out.push(a..b);
        a = b;
        next = next.saturating_mul(2).min(size);
    }
    if out.is_empty() {
        out.push(0..frames);
    }
    out
}

/// The frame spans one window needs: `flow` (the frames the flow runs over), `vocoder` (the frames
/// the vocoder runs over, inside `flow`), both clipped to `0..frames`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spans {
    /// Frames fed to the flow.
    pub flow: Range<usize>,
    /// Frames fed to the vocoder (a sub-range of `flow`).
    pub vocoder: Range<usize>,
}

/// The spans window `w` (inside `0..frames`) needs with halos `halo`.
pub fn spans(w: &Range<usize>, frames: usize, halo: Halo) -> Spans {
    let grow = |r: &Range<usize>, h: usize| r.start.saturating_sub(h)..(r.end + h).min(frames);
    let vocoder = grow(w, halo.vocoder);
    let flow = grow(&vocoder, halo.flow);
    Spans { flow, vocoder }
}

#[cfg(test)]
mod tests {
    use super::super::{AcousticModel, Prepared, Vocoder};
    use super::*;
    use burn::tensor::{Distribution, Tensor};

    #[test]
    fn joe_medium_halos() {
        assert_eq!(
            Halo::of(&crate::model::config::joe_medium()),
            Halo {
                flow: 32,
                vocoder: 11
            }
        );
    }

    #[test]
    fn resblock_1_and_dilated_flows_reach_further() {
        let c = VitsConfig {
            resblock: "1".into(),
            resblock_dilation_sizes: vec![vec![1, 3, 5]; 3],
            flow_dilation_rate: 2,
            ..crate::model::config::joe_medium()
        };
        // Flow: 4 · 2 · (1 + 2 + 4 + 8) = 120. Vocoder: R = 3 · (1 + 3 + 5) + 3 · 3 = 36;
        // left 768 + 47 · 32 + 47 · 4 + 41 + 3 = 2,504 → 9, right 768 + 40 · 32 + 40 · 4 + 38 + 3
        // = 2,249 → 9.
        assert_eq!(
            Halo::of(&c),
            Halo {
                flow: 120,
                vocoder: 9
            }
        );
    }

    #[test]
    fn plans_cover_the_sentence_in_order() {
        assert_eq!(plan(1, 4, 10), vec![0..1]);
        assert_eq!(plan(3, 4, 10), vec![0..3]);
        assert_eq!(plan(25, 4, 10), vec![0..4, 4..12, 12..22, 22..25]);
        assert_eq!(plan(100, 16, 32), vec![0..16, 16..48, 48..80, 80..100]);
        assert_eq!(plan(30, 20, 10), vec![0..20, 20..30]);
        assert_eq!(plan(0, 4, 10), vec![0..0]);
        assert_eq!(plan(5, 0, 0), vec![0..1, 1..2, 2..3, 3..4, 4..5]);
    }

    #[test]
    fn spans_are_clipped_not_padded() {
        let h = Halo {
            flow: 3,
            vocoder: 2,
        };
        assert_eq!(
            spans(&(10..12), 100, h),
            Spans {
                flow: 5..17,
                vocoder: 8..14
            }
        );
        assert_eq!(
            spans(&(0..1), 4, h),
            Spans {
                flow: 0..4,
                vocoder: 0..3
            }
        );
    }

    /// `10 · log10(Σ ref² / Σ (ref − x)²)`.
    fn snr_db(reference: &[f32], x: &[f32]) -> f64 {
        let signal: f64 = reference.iter().map(|&r| f64::from(r).powi(2)).sum();
        let noise: f64 = reference
            .iter()
            .zip(x)
            .map(|(&r, &y)| (f64::from(r) - f64::from(y)).powi(2))
            .sum();
        10.0 * (signal / noise).log10()
    }

    fn host(t: Tensor<3>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    /// A small flow (kernel 5, 3 layers, 3 couplings: halo 18) and vocoder (joe's shape, narrow).
    fn small() -> VitsConfig {
        VitsConfig {
            hidden_channels: 16,
            inter_channels: 16,
            flow_n_flows: 3,
            flow_n_layers: 3,
            upsample_initial_channel: 32,
            ..crate::model::config::joe_medium()
        }
    }

    /// The latent of windows of `size` frames, each from its flow span with `halo`, concatenated
    /// along time, against the whole sentence's: SNR in dB.
    fn flow_snr(size: usize, halo: usize) -> f64 {
        let (c, device) = (small(), crate::backend::cpu());
        device.seed(11);
        let m = AcousticModel::init(&c, &device);
        let frames = 90;
        let p = Prepared {
            durations: vec![frames],
            frames,
            z_p: Tensor::random(
                [1, c.inter_channels, frames],
                Distribution::Default,
                &device,
            ),
            g: None,
        };
        let whole = m.reverse_flow(&p, 0..frames);
        let h = Halo {
            flow: halo,
            vocoder: 0,
        };
        let parts: Vec<Tensor<3>> = plan(frames, size, size)
            .iter()
            .map(|w| {
                let s = spans(w, frames, h);
                m.reverse_flow(&p, s.flow.clone())
                    .narrow(2, w.start - s.flow.start, w.len())
            })
            .collect();
        // Both as [time, channel] rows so the comparison lines up frame by frame.
        let windowed = Tensor::cat(parts, 2).swap_dims(1, 2);
        snr_db(&host(whole.swap_dims(1, 2)), &host(windowed))
    }

    /// One test, so no other test draws from the seeded generator in between.
    #[test]
    fn halos_are_exact_and_tight() {
        the_flow_halo_is_exact_and_tight();
        the_vocoder_halo_is_exact_and_tight();
    }

    fn the_flow_halo_is_exact_and_tight() {
        let h = flow_receptive_field(&small());
        assert_eq!(h, 18);
        for size in [1, 7, 40] {
            let snr = flow_snr(size, h);
            // On one backend the windowed latent is the whole one, bit for bit.
            assert!(snr == f64::INFINITY, "window {size}: {snr:.1} dB");
        }
        // Tight: one frame less already changes the latent (measured 164 dB: the farthest frame
        // reaches through the outermost tap of every layer); far less breaks it (random init,
        // seeded: halo 1 measured 31 dB).
        let one_less = flow_snr(7, h - 1);
        assert!(one_less.is_finite(), "halo {} is as exact as {h}", h - 1);
        let snr = flow_snr(7, 1);
        assert!(snr < 60.0, "halo 1: {snr:.1} dB");
    }

    /// As [`flow_snr`], for the vocoder over a random latent.
    fn vocoder_snr(size: usize, halo: usize) -> f64 {
        let (c, device) = (small(), crate::backend::cpu());
        device.seed(12);
        let v = Vocoder::init(&c, &device);
        let (frames, hop) = (40, c.hop_length());
        let z = Tensor::<3>::random(
            [1, c.inter_channels, frames],
            Distribution::Default,
            &device,
        );
        let whole = host(v.forward(z.clone(), None));
        let h = Halo {
            flow: 0,
            vocoder: halo,
        };
        let mut windowed = Vec::new();
        for w in plan(frames, size, size) {
            let s = spans(&w, frames, h);
            let wav = v
                .forward(z.clone().narrow(2, s.vocoder.start, s.vocoder.len()), None)
                .narrow(2, (w.start - s.vocoder.start) * hop, w.len() * hop);
            windowed.extend(host(wav));
        }
        assert_eq!(windowed.len(), whole.len());
        snr_db(&whole, &windowed)
    }

    fn the_vocoder_halo_is_exact_and_tight() {
        let h = vocoder_receptive_field(&small());
        assert_eq!(h, 11);
        for size in [1, 9] {
            let snr = vocoder_snr(size, h);
            assert!(snr == f64::INFINITY, "window {size}: {snr:.1} dB");
        }
        // Tight: one frame less changes the audio (measured 163 dB), far less breaks it (the
        // weights are burn's unseeded random init: halo 2 measured 37–40 dB).
        let one_less = vocoder_snr(9, h - 1);
        assert!(one_less.is_finite(), "halo {} is as exact as {h}", h - 1);
        let snr = vocoder_snr(9, 2);
        assert!(snr < 60.0, "halo 2: {snr:.1} dB");
    }
}
