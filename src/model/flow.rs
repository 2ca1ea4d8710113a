//! The residual coupling flow (`flow`), reverse direction: prior sample `z_p` → latent `z`.
//!
//! Port of piper_train `vits/models.py` (`ResidualCouplingBlock`) and `vits/modules.py`
//! (`ResidualCouplingLayer` with `mean_only=True`, `WN`, `Flip`), inference only, batch 1.

use super::config::VitsConfig;
use super::layers::{Conv1d, ConvSpec};
use crate::weights::{TensorStore, WeightsError};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor};

/// WaveNet-style stack of gated dilated convolutions (`modules.WN`, no conditioning).
#[derive(Debug, Clone)]
struct WaveNet {
    in_layers: Vec<Conv1d>,
    res_skip: Vec<Conv1d>,
    hidden: usize,
}

impl WaveNet {
    fn load(
        store: &mut TensorStore,
        p: &str,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let h = c.hidden_channels;
        let mut s = Self {
            in_layers: vec![],
            res_skip: vec![],
            hidden: h,
        };
        for i in 0..c.flow_n_layers {
            let d = c.flow_dilation_rate.pow(i as u32);
            s.in_layers.push(Conv1d::load(
                store,
                &format!("{p}.in_layers.{i}"),
                ConvSpec::new(h, 2 * h, c.flow_kernel_size).dilation(d),
                device,
            )?);
            let out = if i + 1 < c.flow_n_layers { 2 * h } else { h };
            s.res_skip.push(Conv1d::load(
                store,
                &format!("{p}.res_skip_layers.{i}"),
                ConvSpec::new(h, out, 1),
                device,
            )?);
        }
        Ok(s)
    }

    /// `[1, h, t] -> [1, h, t]`
    fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        let h = self.hidden;
        let mut output: Option<Tensor<3>> = None;
        let n = self.in_layers.len();
        for i in 0..n {
            let x_in = self.in_layers[i].forward(x.clone());
            // fused_add_tanh_sigmoid_multiply
            let acts = tanh(x_in.clone().narrow(1, 0, h)) * sigmoid(x_in.narrow(1, h, h));
            let rs = self.res_skip[i].forward(acts);
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
#[derive(Debug, Clone)]
struct CouplingLayer {
    pre: Conv1d,
    enc: WaveNet,
    post: Conv1d,
    half: usize,
}

/// The flow.
#[derive(Debug, Clone)]
pub struct Flow {
    layers: Vec<CouplingLayer>,
}

impl Flow {
    /// Loads `flow.flows.{0,2,4,6}.*` (odd indices are parameter-free `Flip`s).
    pub fn load(
        store: &mut TensorStore,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let (h, half) = (c.hidden_channels, c.inter_channels / 2);
        let mut layers = Vec::new();
        for j in 0..c.flow_n_flows {
            let p = format!("flow.flows.{}", 2 * j);
            layers.push(CouplingLayer {
                pre: Conv1d::load(
                    store,
                    &format!("{p}.pre"),
                    ConvSpec::new(half, h, 1),
                    device,
                )?,
                enc: WaveNet::load(store, &format!("{p}.enc"), c, device)?,
                post: Conv1d::load(
                    store,
                    &format!("{p}.post"),
                    ConvSpec::new(h, half, 1),
                    device,
                )?,
                half,
            });
        }
        Ok(Self { layers })
    }

    /// `z_p: [1, inter, t] -> z: [1, inter, t]`
    pub fn reverse(&self, mut x: Tensor<3>) -> Tensor<3> {
        for l in self.layers.iter().rev() {
            x = x.flip([1]); // Flip, undone first
            let x0 = x.clone().narrow(1, 0, l.half);
            let x1 = x.narrow(1, l.half, l.half);
            let m = l.post.forward(l.enc.forward(l.pre.forward(x0.clone())));
            x = Tensor::cat(vec![x0, x1 - m], 1);
        }
        x
    }
}
