//! The text front-end on arbitrary and hostile strings: `text::phonemize_with` (validate →
//! normalize → sentences → G2P), `text::validate` and `text::normalize_en` (the latter also on
//! text validation would refuse). Inputs are runs of tokens chosen to reach the normalizer's
//! readers (numbers of any length, money, dates, times, ordinals, Roman numerals, acronyms, URLs,
//! e-mail addresses, spaced and unspaced dash runs, markup and entities), mixed with other
//! scripts, arbitrary Unicode and control characters, plus a marker word that no error message
//! may repeat.

use crate::alloc::peak_during;
use crate::{Largest, check_message, config, fuzz};
use proptest::prelude::*;
use proptest::sample::select;
use sotto::text::{self, Lexicon, TextLimits};

/// A word the input carries; no message may contain it.
const MARKER: &str = "qzxvsecret";

const WORDS: &[&str] = &[
    "the",
    "read",
    "lead",
    "Dr.",
    "St.",
    "Mr",
    "vs.",
    "etc.",
    "a.m.",
    "p.m.",
    "No.",
    "I",
    "live",
    "record",
    "don't",
    "rock'n'roll",
    "e.g.",
    "U.S.",
    "Jan.",
    "Feb",
    "Sept.",
    "AI",
    "NASA",
    "iPhone",
    "x",
    "km",
    "kg",
    "mph",
    "°C",
    "%",
    "&",
    "+",
    "=",
    "#",
    "@",
    "*",
    "/",
    "\\",
    "~",
    "^",
    "|",
];
const MARKUP: &[&str] = &[
    "<b>",
    "</b>",
    "<speak>",
    "<break time=\"3s\"/>",
    "<!-- c -->",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;",
    "&#x41;",
    "&#99999999;",
    "&nbsp;",
    "**",
    "__",
    "`code`",
    "[link](http://x)",
    "<",
    ">",
    "<<<<",
    "&&&&;",
    "<a href='",
    "]]>",
    "<![CDATA[",
];
const SCRIPTS: &[&str] = &[
    "привет",
    "東京",
    "日本語",
    "한국어",
    "مرحبا",
    "שלום",
    "१२३",
    "١٢٣",
    "Ελλάδα",
    "ไทย",
    "🙂",
    "👩‍👩‍👧",
    "e\u{301}",
    "\u{202e}evil",
    "\u{200b}",
    "\u{feff}",
    "ﬁ",
    "Ⅻ",
    "①",
    "½",
    "²",
    "ℌ",
    "𝔄",
    "\u{0958}",
    "\u{1F1FA}\u{1F1F8}",
    "Zürich",
    "naïve",
    "œuvre",
    "ß",
];
const SEPARATORS: &[&str] = &[
    " ", " ", " ", "  ", "\n", "\t", ", ", ". ", "! ", "? ", "; ", ": ", "...", " - ", "-", "—",
    "–", "", "\r\n", "\u{a0}", "\u{2028}", "(", ")", "\"", "'",
];

/// A token the English front-end reads (Latin script, digits, symbols, markup).
fn latin_token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(WORDS).prop_map(String::from),
        3 => "[a-zA-Z]{1,12}",
        3 => "[0-9]{1,40}",
        1 => "[0-9]{1,3}(,[0-9]{3}){0,8}(\\.[0-9]{1,5})?",
        1 => "[-+]?[$£€¥]?[0-9]{1,15}(\\.[0-9]{1,3})?[kKmMbB%]?",
        1 => "[0-9]{1,2}/[0-9]{1,2}/[0-9]{1,5}",
        1 => "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}",
        1 => "[0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?( ?[aApP]\\.?[mM]\\.?)?",
        1 => "[0-9]{1,5}(st|nd|rd|th|ST|s)",
        1 => "( ?[-–—‐] ?){1,80}",
        1 => "[IVXLCDM]{1,10}\\.?",
        1 => "[A-Z]{1,8}(\\.[A-Z]){0,4}\\.?",
        1 => "(https?://)?(www\\.)?[a-z]{1,10}\\.(com|org|io)(/[a-z0-9]{0,8}){0,3}",
        1 => "[a-z.]{1,8}@[a-z]{1,8}\\.com",
        1 => "[0-9]+\\.[0-9]+\\.[0-9]+",
        1 => "[0-9]{1,6}(e|E)[-+]?[0-9]{1,4}",
        2 => select(MARKUP).prop_map(String::from),
        1 => Just(MARKER.to_string()),
    ]
}

/// Any token: [`latin_token`], other scripts, arbitrary Unicode, any character.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => latin_token(),
        1 => select(SCRIPTS).prop_map(String::from),
        1 => "\\PC{1,6}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn join(parts: Vec<(String, &str)>) -> String {
    parts.into_iter().fold(String::new(), |mut s, (t, sep)| {
        s.push_str(&t);
        s.push_str(sep);
        s
    })
}

/// Up to ~80 tokens joined by random separators (most cases only tokens the front-end reads,
/// so they get through validation to the normalizer, sentences, G2P and chunking; the others
/// mixed with other scripts), sometimes one pathological run.
fn text_input() -> impl Strategy<Value = String> {
    let latin = prop::collection::vec((latin_token(), select(SEPARATORS)), 0..80).prop_map(join);
    let mixed = prop::collection::vec((token(), select(SEPARATORS)), 0..80).prop_map(join);
    prop_oneof![
        15 => latin,
        5 => mixed,
        1 => "[0-9]{1000,10001}",
        1 => "( [-—] ){100,3000}",
        1 => "[-—]{100,5000}",
        1 => "(<b>){10,2000}",
        1 => "(&amp;){10,1600}",
        1 => "([0-9]{1,2}/){10,1500}",
        1 => "(\\$[0-9]{1,20} ){10,500}",
        1 => "[a-z]{500,3000}",
    ]
}

static PEAK: Largest = Largest::new("phonemize_with peak allocation, B");
static PEAK_PER_BYTE: Largest =
    Largest::new("phonemize_with peak allocation per input byte (inputs >= 256 B)");
static OUTPUT_PER_BYTE: Largest = Largest::new("phonemize_with output bytes per 100 input bytes");
/// Inputs phonemized without refusal (the fuzzer must reach past validation).
static PHONEMIZED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn max_allowed_phoneme_bytes(input: &str) -> usize {
    // Measured worst case is far below this (docs/fuzzing.md): a digit read out is ~10 bytes.
    64 * input.len() + 256
}

fn max_allowed_peak(input: &str) -> usize {
    // Lexicon excluded (built before measuring). Measured worst case: docs/fuzzing.md.
    (8 << 20) + 4096 * input.len()
}

/// Secrets a message may not repeat: the marker and (when long enough) the whole input.
fn secrets(input: &str) -> Vec<&str> {
    let t = input.trim();
    let mut v = vec![MARKER];
    if t.chars().count() >= 4 {
        v.push(t);
    }
    v
}

/// Checks one input; `Ok(true)` when it was phonemized, `Ok(false)` when refused properly.
fn check_phonemize(input: &str) -> Result<bool, String> {
    let limits = TextLimits::default();
    let lexicon = Lexicon::builtin();
    let (r, peak) = peak_during(|| text::phonemize_with(input, &limits, lexicon));
    PEAK.record(peak, input.len());
    if input.len() >= 256 {
        PEAK_PER_BYTE.record(peak / input.len(), input.len());
    }
    if peak > max_allowed_peak(input) {
        return Err(format!(
            "peak allocation {peak} B for {} B of text",
            input.len()
        ));
    }
    match r {
        Ok(sentences) => {
            let bytes: usize = sentences
                .iter()
                .map(|s| s.phonemes.len() + s.text.len())
                .sum();
            OUTPUT_PER_BYTE.record(100 * bytes / input.len().max(1), input.len());
            if bytes > max_allowed_phoneme_bytes(input) {
                return Err(format!("{bytes} B of output for {} B of text", input.len()));
            }
            for s in &sentences {
                if s.phonemes.chars().count() > limits.max_phonemes_per_chunk + 8 {
                    return Err("a chunk over max_phonemes_per_chunk".into());
                }
                if s.source.end > input.len() || !input.is_char_boundary(s.source.start) {
                    return Err(format!("source span {:?} outside the input", s.source));
                }
                for w in &s.words {
                    if w.source.end > input.len() || w.phonemes.end > s.phonemes.len() {
                        return Err("word span out of range".into());
                    }
                }
            }
            Ok(true)
        }
        Err(e) => check_message(&e.to_string(), &secrets(input)).map(|()| false),
    }
}

fn check_validate_normalize(input: &str) -> Result<(), String> {
    let limits = TextLimits::default();
    match text::validate(input, &limits) {
        Ok(clean) if clean.len() > 3 * input.len() + 4 => {
            return Err(format!(
                "validate: {} B from {} B",
                clean.len(),
                input.len()
            ));
        }
        Ok(_) => {}
        Err(e) => check_message(&e.to_string(), &secrets(input))?,
    }
    // The normalizer on its own, on text validation did not clean (controls, other scripts).
    let (spoken, peak) = peak_during(|| text::normalize_en(input));
    if spoken.len() > max_allowed_phoneme_bytes(input) {
        return Err(format!(
            "normalize: {} B from {} B",
            spoken.len(),
            input.len()
        ));
    }
    if peak > max_allowed_peak(input) {
        return Err(format!("normalize: peak {peak} B for {} B", input.len()));
    }
    Ok(())
}

#[test]
fn fuzz_text_phonemize() {
    Lexicon::builtin(); // built once, outside the measured calls
    let _ = text::phonemize("warm up 1.", &TextLimits::default());
    fuzz(
        "text phonemize_with",
        config(1500, file!()),
        text_input(),
        |s| {
            if check_phonemize(&s)? {
                PHONEMIZED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        },
    );
    PEAK.report();
    PEAK_PER_BYTE.report();
    OUTPUT_PER_BYTE.report();
    let ok = PHONEMIZED.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("  phonemized without refusal: {ok}");
    let cases = config(1500, file!()).cases as usize;
    assert!(
        ok * 4 >= cases,
        "only {ok} of {cases} inputs got past validation"
    );
}

#[test]
fn fuzz_text_validate_normalize() {
    let _ = text::normalize_en("warm up 1.");
    fuzz(
        "text validate+normalize_en",
        config(1500, file!()),
        text_input(),
        |s| check_validate_normalize(&s),
    );
}

/// Arbitrary bytes read as (lossy) UTF-8: whatever a page or a pipe can hand over.
#[test]
fn fuzz_text_arbitrary_unicode() {
    Lexicon::builtin();
    let _ = text::phonemize("warm up 1.", &TextLimits::default());
    fuzz(
        "text arbitrary unicode",
        config(1000, file!()),
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..600)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            "\\PC{0,300}",
            ".{0,300}",
        ],
        |s| {
            check_phonemize(&s)?;
            check_validate_normalize(&s)
        },
    );
}

/// The fixed hostile corpus (and every finding, as it is made): run whole on every run.
#[test]
fn text_corpus() {
    let long_digits = "9".repeat(10_000);
    let too_long = "a ".repeat(10_001);
    let spaced_dashes = " - ".repeat(3_000);
    let dashes = "—".repeat(9_000);
    let corpus: Vec<&str> = vec![
        "",
        " ",
        "\u{0}",
        "...",
        "- - -",
        "31/02/2025 at 25:61",
        "99999999999999999999999999999999999999999999999999",
        "1e308 1e-308 -0.0 +.5 1,2,3,4 1..2 1.2.3.4",
        "$$$$1 £.5 €1,000,000,000,000,000 ¥-3",
        "<speak><break time=\"1000000s\"/></speak>",
        "&#x110000; &#0; &#xD800; &#-1;",
        "Hello привет 東京",
        "\u{202e}qzxvsecret\u{202c} hidden",
        "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
        "MMMMMMMMMMMMMMMMMMMM IIII XLXLXL",
        "1st 2nd 3rd 4th 11th 12th 13th 101st 1000000th 99999999999999999999th",
        "http://a.b/c?d=e&f=g#h mailto:x@y.z user@example.com",
        &long_digits,
        &too_long,
        &spaced_dashes,
        &dashes,
    ];
    Lexicon::builtin();
    for c in corpus {
        check_phonemize(c).unwrap_or_else(|e| panic!("corpus case of {} B: {e}", c.len()));
        check_validate_normalize(c).unwrap_or_else(|e| panic!("corpus case of {} B: {e}", c.len()));
    }
}
