//! The `sotto` command line: convert a Piper voice, speak phonemes or ids to a WAV file, and
//! time synthesis for the benchmark.
//!
//! ```text
//! sotto convert VOICE.onnx VOICE.onnx.json --out DIR [--dtype f32|f16]
//! sotto speak --voice DIR --out FILE.wav (--phonemes "IPA" | --ids 1,0,20,...)
//!             [--length-scale X] [--noise-scale X] [--noise-w X] [--speaker N] [--seed N]
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
  sotto speak --voice DIR --out FILE.wav (--phonemes \"IPA\" | --ids 1,0,20,...)
              [--length-scale X] [--noise-scale X] [--noise-w X] [--speaker N] [--seed N]
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
    let voice = load(&dir)?;
    let opts = options(&mut a, &voice)?;
    a.clone_positional_check(0)?;
    a.done()?;
    let ids = match (phonemes, ids) {
        (Some(p), None) => {
            let p = voice.phoneme_ids(&p);
            if !p.missing.is_empty() {
                let n: usize = p.missing.values().sum();
                eprintln!("note: {n} phoneme(s) not in the voice were dropped");
            }
            p.ids
        }
        (None, Some(list)) => sotto::ids::parse_id_list(&list)
            .ok_or_else(|| Failure::Usage("--ids must be comma-separated integers".into()))?,
        _ => {
            return Err(Failure::Usage(
                "give exactly one of --phonemes or --ids".into(),
            ));
        }
    };
    let audio = pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(run_err)?;
    let bytes = if out.extension().is_some_and(|e| e == "f32") {
        audio.samples.iter().flat_map(|v| v.to_le_bytes()).collect()
    } else {
        audio.to_wav()
    };
    std::fs::write(&out, bytes).map_err(|_| Failure::Run("cannot write the output file".into()))?;
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
