//! English text normalization: rewrites text into the words a speaker would
//! say, as a pipeline of tokens that keep their source spans.
//!
//! 1. [`markup`]: markdown, dashes, brackets → spaces or pauses, each output
//!    byte mapped back to the input;
//! 2. [`token`]: whitespace tokens (core + trailing punctuation);
//! 3. classify and verbalize each token ([`verbalize`], below), in this order:
//!    `x` between numbers, punctuation only, international phone numbers
//!    ([`phone`]), web and e-mail addresses ([`electronic`]), anything with
//!    a digit ([`numeric`], which tries [`money`], [`phone`], [`date`],
//!    [`time`], [`measure`], codes ([`code`]) and plain numbers from
//!    [`numbers`]), then
//!    abbreviations ([`abbreviation`], [`date`]) and words ([`word`],
//!    [`acronym`]);
//! 4. [`punctuation`]: spoken words with the punctuation after them.
//!
//! Every word list lives in [`tables`]. "$79.99" becomes "seventy nine
//! dollars and ninety nine cents" in `money.rs` (`money_token`).

mod abbreviation;
mod acronym;
mod code;
mod date;
mod electronic;
mod markup;
mod measure;
mod money;
mod numbers;
mod numeric;
mod phone;
mod punctuation;
mod tables;
mod time;
mod token;
mod word;

pub(crate) use tables::{Period, period_after};
pub(crate) use token::is_closer;

use abbreviation::continues_sentence;
use measure::unit_lookup;
use std::ops::Range;
use time::ampm;
use token::{Around, spell_letters, split_token, trail_punct};

/// One spoken word of normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpokenToken {
    /// The word as spoken ("seventy"); never empty, no whitespace.
    pub text: String,
    /// Punctuation spoken after the word (a pause): `,` `;` `:` `.` `?` `!`
    /// or `…`.
    pub punct: Option<char>,
    /// Byte range, in the text given to [`normalize_tokens`], of what this
    /// word was read from (without quotes and trailing punctuation). All
    /// words of one expansion share it: each word of "$79.99" spans the whole
    /// "$79.99"; "5 km" and "+1 555 123 4567" are one span each.
    pub span: Range<usize>,
}

/// Rewrites English text into its spoken form ("Dr. Chen paid $79.99" →
/// "Doctor Chen paid seventy nine dollars and ninety nine cents").
///
/// Runs in time linear in the input; never panics.
pub fn normalize_en(text: &str) -> String {
    punctuation::render(&normalize_tokens(text))
}

/// [`normalize_en`] as spoken tokens, each with its source span in `text`.
pub fn normalize_tokens(text: &str) -> Vec<SpokenToken> {
    let marked = markup::strip(text);
    let toks = token::tokenize(&marked.text);
    let raws: Vec<&str> = toks.iter().map(|t| t.raw).collect();
    let mut out = punctuation::Spoken::default();
    let mut i = 0;
    // A day number after a month ("Jan. 3rd") shares the month's span: one date, one source word.
    let mut joined: Option<(usize, Range<usize>)> = None;
    while let Some(first) = toks.get(i) {
        let v = verbalize(&raws, i);
        let last = toks.get(i + v.consumed).unwrap_or(first);
        let mut span = marked.source_of(&(first.core_range().start..last.core_range().end));
        if let Some((_, s)) = joined.take().filter(|(k, _)| *k == i) {
            span = s;
        } else if let Some(day) = toks
            .get(i + 1)
            .filter(|_| v.consumed == 0 && date::month_then_day(&raws, i))
        {
            span = marked.source_of(&(first.core_range().start..day.core_range().end));
            joined = Some((i + 1, span.clone()));
        }
        out.words(&v.words, &span);
        if let Some(p) = trail_punct(&v.trail) {
            out.punct(p);
        }
        i += 1 + v.consumed;
    }
    out.into_tokens()
}

/// Render spoken tokens as text, the way [`normalize_en`] does.
pub(crate) fn render_tokens(tokens: &[SpokenToken]) -> Vec<String> {
    tokens
        .iter()
        .map(|t| {
            let mut s = String::new();
            punctuation::render_token(t, &mut s);
            s
        })
        .collect()
}

/// What one token (and the tokens it consumed) is spoken as.
struct Verbal {
    /// Words, whitespace-separated; a lone "," is a pause.
    words: String,
    /// Trailing punctuation still to speak after the words.
    trail: String,
    /// Number of following tokens read together with this one.
    consumed: usize,
}

/// Classifies and verbalizes token `i` of `toks`.
fn verbalize(toks: &[&str], i: usize) -> Verbal {
    let raw = toks.get(i).copied().unwrap_or("");
    let around = Around {
        prev2: i.checked_sub(2).and_then(|k| toks.get(k)).copied(),
        prev: i.checked_sub(1).and_then(|k| toks.get(k)).copied(),
        next: toks.get(i + 1).copied(),
    };
    let (prev, next) = (around.prev, around.next);
    let area_code = raw.len() == 5
        && raw.starts_with('(')
        && raw.ends_with(')')
        && raw.get(1..4).is_some_and(token::all_digits);
    let (core, trail) = if area_code {
        (raw, "")
    } else {
        split_token(raw)
    };
    let spoken = |words: String, trail: &str, consumed: usize| Verbal {
        words,
        trail: trail.to_string(),
        consumed,
    };
    let numeric = |t: Option<&str>| {
        t.is_some_and(|t| split_token(t).0.starts_with(|c: char| c.is_ascii_digit()))
    };
    if matches!(core, "x" | "X") && numeric(prev) && numeric(next) {
        return spoken("times".into(), "", 0);
    }
    if core.is_empty() {
        return spoken(String::new(), trail, 0);
    }
    if let Some(words) = phone::international(toks.get(i..).unwrap_or(&[])) {
        let trail = toks.get(i + 3).map(|t| split_token(t).1).unwrap_or("");
        return spoken(words, trail, 3);
    }
    if electronic::is_address(core) {
        return spoken(electronic::speak_address(core), trail, 0);
    }
    if core.chars().any(|c| c.is_ascii_digit()) {
        return number(core, trail, toks, i);
    }
    let mut trail = trail.to_string();
    let words = abbreviation::expand(core, &mut trail, &around)
        .unwrap_or_else(|| word::word_token(core, prev, next, 0));
    Verbal {
        words,
        trail,
        consumed: 0,
    }
}

/// A token with digits; a period after an attached or following unit or
/// am/pm belongs to it unless it also ends the sentence.
fn number(core: &str, trail: &str, toks: &[&str], i: usize) -> Verbal {
    let prev = i.checked_sub(1).and_then(|k| toks.get(k)).copied();
    let next = toks.get(i + 1).copied();
    let mut trail = trail.to_string();
    let Some((words, used)) = numeric::number_token(core, prev, next, 0) else {
        return Verbal {
            words: spell_letters(core),
            trail,
            consumed: 0,
        };
    };
    if used > 0 {
        let last = toks.get(i + used).copied().unwrap_or("");
        let (lc, lt) = split_token(last);
        let mut t = lt.to_string();
        // "5 p.m. on", "2 tbsp. of": the period belongs to the
        // abbreviation unless it also ends the sentence.
        if (ampm(lc).is_some() || unit_lookup(lc, true).is_some())
            && !t.starts_with("..")
            && let Some(r) = t.strip_prefix('.')
            && continues_sentence(toks.get(i + used + 1).copied())
        {
            t = r.to_string();
        }
        trail = t;
    } else if trail.starts_with('.') && !trail.starts_with("..") && continues_sentence(next) {
        // "3.75lbs. and", "9am. Mon."
        let suffix = core.trim_start_matches(|c: char| !c.is_alphabetic());
        if !suffix.is_empty() && (unit_lookup(suffix, false).is_some() || ampm(suffix).is_some()) {
            trail.remove(0);
        }
    }
    Verbal {
        words,
        trail,
        consumed: used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_example() {
        assert_eq!(
            normalize_en("Dr. Chen paid $79.99 on Jan. 3rd."),
            "Doctor Chen paid seventy nine dollars and ninety nine cents on January third."
        );
    }

    #[test]
    fn spans_cover_the_source() {
        let text = "Dr. Chen paid $79.99 on Jan. 3rd, at 5 p.m.";
        let toks = normalize_tokens(text);
        let src = |w: &str| {
            toks.iter()
                .find(|t| t.text == w)
                .and_then(|t| text.get(t.span.clone()))
        };
        assert_eq!(src("Doctor"), Some("Dr"));
        assert_eq!(src("ninety"), Some("$79.99"));
        assert_eq!(src("cents"), Some("$79.99"));
        // A month and its day are one date: both words span "Jan. 3rd".
        assert_eq!(src("January"), Some("Jan. 3rd"));
        assert_eq!(src("third"), Some("Jan. 3rd"));
        assert_eq!(src("P"), Some("5 p.m"));
        let third = toks.iter().find(|t| t.text == "third");
        assert_eq!(third.and_then(|t| t.punct), Some(','));
    }

    #[test]
    fn spans_through_markup_and_phones() {
        let text = "**Call** +1 555 123 4567 or [me](x.com) — now";
        let toks = normalize_tokens(text);
        let spans: Vec<(&str, &str)> = toks
            .iter()
            .map(|t| (t.text.as_str(), text.get(t.span.clone()).unwrap_or("?")))
            .collect();
        assert_eq!(spans.first(), Some(&("Call", "Call")));
        assert!(spans.contains(&("plus", "+1 555 123 4567")), "{spans:?}");
        assert!(spans.contains(&("me", "me")), "{spans:?}");
        assert_eq!(spans.last(), Some(&("now", "now")));
    }

    #[test]
    fn huge_inputs_are_bounded() {
        let digits = "9".repeat(5000);
        let s = normalize_en(&digits);
        assert_eq!(s.split(' ').count(), 5000);
        let punct = "!?.,".repeat(2000);
        assert!(normalize_en(&punct).len() < 10);
    }

    /// 100,000 spaced dashes, alone or after a word, normalize (the dash
    /// pre-pass's work is bounded in `markup::tests`); the pauses collapse.
    #[test]
    fn long_runs_of_spaced_dashes_finish() {
        assert_eq!(normalize_en(&" - ".repeat(100_000)), "");
        let s = normalize_en(&format!("wait{} now", " - ".repeat(100_000)));
        assert!(
            s.starts_with("wait") && s.ends_with("now") && s.len() < 20,
            "{s}"
        );
    }
}
