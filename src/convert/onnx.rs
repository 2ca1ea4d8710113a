//! Just enough of the ONNX protobuf (`onnx/onnx.proto`) to read a Piper export: the graph's
//! nodes (names, op types, inputs, integer attributes) and its float initializers.
//!
//! The messages are declared by hand with `prost` (no protoc, only the fields read here; every
//! other field, nested graphs and tensors in attributes included, is skipped undecoded). Input
//! is bounded before decoding ([`crate::limits::MAX_ONNX_BYTES`], and the element count by a
//! wire pre-scan, [`super::wire`]); prost bounds-checks every
//! length and limits nesting; anything malformed is an error, never a panic.

use crate::limits::MAX_ONNX_BYTES;
use prost::Message;
use std::collections::BTreeMap;

/// A malformed or unsupported ONNX file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnnxError {
    /// Truncated or invalid protobuf.
    #[error("not a valid ONNX protobuf ({0})")]
    Malformed(&'static str),
    /// More graph elements than [`super::wire::MAX_ONNX_ITEMS`]: refused before decoding.
    #[error("the ONNX graph has more elements than the converter accepts")]
    TooManyItems,
    /// The model has no graph.
    #[error("the ONNX file has no graph")]
    NoGraph,
    /// Weights stored outside the file, or of an unsupported layout (the name as [`shown`]).
    #[error("initializer {0} uses external or unsupported storage")]
    UnsupportedTensor(String),
}

/// `ModelProto`: only its graph.
#[derive(Clone, PartialEq, Message)]
struct ModelProto {
    #[prost(message, optional, tag = "7")]
    graph: Option<GraphProto>,
}

/// `GraphProto`: nodes and initializers.
#[derive(Clone, PartialEq, Message)]
struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "5")]
    initializer: Vec<TensorProto>,
}

/// `NodeProto`.
#[derive(Clone, PartialEq, Message)]
struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    input: Vec<String>,
    #[prost(string, optional, tag = "3")]
    name: Option<String>,
    #[prost(string, optional, tag = "4")]
    op_type: Option<String>,
    #[prost(message, repeated, tag = "5")]
    attribute: Vec<AttributeProto>,
}

/// `AttributeProto`: the integer forms only (`i`, `ints`).
#[derive(Clone, PartialEq, Message)]
struct AttributeProto {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(int64, optional, tag = "3")]
    i: Option<i64>,
    #[prost(int64, repeated, tag = "8")]
    ints: Vec<i64>,
}

/// `TensorProto`: shape, type, name and in-file data.
#[derive(Clone, PartialEq, Message)]
struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    dims: Vec<i64>,
    #[prost(int32, optional, tag = "2")]
    data_type: Option<i32>,
    #[prost(float, repeated, tag = "4")]
    float_data: Vec<f32>,
    #[prost(string, optional, tag = "8")]
    name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "9")]
    raw_data: Option<Vec<u8>>,
    /// `DataLocation`: 0 default (in the file), 1 external.
    #[prost(int32, optional, tag = "14")]
    data_location: Option<i32>,
}

/// A graph node.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// e.g. `/dec/ups.0/ConvTranspose`.
    pub name: String,
    /// e.g. `ConvTranspose`.
    pub op_type: String,
    /// Input value names.
    pub inputs: Vec<String>,
    /// Integer-list attributes (`dilations`, `strides`, `pads`, `kernel_shape`, `group`).
    pub ints: BTreeMap<String, Vec<i64>>,
}

/// A float initializer.
#[derive(Debug, Clone)]
pub struct Initializer {
    /// Value name (e.g. `enc_p.proj.weight` or an anonymous `onnx::Conv_8168`).
    pub name: String,
    /// ONNX `TensorProto.DataType` (1 = FLOAT).
    pub data_type: i64,
    /// Shape.
    pub dims: Vec<usize>,
    /// Values, when `data_type` is FLOAT.
    pub floats: Vec<f32>,
}

/// The parts of `ModelProto.graph` the converter needs.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Nodes in file order.
    pub nodes: Vec<Node>,
    /// Initializers in file order.
    pub initializers: Vec<Initializer>,
}

/// Parses an ONNX model file.
pub fn parse_model(bytes: &[u8]) -> Result<Graph, OnnxError> {
    if bytes.len() as u64 > MAX_ONNX_BYTES {
        return Err(OnnxError::Malformed("larger than the converter accepts"));
    }
    // Bounds what decoding allocates: tiny wire elements can decode to large objects.
    super::wire::count_items(bytes).map_err(|e| match e {
        super::wire::ScanError::Malformed => OnnxError::Malformed("invalid protobuf"),
        super::wire::ScanError::TooManyItems => OnnxError::TooManyItems,
    })?;
    // prost's message names internal details; the position is not worth a user's time.
    let model = ModelProto::decode(bytes).map_err(|_| OnnxError::Malformed("invalid protobuf"))?;
    let graph = model.graph.ok_or(OnnxError::NoGraph)?;
    Ok(Graph {
        nodes: graph.node.into_iter().map(node).collect(),
        initializers: graph
            .initializer
            .into_iter()
            .map(initializer)
            .collect::<Result<_, _>>()?,
    })
}

fn node(n: NodeProto) -> Node {
    let mut ints = BTreeMap::new();
    for a in n.attribute {
        let mut values: Vec<i64> = a.i.into_iter().collect();
        values.extend(a.ints);
        if !values.is_empty() {
            ints.insert(a.name.unwrap_or_default(), values);
        }
    }
    Node {
        name: n.name.unwrap_or_default(),
        op_type: n.op_type.unwrap_or_default(),
        inputs: n.input,
        ints,
    }
}

/// Longest name [`shown`] prints.
const SHOWN_NAME_CHARS: usize = 80;

/// A name from the file, safe to print: characters outside `[A-Za-z0-9._/:-]` (control
/// characters and terminal escapes included) become `?`, and it is cut to
/// [`SHOWN_NAME_CHARS`] characters.
pub fn shown(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(SHOWN_NAME_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._/:-".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect();
    if name.chars().count() > SHOWN_NAME_CHARS {
        out.push_str("...");
    }
    out
}

fn initializer(t: TensorProto) -> Result<Initializer, OnnxError> {
    let name = t.name.unwrap_or_default();
    if t.data_location == Some(1) {
        return Err(OnnxError::UnsupportedTensor(shown(&name)));
    }
    let dims = t
        .dims
        .into_iter()
        .map(|d| usize::try_from(d).map_err(|_| OnnxError::Malformed("negative dim")))
        .collect::<Result<Vec<_>, _>>()?;
    let data_type = i64::from(t.data_type.unwrap_or(0));
    let mut floats = vec![];
    if data_type == 1 {
        let n = dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or(OnnxError::Malformed("shape overflow"))?;
        floats = match t.raw_data {
            Some(b) => b
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            None => t.float_data,
        };
        if floats.len() != n {
            return Err(OnnxError::UnsupportedTensor(shown(&name)));
        }
    }
    Ok(Initializer {
        name,
        data_type,
        dims,
        floats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn field_bytes(f: u64, payload: &[u8], out: &mut Vec<u8>) {
        varint(f << 3 | 2, out);
        varint(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    #[test]
    fn parses_a_tiny_graph() {
        let mut tensor = Vec::new();
        field_bytes(1, &[2, 3], &mut tensor); // packed dims [2, 3]
        varint(2 << 3, &mut tensor);
        varint(1, &mut tensor); // FLOAT
        field_bytes(8, b"w", &mut tensor);
        let raw: Vec<u8> = (0..6).flat_map(|i| (i as f32).to_le_bytes()).collect();
        field_bytes(9, &raw, &mut tensor);
        let mut node = Vec::new();
        field_bytes(1, b"x", &mut node);
        field_bytes(1, b"w", &mut node);
        field_bytes(3, b"/dec/conv_pre/Conv", &mut node);
        field_bytes(4, b"Conv", &mut node);
        let mut attr = Vec::new();
        field_bytes(1, b"dilations", &mut attr);
        field_bytes(8, &[3], &mut attr);
        field_bytes(5, &attr, &mut node);
        let mut graph = Vec::new();
        field_bytes(1, &node, &mut graph);
        field_bytes(5, &tensor, &mut graph);
        let mut model = Vec::new();
        field_bytes(7, &graph, &mut model);
        let g = parse_model(&model).unwrap();
        assert_eq!(g.nodes[0].name, "/dec/conv_pre/Conv");
        assert_eq!(g.nodes[0].ints["dilations"], vec![3]);
        assert_eq!(g.initializers[0].dims, vec![2, 3]);
        assert_eq!(g.initializers[0].floats[5], 5.0);
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        assert!(matches!(
            parse_model(&[0x3a, 0x10, 1, 2]),
            Err(OnnxError::Malformed(_))
        ));
        assert_eq!(parse_model(&[]).unwrap_err(), OnnxError::NoGraph);
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let _ = parse_model(&junk);
        }
    }

    #[test]
    fn names_from_the_file_are_printed_sanitized_and_bounded() {
        let mut tensor = Vec::new();
        field_bytes(8, b"\x1b]0;pwned\x07\x1b[2J", &mut tensor);
        varint(14 << 3, &mut tensor);
        varint(1, &mut tensor); // EXTERNAL
        let mut graph = Vec::new();
        field_bytes(5, &tensor, &mut graph);
        let mut model = Vec::new();
        field_bytes(7, &graph, &mut model);
        let e = parse_model(&model).unwrap_err();
        let msg = e.to_string();
        assert!(!msg.chars().any(char::is_control), "{msg:?}");
        assert_eq!(e, OnnxError::UnsupportedTensor("??0?pwned???2J".into()));
        let long = shown(&"a".repeat(10_000));
        assert_eq!(long.len(), SHOWN_NAME_CHARS + 3);
    }

    #[test]
    fn a_flood_of_tiny_elements_is_refused_before_decoding() {
        // 2-byte empty nodes decode to ~200 bytes each: refused by count, not decoded.
        let mut graph = Vec::new();
        for _ in 0..=crate::convert::wire::MAX_ONNX_ITEMS {
            field_bytes(1, b"", &mut graph);
        }
        let mut model = Vec::new();
        field_bytes(7, &graph, &mut model);
        assert_eq!(parse_model(&model).unwrap_err(), OnnxError::TooManyItems);
    }
}
