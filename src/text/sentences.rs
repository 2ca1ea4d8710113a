//! Sentence splitting that does not break on abbreviations, decimals or initials.

/// One sentence of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Sentence text without its final terminator, trimmed.
    pub text: String,
    /// Final punctuation: `.`, `?`, `!` (`.` when the text had none).
    pub terminator: char,
}

/// Abbreviations (lower-case, without the period) after which a period does
/// not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "col", "gen", "capt", "lt", "sgt", "rev", "hon", "jr",
    "sr", "mt", "ft", "ave", "blvd", "rd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "vs", "etc", "e.g", "i.e", "no", "fig", "vol", "ch", "approx",
    "dept", "univ", "inc", "ltd", "co", "corp", "est", "gov", "sen", "rep", "pres", "a.m", "p.m",
    "u.s", "u.k", "mx", "cf", "al",
];

/// Abbreviations that commonly end a sentence when followed by a capitalised word.
const FINAL_OK: &[&str] = &[
    "etc", "inc", "ltd", "co", "corp", "jr", "sr", "a.m", "p.m", "u.s", "u.k",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '»' | '”' | '’')
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
    if ABBREVIATIONS.contains(&core.as_str()) {
        return FINAL_OK.contains(&core.as_str()) && next_starts_upper;
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
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        cur.push(tok);
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
            push_sentence(&mut out, &cur);
            cur.clear();
        }
    }
    if !cur.is_empty() {
        push_sentence(&mut out, &cur);
    }
    out
}

fn push_sentence(out: &mut Vec<Sentence>, toks: &[&str]) {
    let joined = toks.join(" ");
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
        out.push(Sentence { text, terminator });
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
}
