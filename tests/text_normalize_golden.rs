//! Golden table for the English normalizer: every line of
//! `tests/data/normalize.tsv` is `input<TAB>spoken form<TAB>sentences`, where
//! the spoken form is [`normalize_en`] of the input and the sentences are
//! what [`split_sentences`] makes of the spoken form (`text` followed by its
//! terminator, sentences separated by ` | `). Tabs, newlines and backslashes
//! are escaped as `\t`, `\n` and `\\`. All mismatches are reported at once.
//!
//! To re-record the table after an intended behaviour change, run with
//! `SOTTO_BLESS_GOLDEN=1` and review the diff.

use sotto::text::{normalize_en, split_sentences};
use std::fmt::Write as _;

const TABLE: &str = "tests/data/normalize.tsv";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.starts_with('#') {
        // A leading '#' would read as a comment line.
        out.push('\\');
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn sentences(spoken: &str) -> String {
    split_sentences(spoken)
        .iter()
        .map(|s| format!("{}{}", s.text, s.terminator))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// (input, spoken, sentences) for one table line; `None` for comments/blank.
fn parse_line(line: &str) -> Option<Result<(String, String, String), String>> {
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let cols: Vec<&str> = line.split('\t').collect();
    Some(match cols.as_slice() {
        [i, s, t] => Ok((unescape(i), unescape(s), unescape(t))),
        _ => Err(format!("expected 3 tab-separated columns: {line}")),
    })
}

#[test]
fn golden_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE);
    let table = std::fs::read_to_string(&path).expect("golden table readable");
    let bless = std::env::var_os("SOTTO_BLESS_GOLDEN").is_some();
    let mut blessed = String::new();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for (n, line) in table.lines().enumerate() {
        let Some(parsed) = parse_line(line) else {
            blessed.push_str(line);
            blessed.push('\n');
            continue;
        };
        // While blessing, a line may hold only the input.
        let (input, want_spoken, want_sentences) = match parsed {
            Ok(t) => t,
            Err(_) if bless => (
                unescape(line.split('\t').next().unwrap_or("")),
                String::new(),
                String::new(),
            ),
            Err(e) => panic!("{TABLE}:{}: {e}", n + 1),
        };
        let spoken = normalize_en(&input);
        let split = sentences(&spoken);
        let _ = writeln!(
            blessed,
            "{}\t{}\t{}",
            escape(&input),
            escape(&spoken),
            escape(&split)
        );
        checked += 1;
        if spoken != want_spoken || split != want_sentences {
            failures.push(format!(
                "{TABLE}:{}: input {input:?}\n   want {want_spoken:?}\n    got {spoken:?}\n   want sentences {want_sentences:?}\n    got sentences {split:?}",
                n + 1
            ));
        }
    }
    if bless {
        std::fs::write(&path, blessed).expect("golden table writable");
        return;
    }
    assert!(checked > 300, "golden table too small: {checked} lines");
    assert!(
        failures.is_empty(),
        "{} of {checked} golden lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn escaping_round_trips() {
    for s in [
        "a\tb",
        "line\nbreak",
        "back\\slash",
        "\\t literal",
        "#1",
        "",
    ] {
        assert_eq!(unescape(&escape(s)), s);
    }
}
