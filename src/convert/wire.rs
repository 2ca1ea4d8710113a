//! A pre-scan of an ONNX file's protobuf wire format that counts, without allocating, the
//! elements [`super::onnx`] would decode into their own heap objects (nodes, node inputs,
//! attributes and their integers, initializers and their dims).
//!
//! Why: a protobuf element can be two bytes on disk and ~100 bytes decoded (an empty
//! `NodeProto` becomes four empty strings/vectors, then a `Node`), so a crafted 40 MiB file of
//! empty nodes made `prost` allocate ~2 GB before any check ran. Counting first bounds that
//! work to [`MAX_ONNX_ITEMS`] whatever the file holds. Tensor data (`raw_data`, `float_data`)
//! is not counted: it decodes to at most its own size.
//!
//! Only the fields the reader decodes are looked into; every other field is stepped over.
//! Wire format: <https://protobuf.dev/programming-guides/encoding/>.

pub use crate::limits::MAX_ONNX_ITEMS;

/// Why a pre-scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanError {
    /// Truncated or invalid wire format.
    Malformed,
    /// More than [`MAX_ONNX_ITEMS`] elements.
    TooManyItems,
}

/// One field's value as it is on the wire.
enum Value<'a> {
    Varint,
    Fixed,
    Bytes(&'a [u8]),
}

fn varint(b: &mut &[u8]) -> Result<u64, ScanError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first().ok_or(ScanError::Malformed)?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(ScanError::Malformed)
}

fn skip(b: &mut &[u8], n: usize) -> Result<(), ScanError> {
    *b = b.get(n..).ok_or(ScanError::Malformed)?;
    Ok(())
}

/// Calls `f(field number, value)` for every field of one message.
fn fields<'a>(
    mut b: &'a [u8],
    mut f: impl FnMut(u64, Value<'a>) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let value = match key & 7 {
            0 => {
                varint(&mut b)?;
                Value::Varint
            }
            1 => {
                skip(&mut b, 8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut b)?).map_err(|_| ScanError::Malformed)?;
                let (payload, rest) = b.split_at_checked(len).ok_or(ScanError::Malformed)?;
                b = rest;
                Value::Bytes(payload)
            }
            5 => {
                skip(&mut b, 4)?;
                Value::Fixed
            }
            _ => return Err(ScanError::Malformed), // groups (3, 4) and invalid types
        };
        f(key >> 3, value)?;
    }
    Ok(())
}

/// Integers in a repeated varint field: one if unpacked, one per final byte if packed.
fn ints(v: &Value) -> usize {
    match v {
        Value::Varint | Value::Fixed => 1,
        Value::Bytes(p) => p.iter().filter(|&&b| b & 0x80 == 0).count(),
    }
}

/// A running count that refuses to pass [`MAX_ONNX_ITEMS`].
struct Count(usize);

impl Count {
    fn add(&mut self, n: usize) -> Result<(), ScanError> {
        self.0 = self.0.saturating_add(n);
        if self.0 > MAX_ONNX_ITEMS {
            return Err(ScanError::TooManyItems);
        }
        Ok(())
    }
}

/// Counts the elements `ModelProto` → `graph` (field 7) would decode into; refuses past
/// [`MAX_ONNX_ITEMS`] as soon as the count passes it.
pub fn count_items(model: &[u8]) -> Result<usize, ScanError> {
    let mut n = Count(0);
    fields(model, |f, v| match (f, v) {
        (7, Value::Bytes(graph)) => fields(graph, |f, v| match (f, v) {
            (1, Value::Bytes(node)) => {
                n.add(1)?;
                fields(node, |f, v| match (f, v) {
                    (1, _) => n.add(1), // input
                    (5, Value::Bytes(attr)) => {
                        n.add(1)?;
                        fields(attr, |f, v| if f == 8 { n.add(ints(&v)) } else { Ok(()) })
                    }
                    _ => Ok(()),
                })
            }
            (5, Value::Bytes(tensor)) => {
                n.add(1)?;
                fields(tensor, |f, v| if f == 1 { n.add(ints(&v)) } else { Ok(()) })
            }
            _ => Ok(()),
        }),
        _ => Ok(()),
    })?;
    Ok(n.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(f: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![(f << 3 | 2) as u8];
        let mut len = payload.len() as u64;
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            out.push(if len == 0 { b } else { b | 0x80 });
            if len == 0 {
                break;
            }
        }
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn counts_nodes_inputs_attributes_ints_and_dims() {
        let attr = field(8, &[1, 0x81, 2, 3]); // 3 packed ints
        let node = [field(1, b"x"), field(1, b""), field(5, &attr)].concat();
        let tensor = [field(1, &[2, 3]), field(9, &[0; 24])].concat();
        let graph = [field(1, &node), field(5, &tensor)].concat();
        // node + 2 inputs + attribute + 3 ints + initializer + 2 dims
        assert_eq!(count_items(&field(7, &graph)), Ok(10));
    }

    #[test]
    fn a_flood_of_empty_nodes_is_refused_before_decoding() {
        let graph = field(1, b"").repeat(MAX_ONNX_ITEMS + 1);
        assert_eq!(count_items(&field(7, &graph)), Err(ScanError::TooManyItems));
        let graph = field(1, b"").repeat(MAX_ONNX_ITEMS);
        assert_eq!(count_items(&field(7, &graph)), Ok(MAX_ONNX_ITEMS));
    }

    #[test]
    fn truncated_wire_data_is_malformed() {
        assert_eq!(count_items(&[0x3a, 0x10, 1]), Err(ScanError::Malformed));
        assert_eq!(count_items(&[0x3a, 0xff]), Err(ScanError::Malformed));
        assert_eq!(count_items(&[0x0b]), Err(ScanError::Malformed)); // group
    }
}
