//! Sentence splitting that does not break on abbreviations, decimals or
//! initials. It runs on whitespace tokens: in the pipeline, the spoken
//! tokens of the normalizer (each word with the punctuation after it), so
//! sentences know which tokens, hence which source spans, they hold.

use super::normalize::{Period, is_closer, period_after};
use std::ops::Range;

/// One sentence of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Sentence text without its final terminator, trimmed.
    pub text: String,
    /// Final punctuation: `.`, `?`, `!` (`.` when the text had none).
    pub terminator: char,
}

/// Decides whether the period run ending the word `word` (token text before
/// the period) is a sentence end given the next word.
fn period_ends_sentence(word: &str, prev: Option<&str>, next: Option<&str>) -> bool {
    let core: String = word
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let next_starts_upper = next
        .and_then(|n| n.chars().find(|c| c.is_alphanumeric() || *c == '"'))
        .is_some_and(|c| !c.is_lowercase());
    let Some(_) = next else {
        return true;
    };
    match period_after(&core) {
        Period::Holds => return false,
        Period::EndsBeforeCapital => return next_starts_upper,
        Period::Ends => {}
    }
    // Initials: single capital letter ("J. R. R. Tolkien").
    let mut chars = word.chars().filter(|c| c.is_alphanumeric());
    // ... but not the last letter of a spelled acronym ("P M. Next").
    let prev_is_bare_letter = prev.is_some_and(|p| {
        let mut cs = p.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
    });
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
        && !prev_is_bare_letter
    {
        return false;
    }
    next_starts_upper || next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
}

/// Splits text into sentences at `.`, `?`, `!` (and `…`) followed by
/// whitespace or the end of the text. Periods after known abbreviations,
/// initials and inside numbers (`3.14`) do not split.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    split_tokens(&tokens).into_iter().map(|(_, s)| s).collect()
}

/// [`split_sentences`] over whitespace tokens: each sentence with the range
/// of `tokens` it was made from. Sentences without a letter or digit are
/// dropped.
pub(crate) fn split_tokens(tokens: &[&str]) -> Vec<(Range<usize>, Sentence)> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, tok) in tokens.iter().enumerate() {
        let trimmed = tok.trim_end_matches(is_closer);
        let Some(last) = trimmed.chars().last() else {
            continue;
        };
        let next = tokens.get(i + 1).copied();
        let ends = match last {
            '?' | '!' | '…' => true,
            '.' => {
                let before = trimmed.trim_end_matches('.');
                if trimmed.ends_with("..") {
                    true
                } else {
                    let prev = if i > 0 {
                        tokens.get(i - 1).copied()
                    } else {
                        None
                    };
                    period_ends_sentence(before, prev, next)
                }
            }
            _ => false,
        };
        if ends {
            push_sentence(&mut out, tokens, first..i + 1);
            first = i + 1;
        }
    }
    if first < tokens.len() {
        push_sentence(&mut out, tokens, first..tokens.len());
    }
    out
}

fn push_sentence(out: &mut Vec<(Range<usize>, Sentence)>, tokens: &[&str], range: Range<usize>) {
    let joined = tokens.get(range.clone()).unwrap_or(&[]).join(" ");
    // Separate the trailing terminator run (ignoring closing quotes/brackets).
    let body_end = joined.trim_end_matches(is_closer);
    let closers = joined.get(body_end.len()..).unwrap_or("");
    let term_run_start = body_end
        .trim_end_matches(['.', '?', '!', '…', ',', ';', ':'])
        .len();
    let run = body_end.get(term_run_start..).unwrap_or("");
    let terminator = if run.contains('?') {
        '?'
    } else if run.contains('!') {
        '!'
    } else {
        '.'
    };
    let mut text = body_end.get(..term_run_start).unwrap_or("").to_string();
    text.push_str(closers);
    let text = text.trim().to_string();
    if text.chars().any(|c| c.is_alphanumeric()) {
        out.push((range, Sentence { text, terminator }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split_sentences(s).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn basic() {
        let s = split_sentences("Hello world. How are you? Great!");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text, "Hello world");
        assert_eq!(s[0].terminator, '.');
        assert_eq!(s[1].terminator, '?');
        assert_eq!(s[2].terminator, '!');
    }

    #[test]
    fn abbreviations_decimals_initials() {
        assert_eq!(
            texts("Dr. Chen paid 3.5 dollars to Mr. Smith on Jan. 3rd. He left."),
            vec![
                "Dr. Chen paid 3.5 dollars to Mr. Smith on Jan. 3rd",
                "He left"
            ]
        );
        assert_eq!(
            texts("J. R. R. Tolkien wrote it. Then he slept."),
            vec!["J. R. R. Tolkien wrote it", "Then he slept"]
        );
        assert_eq!(texts("No terminator"), vec!["No terminator"]);
        assert_eq!(
            texts("at four P M. Everyone left."),
            vec!["at four P M", "Everyone left"]
        );
        assert_eq!(
            texts("\"Quoted.\" Next one."),
            vec!["\"Quoted\"", "Next one"]
        );
        assert!(split_sentences("... !!! ???").is_empty());
    }

    #[test]
    fn token_ranges() {
        let toks = ["Hi.", "Dr.", "No", "left!", "...", "Ok"];
        let got: Vec<(Range<usize>, String)> = split_tokens(&toks)
            .into_iter()
            .map(|(r, s)| (r, s.text))
            .collect();
        assert_eq!(
            got,
            vec![
                (0..1, "Hi".to_string()),
                (1..4, "Dr. No left".to_string()),
                (5..6, "Ok".to_string())
            ]
        );
    }
}
