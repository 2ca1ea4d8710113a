//! x86-64 block kernels: AVX2 + FMA (3 × 8 lanes per row) and AVX-512F (4 × 16 lanes per row),
//! picked at run time by [`super::Isa::best`].

use super::conv::{Block, simd_block};
use core::arch::x86_64::*;

simd_block!(
    #[target_feature(enable = "avx2,fma")]
    block_avx2, __m256, 8, 3,
    splat: _mm256_set1_ps, load: _mm256_loadu_ps, store: _mm256_storeu_ps,
    fma: _mm256_fmadd_ps, add: _mm256_add_ps
);

simd_block!(
    #[target_feature(enable = "avx512f")]
    block_avx512, __m512, 16, 4,
    splat: _mm512_set1_ps, load: _mm512_loadu_ps, store: _mm512_storeu_ps,
    fma: _mm512_fmadd_ps, add: _mm512_add_ps
);
