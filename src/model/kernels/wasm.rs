//! WebAssembly SIMD128 block kernel (3 × 4 lanes per row), compiled when the build enables
//! `simd128` (`.cargo/config.toml` does for the browser package). There is no fused
//! multiply-add in SIMD128 (relaxed-simd is not in every browser): multiply, then add.

use super::conv::{Block, simd_block};
use core::arch::wasm32::*;

#[inline(always)]
fn splat(x: f32) -> v128 {
    f32x4_splat(x)
}

/// # Safety
/// `p` must be valid for reading 4 floats.
#[inline(always)]
unsafe fn load(p: *const f32) -> v128 {
    // SAFETY: the caller's; wasm loads need no alignment.
    unsafe { v128_load(p.cast::<v128>()) }
}

/// # Safety
/// `p` must be valid for writing 4 floats.
#[inline(always)]
unsafe fn store(p: *mut f32, v: v128) {
    // SAFETY: the caller's.
    unsafe { v128_store(p.cast::<v128>(), v) }
}

#[inline(always)]
fn fma(a: v128, b: v128, c: v128) -> v128 {
    f32x4_add(f32x4_mul(a, b), c)
}

#[inline(always)]
fn add(a: v128, b: v128) -> v128 {
    f32x4_add(a, b)
}

simd_block!(
    block_simd128, v128, 4, 3,
    splat: splat, load: load, store: store, fma: fma, add: add
);
