//! VITS hyper-parameters, as the converter reads them off the ONNX graph.
//!
//! Names follow piper's `src/python/piper_train/vits/models.py` (`SynthesizerTrn.__init__`)
//! and `config.py`. Values for `en_US-joe-medium` are in the comments.

use serde::{Deserialize, Serialize};

/// Architecture of a Piper VITS voice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VitsConfig {
    /// Symbols in the phoneme table (256).
    pub n_vocab: usize,
    /// Speakers (1); > 1 adds the `emb_g` speaker embedding.
    pub n_speakers: usize,
    /// Speaker embedding width (0 for single-speaker voices).
    pub gin_channels: usize,
    /// Text encoder width (192).
    pub hidden_channels: usize,
    /// Latent width (192).
    pub inter_channels: usize,
    /// Text encoder FFN width (768).
    pub filter_channels: usize,
    /// Attention heads (2).
    pub n_heads: usize,
    /// Encoder layers (6).
    pub n_layers: usize,
    /// Encoder FFN kernel (3).
    pub kernel_size: usize,
    /// Relative attention window (4).
    pub window_size: usize,
    /// Duration predictor width (192).
    pub dp_filter_channels: usize,
    /// Duration predictor kernel (3).
    pub dp_kernel_size: usize,
    /// DDSConv layers in the duration predictor (3).
    pub dp_dds_layers: usize,
    /// ConvFlows used in the reverse (inference) direction (3 of the 4 trained).
    pub dp_conv_flows: usize,
    /// Spline bins (10).
    pub dp_num_bins: usize,
    /// Spline tail bound (5.0).
    pub dp_tail_bound: f32,
    /// Coupling layers in the flow (4).
    pub flow_n_flows: usize,
    /// WaveNet kernel in the flow (5).
    pub flow_kernel_size: usize,
    /// WaveNet dilation rate (1).
    pub flow_dilation_rate: usize,
    /// WaveNet layers (4).
    pub flow_n_layers: usize,
    /// HiFi-GAN first width (256).
    pub upsample_initial_channel: usize,
    /// Upsampling strides ([8, 8, 4]).
    pub upsample_rates: Vec<usize>,
    /// Upsampling kernels ([16, 16, 8]).
    pub upsample_kernel_sizes: Vec<usize>,
    /// `"1"` or `"2"` (HiFi-GAN residual block type; medium voices use "2").
    pub resblock: String,
    /// Residual block kernels ([3, 5, 7]).
    pub resblock_kernel_sizes: Vec<usize>,
    /// Residual block dilations ([[1, 2], [2, 6], [3, 12]]).
    pub resblock_dilation_sizes: Vec<Vec<usize>>,
}

impl VitsConfig {
    /// Samples per latent frame (product of upsample rates; 256).
    pub fn hop_length(&self) -> usize {
        self.upsample_rates.iter().product()
    }

    /// Bounds every field so a hostile manifest cannot ask for absurd work or memory.
    /// Returns the name of the first bad field.
    pub fn validate(&self) -> Result<(), &'static str> {
        let within = |v: usize, lo: usize, hi: usize| (lo..=hi).contains(&v);
        let checks: [(&'static str, bool); 20] = [
            ("model.n_vocab", within(self.n_vocab, 4, 4096)),
            ("model.n_speakers", within(self.n_speakers, 1, 4096)),
            (
                "model.gin_channels",
                self.gin_channels <= 1024 && (self.n_speakers == 1) == (self.gin_channels == 0),
            ),
            (
                "model.hidden_channels",
                within(self.hidden_channels, 2, 1024),
            ),
            (
                "model.inter_channels",
                within(self.inter_channels, 2, 1024) && self.inter_channels.is_multiple_of(2),
            ),
            (
                "model.filter_channels",
                within(self.filter_channels, 1, 4096),
            ),
            (
                "model.n_heads",
                within(self.n_heads, 1, 16) && self.hidden_channels.is_multiple_of(self.n_heads),
            ),
            ("model.n_layers", within(self.n_layers, 1, 24)),
            (
                "model.kernel_size",
                within(self.kernel_size, 1, 15) && self.kernel_size % 2 == 1,
            ),
            ("model.window_size", within(self.window_size, 1, 64)),
            (
                "model.dp_filter_channels",
                within(self.dp_filter_channels, 1, 1024),
            ),
            (
                "model.dp_kernel_size",
                within(self.dp_kernel_size, 1, 15) && self.dp_kernel_size % 2 == 1,
            ),
            ("model.dp_dds_layers", within(self.dp_dds_layers, 1, 8)),
            ("model.dp_conv_flows", within(self.dp_conv_flows, 1, 16)),
            ("model.dp_num_bins", within(self.dp_num_bins, 2, 64)),
            (
                "model.dp_tail_bound",
                self.dp_tail_bound.is_finite()
                    && self.dp_tail_bound > 0.0
                    && self.dp_tail_bound <= 100.0,
            ),
            (
                "model.flow",
                within(self.flow_n_flows, 1, 16)
                    && within(self.flow_n_layers, 1, 16)
                    && within(self.flow_dilation_rate, 1, 4)
                    && within(self.flow_kernel_size, 1, 15)
                    && self.flow_kernel_size % 2 == 1,
            ),
            (
                "model.upsample",
                within(self.upsample_initial_channel, 2, 1024)
                    && within(self.upsample_rates.len(), 1, 6)
                    && self.upsample_rates.len() == self.upsample_kernel_sizes.len()
                    && self
                        .upsample_rates
                        .iter()
                        .zip(&self.upsample_kernel_sizes)
                        .all(|(&u, &k)| within(u, 1, 16) && within(k, u, 64) && (k - u) % 2 == 0)
                    && self.upsample_initial_channel >> self.upsample_rates.len() >= 1
                    && within(self.hop_length(), 1, 2048),
            ),
            (
                "model.resblock",
                self.resblock == "1" || self.resblock == "2",
            ),
            (
                "model.resblock_sizes",
                within(self.resblock_kernel_sizes.len(), 1, 8)
                    && self.resblock_kernel_sizes.len() == self.resblock_dilation_sizes.len()
                    && self
                        .resblock_kernel_sizes
                        .iter()
                        .all(|&k| within(k, 1, 31) && k % 2 == 1)
                    && self.resblock_dilation_sizes.iter().all(|d| {
                        within(d.len(), 1, 8)
                            && d.iter().all(|&x| within(x, 1, 64))
                            && (self.resblock != "2" || d.len() == 2)
                            && (self.resblock != "1" || d.len() == 3)
                    }),
            ),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((name, _)) => Err(name),
            None => Ok(()),
        }
    }
}
