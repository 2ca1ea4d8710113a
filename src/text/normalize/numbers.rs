//! Number reading: cardinals, ordinals, years, decimals, digit strings.

use super::tables::{MAGNITUDES, ONES, ROMAN_DIGITS, ROMAN_PARTS, SCALE_WORDS, TENS};

/// Longest digit string read as a number; longer ones are read digit by digit.
pub(super) const MAX_CARDINAL_DIGITS: usize = 15;

fn below_thousand(n: u64, out: &mut Vec<&'static str>) {
    let h = n / 100;
    let r = n % 100;
    if h > 0 {
        out.push(ONES.get(h as usize).copied().unwrap_or(""));
        out.push("hundred");
    }
    if r > 0 {
        if r < 20 {
            out.push(ONES.get(r as usize).copied().unwrap_or(""));
        } else {
            out.push(TENS.get((r / 10) as usize).copied().unwrap_or(""));
            if !r.is_multiple_of(10) {
                out.push(ONES.get((r % 10) as usize).copied().unwrap_or(""));
            }
        }
    }
}

/// Cardinal number in words ("one hundred twenty three").
pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    let mut words: Vec<&'static str> = Vec::new();
    let mut rest = n;
    for (value, name) in MAGNITUDES {
        if rest >= value {
            let q = rest / value;
            if q >= 1000 {
                // Only possible beyond quadrillions; read the high part recursively.
                let tail = rest % value;
                let tail = if tail == 0 {
                    String::new()
                } else {
                    cardinal(tail)
                };
                return format!("{} {} {}", cardinal(q), name, tail)
                    .trim()
                    .to_string();
            }
            below_thousand(q, &mut words);
            words.push(name);
            rest %= value;
        }
    }
    below_thousand(rest, &mut words);
    words.retain(|w| !w.is_empty());
    words.join(" ")
}

/// Reads a string of ASCII digits as a cardinal, or digit by digit when it is
/// too long or has leading zeros (e.g. "007").
pub(super) fn cardinal_str(digits: &str) -> String {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return String::new();
    }
    if digits.len() > MAX_CARDINAL_DIGITS || (digits.len() > 1 && digits.starts_with('0')) {
        return digit_by_digit(&digits, "zero");
    }
    digits
        .parse::<u64>()
        .map(cardinal)
        .unwrap_or_else(|_| digit_by_digit(&digits, "zero"))
}

/// "one two three" style reading; `zero` is the word used for 0 ("zero" or "oh").
pub(super) fn digit_by_digit(digits: &str, zero: &str) -> String {
    digits
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| {
            if d == 0 {
                zero
            } else {
                ONES.get(d as usize).copied().unwrap_or("")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One group of a phone number: digit by digit with "zero", except a US-style
/// area code ending in "00" ("800" → "eight hundred") when `area` is set.
pub(super) fn phone_group(digits: &str, area: bool) -> String {
    let b = digits.as_bytes();
    if area
        && b.len() == 3
        && b.iter().all(u8::is_ascii_digit)
        && b.first().is_some_and(|d| *d != b'0')
        && digits.ends_with("00")
    {
        return cardinal(u64::from(b.first().copied().unwrap_or(b'0') - b'0') * 100);
    }
    digit_by_digit(digits, "zero")
}

/// Ordinal number in words ("twenty third").
pub(super) fn ordinal(n: u64) -> String {
    let c = cardinal(n);
    let (head, last) = match c.rsplit_once(' ') {
        Some((h, l)) => (format!("{h} "), l.to_string()),
        None => (String::new(), c.clone()),
    };
    let last_ord = match last.as_str() {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", w.trim_end_matches('y')),
        w => format!("{w}th"),
    };
    format!("{head}{last_ord}")
}

/// Year reading ("nineteen ninety nine", "two thousand five", "twenty twenty four").
pub(super) fn year(n: u64) -> String {
    if (2000..=2009).contains(&n) || !(1000..=9999).contains(&n) {
        return cardinal(n);
    }
    let hi = n / 100;
    let lo = n % 100;
    if lo == 0 {
        format!("{} hundred", cardinal(hi))
    } else if lo < 10 {
        format!("{} oh {}", cardinal(hi), cardinal(lo))
    } else {
        format!("{} {}", cardinal(hi), cardinal(lo))
    }
}

/// Plural of a number word used as a noun ("nineties", "twenties", "hundreds").
pub(super) fn pluralize_number_words(s: &str) -> String {
    if let Some(stem) = s.strip_suffix('y') {
        format!("{stem}ies")
    } else if s.ends_with('x') {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

/// Denominator words for fractions: (singular, plural).
pub(super) fn fraction_denominator(d: u64) -> Option<(String, String)> {
    match d {
        2 => Some(("half".into(), "halves".into())),
        4 => Some(("quarter".into(), "quarters".into())),
        3 | 5..=20 | 30 | 40 | 50 | 60 | 70 | 80 | 90 | 100 | 1000 => {
            let o = ordinal(d);
            Some((o.clone(), format!("{o}s")))
        }
        _ => None,
    }
}

/// A parsed number: sign, integer digits (thousands separators removed),
/// decimal digits.
pub(super) struct Num<'a> {
    pub neg: bool,
    pub int: String,
    pub frac: Option<&'a str>,
    pub commas: bool,
}

/// Parses a leading number: optional sign, digits with optional thousands
/// separators, optional decimal part. Returns the number and the rest.
pub(super) fn parse_num(s: &str) -> Option<(Num<'_>, &str)> {
    let (neg, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(b) if b.starts_with(|c: char| c.is_ascii_digit() || c == '.') => (true, b),
        _ => (false, s),
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut int = String::new();
    let mut commas = false;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b.is_ascii_digit() {
            int.push(b as char);
            i += 1;
        } else if b == b','
            && !int.is_empty()
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            commas = true;
            i += 1;
        } else {
            break;
        }
    }
    let mut frac = None;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let start = i + 1;
        let mut j = start;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        frac = body.get(start..j);
        i = j;
    }
    if int.is_empty() && frac.is_none() {
        return None;
    }
    let rest = body.get(i..).unwrap_or("");
    Some((
        Num {
            neg,
            int,
            frac,
            commas,
        },
        rest,
    ))
}

pub(super) fn read_num(n: &Num<'_>) -> String {
    let mut s = String::new();
    if n.neg {
        s.push_str("minus ");
    }
    if n.int.is_empty() {
        s.push_str("zero");
    } else {
        s.push_str(&cardinal_str(&n.int));
    }
    if let Some(f) = n.frac {
        s.push_str(" point ");
        s.push_str(&digit_by_digit(f, "zero"));
    }
    s
}

pub(super) fn is_one(n: &Num<'_>) -> bool {
    n.int == "1" && n.frac.is_none()
}

/// Scale word for a suffix or word: "k" → "thousand", "bn" → "billion".
pub(super) fn scale_word(s: &str) -> Option<&'static str> {
    SCALE_WORDS.iter().find(|(w, _)| *w == s).map(|(_, sc)| *sc)
}

/// Value of a canonical Roman numeral ("XIV" → 14; "IIII" → `None`).
pub(super) fn roman_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let val = |c: char| ROMAN_DIGITS.iter().find(|(r, _)| *r == c).map(|(_, v)| *v);
    let vals: Vec<u64> = s.chars().map(val).collect::<Option<Vec<_>>>()?;
    let mut total = 0i64;
    for (i, v) in vals.iter().enumerate() {
        let next = vals.get(i + 1).copied().unwrap_or(0);
        let v = i64::try_from(*v).ok()?;
        if v < i64::try_from(next).ok()? {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u64::try_from(total).ok()?;
    // canonical check: re-encode
    (to_roman(total).as_deref() == Some(s)).then_some(total)
}

fn to_roman(mut n: u64) -> Option<String> {
    if n == 0 || n > 3999 {
        return None;
    }
    let mut s = String::new();
    for (v, r) in ROMAN_PARTS {
        while n >= *v {
            s.push_str(r);
            n -= v;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(cardinal(79), "seventy nine");
        assert_eq!(
            cardinal(1_234_567),
            "one million two hundred thirty four thousand five hundred sixty seven"
        );
        assert!(cardinal(u64::MAX).split(' ').count() > 10);
        assert_eq!(cardinal_str("007"), "zero zero seven");
        assert_eq!(cardinal_str(&"9".repeat(40)).split(' ').count(), 40);
    }

    #[test]
    fn ordinals_years() {
        assert_eq!(ordinal(3), "third");
        assert_eq!(ordinal(21), "twenty first");
        assert_eq!(ordinal(40), "fortieth");
        assert_eq!(ordinal(112), "one hundred twelfth");
        assert_eq!(year(1999), "nineteen ninety nine");
        assert_eq!(year(2024), "twenty twenty four");
        assert_eq!(year(2005), "two thousand five");
        assert_eq!(year(1905), "nineteen oh five");
        assert_eq!(year(1900), "nineteen hundred");
    }

    #[test]
    fn roman() {
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("MCMXCIX"), Some(1999));
        assert_eq!(roman_value("IIII"), None);
        assert_eq!(roman_value("IC"), None);
        assert_eq!(roman_value("ABC"), None);
    }

    #[test]
    fn phone_groups() {
        assert_eq!(phone_group("800", true), "eight hundred");
        assert_eq!(phone_group("800", false), "eight zero zero");
        assert_eq!(phone_group("415", true), "four one five");
        assert_eq!(phone_group("0199", false), "zero one nine nine");
        assert_eq!(phone_group("000", true), "zero zero zero");
    }
}
