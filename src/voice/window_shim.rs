//! TEMPORARY stand-in for the windowed-synthesis interface of branch `h/window`
//! (`Prepared`, `Voice::prepare`, `Voice::windows`, `Voice::synthesize_frames`), so the stream
//! compiles before that branch is merged: one window per sentence, synthesized whole.
//! Removed when `h/window` is merged.

use super::Voice;
use crate::model::{self, SynthesisOptions};
use crate::{Result, rng};
use std::ops::Range;

/// A sentence after the text encoder and duration predictor.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Frames per phoneme id.
    pub durations: Vec<usize>,
    /// Latent frames of the sentence (at least one).
    pub frames: usize,
    ids: Vec<i64>,
    opts: SynthesisOptions,
}

impl Voice {
    /// Runs the text encoder and duration predictor.
    pub async fn prepare(&self, ids: &[i64], opts: &SynthesisOptions) -> Result<Prepared> {
        let mut rng = rng::Normal::new(opts.seed);
        let (durations, _) = self.acoustic.durations(ids, opts, &mut rng).await?;
        let frames = model::frame_index(&durations, self.manifest.model.hop_length())?.len();
        Ok(Prepared {
            durations,
            frames,
            ids: ids.to_vec(),
            #[allow(clippy::clone_on_copy)]
            opts: opts.clone(),
        })
    }

    /// Consecutive frame ranges covering `0..p.frames`.
    pub fn windows(&self, p: &Prepared) -> Vec<Range<usize>> {
        std::iter::once(0..p.frames).collect()
    }

    /// The samples of `frames` (`frames.len() * hop` of them).
    pub async fn synthesize_frames(&self, p: &Prepared, frames: Range<usize>) -> Result<Vec<f32>> {
        let hop = self.manifest.model.hop_length();
        let audio = self.synthesize_ids(&p.ids, &p.opts).await?;
        let s = frames.start.saturating_mul(hop).min(audio.samples.len());
        let e = frames
            .end
            .saturating_mul(hop)
            .min(audio.samples.len())
            .max(s);
        Ok(audio.samples.get(s..e).unwrap_or(&[]).to_vec())
    }
}
