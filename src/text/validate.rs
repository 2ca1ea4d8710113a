//! Input validation and cleaning: length bounds, Unicode NFC, removal of
//! control / bidi / zero-width characters, and script detection.

use super::error::TextError;
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Resource limits applied by the text front-end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// Maximum number of characters (Unicode scalar values) accepted by [`validate`].
    pub max_chars: usize,
    /// Sentences longer than this (in characters of spoken text) are cut at
    /// clause or word boundaries before phonemization.
    pub max_sentence_chars: usize,
    /// Maximum number of phoneme characters in one [`super::PhonemizedSentence`].
    pub max_phonemes_per_chunk: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        TextLimits {
            max_chars: crate::limits::MAX_TEXT_CHARS,
            max_sentence_chars: crate::limits::MAX_SENTENCE_CHARS,
            max_phonemes_per_chunk: crate::limits::MAX_PHONEMES_PER_CHUNK,
        }
    }
}

impl TextLimits {
    /// Checks that no limit is zero.
    pub fn check(&self) -> Result<(), TextError> {
        if self.max_chars == 0 {
            return Err(TextError::InvalidLimits { field: "max_chars" });
        }
        if self.max_sentence_chars == 0 {
            return Err(TextError::InvalidLimits {
                field: "max_sentence_chars",
            });
        }
        if self.max_phonemes_per_chunk == 0 {
            return Err(TextError::InvalidLimits {
                field: "max_phonemes_per_chunk",
            });
        }
        Ok(())
    }
}

/// Returns true for characters that are removed outright: bidi embeddings,
/// overrides and isolates, directional marks, zero-width characters, BOM,
/// soft hyphen, variation selectors.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Classifies a letter by script. Returns `None` for Latin (supported) letters.
pub(crate) fn unsupported_script(c: char) -> Option<&'static str> {
    let cp = c as u32;
    let script = match cp {
        0x0000..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => return None,
        0xAB30..=0xAB6F | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A | 0x0250..=0x02AF => return None,
        0x1D00..=0x1DBF | 0x2070..=0x209F | 0x2100..=0x214F | 0x2150..=0x218F => return None,
        0x24B6..=0x24E9 | 0xFB00..=0xFB06 | 0x1D400..=0x1D7FF => return None,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => "Greek",
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => "Cyrillic",
        0x0530..=0x058F | 0xFB13..=0xFB17 => "Armenian",
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => "Hebrew",
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            "Arabic"
        }
        0x0700..=0x074F => "Syriac",
        0x0780..=0x07BF => "Thaana",
        0x0900..=0x0DFF | 0xA8E0..=0xA8FF => "Indic",
        0x0E00..=0x0E7F => "Thai",
        0x0E80..=0x0EFF => "Lao",
        0x0F00..=0x0FFF => "Tibetan",
        0x1000..=0x109F => "Myanmar",
        0x10A0..=0x10FF | 0x2D00..=0x2D2F => "Georgian",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => "Hangul",
        0x1200..=0x139F | 0x2D80..=0x2DDF => "Ethiopic",
        0x13A0..=0x13FF => "Cherokee",
        0x1400..=0x167F => "Canadian Aboriginal",
        0x1780..=0x17FF => "Khmer",
        0x1800..=0x18AF => "Mongolian",
        0x3040..=0x309F => "Hiragana",
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => "Katakana",
        0x3100..=0x312F | 0x31A0..=0x31BF => "Bopomofo",
        0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => {
            "CJK"
        }
        0xF900..=0xFAFF | 0x20000..=0x3FFFF => "CJK",
        0xA000..=0xA4CF => "Yi",
        _ => "Other",
    };
    Some(script)
}

/// Validated text and, for each of its bytes, the bytes of the caller's
/// original string it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The cleaned text, exactly what [`validate`] returns.
    pub text: String,
    /// `source[b]`: the original bytes behind byte `b` of `text` (a
    /// character, or a character with the combining marks NFC merged into it).
    source: Vec<Range<usize>>,
}

impl Validated {
    /// The byte range of the caller's original string behind the bytes
    /// `range` of [`Validated::text`]. Empty ranges map to an empty range.
    pub fn source_span(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.source.get(range.start).map(|r| r.start);
        let end = range
            .end
            .checked_sub(1)
            .filter(|e| *e >= range.start)
            .and_then(|e| self.source.get(e))
            .map(|r| r.end);
        match (start, end) {
            (Some(s), Some(e)) => s..e.max(s),
            (Some(s), None) => s..s,
            _ => {
                let n = self.source.last().map_or(0, |r| r.end);
                n..n
            }
        }
    }
}

/// Validates and cleans input text.
///
/// * rejects empty input and input longer than `limits.max_chars` characters
///   (checked before anything proportional to the input is allocated);
/// * applies Unicode NFC;
/// * turns `\n`, `\t`, `\r` and other whitespace into plain spaces (runs collapse
///   to one), drops other control characters, bidi overrides/isolates and
///   zero-width characters;
/// * rejects letters of scripts other than Latin with
///   [`TextError::UnsupportedScript`].
pub fn validate(text: &str, limits: &TextLimits) -> Result<String, TextError> {
    validate_mapped(text, limits).map(|v| v.text)
}

/// [`validate`], keeping where each byte of the result came from.
pub fn validate_mapped(text: &str, limits: &TextLimits) -> Result<Validated, TextError> {
    limits.check()?;
    // Count without allocating; stop early once we know it's too long, but
    // report the exact count (cheap, O(n), no allocation).
    let chars = text.chars().count();
    if chars > limits.max_chars {
        return Err(TextError::TooLong {
            chars,
            max: limits.max_chars,
        });
    }
    let cap = text.len().min(limits.max_chars.saturating_mul(4));
    let mut out = Validated {
        text: String::with_capacity(cap),
        source: Vec::with_capacity(cap),
    };
    let mut pending_space: Option<Range<usize>> = None;
    // NFC one segment at a time (a starter and the combining marks after
    // it), so each output character knows its source bytes. Compositions
    // across starters (none in Latin text) would make that differ from NFC
    // of the whole text; then the whole input is the source of every byte.
    let piece = |seg: Range<usize>| text.get(seg).unwrap_or("");
    let by_segment = nfc_segments(text).flat_map(|seg| piece(seg).nfc());
    if text.nfc().eq(by_segment) {
        for seg in nfc_segments(text) {
            for c in piece(seg.clone()).nfc() {
                out.clean(c, &seg, &mut pending_space)?;
            }
        }
    } else {
        let all = 0..text.len();
        for c in text.nfc() {
            out.clean(c, &all, &mut pending_space)?;
        }
    }
    if out.text.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(out)
}

impl Validated {
    /// Appends `c` (from the source bytes `from`) unless it is dropped;
    /// whitespace runs become one space.
    fn clean(
        &mut self,
        c: char,
        from: &Range<usize>,
        pending_space: &mut Option<Range<usize>>,
    ) -> Result<(), TextError> {
        if c.is_whitespace() || (c.is_control() && matches!(c, '\n' | '\t' | '\r')) {
            pending_space.get_or_insert_with(|| from.clone());
            return Ok(());
        }
        if c.is_control() || is_invisible(c) {
            return Ok(());
        }
        if c.is_alphabetic()
            && let Some(script) = unsupported_script(c)
        {
            return Err(TextError::UnsupportedScript { script });
        }
        if let Some(space) = pending_space.take()
            && !self.text.is_empty()
        {
            self.push(' ', space);
        }
        self.push(c, from.clone());
        Ok(())
    }

    fn push(&mut self, c: char, from: Range<usize>) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.source.push(from.clone());
        }
    }
}

/// Byte ranges of `text` that start at a character with canonical combining
/// class 0 and run up to the next one.
fn nfc_segments(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut starts = text
        .char_indices()
        .filter(|(i, c)| *i == 0 || canonical_combining_class(*c) == 0)
        .map(|(i, _)| i)
        .peekable();
    std::iter::from_fn(move || {
        let s = starts.next()?;
        let e = starts.peek().copied().unwrap_or(text.len());
        Some(s..e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_rejected() {
        let l = TextLimits::default();
        assert_eq!(validate("", &l), Err(TextError::Empty));
        assert_eq!(
            validate(" \n\t\u{200B}\u{202E} ", &l),
            Err(TextError::Empty)
        );
    }

    #[test]
    fn too_long_is_rejected() {
        let l = TextLimits {
            max_chars: 5,
            ..TextLimits::default()
        };
        assert_eq!(
            validate("abcdef", &l),
            Err(TextError::TooLong { chars: 6, max: 5 })
        );
        assert!(validate("abcde", &l).is_ok());
    }

    #[test]
    fn unsupported_scripts() {
        let l = TextLimits::default();
        assert_eq!(
            validate("hello привет", &l),
            Err(TextError::UnsupportedScript { script: "Cyrillic" })
        );
        assert_eq!(
            validate("你好", &l),
            Err(TextError::UnsupportedScript { script: "CJK" })
        );
        assert_eq!(
            validate("مرحبا", &l),
            Err(TextError::UnsupportedScript { script: "Arabic" })
        );
        let msg = validate("hello привет", &l).unwrap_err().to_string();
        assert!(!msg.contains("привет"));
    }

    #[test]
    fn invalid_limits() {
        let l = TextLimits {
            max_phonemes_per_chunk: 0,
            ..TextLimits::default()
        };
        assert_eq!(
            validate("hi", &l),
            Err(TextError::InvalidLimits {
                field: "max_phonemes_per_chunk"
            })
        );
    }

    #[test]
    fn cleaning() {
        let l = TextLimits::default();
        assert_eq!(
            validate("a\u{202E}b\u{2066}c\u{200B}d\u{0007}e\n\nf\tg", &l).as_deref(),
            Ok("abcde f g")
        );
        // NFC: e + combining acute -> é
        assert_eq!(validate("cafe\u{0301}", &l).as_deref(), Ok("café"));
        // Latin with diacritics, digits, symbols, emoji are fine.
        assert!(validate("Œuvre naïve 42 € 😀", &l).is_ok());
    }

    #[test]
    fn source_map() {
        let l = TextLimits::default();
        let text = "\u{200B}Cafe\u{0301}  \u{202E}au\tlait!";
        let v = validate_mapped(text, &l).expect("valid");
        assert_eq!(v.text, "Café au lait!");
        let span = |s: &str| {
            let i = v.text.find(s).unwrap_or(0);
            text.get(v.source_span(&(i..i + s.len())))
        };
        assert_eq!(span("Café"), Some("Cafe\u{0301}"));
        assert_eq!(span("é"), Some("e\u{0301}"));
        assert_eq!(span("au"), Some("au"));
        assert_eq!(span("lait!"), Some("lait!"));
        assert_eq!(v.source_span(&(3..3)), 6..6);
    }
}
