//! The flow's reverse pass (upstream `ResidualCouplingBlock`, WaveNet couplings) on the
//! [`super::conv`] kernels: the same graph as [`super::super::flow::Flow::reverse`] on
//! `[channels, time]` host slices. Each WaveNet layer's `res_skip` 1×1 convolution is split in
//! its residual half (added to the hidden state in the kernel) and its skip half (added to the
//! running skip sum in the kernel); `post` is packed negated, so `x1 − post(h)` is its residual.

use super::super::flow::Flow;
use super::Isa;
use super::conv::PackedConv;
use super::hifigan::{host, pack};
use burn::nn::conv::Conv1d;
use burn::tensor::{Tensor, TensorData};

/// Packs rows `rows` of a 1×1 convolution, weights and bias times `scale` (±1: exact).
fn pack_rows(c: &Conv1d, rows: std::ops::Range<usize>, scale: f32) -> Option<PackedConv> {
    let [cout, cin, k] = c.weight.val().dims();
    if k != 1 || c.stride != 1 || c.groups != 1 || rows.end > cout || rows.is_empty() {
        return None;
    }
    let w = host(c.weight.val())?;
    let w: Vec<f32> = w[rows.start * cin..rows.end * cin]
        .iter()
        .map(|v| v * scale)
        .collect();
    let b = match &c.bias {
        Some(b) => Some(
            host(b.val())?[rows.clone()]
                .iter()
                .map(|v| v * scale)
                .collect::<Vec<_>>(),
        ),
        None => None,
    };
    PackedConv::new(&w, b.as_deref(), rows.len(), cin, 1, 1, 0, 0)
}

/// One WaveNet layer: the gated dilated convolution and the split `res_skip`.
#[derive(Debug, Clone)]
struct Layer {
    gate: PackedConv,
    /// `None` for the last layer (skip only).
    res: Option<PackedConv>,
    skip: PackedConv,
}

/// One mean-only coupling layer.
#[derive(Debug, Clone)]
struct Coupling {
    half: usize,
    hidden: usize,
    pre: PackedConv,
    layers: Vec<Layer>,
    /// `−post`.
    neg_post: PackedConv,
    /// `cond_layer` as `[2·h·layers][gin]` weights and bias.
    cond: Option<(Vec<f32>, Vec<f32>)>,
}

/// The packed flow (a second copy of its weights).
#[derive(Debug, Clone)]
pub struct FlowKernels {
    isa: Isa,
    couplings: Vec<Coupling>,
}

impl FlowKernels {
    /// Packs `f`'s weights for the fastest instruction set here; `None` when a layer has a
    /// shape the kernels do not cover (burn's path is kept).
    pub(in crate::model) fn new(f: &Flow) -> Option<Self> {
        Self::with_isa(f, Isa::best())
    }

    /// As [`Self::new`], on a given instruction set (tests force each).
    pub(in crate::model) fn with_isa(f: &Flow, isa: Isa) -> Option<Self> {
        let couplings = f
            .couplings
            .iter()
            .map(|c| {
                let h = c.enc.hidden;
                let n = c.enc.in_layers.len();
                let layers = c
                    .enc
                    .in_layers
                    .iter()
                    .zip(&c.enc.res_skip_layers)
                    .enumerate()
                    .map(|(i, (gate, rs))| {
                        Some(if i + 1 < n {
                            Layer {
                                gate: pack(gate)?,
                                res: Some(pack_rows(rs, 0..h, 1.0)?),
                                skip: pack_rows(rs, h..2 * h, 1.0)?,
                            }
                        } else {
                            Layer {
                                gate: pack(gate)?,
                                res: None,
                                skip: pack_rows(rs, 0..h, 1.0)?,
                            }
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                let [cout, _, _] = c.post.weight.val().dims();
                let cond = match &c.enc.cond_layer {
                    Some(cl) => {
                        let w = host(cl.weight.val())?;
                        let rows = cl.weight.val().dims()[0];
                        let b = match &cl.bias {
                            Some(b) => host(b.val())?,
                            None => vec![0.0; rows],
                        };
                        Some((w, b))
                    }
                    None => None,
                };
                Some(Coupling {
                    half: c.half,
                    hidden: h,
                    pre: pack(&c.pre)?,
                    layers,
                    neg_post: pack_rows(&c.post, 0..cout, -1.0)?,
                    cond,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            isa: if isa.supported() { isa } else { Isa::Scalar },
            couplings,
        })
    }

    /// `z_p: [1, inter, t] -> z: [1, inter, t]`, as burn's path; `None` when a shape does not
    /// fit (the caller then runs burn's path).
    pub fn reverse(&self, z: Tensor<3>, g: Option<&Tensor<3>>) -> Option<Tensor<3>> {
        let device = z.device();
        let [batch, ch, t] = z.dims();
        if batch != 1 || t == 0 {
            return None;
        }
        let g = match g {
            Some(g) => Some(host(g.clone())?),
            None => None,
        };
        let isa = self.isa;
        let mut x = host(z)?;
        for c in self.couplings.iter().rev() {
            if 2 * c.half != ch {
                return None;
            }
            // Flip: the channels in reverse order.
            let mut flipped = Vec::with_capacity(x.len());
            for row in x.chunks_exact(t).rev() {
                flipped.extend_from_slice(row);
            }
            let (x0, x1) = flipped.split_at(c.half * t);
            let offsets = match (&c.cond, &g) {
                (Some((w, b)), Some(g)) if !g.is_empty() && w.len() == b.len() * g.len() => Some(
                    b.iter()
                        .zip(w.chunks_exact(g.len()))
                        .map(|(b, w)| b + w.iter().zip(g).map(|(w, g)| w * g).sum::<f32>())
                        .collect::<Vec<f32>>(),
                ),
                _ => None,
            };
            let h = c.hidden;
            let mut hs = c.pre.forward(isa, x0, t, None, None, None)?;
            let mut skip: Option<Vec<f32>> = None;
            let mut acts = vec![0f32; h * t];
            for (i, l) in c.layers.iter().enumerate() {
                let off = match &offsets {
                    Some(o) => Some(o.get(i * 2 * h..(i + 1) * 2 * h)?),
                    None => None,
                };
                let x_in = l.gate.forward(isa, &hs, t, None, off, None)?;
                let (a, b) = x_in.split_at(h * t);
                super::activation::gate(&mut acts, a, b);
                if let Some(res) = &l.res {
                    hs = res.forward(isa, &acts, t, None, None, Some(&hs))?;
                }
                skip = Some(l.skip.forward(isa, &acts, t, None, None, skip.as_deref())?);
            }
            let out = skip.unwrap_or(hs);
            let x1 = c.neg_post.forward(isa, &out, t, None, None, Some(x1))?;
            let mut next = Vec::with_capacity(x.len());
            next.extend_from_slice(x0);
            next.extend_from_slice(&x1);
            x = next;
        }
        Some(Tensor::from_data(TensorData::new(x, [1, ch, t]), &device))
    }
}
