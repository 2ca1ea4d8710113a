//! The command line's grammar (clap derive): every command, option and its help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use sotto::Speaker;
use std::path::PathBuf;

/// Private neural text-to-speech: convert a Piper voice, speak text, phonemes or ids.
///
/// Errors are one line naming what failed, never a path or the input text. Exit status: 0
/// done, 1 refused (input, voice or a line of normalize/phonemize), 2 usage.
#[derive(Debug, Parser)]
#[command(
    name = "sotto",
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert a Piper voice (VOICE.onnx + VOICE.onnx.json) into manifest.json + shards.
    Convert(ConvertArgs),
    /// Speak text, phonemes or ids to a WAV file (or raw f32 samples, or stdout).
    Speak(Box<SpeakArgs>),
    /// Stdin lines → spoken-form text, one output line per input line.
    Normalize,
    /// Stdin lines → Piper phoneme text (sentences joined by a space), one line per line.
    Phonemize(PhonemizeArgs),
    /// Time loading and synthesis of id lines (or texts, through the stream); prints JSON.
    Bench(BenchArgs),
    /// Make an Ed25519 key pair for signing manifests (`convert --sign`); prints the public key.
    Keygen(KeygenArgs),
    /// Print a voice catalog (catalog.json) listing converted voice directories, each pinned by
    /// its manifest's SHA-256 digest; the catalog goes in the directories' parent.
    Catalog(CatalogArgs),
}

/// `sotto catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Converted voice directories (manifest.json + shards), listed in this order.
    #[arg(value_name = "DIR", required = true)]
    pub voices: Vec<PathBuf>,
    /// Quality preset of voices whose id does not end in one (`-x_low`, `-low`, `-medium`, `-high`).
    #[arg(long, value_enum)]
    pub quality: Option<CatalogQuality>,
}

/// Piper's quality presets, as `--quality` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogQuality {
    /// x_low.
    #[value(name = "x_low")]
    XLow,
    /// low.
    Low,
    /// medium.
    Medium,
    /// high.
    High,
}

/// `sotto keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Secret key file to create (never overwritten); the public key goes to FILE.pub too.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `sotto convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The Piper ONNX export (its file name, less `.onnx`, becomes the voice id).
    #[arg(value_name = "VOICE.onnx")]
    pub onnx: PathBuf,
    /// Piper's config beside it.
    #[arg(value_name = "VOICE.onnx.json")]
    pub config: PathBuf,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Stored element type of the shards (f16 halves the download; computation stays f32).
    #[arg(long, value_enum, default_value_t = ShardDtype::F32)]
    pub dtype: ShardDtype,
    /// Keep this part of the model in f32 whatever --dtype is (repeatable): enc_p (text
    /// encoder), dp (duration predictor), flow, dec (vocoder).
    #[arg(long, value_enum, value_name = "PART")]
    pub keep_f32: Vec<ModelPart>,
    /// Sign manifest.json with this secret key file (from `sotto keygen`): writes the detached
    /// signature manifest.json.sig beside it.
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
}

/// Element type of converted shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShardDtype {
    /// IEEE binary32.
    F32,
    /// IEEE binary16.
    F16,
}

/// A part of the model, named by its parameters' prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelPart {
    /// The text encoder (`enc_p.*`).
    #[value(name = "enc_p")]
    EncP,
    /// The duration predictor (`dp.*`), which decides every phoneme's frame count.
    #[value(name = "dp")]
    Dp,
    /// The normalizing flow (`flow.*`).
    #[value(name = "flow")]
    Flow,
    /// The HiFi-GAN vocoder (`dec.*`).
    #[value(name = "dec")]
    Dec,
}

/// `sotto speak`.
#[derive(Debug, Args)]
pub struct SpeakArgs {
    /// Voice directory (manifest.json + shards).
    #[arg(long, value_name = "DIR")]
    pub voice: PathBuf,
    /// Output: FILE.wav (16-bit WAV), FILE.f32 (raw little-endian f32 samples) or `-` (WAV on
    /// stdout).
    #[arg(long, value_name = "FILE", value_parser = parse_output)]
    pub out: Output,
    /// What to say (none given: the text is read from stdin).
    #[command(flatten)]
    pub input: SpeakInput,
    /// Pronunciation overrides: `word<TAB>phonemes` lines (`#` starts a comment line).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Also write word timings and per-sentence ids and frame counts as JSON to FILE.
    #[arg(long, value_name = "FILE.json")]
    pub timings: Option<PathBuf>,
    /// Speak a long first sentence whole. By default its first clause (or first words) is
    /// spoken as a sentence of its own, for earlier first audio when streaming
    /// (`limits::FIRST_CHUNK_PHONEMES`); this changes that sentence's audio a little.
    #[arg(long)]
    pub no_early_cut: bool,
    /// Inference knobs (default: the voice's own).
    #[command(flatten)]
    pub options: OptionArgs,
    /// Refuse the voice unless manifest.json.sig holds a valid Ed25519 signature of its
    /// manifest by this public key (base64 or hex of 32 bytes).
    #[arg(long, value_name = "KEY")]
    pub public_key: Option<String>,
    /// Refuse the voice unless its manifest.json has this digest (`sha256-<base64>`).
    #[arg(long, value_name = "SRI")]
    pub manifest_digest: Option<String>,
    /// Threads vocoding windows in parallel (default: the available cores; 1: one thread).
    /// The audio is the same for every count.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// `--threads`: 1 to [`sotto::pool::MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=sotto::pool::MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("expected 1 to {}", sotto::pool::MAX_THREADS)),
    }
}

/// At most one source of input for `speak`.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct SpeakInput {
    /// Text to speak.
    #[arg(long)]
    pub text: Option<String>,
    /// A UTF-8 file holding the text to speak.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// Piper phoneme text (espeak-ng IPA as piper-phonemize prints it), e.g. "həlˈoʊ wˈɜːld."
    #[arg(long, value_name = "IPA")]
    pub phonemes: Option<String>,
    /// The ids Piper would feed its ONNX model, comma-separated: 1,0,20,...
    #[arg(long, value_name = "LIST", value_parser = parse_ids)]
    pub ids: Option<Ids>,
}

/// Synthesis options; ranges are checked by `SynthesisOptions::validate`, not here.
#[derive(Debug, Args)]
pub struct OptionArgs {
    /// Phoneme duration multiplier (> 1 is slower).
    #[arg(long, value_name = "X")]
    pub length_scale: Option<f32>,
    /// Prior noise (variation in voice); 0 is deterministic.
    #[arg(long, value_name = "X")]
    pub noise_scale: Option<f32>,
    /// Duration noise (variation in rhythm); 0 is deterministic.
    #[arg(long, value_name = "X")]
    pub noise_w: Option<f32>,
    /// Speaker of a multi-speaker voice: an index (`3`), a name from the voice's
    /// speaker_id_map (`p225`; `name:3922` for a name of digits), or a blend of embeddings
    /// (`p225=0.7,p226=0.3`; weights >= 0, normalized to sum to 1).
    #[arg(long, value_name = "SPEAKER", value_parser = parse_speaker)]
    pub speaker: Option<Speaker>,
    /// Seed of the noise generator (same seed, same samples).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// `sotto phonemize`.
#[derive(Debug, Args)]
pub struct PhonemizeArgs {
    /// Pronunciation overrides: `word<TAB>phonemes` lines (`#` starts a comment line).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Each line is one word, pronounced by the letter-to-sound rules alone (evaluation).
    #[arg(long)]
    pub lts: bool,
}

/// `sotto bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Voice directory.
    #[arg(long, value_name = "DIR")]
    pub voice: PathBuf,
    /// One comma-separated id list per line.
    #[arg(long, value_name = "FILE", required_unless_present = "text_file")]
    pub ids_file: Option<PathBuf>,
    /// One text per line instead: each is spoken through the stream (`Voice::stream_text`,
    /// default options) and timed from the call to its first chunk and to its last.
    #[arg(long, value_name = "FILE", conflicts_with = "ids_file")]
    pub text_file: Option<PathBuf>,
    /// With `--text-file`: speak a long first sentence whole (no early cut of the stream's
    /// first chunk, `TextLimits::first_chunk_phonemes` = 0).
    #[arg(long, requires = "text_file")]
    pub no_early_cut: bool,
    /// Timed runs per line (after one warm-up).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub runs: usize,
    /// Frames per window (windowed synthesis; default: the library's `WINDOW_FRAMES`); windows
    /// double from the first up to this.
    #[arg(long, value_name = "FRAMES")]
    pub window: Option<usize>,
    /// Frames in the first window. Default: with `--ids-file`, `WINDOW_FRAMES` (whole-utterance
    /// synthesis, as `sotto speak` writes a file: no ramp); with `--text-file`, the stream's
    /// own plan (`FIRST_WINDOW_FRAMES` doubling, for sentences in its first `RAMP_SECONDS`).
    #[arg(long, value_name = "FRAMES")]
    pub first_window: Option<usize>,
    /// Threads vocoding windows in parallel (`sotto::pool`; default 1). With `--ids-file` above
    /// 1, each line is timed as a whole through `sotto::pool::run` (no per-stage times).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// With `--text-file`: the early cut's budget in phoneme characters
    /// (`TextLimits::first_chunk_phonemes`; default the library's `FIRST_CHUNK_PHONEMES`).
    #[arg(
        long,
        value_name = "PHONEMES",
        requires = "text_file",
        conflicts_with = "no_early_cut"
    )]
    pub first_chunk: Option<usize>,
    /// Run the flow and the vocoder on burn's ops instead of the CPU kernels (the reference
    /// path; for before / after comparisons in one binary).
    #[arg(long)]
    pub burn_ops: bool,
}

/// Where `speak` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// `-`: WAV on stdout.
    Stdout,
    /// A file; `.f32` means raw samples, anything else WAV.
    File(PathBuf),
}

fn parse_output(s: &str) -> Result<Output, String> {
    match s {
        "-" => Ok(Output::Stdout),
        "" => Err("an empty output name".into()),
        _ => Ok(Output::File(PathBuf::from(s))),
    }
}

/// A parsed `--ids` list (a newtype: clap would read a bare `Vec` as repeated values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ids(pub Vec<i64>);

fn parse_ids(s: &str) -> Result<Ids, String> {
    sotto::ids::parse_id_list(s)
        .map(Ids)
        .ok_or_else(|| "expected comma-separated integers".into())
}

/// `--speaker`: the textual form of [`Speaker::parse`] (range and names are checked against
/// the voice later).
fn parse_speaker(s: &str) -> Result<Speaker, String> {
    Speaker::parse(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("sotto").chain(args.iter().copied()))
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn speak_reads_every_option() {
        let cli = parse(&[
            "speak",
            "--voice",
            "v",
            "--out",
            "-",
            "--ids",
            "1,0,2",
            "--length-scale",
            "1.5",
            "--noise-scale",
            "0",
            "--noise-w",
            "0.5",
            "--speaker",
            "0",
            "--seed",
            "7",
        ])
        .unwrap();
        let Command::Speak(a) = cli.command else {
            panic!("not speak")
        };
        assert_eq!(a.out, Output::Stdout);
        assert_eq!(a.input.ids, Some(Ids(vec![1, 0, 2])));
        assert_eq!(a.options.length_scale, Some(1.5));
        assert_eq!(a.options.seed, Some(7));
        assert_eq!(a.options.speaker, Some(Speaker::Index(0)));
    }

    #[test]
    fn usage_errors_are_refused_by_the_parser() {
        for bad in [
            &[
                "speak",
                "--voice",
                "v",
                "--out",
                "x.wav",
                "--text",
                "a",
                "--phonemes",
                "b",
            ][..],
            &["speak", "--voice", "v", "--out", "x.wav", "--ids", "1,x"],
            &["speak", "--voice", "v", "--out", "x.wav", "--seed", "-1"],
            &["speak", "--voice", "v", "--out", "x.wav", "--threads", "0"],
            &["speak", "--voice", "v", "--out", "x.wav", "--threads", "65"],
            &[
                "speak",
                "--voice",
                "v",
                "--out",
                "x.wav",
                "--speaker",
                "a=1,b",
            ],
            &[
                "speak",
                "--voice",
                "v",
                "--out",
                "x.wav",
                "--speaker",
                "a=-1",
            ],
            &["speak", "--voice", "v"],
            &["convert", "a.onnx", "--out", "d"],
            &[
                "convert",
                "a.onnx",
                "a.onnx.json",
                "--out",
                "d",
                "--dtype",
                "f64",
            ],
            &[
                "convert",
                "a.onnx",
                "a.onnx.json",
                "--out",
                "d",
                "--keep-f32",
                "emb_g",
            ],
            &["bench", "--voice", "v", "--ids-file", "f", "--runs", "x"],
            &["normalize", "extra"],
            &["unknown"],
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn help_and_version_exit_zero() {
        for args in [
            &["--help"][..],
            &["--version"],
            &["speak", "--help"],
            &["help"],
        ] {
            let e = parse(args).unwrap_err();
            assert_eq!(e.exit_code(), 0, "{args:?}");
        }
    }

    #[test]
    fn phonemize_lts_is_a_flag() {
        let Command::Phonemize(a) = parse(&["phonemize", "--lts"]).unwrap().command else {
            panic!("not phonemize")
        };
        assert!(a.lts && a.lexicon.is_none());
    }

    #[test]
    fn convert_reads_dtype_and_parts_kept_in_f32() {
        let cli = parse(&[
            "convert",
            "a.onnx",
            "a.onnx.json",
            "--out",
            "d",
            "--dtype",
            "f16",
            "--keep-f32",
            "dp",
            "--keep-f32",
            "dec",
        ])
        .unwrap();
        let Command::Convert(a) = cli.command else {
            panic!("not convert")
        };
        assert_eq!(a.dtype, ShardDtype::F16);
        assert_eq!(a.keep_f32, vec![ModelPart::Dp, ModelPart::Dec]);
    }
}
