//! `sotto convert`: a Piper voice (`VOICE.onnx` + `VOICE.onnx.json`) → safetensors shards +
//! `manifest.json`.
//!
//! Every float initializer of the ONNX graph is mapped onto the burn modules' parameter names
//! (piper's upstream names: `enc_p`, `dp`, `flow`, `dec`):
//! - named initializers (`dec.ups.0.weight`) keep their name;
//! - anonymous ones are traced through the graph to the node that consumes them:
//!   `onnx::Conv_8168` feeding input 1 of `/flow/flows.6/enc/in_layers.0/Conv` becomes
//!   `flow.flows.6.enc.in_layers.0.weight` (weight norm was folded by the export);
//!   `sid` feeding `/enc_p/emb/Gather` becomes `enc_p.emb.weight`;
//!   the folded `/dp/flows.0/Exp_output_0` (= `exp(-logs)`) becomes `dp.flows.0.logs`, and so does
//!   the unfolded `onnx::Exp_*` input (= `-logs`) of `/dp/flows.0/Exp` (graphs not simplified);
//! - small integer/scalar graph constants (shapes, axes) are not parameters and are skipped;
//!   any other float tensor left unmapped is an error.
//!
//! The hyper-parameters are read off tensor shapes and node attributes, the result is loaded
//! once on the CPU to prove every tensor is used with the right shape, and the output is
//! deterministic (sorted names, fixed shard split), so converting twice gives identical bytes.

pub mod onnx;
pub mod wire;

use crate::limits::MAX_SHARD_BYTES;
use crate::manifest::{self, InferenceDefaults, Manifest, ShardEntry, Source, Stage, TensorEntry};
use crate::model::config::VitsConfig;
use crate::weights::HostTensor;
use crate::weights::integrity::Sha256Digest;
use crate::weights::safetensors::{self, Dtype, OwnedTensor};
use onnx::{Graph, Node};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Why a voice could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The ONNX file is malformed.
    #[error(transparent)]
    Onnx(#[from] onnx::OnnxError),
    /// The Piper JSON config is malformed.
    #[error("the voice config is not valid Piper JSON: {0}")]
    Config(String),
    /// A float initializer that maps to no parameter (its name as [`onnx::shown`]).
    #[error("initializer {0} could not be mapped to a model parameter")]
    Unmapped(String),
    /// Two initializers map to one parameter.
    #[error("parameter {0} is produced twice")]
    Duplicate(String),
    /// A hyper-parameter could not be read off the graph.
    #[error("cannot infer the architecture: {0}")]
    Architecture(String),
    /// The mapped tensors do not load into the model.
    #[error("the converted voice does not load: {0}")]
    SelfCheck(#[from] crate::Error),
    /// A tensor larger than a shard.
    #[error("tensor {0} is larger than a shard")]
    TensorTooLarge(String),
    /// An input file larger than [`crate::limits::MAX_ONNX_BYTES`] or
    /// [`crate::limits::MAX_PIPER_CONFIG_BYTES`].
    #[error("{0} is larger than the converter accepts")]
    InputTooLarge(String),
    /// The ONNX file is not named `VOICE_ID.onnx` with a plain voice id.
    #[error("the ONNX file name must be VOICE_ID.onnx with a plain voice id")]
    VoiceFileName,
    /// Reading an input or writing the output failed.
    #[error("cannot read or write {0}")]
    Io(String),
}

/// The parts of Piper's `.onnx.json` used here (unknown keys are ignored: it is upstream's).
#[derive(Deserialize)]
struct PiperConfig {
    audio: PiperAudio,
    espeak: PiperEspeak,
    inference: InferenceDefaults,
    phoneme_type: String,
    phoneme_id_map: BTreeMap<String, Vec<i64>>,
    num_symbols: usize,
    num_speakers: usize,
    #[serde(default)]
    speaker_id_map: BTreeMap<String, usize>,
    language: PiperLanguage,
}
#[derive(Deserialize)]
struct PiperAudio {
    sample_rate: u32,
}
#[derive(Deserialize)]
struct PiperEspeak {
    voice: String,
}
#[derive(Deserialize)]
struct PiperLanguage {
    code: String,
}

/// Output of a conversion, in memory.
pub struct Converted {
    /// The manifest.
    pub manifest: Manifest,
    /// `(file name, bytes)` per shard.
    pub shards: Vec<(String, Vec<u8>)>,
}

/// Module path of a node: `/flow/flows.6/enc/in_layers.0/Conv` → `flow.flows.6.enc.in_layers.0`.
fn module_path(node: &Node) -> Option<String> {
    let path = node.name.strip_prefix('/')?;
    let (module, _op) = path.rsplit_once('/')?;
    Some(module.replace('/', "."))
}

fn is_param_name(name: &str) -> bool {
    crate::stage_of(name).is_some() && safetensors::is_valid_name(name)
}

/// Maps every float initializer to a parameter name (and value transform).
fn map_initializers(graph: &Graph) -> Result<BTreeMap<String, HostTensor>, ConvertError> {
    let mut consumers: BTreeMap<&str, Vec<(&Node, usize)>> = BTreeMap::new();
    for n in &graph.nodes {
        for (i, inp) in n.inputs.iter().enumerate() {
            consumers.entry(inp.as_str()).or_default().push((n, i));
        }
    }
    let mut out = BTreeMap::new();
    for init in &graph.initializers {
        if init.data_type != 1 {
            continue; // int64 shape/axis constants
        }
        let mut data = init.floats.clone();
        let uses = consumers
            .get(init.name.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let name = if is_param_name(&init.name) {
            Some(init.name.clone())
        } else if let Some(flow) = init
            .name
            .strip_prefix("/dp/flows.")
            .and_then(|s| s.strip_suffix("/Exp_output_0"))
        {
            // ElementwiseAffine reverse: x * exp(-logs), folded by the export; store logs.
            data = data.iter().map(|v| -v.ln()).collect();
            Some(format!("dp.flows.{flow}.logs"))
        } else if let Some(m) = uses.iter().find_map(|&(n, i)| {
            // ElementwiseAffine reverse as Piper's exporter leaves it (graph not simplified):
            // `Exp(-logs)` with `-logs` an anonymous initializer; store logs.
            let m = module_path(n)?;
            (n.op_type == "Exp" && i == 0 && m.starts_with("dp.flows.")).then_some(m)
        }) {
            data = data.iter().map(|v| -v).collect();
            Some(format!("{m}.logs"))
        } else {
            uses.iter().find_map(|&(n, i)| {
                let m = module_path(n)?;
                match (n.op_type.as_str(), i) {
                    ("Conv" | "ConvTranspose", 1) => Some(format!("{m}.weight")),
                    ("Conv" | "ConvTranspose", 2) => Some(format!("{m}.bias")),
                    ("Gather", 0) if m.ends_with("emb") || m.ends_with("emb_g") => {
                        Some(format!("{m}.weight"))
                    }
                    _ => None,
                }
            })
        };
        match name {
            Some(n) if is_param_name(&n) => {
                if out
                    .insert(
                        n.clone(),
                        HostTensor {
                            shape: init.dims.clone(),
                            data,
                        },
                    )
                    .is_some()
                {
                    return Err(ConvertError::Duplicate(n));
                }
            }
            _ => {
                // Graph constants: scalars and tiny vectors (eps, scale factors, pad values).
                if init.floats.len() > 16 || init.dims.len() > 1 {
                    return Err(ConvertError::Unmapped(onnx::shown(&init.name)));
                }
            }
        }
    }
    Ok(out)
}

fn shape(t: &BTreeMap<String, HostTensor>, name: &str) -> Result<Vec<usize>, ConvertError> {
    t.get(name)
        .map(|x| x.shape.clone())
        .ok_or_else(|| ConvertError::Architecture(format!("missing {name}")))
}

fn count(t: &BTreeMap<String, HostTensor>, f: impl Fn(usize) -> String) -> usize {
    (0..).take_while(|&i| t.contains_key(&f(i))).count()
}

fn node_ints(graph: &Graph, node: &str, attr: &str) -> Result<Vec<i64>, ConvertError> {
    graph
        .nodes
        .iter()
        .find(|n| n.name == node)
        .and_then(|n| n.ints.get(attr).cloned())
        .ok_or_else(|| ConvertError::Architecture(format!("no {attr} on {node}")))
}

fn dim(s: &[usize], i: usize, what: &str) -> Result<usize, ConvertError> {
    s.get(i)
        .copied()
        .ok_or_else(|| ConvertError::Architecture(what.to_string()))
}

/// Reads the architecture off the mapped tensors and node attributes.
fn infer_config(
    t: &BTreeMap<String, HostTensor>,
    graph: &Graph,
    n_speakers: usize,
) -> Result<VitsConfig, ConvertError> {
    let emb = shape(t, "enc_p.emb.weight")?;
    let (n_vocab, hidden) = (dim(&emb, 0, "emb")?, dim(&emb, 1, "emb")?);
    let rel = shape(t, "enc_p.encoder.attn_layers.0.emb_rel_k")?;
    let kc = dim(&rel, 2, "emb_rel_k")?.max(1);
    let ffn = shape(t, "enc_p.encoder.ffn_layers.0.conv_1.weight")?;
    let proj = shape(t, "enc_p.proj.weight")?;
    let dp_pre = shape(t, "dp.pre.weight")?;
    let dp_sep = shape(t, "dp.convs.convs_sep.0.weight")?;
    let dp_proj = shape(t, "dp.flows.3.proj.weight")?;
    let in0 = shape(t, "flow.flows.0.enc.in_layers.0.weight")?;
    let flow_n_layers = count(t, |i| format!("flow.flows.0.enc.in_layers.{i}.weight"));
    let flow_dilation_rate = if flow_n_layers > 1 {
        *node_ints(graph, "/flow/flows.0/enc/in_layers.1/Conv", "dilations")?
            .first()
            .unwrap_or(&1) as usize
    } else {
        1
    };
    let n_ups = count(t, |i| format!("dec.ups.{i}.weight"));
    let mut upsample_rates = vec![];
    let mut upsample_kernel_sizes = vec![];
    for i in 0..n_ups {
        let s = node_ints(graph, &format!("/dec/ups.{i}/ConvTranspose"), "strides")?;
        upsample_rates.push(*s.first().unwrap_or(&1) as usize);
        upsample_kernel_sizes.push(dim(&shape(t, &format!("dec.ups.{i}.weight"))?, 2, "ups")?);
    }
    let n_res = count(t, |i| format!("dec.resblocks.{i}.convs.0.weight"))
        .max(count(t, |i| format!("dec.resblocks.{i}.convs1.0.weight")));
    let resblock = if t.contains_key("dec.resblocks.0.convs.0.weight") {
        "2"
    } else {
        "1"
    };
    let conv = if resblock == "2" { "convs" } else { "convs1" };
    let nk = n_res.checked_div(n_ups).unwrap_or(0);
    let mut resblock_kernel_sizes = vec![];
    let mut resblock_dilation_sizes = vec![];
    for j in 0..nk {
        resblock_kernel_sizes.push(dim(
            &shape(t, &format!("dec.resblocks.{j}.{conv}.0.weight"))?,
            2,
            "resblock",
        )?);
        let n = count(t, |i| format!("dec.resblocks.{j}.{conv}.{i}.weight"));
        let mut d = vec![];
        for i in 0..n {
            d.push(
                *node_ints(
                    graph,
                    &format!("/dec/resblocks.{j}/{conv}.{i}/Conv"),
                    "dilations",
                )?
                .first()
                .unwrap_or(&1) as usize,
            );
        }
        resblock_dilation_sizes.push(d);
    }
    let gin_channels = t
        .get("emb_g.weight")
        .and_then(|x| x.shape.get(1).copied())
        .unwrap_or(0);
    let config = VitsConfig {
        n_vocab,
        n_speakers,
        gin_channels,
        hidden_channels: hidden,
        inter_channels: dim(&proj, 0, "proj")? / 2,
        filter_channels: dim(&ffn, 0, "ffn")?,
        n_heads: hidden / kc,
        n_layers: count(t, |i| {
            format!("enc_p.encoder.attn_layers.{i}.conv_q.weight")
        }),
        kernel_size: dim(&ffn, 2, "ffn")?,
        window_size: dim(&rel, 1, "emb_rel_k")? / 2,
        dp_filter_channels: dim(&dp_pre, 0, "dp.pre")?,
        dp_kernel_size: dim(&dp_sep, 2, "dp.convs")?,
        dp_dds_layers: count(t, |i| format!("dp.convs.convs_sep.{i}.weight")),
        dp_conv_flows: count(t, |i| format!("dp.flows.{}.pre.weight", 3 + 2 * i)),
        dp_num_bins: (dim(&dp_proj, 0, "dp.flows.proj")? + 1) / 3,
        dp_tail_bound: 5.0, // piper/VITS ConvFlow default; not stored in the graph as a weight
        flow_n_flows: count(t, |i| format!("flow.flows.{}.pre.weight", 2 * i)),
        flow_kernel_size: dim(&in0, 2, "in_layers")?,
        flow_dilation_rate,
        flow_n_layers,
        upsample_initial_channel: dim(&shape(t, "dec.conv_pre.weight")?, 0, "conv_pre")?,
        upsample_rates,
        upsample_kernel_sizes,
        resblock: resblock.to_string(),
        resblock_kernel_sizes,
        resblock_dilation_sizes,
    };
    config
        .validate()
        .map_err(|e| ConvertError::Architecture(e.field.to_string()))?;
    Ok(config)
}

/// A part of the model, by its parameter-name prefix, for a per-part storage type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// `enc_p.*`: the text encoder.
    TextEncoder,
    /// `dp.*`: the stochastic duration predictor (it decides every phoneme's frame count).
    DurationPredictor,
    /// `flow.*`: the normalizing flow.
    Flow,
    /// `dec.*`: the HiFi-GAN vocoder.
    Vocoder,
    /// Anything else (`emb_g.*`: the speaker embedding of multi-speaker voices).
    Other,
}

impl Part {
    /// The part a parameter belongs to.
    pub fn of(name: &str) -> Part {
        match name.split('.').next() {
            Some("enc_p") => Part::TextEncoder,
            Some("dp") => Part::DurationPredictor,
            Some("flow") => Part::Flow,
            Some("dec") => Part::Vocoder,
            _ => Part::Other,
        }
    }
}

/// Which element type each tensor is stored as. Computation is f32 whatever is stored: f16
/// tensors are widened to f32 when the voice loads (`src/weights`), so this trades download
/// size against rounding the weights to 11 significant bits.
///
/// `DtypePolicy::from(Dtype::F16)` stores everything as f16 (the shipped reference voice: it
/// halves the download and, measured in BENCHMARKS.md "Half-size voice (issue 10)", changes no
/// phoneme's frame count on the WER sentences); `keep_f32` keeps chosen parts exact, e.g. the
/// duration predictor, at about 1.1 MB more for a medium voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DtypePolicy {
    /// The type of every tensor not in a `keep_f32` part.
    pub default: Dtype,
    /// Parts stored as f32 whatever `default` is.
    pub keep_f32: std::collections::BTreeSet<Part>,
}

impl From<Dtype> for DtypePolicy {
    fn from(default: Dtype) -> Self {
        DtypePolicy {
            default,
            keep_f32: Default::default(),
        }
    }
}

impl DtypePolicy {
    /// The stored type of parameter `name`.
    pub fn dtype_of(&self, name: &str) -> Dtype {
        if self.keep_f32.contains(&Part::of(name)) {
            Dtype::F32
        } else {
            self.default
        }
    }
}

/// Splits tensors (sorted by name) into shards of at most [`MAX_SHARD_BYTES`] per stage.
fn shard(
    tensors: &BTreeMap<String, HostTensor>,
    policy: &DtypePolicy,
) -> Result<Vec<(ShardEntry, Vec<u8>)>, ConvertError> {
    let mut out = Vec::new();
    for stage in [Stage::Acoustic, Stage::Vocoder] {
        let stage_name = match stage {
            Stage::Acoustic => "acoustic",
            Stage::Vocoder => "vocoder",
        };
        let mut groups: Vec<Vec<OwnedTensor>> = vec![vec![]];
        let mut bytes = 0usize;
        // Headers are a few KiB; keep 64 KiB of room for them.
        let budget = MAX_SHARD_BYTES as usize - 64 * 1024;
        for (name, t) in tensors
            .iter()
            .filter(|(n, _)| crate::stage_of(n) == Some(stage))
        {
            let dtype = policy.dtype_of(name);
            let data: Vec<u8> = match dtype {
                Dtype::F32 => t.data.iter().flat_map(|v| v.to_le_bytes()).collect(),
                Dtype::F16 => t
                    .data
                    .iter()
                    .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
                    .collect(),
            };
            if data.len() > budget {
                return Err(ConvertError::TensorTooLarge(name.clone()));
            }
            if bytes + data.len() > budget {
                groups.push(vec![]);
                bytes = 0;
            }
            bytes += data.len();
            if let Some(g) = groups.last_mut() {
                g.push(OwnedTensor {
                    name: name.clone(),
                    dtype,
                    shape: t.shape.clone(),
                    data,
                });
            }
        }
        for (i, g) in groups.into_iter().filter(|g| !g.is_empty()).enumerate() {
            let file = format!("{stage_name}-{i:02}.safetensors");
            let bytes = safetensors::serialize(&g);
            let entry = ShardEntry {
                file,
                stage,
                size: bytes.len() as u64,
                integrity: Sha256Digest::of(&bytes).to_sri(),
                tensors: g
                    .iter()
                    .map(|t| TensorEntry {
                        name: t.name.clone(),
                        dtype: t.dtype,
                        shape: t.shape.clone(),
                    })
                    .collect(),
            };
            out.push((entry, bytes));
        }
    }
    Ok(out)
}

/// Converts in memory. `voice_id` is the ONNX file stem, e.g. `en_US-joe-medium`.
pub fn convert(
    onnx_bytes: &[u8],
    config_bytes: &[u8],
    voice_id: &str,
    dtype: impl Into<DtypePolicy>,
) -> Result<Converted, ConvertError> {
    let piper: PiperConfig = serde_json::from_slice(config_bytes)
        .map_err(|e| ConvertError::Config(format!("line {}", e.line())))?;
    let graph = onnx::parse_model(onnx_bytes)?;
    let tensors = map_initializers(&graph)?;
    let config = infer_config(&tensors, &graph, piper.num_speakers)?;
    if config.n_vocab != piper.num_symbols {
        return Err(ConvertError::Architecture(
            "num_symbols differs from the embedding".into(),
        ));
    }
    let draft = Manifest {
        format_version: manifest::FORMAT_VERSION,
        voice_id: voice_id.to_string(),
        language: piper.language.code,
        espeak_voice: piper.espeak.voice,
        phoneme_type: piper.phoneme_type,
        sample_rate: piper.audio.sample_rate,
        num_speakers: config.n_speakers,
        speaker_id_map: piper.speaker_id_map,
        phoneme_id_map: piper.phoneme_id_map,
        inference: piper.inference,
        model: config,
        source: Source {
            onnx: Sha256Digest::of(onnx_bytes).to_sri(),
            config: Sha256Digest::of(config_bytes).to_sri(),
        },
        shards: Vec::new(),
    };
    package(&tensors, draft, dtype)
}

/// Shards named tensors into `draft` (a manifest complete but for its `shards`, which are
/// replaced), and proves the result loads (manifest valid, every tensor used, every shape
/// right) before returning it.
pub fn package(
    tensors: &BTreeMap<String, HostTensor>,
    draft: Manifest,
    dtype: impl Into<DtypePolicy>,
) -> Result<Converted, ConvertError> {
    let shards = shard(tensors, &dtype.into())?;
    let manifest = Manifest {
        shards: shards.iter().map(|(e, _)| e.clone()).collect(),
        ..draft
    };
    let mut loader = crate::VoiceLoader::new(manifest.to_json().as_bytes())?;
    for (e, b) in &shards {
        loader.add_shard(&e.file, b)?;
    }
    loader.finish(&crate::backend::cpu())?;
    Ok(Converted {
        manifest,
        shards: shards.into_iter().map(|(e, b)| (e.file, b)).collect(),
    })
}

/// Converts files and writes `manifest.json` + shards into `out_dir`.
pub fn convert_files(
    onnx_path: &std::path::Path,
    config_path: &std::path::Path,
    out_dir: &std::path::Path,
    dtype: impl Into<DtypePolicy>,
) -> Result<Manifest, ConvertError> {
    // Errors name the file, never its directory.
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let io = |p: &std::path::Path| ConvertError::Io(name(p));
    // At most `max` bytes are read: a larger file is refused without reading it all.
    let read = |p: &std::path::Path, max: u64| {
        std::fs::File::open(p)
            .and_then(|f| crate::limits::read_at_most(f, max))
            .map_err(|_| io(p))?
            .ok_or_else(|| ConvertError::InputTooLarge(name(p)))
    };
    let onnx_bytes = read(onnx_path, crate::limits::MAX_ONNX_BYTES)?;
    let config_bytes = read(config_path, crate::limits::MAX_PIPER_CONFIG_BYTES)?;
    let stem = onnx_path
        .file_name()
        .and_then(|f| f.to_str())
        .and_then(|f| f.strip_suffix(".onnx"))
        .filter(|s| manifest::is_plain_name(s))
        .ok_or(ConvertError::VoiceFileName)?;
    let c = convert(&onnx_bytes, &config_bytes, stem, dtype)?;
    std::fs::create_dir_all(out_dir).map_err(|_| io(out_dir))?;
    for (file, bytes) in &c.shards {
        let p = out_dir.join(file);
        std::fs::write(&p, bytes).map_err(|_| io(&p))?;
    }
    let p = out_dir.join("manifest.json");
    std::fs::write(&p, c.manifest.to_json()).map_err(|_| io(&p))?;
    Ok(c.manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use onnx::Initializer;

    #[test]
    fn an_unmapped_initializer_is_named_sanitized() {
        let graph = Graph {
            nodes: vec![],
            initializers: vec![Initializer {
                name: "w\x1b[2J\r".into(),
                data_type: 1,
                dims: vec![2, 2],
                floats: vec![0.0; 4],
            }],
        };
        let e = map_initializers(&graph).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("initializer w??2J? could not be mapped to a model parameter")
        );
    }

    #[test]
    fn the_policy_picks_each_tensors_dtype_and_keeps_parts_in_f32() {
        let t = |n: usize| HostTensor {
            shape: vec![n],
            data: (0..n).map(|i| 1.0 + i as f32 / 3.0).collect(),
        };
        let tensors: BTreeMap<String, HostTensor> = [
            ("dp.pre.bias", t(3)),
            ("enc_p.proj.bias", t(5)),
            ("dec.conv_post.bias", t(1)),
        ]
        .into_iter()
        .map(|(n, x)| (n.to_string(), x))
        .collect();
        let policy = DtypePolicy {
            default: Dtype::F16,
            keep_f32: [Part::DurationPredictor].into_iter().collect(),
        };
        let shards = shard(&tensors, &policy).unwrap();
        let stored: Vec<(String, Dtype)> = shards
            .iter()
            .flat_map(|(e, _)| e.tensors.iter().map(|t| (t.name.clone(), t.dtype)))
            .collect();
        assert_eq!(
            stored,
            vec![
                ("dp.pre.bias".to_string(), Dtype::F32),
                ("enc_p.proj.bias".to_string(), Dtype::F16),
                ("dec.conv_post.bias".to_string(), Dtype::F16),
            ]
        );
        // Data bytes: 3 × 4 (f32) + 5 × 2 (f16) in the acoustic shard, 1 × 2 in the vocoder's.
        let parsed = safetensors::parse(&shards[0].1).unwrap();
        let sizes: Vec<usize> = parsed.iter().map(|t| t.data.len()).collect();
        assert_eq!(sizes, vec![12, 10]);
        assert_eq!(Part::of("emb_g.weight"), Part::Other);
        assert_eq!(DtypePolicy::from(Dtype::F32).dtype_of("dec.x"), Dtype::F32);
    }

    #[test]
    fn a_bad_onnx_file_name_is_not_reported_as_bad_json() {
        let dir = std::env::temp_dir().join(format!("sotto-convert-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let onnx = dir.join("voice.bin");
        let json = dir.join("voice.json");
        std::fs::write(&onnx, b"").unwrap();
        std::fs::write(&json, b"{}").unwrap();
        let e = convert_files(&onnx, &json, &dir.join("out"), Dtype::F32).err();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(matches!(e, Some(ConvertError::VoiceFileName)), "{e:?}");
    }
}
