//! The kernels against burn's `conv1d` / `conv_transpose1d` (the reference): every HiFi-GAN
//! layer shape of joe-medium and of the V1 config (kernels 3/7/11, dilations 1/3/5), odd
//! lengths, with and without the fused activation, bias and residual, on every instruction
//! set this machine has; and the whole generator against burn's path.

use super::hifigan::{host, pack, pack_up};
use super::{FlowKernels, HifiGan, Isa};
use crate::backend;
use crate::model::config::{VitsConfig, joe_medium};
use crate::model::flow::Flow;
use crate::model::layers::same_conv;
use crate::model::vocoder::Vocoder;
use burn::nn::conv::ConvTranspose1dConfig;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Distribution, Tensor};

/// `10 · log10(Σ ref² / Σ (ref − x)²)` in dB; `-∞` on a length mismatch.
fn snr_db(reference: &[f32], x: &[f32]) -> f64 {
    if reference.len() != x.len() {
        return f64::NEG_INFINITY;
    }
    let signal: f64 = reference.iter().map(|&r| f64::from(r).powi(2)).sum();
    let noise: f64 = reference
        .iter()
        .zip(x)
        .map(|(&r, &y)| (f64::from(r) - f64::from(y)).powi(2))
        .sum();
    10.0 * (signal / noise).log10()
}

fn random(shape: [usize; 3]) -> Tensor<3> {
    Tensor::random(shape, Distribution::Normal(0.0, 1.0), &backend::cpu())
}

/// One layer shape: kernels (with leaky ReLU + residual, and plain) vs burn, every ISA.
fn check_conv(cin: usize, cout: usize, k: usize, dil: usize, t: usize) {
    let device = backend::cpu();
    let conv = same_conv(cin, cout, k, dil).init(&device);
    let packed = pack(&conv).expect("packs");
    let x = random([1, cin, t]);
    let res = random([1, cout, t]);
    let fused_ref = conv.forward(leaky_relu(x.clone(), 0.1)) + res.clone();
    let plain_ref = host(conv.forward(x.clone())).unwrap();
    let fused_ref = host(fused_ref).unwrap();
    let (xh, rh) = (host(x).unwrap(), host(res).unwrap());
    for isa in Isa::available() {
        let fused = packed
            .forward(isa, &xh, t, Some(0.1), None, Some(&rh))
            .unwrap();
        let plain = packed.forward(isa, &xh, t, None, None, None).unwrap();
        let (a, b) = (snr_db(&fused_ref, &fused), snr_db(&plain_ref, &plain));
        assert!(
            a >= 80.0 && b >= 80.0,
            "{isa:?} cin {cin} cout {cout} k {k} d {dil} t {t}: {a:.1} / {b:.1} dB"
        );
    }
}

#[test]
fn resblock_convs_match_burn() {
    // joe-medium: 128/64/32 channels, kernels 3/5/7, dilations 1, 2, 3, 6, 12.
    for (ch, t) in [(128, 45), (64, 131), (32, 517)] {
        for (k, dils) in [(3, [1, 2]), (5, [2, 6]), (7, [3, 12])] {
            for d in dils {
                check_conv(ch, ch, k, d, t);
            }
        }
    }
    // HiFi-GAN V1 (ResBlock1): kernels 3/7/11 × dilations 1/3/5, and the plain convs.
    for k in [3, 7, 11] {
        for d in [1, 3, 5] {
            check_conv(32, 32, k, d, 263);
        }
    }
    check_conv(256, 256, 11, 5, 23);
}

#[test]
fn pre_and_post_convs_match_burn() {
    check_conv(192, 256, 7, 1, 13); // conv_pre
    check_conv(32, 1, 7, 1, 1031); // conv_post (one output row: a partial block)
    check_conv(5, 6, 1, 1, 1); // a 1-sample input, partial block and tile
    check_conv(3, 9, 3, 2, 2); // shorter than the receptive field's halo
}

/// Upsampling layers: kernels (leaky ReLU fused) vs burn's `conv_transpose1d`, every ISA.
fn check_up(cin: usize, cout: usize, k: usize, u: usize, t: usize) {
    let device = backend::cpu();
    let up = ConvTranspose1dConfig::new([cin, cout], k)
        .with_stride(u)
        .with_padding((k - u) / 2)
        .init(&device);
    let packed = pack_up(&up).expect("packs");
    let x = random([1, cin, t]);
    let reference = host(up.forward(leaky_relu(x.clone(), 0.1))).unwrap();
    let xh = host(x).unwrap();
    for isa in Isa::available() {
        let y = packed.forward(isa, &xh, t, Some(0.1)).unwrap();
        let s = snr_db(&reference, &y);
        assert!(
            s >= 80.0,
            "{isa:?} up {cin}->{cout} k {k} u {u} t {t}: {s:.1} dB"
        );
    }
}

#[test]
fn upsampling_matches_burn() {
    check_up(256, 128, 16, 8, 11); // joe-medium
    check_up(128, 64, 16, 8, 37);
    check_up(64, 32, 8, 4, 129);
    check_up(16, 8, 4, 2, 1); // one input frame
    check_up(8, 4, 11, 5, 7); // odd kernel, k not a multiple of the stride
}

/// The whole generator of `c` (burn's random initial weights), kernels vs burn's path.
fn check_generator(c: &VitsConfig, frames: usize) {
    let device = backend::cpu();
    let mut v = Vocoder::init(c, &device);
    v.set_kernels(false);
    let z = random([1, c.inter_channels, frames]);
    let reference = host(v.forward(z.clone(), None)).unwrap();
    for isa in Isa::available() {
        let k = HifiGan::with_isa(&v.dec, isa).expect("packs");
        let y = host(k.forward(z.clone(), None).unwrap()).unwrap();
        let s = snr_db(&reference, &y);
        assert!(s >= 60.0, "{isa:?}: {s:.1} dB");
    }
    v.set_kernels(true);
    assert!(v.kernels());
    let y = host(v.forward(z, None)).unwrap();
    assert!(snr_db(&reference, &y) >= 60.0);
}

/// Time tiles of any size give exactly the untiled output (each kept value's receptive field
/// lies inside its tile's slice), for both residual block types.
fn check_tiles(c: &VitsConfig, frames: usize) {
    let device = backend::cpu();
    let v = Vocoder::init(c, &device);
    let z = random([1, c.inter_channels, frames]);
    let mut k = HifiGan::with_isa(&v.dec, Isa::best()).expect("packs");
    k.tile_values = usize::MAX;
    let whole = host(k.forward(z.clone(), None).unwrap()).unwrap();
    for tile in [1, 700, 3000, 20_000] {
        k.tile_values = tile;
        let tiled = host(k.forward(z.clone(), None).unwrap()).unwrap();
        assert_eq!(whole.len(), tiled.len(), "tile {tile}");
        let diff = whole.iter().zip(&tiled).filter(|(a, b)| a != b).count();
        assert_eq!(diff, 0, "tile {tile}: {diff} samples differ");
    }
}

#[test]
fn generator_tiles_are_exact() {
    check_tiles(&joe_medium(), 23);
    let mut c = joe_medium();
    c.resblock = "1".into();
    c.upsample_initial_channel = 64;
    c.resblock_kernel_sizes = vec![3, 7, 11];
    c.resblock_dilation_sizes = vec![vec![1, 3, 5]; 3];
    check_tiles(&c, 9);
}

#[test]
fn joe_medium_generator_matches_burn() {
    check_generator(&joe_medium(), 5);
}

#[test]
fn resblock1_generator_matches_burn() {
    let mut c = joe_medium();
    c.resblock = "1".into();
    c.upsample_initial_channel = 64;
    c.resblock_kernel_sizes = vec![3, 7, 11];
    c.resblock_dilation_sizes = vec![vec![1, 3, 5]; 3];
    check_generator(&c, 3);
}

/// The flow of `c` (burn's random initial weights), kernels vs burn's path, every ISA.
fn check_flow(c: &VitsConfig, frames: usize) {
    let device = backend::cpu();
    let mut f = Flow::init(c, &device);
    f.set_kernels(false);
    let z = random([1, c.inter_channels, frames]);
    let reference = host(f.reverse(z.clone(), None)).unwrap();
    for isa in Isa::available() {
        let k = FlowKernels::with_isa(&f, isa).expect("packs");
        let y = host(k.reverse(z.clone(), None).unwrap()).unwrap();
        let s = snr_db(&reference, &y);
        assert!(s >= 80.0, "{isa:?}: {s:.1} dB");
    }
    f.set_kernels(true);
    let y = host(f.reverse(z, None)).unwrap();
    assert!(snr_db(&reference, &y) >= 80.0);
}

#[test]
fn joe_medium_flow_matches_burn() {
    check_flow(&joe_medium(), 11);
    let mut c = joe_medium();
    c.flow_dilation_rate = 2;
    check_flow(&c, 5);
}
