//! English text front-end for Sotto: validation, normalization to spoken form,
//! sentence splitting and grapheme-to-phoneme conversion into Piper-style
//! (espeak-ng en-us) phoneme strings.
//!
//! Pipeline: [`validate`] → [`normalize_en`] → [`split_sentences`] → G2P
//! (see [`phonemize`]).

mod error;
mod g2p;
mod normalize;
mod sentences;
mod validate;

pub use error::TextError;
pub use g2p::Lexicon;
pub use normalize::normalize_en;
pub use sentences::{Sentence, split_sentences};
pub use validate::{TextLimits, validate};

/// One phonemized chunk (a sentence, or part of a long sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedSentence {
    /// Spoken-form text of the chunk.
    pub text: String,
    /// Piper-style phoneme string (espeak-ng en-us conventions), ending with
    /// the sentence or clause punctuation.
    pub phonemes: String,
}

/// Text → phonemes with the built-in lexicon. See [`phonemize_with`].
pub fn phonemize(text: &str, limits: &TextLimits) -> Result<Vec<PhonemizedSentence>, TextError> {
    phonemize_with(text, limits, Lexicon::builtin())
}

/// Text → phonemes: validate → normalize → split into sentences → G2P.
/// Sentences longer than `limits.max_sentence_chars` or whose phonemes exceed
/// `limits.max_phonemes_per_chunk` are split into several chunks, preferably
/// at clause punctuation, otherwise between words.
pub fn phonemize_with(
    text: &str,
    limits: &TextLimits,
    lexicon: &Lexicon,
) -> Result<Vec<PhonemizedSentence>, TextError> {
    let clean = validate(text, limits)?;
    let spoken = normalize_en(&clean);
    let mut out = Vec::new();
    for sentence in split_sentences(&spoken) {
        let words = g2p::g2p_sentence(&sentence.text, lexicon);
        chunk_sentence(&words, sentence.terminator, limits, &mut out);
    }
    if out.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(out)
}

/// Letter-to-sound rules only (no lexicon lookup): the fallback used for
/// out-of-vocabulary words. Exposed for evaluation (`tools/per.py --lts`).
#[doc(hidden)]
pub fn letter_to_sound(word: &str) -> String {
    g2p::lts_word(word)
}

fn word_cost(w: &g2p::WordPhon) -> (usize, usize) {
    (w.phon.chars().count() + 2, w.text.chars().count() + 1)
}

/// Splits a phonemized sentence into chunks that respect the limits.
fn chunk_sentence(
    words: &[g2p::WordPhon],
    terminator: char,
    limits: &TextLimits,
    out: &mut Vec<PhonemizedSentence>,
) {
    let max_ph = limits.max_phonemes_per_chunk.max(1);
    let max_tx = limits.max_sentence_chars.max(1);
    let mut start = 0;
    let n = words.len();
    while start < n {
        // Greedy: extend while within limits; remember the last clause break.
        let mut ph = 0usize;
        let mut tx = 0usize;
        let mut end = start;
        let mut last_clause: Option<usize> = None;
        while end < n {
            let Some(w) = words.get(end) else { break };
            let (p, t) = word_cost(w);
            if end > start && (ph + p > max_ph || tx + t > max_tx) {
                break;
            }
            ph += p;
            tx += t;
            if w.punct.is_some() {
                last_clause = Some(end + 1);
            }
            end += 1;
        }
        if end < n
            && let Some(c) = last_clause
            && c > start
        {
            end = c;
        }
        let chunk = words.get(start..end).unwrap_or(&[]);
        let is_last = end >= n;
        let term = if is_last {
            Some(terminator)
        } else {
            Some(chunk.last().and_then(|w| w.punct).unwrap_or(','))
        };
        let mut phonemes = g2p::join_words(chunk, term);
        // A single huge word can still exceed the limit: cut on char boundary.
        if phonemes.chars().count() > max_ph {
            phonemes = phonemes.chars().take(max_ph).collect();
        }
        let text = chunk
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if phonemes.chars().any(|c| c.is_alphabetic()) {
            out.push(PhonemizedSentence { text, phonemes });
        }
        start = end.max(start + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_world() {
        let r = phonemize("Hello world. How are you?", &TextLimits::default()).expect("ok");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].phonemes, "həlˈoʊ wˈɜːld.");
        assert!(r[1].phonemes.ends_with('?'));
    }

    #[test]
    fn errors_propagate() {
        let l = TextLimits::default();
        assert_eq!(phonemize("", &l), Err(TextError::Empty));
        assert_eq!(phonemize("...", &l), Err(TextError::Empty));
        assert!(matches!(
            phonemize("Привет", &l),
            Err(TextError::UnsupportedScript { script: "Cyrillic" })
        ));
    }

    #[test]
    fn overrides_and_sentence_limit() {
        let lex = Lexicon::with_overrides([("Sotto", "sˈɔːtoʊ")]).expect("valid");
        let r = phonemize_with("Sotto speaks.", &TextLimits::default(), &lex).expect("ok");
        assert!(r[0].phonemes.starts_with("sˈɔːtoʊ "), "{r:?}");
        let l = TextLimits {
            max_sentence_chars: 20,
            ..TextLimits::default()
        };
        let r = phonemize(
            "one two three four five six seven eight nine ten eleven",
            &l,
        )
        .expect("ok");
        assert!(r.len() >= 3, "{r:?}");
        for c in &r {
            assert!(c.text.chars().count() <= 20, "{c:?}");
        }
    }

    #[test]
    fn headline_example() {
        let r = phonemize("Dr. Chen paid $79.99 on Jan. 3rd.", &TextLimits::default()).expect("ok");
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].text,
            "Doctor Chen paid seventy nine dollars and ninety nine cents on January third"
        );
        assert!(r[0].phonemes.starts_with("dˈɑːktɚ "), "{r:?}");
        assert!(r[0].phonemes.ends_with('.'));
    }

    #[test]
    fn long_sentences_are_chunked() {
        let l = TextLimits {
            max_phonemes_per_chunk: 60,
            ..TextLimits::default()
        };
        let text = "The old man walked slowly along the river, watching the boats drift past, \
                    and the children were laughing as they chased each other around the garden.";
        let r = phonemize(text, &l).expect("ok");
        assert!(r.len() >= 2, "{r:?}");
        for c in &r {
            assert!(c.phonemes.chars().count() <= 60, "{c:?}");
        }
        assert!(r[0].phonemes.ends_with(','));
    }
}
