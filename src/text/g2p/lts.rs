//! Data-driven letter-to-sound fallback for words missing from the lexicon.
//!
//! The rules (`src/data/lts_rules.txt`) are trained by `tools/train_lts.py` on
//! the training split of CMUdict: for each letter, the ARPAbet output of the
//! longest matching letter context (up to 3 letters on each side) is used.
//! Output goes through the common ARPAbet -> IPA conversion.

use super::arpa::{Phone, parse_codes};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Context widths (left, right), longest first.
const LEVELS: [(usize, usize); 7] = [(3, 3), (2, 3), (2, 2), (1, 2), (1, 1), (0, 1), (0, 0)];

/// Longest word handled; longer input is truncated by the caller.
pub(crate) const MAX_LTS_LETTERS: usize = 64;

/// The rules table; `None` until the built-in data is available ([`crate::text::builtin`]).
fn rules() -> Option<&'static HashMap<[u8; 7], &'static str>> {
    static RULES: OnceLock<HashMap<[u8; 7], &'static str>> = OnceLock::new();
    let data = crate::text::builtin::data()?.lts_rules;
    Some(RULES.get_or_init(|| {
        let mut m = HashMap::with_capacity(32_000);
        for line in data.lines() {
            if let Some((k, v)) = line.split_once('\t')
                && let Ok(key) = <[u8; 7]>::try_from(k.as_bytes())
            {
                m.insert(key, v);
            }
        }
        m
    }))
}

/// Letter-to-sound for a lower-case ASCII word (other bytes are ignored).
/// Output is bounded by the word length.
pub(crate) fn letters_to_phones(word: &str) -> Vec<Phone> {
    let letters: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_lowercase)
        .take(MAX_LTS_LETTERS)
        .collect();
    let mut padded = Vec::with_capacity(letters.len() + 6);
    padded.extend_from_slice(b"###");
    padded.extend_from_slice(&letters);
    padded.extend_from_slice(b"###");
    let Some(table) = rules() else {
        return Vec::new(); // no data yet: phonemize refuses before getting here
    };
    let mut codes = String::new();
    for i in 0..letters.len() {
        let c = i + 3;
        for (l, r) in LEVELS {
            let mut key = [b'.'; 7];
            for k in 0..=(l + r) {
                let src = c + k - l;
                if let (Some(dst), Some(&b)) = (key.get_mut(3 - l + k), padded.get(src)) {
                    *dst = b;
                }
            }
            if let Some(out) = table.get(&key) {
                if *out != "-" {
                    codes.push_str(out);
                }
                break;
            }
        }
    }
    let mut phones = parse_codes(&codes);
    fix_stress(&mut phones);
    phones
}

/// Exactly one primary stress: keep the first, or promote the first vowel.
fn fix_stress(phones: &mut [Phone]) {
    let mut seen_primary = false;
    for p in phones.iter_mut() {
        if p.stress == Some(1) {
            if seen_primary {
                p.stress = Some(0);
            }
            seen_primary = true;
        }
    }
    if !seen_primary && let Some(p) = phones.iter_mut().find(|p| p.stress == Some(2)) {
        p.stress = Some(1);
        seen_primary = true;
    }
    if !seen_primary && let Some(p) = phones.iter_mut().find(|p| p.stress.is_some()) {
        p.stress = Some(1);
    }
}

#[cfg(test)]
mod tests {
    use super::super::arpa::to_ipa;
    use super::*;

    #[test]
    fn some_words() {
        let ipa = |w: &str| to_ipa(&letters_to_phones(w), w);
        assert!(ipa("blick").contains("ˈɪ"), "{}", ipa("blick"));
        assert!(!ipa("zzzzqqq").is_empty());
        assert_eq!(ipa(""), "");
        assert!(ipa(&"a".repeat(500)).chars().count() < 500);
    }
}
