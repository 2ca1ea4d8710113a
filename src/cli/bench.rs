//! `sotto bench`: times loading a voice, then each id line of a file (one warm-up, then
//! `--runs` timed runs, the acoustic stage timed on its own too), and prints one JSON object
//! for `benches/native_rtf.py`.

use super::args::BenchArgs;
use super::{Failure, load, read_file, refused};
use serde::Serialize;
use std::time::Instant;

/// The printed report.
#[derive(Debug, Serialize)]
struct Report {
    /// Seconds to read, verify and build the voice.
    load_s: f64,
    /// One entry per id line.
    utterances: Vec<Utterance>,
}

/// One id line's timings.
#[derive(Debug, Serialize)]
struct Utterance {
    /// Phoneme ids.
    ids: usize,
    /// Seconds of audio produced.
    audio_s: f64,
    /// Seconds per run, both stages.
    synth_s: Vec<f64>,
    /// Seconds per run, acoustic stage alone.
    acoustic_s: Vec<f64>,
}

/// Runs `sotto bench`.
pub fn run(a: BenchArgs) -> Result<(), Failure> {
    let t0 = Instant::now();
    let voice = load(&a.voice)?;
    let load_s = t0.elapsed().as_secs_f64();
    let text = read_file(&a.ids_file, sotto::limits::MAX_IDS_FILE_BYTES, "--ids-file")?;
    let mut opts = voice.default_options();
    opts.noise_scale = 0.0;
    opts.noise_w = 0.0;
    let mut utterances = vec![];
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let ids = sotto::ids::parse_id_list(line).ok_or_else(|| {
            Failure(format!(
                "--ids-file line {}: not comma-separated integers",
                n + 1
            ))
        })?;
        // Warm-up run, then timed runs.
        let audio = pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(refused)?;
        let (mut synth_s, mut acoustic_s) = (vec![], vec![]);
        let g = voice.speaker(&opts.speaker).map_err(refused)?;
        for _ in 0..a.runs {
            let t = Instant::now();
            let z = pollster::block_on(voice.acoustic_latent(&ids, &opts, g.as_ref()))
                .map_err(refused)?;
            // Force the acoustic stage to finish before timing the vocoder.
            let _ = z.to_data();
            acoustic_s.push(t.elapsed().as_secs_f64());
            pollster::block_on(voice.vocode(z, g.as_ref())).map_err(refused)?;
            synth_s.push(t.elapsed().as_secs_f64());
        }
        utterances.push(Utterance {
            ids: ids.len(),
            audio_s: audio.duration_secs(),
            synth_s,
            acoustic_s,
        });
    }
    let report = Report { load_s, utterances };
    let json =
        serde_json::to_string(&report).map_err(|_| Failure("cannot write the report".into()))?;
    println!("{json}");
    Ok(())
}
