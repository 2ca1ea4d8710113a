//! Parallel vocoding, natively: the calling thread runs the stream in latent mode (text
//! front-end, [`Voice::prepare`], the flow: [`Stream::next_latent`]) while `threads` scoped
//! worker threads vocode the windows ([`Voice::vocode_window`]); chunks come back in stream
//! order through a reorder buffer, each with the same samples, words and sentence info as
//! [`Stream::next`] gives (windows are independent: each carries its halo).
//!
//! burn's `flex` CPU backend runs every op on the calling thread here (its `rayon` feature is
//! off), so this is the only parallelism. The voice is shared, not copied: its modules are
//! `Sync`, and each worker builds its own tensors from its window's host data.
//!
//! At most `2 × threads` windows are in flight (latent frames waiting or being vocoded, audio
//! waiting for an earlier window), so memory stays bounded by the window, not the text.

use crate::latent::LatentWindow;
use crate::stream::{Chunk, Stream};
use crate::{Result, Voice};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Mutex, mpsc};

/// Upper bound on vocoder threads (each holds one window's activations).
pub const MAX_THREADS: usize = 64;

/// The default thread count: the cores available to this process (1 if unknown), at most
/// [`MAX_THREADS`].
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
}

/// Runs `stream` (made from `voice`) to its end, vocoding on `threads` threads (clamped to
/// `1..=MAX_THREADS`; 1 is [`Stream::next`] on this thread), and hands each chunk to
/// `on_chunk` in stream order. The first error (the stream's, a worker's or `on_chunk`'s) ends
/// the run and is returned once the workers have stopped.
pub fn run<V: Deref<Target = Voice>>(
    voice: &Voice,
    stream: &mut Stream<V>,
    threads: usize,
    mut on_chunk: impl FnMut(Chunk) -> Result<()>,
) -> Result<()> {
    let threads = threads.clamp(1, MAX_THREADS);
    if threads == 1 {
        while let Some(c) = pollster::block_on(stream.next())? {
            on_chunk(c)?;
        }
        return Ok(());
    }
    // The workers vocode with `voice`: it must be the one the stream's latents come from.
    if !std::ptr::eq(voice, stream.voice()) {
        return Err(crate::SynthesisError::Backend.into());
    }
    let (job_tx, job_rx) = mpsc::channel::<(usize, LatentWindow)>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Result<Vec<f32>>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (jobs, done) = (&job_rx, done_tx.clone());
            scope.spawn(move || {
                loop {
                    // A poisoned lock means another worker panicked: stop taking work.
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((i, w)) = job else { return };
                    let out = pollster::block_on(voice.vocode_window(&w));
                    if done.send((i, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut order = Reorder::default();
        let result = (|| {
            let mut sent = 0usize;
            while let Some(lc) = pollster::block_on(stream.next_latent())? {
                order.waiting.insert(sent, lc.chunk);
                job_tx
                    .send((sent, lc.latent))
                    .map_err(|_| crate::SynthesisError::Backend)?;
                sent += 1;
                while sent - order.next >= 2 * threads {
                    order.receive(&done_rx, &mut on_chunk)?;
                }
            }
            while order.next < sent {
                order.receive(&done_rx, &mut on_chunk)?;
            }
            Ok(())
        })();
        // Ends the workers (after the job each holds): the scope then joins them.
        drop(job_tx);
        result
    })
}

/// Chunks waiting for their samples, and samples that came back before an earlier window's.
#[derive(Default)]
struct Reorder {
    /// Chunks (words, timings, no samples) by stream index.
    waiting: BTreeMap<usize, Chunk>,
    /// Vocoded samples by stream index, not yet handed on.
    ready: BTreeMap<usize, Vec<f32>>,
    /// The next index to hand on.
    next: usize,
}

impl Reorder {
    /// Takes one result from the workers, then hands on every chunk that is now in order.
    fn receive(
        &mut self,
        done: &mpsc::Receiver<(usize, Result<Vec<f32>>)>,
        on_chunk: &mut impl FnMut(Chunk) -> Result<()>,
    ) -> Result<()> {
        let (i, samples) = done.recv().map_err(|_| crate::SynthesisError::Backend)?;
        self.ready.insert(i, samples?);
        while let Some(samples) = self.ready.remove(&self.next) {
            let mut chunk = self
                .waiting
                .remove(&self.next)
                .ok_or(crate::SynthesisError::Backend)?;
            chunk.samples = samples;
            self.next += 1;
            on_chunk(chunk)?;
        }
        Ok(())
    }
}
