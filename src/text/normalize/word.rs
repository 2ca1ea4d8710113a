//! Words: ordinary words pass through; symbols inside words are read
//! ("R&D", "C++", "and/or"); Roman numerals after "Chapter" or a name.

use super::acronym::acronym;
use super::electronic::{is_address, speak_address};
use super::numbers::{cardinal, ordinal, roman_value};
use super::tables::{CHAPTER_WORDS, SYMBOL_WORDS};
use super::token::{is_capitalized_word, split_token};

/// The spoken name of a symbol ("&" → "and").
pub(super) fn symbol_word(c: char) -> Option<&'static str> {
    SYMBOL_WORDS.iter().find(|(s, _)| *s == c).map(|(_, w)| *w)
}

/// A core without digits (or the letter part of a mixed token).
pub(super) fn word_token(core: &str, prev: Option<&str>, next: Option<&str>, depth: u8) -> String {
    if core.is_empty() {
        return String::new();
    }
    if is_address(core) {
        return speak_address(core);
    }
    // Split on inner symbols like & + / (R&D, C++, and/or).
    if depth < 4 && core.contains(['&', '+', '/', '@', '=', '\\', '_']) {
        let mut out: Vec<String> = Vec::new();
        let mut cur = String::new();
        for c in core.chars() {
            if matches!(c, '&' | '+' | '/' | '@' | '=' | '\\' | '_') {
                if !cur.is_empty() {
                    out.push(word_token(&cur, None, None, depth + 1));
                    cur.clear();
                }
                match c {
                    '/' | '_' | '\\' => {}
                    _ => out.push(symbol_word(c).unwrap_or("").to_string()),
                }
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(word_token(&cur, None, None, depth + 1));
        }
        return out.join(" ");
    }
    if core.chars().all(|c| !c.is_alphanumeric()) {
        return core
            .chars()
            .filter_map(symbol_word)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let letters_only = core
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.'));
    if !letters_only {
        // Drop stray symbols.
        let cleaned: String = core
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '\'' | '’' | '-') {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        return cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    if let Some(w) = roman_in_context(core, prev) {
        return w;
    }
    if let Some(w) = acronym(core, prev, next) {
        return w;
    }
    core.to_string()
}

/// "Chapter IV" → "four", "Henry VIII" → "the eighth"; `None` elsewhere.
fn roman_in_context(core: &str, prev: Option<&str>) -> Option<String> {
    let v = roman_value(core)?;
    let prev_lower = prev
        .map(|p| split_token(p).0.trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default();
    if CHAPTER_WORDS.contains(&prev_lower.as_str()) {
        return Some(cardinal(v));
    }
    let name_ctx = prev.is_some_and(is_capitalized_word)
        && core.len() >= 2
        && core.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
        && v <= 40;
    name_ctx.then(|| format!("the {}", ordinal(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_symbols() {
        assert_eq!(word_token("R&D", None, None, 0), "R and D");
        assert_eq!(word_token("and/or", None, None, 0), "and or");
        assert_eq!(word_token("C++", None, None, 0), "C plus plus");
        assert_eq!(word_token("snake_case", None, None, 0), "snake case");
        assert_eq!(word_token("*$", None, None, 0), "dollars");
        assert_eq!(word_token("don't", None, None, 0), "don't");
        assert_eq!(word_token("a™b", None, None, 0), "a b");
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(word_token("IV", Some("Chapter"), None, 0), "four");
        assert_eq!(word_token("VIII", Some("Henry"), None, 0), "the eighth");
        assert_eq!(word_token("MIX", Some("The"), None, 0), "M I X");
        assert_eq!(word_token("I", Some("Henry"), None, 0), "I");
    }
}
