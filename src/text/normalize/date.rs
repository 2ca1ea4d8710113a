//! Dates: month and weekday names and abbreviations, ISO (2024-01-03) and
//! slashed (1/3/2024) dates, day numbers after a month ("Jan. 3rd").

use super::numbers::{cardinal_str, ordinal, year};
use super::tables::{MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS};
use super::time::ampm;
use super::token::{is_numeric_token, parse_u64, split_token};

/// Month abbreviation (any case, without period) → full name.
pub(super) fn month_abbrev(w: &str) -> Option<&'static str> {
    let lower = w.to_ascii_lowercase();
    let (_, i) = MONTH_ABBREVIATIONS.iter().find(|(a, _)| *a == lower)?;
    MONTHS.get(*i).copied()
}

/// A full or abbreviated month name (a trailing period allowed).
pub(super) fn is_month_word(w: &str) -> bool {
    let t = w.trim_end_matches('.');
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(t)) || month_abbrev(t).is_some()
}

/// Capitalized weekday abbreviation (without period) → full name.
pub(super) fn weekday_abbrev(w: &str) -> Option<&'static str> {
    let (_, i) = WEEKDAY_ABBREVIATIONS.iter().find(|(a, _)| *a == w)?;
    WEEKDAYS.get(*i).copied()
}

/// A weekday or month name, full or abbreviated, as a raw token.
pub(super) fn is_calendar_word(tok: &str) -> bool {
    let c = split_token(tok).0.trim_end_matches('.');
    is_month_word(c)
        || weekday_abbrev(c).is_some()
        || WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(c))
}

/// Weekday abbreviation in a date or time context: "Mon." (always when it has
/// a period, except "Sun."), "Sat., Mar. 8", "Sun 5pm", "Fri, Jan 3". "the Sun."
/// and "Sun Valley" stay as they are.
pub(super) fn weekday_in_context(
    bare: &str,
    trail: &str,
    has_dot: bool,
    prev2: Option<&str>,
    prev: Option<&str>,
    next: Option<&str>,
) -> Option<&'static str> {
    let day = weekday_abbrev(bare)?;
    if has_dot && bare != "Sun" {
        return Some(day);
    }
    let prev_core = prev.map(|p| split_token(p).0).unwrap_or("");
    let next_ctx = is_numeric_token(next) || next.is_some_and(is_calendar_word);
    if !has_dot {
        // "Mon 9am", "Fri, Jan 3" but not "Sun Microsystems", "The Sun, a paper".
        return next_ctx.then_some(day);
    }
    let date_ctx = next_ctx
        || trail.contains(',')
        || prev.is_some_and(is_calendar_word)
        || prev_core.ends_with(|c: char| c.is_ascii_digit())
        || ampm(prev_core).is_some();
    let word_ctx = match prev_core.to_ascii_lowercase().as_str() {
        "through" | "thru" | "to" | "until" | "till" | "from" | "on" | "every" | "next"
        | "last" | "this" | "-" => true,
        "and" | "or" => prev2.is_some_and(is_calendar_word),
        _ => false,
    };
    (date_ctx || word_ctx).then_some(day)
}

/// "Mon-Fri" → "Monday to Friday".
pub(super) fn weekday_range(bare: &str) -> Option<String> {
    let (a, b) = bare.split_once('-')?;
    Some(format!("{} to {}", weekday_abbrev(a)?, weekday_abbrev(b)?))
}

/// A month name before a day number: "March 5", "Jan 5" (capitalized
/// abbreviation).
pub(super) fn month_before_number(bare: &str, next: Option<&str>) -> Option<&'static str> {
    MONTHS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(bare))
        .copied()
        .or_else(|| month_abbrev(bare).filter(|_| bare.starts_with(char::is_uppercase)))
        .filter(|_| next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())))
}

/// Token `i` is a month name or abbreviation ("Jan.", "March") and token `i + 1` a day of the
/// month ("3", "3rd", "31st,"): the two are one date in the source.
pub(super) fn month_then_day(toks: &[&str], i: usize) -> bool {
    let (Some(month), Some(day)) = (toks.get(i), toks.get(i + 1)) else {
        return false;
    };
    let (core, trail) = super::split_token(month);
    if !(trail.is_empty() || trail == ".") || month_before_number(core, Some(day)).is_none() {
        return false;
    }
    let day = super::split_token(day).0;
    let digits = day.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &day[digits.len()..];
    (1..=2).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
        && (suffix.is_empty() || ["st", "nd", "rd", "th"].contains(&suffix))
}

/// Days in month `m` (1–12) of year `y` (proleptic Gregorian); `None` for another month.
fn days_in_month(y: u64, m: u64) -> Option<u64> {
    let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// A real calendar date (31/02/2025, 2023-02-29 and 4/31 are not) → spoken form.
fn read_date(y: u64, m: u64, d: u64) -> Option<String> {
    if !(1..=days_in_month(y, m)?).contains(&d) {
        return None;
    }
    let month = MONTHS.get((m - 1) as usize)?;
    Some(format!("{} {} , {}", month, ordinal(d), year(y)))
}

/// ISO dates "2024-01-03" and slashed dates "1/3/2024" (US order; day first
/// when the first part is over 12; two-digit years are 20xx).
pub(super) fn date_token(core: &str) -> Option<String> {
    // ISO date 2024-01-03.
    let dash_parts: Vec<&str> = core.split('-').collect();
    if let [y, m, d] = dash_parts.as_slice()
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && let (Some(y), Some(m), Some(d)) = (parse_u64(y), parse_u64(m), parse_u64(d))
        && let Some(s) = read_date(y, m, d)
    {
        return Some(s);
    }
    // Slashed dates 1/3/2024 (US order; day first when the first part > 12).
    let slash_parts: Vec<&str> = core.split('/').collect();
    if let [a, b, c] = slash_parts.as_slice()
        && let (Some(a), Some(b), Some(c)) = (parse_u64(a), parse_u64(b), parse_u64(c))
    {
        let y = if c < 100 { 2000 + c } else { c };
        let (m, d) = if a > 12 { (b, a) } else { (a, b) };
        if let Some(s) = read_date(y, m, d) {
            return Some(s);
        }
    }
    None
}

/// Shaped like a date but not one (31/02/2025, 2025-02-30, 4/31/24): each number as written,
/// joined by "slash" or "dash", so it is read neither as a date nor as a fraction or range.
/// Call after [`date_token`] refused `core`.
pub(super) fn impossible_date(core: &str) -> Option<String> {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let (parts, sep, year_at) = match core.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if digits(y, 4..=4) && digits(m, 2..=2) && digits(d, 2..=2) => {
            (vec![*y, *m, *d], " dash ", 0)
        }
        _ => match core.split('/').collect::<Vec<_>>().as_slice() {
            [a, b, c]
                if digits(a, 1..=2)
                    && digits(b, 1..=2)
                    && (digits(c, 2..=2) || digits(c, 4..=4)) =>
            {
                (vec![*a, *b, *c], " slash ", 2)
            }
            _ => return None,
        },
    };
    let words: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| match parse_u64(p) {
            Some(y) if i == year_at && p.len() == 4 => year(y),
            _ => cardinal_str(p),
        })
        .collect();
    Some(words.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            date_token("2024-01-03").as_deref(),
            Some("January third , twenty twenty four")
        );
        assert_eq!(
            date_token("25/12/99").as_deref(),
            Some("December twenty fifth , twenty ninety nine")
        );
        assert_eq!(date_token("2024-13-03"), None);
        assert_eq!(date_token("1/2"), None);
    }

    #[test]
    fn impossible_days_are_not_dates() {
        for bad in [
            "31/02/2025",
            "30/02/2024",
            "29/02/2023",
            "2025-02-29",
            "1900-02-29",
            "4/31/2024",
            "2024-06-31",
            "2024-01-00",
            "2024-01-32",
        ] {
            assert_eq!(date_token(bad), None, "{bad}");
        }
        assert_eq!(
            date_token("29/02/2024").as_deref(),
            Some("February twenty ninth , twenty twenty four")
        );
        assert!(date_token("2000-02-29").is_some());
        assert!(date_token("12/31/2025").is_some());
        assert!(date_token("2025-11-30").is_some());
        assert_eq!(
            impossible_date("31/02/2025").as_deref(),
            Some("thirty one slash zero two slash twenty twenty five")
        );
        assert_eq!(
            impossible_date("2025-02-30").as_deref(),
            Some("twenty twenty five dash zero two dash thirty")
        );
        assert_eq!(impossible_date("24/7/365"), None);
        assert_eq!(impossible_date("1-2-3"), None);
    }

    #[test]
    fn names() {
        assert_eq!(month_abbrev("SEPT"), Some("September"));
        assert_eq!(month_abbrev("may"), None);
        assert!(is_month_word("May."));
        assert_eq!(weekday_abbrev("Thurs"), Some("Thursday"));
        assert_eq!(weekday_abbrev("thu"), None);
        assert_eq!(
            weekday_range("Mon-Fri").as_deref(),
            Some("Monday to Friday")
        );
        assert_eq!(month_before_number("Jan", Some("5")), Some("January"));
        assert_eq!(month_before_number("jan", Some("5")), None);
        assert_eq!(month_before_number("march", Some("5,")), Some("March"));
    }

    #[test]
    fn weekday_context() {
        assert_eq!(
            weekday_in_context("Sat", ",", true, None, None, None),
            Some("Saturday")
        );
        assert_eq!(
            weekday_in_context("Sun", ".", true, None, Some("the"), None),
            None
        );
        assert_eq!(
            weekday_in_context("Sun", "", false, None, None, Some("10am")),
            Some("Sunday")
        );
        assert_eq!(
            weekday_in_context("Sun", "", false, None, None, Some("Valley")),
            None
        );
    }
}
