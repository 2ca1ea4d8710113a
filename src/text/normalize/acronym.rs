//! Acronyms and all-caps words: spelled ("FBI" → "F B I", "CDs" → "C D's"),
//! read as a word ("NASA" → "nasa"), or shouted ordinary words ("STOP NOW").

use super::tables::{PRONOUNCEABLE, SHOUTED_WORDS};
use super::token::{spell_letters, split_token};

/// An all-caps word (or acronym plural) as spoken; `None` for other words.
pub(super) fn acronym(core: &str, prev: Option<&str>, next: Option<&str>) -> Option<String> {
    let alpha: String = core.chars().filter(|c| c.is_alphabetic()).collect();
    let alpha_len = alpha.chars().count();
    let all_upper = alpha_len >= 2 && alpha.chars().all(|c| c.is_uppercase());
    // Acronyms with plural s: "CDs", "URLs".
    if alpha_len >= 3
        && core.is_ascii()
        && let Some(stem) = core.strip_suffix('s')
        && stem.len() >= 2
        && stem.chars().all(|c| c.is_ascii_uppercase())
    {
        let spelled = spell_letters(stem);
        return Some(format!("{spelled}'s"));
    }
    if all_upper && core.is_ascii() && !core.contains(['-', '\'']) {
        let shouting = [prev, next].iter().any(|t| {
            t.is_some_and(|t| {
                let c = split_token(t).0;
                c.len() >= 2 && c.chars().all(|c| c.is_ascii_uppercase())
            })
        });
        if PRONOUNCEABLE.contains(&core)
            || (SHOUTED_WORDS.contains(&core) && (shouting || alpha_len >= 4))
        {
            return Some(core.to_lowercase());
        }
        if alpha_len >= 4 && looks_pronounceable(core) && (shouting || alpha_len >= 5) {
            return Some(core.to_lowercase());
        }
        return Some(spell_letters(core));
    }
    None
}

/// Vowels spread out enough to read the letters as a word ("NATO", "FEMA").
fn looks_pronounceable(w: &str) -> bool {
    let lower = w.to_ascii_lowercase();
    let vowels = lower.chars().filter(|c| "aeiouy".contains(*c)).count();
    if vowels == 0 || vowels == lower.len() {
        return false;
    }
    // no run of more than 2 consonants, must start with consonant+vowel or vowel
    let mut run = 0;
    for c in lower.chars() {
        if "aeiouy".contains(c) {
            run = 0;
        } else {
            run += 1;
            if run > 2 {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms() {
        let a = |s: &str, p: Option<&str>| acronym(s, p, None);
        assert_eq!(a("FBI", None).as_deref(), Some("F B I"));
        assert_eq!(a("NASA", None).as_deref(), Some("nasa"));
        // Letter names, as a careful reader (and espeak-ng) says them.
        assert_eq!(a("ESA", Some("the")).as_deref(), Some("E S A"));
        assert_eq!(a("CERN", None).as_deref(), Some("cern"));
        assert_eq!(a("URLs", None).as_deref(), Some("U R L's"));
        assert_eq!(a("WHO", Some("the")).as_deref(), Some("W H O"));
        assert_eq!(a("WHO", Some("ARE")).as_deref(), Some("who"));
        assert_eq!(a("FOMO", None).as_deref(), Some("F O M O"));
        assert_eq!(a("FOMO", Some("LOL")).as_deref(), Some("fomo"));
        assert_eq!(a("Hello", None), None);
        assert!(looks_pronounceable("nato") && !looks_pronounceable("strength"));
    }
}
