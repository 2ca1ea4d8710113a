//! Hand-written CPU kernels for the HiFi-GAN vocoder (issue 10, item 2).
//!
//! burn-flex computes `conv1d` as im2col + GEMM, and every leaky ReLU, residual add and bias as
//! its own pass over memory; at 22 kHz and 32–256 channels that memory traffic is most of the
//! vocoder's time. Here the vocoder's layers run as direct convolutions on `[channels, time]`
//! f32 slices ([`conv`]) with the input's leaky ReLU, the bias and the residual add fused,
//! vectorized per instruction set ([`Isa`]: AVX-512F or AVX2 + FMA picked at run time on
//! x86-64, SIMD128 on WebAssembly when the build enables it, scalar elsewhere). The transposed
//! (upsampling) convolutions run as `stride` phases of ordinary convolutions on the same
//! kernels.
//!
//! [`FlowKernels`] runs the flow's WaveNet couplings (per window, like the vocoder) on the
//! same kernels, with the gate's tanh · sigmoid and the residual / skip sums fused.
//!
//! [`HifiGan`] is the whole generator on these kernels: [`super::Vocoder`] builds it when the
//! voice is loaded on the CPU (flex) device and otherwise (WebGPU) keeps burn's path. burn's
//! `conv1d` stays the reference the kernels are tested against (`tests.rs`: ≥ 80 dB SNR per
//! layer shape, every instruction set this CPU has; the whole voice ≥ 60 dB).

mod activation;
pub mod conv;
mod flow;
mod hifigan;
#[cfg(test)]
mod tests;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use conv::{PackedConv, PackedConvTranspose};
pub use flow::FlowKernels;
pub use hifigan::HifiGan;

use std::sync::OnceLock;

/// An instruction set the convolution kernels are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// Plain Rust loops (any target).
    Scalar,
    /// x86-64 AVX2 with FMA.
    Avx2,
    /// x86-64 AVX-512F.
    Avx512,
    /// WebAssembly SIMD128.
    Simd128,
}

impl Isa {
    /// Whether this machine (or this build, for SIMD128) can run `self`.
    pub fn supported(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => is_x86_feature_detected!("avx512f"),
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Isa::Simd128 => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// Every instruction set this machine can run, scalar first (for tests and benchmarks).
    pub fn available() -> Vec<Isa> {
        [Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Simd128]
            .into_iter()
            .filter(|i| i.supported())
            .collect()
    }

    /// The fastest supported instruction set (detected once).
    pub fn best() -> Isa {
        static BEST: OnceLock<Isa> = OnceLock::new();
        *BEST.get_or_init(|| {
            Isa::available()
                .into_iter()
                .next_back()
                .unwrap_or(Isa::Scalar)
        })
    }
}
