//! The HiFi-GAN generator (`dec`): latent frames → waveform.
//!
//! Port of piper_train `vits/models.py` (`Generator`) and `vits/modules.py` (`ResBlock1`,
//! `ResBlock2`). Weight norm was removed before Piper's ONNX export, so plain weights load.

use super::config::VitsConfig;
use super::kernels::HifiGan;
use super::layers::same_conv;
use crate::weights::{TensorStore, WeightsError};
use burn::module::Module;
use burn::nn::conv::{Conv1d, ConvTranspose1d, ConvTranspose1dConfig};
use burn::tensor::activation::{leaky_relu, tanh};
use burn::tensor::{Device, Tensor};
use std::sync::Arc;

/// `LRELU_SLOPE` in `modules.py`.
const LRELU_SLOPE: f64 = 0.1;

/// `modules.ResBlock1`: each step is a dilated conv then a plain one.
#[derive(Module, Debug)]
pub(super) struct ResBlock1 {
    pub(super) convs1: Vec<Conv1d>,
    pub(super) convs2: Vec<Conv1d>,
}

/// `modules.ResBlock2`: one dilated conv per step.
#[derive(Module, Debug)]
pub(super) struct ResBlock2 {
    pub(super) convs: Vec<Conv1d>,
}

/// A residual block of the type the config names (`resblock: "1" | "2"`). The variant is not
/// part of a parameter's name (see [`super::names`]).
#[derive(Module, Debug)]
pub(super) enum ResBlock {
    One(ResBlock1),
    Two(ResBlock2),
}

impl ResBlock {
    fn init(kind: &str, ch: usize, k: usize, dilations: &[usize], device: &Device) -> Self {
        let dilated = |d| same_conv(ch, ch, k, d).init(device);
        let convs = dilations.iter().map(|&d| dilated(d)).collect();
        if kind == "1" {
            Self::One(ResBlock1 {
                convs1: convs,
                convs2: dilations.iter().map(|_| dilated(1)).collect(),
            })
        } else {
            Self::Two(ResBlock2 { convs })
        }
    }

    fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        match self {
            Self::One(b) => {
                for (c1, c2) in b.convs1.iter().zip(&b.convs2) {
                    let xt = c1.forward(leaky_relu(x.clone(), LRELU_SLOPE));
                    let xt = c2.forward(leaky_relu(xt, LRELU_SLOPE));
                    x = xt + x;
                }
            }
            Self::Two(b) => {
                for c in &b.convs {
                    x = c.forward(leaky_relu(x.clone(), LRELU_SLOPE)) + x;
                }
            }
        }
        x
    }
}

/// The HiFi-GAN generator, upstream `Generator`.
#[derive(Module, Debug)]
pub(super) struct Generator {
    pub(super) conv_pre: Conv1d,
    /// Multi-speaker voices: the speaker embedding's offset after `conv_pre` (`gin → ch0`).
    pub(super) cond: Option<Conv1d>,
    pub(super) ups: Vec<ConvTranspose1d>,
    /// `resblock_kernel_sizes.len()` blocks per upsampling level, level-major (upstream order).
    pub(super) resblocks: Vec<ResBlock>,
    pub(super) conv_post: Conv1d,
    pub(super) num_kernels: usize,
}

/// Stage 2: the vocoder (`dec`).
#[derive(Module, Debug)]
pub struct Vocoder {
    pub(super) dec: Generator,
    /// The generator packed for the CPU kernels ([`super::kernels`]), built by [`Self::load`]
    /// on the CPU (flex) device; `None` runs burn's ops (WebGPU, or kernels turned off).
    #[module(skip)]
    kernels: Option<Arc<HifiGan>>,
}

impl Vocoder {
    /// The `dec` architecture of `c` (weights are applied by [`super::load`]).
    pub fn init(c: &VitsConfig, device: &Device) -> Self {
        let ch0 = c.upsample_initial_channel;
        let mut ups = Vec::new();
        let mut resblocks = Vec::new();
        let mut ch = ch0;
        for (&u, &k) in c.upsample_rates.iter().zip(&c.upsample_kernel_sizes) {
            // nn.ConvTranspose1d(ch, ch // 2, k, u, padding=(k - u) // 2)
            ups.push(
                ConvTranspose1dConfig::new([ch, ch / 2], k)
                    .with_stride(u)
                    .with_padding((k - u) / 2)
                    .init(device),
            );
            ch /= 2;
            for (&rk, rd) in c
                .resblock_kernel_sizes
                .iter()
                .zip(&c.resblock_dilation_sizes)
            {
                resblocks.push(ResBlock::init(&c.resblock, ch, rk, rd, device));
            }
        }
        Self {
            dec: Generator {
                conv_pre: same_conv(c.inter_channels, ch0, 7, 1).init(device),
                cond: (c.gin_channels > 0)
                    .then(|| same_conv(c.gin_channels, ch0, 1, 1).init(device)),
                ups,
                resblocks,
                conv_post: same_conv(ch, 1, 7, 1).with_bias(false).init(device),
                num_kernels: c.resblock_kernel_sizes.len(),
            },
            kernels: None,
        }
    }

    /// Builds the vocoder and takes `dec.*` from the store.
    pub fn load(
        store: &mut TensorStore,
        config: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let mut v = super::load::load(Self::init(config, device), store)?;
        v.set_kernels(*device == crate::backend::cpu());
        Ok(v)
    }

    /// Runs the CPU kernels (`true`, the default on the CPU device) or burn's ops (`false`,
    /// the reference they are tested against). Has no effect off the CPU device.
    pub fn set_kernels(&mut self, on: bool) {
        if on == self.kernels.is_some() {
            return;
        }
        let cpu = self.dec.conv_pre.weight.val().device() == crate::backend::cpu();
        self.kernels = if on && cpu {
            HifiGan::new(&self.dec).map(Arc::new)
        } else {
            None
        };
    }

    /// Whether [`Self::forward`] runs the CPU kernels.
    pub fn kernels(&self) -> bool {
        self.kernels.is_some()
    }

    /// `z: [1, inter, frames] -> audio: [1, 1, frames * hop]` in [-1, 1]; `speaker:
    /// [1, gin, 1]` is the speaker embedding of a multi-speaker voice
    /// ([`super::AcousticModel::speaker`]), `None` for a single speaker.
    pub fn forward(&self, z: Tensor<3>, speaker: Option<&Tensor<3>>) -> Tensor<3> {
        if let Some(k) = &self.kernels
            && let Some(audio) = k.forward(z.clone(), speaker)
        {
            return audio;
        }
        let g = &self.dec;
        let mut x = g.conv_pre.forward(z);
        if let (Some(cond), Some(s)) = (&g.cond, speaker) {
            x = x + cond.forward(s.clone());
        }
        for (up, level) in g.ups.iter().zip(g.resblocks.chunks(g.num_kernels.max(1))) {
            x = up.forward(leaky_relu(x, LRELU_SLOPE));
            let mut xs: Option<Tensor<3>> = None;
            for rb in level {
                let y = rb.forward(x.clone());
                xs = Some(match xs {
                    Some(s) => s + y,
                    None => y,
                });
            }
            if let Some(xs) = xs {
                x = xs / level.len() as f64;
            }
        }
        // F.leaky_relu with its default slope (0.01), then conv_post and tanh.
        tanh(g.conv_post.forward(leaky_relu(x, 0.01)))
    }
}
