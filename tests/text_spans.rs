//! Source spans through the whole text front-end: for every input of the
//! golden table and the sentence sets, each phonemized word points at a
//! non-empty, in-order slice of the caller's original string, and its
//! phoneme range is a slice of its chunk's phonemes.

use sotto::text::{PhonemizedSentence, TextLimits, phonemize};

fn inputs() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out = Vec::new();
    let golden = std::fs::read_to_string(format!("{root}/tests/data/normalize.tsv"))
        .expect("golden table readable");
    for line in golden
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let input = line.split('\t').next().unwrap_or("");
        // Undo the table's escapes (\\t, \\n, \\#, \\\\) well enough for spans.
        out.push(
            input
                .replace("\\t", "\t")
                .replace("\\n", "\n")
                .replace("\\#", "#")
                .replace("\\\\", "\\"),
        );
    }
    // Invisible characters, a combining accent and line breaks in the input.
    out.push("\u{FEFF}Dr. Chen\u{200D} paid $79.99\r\non Jan. 3rd\u{301}, at 10:30.".into());
    out
}

fn check(text: &str, chunks: &[PhonemizedSentence]) -> Result<(), String> {
    let mut last_start = 0;
    for c in chunks {
        let mut ph_end = 0;
        let mut covered = String::new();
        for w in &c.words {
            let src = text
                .get(w.source.clone())
                .ok_or(format!("{w:?} is not a slice of the input"))?;
            if src.trim().is_empty() {
                return Err(format!("{w:?}: empty source"));
            }
            if w.source.start < last_start {
                return Err(format!("{w:?}: source before the previous word's"));
            }
            last_start = w.source.start;
            if !(c.source.start <= w.source.start && w.source.end <= c.source.end) {
                return Err(format!("{w:?} outside its chunk {:?}", c.source));
            }
            let ph = c
                .phonemes
                .get(w.phonemes.clone())
                .ok_or(format!("{w:?}: not a slice of {:?}", c.phonemes))?;
            if w.phonemes.start < ph_end {
                return Err(format!("{w:?}: phonemes overlap the previous word's"));
            }
            // Between words: only spaces and clause punctuation.
            let gap = c.phonemes.get(ph_end..w.phonemes.start).unwrap_or("?");
            if !gap.chars().all(|ch| " ,;:.?!".contains(ch)) {
                return Err(format!("{w:?}: phonemes {gap:?} belong to no word"));
            }
            ph_end = w.phonemes.end;
            covered.push_str(ph);
        }
        let tail = c.phonemes.get(ph_end..).unwrap_or("?");
        if !tail.chars().all(|ch| ",;:.?!".contains(ch)) {
            return Err(format!(
                "{c:?}: trailing phonemes {tail:?} belong to no word"
            ));
        }
        if covered.is_empty() {
            return Err(format!("{c:?}: no word has phonemes"));
        }
    }
    Ok(())
}

#[test]
fn every_word_maps_to_the_original_text() {
    let limits = TextLimits::default();
    let mut failures = Vec::new();
    let mut words = 0;
    for text in inputs() {
        let Ok(chunks) = phonemize(&text, &limits) else {
            continue;
        };
        words += chunks.iter().map(|c| c.words.len()).sum::<usize>();
        if let Err(e) = check(&text, &chunks) {
            failures.push(format!("{text:?}: {e}"));
        }
    }
    assert!(words > 3000, "too few words checked: {words}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expansions_span_their_whole_source() {
    let text = "Call +1 555 123 4567 on 2024-01-03 at 7:05 pm, Dr. Chen.";
    let chunks = phonemize(text, &TextLimits::default()).expect("speakable");
    let by_source = |s: &str| -> Vec<String> {
        chunks
            .iter()
            .flat_map(|c| &c.words)
            .filter(|w| text.get(w.source.clone()) == Some(s))
            .map(|w| w.text.clone())
            .collect()
    };
    assert_eq!(
        by_source("+1 555 123 4567").join(" "),
        "plus one five five five one two three four five six seven"
    );
    assert_eq!(
        by_source("2024-01-03").join(" "),
        "January third twenty twenty four"
    );
    assert_eq!(by_source("7:05 pm").join(" "), "seven oh five P M");
    assert_eq!(by_source("Dr"), ["Doctor"]);
}

#[test]
fn a_month_and_its_day_are_one_source_word() {
    let text = "Paid on Jan. 3rd, due March 31st and May 5. Not Jan 45.";
    let chunks = phonemize(text, &TextLimits::default()).expect("speakable");
    let spoken_from = |s: &str| -> String {
        let words: Vec<&str> = chunks
            .iter()
            .flat_map(|c| &c.words)
            .filter(|w| text.get(w.source.clone()) == Some(s))
            .map(|w| w.text.as_str())
            .collect();
        words.join(" ")
    };
    assert_eq!(spoken_from("Jan. 3rd"), "January third");
    assert_eq!(spoken_from("March 31st"), "March thirty first");
    assert_eq!(spoken_from("May 5"), "May fifth");
    // Not a day of the month: two source words.
    assert_eq!(spoken_from("Jan 45"), "");
}
