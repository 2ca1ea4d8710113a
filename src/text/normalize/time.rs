//! Times of day: "7:30", "19:45:10", "7:30pm", "7:05 p.m.", and the
//! "am"/"pm" suffixes.

use super::numbers::cardinal;
use super::token::{parse_u64, split_token};

fn read_time(h: u64, m: u64, sec: Option<u64>, suffix: Option<&str>) -> Option<String> {
    if h > 24 || m > 59 || sec.is_some_and(|s| s > 59) {
        return None;
    }
    let mut s = if h == 0 && suffix.is_none() {
        "zero".to_string()
    } else if h == 0 {
        "twelve".to_string()
    } else {
        cardinal(h)
    };
    if m == 0 {
        if suffix.is_none() && sec.is_none() {
            if h <= 12 && h > 0 {
                s.push_str(" o'clock");
            } else {
                s.push_str(" hundred");
            }
        }
    } else if m < 10 {
        s.push_str(" oh ");
        s.push_str(&cardinal(m));
    } else {
        s.push(' ');
        s.push_str(&cardinal(m));
    }
    if let Some(sec) = sec {
        s.push_str(" and ");
        s.push_str(&cardinal(sec));
        s.push_str(if sec == 1 { " second" } else { " seconds" });
    }
    if let Some(suf) = suffix {
        s.push(' ');
        s.push_str(suf);
    }
    Some(s)
}

/// "am"/"pm" style suffix → spoken letters.
pub(super) fn ampm(s: &str) -> Option<&'static str> {
    match s.to_ascii_lowercase().trim_end_matches('.') {
        "am" | "a.m" => Some("A M"),
        "pm" | "p.m" => Some("P M"),
        _ => None,
    }
}

/// A clock time, with an attached or following am/pm: (words, following
/// tokens used).
pub(super) fn clock_token(core: &str, next: Option<&str>) -> Option<(String, usize)> {
    let colon_parts: Vec<&str> = core.split(':').collect();
    if colon_parts.len() == 2 || colon_parts.len() == 3 {
        let h = colon_parts.first().and_then(|h| parse_u64(h));
        let last = colon_parts.last().copied().unwrap_or("");
        let digits_end = last
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(last.len());
        let (last_digits, suffix) = last.split_at(digits_end);
        let attached = ampm(suffix);
        if let Some(h) = h
            && last_digits.len() == 2
            && (suffix.is_empty() || attached.is_some())
        {
            let m_str = if colon_parts.len() == 2 {
                last_digits
            } else {
                colon_parts.get(1).copied().unwrap_or("")
            };
            let sec = if colon_parts.len() == 3 {
                parse_u64(last_digits)
            } else {
                None
            };
            if let Some(m) = parse_u64(m_str).filter(|_| m_str.len() == 2) {
                let (suf, used) = match attached {
                    Some(a) => (Some(a), 0),
                    None => match next.map(|n| split_token(n).0).and_then(ampm) {
                        Some(a) => (Some(a), 1),
                        None => (None, 0),
                    },
                };
                if let Some(s) = read_time(h, m, sec, suf) {
                    return Some((s, used));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        let t = |s: &str, n: Option<&str>| clock_token(s, n);
        assert_eq!(t("7:05", Some("pm")), Some(("seven oh five P M".into(), 1)));
        assert_eq!(t("7:30pm", None), Some(("seven thirty P M".into(), 0)));
        assert_eq!(t("9:00", None), Some(("nine o'clock".into(), 0)));
        assert_eq!(t("18:00", None), Some(("eighteen hundred".into(), 0)));
        assert_eq!(t("0:15", None), Some(("zero fifteen".into(), 0)));
        assert_eq!(
            t("12:00:01", None),
            Some(("twelve and one second".into(), 0))
        );
        assert_eq!(t("25:30", None), None);
        assert_eq!(t("3:2", None), None);
        assert_eq!(ampm("P.M."), Some("P M"));
    }
}
