//! End to end on a tiny random-weight voice: package → load (verified) → synthesize, and every
//! way a shard can be corrupted is refused with an error naming it.
//!
//! The random voice is written as real safetensors shards plus a manifest (`package`), so every
//! test loads it through the same verified path as a real voice.

use sotto::convert::{Converted, package};
use sotto::limits::MAX_IDS_PER_PHONEME;
use sotto::manifest::{FORMAT_VERSION, InferenceDefaults, Manifest, Source};
use sotto::model::config::VitsConfig;
use sotto::model::{AcousticModel, Vocoder, parameter_shapes};
use sotto::rng::Normal;
use sotto::weights::safetensors::{self, Dtype, OwnedTensor};
use sotto::weights::{HostTensor, WeightsError, integrity::Sha256Digest};
use sotto::{Error, Speaker, SpeakerRef, SynthesisError, SynthesisOptions, VoiceLoader, backend};
use std::collections::BTreeMap;

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

#[test]
fn the_architecture_needs_upstream_names() {
    let w = random_weights(&tiny_config(), 1);
    for name in [
        "enc_p.emb.weight",
        "enc_p.encoder.attn_layers.1.emb_rel_k",
        "enc_p.encoder.norm_layers_2.1.beta",
        "dp.flows.0.logs",
        "dp.flows.3.convs.convs_sep.1.weight",
        "dp.flows.5.proj.bias",
        "flow.flows.2.enc.res_skip_layers.1.weight",
        "dec.ups.1.weight",
        "dec.resblocks.3.convs.1.bias",
        "dec.conv_post.weight",
    ] {
        assert!(w.contains_key(name), "{name} missing");
    }
    assert!(
        !w.contains_key("dec.conv_post.bias"),
        "conv_post has no bias"
    );
    assert!(!w.contains_key("dp.flows.1.pre.weight"), "the unused vflow");
    assert_eq!(w["dec.ups.1.weight"].shape, vec![8, 4, 4]);
    assert_eq!(
        w["enc_p.encoder.attn_layers.0.emb_rel_k"].shape,
        vec![1, 5, 4]
    );
    assert_eq!(
        w["dp.flows.3.convs.convs_sep.1.weight"].shape,
        vec![8, 1, 3]
    );

    // HiFi-GAN residual blocks of type "1" (dilated `convs1`, plain `convs2`, 3 steps each).
    let v1 = VitsConfig {
        resblock: "1".into(),
        resblock_dilation_sizes: vec![vec![1, 3, 5], vec![1, 3, 5]],
        ..tiny_config()
    };
    let w = random_weights(&v1, 1);
    assert_eq!(w["dec.resblocks.3.convs1.2.weight"].shape, vec![4, 4, 5]);
    assert_eq!(w["dec.resblocks.0.convs2.2.bias"].shape, vec![8]);
    assert!(!w.contains_key("dec.resblocks.0.convs.0.weight"));
}

fn tiny_voice(dtype: Dtype) -> Converted {
    tiny_voice_of(tiny_config(), "xx_XX", BTreeMap::new(), dtype)
}

/// A tiny voice of `config`, language `language`, speakers named by `names`.
fn tiny_voice_of(
    config: VitsConfig,
    language: &str,
    names: BTreeMap<String, usize>,
    dtype: Dtype,
) -> Converted {
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
        language: language.into(),
        espeak_voice: "xx".into(),
        phoneme_type: "espeak".into(),
        sample_rate: 16000,
        num_speakers: config.n_speakers,
        speaker_id_map: names,
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

fn load(
    v: &Converted,
    shards: &[(String, Vec<u8>)],
    manifest: &str,
) -> Result<sotto::Voice, Error> {
    let _ = v;
    let mut loader = VoiceLoader::new(manifest.as_bytes())?;
    for (f, b) in shards {
        loader.add_shard(f, b)?;
    }
    loader.finish(&backend::cpu())
}

fn weights_err(r: Result<sotto::Voice, Error>) -> WeightsError {
    match r {
        Err(Error::Weights(w)) => w,
        Err(e) => panic!("expected a weights error, got {e}"),
        Ok(_) => panic!("expected a weights error, got a voice"),
    }
}

#[test]
fn synthesizes_finite_nonempty_audio_reproducibly() {
    let v = tiny_voice(Dtype::F32);
    assert!(
        v.manifest
            .shards
            .iter()
            .any(|s| s.file.starts_with("acoustic-"))
    );
    assert!(
        v.manifest
            .shards
            .iter()
            .any(|s| s.file.starts_with("vocoder-"))
    );
    let voice = load(&v, &v.shards, &v.manifest.to_json()).unwrap();
    let opts = SynthesisOptions {
        seed: 7,
        ..voice.default_options()
    };
    let (a, missing) = pollster::block_on(voice.speak_phonemes("ab ba.", &opts)).unwrap();
    assert!(missing.is_empty());
    assert!(!a.samples.is_empty());
    assert_eq!(a.samples.len() % 8, 0, "whole frames of hop 8");
    assert!(a.samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
    assert!(a.samples.iter().any(|&s| s != 0.0));
    let (b, _) = pollster::block_on(voice.speak_phonemes("ab ba.", &opts)).unwrap();
    assert_eq!(a, b, "same seed, same audio");
    let other = SynthesisOptions {
        seed: 8,
        ..opts.clone()
    };
    let (c, _) = pollster::block_on(voice.speak_phonemes("ab ba.", &other)).unwrap();
    assert_ne!(a.samples, c.samples, "another seed, other noise");
}

#[test]
fn f16_shards_load_and_stay_close_to_f32() {
    let v32 = tiny_voice(Dtype::F32);
    let v16 = tiny_voice(Dtype::F16);
    let size = |v: &Converted| v.shards.iter().map(|s| s.1.len()).sum::<usize>();
    assert!(size(&v16) < size(&v32));
    let a = load(&v32, &v32.shards, &v32.manifest.to_json()).unwrap();
    let b = load(&v16, &v16.shards, &v16.manifest.to_json()).unwrap();
    let opts = SynthesisOptions {
        noise_scale: 0.0,
        noise_w: 0.0,
        ..a.default_options()
    };
    let ids = [1, 0, 4, 0, 5, 0, 2];
    let x = pollster::block_on(a.synthesize_ids(&ids, &opts)).unwrap();
    let y = pollster::block_on(b.synthesize_ids(&ids, &opts)).unwrap();
    assert_eq!(x.samples.len(), y.samples.len());
    let err: f32 = x
        .samples
        .iter()
        .zip(&y.samples)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f32::max);
    assert!(err < 0.05, "max |f32 - f16| = {err}");
}

#[test]
fn packaging_is_deterministic() {
    let a = tiny_voice(Dtype::F32);
    let b = tiny_voice(Dtype::F32);
    assert_eq!(a.manifest.to_json(), b.manifest.to_json());
    assert_eq!(a.shards, b.shards);
}

#[test]
fn corrupted_shard_is_refused_by_digest_naming_it() {
    let v = tiny_voice(Dtype::F32);
    let mut shards = v.shards.clone();
    let last = shards[0].1.len() - 1;
    shards[0].1[last] ^= 1;
    let e = weights_err(load(&v, &shards, &v.manifest.to_json()));
    assert_eq!(
        e,
        WeightsError::DigestMismatch {
            shard: shards[0].0.clone()
        }
    );
    assert!(e.to_string().contains(&shards[0].0));
}

#[test]
fn resized_shard_is_refused_by_size_naming_it() {
    let v = tiny_voice(Dtype::F32);
    let mut shards = v.shards.clone();
    shards[1].1.push(0);
    let e = weights_err(load(&v, &shards, &v.manifest.to_json()));
    assert!(matches!(&e, WeightsError::SizeMismatch { shard, .. } if *shard == shards[1].0));
    assert!(e.to_string().contains(&shards[1].0));
}

#[test]
fn missing_and_unlisted_shards_are_refused() {
    let v = tiny_voice(Dtype::F32);
    let e = weights_err(load(&v, &v.shards[1..], &v.manifest.to_json()));
    assert_eq!(
        e,
        WeightsError::MissingShard {
            shard: v.shards[0].0.clone()
        }
    );
    let mut extra = v.shards.clone();
    extra.push(("../../etc/passwd".into(), vec![1, 2, 3]));
    let e = weights_err(load(&v, &extra, &v.manifest.to_json()));
    assert_eq!(
        e,
        WeightsError::UnexpectedShard {
            shard: "<unlisted>".into()
        }
    );
}

/// Re-signs a tampered shard in the manifest so the check reaches the parser / model.
fn resign(
    v: &Converted,
    idx: usize,
    bytes: Vec<u8>,
    tensors: Option<Vec<sotto::manifest::TensorEntry>>,
) -> (Vec<(String, Vec<u8>)>, String) {
    let mut m = v.manifest.clone();
    m.shards[idx].size = bytes.len() as u64;
    m.shards[idx].integrity = Sha256Digest::of(&bytes).to_sri();
    if let Some(t) = tensors {
        m.shards[idx].tensors = t;
    }
    let mut shards = v.shards.clone();
    shards[idx].1 = bytes;
    (shards, m.to_json())
}

fn rebuild(
    bytes: &[u8],
    f: impl Fn(&mut Vec<OwnedTensor>),
) -> (Vec<u8>, Vec<sotto::manifest::TensorEntry>) {
    let mut ts: Vec<OwnedTensor> = safetensors::parse(bytes)
        .unwrap()
        .into_iter()
        .map(|t| OwnedTensor {
            name: t.name,
            dtype: t.dtype,
            shape: t.shape,
            data: t.data.to_vec(),
        })
        .collect();
    f(&mut ts);
    let entries = ts
        .iter()
        .map(|t| sotto::manifest::TensorEntry {
            name: t.name.clone(),
            dtype: t.dtype,
            shape: t.shape.clone(),
        })
        .collect();
    (safetensors::serialize(&ts), entries)
}

#[test]
fn signed_but_malformed_shard_is_refused_by_the_parser() {
    let v = tiny_voice(Dtype::F32);
    let mut bytes = v.shards[0].1.clone();
    bytes[0..8].copy_from_slice(&u64::MAX.to_le_bytes());
    let (shards, manifest) = resign(&v, 0, bytes, None);
    let e = weights_err(load(&v, &shards, &manifest));
    assert!(
        matches!(&e, WeightsError::Format { shard, .. } if *shard == shards[0].0),
        "{e}"
    );
}

#[test]
fn tensors_differing_from_the_manifest_are_refused() {
    let v = tiny_voice(Dtype::F32);
    let (bytes, _) = rebuild(&v.shards[0].1, |ts| ts.truncate(ts.len() - 1));
    let (shards, manifest) = resign(&v, 0, bytes, None);
    let e = weights_err(load(&v, &shards, &manifest));
    assert!(matches!(e, WeightsError::ManifestMismatch { .. }), "{e}");
}

#[test]
fn missing_unknown_and_misshaped_tensors_are_refused() {
    let v = tiny_voice(Dtype::F32);
    // Drop a tensor (and from the manifest): the model misses it.
    let (bytes, entries) = rebuild(&v.shards[0].1, |ts| {
        ts.remove(0);
    });
    let dropped = safetensors::parse(&v.shards[0].1).unwrap()[0].name.clone();
    let (shards, manifest) = resign(&v, 0, bytes, Some(entries));
    assert_eq!(
        weights_err(load(&v, &shards, &manifest)),
        WeightsError::MissingTensor { tensor: dropped }
    );
    // Add an unknown tensor: nothing takes it.
    let (bytes, entries) = rebuild(&v.shards[0].1, |ts| {
        ts.push(OwnedTensor {
            name: "enc_p.extra".into(),
            dtype: Dtype::F32,
            shape: vec![1],
            data: vec![0; 4],
        })
    });
    let (shards, manifest) = resign(&v, 0, bytes, Some(entries));
    assert_eq!(
        weights_err(load(&v, &shards, &manifest)),
        WeightsError::UnexpectedTensor {
            tensor: "enc_p.extra".into()
        }
    );
    // Reshape a tensor: the architecture check names it.
    let (bytes, entries) = rebuild(&v.shards[0].1, |ts| {
        let n: usize = ts[0].shape.iter().product();
        ts[0].shape = vec![1, n];
    });
    let (shards, manifest) = resign(&v, 0, bytes, Some(entries));
    assert!(matches!(
        weights_err(load(&v, &shards, &manifest)),
        WeightsError::WrongShape { .. }
    ));
}

#[test]
fn non_finite_weights_are_refused() {
    let v = tiny_voice(Dtype::F32);
    let (bytes, entries) = rebuild(&v.shards[0].1, |ts| {
        ts[0].data[0..4].copy_from_slice(&f32::NAN.to_le_bytes())
    });
    let (shards, manifest) = resign(&v, 0, bytes, Some(entries));
    assert!(matches!(
        weights_err(load(&v, &shards, &manifest)),
        WeightsError::NonFinite { .. }
    ));
}

#[test]
fn bad_requests_are_typed_errors_not_panics() {
    let v = tiny_voice(Dtype::F32);
    let voice = load(&v, &v.shards, &v.manifest.to_json()).unwrap();
    let o = voice.default_options();
    let run = |ids: &[i64], o: SynthesisOptions| match pollster::block_on(
        voice.synthesize_ids(ids, &o),
    ) {
        Err(Error::Synthesis(e)) => e,
        other => panic!(
            "expected a synthesis error, got {:?}",
            other.map(|a| a.samples.len())
        ),
    };
    assert_eq!(run(&[], o.clone()), SynthesisError::EmptyInput);
    assert_eq!(
        run(&[1, 99, 2], o.clone()),
        SynthesisError::IdOutOfRange {
            id: 99,
            n_vocab: 16
        }
    );
    assert_eq!(
        run(&[1, -1, 2], o.clone()),
        SynthesisError::IdOutOfRange {
            id: -1,
            n_vocab: 16
        }
    );
    assert!(matches!(
        run(&vec![4; 5000], o.clone()),
        SynthesisError::TooManyIds { .. }
    ));
    assert!(matches!(
        run(
            &[1, 4, 2],
            SynthesisOptions {
                speaker: Speaker::Index(3),
                ..o.clone()
            }
        ),
        SynthesisError::UnknownSpeaker { .. }
    ));
    for bad in [f32::NAN, f32::INFINITY, -1.0, 100.0] {
        assert!(matches!(
            run(
                &[1, 4, 2],
                SynthesisOptions {
                    length_scale: bad,
                    ..o.clone()
                }
            ),
            SynthesisError::OptionOutOfRange { .. }
        ));
        assert!(matches!(
            run(
                &[1, 4, 2],
                SynthesisOptions {
                    noise_w: bad,
                    ..o.clone()
                }
            ),
            SynthesisError::OptionOutOfRange { .. }
        ));
    }
}

#[test]
fn hostile_manifests_are_refused() {
    let v = tiny_voice(Dtype::F32);
    let base: serde_json::Value = serde_json::from_str(&v.manifest.to_json()).unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<Edit> = vec![
        Box::new(|m| m["shards"][0]["file"] = "../secret.safetensors".into()),
        Box::new(|m| m["shards"][0]["file"] = "/etc/passwd".into()),
        Box::new(|m| m["voice_id"] = "a/b".into()),
        Box::new(|m| m["shards"][0]["integrity"] = "md5-abc".into()),
        Box::new(|m| m["shards"][0]["size"] = (1u64 << 40).into()),
        Box::new(|m| m["model"]["n_layers"] = 100000.into()),
        Box::new(|m| m["model"]["upsample_rates"] = serde_json::json!([64, 64, 64])),
        Box::new(|m| m["format_version"] = 2.into()),
        Box::new(|m| m["unexpected"] = 1.into()),
        Box::new(|m| m["phoneme_id_map"]["ab"] = serde_json::json!([4])),
        Box::new(|m| m["phoneme_id_map"]["a"] = serde_json::json!([999])),
        // One phoneme → many ids (valid digests, a blow-up per phoneme in every call).
        Box::new(|m| {
            m["phoneme_id_map"]["a"] = serde_json::json!(vec![4; MAX_IDS_PER_PHONEME + 1])
        }),
        Box::new(|m| m["inference"]["length_scale"] = 1e9.into()),
    ];
    for (i, f) in cases.iter().enumerate() {
        let mut m = base.clone();
        f(&mut m);
        let r = VoiceLoader::new(m.to_string().as_bytes());
        assert!(matches!(r, Err(Error::Manifest(_))), "case {i} accepted");
    }
}

#[test]
fn a_refused_shard_can_be_supplied_again() {
    let v = tiny_voice(Dtype::F32);
    let mut loader = VoiceLoader::new(v.manifest.to_json().as_bytes()).unwrap();
    let mut bad = v.shards[0].1.clone();
    bad[100] ^= 0x40;
    assert!(loader.add_shard(&v.shards[0].0, &bad).is_err());
    for (f, b) in &v.shards {
        loader.add_shard(f, b).unwrap();
    }
    assert!(loader.finish(&backend::cpu()).is_ok());
}

/// Shards hashed piece by piece as they download (the browser's path) are checked like whole
/// ones: a tampered piece, or bytes other than those hashed, are refused before parsing, and
/// the loader takes the shard afterwards.
#[test]
fn shards_hashed_in_pieces_are_verified_before_parsing() {
    use sotto::weights::integrity::IncrementalSha256;
    let v = tiny_voice(Dtype::F32);
    let hashed = |bytes: &[u8]| {
        let mut h = IncrementalSha256::new();
        for piece in bytes.chunks(1000) {
            h.update(piece);
        }
        h
    };
    let mut loader = VoiceLoader::new(v.manifest.to_json().as_bytes()).unwrap();
    let (file, good) = &v.shards[0];
    let mut bad = good.clone();
    bad[100] ^= 0x40;
    let r = loader.add_shard_hashed(file, &bad, hashed(&bad));
    assert!(
        matches!(r, Err(Error::Weights(WeightsError::DigestMismatch { .. }))),
        "{r:?}"
    );
    // The hash of the good bytes does not vouch for other bytes of another length...
    let r = loader.add_shard_hashed(file, &good[..good.len() - 1], hashed(good));
    assert!(
        matches!(r, Err(Error::Weights(WeightsError::SizeMismatch { .. }))),
        "{r:?}"
    );
    // ...nor for a truncated shard hashed as it is.
    let short = &good[..good.len() - 1];
    let r = loader.add_shard_hashed(file, short, hashed(short));
    assert!(
        matches!(r, Err(Error::Weights(WeightsError::SizeMismatch { .. }))),
        "{r:?}"
    );
    for (f, b) in &v.shards {
        loader.add_shard_hashed(f, b, hashed(b)).unwrap();
    }
    assert!(loader.finish(&backend::cpu()).is_ok());
}

/// `Voice::load_dir` reads each file only up to its bound: an endless manifest or shard (here
/// `/dev/zero`) is refused after its bound + 1 bytes instead of being read until memory runs out.
#[cfg(target_os = "linux")]
#[test]
fn endless_files_in_a_voice_directory_are_refused() {
    let v = tiny_voice(Dtype::F32);
    let dir = std::env::temp_dir().join(format!("sotto-endless-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write_voice = || {
        std::fs::write(dir.join("manifest.json"), v.manifest.to_json()).unwrap();
        for (f, b) in &v.shards {
            std::fs::write(dir.join(f), b).unwrap();
        }
    };
    let load_dir = || sotto::Voice::load_dir(&dir, &backend::cpu());
    write_voice();
    assert!(load_dir().is_ok());

    let shard = &v.shards[0].0;
    std::fs::remove_file(dir.join(shard)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join(shard)).unwrap();
    assert!(matches!(
        weights_err(load_dir()),
        WeightsError::SizeMismatch { actual, expected, .. } if actual == expected + 1
    ));

    std::fs::remove_file(dir.join(shard)).unwrap();
    write_voice();
    std::fs::remove_file(dir.join("manifest.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("manifest.json")).unwrap();
    assert!(matches!(
        load_dir(),
        Err(Error::Manifest(sotto::manifest::ManifestError::TooLarge))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 11.3: a tensor the architecture never takes (or takes with another shape) is refused
/// from the manifest alone, when the loader is created — before any shard is decoded.
#[test]
fn unused_or_misshaped_tensors_are_refused_before_any_shard_is_decoded() {
    let v = tiny_voice(Dtype::F32);
    let new_err = |m: &Manifest| match VoiceLoader::new(m.to_json().as_bytes()) {
        Err(Error::Weights(w)) => w,
        Err(e) => panic!("expected a weights error, got {e}"),
        Ok(_) => panic!("the loader accepted a manifest the architecture cannot use"),
    };
    let mut m = v.manifest.clone();
    m.shards[0].tensors.push(sotto::manifest::TensorEntry {
        name: "enc_p.extra".into(),
        dtype: Dtype::F32,
        shape: vec![1 << 20, 64],
    });
    assert_eq!(
        new_err(&m),
        WeightsError::UnexpectedTensor {
            tensor: "enc_p.extra".into()
        }
    );
    let mut m = v.manifest.clone();
    let t = &mut m.shards[0].tensors[0];
    let n: usize = t.shape.iter().product();
    t.shape = vec![1, n];
    let name = t.name.clone();
    assert!(matches!(
        new_err(&m),
        WeightsError::WrongShape { tensor, .. } if tensor == name
    ));
    let mut m = v.manifest.clone();
    let dropped = m.shards[0].tensors.remove(0).name;
    assert_eq!(new_err(&m), WeightsError::MissingTensor { tensor: dropped });
}

/// Issue 11.9: a voice directory without `manifest.json` is reported as a missing manifest,
/// not as a shard, and the message names no path.
#[test]
fn a_missing_manifest_is_reported_as_the_manifest() {
    let dir = std::env::temp_dir().join(format!("sotto-no-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = sotto::Voice::load_dir(&dir, &backend::cpu()).unwrap_err();
    assert!(matches!(
        err,
        Error::Manifest(sotto::manifest::ManifestError::Unreadable)
    ));
    assert!(!err.to_string().contains(&*dir.to_string_lossy()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A 4-speaker tiny voice: `emb_g` and the conditioning layers (`dp.cond`, the flow's
/// `cond_layer`s, `dec.cond`), speakers 0, 1 and 3 named.
fn multi_speaker_voice() -> sotto::Voice {
    let config = VitsConfig {
        n_speakers: 4,
        gin_channels: 6,
        ..tiny_config()
    };
    let names = [("ann", 0), ("bob", 1), ("3922", 3)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let v = tiny_voice_of(config, "en_US", names, Dtype::F32);
    load(&v, &v.shards, &v.manifest.to_json()).unwrap()
}

fn host(t: Option<burn::tensor::Tensor<3>>) -> Vec<f32> {
    t.expect("a multi-speaker voice conditions")
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()
}

#[test]
fn multi_speaker_voices_need_upstream_conditioning_names() {
    let config = VitsConfig {
        n_speakers: 4,
        gin_channels: 6,
        ..tiny_config()
    };
    let w = random_weights(&config, 1);
    for (name, shape) in [
        ("emb_g.weight", vec![4, 6]),
        ("dp.cond.weight", vec![8, 6, 1]),
        ("dp.cond.bias", vec![8]),
        // 2 · hidden · WaveNet layers, split per layer.
        ("flow.flows.2.enc.cond_layer.weight", vec![32, 6, 1]),
        ("dec.cond.weight", vec![16, 6, 1]),
        ("dec.cond.bias", vec![16]),
    ] {
        assert_eq!(w.get(name).map(|t| t.shape.clone()), Some(shape), "{name}");
    }
    let single = random_weights(&tiny_config(), 1);
    assert!(
        !single
            .keys()
            .any(|k| k.contains("cond") || k.starts_with("emb_g"))
    );
}

#[test]
fn speakers_by_index_name_and_blend() {
    let voice = multi_speaker_voice();
    let opts = |speaker| SynthesisOptions {
        noise_scale: 0.0,
        noise_w: 0.0,
        speaker,
        ..voice.default_options()
    };
    let ids = [1, 0, 4, 0, 5, 0, 4, 0, 2];
    let say = |s: Speaker| pollster::block_on(voice.synthesize_ids(&ids, &opts(s))).unwrap();
    let name = |n: &str| SpeakerRef::Name(n.into());

    // Speakers differ; a name is its index.
    let a0 = say(Speaker::Index(0));
    let a1 = say(Speaker::Index(1));
    assert_ne!(a0.samples, a1.samples, "speakers 0 and 1 sound alike");
    assert_eq!(say(Speaker::Name("bob".into())), a1);
    assert_eq!(
        say(Speaker::parse("name:3922").unwrap()),
        say(Speaker::Index(3))
    );

    // A blend of one speaker at weight 1 is that speaker, exactly.
    let g0 = host(voice.speaker(&Speaker::Index(0)).unwrap());
    let g1 = host(voice.speaker(&Speaker::Index(1)).unwrap());
    let only = Speaker::Blend(vec![(name("ann"), 1.0)]);
    assert_eq!(host(voice.speaker(&only).unwrap()), g0);
    assert_eq!(say(only), a0);

    // A blend is the weighted sum of the embeddings, with weights normalized to sum to 1.
    let mixed = Speaker::Blend(vec![(name("ann"), 0.7), (name("bob"), 0.3)]);
    let g = host(voice.speaker(&mixed).unwrap());
    assert_eq!(g.len(), 6);
    for ((x, p), q) in g.iter().zip(&g0).zip(&g1) {
        assert!(
            (x - (0.7 * p + 0.3 * q)).abs() < 1e-6,
            "{x} vs 0.7·{p} + 0.3·{q}"
        );
    }
    let scaled = Speaker::Blend(vec![(name("ann"), 7.0), (SpeakerRef::Index(1), 3.0)]);
    let gs = host(voice.speaker(&scaled).unwrap());
    assert!(g.iter().zip(&gs).all(|(x, y)| (x - y).abs() < 1e-6));
    let am = say(mixed);
    assert_ne!(am.samples, a0.samples);
    assert_ne!(am.samples, a1.samples);
    assert!(am.samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0));

    // Refusals are typed, before any synthesis.
    let refused = |s: Speaker| match pollster::block_on(voice.synthesize_ids(&ids, &opts(s))) {
        Err(Error::Synthesis(e)) => e,
        other => panic!(
            "expected a refusal, got {:?}",
            other.map(|a| a.samples.len())
        ),
    };
    assert_eq!(
        refused(Speaker::Index(4)),
        SynthesisError::UnknownSpeaker {
            speaker: 4,
            num_speakers: 4
        }
    );
    assert_eq!(
        refused(Speaker::Name("zed".into())),
        SynthesisError::UnknownSpeakerName { named: 3 }
    );
    for bad in [
        Speaker::Blend(vec![]),
        Speaker::Blend(vec![(name("ann"), -1.0)]),
        Speaker::Blend(vec![(name("ann"), f32::NAN)]),
        Speaker::Blend(vec![(name("ann"), 0.0)]),
        Speaker::Blend(vec![(name("ann"), 0.5), (SpeakerRef::Index(0), 0.5)]),
    ] {
        assert!(matches!(refused(bad), SynthesisError::BadSpeaker { .. }));
    }
    assert!(voice.check_options(&opts(Speaker::Index(9))).is_err());
    assert!(voice.check_options(&opts(Speaker::Index(3))).is_ok());
}

#[test]
fn a_single_speaker_voice_has_speaker_zero_only() {
    let v = tiny_voice(Dtype::F32);
    let voice = load(&v, &v.shards, &v.manifest.to_json()).unwrap();
    assert!(voice.speaker(&Speaker::Index(0)).unwrap().is_none());
    assert!(
        voice
            .speaker(&Speaker::Blend(vec![(SpeakerRef::Index(0), 1.0)]))
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        voice.speaker(&Speaker::Name("ann".into())),
        Err(Error::Synthesis(SynthesisError::UnknownSpeakerName {
            named: 0
        }))
    ));
}

#[test]
fn text_is_refused_by_a_voice_of_another_language_phonemes_are_not() {
    let lexicon = sotto::text::Lexicon::default();
    let limits = sotto::text::TextLimits::default();
    for (language, text_ok) in [
        ("de_DE", false),
        ("xx_XX", false),
        ("en_GB", true),
        ("en_US", true),
    ] {
        let v = tiny_voice_of(tiny_config(), language, BTreeMap::new(), Dtype::F32);
        let voice = load(&v, &v.shards, &v.manifest.to_json()).unwrap();
        let opts = voice.default_options();
        let r = pollster::block_on(voice.speak_text("A bee.", &limits, &lexicon, &opts));
        match r {
            Err(Error::Synthesis(SynthesisError::TextLanguage { language: l })) => {
                assert!(!text_ok, "{language}");
                assert_eq!(l, language);
                let msg =
                    Error::Synthesis(SynthesisError::TextLanguage { language: l }).to_string();
                assert!(
                    msg.contains(language) && msg.contains("pass phonemes"),
                    "{msg}"
                );
            }
            other => assert!(text_ok, "{language}: {:?}", other.map(|a| a.samples.len())),
        }
        assert_eq!(voice.check_text_language().is_ok(), text_ok);
        // Phoneme input works in every language.
        let (a, _) = pollster::block_on(voice.speak_phonemes("ab ba.", &opts)).unwrap();
        assert!(!a.samples.is_empty());
    }
}

#[test]
fn manifest_languages_phoneme_types_and_speaker_names_are_checked() {
    let v = tiny_voice(Dtype::F32);
    let base: serde_json::Value = serde_json::from_str(&v.manifest.to_json()).unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|m| m["phoneme_type"] = "text".into()),
            "phoneme_type",
        ),
        (Box::new(|m| m["phoneme_type"] = "".into()), "phoneme_type"),
        (Box::new(|m| m["language"] = "en-US".into()), "language"),
        (Box::new(|m| m["language"] = "English".into()), "language"),
        (
            Box::new(|m| m["speaker_id_map"] = serde_json::json!({ "a\u{1b}[2J": 0 })),
            "speaker_id_map",
        ),
        (
            Box::new(|m| m["speaker_id_map"] = serde_json::json!({ "x".repeat(129): 0 })),
            "speaker_id_map",
        ),
        (
            Box::new(|m| m["speaker_id_map"] = serde_json::json!({ "": 0 })),
            "speaker_id_map",
        ),
        (
            Box::new(|m| m["speaker_id_map"] = serde_json::json!({ "a": 1 })),
            "num_speakers",
        ),
    ];
    for (i, (f, field)) in cases.iter().enumerate() {
        let mut m = base.clone();
        f(&mut m);
        match VoiceLoader::new(m.to_string().as_bytes()) {
            Err(Error::Manifest(e)) => assert!(e.to_string().contains(field), "case {i}: {e}"),
            Err(e) => panic!("case {i}: {e}"),
            Ok(_) => panic!("case {i} accepted"),
        }
    }
    let mut m = base.clone();
    m["speaker_id_map"] = serde_json::json!({ "Ann Smith (narrator)": 0 });
    assert!(VoiceLoader::new(m.to_string().as_bytes()).is_ok());
}
