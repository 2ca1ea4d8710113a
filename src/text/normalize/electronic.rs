//! Electronic addresses: URLs ("www.example.com", "https://x.io/a?b=1") and
//! e-mail addresses, read piece by piece ("dot", "slash", "at").

use super::numbers::cardinal_str;
use super::tables::{TLDS, URL_SYMBOL_WORDS};

/// Whether `core` is a web or e-mail address.
pub(super) fn is_address(core: &str) -> bool {
    is_url(core) || is_email(core)
}

/// Reads a URL or e-mail address aloud.
pub(super) fn speak_address(core: &str) -> String {
    let mut s = core;
    for p in ["https://", "http://", "HTTPS://", "HTTP://"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r;
        }
    }
    let s = s.trim_end_matches('/');
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            if word.eq_ignore_ascii_case("www") {
                out.push("W W W".to_string());
            } else if word.chars().all(|c| c.is_ascii_digit()) {
                out.push(cardinal_str(word));
            } else {
                out.push(std::mem::take(word));
            }
            word.clear();
        }
    };
    for c in s.chars() {
        let sym = URL_SYMBOL_WORDS
            .iter()
            .find(|(s, _)| *s == c)
            .map(|(_, w)| *w);
        if let Some(sym) = sym {
            flush(&mut word, &mut out);
            out.push(sym.to_string());
        } else if c.is_alphanumeric() {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.join(" ")
}

fn is_url(core: &str) -> bool {
    let lower = core.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return true;
    }
    // bare domains: word.tld(/path)
    let host = lower.split('/').next().unwrap_or("");
    host.contains('.')
        && TLDS.iter().any(|t| host.ends_with(t))
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && host.starts_with(|c: char| c.is_ascii_alphanumeric())
}

fn is_email(core: &str) -> bool {
    let Some((user, host)) = core.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && host.contains('.')
        && !host.ends_with('.')
        && !host.contains('@')
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_address("example.co.uk/path") && is_address("a.b@c.de"));
        assert!(!is_address("3.14") && !is_address("a@b") && !is_address("x.y"));
        assert_eq!(
            speak_address("https://www.Example.com/a_b?q=10"),
            "W W W dot Example dot com slash a underscore b question mark q equals ten"
        );
    }
}
