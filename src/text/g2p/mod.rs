//! Grapheme-to-phoneme conversion of spoken-form English sentences into
//! Piper-style (espeak-ng en-us) phoneme strings.

//!
//! `forms.rs`: function words, merged pairs, letter and digit names;
//! `word.rs`: one word's pronunciation (lexicon, morphology, letter-to-sound);
//! this file: a sentence's words, cross-word adjustments and the joined
//! phoneme string.

mod align;
mod arpa;
mod forms;
mod heteronym;
mod lexicon;
mod lts;
mod word;

pub use lexicon::Lexicon;
pub(crate) use word::lts_word;

use forms::{function_word, letter_name, merged_pair};
use std::ops::Range;
use word::{IPA_VOWELS, fold_word, starts_with_vowel, word_pron};

/// Maximum length of a single word considered for lexicon lookup and
/// letter-to-sound; longer "words" are spelled in pieces.
const MAX_WORD_CHARS: usize = 40;

/// A phonemized word with the clause punctuation that follows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WordPhon {
    /// Spoken-form text of the word (as in the input).
    pub text: String,
    /// Phonemes (no surrounding spaces).
    pub phon: String,
    /// Clause punctuation attached after the word (`,` `;` `:` `.` `?` `!`).
    pub punct: Option<char>,
    /// Indices of the whitespace tokens of the sentence text this word was
    /// read from (two for merged pairs; shared by the parts of a compound).
    pub tokens: Range<usize>,
}

fn is_clause_punct(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '.' | '?' | '!')
}

/// Splits a token into (word, trailing clause punctuation).
fn split_token(tok: &str) -> (&str, Option<char>) {
    let word_end = tok
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, c)| i + c.len_utf8());
    let word_start = tok
        .char_indices()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, _)| i);
    match (word_start, word_end) {
        (Some(s), Some(e)) if s < e => {
            let word = tok.get(s..e).unwrap_or("");
            let trailing = tok.get(e..).unwrap_or("");
            let punct = trailing.chars().find(|c| is_clause_punct(*c));
            (word, punct)
        }
        _ => ("", tok.chars().find(|c| is_clause_punct(*c))),
    }
}

/// Phonemizes one spoken-form sentence into words with attached punctuation.
pub(crate) fn g2p_sentence(text: &str, lex: &Lexicon) -> Vec<WordPhon> {
    // First pass: tokens -> (display text, lookup form, punct, token index).
    let mut items: Vec<(String, String, Option<char>, usize)> = Vec::new();
    for (index, tok) in text.split_whitespace().enumerate() {
        let (word, punct) = split_token(tok);
        if word.is_empty() {
            if let (Some(p), Some(last)) = (punct, items.last_mut())
                && last.2.is_none()
            {
                last.2 = Some(p);
            }
            continue;
        }
        // Split hyphenated / slashed compounds into separate words.
        let parts: Vec<&str> = word
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '.')))
            .filter(|p| !p.is_empty())
            .collect();
        let count = parts.len();
        for (k, part) in parts.into_iter().enumerate() {
            let part = part.trim_matches('.');
            if part.is_empty() {
                continue;
            }
            // Long words are cut into bounded pieces.
            let chars: Vec<char> = part.chars().collect();
            for piece in chars.chunks(MAX_WORD_CHARS) {
                let s: String = piece.iter().collect();
                items.push((s, String::new(), None, index));
            }
            if k + 1 == count
                && let Some(last) = items.last_mut()
            {
                last.2 = punct;
            }
        }
    }
    // Lookup forms.
    for it in items.iter_mut() {
        it.1 = fold_word(&it.0);
    }
    let n = items.len();
    let past_cue = items
        .iter()
        .any(|it| heteronym::PAST_CUES.contains(&it.1.as_str()));
    // The lower-case word `k` places before `i` within its clause.
    let before = |i: usize, k: usize| {
        let j = i.checked_sub(k)?;
        let in_clause = (j..i).all(|m| items.get(m).is_some_and(|x| x.2.is_none()));
        items.get(j).filter(|_| in_clause).map(|x| x.1.as_str())
    };
    let context = |i: usize| heteronym::Context {
        prev2: before(i, 2).and(before(i, 1)),
        prev: before(i, 1),
        next: items
            .get(i)
            .filter(|x| x.2.is_none())
            .and_then(|_| items.get(i + 1))
            .map(|x| x.1.as_str()),
        prev_is_name: i >= 2
            && before(i, 1).is_some()
            && items
                .get(i - 1)
                .is_some_and(|x| x.0.starts_with(|c: char| c.is_uppercase())),
        past_cue,
    };
    let mut out: Vec<WordPhon> = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let Some((text, lower, punct, index)) = items.get(i).cloned() else {
            break;
        };
        let next = items.get(i + 1);
        // Merged pairs ("in the" -> ɪnðə).
        if punct.is_none()
            && lex.override_for(&lower).is_none()
            && let Some(m) = next.and_then(|nx| merged_pair(&lower, &nx.1))
            && let Some(nx) = next
        {
            out.push(WordPhon {
                text: format!("{} {}", text, nx.0),
                phon: m.to_string(),
                punct: nx.2,
                tokens: index..nx.3 + 1,
            });
            i += 2;
            continue;
        }
        let is_single_upper =
            text.chars().count() == 1 && text.chars().all(|c| c.is_ascii_uppercase());
        let neighbour_single = |j: Option<&(String, String, Option<char>, usize)>| {
            j.is_some_and(|x| {
                x.0.chars().count() == 1 && x.0.chars().all(|c| c.is_ascii_uppercase())
            })
        };
        let prev = if i > 0 { items.get(i - 1) } else { None };
        // A capital "A" inside a sentence is a letter ("Plan A", "Gate A
        // seven", "four A"), unless the text around it is shouted.
        let shouted = |j: Option<&(String, String, Option<char>, usize)>| {
            j.is_some_and(|x| x.0.chars().count() >= 2 && !x.0.chars().any(char::is_lowercase))
        };
        let letter_a = text == "A" && i > 0 && !shouted(prev) && !shouted(next);
        let phon = if let Some(p) = lex.override_for(&lower) {
            p.to_string()
        } else if is_single_upper
            && (!matches!(text.as_str(), "A" | "I")
                || letter_a
                || neighbour_single(prev)
                || neighbour_single(next))
        {
            text.chars()
                .next()
                .and_then(letter_name)
                .unwrap_or("")
                .to_string()
        } else if let Some(f) = function_word(&lower) {
            f.to_string()
        } else if let Some(h) = heteronym::choose(&lower, &context(i)) {
            h.to_string()
        } else {
            word_pron(&lower, lex, 0)
        };
        out.push(WordPhon {
            text,
            phon,
            punct,
            tokens: index..index + 1,
        });
        i += 1;
    }
    // Cross-word adjustments.
    for k in 0..out.len() {
        let next_vowel = out.get(k + 1).is_some_and(|nx| starts_with_vowel(&nx.phon));
        let Some(w) = out.get_mut(k) else { break };
        if w.punct.is_some() || !next_vowel {
            continue;
        }
        let lower = w.text.to_lowercase();
        if lower == "the" && w.phon == "ðə" {
            w.phon = "ðɪ".to_string();
        } else if matches!(
            lower.as_str(),
            "it" | "at" | "that" | "what" | "not" | "get"
        ) && w.phon.ends_with('t')
        {
            w.phon.pop();
            w.phon.push('ɾ');
        } else if w.phon.ends_with('ɚ') {
            w.phon.push('ɹ');
        }
    }
    // Function words at the end of a clause are stressed ("ðˈɛɹ.", "hˈæv,"),
    // except pronouns and articles.
    let n_out = out.len();
    for (k, w) in out.iter_mut().enumerate() {
        let clause_end = w.punct.is_some() || k + 1 == n_out;
        let lower = w.text.to_lowercase();
        if clause_end
            && function_word(&lower).is_some()
            && !matches!(
                lower.as_str(),
                "it" | "you" | "me" | "him" | "her" | "us" | "them" | "i" | "a" | "an" | "the"
            )
            && !w.phon.contains('ˈ')
        {
            w.phon = stress_first_vowel(&w.phon.replace('ˌ', ""));
        }
    }
    out.retain(|w| !w.phon.is_empty() || w.punct.is_some());
    out
}

/// Puts a primary stress mark before the first vowel of an unstressed form.
fn stress_first_vowel(phon: &str) -> String {
    let mut s = String::with_capacity(phon.len() + 2);
    let mut done = false;
    for c in phon.chars() {
        if !done && IPA_VOWELS.contains(c) {
            s.push('ˈ');
            done = true;
        }
        s.push(c);
    }
    s
}

/// Joins words into a Piper-style phoneme string: words separated by spaces,
/// clause punctuation attached to the previous word. Also returns, for each
/// word, the byte range of its phonemes in the string.
pub(crate) fn join_words(
    words: &[WordPhon],
    terminator: Option<char>,
) -> (String, Vec<Range<usize>>) {
    let mut s = String::new();
    let mut ranges = Vec::with_capacity(words.len());
    let n = words.len();
    for (k, w) in words.iter().enumerate() {
        if !s.is_empty() && !w.phon.is_empty() {
            s.push(' ');
        }
        let start = s.len();
        s.push_str(&w.phon);
        ranges.push(start..s.len());
        let is_last = k + 1 == n;
        let p = if is_last {
            terminator.or(w.punct)
        } else {
            w.punct
        };
        if let Some(p) = p {
            let p = if is_last {
                p
            } else if matches!(p, '.' | '?' | '!') {
                ','
            } else {
                p
            };
            s.push(p);
        }
    }
    (s, ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(s: &str) -> String {
        join_words(&g2p_sentence(s, Lexicon::builtin()), Some('.')).0
    }

    #[test]
    fn simple_sentence() {
        assert_eq!(ph("Hello world"), "həlˈoʊ wˈɜːld.");
        assert_eq!(ph("the apple"), "ðɪ ˈæpəl.");
        assert_eq!(ph("in the park, then"), "ɪnðə pˈɑːɹk, ðˈɛn.");
    }

    #[test]
    fn weak_forms_and_clause_stress() {
        assert_eq!(ph("it's late"), "ɪts lˈeɪt.");
        assert_eq!(ph("we've been there"), "wiːv bɪn ðˈɛɹ.");
        assert_eq!(ph("the teacher asked"), "ðə tˈiːtʃɚɹ ˈæskt.");
        assert_eq!(ph("it is"), "ɪɾ ˈɪz.");
    }

    #[test]
    fn oov_and_spelling() {
        let s = ph("blorptastic F B I");
        assert!(s.contains("ˈɛf bˈiː ˈaɪ"), "{s}");
        assert_eq!(ph("Plan A"), "plˈæn ˈeɪ.");
        assert_eq!(ph("A plan"), "ɐ plˈæn.");
        assert_eq!(ph("THIS IS A TEST"), ph("this is a test"));
        assert!(!ph("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").is_empty());
    }

    #[test]
    fn overrides_win() {
        let l = Lexicon::with_overrides([("hello", "hˈɛloʊ")]).expect("ok");
        assert_eq!(join_words(&g2p_sentence("hello", &l), None).0, "hˈɛloʊ");
    }

    #[test]
    fn words_know_their_tokens_and_phonemes() {
        let words = g2p_sentence("in the well-known park,", Lexicon::builtin());
        let tokens: Vec<(&str, Range<usize>)> = words
            .iter()
            .map(|w| (w.text.as_str(), w.tokens.clone()))
            .collect();
        assert_eq!(
            tokens,
            vec![
                ("in the", 0..2),
                ("well", 2..3),
                ("known", 2..3),
                ("park", 3..4)
            ]
        );
        let (s, ranges) = join_words(&words, Some('.'));
        let parts: Vec<&str> = ranges
            .iter()
            .map(|r| s.get(r.clone()).unwrap_or("?"))
            .collect();
        let phons: Vec<&str> = words.iter().map(|w| w.phon.as_str()).collect();
        assert_eq!(parts, phons);
    }
}
