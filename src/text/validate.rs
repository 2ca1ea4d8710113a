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
    /// Early cut of a stream's first chunk (the streaming engine's first piece of speech):
    /// past this many phoneme characters, its first clause or words are spoken on their own
    /// ([`super::phonemize_sentences_cut`]) so that the first audio does not wait for the whole
    /// first sentence to be prepared. 0 turns the cut off. The plain `phonemize*` functions
    /// never cut early.
    pub first_chunk_phonemes: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        TextLimits {
            max_chars: crate::limits::MAX_TEXT_CHARS,
            max_sentence_chars: crate::limits::MAX_SENTENCE_CHARS,
            max_phonemes_per_chunk: crate::limits::MAX_PHONEMES_PER_CHUNK,
            first_chunk_phonemes: crate::limits::FIRST_CHUNK_PHONEMES,
        }
    }
}

impl TextLimits {
    /// Checks that no limit is zero (`first_chunk_phonemes` may be: it turns the early cut off).
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

/// The script of a letter the front-end cannot read (Unicode's Script property, UAX #24,
/// through `unicode-script`: ~11 KB gzip of tables in the wasm), or `None` for Latin letters
/// and letters of no particular script (Common, Inherited: math alphanumerics, circled
/// letters, combining marks).
pub(crate) fn unsupported_script(c: char) -> Option<&'static str> {
    use unicode_script::{Script, UnicodeScript};
    match c.script() {
        Script::Latin | Script::Common | Script::Inherited => None,
        script => Some(script.full_name()),
    }
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
            Err(TextError::UnsupportedScript { script: "Han" })
        );
        assert_eq!(
            validate("नमस्ते", &l),
            Err(TextError::UnsupportedScript {
                script: "Devanagari"
            })
        );
        assert_eq!(
            validate("안녕", &l),
            Err(TextError::UnsupportedScript { script: "Hangul" })
        );
        // Latin in all its forms, and letters of no script, are read.
        assert!(validate("Ærøskøbing façade ŋ ɐ ﬁ Ⓐ 𝐀", &l).is_ok());
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
