//! Building blocks shared by the VITS stages: 1-D convolutions and channel LayerNorm,
//! loaded by upstream parameter name (`<prefix>.weight`, `<prefix>.bias`, `.gamma`, `.beta`).

use crate::weights::{TensorStore, WeightsError};
use burn::tensor::module::{conv_transpose1d, conv1d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use burn::tensor::{Device, Tensor};

/// `nn.Conv1d` with "same"-style symmetric padding.
#[derive(Debug, Clone)]
pub struct Conv1d {
    weight: Tensor<3>,
    bias: Option<Tensor<1>>,
    options: ConvOptions<1>,
}

/// Shape and wiring of a [`Conv1d`].
#[derive(Debug, Clone, Copy)]
pub struct ConvSpec {
    /// Input channels.
    pub in_ch: usize,
    /// Output channels.
    pub out_ch: usize,
    /// Kernel width.
    pub kernel: usize,
    /// Dilation.
    pub dilation: usize,
    /// Groups (depthwise when equal to `in_ch`).
    pub groups: usize,
    /// Whether a bias is stored.
    pub bias: bool,
}

impl ConvSpec {
    /// A plain convolution with bias, padded to keep the length.
    pub fn new(in_ch: usize, out_ch: usize, kernel: usize) -> Self {
        Self {
            in_ch,
            out_ch,
            kernel,
            dilation: 1,
            groups: 1,
            bias: true,
        }
    }
    /// With dilation.
    pub fn dilation(self, dilation: usize) -> Self {
        Self { dilation, ..self }
    }
    /// With groups.
    pub fn groups(self, groups: usize) -> Self {
        Self { groups, ..self }
    }
    /// Without bias.
    pub fn no_bias(self) -> Self {
        Self {
            bias: false,
            ..self
        }
    }
}

impl Conv1d {
    /// Loads `<prefix>.weight` `[out, in/groups, k]` (and `.bias` `[out]`).
    pub fn load(
        store: &mut TensorStore,
        prefix: &str,
        s: ConvSpec,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let weight = store.take(
            &format!("{prefix}.weight"),
            [s.out_ch, s.in_ch / s.groups, s.kernel],
            device,
        )?;
        let bias = if s.bias {
            Some(store.take(&format!("{prefix}.bias"), [s.out_ch], device)?)
        } else {
            None
        };
        // get_padding(k, d) = (k*d - d) / 2 (piper_train/vits/commons.py)
        let pad = (s.kernel * s.dilation - s.dilation) / 2;
        Ok(Self {
            weight,
            bias,
            options: ConvOptions::new([1], [pad], [s.dilation], s.groups),
        })
    }

    /// `[b, in, t] -> [b, out, t]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        conv1d(
            x,
            self.weight.clone(),
            self.bias.clone(),
            self.options.clone(),
        )
    }
}

/// `nn.ConvTranspose1d(in, out, k, stride=u, padding=(k-u)//2)` as in HiFi-GAN's `ups`.
#[derive(Debug, Clone)]
pub struct ConvTranspose1d {
    weight: Tensor<3>,
    bias: Tensor<1>,
    options: ConvTransposeOptions<1>,
}

impl ConvTranspose1d {
    /// Loads `<prefix>.weight` `[in, out, k]` and `.bias` `[out]`.
    pub fn load(
        store: &mut TensorStore,
        prefix: &str,
        (in_ch, out_ch, kernel, stride): (usize, usize, usize, usize),
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let weight = store.take(&format!("{prefix}.weight"), [in_ch, out_ch, kernel], device)?;
        let bias = store.take(&format!("{prefix}.bias"), [out_ch], device)?;
        let options = ConvTransposeOptions::new([stride], [(kernel - stride) / 2], [0], [1], 1);
        Ok(Self {
            weight,
            bias,
            options,
        })
    }

    /// `[b, in, t] -> [b, out, t * stride]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        conv_transpose1d(
            x,
            self.weight.clone(),
            Some(self.bias.clone()),
            self.options.clone(),
        )
    }
}

/// VITS `modules.LayerNorm`: normalizes over channels of a `[b, c, t]` tensor (eps 1e-5).
#[derive(Debug, Clone)]
pub struct ChannelNorm {
    gamma: Tensor<3>,
    beta: Tensor<3>,
}

impl ChannelNorm {
    /// Loads `<prefix>.gamma` and `<prefix>.beta`, both `[c]`.
    pub fn load(
        store: &mut TensorStore,
        prefix: &str,
        channels: usize,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let gamma: Tensor<1> = store.take(&format!("{prefix}.gamma"), [channels], device)?;
        let beta: Tensor<1> = store.take(&format!("{prefix}.beta"), [channels], device)?;
        Ok(Self {
            gamma: gamma.reshape([1, channels, 1]),
            beta: beta.reshape([1, channels, 1]),
        })
    }

    /// `[b, c, t] -> [b, c, t]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let (var, mean) = x.clone().var_mean_bias(1);
        let x = (x - mean) / (var + 1e-5).sqrt();
        x * self.gamma.clone() + self.beta.clone()
    }
}
