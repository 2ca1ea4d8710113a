//! `sotto speak`: text (argument, file or stdin), phonemes or ids → WAV, raw f32 or stdout.

use super::args::{Ids, OptionArgs, Output, SpeakArgs};
use super::{Failure, load, read_file, refused};
use sotto::signing::ManifestTrust;
use sotto::text::{Lexicon, TextLimits};
use sotto::{Audio, SynthesisOptions, Voice, limits};
use std::io::{Read, Write};
use std::path::Path;

/// Runs `sotto speak`: every input goes through one [`sotto::Stream`] (sentence `i` with seed
/// `seed + i`), its chunks concatenated; `--timings` also writes what the stream reported.
pub fn run(a: SpeakArgs) -> Result<(), Failure> {
    let trust = ManifestTrust::parse(a.public_key.as_deref(), a.manifest_digest.as_deref())
        .map_err(refused)?;
    let voice = load(&a.voice, &trust)?;
    let opts = options(&a.options, &voice)?;
    let lexicon = user_lexicon(a.lexicon.as_deref())?;
    let i = a.input;
    let mut stream = if let Some(p) = i.phonemes {
        Voice::stream_phonemes(&voice, &p, &opts)
    } else if let Some(Ids(ids)) = i.ids {
        Voice::stream_ids(&voice, &ids, &opts)
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
        let mut limits = TextLimits::default();
        if a.no_early_cut {
            limits.first_chunk_phonemes = 0;
        }
        Voice::stream_text(&voice, &text, &limits, &lexicon, &opts)
    }
    .map_err(refused)?
    // The WAV is written once the stream has ended: first audio does not matter here.
    .whole_output();
    let mut samples = Vec::new();
    let mut words = Vec::new();
    let mut sentences = Vec::new();
    let threads = a.threads.unwrap_or_else(sotto::pool::default_threads);
    sotto::pool::run(&voice, &mut stream, threads, |chunk| {
        samples.extend_from_slice(&chunk.samples);
        words.extend(chunk.words.iter().map(|w| {
            serde_json::json!({
                "text": w.text,
                "charStart": w.chars.start,
                "charEnd": w.chars.end,
                "byteStart": w.source.start,
                "byteEnd": w.source.end,
                "start": w.start,
                "end": w.end,
            })
        }));
        if let Some(s) = chunk.sentence {
            sentences.push(serde_json::json!({
                "index": chunk.sentence_index,
                "start": s.start,
                "end": s.end,
                "seed": s.seed,
                "spoken": s.spoken,
                "ids": s.ids,
                "frames": s.durations,
            }));
        }
        Ok(())
    })
    .map_err(refused)?;
    let missing: usize = stream.missing().values().sum();
    if missing > 0 {
        eprintln!("note: {missing} phoneme(s) not in the voice were dropped");
    }
    let audio = Audio {
        samples,
        sample_rate: voice.manifest().sample_rate,
    };
    if let Some(path) = a.timings {
        let json = serde_json::json!({
            "sample_rate": audio.sample_rate,
            "hop_length": voice.manifest().model.hop_length(),
            "words": words,
            "sentences": sentences,
        });
        std::fs::write(path, json.to_string())
            .map_err(|_| Failure("cannot write the timings".into()))?;
    }
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
