//! Which speaker of a voice speaks: one by index, one by the name the voice's `speaker_id_map`
//! gives it, or a blend of several whose speaker embeddings (`emb_g` rows) are mixed.
//!
//! A [`Speaker`] is what a caller asks for; [`Speaker::resolve`] checks it against the voice
//! and gives the embedding weights ([`SpeakerMix`]) the model applies
//! (`g = Σ wᵢ · emb_g[idᵢ]`, then upstream VITS conditioning). Blend weights must be finite and
//! ≥ 0 with a positive sum; they are normalized to sum to 1, so `{a: 7, b: 3}` is
//! `{a: 0.7, b: 0.3}`. A blend names at most [`MAX_BLEND`] speakers, each once.
//!
//! The textual form ([`Speaker::parse`], used by `sotto speak --speaker` and by a JS string):
//! `3` (an index: digits only), `p225` (a name), `name:3922` (a name made of digits, as in
//! libritts voices), `p225=0.7,p226=0.3` (a blend; each entry `REF=WEIGHT`).
//! Errors never repeat a name the caller gave.

use crate::error::SynthesisError;
use std::collections::BTreeMap;

pub use crate::limits::{MAX_BLEND, MAX_SPEAKER_TEXT};
/// Prefix forcing a reference to be read as a name (for names made of digits).
pub const NAME_PREFIX: &str = "name:";

/// One speaker of a voice, by index or by name.
#[derive(Debug, Clone, PartialEq)]
pub enum SpeakerRef {
    /// The speaker id (`sid` in Piper), `0..num_speakers`.
    Index(usize),
    /// A key of the voice's `speaker_id_map`.
    Name(String),
}

/// The speaker a synthesis uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Speaker {
    /// One speaker by id.
    Index(usize),
    /// One speaker by name.
    Name(String),
    /// Several speakers' embeddings mixed, with weights ≥ 0 (normalized to sum to 1).
    Blend(Vec<(SpeakerRef, f32)>),
}

impl Default for Speaker {
    /// Speaker 0 (the only one of a single-speaker voice).
    fn default() -> Self {
        Self::Index(0)
    }
}

/// A resolved speaker choice: at least one distinct speaker id, weights summing to 1. Made only
/// by [`Speaker::resolve`], so its ids are in the voice's range.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerMix {
    weights: Vec<(usize, f32)>,
}

impl SpeakerMix {
    /// `(speaker id, weight)`, ids distinct and `< num_speakers`, weights ≥ 0 summing to 1.
    pub fn weights(&self) -> &[(usize, f32)] {
        &self.weights
    }
}

fn bad(reason: &'static str) -> SynthesisError {
    SynthesisError::BadSpeaker { reason }
}

impl SpeakerRef {
    /// Digits are an index; `name:X` is the name `X`; anything else is a name.
    pub fn parse(s: &str) -> Result<Self, SynthesisError> {
        if let Some(name) = s.strip_prefix(NAME_PREFIX) {
            return Ok(Self::Name(name.to_string()));
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for a usize is surely no speaker of any voice.
            return s
                .parse()
                .map(Self::Index)
                .map_err(|_| bad("the speaker index is too large"));
        }
        if s.is_empty() {
            return Err(bad("a speaker reference is empty"));
        }
        Ok(Self::Name(s.to_string()))
    }

    fn resolve(
        &self,
        num_speakers: usize,
        names: &BTreeMap<String, usize>,
    ) -> Result<usize, SynthesisError> {
        match self {
            Self::Index(i) if *i < num_speakers => Ok(*i),
            Self::Index(i) => Err(SynthesisError::UnknownSpeaker {
                speaker: *i,
                num_speakers,
            }),
            Self::Name(n) => names
                .get(n)
                .copied()
                .filter(|&i| i < num_speakers)
                .ok_or(SynthesisError::UnknownSpeakerName { named: names.len() }),
        }
    }
}

impl Speaker {
    /// The textual form (see the module docs): `3`, `p225`, `name:3922` or
    /// `p225=0.7,p226=0.3`.
    pub fn parse(s: &str) -> Result<Self, SynthesisError> {
        if s.len() > MAX_SPEAKER_TEXT {
            return Err(bad("the speaker choice is too long"));
        }
        if !s.contains(['=', ',']) {
            return Ok(match SpeakerRef::parse(s)? {
                SpeakerRef::Index(i) => Self::Index(i),
                SpeakerRef::Name(n) => Self::Name(n),
            });
        }
        let mut blend = Vec::new();
        for entry in s.split(',') {
            if blend.len() == MAX_BLEND {
                return Err(bad("a blend names too many speakers"));
            }
            let (r, w) = entry
                .rsplit_once('=')
                .ok_or(bad("each blend entry must be SPEAKER=WEIGHT"))?;
            let w: f32 = w
                .trim()
                .parse()
                .map_err(|_| bad("a blend weight is not a number"))?;
            if !w.is_finite() || w < 0.0 {
                return Err(bad("blend weights must be finite and at least 0"));
            }
            blend.push((SpeakerRef::parse(r.trim())?, w));
        }
        Ok(Self::Blend(blend))
    }

    /// Checks the choice against a voice with `num_speakers` speakers named by `names`, and
    /// gives the embedding weights.
    pub fn resolve(
        &self,
        num_speakers: usize,
        names: &BTreeMap<String, usize>,
    ) -> Result<SpeakerMix, SynthesisError> {
        let one = |r: SpeakerRef| {
            Ok(SpeakerMix {
                weights: vec![(r.resolve(num_speakers, names)?, 1.0)],
            })
        };
        let blend = match self {
            Self::Index(i) => return one(SpeakerRef::Index(*i)),
            Self::Name(n) => return one(SpeakerRef::Name(n.clone())),
            Self::Blend(b) => b,
        };
        if blend.is_empty() {
            return Err(bad("a blend names no speaker"));
        }
        if blend.len() > MAX_BLEND {
            return Err(bad("a blend names too many speakers"));
        }
        let mut weights: Vec<(usize, f32)> = Vec::with_capacity(blend.len());
        let mut sum = 0f32;
        for (r, w) in blend {
            if !w.is_finite() || *w < 0.0 {
                return Err(bad("blend weights must be finite and at least 0"));
            }
            let id = r.resolve(num_speakers, names)?;
            if weights.iter().any(|&(j, _)| j == id) {
                return Err(bad("a blend names one speaker twice"));
            }
            sum += w;
            weights.push((id, *w));
        }
        if !(sum.is_finite() && sum > 0.0) {
            return Err(bad("blend weights must have a positive, finite sum"));
        }
        for (_, w) in &mut weights {
            *w /= sum;
        }
        Ok(SpeakerMix { weights })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeMap<String, usize> {
        [("p225", 0), ("p226", 1), ("3922", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    fn mix(s: &str) -> Result<Vec<(usize, f32)>, SynthesisError> {
        Ok(Speaker::parse(s)?.resolve(4, &names())?.weights().to_vec())
    }

    #[test]
    fn textual_forms() {
        assert_eq!(Speaker::parse("3"), Ok(Speaker::Index(3)));
        assert_eq!(Speaker::parse("p225"), Ok(Speaker::Name("p225".into())));
        assert_eq!(
            Speaker::parse("name:3922"),
            Ok(Speaker::Name("3922".into()))
        );
        assert_eq!(
            Speaker::parse("p225=0.7, 2=0.3"),
            Ok(Speaker::Blend(vec![
                (SpeakerRef::Name("p225".into()), 0.7),
                (SpeakerRef::Index(2), 0.3)
            ]))
        );
    }

    #[test]
    fn resolution_by_index_name_and_blend() {
        assert_eq!(mix("2"), Ok(vec![(2, 1.0)]));
        assert_eq!(mix("p226"), Ok(vec![(1, 1.0)]));
        // Digits are an index; the prefix reads them as a name.
        assert_eq!(mix("name:3922"), Ok(vec![(3, 1.0)]));
        assert_eq!(mix("p225=0.7,p226=0.3"), Ok(vec![(0, 0.7), (1, 0.3)]));
        // Normalized to sum to 1; zero weights are allowed.
        assert_eq!(
            mix("p225=3,2=1,3=0"),
            Ok(vec![(0, 0.75), (2, 0.25), (3, 0.0)])
        );
        assert_eq!(mix("p226=1"), Ok(vec![(1, 1.0)]));
    }

    #[test]
    fn bad_choices_are_typed_errors() {
        let unknown = SynthesisError::UnknownSpeaker {
            speaker: 4,
            num_speakers: 4,
        };
        assert_eq!(mix("4"), Err(unknown.clone()));
        assert_eq!(mix("p225=1,4=1"), Err(unknown));
        assert_eq!(
            mix("3922"),
            Err(SynthesisError::UnknownSpeaker {
                speaker: 3922,
                num_speakers: 4
            })
        );
        let no_name = SynthesisError::UnknownSpeakerName { named: 3 };
        assert_eq!(mix("p999"), Err(no_name.clone()));
        assert_eq!(mix("p225=0.5,p999=0.5"), Err(no_name));
        for (s, why) in [
            ("", "empty"),
            ("99999999999999999999999", "too large"),
            ("p225=0.5,p226", "SPEAKER=WEIGHT"),
            ("p225=x", "not a number"),
            ("p225=-0.1,p226=1", "at least 0"),
            ("p225=NaN", "at least 0"),
            ("p225=inf", "at least 0"),
            ("p225=0,p226=0", "positive"),
            ("p225=3e38,p226=3e38", "positive"),
            ("p225=0.5,0=0.5", "twice"),
            ("=1", "empty"),
        ] {
            match mix(s) {
                Err(SynthesisError::BadSpeaker { reason }) => {
                    assert!(reason.contains(why), "{s:?}: {reason}")
                }
                other => panic!("{s:?}: {other:?}"),
            }
        }
        let many: Vec<String> = (0..=MAX_BLEND).map(|i| format!("{i}=1")).collect();
        assert!(matches!(
            Speaker::parse(&many.join(",")),
            Err(SynthesisError::BadSpeaker { .. })
        ));
        assert!(matches!(
            Speaker::parse(&"a".repeat(MAX_SPEAKER_TEXT + 1)),
            Err(SynthesisError::BadSpeaker { .. })
        ));
        let big = Speaker::Blend(
            (0..=MAX_BLEND)
                .map(|i| (SpeakerRef::Index(i), 1.0))
                .collect(),
        );
        assert!(matches!(
            big.resolve(4096, &names()),
            Err(SynthesisError::BadSpeaker { .. })
        ));
        assert!(matches!(
            Speaker::Blend(vec![]).resolve(4, &names()),
            Err(SynthesisError::BadSpeaker { .. })
        ));
    }

    #[test]
    fn errors_do_not_repeat_the_name() {
        let e = mix("secret-name")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!e.contains("secret"), "{e}");
        assert!(e.contains("3"), "{e}");
    }
}
