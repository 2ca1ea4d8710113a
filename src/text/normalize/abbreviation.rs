//! Abbreviations: with a period ("Dr.", "St.", "Jan.", "e.g.", "p. 5") or
//! without ("Mr Smith", "Mon-Fri", "vs"), expanded from context and the
//! shared table in `tables.rs`; decides whether the period stays as a
//! sentence end.

use super::date::{
    is_calendar_word, month_abbrev, month_before_number, weekday_in_context, weekday_range,
};
use super::tables::expansion;
use super::token::{
    Around, all_digits_ordinal, is_capitalized_word, is_numeric_token, parse_u64, spell_letters,
    split_token, starts_upper,
};

/// Whether the token after an abbreviation's period continues the sentence:
/// a lowercase word, a number, punctuation, or a month/weekday name ("May"
/// excepted: "… St. May I help?").
pub(super) fn continues_sentence(next: Option<&str>) -> bool {
    next.is_some_and(|n| !starts_upper(n) || (is_calendar_word(n) && split_token(n).0 != "May"))
}

/// Abbreviations expanded only before a number: "p. 5", "pp. 10-12", "est. 1926".
fn before_number_abbrev(bare: &str, next: Option<&str>) -> Option<&'static str> {
    if !is_numeric_token(next) {
        return None;
    }
    let year_next = next
        .map(|n| split_token(n).0)
        .and_then(parse_u64)
        .is_some_and(|y| (1000..=2099).contains(&y));
    Some(match bare {
        "p" | "pg" => "page",
        "pp" | "pgs" => "pages",
        "apt" => "apartment",
        "est" if year_next => "established",
        "Est" if year_next => "Established",
        "est" => "estimated",
        "Est" => "Estimated",
        _ => return None,
    })
}

/// Expands the abbreviation `bare` (a token core without digits), or `None`
/// when it is an ordinary word. `trail` is the token's trailing punctuation;
/// the period of an expanded abbreviation is removed from it unless it also
/// ends the sentence.
pub(super) fn expand(bare: &str, trail: &mut String, around: &Around<'_>) -> Option<String> {
    let has_dot = trail.starts_with('.') && !trail.starts_with("..");
    let dotted_letters = bare.contains('.')
        && bare
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    if has_dot || dotted_letters {
        with_period(bare, dotted_letters, trail, around)
    } else {
        without_period(bare, trail, around)
    }
}

fn with_period(
    bare: &str,
    dotted_letters: bool,
    trail: &mut String,
    around: &Around<'_>,
) -> Option<String> {
    let Around { prev2, prev, next } = *around;
    let lower = bare.to_ascii_lowercase();
    let next_upper = next.is_some_and(starts_upper);
    let next_is_end = next.is_none();
    // Abbreviations with a period.
    let prev_cap = prev.is_some_and(|p| {
        let c = split_token(p).0;
        is_capitalized_word(p) && !matches!(c, "The" | "A" | "An") || all_digits_ordinal(c)
    });
    let mut keep_dot = false;
    let expansion: Option<String> = match bare {
        "Dr" | "dr" => {
            if next_upper && !(prev_cap && next_is_end) {
                Some("Doctor".into())
            } else if prev_cap {
                keep_dot = true;
                Some("Drive".into())
            } else {
                Some("doctor".into())
            }
        }
        "St" | "st" => {
            if prev_cap || !next_upper {
                keep_dot = true;
                Some("Street".into())
            } else {
                Some("Saint".into())
            }
        }
        "No" | "no" if next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) => {
            Some("number".into())
        }
        _ if dotted_letters => match lower.as_str() {
            "e.g" => Some("for example".into()),
            "i.e" => Some("that is".into()),
            _ => {
                keep_dot = true;
                Some(spell_letters(bare))
            }
        },
        _ => {
            if let Some(d) = weekday_in_context(bare, trail, true, prev2, prev, next) {
                keep_dot = true;
                Some(d.to_string())
            } else if let Some(e) = before_number_abbrev(bare, next) {
                Some(e.to_string())
            } else if bare == "v" && prev_cap && next_upper {
                // "Roe v. Wade"
                Some("versus".into())
            } else if let Some(m) = month_abbrev(bare).filter(|_| {
                bare.starts_with(char::is_uppercase)
                    && (next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
                        || prev.is_some_and(|p| p.starts_with(|c: char| c.is_ascii_digit())))
            }) {
                Some(m.to_string())
            } else if let Some((e, can_end)) = expansion(bare) {
                keep_dot = can_end;
                if matches!(bare, "ext" | "Ext")
                    && prev.is_some_and(|p| p.ends_with(|c: char| c.is_ascii_digit()))
                {
                    // "555-0199 ext. 42": pause before the extension
                    Some(format!(", {e}"))
                } else if bare.starts_with(char::is_uppercase) {
                    // "Vol. 2" at a sentence start → "Volume two"
                    let mut cs = e.chars();
                    Some(
                        cs.next()
                            .map(|c| c.to_uppercase().chain(cs).collect())
                            .unwrap_or_default(),
                    )
                } else {
                    Some(e.to_string())
                }
            } else if bare.chars().count() == 1
                && bare.chars().all(char::is_uppercase)
                && next_upper
            {
                // initial "J. R. R. Tolkien"
                Some(bare.to_string())
            } else {
                None
            }
        }
    };
    let e = expansion?;
    let ends = next_is_end || (next_upper && !continues_sentence(next));
    if !(keep_dot && ends) {
        // drop the abbreviation's period
        *trail = trail.get(1..).unwrap_or("").to_string();
    }
    Some(e)
}

fn without_period(bare: &str, trail: &str, around: &Around<'_>) -> Option<String> {
    let Around { prev2, prev, next } = *around;
    let next_upper = next.is_some_and(starts_upper);
    if next_upper && matches!(bare, "Mr" | "Mrs" | "Ms" | "Prof") {
        return expansion(bare).map(|(e, _)| e.to_string());
    }
    if next_upper && bare == "Dr" {
        return Some("Doctor".to_string());
    }
    if let Some(d) = weekday_in_context(bare, trail, false, prev2, prev, next) {
        return Some(d.to_string());
    }
    if let Some(r) = weekday_range(bare) {
        return Some(r);
    }
    if bare == "vs" {
        return Some("versus".to_string());
    }
    let before_number = before_number_abbrev(bare, next)
        .filter(|_| matches!(bare, "pp" | "pg" | "pgs" | "apt"))
        .or_else(|| {
            expansion(bare)
                .map(|(e, _)| e)
                .filter(|_| matches!(bare, "Apt" | "ext" | "Ext") && is_numeric_token(next))
        });
    if let Some(e) = before_number {
        return Some(e.to_string());
    }
    month_before_number(bare, next).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(
        bare: &str,
        trail: &str,
        prev: Option<&str>,
        next: Option<&str>,
    ) -> (Option<String>, String) {
        let mut t = trail.to_string();
        let around = Around {
            prev2: None,
            prev,
            next,
        };
        (expand(bare, &mut t, &around), t)
    }

    #[test]
    fn doctor_drive_saint_street() {
        assert_eq!(
            exp("Dr", ".", None, Some("Chen")),
            (Some("Doctor".into()), String::new())
        );
        assert_eq!(
            exp("Dr", ".", Some("Elm"), None),
            (Some("Drive".into()), ".".into())
        );
        assert_eq!(
            exp("St", ".", None, Some("Louis")),
            (Some("Saint".into()), String::new())
        );
        assert_eq!(
            exp("St", ".", Some("Main"), Some("is")),
            (Some("Street".into()), String::new())
        );
        assert_eq!(
            exp("Dr", "", None, Some("Who")),
            (Some("Doctor".into()), String::new())
        );
    }

    #[test]
    fn context_and_table() {
        assert_eq!(exp("p", ".", None, Some("5")).0.as_deref(), Some("page"));
        assert_eq!(exp("p", ".", None, Some("in")).0, None);
        assert_eq!(
            exp("Vol", ".", None, Some("2,")).0.as_deref(),
            Some("Volume")
        );
        assert_eq!(
            exp("ext", ".", Some("555-0199"), Some("42")).0.as_deref(),
            Some(", extension")
        );
        assert_eq!(
            exp("etc", ".", None, None),
            (Some("et cetera".into()), ".".into())
        );
        assert_eq!(
            exp("e.g", ".", None, Some("this")),
            (Some("for example".into()), String::new())
        );
        assert_eq!(
            exp("Mon-Fri", "", None, None).0.as_deref(),
            Some("Monday to Friday")
        );
        assert_eq!(exp("Mr", "", None, Some("smith")).0, None);
        assert_eq!(
            exp("Jan", ".", None, Some("5")).0.as_deref(),
            Some("January")
        );
        assert_eq!(exp("apple", ".", None, None).0, None);
    }

    #[test]
    fn sentence_continues() {
        assert!(continues_sentence(Some("and")));
        assert!(continues_sentence(Some("Mon.")));
        assert!(!continues_sentence(Some("May")));
        assert!(!continues_sentence(Some("Then")));
        assert!(!continues_sentence(None));
    }
}
