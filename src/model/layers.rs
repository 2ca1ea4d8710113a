//! Building blocks shared by the VITS stages: "same"-padded 1-D convolutions (burn-nn's
//! [`Conv1d`], configured as piper's `nn.Conv1d(..., padding=get_padding(k, d))`) and the
//! channel LayerNorm VITS uses on `[b, c, t]` tensors.

use burn::module::{Module, Param};
use burn::nn::conv::Conv1dConfig;
use burn::nn::{Initializer, PaddingConfig1d};
use burn::tensor::{Device, Tensor};

/// `nn.Conv1d(in_ch, out_ch, kernel, dilation=dilation, padding=get_padding(kernel, dilation))`:
/// stride 1, symmetric padding that keeps the length (`commons.get_padding`).
pub fn same_conv(in_ch: usize, out_ch: usize, kernel: usize, dilation: usize) -> Conv1dConfig {
    // get_padding(k, d) = (k*d - d) / 2 (piper_train/vits/commons.py)
    let pad = (kernel * dilation - dilation) / 2;
    Conv1dConfig::new(in_ch, out_ch, kernel)
        .with_dilation(dilation)
        .with_padding(PaddingConfig1d::Explicit(pad, pad))
}

/// A 1×1 convolution (`nn.Conv1d(in_ch, out_ch, 1)`).
pub fn pointwise_conv(in_ch: usize, out_ch: usize) -> Conv1dConfig {
    same_conv(in_ch, out_ch, 1, 1)
}

/// VITS `modules.LayerNorm`: normalizes over the channels of a `[b, c, t]` tensor (eps 1e-5).
///
/// burn-nn's `LayerNorm` normalizes the last dimension; using it here would cost two transposes
/// per call, so the channel form stays, with upstream's parameter names (`gamma`, `beta`).
#[derive(Module, Debug)]
pub struct ChannelNorm {
    /// Scale `[c]`.
    pub gamma: Param<Tensor<1>>,
    /// Shift `[c]`.
    pub beta: Param<Tensor<1>>,
}

impl ChannelNorm {
    /// A norm over `channels` (identity until weights are loaded).
    pub fn init(channels: usize, device: &Device) -> Self {
        Self {
            gamma: Initializer::Ones.init([channels], device),
            beta: Initializer::Zeros.init([channels], device),
        }
    }

    /// `[b, c, t] -> [b, c, t]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let c = x.dims()[1];
        let (var, mean) = x.clone().var_mean_bias(1);
        let x = (x - mean) / (var + 1e-5).sqrt();
        x * self.gamma.val().reshape([1, c, 1]) + self.beta.val().reshape([1, c, 1])
    }
}
