//! Mutators shared by the targets: structural edits of a JSON document (replace a value, remove
//! or duplicate an entry, add an unknown key) and byte edits of any buffer (flip, overwrite with
//! an interesting byte, insert, delete, truncate, splice a range elsewhere). Every edit is a plain
//! value proptest generates, so a failing input shrinks to the fewest, smallest edits.

use proptest::prelude::*;
use serde_json::{Value, json};

/// Strings a hostile document carries: traversal, terminal escapes, a marker no message may show.
pub const HOSTILE_STRINGS: &[&str] = &[
    "",
    "../../etc/passwd",
    "/abs/path.safetensors",
    "\u{1b}[31mqzxvsecret\u{7}",
    "qzxvsecret\nsecond line",
    "a.safetensors\u{0}",
    "CON",
    "sha256-",
    "sha256-AAAA",
    "F64",
    "BF16",
    "I8",
    "U8",
    "F16",
    "F32",
    "dec.ups.0.weight",
    "__metadata__",
];

/// Values worth trying in place of any JSON value.
pub fn interesting_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1)),
        Just(json!(2)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(1e308)),
        Just(json!(-0.0)),
        Just(json!(0.5)),
        Just(json!([])),
        Just(json!({})),
        Just(json!([16, 16, 8])),
        Just(json!([1, 1, 1, 1, 1, 1, 1, 1, 1])),
        Just(json!(vec![4; 600])),
        Just(json!([0, 4294967296u64])),
        Just(json!([[1, 2], [3]])),
        (0u64..5000).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        proptest::sample::select(HOSTILE_STRINGS).prop_map(|s| json!(s)),
        "\\PC{0,24}".prop_map(|s| json!(s)),
        "a{100,300}".prop_map(|s| json!(s)),
    ]
}

/// One structural edit of a JSON document at node `at` (taken modulo the node count).
#[derive(Debug, Clone)]
pub enum JsonEdit {
    Replace(usize, Value),
    Remove(usize),
    Duplicate(usize),
    AddKey(usize, String, Value),
}

pub fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        6 => (any::<usize>(), interesting_value()).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        2 => any::<usize>().prop_map(JsonEdit::Remove),
        1 => any::<usize>().prop_map(JsonEdit::Duplicate),
        1 => (any::<usize>(), "[a-z_]{1,12}", interesting_value())
            .prop_map(|(i, k, v)| JsonEdit::AddKey(i, k, v)),
    ]
}

/// JSON pointers of every node, in document order (the root is "").
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(c, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn parent(ptr: &str) -> Option<(&str, &str)> {
    ptr.rfind('/').map(|i| (&ptr[..i], &ptr[i + 1..]))
}

/// Applies `edits` to `doc` in order.
pub fn apply_json(doc: &mut Value, edits: &[JsonEdit]) {
    for e in edits {
        let mut all = Vec::new();
        pointers(doc, String::new(), &mut all);
        let pick = |i: usize| all[i % all.len()].clone();
        match e {
            JsonEdit::Replace(i, v) => {
                if let Some(n) = doc.pointer_mut(&pick(*i)) {
                    *n = v.clone();
                }
            }
            JsonEdit::Remove(i) | JsonEdit::Duplicate(i) => {
                let p = pick(*i);
                let Some((up, key)) = parent(&p) else {
                    continue;
                };
                let key = key.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(up) {
                    Some(Value::Object(m)) => {
                        if matches!(e, JsonEdit::Remove(_)) {
                            m.remove(&key);
                        }
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(k) = key.parse::<usize>()
                            && k < a.len()
                        {
                            if matches!(e, JsonEdit::Remove(_)) {
                                a.remove(k);
                            } else {
                                let c = a[k].clone();
                                a.insert(k, c);
                            }
                        }
                    }
                    _ => {}
                }
            }
            JsonEdit::AddKey(i, k, v) => {
                if let Some(Value::Object(m)) = doc.pointer_mut(&pick(*i)) {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// One byte-level edit at position `at` (taken modulo the buffer length).
#[derive(Debug, Clone)]
pub enum ByteEdit {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Splice { from: usize, len: usize, to: usize },
}

pub fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let special = prop_oneof![
        Just(0u8),
        Just(0xff),
        Just(0x7f),
        Just(0x80),
        Just(b'"'),
        Just(b'{'),
        Just(b'['),
        Just(b'9'),
        Just(b'-'),
        Just(b'\\'),
        any::<u8>(),
    ];
    prop_oneof![
        3 => (any::<usize>(), 1u8..=255).prop_map(|(i, m)| ByteEdit::Flip(i, m)),
        3 => (any::<usize>(), special).prop_map(|(i, b)| ByteEdit::Set(i, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| ByteEdit::Delete(i, n)),
        1 => any::<usize>().prop_map(ByteEdit::Truncate),
        1 => (any::<usize>(), 1usize..256, any::<usize>())
            .prop_map(|(from, len, to)| ByteEdit::Splice { from, len, to }),
    ]
}

/// Applies `edits` to `buf`, positions restricted to `window` when it is not empty (e.g. a
/// file's header or structural offsets) and anywhere otherwise.
pub fn apply_bytes(buf: &mut Vec<u8>, edits: &[ByteEdit], window: &[usize]) {
    for e in edits {
        if buf.is_empty() {
            return;
        }
        let pos = |i: usize, len: usize| {
            if window.is_empty() {
                i % len
            } else {
                window[i % window.len()].min(len - 1)
            }
        };
        match e {
            ByteEdit::Flip(i, m) => {
                let p = pos(*i, buf.len());
                buf[p] ^= m;
            }
            ByteEdit::Set(i, b) => {
                let p = pos(*i, buf.len());
                buf[p] = *b;
            }
            ByteEdit::Insert(i, b) => {
                let p = pos(*i, buf.len());
                buf.splice(p..p, b.iter().copied());
            }
            ByteEdit::Delete(i, n) => {
                let p = pos(*i, buf.len());
                let end = (p + n).min(buf.len());
                buf.drain(p..end);
            }
            ByteEdit::Truncate(i) => {
                let p = pos(*i, buf.len());
                buf.truncate(p);
            }
            ByteEdit::Splice { from, len, to } => {
                let f = pos(*from, buf.len());
                let end = (f + len).min(buf.len());
                let chunk = buf[f..end].to_vec();
                let t = pos(*to, buf.len());
                buf.splice(t..t, chunk);
            }
        }
    }
}
