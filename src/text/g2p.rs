//! Grapheme-to-phoneme conversion of spoken-form English sentences into
//! Piper-style (espeak-ng en-us) phoneme strings.

mod align;
mod arpa;
mod lexicon;
mod lts;

pub use lexicon::Lexicon;

use unicode_normalization::UnicodeNormalization;

/// Maximum length of a single word considered for lexicon lookup and
/// letter-to-sound; longer "words" are spelled in pieces.
const MAX_WORD_CHARS: usize = 40;

/// A phonemized word with the clause punctuation that follows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WordPhon {
    /// Spoken-form text of the word (as in the input).
    pub text: String,
    /// Phonemes (no surrounding spaces).
    pub phon: String,
    /// Clause punctuation attached after the word (`,` `;` `:` `.` `?` `!`).
    pub punct: Option<char>,
}

/// Weak / unstressed forms of function words (espeak-style reading in running
/// speech). Hand-written; not taken from any espeak data file.
fn function_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "a" => "ɐ",
        "an" => "ɐn",
        "the" => "ðə",
        "and" => "ænd",
        "to" => "tə",
        "of" => "ʌv",
        "in" => "ɪn",
        "on" => "ɔn",
        "at" => "æt",
        "for" => "fɔːɹ",
        "from" => "fɹʌm",
        "with" => "wɪð",
        "by" => "baɪ",
        "as" => "æz",
        "is" => "ɪz",
        "are" => "ɑːɹ",
        "was" => "wʌz",
        "were" => "wɜː",
        "be" => "biː",
        "been" => "bɪn",
        "am" => "æm",
        "has" => "hɐz",
        "have" => "hæv",
        "had" => "hæd",
        "will" => "wɪl",
        "would" => "wʊd",
        "could" => "kʊd",
        "should" => "ʃˌʊd",
        "can" => "kæn",
        "i" => "aɪ",
        "you" => "juː",
        "he" => "hiː",
        "she" => "ʃiː",
        "we" => "wiː",
        "they" => "ðeɪ",
        "it" => "ɪt",
        "me" => "mˌiː",
        "him" => "hˌɪm",
        "her" => "hɜː",
        "us" => "ˌʌs",
        "them" => "ðˌɛm",
        "my" => "maɪ",
        "your" => "jʊɹ",
        "his" => "hɪz",
        "our" => "ˌaʊɚ",
        "its" => "ɪts",
        "their" => "ðɛɹ",
        "there" => "ðɛɹ",
        "that" => "ðæt",
        "this" => "ðɪs",
        "these" => "ðiːz",
        "those" => "ðoʊz",
        "or" => "ɔːɹ",
        "but" => "bˌʌt",
        "if" => "ɪf",
        "so" => "sˌoʊ",
        "not" => "nˌɑːt",
        "than" => "ðɐn",
        "when" => "wɛn",
        "what" => "wʌt",
        "which" => "wˌɪtʃ",
        "who" => "hˌuː",
        "where" => "wˌɛɹ",
        "how" => "hˌaʊ",
        "why" => "wˌaɪ",
        "about" => "ɐbˌaʊt",
        "into" => "ˌɪntʊ",
        "over" => "ˌoʊvɚ",
        "under" => "ˌʌndɚ",
        "up" => "ˌʌp",
        "some" => "sˌʌm",
        "any" => "ˌɛni",
        "before" => "bᵻfˌoːɹ",
        "without" => "wɪðˌaʊt",
        "put" => "pˌʊt",
        "might" => "mˌaɪt",
        "upon" => "əpˌɑːn",
        "through" => "θɹuː",
        "because" => "bɪkˈʌz",
        "do" => "dˈuː",
        "it's" => "ɪts",
        "i'm" => "aɪm",
        "i'll" => "aɪl",
        "i've" => "aɪv",
        "i'd" => "aɪd",
        "you're" => "jʊɹ",
        "you'll" => "juːl",
        "you've" => "juːv",
        "you'd" => "juːd",
        "we're" => "wɪɹ",
        "we've" => "wiːv",
        "we'll" => "wiːl",
        "we'd" => "wiːd",
        "they're" => "ðeɪɚ",
        "they'll" => "ðeɪl",
        "they've" => "ðeɪv",
        "they'd" => "ðeɪd",
        "he's" => "hiːz",
        "he'll" => "hiːl",
        "he'd" => "hiːd",
        "she's" => "ʃiːz",
        "she'll" => "ʃiːl",
        "she'd" => "ʃiːd",
        "that's" => "ðæts",
        "there's" => "ðɛɹz",
        "what's" => "wˌʌts",
        _ => return None,
    })
}

/// Pairs of words that espeak-style reading runs together without a pause.
fn merged_pair(a: &str, b: &str) -> Option<&'static str> {
    Some(match (a, b) {
        ("in", "the") => "ɪnðə",
        ("of", "the") => "ʌvðə",
        ("on", "the") => "ɔnðə",
        ("for", "a") => "fɚɹə",
        ("for", "an") => "fɚɹən",
        ("has", "been") => "hˈæzbiːn",
        ("have", "been") => "hˈævbiːn",
        ("could", "have") => "kˌʊdɐv",
        ("would", "have") => "wˌʊdɐv",
        ("should", "have") => "ʃˌʊdɐv",
        ("out", "of") => "ˌaʊɾəv",
        ("had", "to") => "hædtə",
        ("that", "the") => "ðætðə",
        ("was", "the") => "wʌzðə",
        _ => return None,
    })
}

/// espeak-style letter names (used for spelled-out acronyms and initials).
fn letter_name(c: char) -> Option<&'static str> {
    Some(match c.to_ascii_lowercase() {
        'a' => "ˈeɪ",
        'b' => "bˈiː",
        'c' => "sˈiː",
        'd' => "dˈiː",
        'e' => "ˈiː",
        'f' => "ˈɛf",
        'g' => "dʒˈiː",
        'h' => "ˈeɪtʃ",
        'i' => "ˈaɪ",
        'j' => "dʒˈeɪ",
        'k' => "kˈeɪ",
        'l' => "ˈɛl",
        'm' => "ˈɛm",
        'n' => "ˈɛn",
        'o' => "ˈoʊ",
        'p' => "pˈiː",
        'q' => "kjˈuː",
        'r' => "ˈɑːɹ",
        's' => "ˈɛs",
        't' => "tˈiː",
        'u' => "jˈuː",
        'v' => "vˈiː",
        'w' => "dˈʌbəljuː",
        'x' => "ˈɛks",
        'y' => "wˈaɪ",
        'z' => "zˈiː",
        _ => return None,
    })
}

fn digit_word(c: char) -> Option<&'static str> {
    Some(match c {
        '0' => "zˈiəɹoʊ",
        '1' => "wˈʌn",
        '2' => "tˈuː",
        '3' => "θɹˈiː",
        '4' => "fˈoːɹ",
        '5' => "fˈaɪv",
        '6' => "sˈɪks",
        '7' => "sˈɛvən",
        '8' => "ˈeɪt",
        '9' => "nˈaɪn",
        _ => return None,
    })
}

const IPA_VOWELS: &str = "aeiouæɑɐɒɔəɚɛɜɪʊʌᵻ";

fn starts_with_vowel(phon: &str) -> bool {
    phon.chars()
        .find(|c| !matches!(c, 'ˈ' | 'ˌ'))
        .is_some_and(|c| IPA_VOWELS.contains(c))
}

fn ends_voiceless(phon: &str) -> Option<bool> {
    let last = phon.chars().last()?;
    Some(matches!(last, 'p' | 't' | 'k' | 'f' | 'θ'))
}

fn ends_sibilant(phon: &str) -> bool {
    phon.ends_with(['s', 'z', 'ʃ', 'ʒ'])
}

/// Lower-cases, maps typographic apostrophes and strips diacritics.
fn fold_word(word: &str) -> String {
    word.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| {
            if matches!(c, '’' | '‘' | 'ʼ' | '`') {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Pronunciation of one lower-case ASCII-ish word from lexicon + morphology +
/// letter-to-sound. Never fails (may return an empty string for symbols).
fn word_pron(lower: &str, lex: &Lexicon, depth: u8) -> String {
    if let Some(p) = lex.lookup(lower) {
        return p;
    }
    let letters: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '\'')
        .collect();
    if letters != lower && !letters.is_empty() {
        return word_pron(&letters, lex, depth);
    }
    if letters.is_empty() {
        return String::new();
    }
    if letters.chars().any(|c| c.is_ascii_digit()) {
        // Mixed letters/digits (normally handled by the normalizer): spell.
        return letters
            .chars()
            .filter_map(|c| digit_word(c).or_else(|| letter_name(c)))
            .collect::<Vec<_>>()
            .join(" ");
    }
    if depth < 2
        && let Some(p) = morph(&letters, lex, depth)
    {
        return p;
    }
    let stripped: String = letters.chars().filter(|c| *c != '\'').collect();
    if stripped.chars().count() == 1 {
        return stripped
            .chars()
            .next()
            .and_then(letter_name)
            .unwrap_or("")
            .to_string();
    }
    // Words with no vowel letters are spelled (e.g. "HTML" in lower case).
    if !stripped.contains(['a', 'e', 'i', 'o', 'u', 'y']) {
        return stripped
            .chars()
            .filter_map(letter_name)
            .collect::<Vec<_>>()
            .join("");
    }
    let phones = lts::letters_to_phones(&stripped);
    let ipa = arpa::to_ipa(&phones, &stripped);
    if ipa.chars().any(|c| IPA_VOWELS.contains(c)) {
        ipa
    } else {
        // No vowel predicted: spell the word.
        stripped
            .chars()
            .filter_map(letter_name)
            .collect::<Vec<_>>()
            .join("")
    }
}

/// Morphological fallback: possessives, plurals, -ed, -ing, -ly, -er, -ness and
/// two-part compounds built from lexicon words.
fn morph(w: &str, lex: &Lexicon, depth: u8) -> Option<String> {
    let known = |s: &str| lex.contains(s);
    if let Some(base) = w.strip_suffix("'s").or_else(|| w.strip_suffix("s'"))
        && !base.is_empty()
    {
        let p = word_pron(base, lex, depth + 1);
        return Some(add_s(p));
    }
    if let Some(base) = w.strip_suffix('\'')
        && !base.is_empty()
    {
        return Some(word_pron(base, lex, depth + 1));
    }
    if let Some(base) = w.strip_suffix("es")
        && known(base)
        && base.ends_with(['s', 'x', 'z', 'h'])
    {
        return lex.lookup(base).map(add_s);
    }
    if let Some(base) = w.strip_suffix('s')
        && known(base)
        && !base.ends_with('s')
    {
        return lex.lookup(base).map(add_s);
    }
    for (suffix, add) in [
        ("ing", "ɪŋ"),
        ("ly", "li"),
        ("ness", "nəs"),
        ("er", "ɚ"),
        ("ers", "ɚz"),
    ] {
        if let Some(base) = w.strip_suffix(suffix) {
            let cands = [base.to_string(), format!("{base}e")];
            for b in cands.iter() {
                if b.len() >= 2 && known(b) {
                    return lex.lookup(b).map(|p| format!("{p}{add}"));
                }
            }
        }
    }
    if let Some(base) = w.strip_suffix("ed") {
        for b in [base.to_string(), format!("{base}e")] {
            if b.len() >= 2 && known(&b) {
                let p = lex.lookup(&b)?;
                let suffix = if p.ends_with(['t', 'd']) {
                    "ᵻd"
                } else if ends_voiceless(&p) == Some(true)
                    || ends_sibilant(&p) && !p.ends_with(['z', 'ʒ'])
                {
                    "t"
                } else {
                    "d"
                };
                return Some(format!("{p}{suffix}"));
            }
        }
    }
    // Compounds: longest known head, known (or morph-able) tail.
    let n = w.len();
    if n >= 6 && w.is_ascii() {
        for split in (3..=n.saturating_sub(3)).rev() {
            let (head, tail) = w.split_at(split);
            if known(head) && known(tail) {
                let h = lex.lookup(head)?;
                let t = lex.lookup(tail)?.replace('ˈ', "ˌ");
                return Some(format!("{h}{t}"));
            }
        }
    }
    None
}

/// Letter-to-sound only (evaluation helper).
pub(crate) fn lts_word(word: &str) -> String {
    let folded: String = fold_word(word)
        .chars()
        .filter(char::is_ascii_lowercase)
        .take(MAX_WORD_CHARS)
        .collect();
    arpa::to_ipa(&lts::letters_to_phones(&folded), &folded)
}

fn add_s(p: String) -> String {
    if ends_sibilant(&p) || p.ends_with("tʃ") || p.ends_with("dʒ") {
        format!("{p}ᵻz")
    } else if ends_voiceless(&p) == Some(true) {
        format!("{p}s")
    } else {
        format!("{p}z")
    }
}

fn is_clause_punct(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '.' | '?' | '!')
}

/// Splits a token into (word, trailing clause punctuation).
fn split_token(tok: &str) -> (&str, Option<char>) {
    let word_end = tok
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, c)| i + c.len_utf8());
    let word_start = tok
        .char_indices()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, _)| i);
    match (word_start, word_end) {
        (Some(s), Some(e)) if s < e => {
            let word = tok.get(s..e).unwrap_or("");
            let trailing = tok.get(e..).unwrap_or("");
            let punct = trailing.chars().find(|c| is_clause_punct(*c));
            (word, punct)
        }
        _ => ("", tok.chars().find(|c| is_clause_punct(*c))),
    }
}

/// Phonemizes one spoken-form sentence into words with attached punctuation.
pub(crate) fn g2p_sentence(text: &str, lex: &Lexicon) -> Vec<WordPhon> {
    // First pass: tokens -> (display text, lookup form, punct).
    let mut items: Vec<(String, String, Option<char>)> = Vec::new();
    for tok in text.split_whitespace() {
        let (word, punct) = split_token(tok);
        if word.is_empty() {
            if let (Some(p), Some(last)) = (punct, items.last_mut())
                && last.2.is_none()
            {
                last.2 = Some(p);
            }
            continue;
        }
        // Split hyphenated / slashed compounds into separate words.
        let parts: Vec<&str> = word
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '.')))
            .filter(|p| !p.is_empty())
            .collect();
        let count = parts.len();
        for (k, part) in parts.into_iter().enumerate() {
            let part = part.trim_matches('.');
            if part.is_empty() {
                continue;
            }
            // Long words are cut into bounded pieces.
            let chars: Vec<char> = part.chars().collect();
            for piece in chars.chunks(MAX_WORD_CHARS) {
                let s: String = piece.iter().collect();
                items.push((s, String::new(), None));
            }
            if k + 1 == count
                && let Some(last) = items.last_mut()
            {
                last.2 = punct;
            }
        }
    }
    // Lookup forms.
    for it in items.iter_mut() {
        it.1 = fold_word(&it.0);
    }
    let n = items.len();
    let mut out: Vec<WordPhon> = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let Some((text, lower, punct)) = items.get(i).cloned() else {
            break;
        };
        let next = items.get(i + 1);
        // Merged pairs ("in the" -> ɪnðə).
        if punct.is_none()
            && lex.override_for(&lower).is_none()
            && let Some(m) = next.and_then(|nx| merged_pair(&lower, &nx.1))
            && let Some(nx) = next
        {
            out.push(WordPhon {
                text: format!("{} {}", text, nx.0),
                phon: m.to_string(),
                punct: nx.2,
            });
            i += 2;
            continue;
        }
        let is_single_upper =
            text.chars().count() == 1 && text.chars().all(|c| c.is_ascii_uppercase());
        let neighbour_single = |j: Option<&(String, String, Option<char>)>| {
            j.is_some_and(|x| {
                x.0.chars().count() == 1 && x.0.chars().all(|c| c.is_ascii_uppercase())
            })
        };
        let prev = if i > 0 { items.get(i - 1) } else { None };
        let phon = if let Some(p) = lex.override_for(&lower) {
            p.to_string()
        } else if is_single_upper
            && (!matches!(text.as_str(), "A" | "I")
                || neighbour_single(prev)
                || neighbour_single(next))
        {
            text.chars()
                .next()
                .and_then(letter_name)
                .unwrap_or("")
                .to_string()
        } else if let Some(f) = function_word(&lower) {
            f.to_string()
        } else {
            word_pron(&lower, lex, 0)
        };
        out.push(WordPhon { text, phon, punct });
        i += 1;
    }
    // Cross-word adjustments.
    for k in 0..out.len() {
        let next_vowel = out.get(k + 1).is_some_and(|nx| starts_with_vowel(&nx.phon));
        let Some(w) = out.get_mut(k) else { break };
        if w.punct.is_some() || !next_vowel {
            continue;
        }
        let lower = w.text.to_lowercase();
        if lower == "the" && w.phon == "ðə" {
            w.phon = "ðɪ".to_string();
        } else if matches!(
            lower.as_str(),
            "it" | "at" | "that" | "what" | "not" | "get"
        ) && w.phon.ends_with('t')
        {
            w.phon.pop();
            w.phon.push('ɾ');
        } else if w.phon.ends_with('ɚ') {
            w.phon.push('ɹ');
        }
    }
    // Function words at the end of a clause are stressed ("ðˈɛɹ.", "hˈæv,"),
    // except pronouns and articles.
    let n_out = out.len();
    for (k, w) in out.iter_mut().enumerate() {
        let clause_end = w.punct.is_some() || k + 1 == n_out;
        let lower = w.text.to_lowercase();
        if clause_end
            && function_word(&lower).is_some()
            && !matches!(
                lower.as_str(),
                "it" | "you" | "me" | "him" | "her" | "us" | "them" | "i" | "a" | "an" | "the"
            )
            && !w.phon.contains('ˈ')
        {
            w.phon = stress_first_vowel(&w.phon.replace('ˌ', ""));
        }
    }
    out.retain(|w| !w.phon.is_empty() || w.punct.is_some());
    out
}

/// Puts a primary stress mark before the first vowel of an unstressed form.
fn stress_first_vowel(phon: &str) -> String {
    let mut s = String::with_capacity(phon.len() + 2);
    let mut done = false;
    for c in phon.chars() {
        if !done && IPA_VOWELS.contains(c) {
            s.push('ˈ');
            done = true;
        }
        s.push(c);
    }
    s
}

/// Joins words into a Piper-style phoneme string: words separated by spaces,
/// clause punctuation attached to the previous word.
pub(crate) fn join_words(words: &[WordPhon], terminator: Option<char>) -> String {
    let mut s = String::new();
    let n = words.len();
    for (k, w) in words.iter().enumerate() {
        if !s.is_empty() && !w.phon.is_empty() {
            s.push(' ');
        }
        s.push_str(&w.phon);
        let is_last = k + 1 == n;
        let p = if is_last {
            terminator.or(w.punct)
        } else {
            w.punct
        };
        if let Some(p) = p {
            let p = if is_last {
                p
            } else if matches!(p, '.' | '?' | '!') {
                ','
            } else {
                p
            };
            s.push(p);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(s: &str) -> String {
        join_words(&g2p_sentence(s, Lexicon::builtin()), Some('.'))
    }

    #[test]
    fn simple_sentence() {
        assert_eq!(ph("Hello world"), "həlˈoʊ wˈɜːld.");
        assert_eq!(ph("the apple"), "ðɪ ˈæpəl.");
        assert_eq!(ph("in the park, then"), "ɪnðə pˈɑːɹk, ðˈɛn.");
    }

    #[test]
    fn weak_forms_and_clause_stress() {
        assert_eq!(ph("it's late"), "ɪts lˈeɪt.");
        assert_eq!(ph("we've been there"), "wiːv bɪn ðˈɛɹ.");
        assert_eq!(ph("the teacher asked"), "ðə tˈiːtʃɚɹ ˈæskt.");
        assert_eq!(ph("it is"), "ɪɾ ˈɪz.");
    }

    #[test]
    fn oov_and_spelling() {
        let s = ph("blorptastic F B I");
        assert!(s.contains("ˈɛf bˈiː ˈaɪ"), "{s}");
        assert!(!ph("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").is_empty());
    }

    #[test]
    fn overrides_win() {
        let l = Lexicon::with_overrides([("hello", "hˈɛloʊ")]).expect("ok");
        assert_eq!(join_words(&g2p_sentence("hello", &l), None), "hˈɛloʊ");
    }
}
