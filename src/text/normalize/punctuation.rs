//! The spoken output: words with their source spans, and the punctuation
//! that follows them. Runs of punctuation collapse to the strongest mark.

use super::SpokenToken;
use std::ops::Range;

/// Ranks punctuation: sentence end > `;`/`:` > comma.
fn punct_strength(c: char) -> u8 {
    match c {
        '.' | '?' | '!' | '…' => 3,
        ';' | ':' => 2,
        _ => 1,
    }
}

/// Collects spoken words; punctuation attaches to the word before it.
#[derive(Debug, Default)]
pub(super) struct Spoken {
    tokens: Vec<SpokenToken>,
}

impl Spoken {
    /// Appends the words of `w` (whitespace-separated; a lone "," is a
    /// pause), all spoken for the source bytes `span`.
    pub fn words(&mut self, w: &str, span: &Range<usize>) {
        for part in w.split_whitespace() {
            if part == "," {
                self.punct(',');
            } else {
                self.tokens.push(SpokenToken {
                    text: part.to_string(),
                    punct: None,
                    span: span.clone(),
                });
            }
        }
    }

    /// Attaches punctuation to the last word; dropped at the very start,
    /// merged into the stronger mark after another one.
    pub fn punct(&mut self, c: char) {
        if let Some(last) = self.tokens.last_mut() {
            match last.punct {
                Some(p) if punct_strength(c) > punct_strength(p) => last.punct = Some(c),
                Some(_) => {}
                None => last.punct = Some(c),
            }
        }
    }

    pub fn into_tokens(self) -> Vec<SpokenToken> {
        self.tokens
    }
}

/// The text of one spoken token as it appears in rendered text: the word
/// followed by its punctuation (`…` as `...`).
pub(super) fn render_token(t: &SpokenToken, out: &mut String) {
    out.push_str(&t.text);
    match t.punct {
        Some('…') => out.push_str("..."),
        Some(c) => out.push(c),
        None => {}
    }
}

/// Renders tokens as text: words separated by single spaces.
pub(super) fn render(tokens: &[SpokenToken]) -> String {
    let mut s = String::new();
    for t in tokens {
        if !s.is_empty() {
            s.push(' ');
        }
        render_token(t, &mut s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_attaches_and_merges() {
        let mut s = Spoken::default();
        s.punct('.');
        s.words("one , two", &(0..3));
        s.punct(',');
        s.punct('?');
        s.punct(';');
        s.words("three", &(4..9));
        s.punct('…');
        let toks = s.into_tokens();
        assert_eq!(render(&toks), "one, two? three...");
        assert_eq!(toks[1].span, 0..3);
        assert_eq!(toks[2].span, 4..9);
    }
}
