//! English text front-end for Sotto: validation, normalization to spoken form,
//! sentence splitting and grapheme-to-phoneme conversion into Piper-style
//! (espeak-ng en-us) phoneme strings.
//!
//! Pipeline: [`validate_mapped`] → [`normalize_tokens`] → sentence splitting
//! over the spoken tokens → G2P (see [`phonemize`]). Every spoken word keeps
//! the byte range of the caller's original string it was read from, through
//! all steps, so a [`PhonemizedSentence`] says which source word each of its
//! phonemes belongs to.

pub mod builtin;
mod error;
mod g2p;
mod normalize;
mod sentences;
mod validate;

pub use error::TextError;
pub use g2p::Lexicon;
pub use normalize::{SpokenToken, normalize_en, normalize_tokens};
pub use sentences::{Sentence, split_sentences};
pub use validate::{TextLimits, Validated, validate, validate_mapped};

use std::ops::Range;

/// One phonemized chunk (a sentence, or part of a long sentence).
///
/// `words` ties the chunk's phonemes to the caller's original text: word
/// `w` is spoken as `phonemes[w.phonemes]` and was read from
/// `original[w.source]`. Words read from one piece of source text share its
/// span (each of "seventy nine dollars …" spans the whole "$79.99"), so
/// grouping consecutive words by `source` gives one entry per source word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedSentence {
    /// Spoken-form text of the chunk.
    pub text: String,
    /// Piper-style phoneme string (espeak-ng en-us conventions), ending with
    /// the sentence or clause punctuation.
    pub phonemes: String,
    /// Byte range of the caller's original string this chunk was read from
    /// (from the start of its first word to the end of its last).
    pub source: Range<usize>,
    /// The chunk's words in order.
    pub words: Vec<PhonemizedWord>,
}

/// One word of a [`PhonemizedSentence`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedWord {
    /// Spoken form ("seventy"); words run together in speech ("in the")
    /// are one entry.
    pub text: String,
    /// Byte range in the chunk's `phonemes` of this word's phonemes (without
    /// the space and punctuation around them; may be empty).
    pub phonemes: Range<usize>,
    /// Byte range of the caller's original string the word was read from.
    pub source: Range<usize>,
}

impl PhonemizedSentence {
    /// The phonemes of `word` (one of `self.words`).
    pub fn word_phonemes(&self, word: &PhonemizedWord) -> &str {
        self.phonemes.get(word.phonemes.clone()).unwrap_or("")
    }
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
    Ok(phonemize_sentences(text, limits, lexicon)?
        .into_iter()
        .flatten()
        .collect())
}

/// [`phonemize_with`], with the chunks grouped by the sentence they come from (a sentence
/// within the limits is one chunk). No group is empty; at least one group, or
/// [`TextError::Empty`]. The streaming engine uses the grouping to tell a finished sentence
/// from one that more text may still extend.
pub fn phonemize_sentences(
    text: &str,
    limits: &TextLimits,
    lexicon: &Lexicon,
) -> Result<Vec<Vec<PhonemizedSentence>>, TextError> {
    phonemize_sentences_cut(text, limits, lexicon, 0)
}

/// [`phonemize_sentences`] with an **early cut**: when `first_chunk` > 0 and the first chunk
/// of the text would hold more than `first_chunk` phoneme characters (each word counted with
/// 2 for the space and stress around it, as for `max_phonemes_per_chunk`), its first words are
/// made a chunk of their own ([`early_cut`]: at the last clause punctuation within the budget,
/// else before the last phrase-starting word, else at the last word within it). The streaming
/// engine uses it for the first chunk of a stream, whose preparation (text encoder + duration
/// predictor over the whole chunk) would otherwise delay the first audio. Later chunks are
/// prepared while earlier audio plays and are never cut this way.
pub fn phonemize_sentences_cut(
    text: &str,
    limits: &TextLimits,
    lexicon: &Lexicon,
    first_chunk: usize,
) -> Result<Vec<Vec<PhonemizedSentence>>, TextError> {
    builtin::require()?;
    let clean = validate_mapped(text, limits)?;
    let spoken = normalize_tokens(&clean.text);
    let rendered = normalize::render_tokens(&spoken);
    let refs: Vec<&str> = rendered.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for (range, sentence) in sentences::split_tokens(&refs) {
        let sentence_tokens = spoken.get(range).unwrap_or(&[]);
        let words = g2p::g2p_sentence(&sentence.text, lexicon);
        // The sentence text holds the sentence's spoken tokens in order, so
        // G2P token k is spoken token k; otherwise (never expected) every
        // word gets the whole sentence's source.
        let aligned = sentence.text.split_whitespace().count() == sentence_tokens.len();
        let whole = span_union(sentence_tokens.iter().map(|t| t.span.clone()));
        let source_of = |tokens: &Range<usize>| {
            let span = if aligned {
                span_union(
                    sentence_tokens
                        .get(tokens.clone())
                        .unwrap_or(&[])
                        .iter()
                        .map(|t| t.span.clone()),
                )
            } else {
                whole.clone()
            };
            clean.source_span(&span)
        };
        let mut group = Vec::new();
        let first = if out.is_empty() { first_chunk } else { 0 };
        chunk_sentence(
            &words,
            sentence.terminator,
            limits,
            first,
            &source_of,
            &mut group,
        );
        if !group.is_empty() {
            out.push(group);
        }
    }
    if out.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(out)
}

/// The smallest range holding all `spans` (empty at 0 when there are none).
fn span_union(spans: impl Iterator<Item = Range<usize>>) -> Range<usize> {
    spans
        .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
        .unwrap_or(0..0)
}

/// Letter-to-sound rules only (no lexicon lookup): the fallback used for
/// out-of-vocabulary words. Exposed for evaluation (`sotto phonemize --lts`, used by `tools/text/per.py`).
#[doc(hidden)]
pub fn letter_to_sound(word: &str) -> String {
    g2p::lts_word(word)
}

fn word_cost(w: &g2p::WordPhon) -> (usize, usize) {
    (w.phon.chars().count() + 2, w.text.chars().count() + 1)
}

/// Words before which a sentence without clause punctuation within the budget is cut early
/// ([`early_cut`]): conjunctions, relative words and common prepositions, where speakers
/// often phrase.
const PHRASE_STARTERS: &[&str] = &[
    "and", "but", "or", "nor", "so", "yet", "because", "although", "though", "while", "when",
    "where", "whereas", "which", "who", "whom", "whose", "that", "if", "unless", "until", "after",
    "before", "since", "as", "in", "on", "at", "to", "for", "with", "from", "by", "about", "into",
    "onto", "over", "under", "through", "between", "without", "during", "against", "across",
    "around", "behind", "beyond", "toward", "towards", "upon", "within",
];

/// Determiners: a noun phrase starts at them, a weaker place to cut than [`PHRASE_STARTERS`].
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our", "my", "your",
    "some", "every", "each", "no",
];

/// Fewest words in front of a cut that is not at clause punctuation ([`early_cut`]).
const EARLY_CUT_MIN_WORDS: usize = 3;

/// How far past the budget clause punctuation is still taken ([`early_cut`]): a first clause
/// up to 3/2 of the budget costs a few milliseconds more than a cut inside it, and sounds
/// better.
const EARLY_CUT_STRETCH: (usize, usize) = (3, 2);

/// Whether a word's first spoken word is one of `list`.
fn first_word_in(w: &g2p::WordPhon, list: &[&str]) -> bool {
    let first = w.text.split_whitespace().next().unwrap_or("");
    list.iter().any(|p| first.eq_ignore_ascii_case(p))
}

/// Where to end a stream's first piece of speech: `Some(k)` (1 ≤ k < `words.len()`) makes
/// `words[..k]` a chunk of its own; `None` when the words fit in `budget` phoneme characters
/// (counted as [`word_cost`] does) or cannot be cut. Never between two words read from one
/// source span (`$79.99` → "seventy nine dollars …" stays one piece, so its word timing stays
/// whole). Preference: the last clause punctuation within [`EARLY_CUT_STRETCH`] × the budget;
/// else, within the budget and with at least [`EARLY_CUT_MIN_WORDS`] words in front, before
/// the last phrase-starting word ([`PHRASE_STARTERS`]), else before the last determiner
/// ([`DETERMINERS`]), neither right after another such word or "of" ("on | your own"); else
/// after the last word within the budget that is not such a word (else any); else (a first span longer than the budget) after that span.
fn early_cut(
    words: &[g2p::WordPhon],
    budget: usize,
    source_of: &dyn Fn(&Range<usize>) -> Range<usize>,
) -> Option<usize> {
    let n = words.len();
    let total: usize = words.iter().map(|w| word_cost(w).0).sum();
    if budget == 0 || total <= budget || n < 2 {
        return None;
    }
    // fit(b): how many words fit in b (at least one), leaving at least one after them.
    let fit = |b: usize| {
        let (mut ph, mut k) = (0usize, 0usize);
        for w in words {
            let p = word_cost(w).0;
            if k > 0 && ph + p > b {
                break;
            }
            ph += p;
            k += 1;
        }
        k.min(n - 1)
    };
    let (num, den) = EARLY_CUT_STRETCH;
    let (within, stretched) = (fit(budget), fit(budget.saturating_mul(num) / den));
    // A cut before word k is allowed unless words k - 1 and k share their source span.
    let allowed = |k: usize| match (words.get(k.wrapping_sub(1)), words.get(k)) {
        (Some(a), Some(b)) => source_of(&a.tokens) != source_of(&b.tokens),
        _ => false,
    };
    let punct_at = |k: usize| {
        words
            .get(k.wrapping_sub(1))
            .is_some_and(|w| w.punct.is_some())
    };
    if let Some(k) = (1..=stretched).rev().find(|&k| allowed(k) && punct_at(k)) {
        return Some(k);
    }
    let function_word = |w: &g2p::WordPhon| {
        first_word_in(w, PHRASE_STARTERS)
            || first_word_in(w, DETERMINERS)
            || first_word_in(w, &["of"])
    };
    for list in [PHRASE_STARTERS, DETERMINERS] {
        let starts = |k: usize| {
            words.get(k).is_some_and(|w| first_word_in(w, list))
                && !words.get(k - 1).is_some_and(function_word)
        };
        if let Some(k) = (EARLY_CUT_MIN_WORDS..=within)
            .rev()
            .find(|&k| allowed(k) && starts(k))
        {
            return Some(k);
        }
    }
    let after_content = |k: usize| !words.get(k - 1).is_some_and(function_word);
    (1..=within)
        .rev()
        .find(|&k| allowed(k) && after_content(k))
        .or_else(|| (1..=within).rev().find(|&k| allowed(k)))
        .or_else(|| (within + 1..n).find(|&k| allowed(k)))
}

/// Splits a phonemized sentence into chunks that respect the limits; with `first_budget` > 0,
/// its first chunk is cut early ([`early_cut`]).
fn chunk_sentence(
    words: &[g2p::WordPhon],
    terminator: char,
    limits: &TextLimits,
    first_budget: usize,
    source_of: &dyn Fn(&Range<usize>) -> Range<usize>,
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
        if start == 0
            && let Some(k) = early_cut(words.get(..end).unwrap_or(&[]), first_budget, source_of)
        {
            end = k;
        }
        let chunk = words.get(start..end).unwrap_or(&[]);
        let is_last = end >= n;
        let term = if is_last {
            Some(terminator)
        } else {
            Some(chunk.last().and_then(|w| w.punct).unwrap_or(','))
        };
        let (mut phonemes, ranges) = g2p::join_words(chunk, term);
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
            let cut = phonemes.len();
            let words: Vec<PhonemizedWord> = chunk
                .iter()
                .zip(ranges)
                .map(|(w, r)| PhonemizedWord {
                    text: w.text.clone(),
                    phonemes: r.start.min(cut)..r.end.min(cut),
                    source: source_of(&w.tokens),
                })
                .collect();
            let source = span_union(words.iter().map(|w| w.source.clone()));
            out.push(PhonemizedSentence {
                text,
                phonemes,
                source,
                words,
            });
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

    /// (spoken word, its phonemes, its source text) for every word.
    fn word_table<'a>(
        text: &'a str,
        chunk: &'a PhonemizedSentence,
    ) -> Vec<(&'a str, &'a str, &'a str)> {
        chunk
            .words
            .iter()
            .map(|w| {
                (
                    w.text.as_str(),
                    chunk.word_phonemes(w),
                    text.get(w.source.clone()).unwrap_or("?"),
                )
            })
            .collect()
    }

    #[test]
    fn words_carry_source_spans_and_phonemes() {
        // Zero-width and bidi characters, a combining accent and a newline
        // in the input: spans still point into the original string.
        let text = "\u{200B}Dr. Chen\u{202E} paid $79.99\non Jan. 3rd in the cafe\u{301}.";
        let r = phonemize(text, &TextLimits::default()).expect("ok");
        assert_eq!(r.len(), 1);
        let t = word_table(text, &r[0]);
        assert_eq!(t[0], ("Doctor", "dˈɑːktɚ", "Dr"));
        assert_eq!(t[1].2, "Chen");
        let money: Vec<&str> = t.iter().filter(|w| w.2 == "$79.99").map(|w| w.0).collect();
        assert_eq!(
            money,
            [
                "seventy", "nine", "dollars", "and", "ninety", "nine", "cents"
            ]
        );
        assert!(
            t.contains(&("January", "dʒˈænjuːˌɛɹi", "Jan. 3rd")),
            "{t:?}"
        );
        assert!(t.contains(&("third", "θˈɜːd", "Jan. 3rd")), "{t:?}");
        let merged = t.iter().find(|w| w.0 == "in the").map(|w| (w.1, w.2));
        assert_eq!(merged, Some(("ɪnðə", "in the")));
        assert_eq!(t.last().map(|w| w.2), Some("cafe\u{301}"));
        // Word phonemes appear in order in the chunk's phonemes.
        let joined: Vec<&str> = t.iter().map(|w| w.1).filter(|p| !p.is_empty()).collect();
        let stripped: String = r[0]
            .phonemes
            .chars()
            .filter(|c| !",.;:?!".contains(*c))
            .collect();
        assert_eq!(joined.join(" "), stripped);
        assert_eq!(text.get(r[0].source.clone()), text.get(3..text.len() - 1));
    }

    #[test]
    fn chunks_are_grouped_by_sentence() {
        let l = TextLimits {
            max_sentence_chars: 20,
            ..TextLimits::default()
        };
        let text = "one two three four five six seven eight. Nine ten.";
        let groups = phonemize_sentences(text, &l, Lexicon::builtin()).expect("ok");
        assert_eq!(groups.len(), 2);
        assert!(groups[0].len() >= 2, "{groups:?}");
        assert_eq!(groups[1].len(), 1);
        let flat: Vec<PhonemizedSentence> = groups.into_iter().flatten().collect();
        assert_eq!(
            flat,
            phonemize_with(text, &l, Lexicon::builtin()).expect("ok")
        );
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
            let first = c.words.first().map(|w| w.source.start);
            assert_eq!(first, Some(c.source.start));
        }
        assert!(r[0].phonemes.ends_with(','));
        assert!(r[0].source.end <= r[1].source.start);
    }

    /// Words (spoken text, source) of all chunks of the first group.
    fn first_group_words(g: &[Vec<PhonemizedSentence>]) -> Vec<(String, Range<usize>)> {
        g[0].iter()
            .flat_map(|c| c.words.iter().map(|w| (w.text.clone(), w.source.clone())))
            .collect()
    }

    #[test]
    fn early_cut_takes_the_first_clause_of_the_first_sentence_only() {
        let lex = Lexicon::builtin();
        let l = TextLimits::default();
        let text = "She sells seashells by the seashore, and the shells she sells are surely \
                    seashells. She sells seashells by the seashore, and the shells she sells are \
                    surely seashells.";
        let whole = phonemize_sentences(text, &l, lex).expect("ok");
        let cut = phonemize_sentences_cut(text, &l, lex, 60).expect("ok");
        assert_eq!(whole[0].len(), 1);
        assert_eq!(cut[0].len(), 2, "{cut:?}");
        assert_eq!(cut[0][0].text, "She sells seashells by the seashore");
        assert!(cut[0][0].phonemes.ends_with(','), "{cut:?}");
        assert!(cut[0][1].phonemes.ends_with('.'), "{cut:?}");
        // Same words, same source spans; later sentences untouched.
        assert_eq!(first_group_words(&cut), first_group_words(&whole));
        assert_eq!(cut[1], whole[1]);
        // Budget 0, or a sentence within it: no cut.
        assert_eq!(
            phonemize_sentences_cut(text, &l, lex, 0).expect("ok"),
            whole
        );
        let short = "Hello world. How are you?";
        assert_eq!(
            phonemize_sentences_cut(short, &l, lex, 60).expect("ok"),
            phonemize_sentences(short, &l, lex).expect("ok")
        );
    }

    #[test]
    fn early_cut_without_punctuation_prefers_a_phrase_start_and_keeps_spans_whole() {
        let lex = Lexicon::builtin();
        let l = TextLimits::default();
        let text = "The old keeper climbed the narrow stairs and polished the great brass lens \
                    until it gleamed in the morning light";
        let cut = phonemize_sentences_cut(text, &l, lex, 60).expect("ok");
        let first = &cut[0][0];
        let cost: usize = first
            .words
            .iter()
            .map(|w| first.word_phonemes(w).chars().count() + 2)
            .sum();
        assert!(cost <= 60, "{first:?}");
        let next = cut[0][1].words.first().map(|w| w.text.as_str());
        assert!(
            next.is_some_and(|w| PHRASE_STARTERS.contains(&w)),
            "{cut:?}"
        );
        // Clause punctuation a little past the budget is still taken.
        let clause = "Every morning the old lighthouse keeper climbed the narrow spiral stairs, \
                      polished the great brass lens until it gleamed.";
        let cut = phonemize_sentences_cut(clause, &l, lex, 80).expect("ok");
        assert!(cut[0][0].text.ends_with("spiral stairs"), "{cut:?}");
        // Without punctuation, never between a preposition and its noun phrase.
        let text = "Speech synthesis in the browser keeps all of your words on your own device";
        let cut = phonemize_sentences_cut(text, &l, lex, 60).expect("ok");
        let next = cut[0][1]
            .words
            .first()
            .map(|w| w.text.as_str())
            .unwrap_or("");
        assert!(!DETERMINERS.contains(&next), "{cut:?}");
        assert!(first.phonemes.ends_with(','), "{first:?}");
        // A span read as several words ("$1,234.56") is never cut inside.
        let money = "$1,234,567.89 was paid to the old keeper of the lighthouse on the rocks";
        let cut = phonemize_sentences_cut(money, &l, lex, 20).expect("ok");
        let whole = phonemize_sentences(money, &l, lex).expect("ok");
        assert_eq!(first_group_words(&cut), first_group_words(&whole));
        let spans = |c: &PhonemizedSentence| -> Vec<Range<usize>> {
            c.words.iter().map(|w| w.source.clone()).collect()
        };
        let (a, b) = (spans(&cut[0][0]), spans(&cut[0][1]));
        assert!(a.iter().all(|s| !b.contains(s)), "{cut:?}");
        assert_eq!(money.get(a[0].clone()), Some("$1,234,567.89"));
    }
}
