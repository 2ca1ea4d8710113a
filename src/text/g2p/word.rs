//! Pronunciation of one word: lexicon, then morphology (plurals,
//! possessives, -ed, -ing, compounds), then letter-to-sound rules.

use super::forms::{digit_word, letter_name};
use super::{Lexicon, MAX_WORD_CHARS, arpa, lts};
use unicode_normalization::UnicodeNormalization;

pub(super) const IPA_VOWELS: &str = "aeiouæɑɐɒɔəɚɛɜɪʊʌᵻ";

pub(super) fn starts_with_vowel(phon: &str) -> bool {
    phon.chars()
        .find(|c| !matches!(c, 'ˈ' | 'ˌ'))
        .is_some_and(|c| IPA_VOWELS.contains(c))
}

fn ends_voiceless(phon: &str) -> Option<bool> {
    let last = phon.chars().last()?;
    Some(matches!(last, 'p' | 't' | 'k' | 'f' | 'θ'))
}

fn ends_sibilant(phon: &str) -> bool {
    phon.ends_with(['s', 'z', 'ʃ', 'ʒ'])
}

/// Lower-cases, maps typographic apostrophes and strips diacritics.
pub(super) fn fold_word(word: &str) -> String {
    word.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| {
            if matches!(c, '’' | '‘' | 'ʼ' | '`') {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Pronunciation of one lower-case ASCII-ish word from lexicon + morphology +
/// letter-to-sound. Never fails (may return an empty string for symbols).
pub(super) fn word_pron(lower: &str, lex: &Lexicon, depth: u8) -> String {
    if let Some(p) = lex.lookup(lower) {
        return p;
    }
    let letters: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '\'')
        .collect();
    if letters != lower && !letters.is_empty() {
        return word_pron(&letters, lex, depth);
    }
    if letters.is_empty() {
        return String::new();
    }
    if letters.chars().any(|c| c.is_ascii_digit()) {
        // Mixed letters/digits (normally handled by the normalizer): spell.
        return letters
            .chars()
            .filter_map(|c| digit_word(c).or_else(|| letter_name(c)))
            .collect::<Vec<_>>()
            .join(" ");
    }
    if depth < 2
        && let Some(p) = morph(&letters, lex, depth)
    {
        return p;
    }
    let stripped: String = letters.chars().filter(|c| *c != '\'').collect();
    if stripped.chars().count() == 1 {
        return stripped
            .chars()
            .next()
            .and_then(letter_name)
            .unwrap_or("")
            .to_string();
    }
    // Words with no vowel letters are spelled (e.g. "HTML" in lower case).
    if !stripped.contains(['a', 'e', 'i', 'o', 'u', 'y']) {
        return stripped
            .chars()
            .filter_map(letter_name)
            .collect::<Vec<_>>()
            .join("");
    }
    let phones = lts::letters_to_phones(&stripped);
    let ipa = arpa::to_ipa(&phones, &stripped);
    if ipa.chars().any(|c| IPA_VOWELS.contains(c)) {
        ipa
    } else {
        // No vowel predicted: spell the word.
        stripped
            .chars()
            .filter_map(letter_name)
            .collect::<Vec<_>>()
            .join("")
    }
}

/// Morphological fallback: possessives, plurals, -ed, -ing, -ly, -er, -ness and
/// two-part compounds built from lexicon words.
fn morph(w: &str, lex: &Lexicon, depth: u8) -> Option<String> {
    let known = |s: &str| lex.contains(s);
    if let Some(base) = w.strip_suffix("'s").or_else(|| w.strip_suffix("s'"))
        && !base.is_empty()
    {
        let p = word_pron(base, lex, depth + 1);
        return Some(add_s(p));
    }
    if let Some(base) = w.strip_suffix('\'')
        && !base.is_empty()
    {
        return Some(word_pron(base, lex, depth + 1));
    }
    if let Some(base) = w.strip_suffix("es")
        && known(base)
        && base.ends_with(['s', 'x', 'z', 'h'])
    {
        return lex.lookup(base).map(add_s);
    }
    if let Some(base) = w.strip_suffix('s')
        && known(base)
        && !base.ends_with('s')
    {
        return lex.lookup(base).map(add_s);
    }
    for (suffix, add) in [
        ("ing", "ɪŋ"),
        ("ly", "li"),
        ("ness", "nəs"),
        ("er", "ɚ"),
        ("ers", "ɚz"),
    ] {
        if let Some(base) = w.strip_suffix(suffix) {
            let cands = [base.to_string(), format!("{base}e")];
            for b in cands.iter() {
                if b.len() >= 2 && known(b) {
                    return lex.lookup(b).map(|p| format!("{p}{add}"));
                }
            }
        }
    }
    if let Some(base) = w.strip_suffix("ed") {
        for b in [base.to_string(), format!("{base}e")] {
            if b.len() >= 2 && known(&b) {
                let p = lex.lookup(&b)?;
                let suffix = if p.ends_with(['t', 'd']) {
                    "ᵻd"
                } else if ends_voiceless(&p) == Some(true)
                    || ends_sibilant(&p) && !p.ends_with(['z', 'ʒ'])
                {
                    "t"
                } else {
                    "d"
                };
                return Some(format!("{p}{suffix}"));
            }
        }
    }
    // Compounds: longest known head, known (or morph-able) tail.
    let n = w.len();
    if n >= 6 && w.is_ascii() {
        for split in (3..=n.saturating_sub(3)).rev() {
            let (head, tail) = w.split_at(split);
            if known(head) && known(tail) {
                let h = lex.lookup(head)?;
                let t = lex.lookup(tail)?.replace('ˈ', "ˌ");
                return Some(format!("{h}{t}"));
            }
        }
    }
    None
}

/// Letter-to-sound only (evaluation helper).
pub(crate) fn lts_word(word: &str) -> String {
    let folded: String = fold_word(word)
        .chars()
        .filter(char::is_ascii_lowercase)
        .take(MAX_WORD_CHARS)
        .collect();
    arpa::to_ipa(&lts::letters_to_phones(&folded), &folded)
}

fn add_s(p: String) -> String {
    if ends_sibilant(&p) || p.ends_with("tʃ") || p.ends_with("dʒ") {
        format!("{p}ᵻz")
    } else if ends_voiceless(&p) == Some(true) {
        format!("{p}s")
    } else {
        format!("{p}z")
    }
}
