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

    /// Bounds every field so a hostile manifest cannot ask for absurd work or memory
    /// (the ranges are [`crate::limits`]'); the error names the first bad field.
    pub fn validate(&self) -> Result<(), crate::limits::ConfigError> {
        crate::limits::check_architecture(self)
    }
}

/// `en_US-joe-medium`'s architecture (a Piper medium voice), for unit tests.
#[cfg(test)]
pub(crate) fn joe_medium() -> VitsConfig {
    VitsConfig {
        n_vocab: 256,
        n_speakers: 1,
        gin_channels: 0,
        hidden_channels: 192,
        inter_channels: 192,
        filter_channels: 768,
        n_heads: 2,
        n_layers: 6,
        kernel_size: 3,
        window_size: 4,
        dp_filter_channels: 192,
        dp_kernel_size: 3,
        dp_dds_layers: 3,
        dp_conv_flows: 3,
        dp_num_bins: 10,
        dp_tail_bound: 5.0,
        flow_n_flows: 4,
        flow_kernel_size: 5,
        flow_dilation_rate: 1,
        flow_n_layers: 4,
        upsample_initial_channel: 256,
        upsample_rates: vec![8, 8, 4],
        upsample_kernel_sizes: vec![16, 16, 8],
        resblock: "2".into(),
        resblock_kernel_sizes: vec![3, 5, 7],
        resblock_dilation_sizes: vec![vec![1, 2], vec![2, 6], vec![3, 12]],
    }
}
