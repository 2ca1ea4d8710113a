//! Phonemes → ids, exactly as Piper builds them.
//!
//! Port of piper-phonemize `src/phoneme_ids.cpp` (`phonemes_to_ids`) and piper's
//! `src/python_run/piper/voice.py`: BOS `^`, then a pad `_` after it and after every phoneme,
//! then EOS `$`. Phonemes are Unicode codepoints of the NFD phoneme string; a phoneme the voice
//! does not know is dropped and counted (Piper only logs it; we report it to the caller).
//! The id count is checked while building, so a long input stops at [`MAX_IDS`] + 1 ids.

use crate::error::SynthesisError;
use crate::limits::MAX_IDS;
use std::collections::BTreeMap;
use std::ops::Range;

/// Piper's id rules, as data (piper-phonemize `phoneme_ids.hpp`).
pub const PAD: char = '_';
/// Beginning of utterance.
pub const BOS: char = '^';
/// End of utterance.
pub const EOS: char = '$';

/// A voice's `phoneme_id_map`: one phoneme (a single codepoint) → one or more ids.
pub type PhonemeIdMap = BTreeMap<char, Vec<i64>>;

/// Ids for one utterance, and what had to be dropped to get them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemeIds {
    /// `^ _ p1 _ p2 _ … pn _ $` as ids.
    pub ids: Vec<i64>,
    /// Phonemes missing from the voice's map, with how often each was dropped.
    pub missing: BTreeMap<char, usize>,
}

/// Builds Piper's id sequence for a phoneme string (e.g. `həlˈoʊ wˈɜːld.`).
///
/// The string is decomposed (NFD) first, as Piper does, so a precomposed `ç` becomes `c` + `̧`.
/// More than [`MAX_IDS`] ids is refused as soon as the count passes it (`len` is then a lower
/// bound), so neither the input nor the map can make this allocate more than that.
pub fn phonemes_to_ids(phonemes: &str, map: &PhonemeIdMap) -> Result<PhonemeIds, SynthesisError> {
    use unicode_normalization::UnicodeNormalization;
    let mut ids = Vec::with_capacity((2 * phonemes.len() + 3).min(MAX_IDS));
    let mut missing = BTreeMap::new();
    let pad: &[i64] = map.get(&PAD).map(Vec::as_slice).unwrap_or(&[]);
    // Appends a symbol's ids (and a pad after it); counts it as missing if unknown.
    let push = |ids: &mut Vec<i64>,
                missing: &mut BTreeMap<char, usize>,
                c: char,
                with_pad: bool| match map.get(&c) {
        Some(v) => {
            ids.extend_from_slice(v);
            if with_pad {
                ids.extend_from_slice(pad);
            }
        }
        None => *missing.entry(c).or_insert(0) += 1,
    };
    let too_many = |ids: &Vec<i64>| {
        (ids.len() > MAX_IDS).then_some(SynthesisError::TooManyIds {
            len: ids.len(),
            max: MAX_IDS,
        })
    };
    push(&mut ids, &mut missing, BOS, true);
    for c in phonemes.nfd() {
        if c == BOS || c == EOS || c == PAD {
            // Reserved symbols inside the text would fake utterance boundaries: drop them.
            *missing.entry(c).or_insert(0) += 1;
            continue;
        }
        push(&mut ids, &mut missing, c, true);
        if let Some(e) = too_many(&ids) {
            return Err(e);
        }
    }
    push(&mut ids, &mut missing, EOS, false);
    match too_many(&ids) {
        Some(e) => Err(e),
        None => Ok(PhonemeIds { ids, missing }),
    }
}

/// Where one character of a phoneme string went in its [`PhonemeIds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharIds {
    /// Byte offset of the character in the phoneme string as given (before NFD).
    pub byte: usize,
    /// The ids it became: those of its NFD codepoints, each followed by its pad. Empty for a
    /// dropped (unknown or reserved) character.
    pub ids: Range<usize>,
}

/// [`phonemes_to_ids`], plus where each input character's ids are, so a byte range of the
/// phoneme string (a word) can be mapped to ids and from there to frames.
///
/// The ids are exactly those of [`phonemes_to_ids`]. The ranges come from decomposing each
/// character on its own; NFD of the whole string can also reorder combining marks across
/// characters (never in espeak-style phonemes), and then the ranges are approximate: each
/// character keeps its own count of ids, clamped to the sequence.
pub fn phonemes_to_ids_mapped(
    phonemes: &str,
    map: &PhonemeIdMap,
) -> Result<(PhonemeIds, Vec<CharIds>), SynthesisError> {
    use unicode_normalization::UnicodeNormalization;
    let out = phonemes_to_ids(phonemes, map)?;
    let pad_len = map.get(&PAD).map_or(0, Vec::len);
    let ids_of = |c: char| -> usize {
        if c == BOS || c == EOS || c == PAD {
            return 0;
        }
        map.get(&c).map_or(0, |v| v.len() + pad_len)
    };
    // The BOS and its pad come first.
    let mut at = map.get(&BOS).map_or(0, |v| v.len() + pad_len);
    let total = out.ids.len();
    let spans = phonemes
        .char_indices()
        .map(|(byte, c)| {
            let n: usize = std::iter::once(c).nfd().map(ids_of).sum();
            let start = at.min(total);
            at = at.saturating_add(n);
            CharIds {
                byte,
                ids: start..at.min(total),
            }
        })
        .collect();
    Ok((out, spans))
}

/// How many ids [`phonemes_to_ids`] would build for `phonemes`, without the [`MAX_IDS`] bound
/// and without allocating (used to split a long phoneme input into utterances that fit).
pub fn id_count(phonemes: &str, map: &PhonemeIdMap) -> usize {
    use unicode_normalization::UnicodeNormalization;
    let pad_len = map.get(&PAD).map_or(0, Vec::len);
    let ends = map.get(&BOS).map_or(0, |v| v.len() + pad_len) + map.get(&EOS).map_or(0, Vec::len);
    phonemes
        .nfd()
        .filter(|c| !matches!(*c, BOS | EOS | PAD))
        .map(|c| map.get(&c).map_or(0, |v| v.len() + pad_len))
        .fold(ends, usize::saturating_add)
}

/// The ids of the phoneme bytes `bytes` (a word), given [`phonemes_to_ids_mapped`]'s spans:
/// from the first id of its first character to the last id (the pad) of its last. An empty
/// byte range gives an empty id range where it sits.
pub fn ids_of_bytes(spans: &[CharIds], bytes: &Range<usize>) -> Range<usize> {
    let mut inside = spans
        .iter()
        .filter(|c| c.byte >= bytes.start && c.byte < bytes.end);
    if let Some(first) = inside.next() {
        let last = inside.next_back().unwrap_or(first);
        return first.ids.start..last.ids.end.max(first.ids.start);
    }
    // Where the empty range sits: the start of the next character (or the end).
    let at = spans
        .iter()
        .find(|c| c.byte >= bytes.start)
        .map_or_else(|| spans.last().map_or(0, |c| c.ids.end), |c| c.ids.start);
    at..at
}

/// Parses `--ids 1,0,20,…` style input. Returns `None` on anything but comma-separated integers.
pub fn parse_id_list(s: &str) -> Option<Vec<i64>> {
    s.split(',').map(|t| t.trim().parse::<i64>().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> PhonemeIdMap {
        [
            ('_', 0),
            ('^', 1),
            ('$', 2),
            (' ', 3),
            ('h', 20),
            ('ə', 59),
            ('l', 24),
            ('ˈ', 120),
        ]
        .into_iter()
        .map(|(c, i)| (c, vec![i]))
        .collect()
    }

    #[test]
    fn piper_construction_bos_pad_eos() {
        let p = phonemes_to_ids("həl", &map()).unwrap();
        assert_eq!(p.ids, vec![1, 0, 20, 0, 59, 0, 24, 0, 2]);
        assert!(p.missing.is_empty());
    }

    #[test]
    fn unknown_phonemes_are_dropped_and_counted() {
        let p = phonemes_to_ids("hxhx", &map()).unwrap();
        assert_eq!(p.ids, vec![1, 0, 20, 0, 20, 0, 2]);
        assert_eq!(p.missing.get(&'x'), Some(&2));
    }

    #[test]
    fn reserved_symbols_in_text_are_not_ids() {
        let p = phonemes_to_ids("h$^_h", &map()).unwrap();
        assert_eq!(p.ids, vec![1, 0, 20, 0, 20, 0, 2]);
        assert_eq!(p.missing.len(), 3);
    }

    #[test]
    fn id_count_is_checked_while_building() {
        let mut wide = map();
        wide.insert('h', vec![20; 600]);
        // Two phonemes of 600 ids each: refused at the second, before the 10,000 others.
        let long = "h".repeat(10_000);
        assert!(matches!(
            phonemes_to_ids(&long, &wide),
            Err(SynthesisError::TooManyIds { len, max: MAX_IDS }) if len <= 2 * 601 + 2
        ));
        // The bound itself: (MAX_IDS - 3) / 2 phonemes fit, one more does not.
        let fit = (MAX_IDS - 3) / 2;
        assert!(phonemes_to_ids(&"l".repeat(fit), &map()).is_ok());
        assert!(phonemes_to_ids(&"l".repeat(fit + 1), &map()).is_err());
    }

    #[test]
    fn every_character_knows_its_ids() {
        // "hə lx": x is unknown (no ids), the space has one id and a pad.
        let (p, spans) = phonemes_to_ids_mapped("hə lx", &map()).unwrap();
        assert_eq!(p, phonemes_to_ids("hə lx", &map()).unwrap());
        assert_eq!(p.ids, vec![1, 0, 20, 0, 59, 0, 3, 0, 24, 0, 2]);
        let ranges: Vec<(usize, Range<usize>)> =
            spans.iter().map(|c| (c.byte, c.ids.clone())).collect();
        // h at byte 0, ə (2 bytes) at 1, space at 3, l at 4, x at 5.
        assert_eq!(
            ranges,
            vec![(0, 2..4), (1, 4..6), (3, 6..8), (4, 8..10), (5, 10..10)]
        );
        assert_eq!(ids_of_bytes(&spans, &(0..3)), 2..6);
        assert_eq!(ids_of_bytes(&spans, &(4..6)), 8..10);
        assert_eq!(ids_of_bytes(&spans, &(3..3)), 6..6);
        assert_eq!(id_count("hə lx", &map()), p.ids.len());
        // A precomposed character decomposes into several ids, all its own.
        let mut m = map();
        m.insert('e', vec![30]);
        m.insert('\u{301}', vec![31]);
        let (p, spans) = phonemes_to_ids_mapped("\u{e9}h", &m).unwrap();
        assert_eq!(p.ids, vec![1, 0, 30, 0, 31, 0, 20, 0, 2]);
        assert_eq!(spans[0].ids, 2..6);
        assert_eq!(spans[1].ids, 6..8);
    }

    #[test]
    fn id_list_parsing() {
        assert_eq!(parse_id_list("1, 0,20"), Some(vec![1, 0, 20]));
        assert_eq!(parse_id_list("1,x"), None);
        assert_eq!(parse_id_list(""), None);
    }
}
