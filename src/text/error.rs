//! Error type of the text front-end. Messages never contain the user's text.

/// Errors reported by [`super::validate`], [`super::phonemize`] and lexicon construction.
///
/// No variant carries (parts of) the input text, so messages are safe to log.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// The input is empty, or nothing speakable is left after removing control,
    /// format and whitespace characters.
    #[error("input text is empty")]
    Empty,
    /// The input has more characters (Unicode scalar values) than allowed by
    /// [`super::TextLimits::max_chars`].
    #[error("input text is too long: {chars} characters, the maximum is {max}")]
    TooLong {
        /// Number of characters in the input.
        chars: usize,
        /// The configured maximum.
        max: usize,
    },
    /// The input contains letters of a script the English front-end cannot
    /// pronounce (only Latin letters are supported). `script` names the first
    /// such script found, e.g. `"Cyrillic"`.
    #[error("unsupported script: {script}")]
    UnsupportedScript {
        /// Human-readable script name (a static string, never user text).
        script: &'static str,
    },
    /// A [`super::TextLimits`] field is zero, which would make every input invalid.
    #[error("invalid text limits: {field} must be greater than zero")]
    InvalidLimits {
        /// Name of the offending field.
        field: &'static str,
    },
    /// A user lexicon override entry is malformed (empty or oversized word or
    /// pronunciation, whitespace in the word, control characters).
    #[error("invalid lexicon override entry #{index}: {reason}")]
    InvalidLexiconEntry {
        /// Zero-based position of the entry in the supplied list.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The built-in pronunciation data is not loaded (a browser build before its text-data
    /// asset arrived): text cannot be read yet. See [`super::builtin`].
    #[error("the pronunciation data is not loaded")]
    DataMissing,
    /// The text-data asset was refused (wrong size or SHA-256, not UTF-8, malformed).
    #[error("invalid pronunciation data: {0}")]
    InvalidData(&'static str),
}

#[cfg(test)]
mod tests {
    use super::TextError;

    #[test]
    fn messages_are_static_and_descriptive() {
        let cases = [
            (TextError::Empty, "input text is empty"),
            (
                TextError::TooLong { chars: 12, max: 10 },
                "input text is too long: 12 characters, the maximum is 10",
            ),
            (
                TextError::UnsupportedScript { script: "Cyrillic" },
                "unsupported script: Cyrillic",
            ),
            (
                TextError::InvalidLimits { field: "max_chars" },
                "invalid text limits: max_chars must be greater than zero",
            ),
            (
                TextError::InvalidLexiconEntry {
                    index: 3,
                    reason: "empty word",
                },
                "invalid lexicon override entry #3: empty word",
            ),
        ];
        for (err, msg) in cases {
            assert_eq!(err.to_string(), msg);
        }
    }
}
