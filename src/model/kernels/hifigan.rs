//! The HiFi-GAN generator on the [`super::conv`] kernels: the same graph as
//! [`super::super::Vocoder::forward`] (upstream `Generator.forward`), on `[channels, time]`
//! host slices, one tensor read at the start and one tensor built at the end.

use super::super::vocoder::{Generator, ResBlock};
use super::Isa;
use super::conv::{PackedConv, PackedConvTranspose};
use burn::nn::PaddingConfig1d;
use burn::nn::conv::{Conv1d, ConvTranspose1d};
use burn::tensor::{Tensor, TensorData};

/// `LRELU_SLOPE` in upstream `modules.py`.
const SLOPE: f32 = 0.1;
/// `F.leaky_relu`'s default slope, before `conv_post`.
const POST_SLOPE: f32 = 0.01;

/// A tensor's values as f32 on the host.
pub(super) fn host<const D: usize>(t: Tensor<D>) -> Option<Vec<f32>> {
    t.into_data().convert::<f32>().try_into_vec::<f32>().ok()
}

/// Packs a stride-1, ungrouped `Conv1d` with explicit (or no) padding.
pub(super) fn pack(c: &Conv1d) -> Option<PackedConv> {
    if c.stride != 1 || c.groups != 1 {
        return None;
    }
    let (pad_l, pad_r) = match c.padding {
        PaddingConfig1d::Valid => (0, 0),
        PaddingConfig1d::Explicit(l, r) => (l, r),
        _ => return None,
    };
    let [cout, cin, k] = c.weight.val().dims();
    let w = host(c.weight.val())?;
    let b = match &c.bias {
        Some(b) => Some(host(b.val())?),
        None => None,
    };
    PackedConv::new(&w, b.as_deref(), cout, cin, k, c.dilation, pad_l, pad_r)
}

/// Packs an ungrouped, undilated `ConvTranspose1d` without output padding.
pub(super) fn pack_up(c: &ConvTranspose1d) -> Option<PackedConvTranspose> {
    if c.groups != 1 || c.dilation != 1 || c.padding_out != 0 {
        return None;
    }
    let [cin, cout, k] = c.weight.val().dims();
    let w = host(c.weight.val())?;
    let b = match &c.bias {
        Some(b) => Some(host(b.val())?),
        None => None,
    };
    PackedConvTranspose::new(&w, b.as_deref(), cin, cout, k, c.stride, c.padding)
}

/// A residual block: `ResBlock1`'s (dilated, plain) pairs or `ResBlock2`'s single convs.
#[derive(Debug, Clone)]
enum Block {
    One(Vec<(PackedConv, PackedConv)>),
    Two(Vec<PackedConv>),
}

impl Block {
    /// How far an output reads to either side: its convolutions' reaches, summed.
    fn reach(&self) -> usize {
        match self {
            Block::One(pairs) => pairs.iter().map(|(a, b)| a.reach() + b.reach()).sum(),
            Block::Two(convs) => convs.iter().map(PackedConv::reach).sum(),
        }
    }
}

/// Values (channels × samples) per time tile of an upsampling level: 256 KB of f32 per buffer.
const TILE_VALUES: usize = 1 << 16;

/// [`TILE_VALUES`], or `SOTTO_TILE_VALUES` from the environment (benchmarks; native only).
fn tile_values() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(v) = std::env::var("SOTTO_TILE_VALUES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return v.max(1);
    }
    TILE_VALUES
}

/// The packed generator (a second copy of the vocoder's weights, ~6.7 MB for joe-medium).
#[derive(Debug, Clone)]
pub struct HifiGan {
    isa: Isa,
    conv_pre: PackedConv,
    /// `dec.cond` (1×1, `gin → ch0`) as `[ch0][gin]` weights and `[ch0]` bias.
    cond: Option<(Vec<f32>, Vec<f32>)>,
    ups: Vec<PackedConvTranspose>,
    blocks: Vec<Block>,
    num_kernels: usize,
    conv_post: PackedConv,
    /// Values per time tile of a level ([`TILE_VALUES`]; tests make it small).
    pub(super) tile_values: usize,
}

impl HifiGan {
    /// Packs `g`'s weights for the fastest instruction set here; `None` when a layer has a
    /// shape the kernels do not cover (the caller keeps burn's path).
    pub(in crate::model) fn new(g: &Generator) -> Option<Self> {
        Self::with_isa(g, Isa::best())
    }

    /// As [`Self::new`], on a given instruction set (tests force each).
    pub(in crate::model) fn with_isa(g: &Generator, isa: Isa) -> Option<Self> {
        let cond = match &g.cond {
            Some(c) => {
                let w = host(c.weight.val())?;
                let b = match &c.bias {
                    Some(b) => host(b.val())?,
                    None => vec![0.0; c.weight.val().dims()[0]],
                };
                Some((w, b))
            }
            None => None,
        };
        let blocks = g
            .resblocks
            .iter()
            .map(|rb| match rb {
                ResBlock::One(b) => b
                    .convs1
                    .iter()
                    .zip(&b.convs2)
                    .map(|(c1, c2)| Some((pack(c1)?, pack(c2)?)))
                    .collect::<Option<Vec<_>>>()
                    .map(Block::One),
                ResBlock::Two(b) => b
                    .convs
                    .iter()
                    .map(pack)
                    .collect::<Option<Vec<_>>>()
                    .map(Block::Two),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            isa: if isa.supported() { isa } else { Isa::Scalar },
            conv_pre: pack(&g.conv_pre)?,
            cond,
            ups: g.ups.iter().map(pack_up).collect::<Option<Vec<_>>>()?,
            blocks,
            num_kernels: g.num_kernels.max(1),
            conv_post: pack(&g.conv_post)?,
            tile_values: tile_values(),
        })
    }

    /// `z: [b, inter, frames] -> [b, 1, samples]`, as burn's path; `None` when a shape does
    /// not fit the packed layers (the caller then runs burn's path).
    pub fn forward(&self, z: Tensor<3>, speaker: Option<&Tensor<3>>) -> Option<Tensor<3>> {
        let device = z.device();
        let [batch, cin, frames] = z.dims();
        let z = host(z)?;
        let offset = match (&self.cond, speaker) {
            (Some((w, b)), Some(s)) => {
                let s = host(s.clone())?;
                let gin = s.len();
                if gin == 0 || w.len() != b.len() * gin {
                    return None;
                }
                Some(
                    b.iter()
                        .zip(w.chunks_exact(gin))
                        .map(|(b, w)| b + w.iter().zip(&s).map(|(w, s)| w * s).sum::<f32>())
                        .collect::<Vec<f32>>(),
                )
            }
            _ => None,
        };
        let mut audio = Vec::new();
        let mut len = 0;
        for one in z.chunks_exact(cin * frames).take(batch) {
            let (y, t) = self.forward_one(one, frames, offset.as_deref())?;
            audio.extend_from_slice(&y);
            len = t;
        }
        Some(Tensor::from_data(
            TensorData::new(audio, [batch, 1, len]),
            &device,
        ))
    }

    /// One item of the batch: `[inter, t]` → (samples, their count).
    fn forward_one(
        &self,
        z: &[f32],
        t: usize,
        offset: Option<&[f32]>,
    ) -> Option<(Vec<f32>, usize)> {
        let isa = self.isa;
        let mut x = self.conv_pre.forward(isa, z, t, None, offset, None)?;
        let mut t = self.conv_pre.out_len(t)?;
        let levels: Vec<&[Block]> = self.blocks.chunks(self.num_kernels).collect();
        if levels.len() != self.ups.len() {
            return None;
        }
        for (i, (up, level)) in self.ups.iter().zip(&levels).enumerate() {
            let last = i + 1 == self.ups.len();
            (x, t) = self.level(up, level, &x, t, last)?;
        }
        if self.ups.is_empty() {
            let mut y = self
                .conv_post
                .forward(isa, &x, t, Some(POST_SLOPE), None, None)?;
            super::activation::tanh_in_place(&mut y);
            return Some((y, self.conv_post.out_len(t)?));
        }
        Some((x, t))
    }

    /// One upsampling level on `x: [cin, t]`: the transposed convolution, then the mean of the
    /// level's residual blocks, and for the `last` level also `conv_post` and the tanh. Returns
    /// `[cout, t_out]` (`[1, t_out]` for the last) and `t_out`.
    ///
    /// The level runs in time tiles of about [`TILE_VALUES`] / `cout` output samples, so that a
    /// tile's buffers stay in the core's L2 cache (a 128-frame window's last level is 32 × 33k
    /// samples, 4 MB per buffer, and ran at half the kernels' speed). Each tile is computed from
    /// a slice of `x` wide enough that every value it keeps has its whole receptive field inside
    /// the slice (or beyond the ends of `x`, where the zeros are the true padding), so the tiles
    /// give exactly the untiled values: the same products summed in the same order.
    fn level(
        &self,
        up: &PackedConvTranspose,
        level: &[Block],
        x: &[f32],
        t: usize,
        last: bool,
    ) -> Option<(Vec<f32>, usize)> {
        let isa = self.isa;
        let t_out = up.out_len(t)?;
        let cout = up.cout();
        let (k, u, p) = up.geometry();
        // Reach of the level's residual blocks (they run side by side) and of conv_post.
        let mut reach = level.iter().map(Block::reach).max().unwrap_or(0);
        if last {
            if self.conv_post.out_len(t_out)? != t_out {
                return None;
            }
            reach += self.conv_post.reach();
        }
        let rows_out = if last { self.conv_post.cout() } else { cout };
        let tile = (self.tile_values / cout).max(16);
        let mut out = vec![0f32; rows_out * t_out];
        let mut a = 0;
        while a < t_out {
            let b = if t_out - a < tile + tile / 2 {
                t_out
            } else {
                a + tile
            };
            // Inputs `i` read by outputs `a − reach ..= b − 1 + reach`: `i · u` in
            // `[a − reach + p − k + 1, b − 1 + reach + p]`.
            let lo = a as isize - reach as isize + p as isize - k as isize + 1;
            let i0 = if lo <= 0 { 0 } else { lo as usize / u };
            let i1 = ((b - 1 + reach + p) / u + 1).min(t);
            let n = i1 - i0;
            let slice: Vec<f32> = if i0 == 0 && i1 == t {
                x.to_vec()
            } else {
                x.chunks_exact(t)
                    .flat_map(|row| &row[i0..i1])
                    .copied()
                    .collect()
            };
            // The slice's outputs are the level's outputs from `i0 · u` on.
            let origin = i0 * u;
            let mut y = up.forward(isa, &slice, n, Some(SLOPE))?;
            let m = up.out_len(n)?;
            if origin > a || origin + m < b {
                return None;
            }
            let mut sum: Option<Vec<f32>> = None;
            for block in level {
                let z = self.block(block, &y, m)?;
                sum = Some(match sum {
                    Some(mut s) => {
                        for (s, z) in s.iter_mut().zip(&z) {
                            *s += z;
                        }
                        s
                    }
                    None => z,
                });
            }
            if let Some(mut s) = sum {
                let nk = level.len() as f32;
                for v in &mut s {
                    *v /= nk;
                }
                y = s;
            }
            if last {
                y = self
                    .conv_post
                    .forward(isa, &y, m, Some(POST_SLOPE), None, None)?;
                super::activation::tanh_in_place(&mut y);
            }
            for (row, src) in out.chunks_exact_mut(t_out).zip(y.chunks_exact(m)) {
                row[a..b].copy_from_slice(&src[a - origin..b - origin]);
            }
            a = b;
        }
        Some((out, t_out))
    }

    /// One residual block on `x: [ch, t]` (lengths are kept by the "same" padding).
    fn block(&self, block: &Block, x: &[f32], t: usize) -> Option<Vec<f32>> {
        let isa = self.isa;
        let mut x = x.to_vec();
        match block {
            Block::One(pairs) => {
                for (c1, c2) in pairs {
                    let xt = c1.forward(isa, &x, t, Some(SLOPE), None, None)?;
                    x = c2.forward(isa, &xt, t, Some(SLOPE), None, Some(&x))?;
                }
            }
            Block::Two(convs) => {
                for c in convs {
                    x = c.forward(isa, &x, t, Some(SLOPE), None, Some(&x))?;
                }
            }
        }
        Some(x)
    }
}
