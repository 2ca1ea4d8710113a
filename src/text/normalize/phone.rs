//! Telephone numbers: "555-123-4567", "(800) 555-0199", "415.555.0199",
//! "555-0142", "+1 800 555 0100", "+1-415-555-0199".

use super::numbers::phone_group;
use super::token::{all_digits, split_token};

/// A phone number written in one token, or "(555)" followed by the rest:
/// (words with " , " pauses between groups, following tokens used).
pub(super) fn phone_token(core: &str, next: Option<&str>) -> Option<(String, usize)> {
    let mut text = core.to_string();
    let mut used = 0;
    // "(555)" + "123-4567"
    if core.len() == 5 && core.starts_with('(') && core.ends_with(')') {
        let nx = next.map(|n| split_token(n).0)?;
        text = format!("{core} {nx}");
        used = 1;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '(' | ')' | ' ' | '+'))
    {
        return None;
    }
    let groups: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let plus = text.starts_with('+');
    let ok = match sizes.as_slice() {
        [3, 3, 4] => text.contains(['-', '(', ')']) || text.matches('.').count() == 2,
        [1, 3, 3, 4] | [2, 3, 3, 4] => true,
        [3, 4] => text.contains('-') && used == 0 && !text.starts_with('0'),
        _ => false,
    };
    if !ok {
        return None;
    }
    // The area code is the first 3-digit group of a 10-digit number.
    let area = match sizes.as_slice() {
        [3, 3, 4] => Some(0),
        [1, 3, 3, 4] | [2, 3, 3, 4] => Some(1),
        _ => None,
    };
    let mut parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| phone_group(g, area == Some(k)))
        .collect();
    if plus && let Some(first) = parts.first_mut() {
        *first = format!("plus {first}");
    }
    Some((parts.join(" , "), used))
}

/// "+1 555 123 4567": an international prefix and three digit groups in four
/// tokens, `toks[0]` being the "+1". Returns the words; the caller consumes
/// the three following tokens.
pub(super) fn international(toks: &[&str]) -> Option<String> {
    let core = toks.first().map(|t| split_token(t).0)?;
    let intl_phone = core
        .strip_prefix('+')
        .is_some_and(|c| all_digits(c) && c.len() <= 3)
        && [(1, 3), (2, 3), (3, 4)].iter().all(|(k, len)| {
            toks.get(*k)
                .map(|t| split_token(t).0)
                .is_some_and(|t| all_digits(t) && t.len() == *len)
        });
    if !intl_phone {
        return None;
    }
    let groups: Vec<String> = (0..4)
        .filter_map(|k| toks.get(k).map(|t| (k, split_token(t).0)))
        .map(|(k, g)| phone_group(g.trim_start_matches('+'), k == 1))
        .collect();
    Some(format!("plus {}", groups.join(" , ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert_eq!(
            phone_token("(800)", Some("555-0199.")),
            Some((
                "eight hundred , five five five , zero one nine nine".into(),
                1
            ))
        );
        assert_eq!(
            phone_token("415.555.0199", None).map(|p| p.0).as_deref(),
            Some("four one five , five five five , zero one nine nine")
        );
        assert_eq!(phone_token("055-1234", None), None);
        assert_eq!(phone_token("1.2.3", None), None);
        assert_eq!(
            international(&["+44", "207", "946", "0958."]).as_deref(),
            Some("plus four four , two zero seven , nine four six , zero nine five eight")
        );
        assert_eq!(international(&["+44", "20", "7946", "0958"]), None);
    }
}
