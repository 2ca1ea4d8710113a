//! The crate's error type: one enum per boundary (manifest, weights, synthesis), joined here.
//!
//! Messages name the failing shard, tensor or option, never a filesystem path, a line of user
//! text, or an internal detail of a dependency.

use crate::manifest::ManifestError;
use crate::weights::WeightsError;

/// Anything Sotto can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The voice manifest is malformed or names something unsafe.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The manifest's signature or pinned digest did not verify (checked before parsing).
    #[error(transparent)]
    Signature(#[from] crate::signing::SignatureError),
    /// A weight shard failed its integrity check or could not be parsed.
    #[error(transparent)]
    Weights(#[from] WeightsError),
    /// The input text was refused (empty, too long, unsupported script).
    #[error(transparent)]
    Text(#[from] crate::text::TextError),
    /// The synthesis request was out of bounds.
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    /// A stream was used out of order (text pushed after closing it).
    #[error(transparent)]
    Stream(#[from] crate::stream::StreamError),
}

/// Refusals of a synthesis request (checked before any tensor is built).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthesisError {
    /// No phoneme ids were given (after dropping unknown phonemes).
    #[error("nothing to synthesize: the phoneme sequence is empty")]
    EmptyInput,
    /// More phoneme ids than one synthesis call accepts.
    #[error("too many phoneme ids in one call: {len} (at most {max})")]
    TooManyIds {
        /// Ids given.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A phoneme id outside the voice's symbol table.
    #[error("phoneme id {id} is outside the voice's symbol table (0..{n_vocab})")]
    IdOutOfRange {
        /// The offending id.
        id: i64,
        /// Number of symbols the voice knows.
        n_vocab: usize,
    },
    /// A speaker id the voice does not have.
    #[error("speaker {speaker} does not exist (the voice has {num_speakers})")]
    UnknownSpeaker {
        /// Requested speaker.
        speaker: usize,
        /// Speakers in the voice.
        num_speakers: usize,
    },
    /// A speaker name the voice's `speaker_id_map` lacks (the name is not repeated).
    #[error("the voice has no speaker of that name ({named} speakers are named)")]
    UnknownSpeakerName {
        /// Names in the voice's `speaker_id_map`.
        named: usize,
    },
    /// A malformed speaker choice or blend ([`crate::speaker`]).
    #[error("invalid speaker choice: {reason}")]
    BadSpeaker {
        /// What is wrong.
        reason: &'static str,
    },
    /// Text was given to a voice of a language the text front-end does not speak.
    #[error(
        "this voice speaks {language}; the text front-end speaks English: pass phonemes instead"
    )]
    TextLanguage {
        /// The voice's language code (validated manifest field), e.g. `de_DE`.
        language: String,
    },
    /// An inference option is not finite or outside its range.
    #[error("option {name} must be within {min}..={max}")]
    OptionOutOfRange {
        /// Option name (as in Piper's config: `length_scale`, `noise_scale`, `noise_w`).
        name: &'static str,
        /// Smallest accepted value.
        min: f32,
        /// Largest accepted value.
        max: f32,
    },
    /// The predicted durations would make audio longer than one call may produce.
    #[error("the utterance would be too long ({frames} frames, at most {max}); split the input")]
    TooLong {
        /// Predicted frames.
        frames: usize,
        /// The bound.
        max: usize,
    },
    /// The audio would have more samples than one synthesis call may produce
    /// ([`crate::limits::MAX_SAMPLES_PER_SYNTHESIS`]: frames × the voice's hop length).
    #[error("the utterance would be too long ({samples} samples, at most {max}); split the input")]
    TooManySamples {
        /// Predicted samples (frames × hop length).
        samples: usize,
        /// The bound.
        max: usize,
    },
    /// The text would make more audio than one call may produce
    /// ([`crate::limits::MAX_SPOKEN_SECONDS`]).
    #[error("the text would be spoken for more than {max_seconds} seconds; split it")]
    SpokenTooLong {
        /// The bound, in seconds.
        max_seconds: u32,
    },
    /// A window of frames outside the prepared sentence, or empty
    /// (`Voice::synthesize_frames`).
    #[error("frames {start}..{end} are not a window of a sentence of {frames} frames")]
    WindowOutOfRange {
        /// First frame asked for.
        start: usize,
        /// One past the last frame asked for.
        end: usize,
        /// Frames in the sentence.
        frames: usize,
    },
    /// A latent window handed to a vocoder is malformed ([`crate::latent::LatentWindow::check`]).
    #[error("invalid latent window: {reason}")]
    InvalidLatent {
        /// What is wrong.
        reason: &'static str,
    },
    /// The compute backend failed (a device lost, a read-back refused).
    #[error("the compute backend failed while synthesizing")]
    Backend,
}

/// Crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
