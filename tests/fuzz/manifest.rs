//! `Manifest::parse` and `VoiceLoader` on mutated valid manifests: the tiny voice's manifest
//! with structural JSON edits (any value replaced by a hostile one, entries removed or
//! duplicated, unknown keys) and byte edits. A manifest that still parses is loaded with the
//! voice's shards, and a voice that still builds speaks a short phrase.

use crate::alloc::peak_during;
use crate::mutate::{ByteEdit, JsonEdit, apply_bytes, apply_json, byte_edit, json_edit};
use crate::{check_message, config, fuzz, tiny};
use proptest::prelude::*;
use sotto::limits::MAX_SAMPLES_PER_SYNTHESIS;
use sotto::weights::safetensors::Dtype;
use sotto::{Manifest, VoiceLoader, backend};

/// What a message may never show: the markers and path pieces of `mutate::HOSTILE_STRINGS`.
pub const SECRETS: &[&str] = &["qzxvsecret", "../", "/abs/", "etc/passwd"];

fn dtype() -> impl Strategy<Value = Dtype> {
    prop_oneof![Just(Dtype::F32), Just(Dtype::F16)]
}

/// Loads (`VoiceLoader::new`, every shard, `finish`) and speaks "ab ba." when all that works.
pub fn load_and_speak(manifest: &[u8], shards: &[(String, Vec<u8>)]) -> Result<(), String> {
    let (r, peak) = peak_during(|| -> sotto::Result<sotto::Voice> {
        let mut loader = VoiceLoader::new(manifest)?;
        for (f, b) in shards {
            loader.add_shard(f, b)?;
        }
        loader.finish(&backend::cpu())
    });
    // The tiny voice is ~100 KB of weights; a hostile manifest must not make loading allocate
    // more than a small multiple of what it supplies.
    let supplied: usize = manifest.len() + shards.iter().map(|(_, b)| b.len()).sum::<usize>();
    if peak > 64 * supplied + (16 << 20) {
        return Err(format!(
            "loading allocated {peak} B for {supplied} B supplied"
        ));
    }
    let voice = match r {
        Ok(v) => v,
        Err(e) => return check_message(&e.to_string(), SECRETS),
    };
    let opts = voice.default_options();
    match pollster::block_on(voice.speak_phonemes("ab ba.", &opts)) {
        Ok((audio, _)) => {
            if audio.samples.len() > MAX_SAMPLES_PER_SYNTHESIS {
                return Err(format!("{} samples", audio.samples.len()));
            }
            if !audio.samples.iter().all(|s| s.is_finite()) {
                return Err("non-finite samples".into());
            }
            Ok(())
        }
        Err(e) => check_message(&e.to_string(), SECRETS),
    }
}

fn check(dtype: Dtype, json: &[JsonEdit], bytes: &[ByteEdit]) -> Result<(), String> {
    let v = tiny::voice(dtype);
    let mut doc: serde_json::Value = serde_json::from_str(&v.manifest.to_json()).unwrap();
    apply_json(&mut doc, json);
    let mut buf = serde_json::to_vec(&doc).unwrap();
    apply_bytes(&mut buf, bytes, &[]);
    let (r, peak) = peak_during(|| Manifest::parse(&buf));
    if peak > 32 * buf.len() + (1 << 20) {
        return Err(format!("parse allocated {peak} B for {} B", buf.len()));
    }
    match r {
        Err(e) => check_message(&e.to_string(), SECRETS),
        Ok(_) => load_and_speak(&buf, &v.shards),
    }
}

#[test]
fn fuzz_manifest() {
    tiny::voice(Dtype::F32);
    tiny::voice(Dtype::F16);
    fuzz(
        "manifest parse+load",
        config(300, file!()),
        (
            dtype(),
            prop::collection::vec(json_edit(), 0..4),
            prop::collection::vec(byte_edit(), 0..2),
        ),
        |(d, j, b)| check(d, &j, &b),
    );
}

/// Manifests that must be refused or load fine, whatever: the findings and the classics.
#[test]
fn manifest_corpus() {
    let v = tiny::voice(Dtype::F32);
    let base: serde_json::Value = serde_json::from_str(&v.manifest.to_json()).unwrap();
    let edits: Vec<(&str, serde_json::Value)> = vec![
        // Finding 1: one phoneme mapped to many ids.
        ("/phoneme_id_map/a", serde_json::json!(vec![4; 500_000])),
        // Finding 2: larger strides, same weights.
        ("/model/upsample_rates", serde_json::json!([16, 16])),
        ("/model/upsample_rates", serde_json::json!([8, 4])),
        ("/model/n_vocab", serde_json::json!(usize::MAX)),
        ("/model/hidden_channels", serde_json::json!(1u64 << 40)),
        ("/shards/0/file", serde_json::json!("../../x.safetensors")),
        ("/shards/0/size", serde_json::json!(u64::MAX)),
        ("/shards/0/integrity", serde_json::json!("sha256-\u{1b}[2J")),
        (
            "/shards/0/tensors/0/shape",
            serde_json::json!([1usize << 62, 1usize << 62]),
        ),
        ("/sample_rate", serde_json::json!(0)),
        ("/inference/length_scale", serde_json::json!(1e300)),
        ("/voice_id", serde_json::json!("\u{1b}]0;qzxvsecret\u{7}")),
        ("/language", serde_json::json!("ru_RU")),
        ("/phoneme_type", serde_json::json!("text")),
    ];
    for (ptr, value) in edits {
        let mut doc = base.clone();
        *doc.pointer_mut(ptr).unwrap() = value;
        let buf = serde_json::to_vec(&doc).unwrap();
        match Manifest::parse(&buf) {
            Err(e) => check_message(&e.to_string(), SECRETS),
            Ok(_) => load_and_speak(&buf, &v.shards),
        }
        .unwrap_or_else(|e| panic!("{ptr}: {e}"));
    }
}
