//! Letter/phone alignment of lexicon entries (Viterbi over a small emission
//! table trained on CMUdict by `tools/train_lts.py`). Used to make a few vowel
//! choices depend on spelling (e.g. unstressed AH spelled "i" → ɪ).

use super::arpa::Phone;
use std::collections::HashMap;
use std::sync::OnceLock;

static EMISSIONS: &str = include_str!("../data/align_emissions.txt");

/// Longest word / pronunciation aligned (longer ones are not aligned).
const MAX_ALIGN: usize = 48;
/// Cost of an emission missing from the table (keeps alignment total).
const UNSEEN: f32 = 12.0;

type Table = HashMap<(u8, [u8; 2]), f32>;

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::with_capacity(256);
        for line in EMISSIONS.lines() {
            let mut parts = line.split('\t');
            let (Some(l), Some(codes), Some(cost)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Some(&letter) = l.as_bytes().first() else {
                continue;
            };
            let mut key = [0u8; 2];
            if codes != "-" {
                for (k, b) in codes.bytes().take(2).enumerate() {
                    if let Some(slot) = key.get_mut(k) {
                        *slot = b;
                    }
                }
            }
            if let Ok(c) = cost.parse::<f32>() {
                m.insert((letter, key), c);
            }
        }
        m
    })
}

/// For each phone, the (lower-case ASCII) letter it is aligned to, or `None`
/// when the word cannot be aligned.
pub(crate) fn phone_letters(word: &str, phones: &[Phone]) -> Option<Vec<u8>> {
    let letters: Vec<u8> = word.bytes().filter(u8::is_ascii_lowercase).collect();
    let (l, p) = (letters.len(), phones.len());
    if l == 0 || p == 0 || l > MAX_ALIGN || p > MAX_ALIGN {
        return None;
    }
    let t = table();
    let w = p + 1;
    let mut best = vec![f32::INFINITY; (l + 1) * w];
    let mut back = vec![0u8; (l + 1) * w];
    *best.get_mut(0)? = 0.0;
    for i in 0..l {
        let letter = *letters.get(i)?;
        for j in 0..=p {
            let cur = *best.get(i * w + j)?;
            if !cur.is_finite() {
                continue;
            }
            for k in 0..=2usize {
                if j + k > p {
                    break;
                }
                let mut key = [0u8; 2];
                for (n, ph) in phones.get(j..j + k)?.iter().enumerate() {
                    if let Some(slot) = key.get_mut(n) {
                        *slot = ph.code;
                    }
                }
                let cost = cur + t.get(&(letter, key)).copied().unwrap_or(UNSEEN);
                let idx = (i + 1) * w + j + k;
                if cost < *best.get(idx)? {
                    *best.get_mut(idx)? = cost;
                    *back.get_mut(idx)? = k as u8;
                }
            }
        }
    }
    if !best.get(l * w + p)?.is_finite() {
        return None;
    }
    let mut out = vec![0u8; p];
    let mut j = p;
    for i in (1..=l).rev() {
        let k = *back.get(i * w + j)? as usize;
        for n in 0..k {
            *out.get_mut(j - 1 - n)? = *letters.get(i - 1)?;
        }
        j -= k;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::arpa::parse_codes;
    use super::*;

    #[test]
    fn aligns_simple_words() {
        let ph = parse_codes("pE1nsA0l");
        assert_eq!(phone_letters("pencil", &ph), Some(b"pencil".to_vec()));
        assert!(phone_letters("", &ph).is_none());
    }
}
