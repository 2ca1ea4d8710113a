//! The trust boundary in one table: every bound Sotto enforces on what it is given — a voice
//! (manifest, shards, architecture), a synthesis request, a text — as named constants, plus the
//! checks that are only bounds ([`check_architecture`], [`is_plain_name`]).
//!
//! Everything crossing into the crate is untrusted: the manifest and shards come over the
//! network, options and text come from a page or a command line. Each stage refuses with a
//! typed error that names the field or the limit, never the offending bytes or text:
//!
//! | What | Checked in | Refusal |
//! |---|---|---|
//! | manifest bytes, names, counts, sample rate, inference defaults | [`crate::manifest`] | [`crate::manifest::ManifestError`] |
//! | catalog bytes, voice count, ids, relative manifest URLs, digests | [`crate::catalog`] | [`crate::catalog::CatalogError`] |
//! | architecture ranges (below) | [`check_architecture`] | [`ConfigError`] |
//! | shard size, SHA-256, safetensors header, names, ranks | [`crate::weights`] | [`crate::weights::WeightsError`] |
//! | option ranges, id count, frames per call | [`crate::model`] | [`crate::SynthesisError`] |
//! | speaker index, name, blend size and weights | [`crate::speaker`] | [`crate::SynthesisError`] |
//! | text length, script, sentence and chunk sizes | [`crate::text`] | [`crate::text::TextError`] |
//! | ONNX and Piper config read by `sotto convert` | `crate::convert` (native) | `ConvertError` |
//!
//! The JavaScript shell does not repeat these ranges: it passes values through and reports the
//! error Rust returns.

use crate::model::config::VitsConfig;
use std::ops::RangeInclusive;

// ---- The voice package -------------------------------------------------------------------

/// Largest `manifest.json` accepted, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 1 << 20;
/// Largest `manifest.json.sig` accepted, in bytes (88 base64 characters plus whitespace).
pub const MAX_SIGNATURE_FILE_BYTES: usize = 256;
/// Most shards a voice may have.
pub const MAX_SHARDS: usize = 64;
/// Largest shard, in bytes (the converter splits below this; browsers fetch one at a time).
pub const MAX_SHARD_BYTES: u64 = 16 * 1024 * 1024;
/// Largest safetensors JSON header, in bytes (upstream allows 100 MB; a shard's is a few KiB).
pub const MAX_HEADER_BYTES: usize = 1 << 20;
/// Highest tensor rank (in a shard header and in the manifest's tensor list).
pub const MAX_TENSOR_RANK: usize = 8;
/// Longest tensor name, in bytes (`[A-Za-z0-9._]` only).
pub const MAX_TENSOR_NAME_LEN: usize = 128;
/// Length of a plain name (voice id, language, shard file), in bytes.
pub const PLAIN_NAME_LEN: RangeInclusive<usize> = 1..=96;
/// Output sample rates a voice may declare, in Hz.
pub const SAMPLE_RATE_HZ: RangeInclusive<u32> = 8_000..=96_000;
/// Most ids one phoneme may map to in `phoneme_id_map` (Piper maps each to exactly one).
pub const MAX_IDS_PER_PHONEME: usize = 8;
/// Speakers a voice may declare (libritts_r, the largest Piper voice, has 904).
pub const SPEAKERS: RangeInclusive<usize> = 1..=4096;
/// Length of a speaker name in `speaker_id_map`, in bytes (no control characters); the map has
/// at most [`SPEAKERS`]`.end()` names.
pub const SPEAKER_NAME_LEN: RangeInclusive<usize> = 1..=128;

// ---- The voice catalog (`catalog.json`, see [`crate::catalog`]) -------------------------

/// Largest `catalog.json` accepted, in bytes (a voice with 904 named speakers takes ~10 KiB).
pub const MAX_CATALOG_BYTES: usize = 1 << 20;
/// Most voices one catalog may list.
pub const MAX_CATALOG_VOICES: usize = 256;
/// Most `/`-separated plain names in a catalog entry's relative manifest URL.
pub const MAX_CATALOG_MANIFEST_DEPTH: usize = 4;
/// Largest download a catalog entry may declare: every shard at its largest.
pub const MAX_VOICE_DOWNLOAD_BYTES: u64 = MAX_SHARDS as u64 * MAX_SHARD_BYTES;

// ---- The architecture (`manifest.model`, see [`VitsConfig`]) ------------------------------
// Wide enough for every Piper VITS voice (x-low … high); tight enough that a hostile manifest
// cannot ask for absurd memory or work.

/// Symbols in the phoneme table.
pub const N_VOCAB: RangeInclusive<usize> = 4..=4096;
/// Speaker embedding width (0 exactly when single-speaker).
pub const GIN_CHANNELS_MAX: usize = 1024;
/// Text encoder width, latent width, HiFi-GAN first width.
pub const CHANNELS: RangeInclusive<usize> = 2..=1024;
/// Duration predictor width.
pub const DP_FILTER_CHANNELS: RangeInclusive<usize> = 1..=1024;
/// Text encoder FFN width.
pub const FILTER_CHANNELS: RangeInclusive<usize> = 1..=4096;
/// Attention heads (must divide the encoder width).
pub const N_HEADS: RangeInclusive<usize> = 1..=16;
/// Text encoder layers.
pub const ENCODER_LAYERS: RangeInclusive<usize> = 1..=24;
/// Odd convolution kernels in the encoder, duration predictor and flow.
pub const KERNEL_SIZE: RangeInclusive<usize> = 1..=15;
/// Relative attention window.
pub const WINDOW_SIZE: RangeInclusive<usize> = 1..=64;
/// DDSConv layers of the duration predictor.
pub const DP_DDS_LAYERS: RangeInclusive<usize> = 1..=8;
/// Conv flows of the duration predictor; coupling layers and WaveNet layers of the flow.
pub const FLOW_LAYERS: RangeInclusive<usize> = 1..=16;
/// Spline bins.
pub const SPLINE_BINS: RangeInclusive<usize> = 2..=64;
/// Spline tail bound (exclusive of 0).
pub const SPLINE_TAIL_BOUND_MAX: f32 = 100.0;
/// WaveNet dilation rate of the flow.
pub const FLOW_DILATION_RATE: RangeInclusive<usize> = 1..=4;
/// Upsampling stages of the vocoder.
pub const UPSAMPLE_STAGES: RangeInclusive<usize> = 1..=6;
/// Stride of one upsampling stage (its kernel is within stride..=[`UPSAMPLE_KERNEL_MAX`]).
pub const UPSAMPLE_RATE: RangeInclusive<usize> = 1..=16;
/// Largest upsampling kernel.
pub const UPSAMPLE_KERNEL_MAX: usize = 64;
/// Samples per latent frame (product of the upsampling strides).
pub const HOP_LENGTH: RangeInclusive<usize> = 1..=2048;
/// Residual block kernels per stage, and dilations per kernel.
pub const RESBLOCKS: RangeInclusive<usize> = 1..=8;
/// Odd residual block kernel.
pub const RESBLOCK_KERNEL: RangeInclusive<usize> = 1..=31;
/// Residual block dilation.
pub const RESBLOCK_DILATION: RangeInclusive<usize> = 1..=64;

// ---- One synthesis call ------------------------------------------------------------------

/// Most phoneme ids one call accepts (attention is quadratic in this).
pub const MAX_IDS: usize = 1024;
/// Most latent frames one synthesis call (one sentence chunk) produces. A chunk of
/// [`MAX_PHONEMES_PER_CHUNK`] at `length_scale` 5 needs about 5,000 (measured: 4,885).
pub const MAX_FRAMES: usize = 8192;
/// Most output samples one synthesis call produces: frames × hop length, so a voice with larger
/// upsampling strides cannot multiply the vocoder's work and memory ([`MAX_FRAMES`] frames of
/// Piper's hop of 256: ≈ 95 s at 22.05 kHz).
pub const MAX_SAMPLES_PER_SYNTHESIS: usize = MAX_FRAMES * 256;
/// Latent frames in the first window of a sentence (windowed synthesis,
/// `Voice::windows`): small, so the first audio comes early (0.19 s of audio at 22.05 kHz).
/// Later windows double up to [`WINDOW_FRAMES`] (16, 32, 64, 128), each computed in less time
/// than the audio before it plays natively (measured in BENCHMARKS.md, "Windowed synthesis"
/// and "First audio: early cut").
pub const FIRST_WINDOW_FRAMES: usize = 16;
/// Latent frames in each later window (reached by doubling from [`FIRST_WINDOW_FRAMES`]): the
/// flow and vocoder's memory is set by this (plus the halos), not by the sentence. 128 frames
/// is within noise of whole-sentence throughput (64 costs 17% more: each window recomputes its
/// halos), measured in BENCHMARKS.md.
pub const WINDOW_FRAMES: usize = 128;
/// A stream's sentences that start less than this many seconds of audio into the stream get
/// the ramp of windows from [`FIRST_WINDOW_FRAMES`] (`Voice::windows`); later ones start at
/// [`WINDOW_FRAMES`] (`Voice::steady_windows`): by then the audio already made is ahead of
/// playback by more than one full window takes, and small windows cost ~20% more time.
pub const RAMP_SECONDS: u32 = 3;
/// Most seconds of audio one text call (`Voice::speak_text`, the sum of its sentences) may
/// produce; refused before the sentence that would pass it is vocoded. A 1,000-character
/// sentence at `length_scale` 5 is about 3 minutes.
pub const MAX_SPOKEN_SECONDS: u32 = 600;
/// Most speakers one speaker blend may mix ([`crate::speaker`]).
pub const MAX_BLEND: usize = 64;
/// Longest textual speaker choice (`--speaker`, a JS string), in bytes.
pub const MAX_SPEAKER_TEXT: usize = 8 * 1024;
/// Largest synthesis options JSON the browser engine accepts, in bytes (a blend of
/// [`MAX_BLEND`] long names fits).
pub const MAX_OPTIONS_JSON: usize = 64 * 1024;
/// `length_scale`: duration multiplier, > 1 is slower.
pub const LENGTH_SCALE: RangeInclusive<f32> = 0.1..=5.0;
/// `noise_scale`: prior noise; 0 is deterministic.
pub const NOISE_SCALE: RangeInclusive<f32> = 0.0..=2.0;
/// `noise_w`: duration noise; 0 is deterministic.
pub const NOISE_W: RangeInclusive<f32> = 0.0..=2.0;

// ---- Text ---------------------------------------------------------------------------------
// The defaults of `text::TextLimits` (a caller may lower them; zero is refused).

/// Most characters (Unicode scalar values) in one text.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Longer sentences are cut at clause or word boundaries before phonemization.
pub const MAX_SENTENCE_CHARS: usize = 1_000;
/// Most phoneme characters in one phonemized chunk (one synthesis call).
pub const MAX_PHONEMES_PER_CHUNK: usize = 400;
/// Early cut of a stream's first chunk (`TextLimits::first_chunk_phonemes`): a first
/// sentence (chunk) longer than this many phoneme characters (each word counted with 2 more,
/// as for [`MAX_PHONEMES_PER_CHUNK`]) has its first clause, or first words, spoken as a chunk
/// of its own, so the first audio waits for preparing only that (measured in BENCHMARKS.md,
/// "First audio: early cut", and "First audio in the browser: a 48-phoneme first chunk": 80
/// missed 300 ms in the browser on a 42-word sentence, whose text encoder over the first
/// clause alone took ~180 ms of wasm). Later sentences are prepared while earlier audio plays.
pub const FIRST_CHUNK_PHONEMES: usize = 48;
/// Most bytes the CLI reads from stdin for one text: [`MAX_TEXT_CHARS`] of up to 4 UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = MAX_TEXT_CHARS * 4 + 4;

// ---- `sotto convert` (native) -------------------------------------------------------------

/// Largest ONNX file the converter reads (Piper's high voices are ~115 MB).
pub const MAX_ONNX_BYTES: u64 = 1 << 30;
/// Most decoded elements accepted: 20× a Piper voice (en_US-joe-medium has 12,401); each
/// element costs at most a few hundred bytes decoded, so decoding stays under ~50 MB beyond
/// the tensor data.
pub const MAX_ONNX_ITEMS: usize = 250_000;
/// Largest Piper `.onnx.json` the converter reads.
pub const MAX_PIPER_CONFIG_BYTES: u64 = 1 << 20;

// ---- Files the CLI reads (native) ---------------------------------------------------------
// Every file is read through [`read_at_most`], so a file that is larger (or endless, or growing)
// costs at most its bound + 1 bytes before it is refused.

/// Largest `--lexicon` file (CMUdict itself is ~3.6 MB).
pub const MAX_LEXICON_BYTES: u64 = 16 << 20;
/// Largest `--ids-file` of `sotto bench` (one utterance of up to [`MAX_IDS`] ids a line).
pub const MAX_IDS_FILE_BYTES: u64 = 4 << 20;

/// Reads all of `from` if it holds at most `max` bytes; `Ok(None)` if it holds more (reading
/// stops after `max` + 1 bytes, so an endless source is refused, not buffered).
pub fn read_at_most(from: impl std::io::Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    from.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// What one text call has spoken so far, against [`MAX_SPOKEN_SECONDS`]: charge each sentence
/// before it is vocoded, so the call stops at the bound instead of producing it all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpokenBudget {
    left: u64,
}

impl SpokenBudget {
    /// [`MAX_SPOKEN_SECONDS`] of audio at `sample_rate` Hz.
    pub fn new(sample_rate: u32) -> Self {
        Self {
            left: u64::from(MAX_SPOKEN_SECONDS) * u64::from(sample_rate),
        }
    }

    /// Takes `samples` from the budget, or refuses if fewer are left.
    pub fn charge(&mut self, samples: usize) -> Result<(), crate::SynthesisError> {
        let samples = u64::try_from(samples).unwrap_or(u64::MAX);
        self.left = self
            .left
            .checked_sub(samples)
            .ok_or(crate::SynthesisError::SpokenTooLong {
                max_seconds: MAX_SPOKEN_SECONDS,
            })?;
        Ok(())
    }
}

/// An architecture field outside its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("manifest field {field} is invalid")]
pub struct ConfigError {
    /// The first failing field, as named in the manifest (`model.n_heads`, `model.upsample`).
    pub field: &'static str,
}

/// Is `s` a plain identifier usable as a file or URL path segment (no separators, no `..`,
/// no leading dot)?
pub fn is_plain_name(s: &str) -> bool {
    PLAIN_NAME_LEN.contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !s.starts_with('.')
        && !s.contains("..")
}

/// Bounds every architecture field so a hostile manifest cannot ask for absurd work or memory.
pub fn check_architecture(c: &VitsConfig) -> Result<(), ConfigError> {
    let odd_kernel = |k: usize| KERNEL_SIZE.contains(&k) && k % 2 == 1;
    let checks: [(&'static str, bool); 20] = [
        ("model.n_vocab", N_VOCAB.contains(&c.n_vocab)),
        ("model.n_speakers", SPEAKERS.contains(&c.n_speakers)),
        (
            "model.gin_channels",
            c.gin_channels <= GIN_CHANNELS_MAX && (c.n_speakers == 1) == (c.gin_channels == 0),
        ),
        (
            "model.hidden_channels",
            CHANNELS.contains(&c.hidden_channels),
        ),
        (
            "model.inter_channels",
            CHANNELS.contains(&c.inter_channels) && c.inter_channels.is_multiple_of(2),
        ),
        (
            "model.filter_channels",
            FILTER_CHANNELS.contains(&c.filter_channels),
        ),
        (
            "model.n_heads",
            N_HEADS.contains(&c.n_heads) && c.hidden_channels.is_multiple_of(c.n_heads),
        ),
        ("model.n_layers", ENCODER_LAYERS.contains(&c.n_layers)),
        ("model.kernel_size", odd_kernel(c.kernel_size)),
        ("model.window_size", WINDOW_SIZE.contains(&c.window_size)),
        (
            "model.dp_filter_channels",
            DP_FILTER_CHANNELS.contains(&c.dp_filter_channels),
        ),
        ("model.dp_kernel_size", odd_kernel(c.dp_kernel_size)),
        (
            "model.dp_dds_layers",
            DP_DDS_LAYERS.contains(&c.dp_dds_layers),
        ),
        (
            "model.dp_conv_flows",
            FLOW_LAYERS.contains(&c.dp_conv_flows),
        ),
        ("model.dp_num_bins", SPLINE_BINS.contains(&c.dp_num_bins)),
        (
            "model.dp_tail_bound",
            c.dp_tail_bound.is_finite()
                && c.dp_tail_bound > 0.0
                && c.dp_tail_bound <= SPLINE_TAIL_BOUND_MAX,
        ),
        (
            "model.flow",
            FLOW_LAYERS.contains(&c.flow_n_flows)
                && FLOW_LAYERS.contains(&c.flow_n_layers)
                && FLOW_DILATION_RATE.contains(&c.flow_dilation_rate)
                && odd_kernel(c.flow_kernel_size),
        ),
        (
            "model.upsample",
            CHANNELS.contains(&c.upsample_initial_channel)
                && UPSAMPLE_STAGES.contains(&c.upsample_rates.len())
                && c.upsample_rates.len() == c.upsample_kernel_sizes.len()
                && c.upsample_rates
                    .iter()
                    .zip(&c.upsample_kernel_sizes)
                    .all(|(&u, &k)| {
                        UPSAMPLE_RATE.contains(&u)
                            && (u..=UPSAMPLE_KERNEL_MAX).contains(&k)
                            && (k - u) % 2 == 0
                    })
                && c.upsample_initial_channel >> c.upsample_rates.len() >= 1
                && HOP_LENGTH.contains(&c.hop_length()),
        ),
        ("model.resblock", c.resblock == "1" || c.resblock == "2"),
        (
            "model.resblock_sizes",
            RESBLOCKS.contains(&c.resblock_kernel_sizes.len())
                && c.resblock_kernel_sizes.len() == c.resblock_dilation_sizes.len()
                && c.resblock_kernel_sizes
                    .iter()
                    .all(|&k| RESBLOCK_KERNEL.contains(&k) && k % 2 == 1)
                && c.resblock_dilation_sizes.iter().all(|d| {
                    RESBLOCKS.contains(&d.len())
                        && d.iter().all(|x| RESBLOCK_DILATION.contains(x))
                        && (c.resblock != "2" || d.len() == 2)
                        && (c.resblock != "1" || d.len() == 3)
                }),
        ),
    ];
    match checks.iter().find(|(_, ok)| !ok) {
        Some(&(field, _)) => Err(ConfigError { field }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        assert!(is_plain_name("en_US-joe-medium"));
        assert!(is_plain_name("acoustic-00.safetensors"));
        assert!(is_plain_name(&"a".repeat(*PLAIN_NAME_LEN.end())));
        for bad in [
            "", "../x", "a/b", "a\\b", ".hidden", "a..b", "x y", "%2e%2e", "a:b",
        ] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        assert!(!is_plain_name(&"a".repeat(*PLAIN_NAME_LEN.end() + 1)));
    }

    #[test]
    fn a_real_architecture_passes_and_each_bad_field_is_named() {
        assert_eq!(
            check_architecture(&crate::model::config::joe_medium()),
            Ok(())
        );
        type Spoil = fn(&mut VitsConfig);
        let cases: [(&str, Spoil); 8] = [
            ("model.n_vocab", |c| c.n_vocab = *N_VOCAB.end() + 1),
            ("model.gin_channels", |c| c.gin_channels = 256),
            ("model.n_heads", |c| c.n_heads = 5),
            ("model.kernel_size", |c| c.kernel_size = 4),
            ("model.dp_tail_bound", |c| c.dp_tail_bound = f32::NAN),
            ("model.upsample", |c| c.upsample_kernel_sizes[0] = 7),
            ("model.upsample", |c| c.upsample_rates = vec![16; 3]),
            ("model.resblock_sizes", |c| {
                c.resblock_dilation_sizes[1] = vec![1, 2, 3]
            }),
        ];
        for (field, spoil) in cases {
            let mut c = crate::model::config::joe_medium();
            spoil(&mut c);
            assert_eq!(
                check_architecture(&c),
                Err(ConfigError { field }),
                "{field}"
            );
        }
    }

    #[test]
    fn option_ranges_refuse_nan_and_infinity() {
        for r in [LENGTH_SCALE, NOISE_SCALE, NOISE_W] {
            assert!(!r.contains(&f32::NAN) && !r.contains(&f32::INFINITY));
            assert!(r.contains(r.start()) && r.contains(r.end()));
        }
    }

    #[test]
    fn a_call_stops_at_the_spoken_bound() {
        let rate = 22_050;
        let mut b = SpokenBudget::new(rate);
        let sentence = MAX_SAMPLES_PER_SYNTHESIS;
        let fit = (MAX_SPOKEN_SECONDS as usize * rate as usize) / sentence;
        for _ in 0..fit {
            assert_eq!(b.charge(sentence), Ok(()));
        }
        let refused = Err(crate::SynthesisError::SpokenTooLong {
            max_seconds: MAX_SPOKEN_SECONDS,
        });
        assert_eq!(b.charge(sentence), refused);
        assert_eq!(SpokenBudget::new(rate).charge(usize::MAX), refused);
    }

    #[test]
    fn reads_stop_after_the_bound() {
        let endless = std::io::repeat(7);
        assert!(read_at_most(endless, 1000).unwrap().is_none());
        assert_eq!(
            read_at_most(&[1u8, 2, 3][..], 3).unwrap(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(read_at_most(&[1u8, 2, 3, 4][..], 3).unwrap(), None);
    }

    #[test]
    fn text_byte_cap_covers_the_char_limit() {
        assert!(MAX_TEXT_BYTES >= MAX_TEXT_CHARS * char::MAX.len_utf8());
    }
}
