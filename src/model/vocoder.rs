//! The HiFi-GAN generator (`dec`): latent frames → waveform.
//!
//! Port of piper_train `vits/models.py` (`Generator`) and `vits/modules.py` (`ResBlock1`,
//! `ResBlock2`). Weight norm was removed before Piper's ONNX export, so plain weights load.

use super::config::VitsConfig;
use super::layers::{Conv1d, ConvSpec, ConvTranspose1d};
use crate::weights::{TensorStore, WeightsError};
use burn::tensor::activation::{leaky_relu, tanh};
use burn::tensor::{Device, Tensor};

/// `LRELU_SLOPE` in `modules.py`.
const LRELU_SLOPE: f64 = 0.1;

/// A residual block: type "1" has dilated `convs1` each followed by a `convs2`; type "2" has
/// one dilated conv per step.
#[derive(Debug, Clone)]
struct ResBlock {
    convs1: Vec<Conv1d>,
    convs2: Vec<Conv1d>,
}

impl ResBlock {
    fn load(
        store: &mut TensorStore,
        p: &str,
        ch: usize,
        k: usize,
        dilations: &[usize],
        kind: &str,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let mut s = Self {
            convs1: vec![],
            convs2: vec![],
        };
        for (i, &d) in dilations.iter().enumerate() {
            if kind == "1" {
                s.convs1.push(Conv1d::load(
                    store,
                    &format!("{p}.convs1.{i}"),
                    ConvSpec::new(ch, ch, k).dilation(d),
                    device,
                )?);
                s.convs2.push(Conv1d::load(
                    store,
                    &format!("{p}.convs2.{i}"),
                    ConvSpec::new(ch, ch, k),
                    device,
                )?);
            } else {
                s.convs1.push(Conv1d::load(
                    store,
                    &format!("{p}.convs.{i}"),
                    ConvSpec::new(ch, ch, k).dilation(d),
                    device,
                )?);
            }
        }
        Ok(s)
    }

    fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        for (i, c1) in self.convs1.iter().enumerate() {
            let mut xt = c1.forward(leaky_relu(x.clone(), LRELU_SLOPE));
            if let Some(c2) = self.convs2.get(i) {
                xt = c2.forward(leaky_relu(xt, LRELU_SLOPE));
            }
            x = xt + x;
        }
        x
    }
}

/// The generator.
#[derive(Debug, Clone)]
pub struct Vocoder {
    conv_pre: Conv1d,
    ups: Vec<ConvTranspose1d>,
    resblocks: Vec<Vec<ResBlock>>,
    conv_post: Conv1d,
}

impl Vocoder {
    /// Loads `dec.*`.
    pub fn load(
        store: &mut TensorStore,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let ch0 = c.upsample_initial_channel;
        let conv_pre = Conv1d::load(
            store,
            "dec.conv_pre",
            ConvSpec::new(c.inter_channels, ch0, 7),
            device,
        )?;
        let nk = c.resblock_kernel_sizes.len();
        let mut ups = Vec::new();
        let mut resblocks = Vec::new();
        let mut ch = ch0;
        for (i, (&u, &k)) in c
            .upsample_rates
            .iter()
            .zip(&c.upsample_kernel_sizes)
            .enumerate()
        {
            ups.push(ConvTranspose1d::load(
                store,
                &format!("dec.ups.{i}"),
                (ch, ch / 2, k, u),
                device,
            )?);
            ch /= 2;
            let mut level = Vec::new();
            for (j, (&rk, rd)) in c
                .resblock_kernel_sizes
                .iter()
                .zip(&c.resblock_dilation_sizes)
                .enumerate()
            {
                level.push(ResBlock::load(
                    store,
                    &format!("dec.resblocks.{}", i * nk + j),
                    ch,
                    rk,
                    rd,
                    &c.resblock,
                    device,
                )?);
            }
            resblocks.push(level);
        }
        let conv_post = Conv1d::load(
            store,
            "dec.conv_post",
            ConvSpec::new(ch, 1, 7).no_bias(),
            device,
        )?;
        Ok(Self {
            conv_pre,
            ups,
            resblocks,
            conv_post,
        })
    }

    /// `z: [1, inter, frames] -> audio: [1, 1, frames * hop]` in [-1, 1].
    pub fn forward(&self, z: Tensor<3>) -> Tensor<3> {
        let mut x = self.conv_pre.forward(z);
        for (up, level) in self.ups.iter().zip(&self.resblocks) {
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
        tanh(self.conv_post.forward(leaky_relu(x, 0.01)))
    }
}
