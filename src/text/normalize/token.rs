//! Tokenizing: whitespace tokens with their byte range, and the split of a
//! raw token into opening marks, core and trailing punctuation; small
//! predicates shared by the class modules.

use super::money::is_currency;
use super::numbers::{MAX_CARDINAL_DIGITS, digit_by_digit};
use std::ops::Range;

/// The raw tokens around the one being read.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Around<'a> {
    pub prev2: Option<&'a str>,
    pub prev: Option<&'a str>,
    pub next: Option<&'a str>,
}

/// A whitespace-separated token of the pre-processed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawToken<'a> {
    /// The token text, as written (with quotes and punctuation).
    pub raw: &'a str,
    /// Byte offset of `raw` in the pre-processed text.
    pub start: usize,
}

impl RawToken<'_> {
    /// Byte range of the token's core (without opening marks and trailing
    /// punctuation) in the pre-processed text; the whole token when the core
    /// is empty.
    pub fn core_range(&self) -> Range<usize> {
        let t = self.raw.trim_start_matches(is_opener);
        let lead = self.raw.len() - t.len();
        let core = split_token(self.raw).0;
        if core.is_empty() {
            return self.start..self.start + self.raw.len();
        }
        self.start + lead..self.start + lead + core.len()
    }
}

/// Splits text at whitespace, keeping each token's byte offset.
pub(super) fn tokenize(text: &str) -> Vec<RawToken<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(RawToken {
                    raw: text.get(s..i).unwrap_or(""),
                    start: s,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(RawToken {
            raw: text.get(s..).unwrap_or(""),
            start: s,
        });
    }
    out
}

pub(super) fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '«' | '“' | '‘' | '¿' | '¡'
    )
}

pub(crate) fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '»' | '”' | '’')
}

pub(super) fn is_trailing_punct(c: char) -> bool {
    is_closer(c) || matches!(c, ',' | ';' | ':' | '!' | '?' | '.' | '…')
}

pub(super) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn parse_u64(s: &str) -> Option<u64> {
    if !all_digits(s) || s.len() > MAX_CARDINAL_DIGITS {
        return None;
    }
    s.parse().ok()
}

pub(super) fn starts_upper(s: &str) -> bool {
    s.trim_start_matches(is_opener)
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

pub(super) fn is_capitalized_word(s: &str) -> bool {
    let t = s
        .trim_start_matches(is_opener)
        .trim_end_matches(is_trailing_punct);
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(|c| c.is_alphabetic() || c == '\'')
}

/// Splits a raw token into (core, trailing punctuation).
pub(super) fn split_token(raw: &str) -> (&str, &str) {
    let t = raw.trim_start_matches(is_opener);
    let core = t.trim_end_matches(is_trailing_punct);
    // Keep "%"/"°" etc. in the core; they are not trailing punct.
    let trail = t.get(core.len()..).unwrap_or("");
    (core, trail)
}

/// The punctuation mark to emit for a trailing run (`None` for quotes only).
pub(super) fn trail_punct(trail: &str) -> Option<char> {
    if trail.contains('?') {
        Some('?')
    } else if trail.contains('!') {
        Some('!')
    } else if trail.contains("..") || trail.contains('…') {
        Some('…')
    } else if trail.contains('.') {
        Some('.')
    } else if trail.contains(';') {
        Some(';')
    } else if trail.contains(':') {
        Some(':')
    } else if trail.contains(',') {
        Some(',')
    } else {
        None
    }
}

pub(super) fn spell_letters(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| {
            if c.is_ascii_digit() {
                digit_by_digit(&c.to_string(), "zero")
            } else {
                c.to_ascii_uppercase().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A raw token whose core starts with a digit (or a currency sign and a digit).
pub(super) fn is_numeric_token(tok: Option<&str>) -> bool {
    tok.is_some_and(|t| {
        let c = split_token(t).0;
        let c = c.strip_prefix(is_currency).unwrap_or(c);
        c.starts_with(|ch: char| ch.is_ascii_digit())
    })
}

/// A digit string with an optional letter suffix ("3rd", "12").
pub(super) fn all_digits_ordinal(s: &str) -> bool {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    all_digits(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_offsets() {
        let toks = tokenize("  a  bc\td ");
        let got: Vec<(&str, usize)> = toks.iter().map(|t| (t.raw, t.start)).collect();
        assert_eq!(got, vec![("a", 2), ("bc", 5), ("d", 8)]);
        let t = tokenize("(“Hello,”)");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].core_range(), 4..9);
        assert_eq!(tokenize("..")[0].core_range(), 0..2);
    }

    #[test]
    fn split_core_and_trail() {
        assert_eq!(split_token("\"Hi!\""), ("Hi", "!\""));
        assert_eq!(split_token("50%,"), ("50%", ","));
        assert_eq!(split_token("..."), ("", "..."));
        assert_eq!(trail_punct("?!"), Some('?'));
        assert_eq!(trail_punct(".."), Some('…'));
        assert_eq!(trail_punct("\""), None);
        assert_eq!(spell_letters("a4b"), "A four B");
    }
}
