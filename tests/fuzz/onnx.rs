//! The ONNX reader of `sotto convert` on mutated small Piper voices (the random-weight fixtures
//! of `tests/fixtures/voices/`): edits aimed at the protobuf structure (field keys and length
//! prefixes found by walking the wire format, so lengths, wire types and nesting break) and
//! anywhere, then `convert::onnx::parse_model`, and for fewer cases the whole `convert` (map,
//! infer the architecture, package, load).

use crate::alloc::peak_during;
use crate::mutate::{ByteEdit, apply_bytes, byte_edit};
use crate::{Largest, check_message, config, fuzz};
use proptest::prelude::*;
use sotto::convert::{convert, onnx};
use sotto::weights::safetensors::Dtype;
use std::sync::OnceLock;

const FIXTURES: &[&str] = &["x_low-1spk", "medium-1spk", "high-1spk"];

/// A fixture: ONNX bytes, Piper config bytes, structural offsets of the ONNX.
type Fixture = (Vec<u8>, Vec<u8>, Vec<usize>);

/// Every fixture, read once.
fn fixtures() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voices");
        FIXTURES
            .iter()
            .map(|name| {
                let onnx = std::fs::read(format!("{dir}/{name}/{name}.onnx")).unwrap();
                let json = std::fs::read(format!("{dir}/{name}/{name}.onnx.json")).unwrap();
                let mut offsets = Vec::new();
                walk(&onnx, 0, 0, &mut offsets);
                (onnx, json, offsets)
            })
            .collect()
    })
}

fn varint(b: &[u8], mut i: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(i)?;
        i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((v, i));
        }
    }
    None
}

/// Offsets of every field key and length prefix in `b` (at `base`), descending into
/// length-delimited fields that parse whole as messages (strings and tensor data mostly do
/// not), to depth 5. Returns whether `b` parsed whole.
fn walk(b: &[u8], base: usize, depth: u32, out: &mut Vec<usize>) -> bool {
    let mut i = 0;
    let mut found = Vec::new();
    while i < b.len() {
        found.push(base + i);
        let Some((key, j)) = varint(b, i) else {
            return false;
        };
        i = j;
        match key & 7 {
            0 => match varint(b, i) {
                Some((_, j)) => i = j,
                None => return false,
            },
            1 => i += 8,
            5 => i += 4,
            2 => {
                found.push(base + i);
                let Some((n, j)) = varint(b, i) else {
                    return false;
                };
                let Some(end) = j.checked_add(n as usize).filter(|&e| e <= b.len()) else {
                    return false;
                };
                if depth < 5 && n > 0 {
                    let mut inner = Vec::new();
                    if walk(&b[j..end], base + j, depth + 1, &mut inner) {
                        found.extend(inner);
                    }
                }
                i = end;
            }
            _ => return false,
        }
    }
    if i == b.len() {
        out.extend(found);
        true
    } else {
        false
    }
}

fn mutated(which: usize, edits: &[ByteEdit], structural: bool) -> (Vec<u8>, &'static [u8]) {
    let (onnx, json, offsets) = &fixtures()[which % FIXTURES.len()];
    let mut b = onnx.clone();
    apply_bytes(&mut b, edits, if structural { offsets } else { &[] });
    (b, json)
}

fn edits() -> impl Strategy<Value = (usize, Vec<ByteEdit>, bool)> {
    (
        any::<usize>(),
        prop::collection::vec(byte_edit(), 1..4),
        prop::bool::weighted(0.8),
    )
}

/// Peak allocation allowed for reading an ONNX file of `n` bytes (finding 9: a crafted file
/// made the reader allocate ~21× its size). Measured on these fixtures: docs/fuzzing.md.
fn max_parse_peak(n: usize) -> usize {
    4 * n + (8 << 20)
}

static PARSE_PEAK: Largest = Largest::new("parse_model peak allocation, B");
static CONVERT_PEAK: Largest = Largest::new("convert peak allocation, B");

#[test]
fn fuzz_onnx_parse() {
    fixtures();
    fuzz(
        "onnx parse_model",
        config(300, file!()),
        edits(),
        |(which, e, structural)| {
            let (b, _) = mutated(which, &e, structural);
            let (r, peak) = peak_during(|| onnx::parse_model(&b));
            PARSE_PEAK.record(peak, b.len());
            if peak > max_parse_peak(b.len()) {
                return Err(format!("parse allocated {peak} B for {} B", b.len()));
            }
            match r {
                Ok(_) => Ok(()),
                Err(e) => check_message(&e.to_string(), &[]),
            }
        },
    );
    PARSE_PEAK.report();
}

#[test]
fn fuzz_onnx_convert() {
    fixtures();
    fuzz(
        "onnx convert",
        config(40, file!()),
        edits(),
        |(which, e, structural)| {
            let (b, json) = mutated(which, &e, structural);
            let (r, peak) = peak_during(|| convert(&b, json, "xx_XX-fuzz-low", Dtype::F16));
            CONVERT_PEAK.record(peak, b.len());
            // Reading, mapping and packaging hold a few copies of the weights at most.
            if peak > 12 * b.len() + (32 << 20) {
                return Err(format!("convert allocated {peak} B for {} B", b.len()));
            }
            match r {
                Ok(c) => {
                    let total: usize = c.shards.iter().map(|(_, s)| s.len()).sum();
                    if total > 2 * b.len() {
                        return Err(format!("{total} B of shards from {} B", b.len()));
                    }
                    Ok(())
                }
                Err(e) => check_message(&e.to_string(), &[]),
            }
        },
    );
    CONVERT_PEAK.report();
}

/// Every fixture converts unmutated (so the fuzzers start from inputs that get all the way).
#[test]
fn onnx_fixtures_convert() {
    for (k, (onnx, json, offsets)) in fixtures().iter().enumerate() {
        assert!(
            offsets.len() > 1000,
            "fixture {k}: the walker found the structure"
        );
        let (r, peak) = peak_during(|| convert(onnx, json, "xx_XX-fuzz-low", Dtype::F16));
        r.unwrap_or_else(|e| panic!("fixture {k}: {e}"));
        eprintln!("fixture {k}: {} B onnx, convert peak {peak} B", onnx.len());
    }
}
