//! The tiny random-weight voice of `tests/tiny_voice.rs` (same architecture and package path),
//! built once per dtype: the valid seed that the manifest and shard fuzzers mutate.

use sotto::backend;
use sotto::convert::{Converted, package};
use sotto::manifest::{FORMAT_VERSION, InferenceDefaults, Manifest, Source};
use sotto::model::config::VitsConfig;
use sotto::model::{AcousticModel, Vocoder, parameter_shapes};
use sotto::rng::Normal;
use sotto::weights::safetensors::Dtype;
use sotto::weights::{HostTensor, integrity::Sha256Digest};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn tiny_config() -> VitsConfig {
    VitsConfig {
        n_vocab: 16,
        n_speakers: 1,
        gin_channels: 0,
        hidden_channels: 8,
        inter_channels: 8,
        filter_channels: 16,
        n_heads: 2,
        n_layers: 2,
        kernel_size: 3,
        window_size: 2,
        dp_filter_channels: 8,
        dp_kernel_size: 3,
        dp_dds_layers: 2,
        dp_conv_flows: 2,
        dp_num_bins: 4,
        dp_tail_bound: 5.0,
        flow_n_flows: 2,
        flow_kernel_size: 3,
        flow_dilation_rate: 1,
        flow_n_layers: 2,
        upsample_initial_channel: 16,
        upsample_rates: vec![4, 2],
        upsample_kernel_sizes: vec![8, 4],
        resblock: "2".into(),
        resblock_kernel_sizes: vec![3, 5],
        resblock_dilation_sizes: vec![vec![1, 2], vec![2, 3]],
    }
}

/// Random weights for every tensor the architecture needs: N(0, 0.1²), LayerNorm gammas 1.
fn random_weights(config: &VitsConfig, seed: u64) -> BTreeMap<String, HostTensor> {
    let device = backend::cpu();
    let mut needs = parameter_shapes(&AcousticModel::init(config, &device));
    needs.extend(parameter_shapes(&Vocoder::init(config, &device)));
    let mut rng = Normal::new(seed);
    needs
        .into_iter()
        .map(|(name, shape)| {
            let n = shape.iter().product();
            let data = if name.ends_with(".gamma") {
                vec![1.0; n]
            } else {
                rng.vec(n, 0.1)
            };
            (name, HostTensor { shape, data })
        })
        .collect()
}

fn tiny_voice(dtype: Dtype) -> Converted {
    let config = tiny_config();
    let tensors = random_weights(&config, 42);
    let phoneme_id_map: BTreeMap<String, Vec<i64>> = [
        ("_", 0),
        ("^", 1),
        ("$", 2),
        (" ", 3),
        ("a", 4),
        ("b", 5),
        (".", 6),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), vec![v]))
    .collect();
    let draft = Manifest {
        format_version: FORMAT_VERSION,
        voice_id: "xx_XX-tiny-test".into(),
        language: "xx_XX".into(),
        espeak_voice: "xx".into(),
        phoneme_type: "espeak".into(),
        sample_rate: 16000,
        num_speakers: config.n_speakers,
        speaker_id_map: BTreeMap::new(),
        phoneme_id_map,
        inference: InferenceDefaults {
            noise_scale: 0.667,
            length_scale: 1.0,
            noise_w: 0.8,
        },
        source: Source {
            onnx: Sha256Digest::of(b"none").to_sri(),
            config: Sha256Digest::of(b"none").to_sri(),
        },
        model: config,
        shards: Vec::new(),
    };
    package(&tensors, draft, dtype).unwrap()
}

/// The tiny voice with shards of `dtype`, built on first use.
pub fn voice(dtype: Dtype) -> &'static Converted {
    static F32: OnceLock<Converted> = OnceLock::new();
    static F16: OnceLock<Converted> = OnceLock::new();
    match dtype {
        Dtype::F32 => F32.get_or_init(|| tiny_voice(Dtype::F32)),
        Dtype::F16 => F16.get_or_init(|| tiny_voice(Dtype::F16)),
    }
}
