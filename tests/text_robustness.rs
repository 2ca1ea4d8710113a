//! Property-style robustness test: validate / normalize_en / split_sentences /
//! phonemize never panic on random input, and their output (hence their
//! work) stays linear in the input; over-long input is rejected before any
//! work (fixed-seed RNG, no extra dependencies; nothing is timed).

use sotto::text::{
    TextError, TextLimits, normalize_en, normalize_tokens, phonemize, split_sentences, validate,
};

/// Most bytes of spoken text one input byte can become ("?" in a web
/// address is "question mark").
const MAX_EXPANSION: usize = 16;

/// xorshift64* with a fixed seed: deterministic across runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

const PIECES: &[&str] = &[
    "Dr.",
    "St.",
    "Mr.",
    "Jan.",
    "$",
    "€",
    "£",
    "¥",
    "%",
    "°C",
    "km",
    "a.m.",
    "p.m.",
    ":",
    "/",
    "-",
    "–",
    "—",
    "(",
    ")",
    "[",
    "]",
    "](",
    "*",
    "_",
    "`",
    "#",
    "@",
    "&",
    "+",
    ".",
    "...",
    "?",
    "!",
    ",",
    ";",
    " ",
    "  ",
    "\n",
    "\t",
    "IV",
    "VIII",
    "NASA",
    "FBI",
    "www.",
    ".com",
    "http://",
    "1",
    "12",
    "3.5",
    "1,000",
    "2024-01-03",
    "1/3/2024",
    "10:30",
    "555-123-4567",
    "3rd",
    "hello",
    "world",
    "the",
    "cat's",
    "naïve",
    "Œ",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{0301}",
    "\u{FEFF}",
    "😀",
    "привет",
    "你好",
    "مرحبا",
    "'",
    "\"",
    "’",
    "×",
    "§",
    "\u{0}",
    "\u{7}",
];

fn random_string(rng: &mut Rng, max_pieces: u64, latin_only: bool) -> String {
    let n = rng.below(max_pieces) + 1;
    let mut s = String::new();
    for _ in 0..n {
        match rng.below(4) {
            0 => {
                // random scalar value from a few interesting planes
                let cp = match if latin_only {
                    rng.below(3) % 2 * 2
                } else {
                    rng.below(4)
                } {
                    0 => rng.below(0x80),
                    1 => rng.below(0x3000),
                    2 => 0x1F000 + rng.below(0x1000),
                    _ => rng.below(0x11_0000),
                };
                if let Some(c) = char::from_u32(cp as u32) {
                    s.push(c);
                }
            }
            1 => {
                for _ in 0..rng.below(12) {
                    s.push(char::from(b'0' + rng.below(10) as u8));
                }
            }
            _ => {
                let p = PIECES[rng.below(PIECES.len() as u64) as usize];
                if !(latin_only
                    && p.chars()
                        .any(|c| ('\u{370}'..'\u{FFFF}').contains(&c) && c.is_alphabetic()))
                {
                    s.push_str(p);
                }
            }
        }
    }
    s
}

fn check(text: &str, limits: &TextLimits) {
    let _ = split_sentences(text);
    let n = normalize_en(text);
    assert!(
        n.len() <= MAX_EXPANSION * text.len() + MAX_EXPANSION,
        "{} bytes of spoken text from {} bytes",
        n.len(),
        text.len()
    );
    let _ = split_sentences(&n);
    for t in normalize_tokens(text) {
        assert!(
            text.get(t.span.clone()).is_some(),
            "span {:?} outside the text",
            t.span
        );
    }
    if let Ok(v) = validate(text, limits) {
        assert!(v.chars().count() <= limits.max_chars);
    }
    if let Ok(chunks) = phonemize(text, limits) {
        assert!(
            chunks.len() <= n.len().max(1),
            "more chunks than spoken bytes"
        );
        for c in chunks {
            assert!(c.phonemes.chars().count() <= limits.max_phonemes_per_chunk);
            assert!(!c.phonemes.is_empty());
            assert!(text.get(c.source.clone()).is_some());
        }
    }
}

#[test]
fn random_inputs_never_panic() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let limits = TextLimits::default();
    let small = TextLimits {
        max_chars: 200,
        max_sentence_chars: 20,
        max_phonemes_per_chunk: 16,
        first_chunk_phonemes: 8,
    };
    let mut ok = 0;
    for i in 0..1500 {
        let s = random_string(&mut rng, 40, i % 2 == 0);
        let l = if i % 3 == 0 { &small } else { &limits };
        check(&s, l);
        ok += usize::from(phonemize(&s, l).is_ok());
    }
    assert!(
        ok > 300,
        "too few random inputs reached the full pipeline: {ok}"
    );
}

#[test]
fn pathological_inputs_are_bounded() {
    let limits = TextLimits::default();
    let cases = [
        "9".repeat(10_000),
        "1".repeat(9_999) + ".5",
        "$".repeat(5_000) + &"9".repeat(5_000),
        "!?.,;:".repeat(1_600),
        "(".repeat(10_000),
        "[".repeat(5_000) + &"]".repeat(5_000),
        "-".repeat(10_000),
        "a".repeat(10_000),
        "I".repeat(10_000),
        "A B C D ".repeat(1_250),
        "Dr. ".repeat(2_500),
        "1/2/3/4/5/".repeat(1_000),
        "12:34:56:".repeat(1_000),
        "hello, привет ".repeat(700),
        "e\u{0301}".repeat(5_000),
        "😀".repeat(10_000),
        "www.a.com/".repeat(1_000),
        "x@y.z".repeat(2_000),
    ];
    let mut produced = 0;
    for c in &cases {
        check(c, &limits);
        produced += phonemize(c, &limits).map(|v| v.len()).unwrap_or(0);
    }
    assert!(produced > 100, "pathological cases should mostly phonemize");
    // Over the limit: rejected by the length check, before any processing.
    let huge = "9".repeat(1_000_000);
    let too_long = Err(TextError::TooLong {
        chars: 1_000_000,
        max: limits.max_chars,
    });
    assert_eq!(validate(&huge, &limits), too_long);
    assert_eq!(
        phonemize(&huge, &limits).map(|v| v.len()),
        too_long.map(|_: String| 0)
    );
}
