//! Tokens containing digits: tries money, phone, date and time first, then
//! reads plain numbers with what is attached to them: units (measures),
//! ordinals ("3rd"), decades ("1990s"), percentages, fractions, ranges
//! ("5-10"), scores ("3:2"), versions ("1.2.3"), scales ("5k") and
//! letter/digit mixes ("COVID-19", "4G").
//!
//! The order of the checks is the classification: the first reading that
//! fits wins.

use super::code::{code_digits, is_code_prefix};
use super::date::{date_token, impossible_date, is_month_word};
use super::measure::unit_lookup;
use super::money::{cents_token, is_currency, money_token};
use super::numbers::{
    Num, cardinal, cardinal_str, fraction_denominator, is_one, ordinal, parse_num,
    pluralize_number_words, read_num, scale_word, year,
};
use super::phone::phone_token;
use super::time::{ampm, clock_token};
use super::token::{all_digits, parse_u64, spell_letters, split_token};
use super::word::{symbol_word, word_token};

/// Numbers and everything containing digits. Returns words and the number of
/// following tokens consumed.
pub(super) fn number_token(
    core: &str,
    prev: Option<&str>,
    next: Option<&str>,
    depth: u8,
) -> Option<(String, usize)> {
    if depth > 3 {
        return Some((spell_letters(core), 0));
    }
    if let Some(r) = money_token(core, next) {
        return Some(r);
    }
    if let Some(r) = phone_token(core, next) {
        return Some(r);
    }
    // "#1" -> "number one"
    if let Some(rest) = core.strip_prefix('#')
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        let (w, used) = number_token(rest, None, next, depth + 1)?;
        return Some((format!("number {w}"), used));
    }
    // Letters first ("COVID-19", "MP3", "A4"): letters and digits separately.
    if core.starts_with(|c: char| c.is_alphabetic()) {
        let split = core
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(core.len());
        let (head, tail) = core.split_at(split);
        let head_words = word_token(
            head.trim_end_matches(['-', '_', '.']),
            prev,
            None,
            depth + 1,
        );
        let (tail_words, used) = if tail.is_empty() {
            (String::new(), 0)
        } else if let Some(w) = all_digits(tail).then(|| code_digits(tail)).flatten() {
            (w, 0)
        } else {
            number_token(tail, None, next, depth + 1)?
        };
        return Some((
            format!("{head_words} {tail_words}").trim().to_string(),
            used,
        ));
    }
    if let Some(w) = cents_token(core) {
        return Some((w, 0));
    }
    // Ranges of numbers / amounts / times: "5-10", "$5-$10", "9am-5pm".
    if depth < 3
        && let Some((a, b)) = core.split_once(['-', '–'])
        && a.starts_with(|c: char| c.is_ascii_digit() || is_currency(c))
        && b.starts_with(|c: char| c.is_ascii_digit() || is_currency(c))
        && !all_digits(b)
        && a.chars().any(|c| c.is_ascii_alphabetic() || is_currency(c))
    {
        let (wa, _) = number_token(a, prev, None, depth + 1)?;
        let (wb, used) = number_token(b, None, next, depth + 1)?;
        return Some((format!("{wa} to {wb}"), used));
    }
    if let Some(w) = date_token(core).or_else(|| impossible_date(core)) {
        return Some((w, 0));
    }
    if let Some(r) = clock_token(core, next) {
        return Some(r);
    }
    let (num, rest) = parse_num(core)?;
    if rest.is_empty() {
        return Some(bare_number(&num, prev, next));
    }
    suffixed_number(core, &num, rest, next, depth)
}

/// A number on its own: maybe followed by a unit or am/pm token, a day after
/// a month name, or a year.
fn bare_number(num: &Num<'_>, prev: Option<&str>, next: Option<&str>) -> (String, usize) {
    let simple_int = !num.neg && num.frac.is_none() && !num.commas;
    let int_val = parse_u64(&num.int);
    let plural = !is_one(num);
    if let Some(nx) = next {
        let nx_core = split_token(nx).0;
        if let Some((sg, pl)) = unit_lookup(nx_core, true) {
            return (
                format!("{} {}", read_num(num), if plural { pl } else { sg }),
                1,
            );
        }
        if let (Some(a), true) = (ampm(nx_core), simple_int)
            && let Some(h) = int_val.filter(|h| (1..=12).contains(h))
        {
            return (format!("{} {}", cardinal(h), a), 1);
        }
    }
    if simple_int
        && prev.is_some_and(is_month_word)
        && let Some(d) = int_val.filter(|d| (1..=31).contains(d))
    {
        return (ordinal(d), 0);
    }
    if simple_int
        && is_code_prefix(prev)
        && let Some(w) = code_digits(&num.int)
    {
        return (w, 0);
    }
    if simple_int
        && num.int.len() == 4
        && let Some(y) = int_val.filter(|y| (1100..=2099).contains(y))
    {
        return (year(y), 0);
    }
    (read_num(num), 0)
}

/// A number with something attached: "%", "3rd", "1990s", "5pm", "5km",
/// "5k", "10x", "5-10", "3/4", "1.2.3", "3:2", "4G".
fn suffixed_number(
    core: &str,
    num: &Num<'_>,
    rest: &str,
    next: Option<&str>,
    depth: u8,
) -> Option<(String, usize)> {
    let simple_int = !num.neg && num.frac.is_none() && !num.commas;
    let int_val = parse_u64(&num.int);
    let plural = !is_one(num);
    let lower = rest.to_ascii_lowercase();
    if rest == "%" || rest == "％" {
        return Some((format!("{} percent", read_num(num)), 0));
    }
    if simple_int
        && matches!(lower.as_str(), "st" | "nd" | "rd" | "th")
        && let Some(v) = int_val
    {
        return Some((ordinal(v), 0));
    }
    // "1st-class", "3rd-party"
    if simple_int
        && let Some(v) = int_val
        && let Some((suffix, tail)) = lower.split_once('-')
        && matches!(suffix, "st" | "nd" | "rd" | "th")
    {
        let tail_orig = rest.get(suffix.len() + 1..).unwrap_or(tail);
        return Some((
            format!(
                "{} {}",
                ordinal(v),
                word_token(tail_orig, None, None, depth + 1)
            ),
            0,
        ));
    }
    if simple_int && matches!(lower.as_str(), "s" | "'s" | "’s") {
        // decades: 1990s, 90s
        if let Some(v) = int_val {
            let words = if num.int.len() == 4 {
                year(v)
            } else {
                cardinal(v)
            };
            return Some((pluralize_number_words(&words), 0));
        }
    }
    if let Some(a) = ampm(rest)
        && let Some(h) = int_val.filter(|h| (1..=12).contains(h) && simple_int)
    {
        return Some((format!("{} {}", cardinal(h), a), 0));
    }
    if let Some((sg, pl)) = unit_lookup(rest, false) {
        return Some((
            format!("{} {}", read_num(num), if plural { pl } else { sg }),
            0,
        ));
    }
    if let Some(sc) = scale_word(rest).filter(|_| matches!(rest, "k" | "K" | "bn" | "mn" | "tn")) {
        return Some((format!("{} {}", read_num(num), sc), 0));
    }
    if lower == "x" {
        return Some((format!("{} times", read_num(num)), 0));
    }
    // Ranges 5-10, 5–10%.
    if let Some(after) = rest.strip_prefix('-')
        && after.starts_with(|c: char| c.is_ascii_digit() || is_currency(c))
    {
        let (b, used) = number_token(after, None, next, depth + 1)?;
        return Some((format!("{} to {}", read_num(num), b), used));
    }
    // Fractions 3/4.
    if let Some(after) = rest.strip_prefix('/')
        && let (Some(a), Some(d)) = (int_val.filter(|_| simple_int), parse_u64(after))
    {
        if a >= d || d == 0 {
            // "24/7", "50/50"
            return Some((format!("{} {}", cardinal(a), cardinal(d)), 0));
        }
        if let Some((sg, pl)) = fraction_denominator(d) {
            return Some((
                format!("{} {}", cardinal(a), if a == 1 { sg } else { pl }),
                0,
            ));
        }
        return Some((format!("{} over {}", cardinal(a), cardinal(d)), 0));
    }
    // Dotted groups (IP addresses, versions): 192.168.0.1
    if rest.starts_with('.') && rest.len() > 1 {
        let groups: Vec<&str> = core.split('.').collect();
        if groups.iter().all(|g| all_digits(g)) {
            return Some((
                groups
                    .iter()
                    .map(|g| cardinal_str(g))
                    .collect::<Vec<_>>()
                    .join(" dot "),
                0,
            ));
        }
    }
    // Ratios / scores 3:2 (not a valid time). Two digits that could be seconds read as a
    // duration ("25:30", twenty five thirty); anything else is a ratio ("25:61", to).
    if let Some(after) = rest.strip_prefix(':')
        && all_digits(after)
    {
        let seconds = after.len() == 2 && parse_u64(after).is_some_and(|s| s <= 59);
        let joiner = if seconds { " " } else { " to " };
        return Some((
            format!("{}{}{}", read_num(num), joiner, cardinal_str(after)),
            0,
        ));
    }
    // Number followed by other stuff ("4G", "3D"): read pieces.
    let head = read_num(num);
    let tail = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let skipped = rest.get(..rest.len() - tail.len()).unwrap_or("");
    let sym_words: Vec<&str> = skipped
        .chars()
        .filter(|c| !matches!(c, '-' | '/' | '.' | ',' | '\'' | '’'))
        .filter_map(symbol_word)
        .collect();
    let head = if sym_words.is_empty() {
        head
    } else {
        format!("{head} {}", sym_words.join(" "))
    };
    let (tail_words, used) = if tail.is_empty() {
        (String::new(), 0)
    } else if tail.starts_with(|c: char| c.is_ascii_digit()) {
        number_token(tail, None, next, depth + 1)?
    } else {
        (word_token(tail, None, None, depth + 1), 0)
    };
    Some((format!("{head} {tail_words}").trim().to_string(), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(core: &str, prev: Option<&str>, next: Option<&str>) -> Option<(String, usize)> {
        number_token(core, prev, next, 0)
    }

    #[test]
    fn classification_order() {
        assert_eq!(
            read("$79.99", None, None).map(|r| r.0).as_deref(),
            Some("seventy nine dollars and ninety nine cents")
        );
        assert_eq!(
            read("5", None, Some("km")),
            Some(("five kilometers".into(), 1))
        );
        assert_eq!(
            read("1", None, Some("kg.")),
            Some(("one kilogram".into(), 1))
        );
        assert_eq!(read("3", Some("Jan."), None), Some(("third".into(), 0)));
        assert_eq!(
            read("1999", None, None),
            Some(("nineteen ninety nine".into(), 0))
        );
        assert_eq!(read("5", None, Some("p.m.")), Some(("five P M".into(), 1)));
        assert_eq!(read("#1", None, None), Some(("number one".into(), 0)));
        assert_eq!(
            read("9am-5pm", None, None),
            Some(("nine A M to five P M".into(), 0))
        );
        assert_eq!(
            read("1.2.3", None, None),
            Some(("one dot two dot three".into(), 0))
        );
        assert_eq!(read("3:2", None, None), Some(("three to two".into(), 0)));
        assert_eq!(read("4G", None, None), Some(("four G".into(), 0)));
        assert_eq!(read("5+", None, None), Some(("five plus".into(), 0)));
        assert_eq!(read("2/3", None, None), Some(("two thirds".into(), 0)));
        assert_eq!(read("3/7", None, None), Some(("three sevenths".into(), 0)));
        assert_eq!(
            read("3/27", None, None),
            Some(("three over twenty seven".into(), 0))
        );
        assert_eq!(read("10x", None, None), Some(("ten times".into(), 0)));
        assert_eq!(read("12k", None, None), Some(("twelve thousand".into(), 0)));
    }
}
