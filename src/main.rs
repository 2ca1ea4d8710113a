//! The `sotto` command line: convert a Piper voice, speak phonemes or ids to a WAV file, and
//! time synthesis for the benchmark.
//!
//! ```text
//! sotto convert VOICE.onnx VOICE.onnx.json --out DIR [--dtype f32|f16]
//! sotto speak --voice DIR --out FILE.wav [--text "…" | --text-file F | --phonemes "IPA" | --ids 1,0,20,...]
//!             [--length-scale X] [--noise-scale X] [--noise-w X] [--speaker N] [--seed N]
//!             (no input option: the text is read from stdin)
//! sotto normalize      (stdin lines → spoken-form text, one line per line)
//! sotto phonemize      (stdin lines → Piper phoneme text, sentences joined by a space)
//! sotto bench --voice DIR --ids-file FILE [--runs N]
//! ```
//! `--out` ending in `.f32` writes raw little-endian f32 samples instead of WAV (for parity
//! tests). User text is never printed or logged.

use sotto::weights::safetensors::Dtype;
use sotto::{SynthesisOptions, Voice, backend};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  sotto convert VOICE.onnx VOICE.onnx.json --out DIR [--dtype f32|f16]
  sotto speak --voice DIR --out FILE.wav [--text \"...\" | --text-file F | --phonemes \"IPA\" | --ids 1,0,20,...]
              [--length-scale X] [--noise-scale X] [--noise-w X] [--speaker N] [--seed N]
              (without an input option the text is read from stdin)
  sotto normalize    (stdin lines -> spoken-form text, one output line per input line)
  sotto phonemize [--lexicon FILE]   (stdin lines -> Piper phoneme text, one line per line)
  --lexicon FILE (speak, phonemize): 'word<TAB>phonemes' lines overriding built-in pronunciations
  sotto bench --voice DIR --ids-file FILE [--runs N]";

/// Command-line arguments: positionals and `--flag value` pairs.
struct Args {
    positional: Vec<String>,
    flags: BTreeMap<String, String>,
}

impl Args {
    fn parse(raw: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut positional = vec![];
        let mut flags = BTreeMap::new();
        let mut raw = raw.peekable();
        while let Some(a) = raw.next() {
            if let Some(name) = a.strip_prefix("--") {
                let v = raw
                    .next()
                    .ok_or_else(|| format!("--{name} needs a value"))?;
                if flags.insert(name.to_string(), v).is_some() {
                    return Err(format!("--{name} given twice"));
                }
            } else {
                positional.push(a);
            }
        }
        Ok(Self { positional, flags })
    }

    fn take(&mut self, name: &str) -> Option<String> {
        self.flags.remove(name)
    }

    fn need(&mut self, name: &str) -> Result<String, String> {
        self.take(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn num<T: std::str::FromStr>(&mut self, name: &str) -> Result<Option<T>, String> {
        self.take(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| format!("--{name}: not a valid number"))
            })
            .transpose()
    }

    fn done(self) -> Result<(), String> {
        match self.flags.keys().next() {
            Some(k) => Err(format!("unknown option --{k}")),
            None => Ok(()),
        }
    }
}

fn main() -> ExitCode {
    let mut raw = std::env::args().skip(1);
    let Some(cmd) = raw.next() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let args = match Args::parse(raw) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd.as_str() {
        "convert" => convert(args),
        "speak" => speak(args),
        "bench" => bench(args),
        "normalize" => lines(args, false),
        "phonemize" => lines(args, true),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(Failure::Usage(format!("unknown command {cmd}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(String),
    Run(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Usage(s)
    }
}

fn run_err(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

fn convert(mut a: Args) -> Result<(), Failure> {
    let out = PathBuf::from(a.need("out")?);
    let dtype = match a.take("dtype").as_deref() {
        None | Some("f32") => Dtype::F32,
        Some("f16") => Dtype::F16,
        Some(_) => return Err(Failure::Usage("--dtype must be f32 or f16".into())),
    };
    a.clone_positional_check(2)?;
    let (onnx, json) = (
        PathBuf::from(&a.positional[0]),
        PathBuf::from(&a.positional[1]),
    );
    a.done()?;
    let m = sotto::convert::convert_files(&onnx, &json, &out, dtype).map_err(run_err)?;
    let total: u64 = m.shards.iter().map(|s| s.size).sum();
    println!(
        "converted {} into {} shards ({} bytes)",
        m.voice_id,
        m.shards.len(),
        total
    );
    Ok(())
}

impl Args {
    fn clone_positional_check(&self, n: usize) -> Result<(), Failure> {
        if self.positional.len() == n {
            Ok(())
        } else {
            Err(Failure::Usage(format!("expected {n} file arguments")))
        }
    }
}

fn options(a: &mut Args, voice: &Voice) -> Result<SynthesisOptions, Failure> {
    let mut o = voice.default_options();
    if let Some(v) = a.num("length-scale")? {
        o.length_scale = v;
    }
    if let Some(v) = a.num("noise-scale")? {
        o.noise_scale = v;
    }
    if let Some(v) = a.num("noise-w")? {
        o.noise_w = v;
    }
    if let Some(v) = a.num("speaker")? {
        o.speaker = v;
    }
    if let Some(v) = a.num("seed")? {
        o.seed = v;
    }
    o.validate().map_err(run_err)?;
    Ok(o)
}

fn load(dir: &Path) -> Result<Voice, Failure> {
    Voice::load_dir(dir, &backend::cpu()).map_err(run_err)
}

fn speak(mut a: Args) -> Result<(), Failure> {
    let dir = PathBuf::from(a.need("voice")?);
    let out = PathBuf::from(a.need("out")?);
    let phonemes = a.take("phonemes");
    let ids = a.take("ids");
    let lexicon_file = a.take("lexicon");
    let text = match (a.take("text"), a.take("text-file")) {
        (Some(t), None) => Some(t),
        (None, Some(f)) => Some(
            std::fs::read_to_string(f)
                .map_err(|_| Failure::Run("cannot read --text-file".into()))?,
        ),
        (None, None) => None,
        _ => {
            return Err(Failure::Usage(
                "give at most one of --text or --text-file".into(),
            ));
        }
    };
    let voice = load(&dir)?;
    let opts = options(&mut a, &voice)?;
    a.clone_positional_check(0)?;
    a.done()?;
    let limits = sotto::text::TextLimits::default();
    let lexicon = user_lexicon(lexicon_file)?;
    let audio = match (text, phonemes, ids) {
        (None, Some(p), None) => {
            let (audio, missing) =
                pollster::block_on(voice.speak_phonemes(&p, &opts)).map_err(run_err)?;
            if !missing.is_empty() {
                let n: usize = missing.values().sum();
                eprintln!("note: {n} phoneme(s) not in the voice were dropped");
            }
            audio
        }
        (None, None, Some(list)) => {
            let ids = sotto::ids::parse_id_list(&list)
                .ok_or_else(|| Failure::Usage("--ids must be comma-separated integers".into()))?;
            pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(run_err)?
        }
        (text, None, None) => {
            // --text / --text-file, else the text on stdin (read at most what the limits allow).
            let t = match text {
                Some(t) => t,
                None => {
                    let mut t = String::new();
                    let cap = limits.max_chars as u64 * 4 + 4;
                    std::io::Read::read_to_string(
                        &mut std::io::Read::take(std::io::stdin().lock(), cap),
                        &mut t,
                    )
                    .map_err(|_| {
                        Failure::Run("cannot read text from stdin (UTF-8 expected)".into())
                    })?;
                    t
                }
            };
            pollster::block_on(voice.speak_text(&t, &limits, &lexicon, &opts)).map_err(run_err)?
        }
        _ => {
            return Err(Failure::Usage(
                "give only one of --text, --text-file, --phonemes or --ids".into(),
            ));
        }
    };
    let bytes = if out.extension().is_some_and(|e| e == "f32") {
        audio.samples.iter().flat_map(|v| v.to_le_bytes()).collect()
    } else {
        audio.to_wav()
    };
    std::fs::write(&out, bytes).map_err(|_| Failure::Run("cannot write the output file".into()))?;
    Ok(())
}

/// The built-in lexicon, or one overridden by `--lexicon FILE`: one `word<TAB>phonemes` (or
/// `word phonemes`) per line, phonemes in Piper/espeak IPA; `#` starts a comment line.
fn user_lexicon(file: Option<String>) -> Result<sotto::text::Lexicon, Failure> {
    let Some(file) = file else {
        return Ok(sotto::text::Lexicon::builtin().clone());
    };
    let text =
        std::fs::read_to_string(file).map_err(|_| Failure::Run("cannot read --lexicon".into()))?;
    let entries: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            let l = l.trim();
            let (w, p) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (w.to_string(), p.trim().to_string())
        })
        .collect();
    sotto::text::Lexicon::with_overrides(entries).map_err(run_err)
}

/// `normalize` / `phonemize`: one output line per stdin line; a refused line prints an empty
/// line (and the reason on stderr, without the text), so outputs stay aligned with inputs.
fn lines(mut a: Args, phonemes: bool) -> Result<(), Failure> {
    use std::io::{BufRead, Write};
    // `--lts`: each line is one word, pronounced by letter-to-sound rules only (evaluation).
    let lts = phonemes && a.take("lts").is_some();
    let lexicon = user_lexicon(a.take("lexicon"))?;
    a.clone_positional_check(0)?;
    a.done()?;
    let limits = sotto::text::TextLimits::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|_| Failure::Run("stdin is not UTF-8".into()))?;
        let result = if lts {
            Ok(sotto::text::letter_to_sound(line.trim()))
        } else if phonemes {
            sotto::text::phonemize_with(&line, &limits, &lexicon).map(|s| {
                s.iter()
                    .map(|p| p.phonemes.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        } else {
            sotto::text::validate(&line, &limits).map(|t| sotto::text::normalize_en(&t))
        };
        let text = result.unwrap_or_else(|e| {
            eprintln!("line {}: {e}", n + 1);
            String::new()
        });
        writeln!(out, "{text}").map_err(|_| Failure::Run("cannot write to stdout".into()))?;
    }
    Ok(())
}

/// Times load and synthesis of each id line of `--ids-file`, `--runs` times, printing JSON.
fn bench(mut a: Args) -> Result<(), Failure> {
    let dir = PathBuf::from(a.need("voice")?);
    let file = a.need("ids-file")?;
    let runs: usize = a.num("runs")?.unwrap_or(3);
    a.done()?;
    let t0 = Instant::now();
    let voice = load(&dir)?;
    let load_s = t0.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&file)
        .map_err(|_| Failure::Run("cannot read --ids-file".into()))?;
    let mut opts = voice.default_options();
    opts.noise_scale = 0.0;
    opts.noise_w = 0.0;
    let mut lines = vec![];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let ids =
            sotto::ids::parse_id_list(line).ok_or_else(|| Failure::Usage("bad id line".into()))?;
        // Warm-up run, then timed runs.
        let audio = pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(run_err)?;
        let (mut times, mut acoustic) = (vec![], vec![]);
        for _ in 0..runs {
            let t = Instant::now();
            let z = pollster::block_on(voice.acoustic_latent(&ids, &opts)).map_err(run_err)?;
            // Force the acoustic stage to finish before timing the vocoder.
            let _ = z.to_data();
            acoustic.push(t.elapsed().as_secs_f64());
            pollster::block_on(voice.vocode(z)).map_err(run_err)?;
            times.push(t.elapsed().as_secs_f64());
        }
        let list = |v: &[f64]| {
            v.iter()
                .map(|t| format!("{t:.5}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        lines.push(format!(
            "{{\"ids\":{},\"audio_s\":{:.4},\"synth_s\":[{}],\"acoustic_s\":[{}]}}",
            ids.len(),
            audio.duration_secs(),
            list(&times),
            list(&acoustic)
        ));
    }
    println!(
        "{{\"load_s\":{load_s:.4},\"utterances\":[{}]}}",
        lines.join(",")
    );
    Ok(())
}
