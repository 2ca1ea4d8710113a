//! `sotto speak`: text (argument, file or stdin), phonemes or ids → WAV, raw f32 or stdout.

use super::args::{Ids, OptionArgs, Output, SpeakArgs};
use super::{Failure, load, read_file, refused};
use sotto::text::{Lexicon, TextLimits};
use sotto::{Audio, SynthesisOptions, Voice, limits};
use std::io::{Read, Write};
use std::path::Path;

/// Runs `sotto speak`.
pub fn run(a: SpeakArgs) -> Result<(), Failure> {
    let voice = load(&a.voice)?;
    let opts = options(&a.options, &voice)?;
    let lexicon = user_lexicon(a.lexicon.as_deref())?;
    let i = a.input;
    let audio = if let Some(p) = i.phonemes {
        let (audio, missing) =
            pollster::block_on(voice.speak_phonemes(&p, &opts)).map_err(refused)?;
        if !missing.is_empty() {
            let n: usize = missing.values().sum();
            eprintln!("note: {n} phoneme(s) not in the voice were dropped");
        }
        audio
    } else if let Some(Ids(ids)) = i.ids {
        pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(refused)?
    } else {
        let text = match (i.text, i.text_file) {
            (Some(t), _) => t,
            (None, Some(f)) => {
                let file = std::fs::File::open(f)
                    .map_err(|_| Failure("cannot read --text-file".into()))?;
                read_text(file, "--text-file")?
            }
            (None, None) => read_text(std::io::stdin().lock(), "stdin")?,
        };
        let limits = TextLimits::default();
        pollster::block_on(voice.speak_text(&text, &limits, &lexicon, &opts)).map_err(refused)?
    };
    write(&a.out, &audio)
}

/// The voice's defaults with the given options applied, range-checked (by Rust, once).
fn options(o: &OptionArgs, voice: &Voice) -> Result<SynthesisOptions, Failure> {
    let d = voice.default_options();
    let opts = SynthesisOptions {
        length_scale: o.length_scale.unwrap_or(d.length_scale),
        noise_scale: o.noise_scale.unwrap_or(d.noise_scale),
        noise_w: o.noise_w.unwrap_or(d.noise_w),
        speaker: o.speaker.clone().unwrap_or(d.speaker),
        seed: o.seed.unwrap_or(d.seed),
    };
    voice.check_options(&opts).map_err(refused)?;
    Ok(opts)
}

/// A text, read only as far as the text limit can need (a longer one is then refused as too
/// long by the text front-end).
fn read_text(from: impl Read, what: &str) -> Result<String, Failure> {
    let mut t = String::new();
    from.take(limits::MAX_TEXT_BYTES as u64)
        .read_to_string(&mut t)
        .map_err(|_| Failure(format!("cannot read the text from {what} (UTF-8 expected)")))?;
    Ok(t)
}

/// Writes WAV (a file or stdout) or, for `*.f32`, raw little-endian f32 samples.
fn write(out: &Output, audio: &Audio) -> Result<(), Failure> {
    let failed = |_| Failure("cannot write the output".into());
    match out {
        Output::Stdout => {
            let mut w = std::io::stdout().lock();
            w.write_all(&audio.to_wav())
                .and_then(|()| w.flush())
                .map_err(failed)
        }
        Output::File(path) => {
            let bytes = if path.extension().is_some_and(|e| e == "f32") {
                audio.samples.iter().flat_map(|v| v.to_le_bytes()).collect()
            } else {
                audio.to_wav()
            };
            std::fs::write(path, bytes).map_err(failed)
        }
    }
}

/// The built-in lexicon, or one overridden by `--lexicon FILE`: one `word<TAB>phonemes` (or
/// `word phonemes`) per line, phonemes in Piper/espeak IPA; `#` starts a comment line.
pub fn user_lexicon(file: Option<&Path>) -> Result<Lexicon, Failure> {
    let Some(file) = file else {
        return Ok(Lexicon::builtin().clone());
    };
    let text = read_file(file, limits::MAX_LEXICON_BYTES, "--lexicon")?;
    Lexicon::from_file_text(&text).map_err(refused)
}
