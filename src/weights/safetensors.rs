//! A strict safetensors reader and a deterministic writer.
//!
//! Layout (huggingface/safetensors `safetensors/src/tensor.rs`):
//! ```text
//! [u64 LE header length N][N bytes of JSON header][data]
//! header: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//!          "__metadata__": {"k": "v"}}
//! ```
//! Reading is two layers. Sotto's own header checks run first ([`check_header`]): the header
//! length is bounded ([`MAX_HEADER_BYTES`], far below the crate's 100 MB) and fits the buffer,
//! the header is a JSON object with no duplicate keys (the crate reads it into a map, keeping
//! the last of two), entries have no unknown fields (the crate ignores them), names are plain
//! identifiers, dtypes are F32/F16 only, the rank is bounded and `shape` × dtype size does not
//! overflow. Then the `safetensors` crate (pinned) validates the layout and hands out the views:
//! each byte span equals its shape × dtype size, spans are in bounds, do not overlap, leave no
//! gaps, and cover the data exactly (no trailing bytes).

use serde::de::{Deserializer, MapAccess, Visitor};
use std::fmt;

/// The largest header accepted (upstream uses 100 MB; a voice shard's header is a few KiB).
pub const MAX_HEADER_BYTES: usize = crate::limits::MAX_HEADER_BYTES;
/// Bytes of the length prefix.
const N_LEN: usize = 8;
/// The largest rank accepted.
const MAX_RANK: usize = crate::limits::MAX_TENSOR_RANK;
/// The longest tensor name accepted.
pub const MAX_NAME_LEN: usize = crate::limits::MAX_TENSOR_NAME_LEN;

/// Element type of a stored tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Dtype {
    /// IEEE binary32.
    F32,
    /// IEEE binary16 (upcast to f32 on load).
    F16,
}

impl Dtype {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F16 => 2,
        }
    }
}

/// One tensor of a parsed shard, borrowing its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor<'a> {
    /// Name, e.g. `dec.ups.0.weight`.
    pub name: String,
    /// Element type.
    pub dtype: Dtype,
    /// Shape.
    pub shape: Vec<usize>,
    /// Little-endian element bytes.
    pub data: &'a [u8],
}

/// Why a buffer is not an acceptable safetensors file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Fewer than 8 bytes: no header length.
    #[error("file too small for a header")]
    HeaderTooSmall,
    /// The header length exceeds [`MAX_HEADER_BYTES`] or the buffer.
    #[error("header length out of bounds")]
    HeaderTooLarge,
    /// The header is not UTF-8 JSON of the expected form.
    #[error("header is not a valid safetensors header")]
    InvalidHeader,
    /// The same tensor name twice.
    #[error("duplicate tensor name")]
    DuplicateName,
    /// A name that is empty, too long, or has characters other than `[A-Za-z0-9._]`.
    #[error("invalid tensor name")]
    InvalidName,
    /// A dtype other than F32/F16.
    #[error("tensor {0} has an unsupported dtype")]
    UnsupportedDtype(String),
    /// Shape product overflowed or the rank is too high.
    #[error("tensor {0} has an invalid shape")]
    InvalidShape(String),
    /// Byte span does not match the shape, is out of bounds, overlaps or leaves a gap.
    #[error("tensor {0} has invalid data offsets")]
    InvalidOffsets(String),
}

/// Header entry as written in the JSON.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: (usize, usize),
}

/// A JSON object read as a list of pairs, so duplicate keys can be seen.
struct Pairs(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Pairs, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = m.next_entry::<String, serde_json::Value>()? {
                    v.push(kv);
                }
                Ok(Pairs(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// Is `name` a plain tensor identifier (`[A-Za-z0-9._]`, 1..=128 bytes)?
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// Parses and validates a whole safetensors buffer: [`check_header`], then the `safetensors`
/// crate's layout validation. Tensors come back sorted by name.
pub fn parse(buffer: &[u8]) -> Result<Vec<RawTensor<'_>>, FormatError> {
    check_header(buffer)?;
    let file = ::safetensors::SafeTensors::deserialize(buffer).map_err(from_crate)?;
    let mut tensors = Vec::with_capacity(file.len());
    for (name, view) in file.iter() {
        let dtype = match view.dtype() {
            ::safetensors::Dtype::F32 => Dtype::F32,
            ::safetensors::Dtype::F16 => Dtype::F16,
            _ => return Err(FormatError::UnsupportedDtype(name.to_string())),
        };
        tensors.push(RawTensor {
            name: name.to_string(),
            dtype,
            shape: view.shape().to_vec(),
            data: view.data(),
        });
    }
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tensors)
}

/// The crate's refusals in Sotto's terms (its messages are not passed on).
fn from_crate(e: ::safetensors::SafeTensorError) -> FormatError {
    use ::safetensors::SafeTensorError as E;
    match e {
        E::HeaderTooSmall => FormatError::HeaderTooSmall,
        E::HeaderTooLarge | E::InvalidHeaderLength => FormatError::HeaderTooLarge,
        E::InvalidOffset(name) => FormatError::InvalidOffsets(name),
        E::TensorInvalidInfo
        | E::MetadataIncompleteBuffer
        | E::InvalidTensorView(..)
        | E::MisalignedSlice => FormatError::InvalidOffsets(String::from("<data>")),
        E::ValidationOverflow => FormatError::InvalidShape(String::from("<data>")),
        _ => FormatError::InvalidHeader,
    }
}

/// Sotto's checks of the header, before the crate sees the buffer (see the module docs).
pub fn check_header(buffer: &[u8]) -> Result<(), FormatError> {
    let Some(len_bytes) = buffer.get(..N_LEN) else {
        return Err(FormatError::HeaderTooSmall);
    };
    let mut le = [0u8; N_LEN];
    le.copy_from_slice(len_bytes);
    let n = u64::from_le_bytes(le);
    let n = usize::try_from(n).map_err(|_| FormatError::HeaderTooLarge)?;
    if n > MAX_HEADER_BYTES {
        return Err(FormatError::HeaderTooLarge);
    }
    let stop = N_LEN.checked_add(n).ok_or(FormatError::HeaderTooLarge)?;
    let header = buffer.get(N_LEN..stop).ok_or(FormatError::HeaderTooLarge)?;
    let header = std::str::from_utf8(header).map_err(|_| FormatError::InvalidHeader)?;
    if !header.starts_with('{') {
        return Err(FormatError::InvalidHeader);
    }
    let Pairs(pairs) = serde_json::from_str(header).map_err(|_| FormatError::InvalidHeader)?;

    let mut seen = std::collections::BTreeSet::new();
    for (name, value) in pairs {
        if !seen.insert(name.clone()) {
            return Err(FormatError::DuplicateName);
        }
        if name == "__metadata__" {
            // Metadata must be a string → string map, and is otherwise ignored.
            let ok = value
                .as_object()
                .is_some_and(|m| m.values().all(|v| v.is_string()));
            if !ok {
                return Err(FormatError::InvalidHeader);
            }
            continue;
        }
        if !is_valid_name(&name) {
            return Err(FormatError::InvalidName);
        }
        let e: Entry = serde_json::from_value(value).map_err(|_| FormatError::InvalidHeader)?;
        let dtype = match e.dtype.as_str() {
            "F32" => Dtype::F32,
            "F16" => Dtype::F16,
            _ => return Err(FormatError::UnsupportedDtype(name)),
        };
        if e.shape.len() > MAX_RANK {
            return Err(FormatError::InvalidShape(name));
        }
        if e.shape
            .iter()
            .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
            .is_none()
        {
            return Err(FormatError::InvalidShape(name));
        }
    }
    Ok(())
}

/// A tensor to write: name, dtype, shape and little-endian bytes.
pub struct OwnedTensor {
    /// Name.
    pub name: String,
    /// Element type of `data`.
    pub dtype: Dtype,
    /// Shape.
    pub shape: Vec<usize>,
    /// Little-endian element bytes.
    pub data: Vec<u8>,
}

/// Serializes tensors deterministically: sorted by name, no metadata, header padded with spaces
/// to a multiple of 8 bytes so data stays aligned.
pub fn serialize(tensors: &[OwnedTensor]) -> Vec<u8> {
    let mut sorted: Vec<&OwnedTensor> = tensors.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut header = String::from("{");
    let mut offset = 0usize;
    for (i, t) in sorted.iter().enumerate() {
        if i > 0 {
            header.push(',');
        }
        let dtype = match t.dtype {
            Dtype::F32 => "F32",
            Dtype::F16 => "F16",
        };
        let shape: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
        let end = offset + t.data.len();
        // Names were validated by the caller (plain identifiers), so no escaping is needed;
        // serde_json keeps this correct even if that changes.
        let name = serde_json::Value::String(t.name.clone()).to_string();
        header.push_str(&format!(
            "{name}:{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{offset},{end}]}}",
            shape.join(",")
        ));
        offset = end;
    }
    header.push('}');
    while !(N_LEN + header.len()).is_multiple_of(8) {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(N_LEN + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for t in sorted {
        out.extend_from_slice(&t.data);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut v = (header.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(header.as_bytes());
        v.extend_from_slice(data);
        v
    }

    fn t(name: &str, shape: Vec<usize>, n: usize) -> OwnedTensor {
        OwnedTensor {
            name: name.into(),
            dtype: Dtype::F32,
            shape,
            data: (0..n * 4).map(|i| i as u8).collect(),
        }
    }

    #[test]
    fn round_trip_is_sorted_and_aligned() {
        let bytes = serialize(&[t("b", vec![2], 2), t("a.w", vec![1, 3], 3)]);
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        assert_eq!((8 + n) % 8, 0);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].name, "a.w");
        assert_eq!(parsed[0].shape, vec![1, 3]);
        assert_eq!(parsed[1].data.len(), 8);
    }

    #[test]
    fn serialize_is_deterministic() {
        let a = serialize(&[t("x", vec![2], 2), t("y", vec![1], 1)]);
        let b = serialize(&[t("y", vec![1], 1), t("x", vec![2], 2)]);
        assert_eq!(a, b);
    }

    #[test]
    fn header_too_small() {
        assert_eq!(parse(&[1, 2, 3]), Err(FormatError::HeaderTooSmall));
    }

    #[test]
    fn header_too_large() {
        let mut v = u64::MAX.to_le_bytes().to_vec();
        v.extend_from_slice(b"{}");
        assert_eq!(parse(&v), Err(FormatError::HeaderTooLarge));
        let mut v = 100u64.to_le_bytes().to_vec();
        v.extend_from_slice(b"{}");
        assert_eq!(parse(&v), Err(FormatError::HeaderTooLarge));
    }

    #[test]
    fn invalid_header() {
        assert_eq!(parse(&file("[1]", &[])), Err(FormatError::InvalidHeader));
        assert_eq!(
            parse(&file("{\"a\":1}", &[])),
            Err(FormatError::InvalidHeader)
        );
        assert_eq!(
            parse(&file("{\"__metadata__\":{\"k\":1}}", &[])),
            Err(FormatError::InvalidHeader)
        );
        // An unknown entry field: the crate ignores it, Sotto's layer refuses it.
        let extra = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}"#;
        assert_eq!(
            parse(&file(extra, &[0; 4])),
            Err(FormatError::InvalidHeader)
        );
    }

    /// The crate alone would accept this (its map keeps the last entry): Sotto's layer refuses.
    #[test]
    fn duplicate_name() {
        let h = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
        assert_eq!(parse(&file(h, &[0; 8])), Err(FormatError::DuplicateName));
    }

    #[test]
    fn invalid_name() {
        let h = r#"{"../etc":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
        assert_eq!(parse(&file(h, &[0; 4])), Err(FormatError::InvalidName));
    }

    #[test]
    fn unsupported_dtype() {
        let h = r#"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#;
        assert_eq!(
            parse(&file(h, &[0; 8])),
            Err(FormatError::UnsupportedDtype("a".into()))
        );
    }

    #[test]
    fn invalid_shape() {
        let h = r#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#;
        assert_eq!(
            parse(&file(h, &[0; 4])),
            Err(FormatError::InvalidShape("a".into()))
        );
    }

    /// Layout refusals: these come from the `safetensors` crate's validation.
    #[test]
    fn invalid_offsets_mismatch_overlap_gap_trailing() {
        let wrong_len = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#;
        assert!(matches!(
            parse(&file(wrong_len, &[0; 4])),
            Err(FormatError::InvalidOffsets(_))
        ));
        let overlap = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
        assert!(matches!(
            parse(&file(overlap, &[0; 8])),
            Err(FormatError::InvalidOffsets(_))
        ));
        let gap = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
        assert!(matches!(
            parse(&file(gap, &[0; 8])),
            Err(FormatError::InvalidOffsets(_))
        ));
        let ok = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
        assert!(matches!(
            parse(&file(ok, &[0; 12])),
            Err(FormatError::InvalidOffsets(_))
        ));
        let beyond = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        assert!(matches!(
            parse(&file(beyond, &[0; 4])),
            Err(FormatError::InvalidOffsets(_))
        ));
    }
}
