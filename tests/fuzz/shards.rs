//! Safetensors shards: `weights::safetensors::parse` on mutated valid shards (header JSON edited
//! structurally, bytes edited anywhere, the length prefix included), and the same shards through
//! `VoiceLoader::add_shard` with the manifest re-pinned to their new size and SHA-256 — what an
//! attacker who controls the whole voice can serve — then `finish` and a short synthesis.

use crate::alloc::peak_during;
use crate::manifest::{SECRETS, load_and_speak};
use crate::mutate::{ByteEdit, JsonEdit, apply_bytes, apply_json, byte_edit, json_edit};
use crate::{check_message, config, fuzz, tiny};
use proptest::prelude::*;
use sotto::weights::integrity::Sha256Digest;
use sotto::weights::safetensors::{self, Dtype};

/// A shard with its header JSON edited (re-serialized, length prefix recomputed) and its bytes
/// edited (positions in the first `header_bias` bytes when asked: the prefix and header).
fn mutated(shard: &[u8], json: &[JsonEdit], bytes: &[ByteEdit], in_header: bool) -> Vec<u8> {
    let n = u64::from_le_bytes(shard[..8].try_into().unwrap()) as usize;
    let mut out = shard.to_vec();
    if !json.is_empty() {
        let mut header: serde_json::Value = serde_json::from_slice(&shard[8..8 + n]).unwrap();
        apply_json(&mut header, json);
        let mut h = serde_json::to_vec(&header).unwrap();
        while !h.len().is_multiple_of(8) {
            h.push(b' ');
        }
        out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(&h);
        out.extend_from_slice(&shard[8 + n..]);
    }
    let window: Vec<usize> = if in_header {
        (0..(8 + n).min(out.len())).collect()
    } else {
        Vec::new()
    };
    apply_bytes(&mut out, bytes, &window);
    out
}

fn edits() -> impl Strategy<Value = (bool, usize, Vec<JsonEdit>, Vec<ByteEdit>, bool)> {
    (
        any::<bool>(),
        any::<usize>(),
        prop::collection::vec(json_edit(), 0..3),
        prop::collection::vec(byte_edit(), 0..3),
        any::<bool>(),
    )
}

fn dtype_of(f16: bool) -> Dtype {
    if f16 { Dtype::F16 } else { Dtype::F32 }
}

fn check_parse(buf: &[u8]) -> Result<(), String> {
    let (r, peak) = peak_during(|| safetensors::parse(buf));
    // Views into the buffer: the parse itself holds the header's size, not the data's.
    if peak > 64 * 1024 + 64 * buf.len().min(1 << 20) {
        return Err(format!("parse allocated {peak} B for {} B", buf.len()));
    }
    match r {
        Ok(tensors) => {
            let mut total = 0usize;
            for t in &tensors {
                let n: usize = t.shape.iter().product();
                if t.data.len() != n * t.dtype.size() {
                    return Err(format!(
                        "{}: data of {} B for shape {:?}",
                        t.name,
                        t.data.len(),
                        t.shape
                    ));
                }
                if !safetensors::is_valid_name(&t.name) {
                    return Err("an invalid name was accepted".into());
                }
                total += t.data.len();
            }
            if total > buf.len() {
                return Err("tensors hold more than the buffer".into());
            }
            Ok(())
        }
        Err(e) => check_message(&e.to_string(), SECRETS),
    }
}

#[test]
fn fuzz_safetensors_parse() {
    tiny::voice(Dtype::F32);
    tiny::voice(Dtype::F16);
    fuzz(
        "safetensors parse",
        config(1500, file!()),
        edits(),
        |(f16, which, json, bytes, in_header)| {
            let v = tiny::voice(dtype_of(f16));
            let shard = &v.shards[which % v.shards.len()].1;
            check_parse(&mutated(shard, &json, &bytes, in_header))
        },
    );
}

#[test]
fn fuzz_shard_loader() {
    tiny::voice(Dtype::F32);
    tiny::voice(Dtype::F16);
    fuzz(
        "shard add_shard+finish (re-pinned)",
        config(200, file!()),
        edits(),
        |(f16, which, json, bytes, in_header)| {
            let v = tiny::voice(dtype_of(f16));
            let i = which % v.shards.len();
            let mut shards = v.shards.clone();
            shards[i].1 = mutated(&shards[i].1, &json, &bytes, in_header);
            let mut m = v.manifest.clone();
            m.shards[i].size = shards[i].1.len() as u64;
            m.shards[i].integrity = Sha256Digest::of(&shards[i].1).to_sri();
            load_and_speak(m.to_json().as_bytes(), &shards)
        },
    );
}

/// Shards every loader must refuse cleanly: the length prefix at its extremes, an empty and a
/// header-only file, a header claiming more data than the file has.
#[test]
fn shard_corpus() {
    let v = tiny::voice(Dtype::F32);
    let shard = &v.shards[0].1;
    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0; 7],
        vec![0; 8],
        u64::MAX.to_le_bytes().to_vec(),
    ];
    for n in [
        0u64,
        1,
        2,
        (1 << 20) + 1,
        u64::MAX,
        u64::MAX / 2,
        shard.len() as u64,
    ] {
        let mut s = shard.clone();
        s[..8].copy_from_slice(&n.to_le_bytes());
        cases.push(s);
    }
    let mut header_only = shard.clone();
    let n = u64::from_le_bytes(shard[..8].try_into().unwrap()) as usize;
    header_only.truncate(8 + n);
    cases.push(header_only);
    for (k, c) in cases.iter().enumerate() {
        check_parse(c).unwrap_or_else(|e| panic!("case {k}: {e}"));
    }
}
