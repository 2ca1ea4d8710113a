//! Direct 1-D convolution (stride 1, any dilation and padding) with the input's leaky ReLU,
//! the bias and a residual add fused, on `[channels, time]` f32 slices.
//!
//! No im2col buffer: the only copy is the activated, zero-padded input (`cin × (t + pads)`,
//! the size of the input), built once per call. The output is computed in blocks of [`OB`]
//! output channels × one SIMD time tile, accumulated in registers over every input channel and
//! tap, then stored once (with the residual added). Weights are packed at load time as
//! `[block][cin][k][OB]`, so a block's taps are read in order.

use super::Isa;

/// Output channels per register block (every instruction set uses the same packing).
pub(super) const OB: usize = 4;
/// The widest time tile of any instruction set (AVX-512: 4 vectors × 16 lanes); the padded
/// input has this much slack after the last output, so a tile never reads out of bounds.
pub(super) const MAX_TT: usize = 64;
/// Output samples per cache chunk: every channel block runs over one chunk before the next,
/// so the chunk of padded input stays in cache.
const CHUNK: usize = 512;

/// One register block's work: [`OB`] (or `rows` < [`OB`]) output channels over `t0..t1`.
pub(super) struct Block<'a> {
    /// Activated, padded input: `cin` rows of `xs` samples.
    pub x: &'a [f32],
    pub xs: usize,
    pub cin: usize,
    pub k: usize,
    pub dil: usize,
    /// This block's packed weights, `[cin][k][OB]`.
    pub w: &'a [f32],
    pub bias: [f32; OB],
    /// Valid output rows (the last block of a layer may have fewer than [`OB`]).
    pub rows: usize,
    /// Output rows of `os` samples, from this block's first row.
    pub out: &'a mut [f32],
    /// Residual, same layout as `out`.
    pub res: Option<&'a [f32]>,
    pub os: usize,
    pub t0: usize,
    pub t1: usize,
}

impl Block<'_> {
    /// The bounds every SIMD tile relies on (see [`MAX_TT`]); checked before any unsafe kernel
    /// runs, so a wrong caller gets the scalar path, never an out-of-bounds read.
    fn in_bounds(&self) -> bool {
        let span = (self.k - 1) * self.dil;
        self.rows >= 1
            && self.rows <= OB
            && self.t1 <= self.os
            && self.x.len() >= self.cin * self.xs
            && self.xs >= self.t1 + MAX_TT + span
            && self.w.len() >= self.cin * self.k * OB
            && self.out.len() >= (self.rows - 1) * self.os + self.t1
            && self
                .res
                .is_none_or(|r| r.len() >= (self.rows - 1) * self.os + self.t1)
    }
}

/// The portable kernel: plain loops (the reference for the SIMD ones, and the fallback).
pub(super) fn block_scalar(b: &mut Block<'_>) {
    for o in 0..b.rows {
        for t in b.t0..b.t1 {
            let mut acc = b.bias[o];
            for c in 0..b.cin {
                let x = &b.x[c * b.xs + t..];
                let w = &b.w[c * b.k * OB..];
                for j in 0..b.k {
                    acc += w[j * OB + o] * x[j * b.dil];
                }
            }
            let i = o * b.os + t;
            if let Some(r) = b.res {
                acc += r[i];
            }
            b.out[i] = acc;
        }
    }
}

/// Generates one instruction set's block kernel: `NV` vectors of `W` lanes per output row,
/// `OB × NV` accumulators kept in registers over `cin × k` taps.
macro_rules! simd_block {
    ($(#[$attr:meta])* $name:ident, $v:ty, $w:expr, $nv:expr,
     splat: $splat:path, load: $load:path, store: $store:path, fma: $fma:path, add: $add:path) => {
        $(#[$attr])*
        /// # Safety
        /// `b` must satisfy `Block::in_bounds`, and the CPU must have the instruction set.
        pub(super) unsafe fn $name(b: &mut Block<'_>) {
            use super::conv::OB;
            const W: usize = $w;
            const NV: usize = $nv;
            const TT: usize = W * NV;
            // SAFETY: every pointer below stays inside the slices, by `Block::in_bounds`:
            // x reads reach `c * xs + t + (k - 1) * dil + TT - 1 < cin * xs` since
            // `t < t1` and `xs >= t1 + MAX_TT + (k - 1) * dil`; full-tile stores and residual
            // loads reach `o * os + t + TT - 1 < (rows - 1) * os + t1`.
            unsafe {
                let xp = b.x.as_ptr();
                let wp = b.w.as_ptr();
                let mut t = b.t0;
                while t < b.t1 {
                    let valid = (b.t1 - t).min(TT);
                    let mut acc: [[$v; NV]; OB] = [[$splat(0.0); NV]; OB];
                    for o in 0..OB {
                        let bv = $splat(b.bias[o]);
                        for a in acc[o].iter_mut() {
                            *a = bv;
                        }
                    }
                    for c in 0..b.cin {
                        let xrow = xp.add(c * b.xs + t);
                        let wrow = wp.add(c * b.k * OB);
                        for j in 0..b.k {
                            let xj = xrow.add(j * b.dil);
                            let mut xv: [$v; NV] = [$splat(0.0); NV];
                            for (v, x) in xv.iter_mut().enumerate() {
                                *x = $load(xj.add(v * W));
                            }
                            let wj = wrow.add(j * OB);
                            for o in 0..OB {
                                let wv = $splat(*wj.add(o));
                                for v in 0..NV {
                                    acc[o][v] = $fma(wv, xv[v], acc[o][v]);
                                }
                            }
                        }
                    }
                    if valid == TT && b.rows == OB {
                        let op = b.out.as_mut_ptr();
                        for o in 0..OB {
                            for v in 0..NV {
                                let i = o * b.os + t + v * W;
                                let mut y = acc[o][v];
                                if let Some(r) = b.res {
                                    y = $add(y, $load(r.as_ptr().add(i)));
                                }
                                $store(op.add(i), y);
                            }
                        }
                    } else {
                        let mut tmp = [[0f32; TT]; OB];
                        for o in 0..OB {
                            for v in 0..NV {
                                $store(tmp[o].as_mut_ptr().add(v * W), acc[o][v]);
                            }
                        }
                        for (o, row) in tmp.iter().enumerate().take(b.rows) {
                            for (i, &y) in row.iter().enumerate().take(valid) {
                                let at = o * b.os + t + i;
                                b.out[at] = y + b.res.map_or(0.0, |r| r[at]);
                            }
                        }
                    }
                    t += TT;
                }
            }
        }
    };
}
pub(super) use simd_block;

/// Runs one block on `isa` (the caller has checked `isa.supported()`).
fn run_block(isa: Isa, b: &mut Block<'_>) {
    if !b.in_bounds() {
        return block_scalar(b);
    }
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: in bounds (checked above); `isa` is supported (checked by the caller).
        Isa::Avx2 => unsafe { super::x86::block_avx2(b) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Isa::Avx512 => unsafe { super::x86::block_avx512(b) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: in bounds; simd128 is enabled at compile time.
        Isa::Simd128 => unsafe { super::wasm::block_simd128(b) },
        _ => block_scalar(b),
    }
}

/// A convolution layer, packed for the kernels.
#[derive(Debug, Clone)]
pub struct PackedConv {
    cout: usize,
    cin: usize,
    k: usize,
    dil: usize,
    pad_l: usize,
    pad_r: usize,
    /// `[ceil(cout / OB)][cin][k][OB]`, zero beyond `cout`.
    w: Vec<f32>,
    /// `[ceil(cout / OB) · OB]`, zero beyond `cout`.
    bias: Vec<f32>,
}

impl PackedConv {
    /// Packs a `[cout, cin, k]` row-major weight (burn's / PyTorch's `Conv1d` layout) and an
    /// optional `[cout]` bias; `None` if the lengths do not match the shape.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        weight: &[f32],
        bias: Option<&[f32]>,
        cout: usize,
        cin: usize,
        k: usize,
        dil: usize,
        pad_l: usize,
        pad_r: usize,
    ) -> Option<Self> {
        if cout == 0 || cin == 0 || k == 0 || dil == 0 || weight.len() != cout * cin * k {
            return None;
        }
        if bias.is_some_and(|b| b.len() != cout) {
            return None;
        }
        let blocks = cout.div_ceil(OB);
        let mut w = vec![0f32; blocks * cin * k * OB];
        for o in 0..cout {
            let (blk, lane) = (o / OB, o % OB);
            for c in 0..cin {
                for j in 0..k {
                    w[((blk * cin + c) * k + j) * OB + lane] = weight[(o * cin + c) * k + j];
                }
            }
        }
        let mut b = vec![0f32; blocks * OB];
        if let Some(bias) = bias {
            b[..cout].copy_from_slice(bias);
        }
        Some(Self {
            cout,
            cin,
            k,
            dil,
            pad_l,
            pad_r,
            w,
            bias: b,
        })
    }

    /// Output channels.
    pub fn cout(&self) -> usize {
        self.cout
    }

    /// Input channels.
    pub fn cin(&self) -> usize {
        self.cin
    }

    /// How far an output reads to each side of its own position, the larger side (a "same"
    /// convolution's `(k − 1) · dilation / 2`).
    pub fn reach(&self) -> usize {
        let span = (self.k - 1) * self.dil;
        self.pad_l.max(span.saturating_sub(self.pad_l))
    }

    /// Output length for an input of `t` samples (`None` when the input is too short).
    pub fn out_len(&self, t: usize) -> Option<usize> {
        (t + self.pad_l + self.pad_r)
            .checked_sub((self.k - 1) * self.dil)
            .filter(|&n| n > 0)
    }

    /// `conv(leaky_relu(x, slope)) + bias + extra_bias + res` for `x: [cin, t]`, giving
    /// `[cout, out_len(t)]`; `slope: None` skips the activation, `extra_bias: [cout]` is added
    /// to the bias (a speaker's conditioning), `res: [cout, out_len(t)]`. `None` when a length
    /// does not match.
    pub fn forward(
        &self,
        isa: Isa,
        x: &[f32],
        t: usize,
        slope: Option<f32>,
        extra_bias: Option<&[f32]>,
        res: Option<&[f32]>,
    ) -> Option<Vec<f32>> {
        let tout = self.out_len(t)?;
        if x.len() != self.cin * t
            || extra_bias.is_some_and(|b| b.len() != self.cout)
            || res.is_some_and(|r| r.len() != self.cout * tout)
        {
            return None;
        }
        let (xp, xs) = self.pad_input(x, t, tout, slope);
        self.forward_padded(isa, &xp, xs, tout, extra_bias, res)
    }

    /// The input as the kernels read it, `[cin, xs]`: `leaky_relu(x, slope)` with `pad_l` zeros
    /// before each channel and zeros after it (room for the taps and the kernels' last time
    /// tile). Each element is written once (no zero fill first). Returns it and `xs`.
    fn pad_input(&self, x: &[f32], t: usize, tout: usize, slope: Option<f32>) -> (Vec<f32>, usize) {
        let span = (self.k - 1) * self.dil;
        let xs = tout + MAX_TT + span;
        let copy = t.min(xs.saturating_sub(self.pad_l));
        let mut xp = Vec::with_capacity(self.cin * xs);
        for c in 0..self.cin {
            let start = xp.len();
            xp.resize(start + self.pad_l, 0.0);
            let src = &x[c * t..c * t + copy];
            match slope {
                Some(s) => xp.extend(src.iter().map(|&v| if v >= 0.0 { v } else { v * s })),
                None => xp.extend_from_slice(src),
            }
            xp.resize(start + xs, 0.0);
        }
        (xp, xs)
    }

    /// [`Self::forward`] on an input already padded by [`Self::pad_input`] for `tout` outputs.
    fn forward_padded(
        &self,
        isa: Isa,
        xp: &[f32],
        xs: usize,
        tout: usize,
        extra_bias: Option<&[f32]>,
        res: Option<&[f32]>,
    ) -> Option<Vec<f32>> {
        if xp.len() != self.cin * xs {
            return None;
        }
        let isa = if isa.supported() { isa } else { Isa::Scalar };
        let mut out = vec![0f32; self.cout * tout];
        let per_block = self.cin * self.k * OB;
        let mut t0 = 0;
        while t0 < tout {
            let t1 = (t0 + CHUNK).min(tout);
            for (blk, w) in self.w.chunks_exact(per_block).enumerate() {
                let row0 = blk * OB;
                let rows = (self.cout - row0).min(OB);
                let mut bias = [0f32; OB];
                bias.copy_from_slice(&self.bias[row0..row0 + OB]);
                if let Some(e) = extra_bias {
                    for (b, &e) in bias.iter_mut().zip(&e[row0..row0 + rows]) {
                        *b += e;
                    }
                }
                let mut b = Block {
                    x: xp,
                    xs,
                    cin: self.cin,
                    k: self.k,
                    dil: self.dil,
                    w,
                    bias,
                    rows,
                    out: &mut out[row0 * tout..],
                    res: res.map(|r| &r[row0 * tout..]),
                    os: tout,
                    t0,
                    t1,
                };
                run_block(isa, &mut b);
            }
            t0 = t1;
        }
        Some(out)
    }
}

/// A transposed convolution (`ConvTranspose1d`, stride `u`, padding `p`, no output padding),
/// computed as `u` phases, each an ordinary convolution of `ceil(k / u)` taps over the input,
/// stacked as `u · cout` output rows of one [`PackedConv`] (so the same kernels run all phases
/// in one call, over one padded input), then interleaved into the output.
#[derive(Debug, Clone)]
pub struct PackedConvTranspose {
    cout: usize,
    k: usize,
    stride: usize,
    pad: usize,
    /// Row `r · cout + o` is phase `r`'s output channel `o`; phase `r` gives the outputs `t`
    /// with `(t + pad) % stride == r`.
    phases: PackedConv,
}

impl PackedConvTranspose {
    /// Packs a `[cin, cout, k]` weight (burn's / PyTorch's `ConvTranspose1d` layout) and an
    /// optional `[cout]` bias; `None` if the lengths do not match or `pad` is too large.
    pub fn new(
        weight: &[f32],
        bias: Option<&[f32]>,
        cin: usize,
        cout: usize,
        k: usize,
        stride: usize,
        pad: usize,
    ) -> Option<Self> {
        if stride == 0 || k == 0 || weight.len() != cin * cout * k || 2 * pad >= k {
            return None;
        }
        if bias.is_some_and(|b| b.len() != cout) {
            return None;
        }
        let m = k.div_ceil(stride);
        let rows = stride.checked_mul(cout)?;
        // y_r[o][n] = Σ_c Σ_m w[c][o][r + m·u] · x[c][n − m]: a convolution over the input
        // padded by m − 1 on the left, tap i = m − 1 − (its m).
        let mut w = vec![0f32; rows * cin * m];
        for r in 0..stride {
            for o in 0..cout {
                for c in 0..cin {
                    for i in 0..m {
                        let j = r + (m - 1 - i) * stride;
                        if j < k {
                            w[((r * cout + o) * cin + c) * m + i] = weight[(c * cout + o) * k + j];
                        }
                    }
                }
            }
        }
        let b: Option<Vec<f32>> = bias.map(|b| b.iter().copied().cycle().take(rows).collect());
        // The right padding gives every phase output up to n = (t_out − 1 + pad) / u for
        // any input length; `forward` reads only the ones it needs.
        let phases = PackedConv::new(&w, b.as_deref(), rows, cin, m, 1, m - 1, m)?;
        Some(Self {
            cout,
            k,
            stride,
            pad,
            phases,
        })
    }

    /// Output channels.
    pub fn cout(&self) -> usize {
        self.cout
    }

    /// Kernel size, stride and padding: output `j` reads the inputs `i` with
    /// `i · stride ∈ [j + pad − k + 1, j + pad]`.
    pub fn geometry(&self) -> (usize, usize, usize) {
        (self.k, self.stride, self.pad)
    }

    /// Output length for `t` input samples: `(t − 1)·u − 2p + k`.
    pub fn out_len(&self, t: usize) -> Option<usize> {
        ((t.checked_sub(1)? * self.stride) + self.k).checked_sub(2 * self.pad)
    }

    /// `conv_transpose(leaky_relu(x, slope)) + bias` for `x: [cin, t]` → `[cout, out_len(t)]`.
    pub fn forward(&self, isa: Isa, x: &[f32], t: usize, slope: Option<f32>) -> Option<Vec<f32>> {
        let tout = self.out_len(t)?;
        let n_len = self.phases.out_len(t)?;
        let (u, pad) = (self.stride, self.pad);
        if (tout - 1 + pad) / u >= n_len {
            return None;
        }
        // `[u · cout, n_len]`, row `r · cout + o`.
        let ys = self.phases.forward(isa, x, t, slope, None, None)?;
        let mut out = vec![0f32; self.cout * tout];
        for (o, row) in out.chunks_exact_mut(tout).enumerate() {
            for r in 0..u {
                // Outputs `ti ≡ r − pad (mod u)`: `ti = n · u + r − pad` for phase output `n`.
                let y = &ys[(r * self.cout + o) * n_len..][..n_len];
                // The smallest `ti ≥ 0` with `(ti + pad) % u == r`.
                let first = (r + u - pad % u) % u;
                let n0 = (first + pad) / u;
                // (`first ≥ tout` only when `tout < u`: no output of this phase.)
                if let (Some(dst), Some(src)) = (row.get_mut(first..), y.get(n0..)) {
                    for (out, &v) in dst.iter_mut().step_by(u).zip(src) {
                        *out = v;
                    }
                }
            }
        }
        Some(out)
    }
}
