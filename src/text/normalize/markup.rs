//! Markup and layout clean-up before tokenizing: markdown emphasis, headers,
//! links and images, list bullets, dashes, brackets and table bars become
//! spaces or pauses (" , "). Every output byte remembers the source bytes it
//! came from.

use super::token::is_trailing_punct;
use std::ops::Range;

/// Text after markup clean-up, with the source range of every byte.
#[derive(Debug, Default)]
pub(super) struct Marked {
    pub text: String,
    /// `source[b]`: byte range, in the text given to [`strip`], of the
    /// character that produced output byte `b`.
    source: Vec<Range<usize>>,
    /// Whether anything but whitespace was pushed: kept as characters are
    /// pushed, so asking is O(1) (scanning `text` each time was quadratic in
    /// a run of spaced dashes).
    content: bool,
    /// Characters [`strip`] looked at, input and output: its work, which the
    /// tests bound by a multiple of the input's length.
    work: usize,
}

impl Marked {
    fn with_capacity(n: usize) -> Self {
        Marked {
            text: String::with_capacity(n),
            source: Vec::with_capacity(n),
            content: false,
            work: 0,
        }
    }

    fn push(&mut self, c: char, from: Range<usize>) {
        self.work += 1;
        self.content |= !c.is_whitespace();
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.source.push(from.clone());
        }
    }

    fn push_str(&mut self, s: &str, from: Range<usize>) {
        for c in s.chars() {
            self.push(c, from.clone());
        }
    }

    /// Source range of the output bytes `r` (non-empty, within the text).
    pub fn source_of(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.source.get(r.start).map_or(0, |s| s.start);
        let end = r
            .end
            .checked_sub(1)
            .and_then(|e| self.source.get(e))
            .map_or(start, |s| s.end);
        start..end.max(start)
    }
}

/// Markdown, dashes and parentheses. Linear time.
pub(super) fn strip(text: &str) -> Marked {
    let indexed: Vec<(usize, char)> = text.char_indices().collect();
    let chars: Vec<char> = indexed.iter().map(|(_, c)| *c).collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).copied();
    let mut s = Marked::with_capacity(text.len() + 16);
    // Source byte range of the character at index `i`.
    let src = |i: usize| {
        indexed
            .get(i)
            .map_or(text.len()..text.len(), |(o, c)| *o..*o + c.len_utf8())
    };
    let mut i = 0;
    // Index of the ')' closing the section-reference part being read.
    let mut ref_close: Option<usize> = None;
    // Look-ahead for "](" closing of markdown links is bounded.
    const LINK_LOOKAHEAD: usize = 300;
    while i < n {
        s.work += 1;
        let Some(c) = at(i) else { break };
        let prev = if i > 0 { at(i - 1) } else { None };
        let next = at(i + 1);
        let at_start = prev.is_none_or(char::is_whitespace);
        match c {
            '!' if next == Some('[') => {
                // image: drop the '!' and let the link rule handle the rest
                i += 1;
                continue;
            }
            '[' => {
                // [text](url) -> text
                let mut j = i + 1;
                let limit = (i + LINK_LOOKAHEAD).min(n);
                while j < limit && at(j) != Some(']') && at(j) != Some('[') {
                    j += 1;
                }
                s.work += j - i;
                if at(j) == Some(']') && at(j + 1) == Some('(') {
                    let mut k = j + 2;
                    let limit = (j + 2 + LINK_LOOKAHEAD).min(n);
                    while k < limit && at(k) != Some(')') && !at(k).is_some_and(char::is_whitespace)
                    {
                        k += 1;
                    }
                    s.work += k - j;
                    if at(k) == Some(')') {
                        for k in i + 1..j {
                            if let Some(ch) = at(k) {
                                s.push(ch, src(k));
                            }
                        }
                        i = k + 1;
                        continue;
                    }
                }
                s.push_str(" , ", src(i));
            }
            ']' => s.push_str(" , ", src(i)),
            '(' => {
                // keep "(555)" area codes
                let area = (1..=3).all(|k| at(i + k).is_some_and(|d| d.is_ascii_digit()))
                    && at(i + 4) == Some(')');
                if area {
                    s.push('(', src(i));
                } else if let Some(close) = reference_part(&chars, i, ref_close) {
                    // "3(b)", "4(a)(ii)": section references, no pause
                    ref_close = Some(close);
                    s.push(' ', src(i));
                } else {
                    s.push_str(" , ", src(i));
                }
            }
            ')' if ref_close == Some(i) => s.push(' ', src(i)),
            // A one-letter reference part is the letter: "3(b)" → "3 B".
            c if ref_close == Some(i + 1) && prev == Some('(') && c.is_ascii_lowercase() => {
                s.push(c.to_ascii_uppercase(), src(i))
            }
            ')' => {
                let area = i >= 4
                    && (1..=3).all(|k| at(i - k).is_some_and(|d| d.is_ascii_digit()))
                    && at(i - 4) == Some('(');
                if area {
                    s.push(')', src(i));
                } else {
                    s.push_str(" , ", src(i));
                }
            }
            '`' | '*' | '~' => s.push(' ', src(i)),
            '_' => {
                if at_start || next.is_none_or(|c| c.is_whitespace() || is_trailing_punct(c)) {
                    s.push(' ', src(i));
                } else {
                    s.push('_', src(i));
                }
            }
            '#' if at_start && matches!(next, Some('#') | Some(' ') | None) => {
                // markdown header marker
                while at(i) == Some('#') {
                    s.work += 1;
                    i += 1;
                }
                s.push(' ', src(i));
                continue;
            }
            '>' if i == 0 || (at_start && next == Some(' ') && prev.is_none()) => {
                s.push(' ', src(i))
            }
            '—' | '―' => s.push_str(" , ", src(i)),
            '–' => {
                let digits_around = prev.is_some_and(|c| c.is_ascii_digit())
                    && next.is_some_and(|c| c.is_ascii_digit());
                if digits_around {
                    s.push('-', src(i));
                } else {
                    s.push_str(" , ", src(i));
                }
            }
            '-' => {
                let spaced = at_start && next.is_none_or(char::is_whitespace);
                let double = next == Some('-');
                if double {
                    s.push_str(" , ", src(i));
                    while at(i) == Some('-') {
                        s.work += 1;
                        i += 1;
                    }
                    continue;
                } else if spaced {
                    // list bullet at the very start or a spaced dash
                    if !s.content {
                        s.push(' ', src(i));
                    } else {
                        s.push_str(" , ", src(i));
                    }
                } else {
                    s.push('-', src(i));
                }
            }
            '|' => s.push_str(" , ", src(i)),
            _ => s.push(c, src(i)),
        }
        i += 1;
    }
    s
}
/// A parenthesized part of a section reference opening at `open`: right
/// after a digit (or after the previous part, `prev_close`), one to four
/// ASCII letters or digits, then ')' not followed by a letter or digit
/// ("3(b)", "12(3)", "4(a)(ii)"). Returns the index of the ')'.
fn reference_part(chars: &[char], open: usize, prev_close: Option<usize>) -> Option<usize> {
    let before = open.checked_sub(1)?;
    let after_part = prev_close == Some(before);
    if !(after_part || chars.get(before)?.is_ascii_digit()) {
        return None;
    }
    let len = chars
        .get(open + 1..)?
        .iter()
        .take(5)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let close = open + 1 + len;
    let ends = chars.get(close + 1).is_none_or(|c| !c.is_alphanumeric());
    ((1..=4).contains(&len) && chars.get(close) == Some(&')') && ends).then_some(close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_dashes() {
        assert_eq!(strip("**bold** and `code`").text, "  bold   and  code ");
        assert_eq!(strip("a [link](http://x.com) here").text, "a link here");
        assert_eq!(strip("wait — what").text, "wait  ,  what");
        assert_eq!(strip("(555) 5–6 a–b").text, "(555) 5-6 a , b");
        assert_eq!(strip("- item -- x").text, "  item  ,  x");
    }

    /// Runs of spaced dashes (a bullet-like "- - - …" before any word, or
    /// pauses after one) cost a constant amount of work per character: the
    /// "is the output still blank?" check once rescanned everything written.
    #[test]
    fn runs_of_spaced_dashes_are_linear() {
        for (prefix, run) in [("", " - "), ("", "- "), ("wait", " - "), ("", " -- ")] {
            for reps in [1_000, 100_000] {
                let text = format!("{prefix}{}", run.repeat(reps));
                let m = strip(&text);
                let n = text.chars().count();
                assert!(
                    m.work <= 4 * n,
                    "{prefix:?} {run:?} x{reps}: {} > 4 × {n}",
                    m.work
                );
                assert_eq!(m.text.trim().is_empty(), prefix.is_empty() && run != " -- ");
            }
        }
    }

    #[test]
    fn sources_point_back() {
        let m = strip("a [link](u) “x”");
        let link = m.text.find("link").unwrap_or(0);
        assert_eq!(m.source_of(&(link..link + 4)), 3..7);
        let x = m.text.find('x').unwrap_or(0);
        assert_eq!(m.source_of(&(x..x + 1)), 15..16);
        let q = m.text.find('”').unwrap_or(0);
        assert_eq!(m.source_of(&(x..q + 3)), 15..19);
    }
}
