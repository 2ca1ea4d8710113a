//! Codes and identifiers read the way people say them: flight and route
//! numbers after an airline code or "flight" ("BA 117" → "B A one
//! seventeen", "flight 1005" → "flight ten oh five") and the digits of
//! letter-first model codes ("A380" → "A three eighty"). Section references
//! ("3(b)") are kept together by `markup.rs`.

use super::numbers::{cardinal, year};
use super::token::{parse_u64, split_token};

/// Three or four digits (no leading zero) read in pairs, as in flight and
/// model numbers: "117" → "one seventeen", "105" → "one oh five", "300" →
/// "three hundred", "2490" → "twenty four ninety".
pub(super) fn code_digits(digits: &str) -> Option<String> {
    if !(3..=4).contains(&digits.len()) || digits.starts_with('0') {
        return None;
    }
    let v = parse_u64(digits)?;
    if digits.len() == 4 {
        return Some(year(v));
    }
    let (hi, lo) = (v / 100, v % 100);
    Some(match lo {
        0 => format!("{} hundred", cardinal(hi)),
        1..=9 => format!("{} oh {}", cardinal(hi), cardinal(lo)),
        _ => format!("{} {}", cardinal(hi), cardinal(lo)),
    })
}

/// Whether a number after token `prev` is a flight or route number: `prev`
/// is "flight" or a two-character airline code of capitals and at most one
/// digit ("BA", "UA", "U2").
pub(super) fn is_code_prefix(prev: Option<&str>) -> bool {
    let Some(core) = prev.map(|p| split_token(p).0) else {
        return false;
    };
    if matches!(core, "flight" | "Flight" | "flights" | "Flights" | "FLIGHT") {
        return true;
    }
    let digits = core.chars().filter(char::is_ascii_digit).count();
    core.chars().count() == 2
        && digits <= 1
        && core
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_in_pairs() {
        assert_eq!(code_digits("117").as_deref(), Some("one seventeen"));
        assert_eq!(code_digits("105").as_deref(), Some("one oh five"));
        assert_eq!(code_digits("300").as_deref(), Some("three hundred"));
        assert_eq!(code_digits("2490").as_deref(), Some("twenty four ninety"));
        assert_eq!(code_digits("1005").as_deref(), Some("ten oh five"));
        assert_eq!(code_digits("42"), None);
        assert_eq!(code_digits("042"), None);
        assert_eq!(code_digits("12345"), None);
    }

    #[test]
    fn spoken_forms() {
        let n = super::super::normalize_en;
        assert_eq!(
            n("Flight BA 117 to Boston."),
            "Flight B A one seventeen to Boston."
        );
        assert_eq!(n("UA 9 and DL 1005"), "U A nine and D L ten oh five");
        assert_eq!(n("flight 2490"), "flight twenty four ninety");
        assert_eq!(n("Gate B7 at 14:30"), "Gate B seven at fourteen thirty");
        assert_eq!(
            n("The A380 and the B737."),
            "The A three eighty and the B seven thirty seven."
        );
        assert_eq!(n("See section 3(b) of it."), "See section three B of it.");
        assert_eq!(
            n("Clause 4(a)(ii) and 12(3)."),
            "Clause four A ii and twelve three."
        );
        // Not references: a pause as before.
        assert_eq!(n("It rose 3 (b) fell"), "It rose three, b, fell");
        assert_eq!(n("Room 117"), "Room one hundred seventeen");
    }

    #[test]
    fn prefixes() {
        assert!(is_code_prefix(Some("BA")));
        assert!(is_code_prefix(Some("U2")));
        assert!(is_code_prefix(Some("flight")));
        assert!(!is_code_prefix(Some("Room")));
        assert!(!is_code_prefix(Some("A")));
        assert!(!is_code_prefix(Some("USA")));
        assert!(!is_code_prefix(None));
    }
}
