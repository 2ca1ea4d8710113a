//! The stochastic duration predictor (`dp`), inference direction: noise → log-durations
//! through the reversed normalizing flow, conditioned on the text encoder output.
//!
//! Port of piper_train `vits/models.py` (`StochasticDurationPredictor.forward(reverse=True)`)
//! and `vits/modules.py` (`DDSConv`, `ConvFlow`, `ElementwiseAffine`, `Flip`). The flow runs on
//! a `[2, t]` latent, all on the device (the spline too, [`super::spline`]): one read-back, the
//! log-durations at the end.

use super::config::VitsConfig;
use super::layers::{ChannelNorm, pointwise_conv, same_conv};
use super::to_host;
use crate::error::SynthesisError;
use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::nn::conv::Conv1d;
use burn::tensor::activation::gelu;
use burn::tensor::{Device, Tensor, TensorData};

/// Dilated depth-separable convolutions (`modules.DDSConv`).
#[derive(Module, Debug)]
struct DdsConv {
    convs_sep: Vec<Conv1d>,
    convs_1x1: Vec<Conv1d>,
    norms_1: Vec<ChannelNorm>,
    norms_2: Vec<ChannelNorm>,
}

impl DdsConv {
    fn init(c: &VitsConfig, device: &Device) -> Self {
        let (f, k, n) = (c.dp_filter_channels, c.dp_kernel_size, c.dp_dds_layers);
        let dilations = (0..n).map(|i| k.pow(i as u32));
        Self {
            convs_sep: dilations
                .map(|d| same_conv(f, f, k, d).with_groups(f).init(device))
                .collect(),
            convs_1x1: (0..n).map(|_| pointwise_conv(f, f).init(device)).collect(),
            norms_1: (0..n).map(|_| ChannelNorm::init(f, device)).collect(),
            norms_2: (0..n).map(|_| ChannelNorm::init(f, device)).collect(),
        }
    }

    fn forward(&self, mut x: Tensor<3>, g: Option<Tensor<3>>) -> Tensor<3> {
        if let Some(g) = g {
            x = x + g;
        }
        for (((sep, one), norm_1), norm_2) in self
            .convs_sep
            .iter()
            .zip(&self.convs_1x1)
            .zip(&self.norms_1)
            .zip(&self.norms_2)
        {
            let y = gelu(norm_1.forward(sep.forward(x.clone())));
            let y = gelu(norm_2.forward(one.forward(y)));
            x = x + y;
        }
        x
    }
}

/// `modules.ConvFlow` (half_channels = 1).
#[derive(Module, Debug)]
struct ConvFlow {
    pre: Conv1d,
    convs: DdsConv,
    proj: Conv1d,
}

/// `modules.ElementwiseAffine` over the 2 channels: mean and log-scale `[2, 1]`.
#[derive(Module, Debug)]
struct ElementwiseAffine {
    m: Param<Tensor<2>>,
    logs: Param<Tensor<2>>,
}

/// The duration predictor.
#[derive(Module, Debug)]
pub struct DurationPredictor {
    pre: Conv1d,
    /// Multi-speaker voices: the speaker embedding's offset after `pre` (`gin → filter`).
    cond: Option<Conv1d>,
    convs: DdsConv,
    proj: Conv1d,
    /// Upstream `flows.0`.
    elementwise_affine: ElementwiseAffine,
    /// The ConvFlows the reverse pass uses, in upstream order (`flows.3`, `flows.5`, …); the
    /// reverse pass applies them last first. `flows.1` is "a useless vflow" upstream, and the
    /// even indices above 0 are parameter-free `Flip`s.
    conv_flows: Vec<ConvFlow>,
    bins: usize,
    tail_bound: f32,
    filter: usize,
}

impl DurationPredictor {
    /// The `dp` architecture of `c` (weights are applied by [`super::load`]).
    pub fn init(c: &VitsConfig, device: &Device) -> Self {
        let (h, f) = (c.hidden_channels, c.dp_filter_channels);
        Self {
            pre: pointwise_conv(h, f).init(device),
            cond: (c.gin_channels > 0).then(|| pointwise_conv(c.gin_channels, f).init(device)),
            convs: DdsConv::init(c, device),
            proj: pointwise_conv(f, f).init(device),
            elementwise_affine: ElementwiseAffine {
                m: Initializer::Zeros.init([2, 1], device),
                logs: Initializer::Zeros.init([2, 1], device),
            },
            conv_flows: (0..c.dp_conv_flows)
                .map(|_| ConvFlow {
                    pre: pointwise_conv(1, f).init(device),
                    convs: DdsConv::init(c, device),
                    proj: pointwise_conv(f, 3 * c.dp_num_bins - 1).init(device),
                })
                .collect(),
            bins: c.dp_num_bins,
            tail_bound: c.dp_tail_bound,
            filter: f,
        }
    }

    /// Log-durations `logw[t]` for encoder output `x: [1, h, t]`; `noise` is `[2][t]`
    /// (standard normal × noise_w, zeros for a deterministic run); `speaker: [1, gin, 1]` is
    /// the speaker embedding of a multi-speaker voice, `None` for a single speaker.
    pub async fn forward(
        &self,
        x: Tensor<3>,
        noise: [Vec<f32>; 2],
        speaker: Option<&Tensor<3>>,
    ) -> Result<Vec<f32>, SynthesisError> {
        let t = x.dims()[2];
        let device = x.device();
        let mut x = self.pre.forward(x);
        if let (Some(cond), Some(s)) = (&self.cond, speaker) {
            x = x + cond.forward(s.clone());
        }
        let g = self.proj.forward(self.convs.forward(x, None));
        // The latent's two channels as `[t, 1]` columns; everything stays on the device until
        // the log-durations are read back, once.
        let column = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [t, 1]), &device);
        let [z0, z1] = noise;
        let (mut z0, mut z1) = (column(z0), column(z1));
        // Reverse order: Flip, ConvFlow(7), Flip, ConvFlow(5), Flip, ConvFlow(3), Flip, EA(0).
        let scale = (self.filter as f32).sqrt();
        let k = self.bins;
        for flow in self.conv_flows.iter().rev() {
            std::mem::swap(&mut z0, &mut z1); // Flip
            let x0 = z0.clone().reshape([1, 1, t]);
            let h = flow
                .proj
                .forward(flow.convs.forward(flow.pre.forward(x0), Some(g.clone())));
            let h = h.reshape([3 * k - 1, t]).transpose(); // [t, 3k-1]: one frame per row
            let w = h.clone().narrow(1, 0, k) / scale;
            let hh = h.clone().narrow(1, k, k) / scale;
            let d = h.narrow(1, 2 * k, k - 1);
            z1 = super::spline::inverse(z1, w, hh, d, self.tail_bound);
        }
        std::mem::swap(&mut z0, &mut z1); // Flip (flows.2)
        // ElementwiseAffine reverse: x = (x - m) * exp(-logs); logw is channel 0, so channel 1
        // (z1) is not needed past this point.
        let ea = &self.elementwise_affine;
        let m = ea.m.val().narrow(0, 0, 1); // [1, 1]
        let logs = ea.logs.val().narrow(0, 0, 1);
        let logw = (z0 - m) * (-logs).exp();
        to_host(logw.reshape([t])).await
    }
}
