//! Just enough of the ONNX protobuf (`onnx/onnx.proto`) to read a Piper export: the graph's
//! nodes (names, op types, inputs, integer attributes) and its initializers.
//!
//! Protobuf wire format: each field is a varint key `(field_number << 3) | wire_type`, then a
//! varint (0), 8 bytes (1), a length-prefixed payload (2) or 4 bytes (5). Every read is bounds
//! checked; anything unexpected is an error, never a panic.

use std::collections::BTreeMap;

/// A malformed or unsupported ONNX file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnnxError {
    /// Truncated or invalid protobuf.
    #[error("not a valid ONNX protobuf ({0})")]
    Malformed(&'static str),
    /// The model has no graph.
    #[error("the ONNX file has no graph")]
    NoGraph,
    /// Weights stored outside the file, or of an unsupported layout.
    #[error("initializer {0} uses external or unsupported storage")]
    UnsupportedTensor(String),
}

enum Wire<'a> {
    Varint(u64),
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32(u32),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, OnnxError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .buf
                .get(self.pos)
                .ok_or(OnnxError::Malformed("truncated varint"))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(OnnxError::Malformed("varint too long"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], OnnxError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(OnnxError::Malformed("length overflow"))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(OnnxError::Malformed("truncated field"))?;
        self.pos = end;
        Ok(s)
    }

    fn field(&mut self) -> Result<Option<(u64, Wire<'a>)>, OnnxError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed64
            }
            2 => {
                let n =
                    usize::try_from(self.varint()?).map_err(|_| OnnxError::Malformed("length"))?;
                Wire::Bytes(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                Wire::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            _ => return Err(OnnxError::Malformed("unsupported wire type")),
        };
        Ok(Some((key >> 3, value)))
    }
}

fn string(b: &[u8]) -> Result<String, OnnxError> {
    String::from_utf8(b.to_vec()).map_err(|_| OnnxError::Malformed("non-UTF-8 string"))
}

/// Repeated int64: packed (bytes of varints) or one varint per field.
fn push_ints(out: &mut Vec<i64>, w: Wire<'_>) -> Result<(), OnnxError> {
    match w {
        Wire::Varint(v) => out.push(v as i64),
        Wire::Bytes(b) => {
            let mut r = Reader::new(b);
            while r.pos < b.len() {
                out.push(r.varint()? as i64);
            }
        }
        _ => return Err(OnnxError::Malformed("bad repeated int64")),
    }
    Ok(())
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
    let mut r = Reader::new(bytes);
    let mut graph = None;
    while let Some((f, w)) = r.field()? {
        if let (7, Wire::Bytes(b)) = (f, w) {
            graph = Some(parse_graph(b)?);
        }
    }
    graph.ok_or(OnnxError::NoGraph)
}

fn parse_graph(b: &[u8]) -> Result<Graph, OnnxError> {
    let mut g = Graph::default();
    let mut r = Reader::new(b);
    while let Some((f, w)) = r.field()? {
        match (f, w) {
            (1, Wire::Bytes(b)) => g.nodes.push(parse_node(b)?),
            (5, Wire::Bytes(b)) => g.initializers.push(parse_tensor(b)?),
            _ => {}
        }
    }
    Ok(g)
}

fn parse_node(b: &[u8]) -> Result<Node, OnnxError> {
    let mut n = Node::default();
    let mut r = Reader::new(b);
    while let Some((f, w)) = r.field()? {
        match (f, w) {
            (1, Wire::Bytes(b)) => n.inputs.push(string(b)?),
            (3, Wire::Bytes(b)) => n.name = string(b)?,
            (4, Wire::Bytes(b)) => n.op_type = string(b)?,
            (5, Wire::Bytes(b)) => {
                let (name, ints) = parse_attribute(b)?;
                if !ints.is_empty() {
                    n.ints.insert(name, ints);
                }
            }
            _ => {}
        }
    }
    Ok(n)
}

fn parse_attribute(b: &[u8]) -> Result<(String, Vec<i64>), OnnxError> {
    let mut name = String::new();
    let mut ints = Vec::new();
    let mut r = Reader::new(b);
    while let Some((f, w)) = r.field()? {
        match (f, w) {
            (1, Wire::Bytes(b)) => name = string(b)?,
            (3, Wire::Varint(v)) => ints.push(v as i64),
            (8, w) => push_ints(&mut ints, w)?,
            _ => {}
        }
    }
    Ok((name, ints))
}

fn parse_tensor(b: &[u8]) -> Result<Initializer, OnnxError> {
    let mut t = Initializer {
        name: String::new(),
        data_type: 0,
        dims: vec![],
        floats: vec![],
    };
    let mut dims = Vec::new();
    let mut raw: Option<&[u8]> = None;
    let mut float_data: Vec<f32> = Vec::new();
    let mut external = false;
    let mut r = Reader::new(b);
    while let Some((f, w)) = r.field()? {
        match (f, w) {
            (1, w) => push_ints(&mut dims, w)?,
            (2, Wire::Varint(v)) => t.data_type = v as i64,
            (4, Wire::Bytes(b)) => float_data.extend(
                b.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            ),
            (4, Wire::Fixed32(v)) => float_data.push(f32::from_bits(v)),
            (8, Wire::Bytes(b)) => t.name = string(b)?,
            (9, Wire::Bytes(b)) => raw = Some(b),
            (14, Wire::Varint(1)) => external = true,
            _ => {}
        }
    }
    if external {
        return Err(OnnxError::UnsupportedTensor(t.name));
    }
    t.dims = dims
        .into_iter()
        .map(|d| usize::try_from(d).map_err(|_| OnnxError::Malformed("negative dim")))
        .collect::<Result<_, _>>()?;
    if t.data_type == 1 {
        let n = t
            .dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or(OnnxError::Malformed("shape overflow"))?;
        t.floats = match raw {
            Some(b) => b
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            None => float_data,
        };
        if t.floats.len() != n {
            return Err(OnnxError::UnsupportedTensor(t.name));
        }
    }
    Ok(t)
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
}
