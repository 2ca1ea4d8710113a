//! `sotto bench`: times loading a voice, then each id line of a file (one warm-up, then
//! `--runs` timed runs of windowed synthesis: the once-per-sentence stage and the first window
//! timed on their own too), and prints one JSON object for `benches/native_rtf.py`. With
//! `--text-file`, each text line is spoken through the stream instead, timed from the call
//! (`Voice::stream_text`) to its first chunk (first audio) and to its last.

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
    /// Seconds per run, whole synthesis (every window).
    synth_s: Vec<f64>,
    /// Seconds per run until the sentence is prepared (text encoder, durations, prior).
    acoustic_s: Vec<f64>,
    /// Seconds per run until the first window's samples are on the host (first audio).
    first_s: Vec<f64>,
    /// CPU seconds of the synthesizing thread per run, whole synthesis (Linux; empty elsewhere).
    /// Wall time on a shared machine counts other people's work; this does not.
    synth_cpu_s: Vec<f64>,
    /// CPU seconds per run until the first window's samples are on the host.
    first_cpu_s: Vec<f64>,
    /// Windows per run.
    windows: usize,
}

/// This thread's CPU time in seconds (`/proc/thread-self/schedstat`, nanoseconds on the CPU),
/// or `None` where there is no such file.
fn thread_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Runs `sotto bench`.
pub fn run(a: BenchArgs) -> Result<(), Failure> {
    let t0 = Instant::now();
    let mut voice = load(&a.voice, &Default::default())?;
    voice.set_cpu_kernels(!a.burn_ops);
    let load_s = t0.elapsed().as_secs_f64();
    if let Some(f) = &a.text_file {
        return run_texts(&voice, load_s, f, &a);
    }
    let Some(ids_file) = &a.ids_file else {
        return Err(Failure("--ids-file or --text-file is needed".into()));
    };
    let text = read_file(ids_file, sotto::limits::MAX_IDS_FILE_BYTES, "--ids-file")?;
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
        let size = a.window.unwrap_or(sotto::limits::WINDOW_FRAMES);
        let first = a.first_window.unwrap_or(size);
        let plan = |p: &sotto::Prepared| sotto::model::window::plan(p.frames, first, size);
        // Warm-up run, then timed runs.
        let audio = pollster::block_on(voice.synthesize_ids(&ids, &opts)).map_err(refused)?;
        let threads = a.threads.unwrap_or(1);
        if threads > 1 {
            utterances.push(time_pooled(
                &voice,
                &ids,
                &opts,
                (first, size),
                threads,
                a.runs,
            )?);
            continue;
        }
        let (mut synth_s, mut acoustic_s, mut first_s, mut windows) = (vec![], vec![], vec![], 0);
        let (mut synth_cpu_s, mut first_cpu_s) = (vec![], vec![]);
        for _ in 0..a.runs {
            let t = Instant::now();
            let c0 = thread_cpu_s();
            let cpu = |out: &mut Vec<f64>| {
                if let (Some(c0), Some(c1)) = (c0, thread_cpu_s()) {
                    out.push(c1 - c0);
                }
            };
            let p = pollster::block_on(voice.prepare(&ids, &opts)).map_err(refused)?;
            acoustic_s.push(t.elapsed().as_secs_f64());
            let ws = plan(&p);
            windows = ws.len();
            for (i, w) in ws.into_iter().enumerate() {
                pollster::block_on(voice.synthesize_frames(&p, w)).map_err(refused)?;
                if i == 0 {
                    first_s.push(t.elapsed().as_secs_f64());
                    cpu(&mut first_cpu_s);
                }
            }
            synth_s.push(t.elapsed().as_secs_f64());
            cpu(&mut synth_cpu_s);
        }
        utterances.push(Utterance {
            ids: ids.len(),
            audio_s: audio.duration_secs(),
            synth_s,
            acoustic_s,
            first_s,
            synth_cpu_s,
            first_cpu_s,
            windows,
        });
    }
    print(&Report { load_s, utterances })
}

/// One id line timed as a whole through [`sotto::pool::run`] on `threads` threads (the
/// calling thread runs the text encoder, duration predictor and flow, the workers vocode).
fn time_pooled(
    voice: &sotto::Voice,
    ids: &[i64],
    opts: &sotto::SynthesisOptions,
    (first, size): (usize, usize),
    threads: usize,
    runs: usize,
) -> Result<Utterance, Failure> {
    let mut u = Utterance {
        ids: ids.len(),
        audio_s: 0.0,
        synth_s: vec![],
        acoustic_s: vec![],
        first_s: vec![],
        synth_cpu_s: vec![],
        first_cpu_s: vec![],
        windows: 0,
    };
    for run in 0..=runs {
        let t = Instant::now();
        let mut stream = sotto::Voice::stream_ids(voice, ids, opts)
            .map_err(refused)?
            .with_windows(first, size);
        let (mut chunks, mut samples) = (0, 0);
        sotto::pool::run(voice, &mut stream, threads, |c| {
            if chunks == 0 && run > 0 {
                u.first_s.push(t.elapsed().as_secs_f64());
            }
            chunks += 1;
            samples += c.samples.len();
            Ok(())
        })
        .map_err(refused)?;
        if run > 0 {
            u.synth_s.push(t.elapsed().as_secs_f64());
        }
        u.windows = chunks;
        u.audio_s = samples as f64 / f64::from(voice.manifest().sample_rate);
    }
    Ok(u)
}

/// Prints one JSON report.
fn print(report: &impl Serialize) -> Result<(), Failure> {
    let json =
        serde_json::to_string(report).map_err(|_| Failure("cannot write the report".into()))?;
    println!("{json}");
    Ok(())
}

/// The printed report of `--text-file`.
#[derive(Debug, Serialize)]
struct TextReport {
    /// Seconds to read, verify and build the voice.
    load_s: f64,
    /// One entry per text line.
    texts: Vec<TextTimings>,
}

/// One text line's timings through the stream.
#[derive(Debug, Serialize)]
struct TextTimings {
    /// Characters in the text.
    chars: usize,
    /// Seconds of audio produced.
    audio_s: f64,
    /// Chunks the stream yielded.
    chunks: usize,
    /// Seconds per run from the call to the first chunk (first audio).
    first_s: Vec<f64>,
    /// Seconds per run from the call to the last chunk.
    synth_s: Vec<f64>,
    /// CPU seconds of the synthesizing thread per run until the first chunk (Linux; one
    /// thread only: with `--threads` above 1 the vocoding runs on other threads).
    first_cpu_s: Vec<f64>,
    /// Threads vocoding (`--threads`).
    threads: usize,
}

/// `--text-file`: each non-empty line spoken through the stream with the voice's default
/// options, one warm-up and then `runs` timed runs.
fn run_texts(
    voice: &sotto::Voice,
    load_s: f64,
    file: &std::path::Path,
    a: &BenchArgs,
) -> Result<(), Failure> {
    let runs = a.runs;
    let threads = a.threads.unwrap_or(1);
    let text = read_file(file, sotto::limits::MAX_TEXT_BYTES as u64, "--text-file")?;
    let opts = voice.default_options();
    let lexicon = sotto::text::Lexicon::builtin();
    let mut limits = sotto::text::TextLimits::default();
    if a.no_early_cut {
        limits.first_chunk_phonemes = 0;
    }
    if let Some(n) = a.first_chunk {
        limits.first_chunk_phonemes = n;
    }
    let mut texts = vec![];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut t = TextTimings {
            chars: line.chars().count(),
            audio_s: 0.0,
            chunks: 0,
            first_s: vec![],
            synth_s: vec![],
            first_cpu_s: vec![],
            threads,
        };
        for run in 0..=runs {
            let t0 = Instant::now();
            let c0 = thread_cpu_s();
            let mut stream =
                sotto::Voice::stream_text(voice, line, &limits, lexicon, &opts).map_err(refused)?;
            if a.first_window.is_some() || a.window.is_some() {
                stream = stream.with_windows(
                    a.first_window.unwrap_or(sotto::limits::FIRST_WINDOW_FRAMES),
                    a.window.unwrap_or(sotto::limits::WINDOW_FRAMES),
                );
            }
            let (mut chunks, mut samples) = (0, 0);
            sotto::pool::run(voice, &mut stream, threads, |c| {
                if chunks == 0 && run > 0 {
                    t.first_s.push(t0.elapsed().as_secs_f64());
                    if let (Some(c0), Some(c1), 1) = (c0, thread_cpu_s(), threads) {
                        t.first_cpu_s.push(c1 - c0);
                    }
                }
                chunks += 1;
                samples += c.samples.len();
                Ok(())
            })
            .map_err(refused)?;
            if run > 0 {
                t.synth_s.push(t0.elapsed().as_secs_f64());
            }
            t.chunks = chunks;
            t.audio_s = samples as f64 / f64::from(voice.manifest().sample_rate);
        }
        texts.push(t);
    }
    print(&TextReport { load_s, texts })
}
