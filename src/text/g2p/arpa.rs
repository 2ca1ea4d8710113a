//! Conversion of ARPAbet (CMUdict) pronunciations into espeak-ng style (en-us)
//! IPA as used by Piper voices.
//!
//! Phones are stored as one ASCII character each (see `tools/build_lexicon.py`);
//! vowels are followed by a stress digit (0, 1, 2).

/// One ARPAbet phone with optional stress (vowels only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phone {
    /// Single-character code (see module docs).
    pub code: u8,
    /// 0, 1, 2 for vowels; `None` for consonants.
    pub stress: Option<u8>,
}

pub(crate) fn is_vowel_code(c: u8) -> bool {
    matches!(
        c,
        b'a' | b'@'
            | b'A'
            | b'c'
            | b'W'
            | b'Y'
            | b'E'
            | b'R'
            | b'e'
            | b'I'
            | b'i'
            | b'o'
            | b'O'
            | b'U'
            | b'u'
    )
}

/// Parses the compact code string of the lexicon. Unknown bytes are skipped.
pub(crate) fn parse_codes(codes: &str) -> Vec<Phone> {
    let bytes = codes.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        i += 1;
        if is_vowel_code(c) {
            let stress = match bytes.get(i) {
                Some(d @ b'0'..=b'2') => {
                    i += 1;
                    d - b'0'
                }
                _ => 0,
            };
            out.push(Phone {
                code: c,
                stress: Some(stress),
            });
        } else if consonant_ipa(c).is_some() {
            out.push(Phone {
                code: c,
                stress: None,
            });
        }
    }
    out
}

fn consonant_ipa(c: u8) -> Option<&'static str> {
    Some(match c {
        b'b' => "b",
        b'C' => "tʃ",
        b'd' => "d",
        b'D' => "ð",
        b'f' => "f",
        b'g' => "ɡ",
        b'h' => "h",
        b'J' => "dʒ",
        b'k' => "k",
        b'l' => "l",
        b'm' => "m",
        b'n' => "n",
        b'N' => "ŋ",
        b'p' => "p",
        b'r' => "ɹ",
        b's' => "s",
        b'S' => "ʃ",
        b't' => "t",
        b'T' => "θ",
        b'v' => "v",
        b'w' => "w",
        b'y' => "j",
        b'z' => "z",
        b'Z' => "ʒ",
        _ => return None,
    })
}

/// `with_r` (taking the following R with it) when an R follows, else `plain`.
fn r_coloured(
    next_is_r: bool,
    consumed_r: &mut bool,
    with_r: &'static str,
    plain: &'static str,
) -> &'static str {
    *consumed_r |= next_is_r;
    if next_is_r { with_r } else { plain }
}

fn is_sibilant_or_td(c: u8) -> bool {
    matches!(c, b't' | b'd' | b's' | b'z' | b'S' | b'Z' | b'C' | b'J')
}

/// Whether the previous or next vowel of the word carries stress (1 or 2).
fn neighbour_vowel_stressed(phones: &[Phone], i: usize) -> bool {
    let before = phones.get(..i).unwrap_or(&[]);
    let after = phones.get(i + 1..).unwrap_or(&[]);
    let prev = before.iter().rev().find_map(|q| q.stress);
    let next = after.iter().find_map(|q| q.stress);
    prev.is_some_and(|s| s > 0) || next.is_some_and(|s| s > 0)
}

/// Converts a phone sequence to espeak-style IPA. `spelling` (lower-case word)
/// is used for a few spelling-dependent choices (e.g. "or" vs "ore").
pub(crate) fn to_ipa(phones: &[Phone], spelling: &str) -> String {
    let n = phones.len();
    let mut out = String::with_capacity(n * 3);
    let ore_spelling = ["oar", "oor", "our", "ore"]
        .iter()
        .any(|p| spelling.contains(p));
    let or_spelling = spelling.contains("or");
    let long_aw_spelling = spelling.contains('a') || spelling.contains("ough");
    let short_o_spelling = spelling.contains('o') && !long_aw_spelling;
    let aligned = super::align::phone_letters(spelling, phones);
    let letter_at = |k: usize| aligned.as_ref().and_then(|a| a.get(k).copied());
    let mut i = 0;
    while i < n {
        let Some(p) = phones.get(i).copied() else {
            break;
        };
        let prev = if i > 0 {
            phones.get(i - 1).copied()
        } else {
            None
        };
        let next = phones.get(i + 1).copied();
        let next2 = phones.get(i + 2).copied();
        let next_code = next.map(|p| p.code);
        let Some(stress) = p.stress else {
            let c = p.code;
            // Flapping of /t/ between a vowel (or r) and an unstressed vowel.
            let flap = c == b't'
                && prev.is_some_and(|q| q.stress.is_some() || q.code == b'r')
                && next.is_some_and(|q| q.stress == Some(0))
                && !(next.is_some_and(|q| q.code == b'A')
                    && next2.is_some_and(|q| q.code == b'n')
                    && i + 3 >= n);
            if flap {
                out.push('ɾ');
            } else if c == b't'
                && prev.is_some_and(|q| q.stress.is_some_and(|s| s > 0))
                && next.is_some_and(|q| q.code == b'A' && q.stress == Some(0))
                && next2.is_some_and(|q| q.code == b'n')
                && i + 3 >= n
                && (!spelling.ends_with("ton") || spelling.ends_with("tton"))
            {
                // "button" -> bˈʌʔn̩
                out.push_str("ʔn̩");
                i += 3;
                continue;
            } else if let Some(s) = consonant_ipa(c) {
                out.push_str(s);
            }
            i += 1;
            continue;
        };
        let stressed = stress > 0;
        let next_is_r = next_code == Some(b'r');
        let r_then_vowel = next2.is_some_and(|q| q.stress.is_some());
        let is_final = i + 1 == n;
        let rest_is = |codes: &[u8]| -> bool {
            let rest = phones.get(i + 1..).unwrap_or(&[]);
            rest.len() == codes.len() && rest.iter().zip(codes).all(|(a, b)| a.code == *b)
        };
        let prev_sib = prev.is_some_and(|q| is_sibilant_or_td(q.code));
        let mut consumed_r = false;
        let v: &str = match p.code {
            b'@' => "æ",
            b'W' => "aʊ",
            b'Y' => "aɪ",
            b'e' => "eɪ",
            b'o' => "oʊ",
            b'O' => "ɔɪ",
            b'u' => "uː",
            b'E' => r_coloured(next_is_r, &mut consumed_r, "ɛɹ", "ɛ"),
            b'U' => r_coloured(next_is_r, &mut consumed_r, "ʊɹ", "ʊ"),
            b'a' => {
                if next_is_r && !r_then_vowel {
                    consumed_r = true;
                    "ɑːɹ"
                } else {
                    "ɑː"
                }
            }
            b'A' => {
                if stressed {
                    "ʌ"
                } else if (rest_is(b"z") || rest_is(b"d")) && prev_sib {
                    "ᵻ"
                } else if next_code == Some(b'J') || (letter_at(i) == Some(b'i') && !is_final) {
                    "ɪ"
                } else if i == 0 && spelling.starts_with("un") {
                    "ʌ"
                } else if prev.is_some_and(|q| q.code == b'y') && next_code == Some(b'l') {
                    "ʊ"
                } else if i == 0 && n > 2 {
                    "ɐ"
                } else {
                    "ə"
                }
            }
            b'c' => {
                if next_is_r {
                    consumed_r = true;
                    if ore_spelling || (or_spelling && !r_then_vowel) {
                        "oːɹ"
                    } else {
                        "ɔːɹ"
                    }
                } else if long_aw_spelling
                    || (stressed && !next.is_some_and(|q| q.code == b'N' || q.code == b'n'))
                        && !short_o_spelling
                {
                    "ɔː"
                } else {
                    "ɔ"
                }
            }
            b'R' => {
                let base = if stressed { "ɜː" } else { "ɚ" };
                if next.is_some_and(|q| q.stress.is_some()) {
                    if stressed { "ɜːɹ" } else { "ɚɹ" }
                } else {
                    base
                }
            }
            b'I' => {
                let ity = !stressed
                    && next_code == Some(b't')
                    && next2.is_some_and(|q| q.code == b'i' && q.stress == Some(0))
                    && (i + 3 == n
                        || (i + 4 == n && phones.get(i + 3).is_some_and(|q| q.code == b'z')));
                if next_is_r && stressed {
                    consumed_r = true;
                    "ɪɹ"
                } else if ity
                    || !stressed
                        && (((rest_is(b"d") || rest_is(b"z") || rest_is(b"dz")) && prev_sib)
                            || (i == 1
                                && !spelling.starts_with("dis")
                                && prev.is_some_and(|q| matches!(q.code, b'd' | b'r' | b'b'))))
                {
                    "ᵻ"
                } else {
                    "ɪ"
                }
            }
            b'i' => {
                if stressed && next_is_r && !r_then_vowel {
                    consumed_r = true;
                    "ɪɹ"
                } else if stress == 1 || (stressed && !is_final) {
                    "iː"
                } else if is_final
                    || next.is_some_and(|q| q.stress.is_some())
                    || (i + 2 == n && next_code == Some(b'z'))
                {
                    "i"
                } else {
                    "ɪ"
                }
            }
            _ => "",
        };
        let first_primary = phones
            .get(..i)
            .is_none_or(|before| !before.iter().any(|q| q.stress == Some(1)));
        if stress == 1 && first_primary {
            out.push('ˈ');
        } else if stress > 0 && !neighbour_vowel_stressed(phones, i) {
            // espeak-style: secondary stress only when not adjacent to a
            // stressed syllable.
            out.push('ˌ');
        }
        out.push_str(v);
        i += if consumed_r { 2 } else { 1 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(codes: &str, w: &str) -> String {
        to_ipa(&parse_codes(codes), w)
    }

    #[test]
    fn basic_words() {
        assert_eq!(conv("hA0lo1", "hello"), "həlˈoʊ");
        assert_eq!(conv("wR1ld", "world"), "wˈɜːld");
        assert_eq!(conv("byu1ti0", "beauty"), "bjˈuːɾi");
        assert_eq!(conv("bA1tA0n", "button"), "bˈʌʔn̩");
        assert_eq!(conv("stc1rm", "storm"), "stˈoːɹm");
        assert_eq!(conv("lE1tR0", "letter"), "lˈɛɾɚ");
    }
}
