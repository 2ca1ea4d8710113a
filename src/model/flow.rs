//! The residual coupling flow (`flow`), reverse direction: prior sample `z_p` → latent `z`.
//!
//! Port of piper_train `vits/models.py` (`ResidualCouplingBlock`) and `vits/modules.py`
//! (`ResidualCouplingLayer` with `mean_only=True`, `WN`, `Flip`), inference only, batch 1.

use super::config::VitsConfig;
use super::kernels::FlowKernels;
use super::layers::{pointwise_conv, same_conv};
use burn::module::Module;
use burn::nn::conv::Conv1d;
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor};
use std::sync::Arc;

/// WaveNet-style stack of gated dilated convolutions (`modules.WN`). A multi-speaker voice has
/// `cond_layer` (`gin → 2·hidden·layers`): the speaker embedding's contribution to every
/// layer's gate, split per layer.
#[derive(Module, Debug)]
pub(super) struct WaveNet {
    pub(super) in_layers: Vec<Conv1d>,
    pub(super) res_skip_layers: Vec<Conv1d>,
    pub(super) cond_layer: Option<Conv1d>,
    pub(super) hidden: usize,
}

impl WaveNet {
    fn init(c: &VitsConfig, device: &Device) -> Self {
        let (h, n) = (c.hidden_channels, c.flow_n_layers);
        Self {
            in_layers: (0..n)
                .map(|i| {
                    let d = c.flow_dilation_rate.pow(i as u32);
                    same_conv(h, 2 * h, c.flow_kernel_size, d).init(device)
                })
                .collect(),
            // The last layer has no residual half.
            res_skip_layers: (0..n)
                .map(|i| pointwise_conv(h, if i + 1 < n { 2 * h } else { h }).init(device))
                .collect(),
            cond_layer: (c.gin_channels > 0)
                .then(|| pointwise_conv(c.gin_channels, 2 * h * n).init(device)),
            hidden: h,
        }
    }

    /// `[1, h, t] -> [1, h, t]`; `g: [1, gin, 1]` is the speaker embedding (multi-speaker).
    fn forward(&self, mut x: Tensor<3>, g: Option<&Tensor<3>>) -> Tensor<3> {
        let h = self.hidden;
        // `g = self.cond_layer(g)`: [1, 2·h·layers, 1], broadcast over time.
        let g = match (&self.cond_layer, g) {
            (Some(c), Some(g)) => Some(c.forward(g.clone())),
            _ => None,
        };
        let mut output: Option<Tensor<3>> = None;
        let n = self.in_layers.len();
        for (i, (in_layer, res_skip)) in
            self.in_layers.iter().zip(&self.res_skip_layers).enumerate()
        {
            let mut x_in = in_layer.forward(x.clone());
            if let Some(g) = &g {
                x_in = x_in + g.clone().narrow(1, i * 2 * h, 2 * h);
            }
            // fused_add_tanh_sigmoid_multiply
            let acts = tanh(x_in.clone().narrow(1, 0, h)) * sigmoid(x_in.narrow(1, h, h));
            let rs = res_skip.forward(acts);
            let skip = if i + 1 < n {
                x = x + rs.clone().narrow(1, 0, h);
                rs.narrow(1, h, h)
            } else {
                rs
            };
            output = Some(match output {
                Some(o) => o + skip,
                None => skip,
            });
        }
        output.unwrap_or(x)
    }
}

/// One mean-only coupling layer.
#[derive(Module, Debug)]
pub(super) struct CouplingLayer {
    pub(super) pre: Conv1d,
    pub(super) enc: WaveNet,
    pub(super) post: Conv1d,
    pub(super) half: usize,
}

/// The flow.
#[derive(Module, Debug)]
pub struct Flow {
    /// Upstream `flows.0, 2, 4, …` (the odd indices are parameter-free `Flip`s).
    pub(super) couplings: Vec<CouplingLayer>,
    /// The couplings packed for the CPU kernels ([`super::kernels`]), built when the voice is
    /// loaded on the CPU (flex) device; `None` runs burn's ops.
    #[module(skip)]
    kernels: Option<Arc<FlowKernels>>,
}

impl Flow {
    /// The `flow` architecture of `c` (weights are applied by [`super::load`]).
    pub fn init(c: &VitsConfig, device: &Device) -> Self {
        let (h, half) = (c.hidden_channels, c.inter_channels / 2);
        Self {
            couplings: (0..c.flow_n_flows)
                .map(|_| CouplingLayer {
                    pre: pointwise_conv(half, h).init(device),
                    enc: WaveNet::init(c, device),
                    post: pointwise_conv(h, half).init(device),
                    half,
                })
                .collect(),
            kernels: None,
        }
    }

    /// Runs the CPU kernels (`true`) or burn's ops (`false`, the reference). Has no effect
    /// off the CPU device.
    pub fn set_kernels(&mut self, on: bool) {
        if on == self.kernels.is_some() {
            return;
        }
        let cpu = self
            .couplings
            .first()
            .is_some_and(|c| c.pre.weight.val().device() == crate::backend::cpu());
        self.kernels = if on && cpu {
            FlowKernels::new(self).map(Arc::new)
        } else {
            None
        };
    }

    /// `z_p: [1, inter, t] -> z: [1, inter, t]`; `g: [1, gin, 1]` is the speaker embedding of
    /// a multi-speaker voice ([`super::AcousticModel::speaker`]), `None` for a single speaker.
    pub fn reverse(&self, mut x: Tensor<3>, g: Option<&Tensor<3>>) -> Tensor<3> {
        if let Some(k) = &self.kernels
            && let Some(z) = k.reverse(x.clone(), g)
        {
            return z;
        }
        for l in self.couplings.iter().rev() {
            x = x.flip([1]); // Flip, undone first
            let x0 = x.clone().narrow(1, 0, l.half);
            let x1 = x.narrow(1, l.half, l.half);
            let m = l.post.forward(l.enc.forward(l.pre.forward(x0.clone()), g));
            x = Tensor::cat(vec![x0, x1 - m], 1);
        }
        x
    }
}
