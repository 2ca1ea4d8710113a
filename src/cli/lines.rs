//! `sotto normalize` / `sotto phonemize`: one output line per stdin line, so outputs stay
//! aligned with inputs. A refused line prints an empty line and its reason on stderr (never
//! the text); the command then exits 1.

use super::speak::user_lexicon;
use super::{Failure, refused};
use sotto::limits;
use sotto::text::{self, TextLimits};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// What each line becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Spoken-form text.
    Normalize,
    /// Piper phonemes, sentences joined by a space.
    Phonemize,
    /// Each line one word, by the letter-to-sound rules alone.
    LetterToSound,
}

/// Runs the command over stdin.
pub fn run(mode: Mode, lexicon: Option<PathBuf>) -> Result<(), Failure> {
    let lexicon = user_lexicon(lexicon.as_deref())?;
    let limits = TextLimits::default();
    let mut input = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut buf = Vec::new();
    let (mut n, mut refusals) = (0usize, 0usize);
    while let Some(line) = next_line(&mut input, &mut buf, limits::MAX_TEXT_BYTES)? {
        n += 1;
        let result = line.and_then(|line| match mode {
            Mode::LetterToSound => Ok(text::letter_to_sound(line.trim())),
            Mode::Phonemize => text::phonemize_with(line, &limits, &lexicon)
                .map(|s| {
                    s.iter()
                        .map(|p| p.phonemes.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .map_err(|e| e.to_string()),
            Mode::Normalize => text::validate(line, &limits)
                .map(|t| text::normalize_en(&t))
                .map_err(|e| e.to_string()),
        });
        let text = result.unwrap_or_else(|e| {
            refusals += 1;
            eprintln!("line {n}: {e}");
            String::new()
        });
        writeln!(out, "{text}").map_err(|_| Failure("cannot write to stdout".into()))?;
    }
    out.flush()
        .map_err(|_| Failure("cannot write to stdout".into()))?;
    match refusals {
        0 => Ok(()),
        r => Err(refused(format!("{r} of {n} lines refused"))),
    }
}

/// The next line of `r` (without its `\n` or `\r\n`), read into `buf` and at most `cap` bytes
/// of it held: `Ok(None)` at the end, `Some(Err(reason))` for a line that is too long (the
/// rest of it is skipped) or not UTF-8.
fn next_line<'a>(
    r: &mut impl BufRead,
    buf: &'a mut Vec<u8>,
    cap: usize,
) -> Result<Option<Result<&'a str, String>>, Failure> {
    let failed = |_| Failure("cannot read stdin".into());
    buf.clear();
    let n = std::io::Read::take(&mut *r, cap as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(failed)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if buf.len() > cap {
        skip_line(r).map_err(failed)?;
        return Ok(Some(Err(format!("the line is longer than {cap} bytes"))));
    }
    Ok(Some(
        std::str::from_utf8(buf).map_err(|_| "the line is not UTF-8".to_string()),
    ))
}

/// Consumes the rest of a line (through its `\n`).
fn skip_line(r: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        if let Some(i) = chunk.iter().position(|&b| b == b'\n') {
            r.consume(i + 1);
            return Ok(());
        }
        let len = chunk.len();
        r.consume(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8], cap: usize) -> Vec<Result<String, String>> {
        let mut r = std::io::Cursor::new(input);
        let mut buf = Vec::new();
        let mut out = vec![];
        while let Ok(Some(l)) = next_line(&mut r, &mut buf, cap) {
            out.push(l.map(str::to_string));
        }
        out
    }

    #[test]
    fn lines_are_split_bounded_and_skipped_when_too_long() {
        let got = all_lines(b"abc\r\n\nabcdef\nxyz\n\xff\nlast", 4);
        assert_eq!(got.len(), 6);
        assert_eq!(got[0].as_deref(), Ok("abc"));
        assert_eq!(got[1].as_deref(), Ok(""));
        assert!(got[2].is_err(), "over the cap");
        assert_eq!(got[3].as_deref(), Ok("xyz"));
        assert!(got[4].is_err(), "not UTF-8");
        assert_eq!(got[5].as_deref(), Ok("last"));
    }

    #[test]
    fn a_line_exactly_at_the_cap_is_kept() {
        let abcd: Result<String, String> = Ok("abcd".into());
        assert_eq!(all_lines(b"abcd\nabcd", 4), [abcd.clone(), abcd]);
        assert!(all_lines(b"abcde", 4)[0].is_err());
    }
}
