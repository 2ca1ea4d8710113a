//! Streaming synthesis: the one place that orchestrates a call, natively (`Voice::speak_text`,
//! the CLI) and in the browser (the wasm `Engine`).
//!
//! A [`Stream`] owns everything between the caller's input and the audio:
//! - option validation (once, when the stream is made);
//! - text → sentences → phonemes ([`crate::text::phonemize_sentences_cut`]; a long sentence is
//!   several chunks, each its own "sentence" here), phonemes → ids (a phoneme input that would
//!   pass [`crate::limits::MAX_IDS`] is split between words);
//! - the **early cut** for first audio: a text stream's first chunk longer than
//!   [`TextLimits::first_chunk_phonemes`] (default [`crate::limits::FIRST_CHUNK_PHONEMES`])
//!   phoneme characters has its first clause (or first words) spoken as a sentence of its own,
//!   so the first window waits only for that piece's text encoder and duration predictor. This
//!   changes the audio of that sentence against speaking it whole (a phrase break, and the
//!   encoder sees each part alone): set `first_chunk_phonemes` to 0 to speak it whole;
//! - the seed policy: sentence `i` (counted from 0 over the whole stream) is synthesized with
//!   seed `opts.seed.wrapping_add(i)`, so each sentence is reproducible on its own and no two
//!   sentences share their noise;
//! - the spoken budget ([`SpokenBudget`], [`crate::limits::MAX_SPOKEN_SECONDS`] per stream):
//!   each sentence is charged its predicted length after the duration predictor and BEFORE it
//!   is vocoded; passing it is a typed error;
//! - one [`Chunk`] per window of latent frames, in order: a sentence that starts within
//!   [`crate::limits::RAMP_SECONDS`] of the stream's start gets the ramp of windows from
//!   [`crate::limits::FIRST_WINDOW_FRAMES`] ([`Voice::windows`], for early first audio), later
//!   ones full windows ([`Voice::steady_windows`]); [`Stream::whole_output`] gives full windows
//!   throughout;
//! - word timings in the caller's own text ([`WordTiming`]).
//!
//! **Word rule.** A word is a span of the caller's original input that the text front-end read
//! words from: spoken words read from one span (`$79.99` → "seventy nine dollars …",
//! `Jan. 3rd`, `10:30`) are one [`WordTiming`] covering all of them. Its time runs from the first
//! frame of its first phoneme to the last frame of its last phoneme (each phoneme with the pad
//! id after it), from the duration predictor's frame counts. Each word is reported exactly once,
//! in the chunk whose window holds its first frame (a word of zero frames at the very end of a
//! sentence goes with the last window). If the text front-end had to cut a sentence between two
//! words read from one span, the span is reported once, with the chunk that holds its first
//! part. For phoneme input, a word is a whitespace-separated phoneme word; ids input has none.
//!
//! **Incremental text** ([`Stream::push`], [`Stream::close`]): a sentence is synthesized as soon
//! as further text follows it (the splitter has seen what comes after its terminator) or the
//! input is closed. Sentence indices, times, offsets and the budget run on across pieces. The
//! text waiting for its sentence to end is bounded: past `max_sentence_chars` characters, the
//! chunks that the front-end already cut from it are released, and a push that would make it
//! longer than `max_chars` is refused ([`TextError::TooLong`]).

use crate::ids;
use crate::latent::{LatentChunk, LatentWindow};
use crate::limits::{MAX_IDS, SpokenBudget};
use crate::model::{Prepared, SynthesisOptions};
use crate::text::{self, Lexicon, PhonemizedSentence, TextError, TextLimits};
use crate::{Result, SynthesisError, Voice};
use std::collections::{BTreeMap, VecDeque};
use std::ops::{Deref, Range};

/// Refusals specific to a stream's life cycle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// Text was pushed after [`Stream::close`].
    #[error("the stream is closed: no more text can be pushed")]
    Closed,
    /// [`Stream::push`] or [`Stream::close`] on a stream made from a whole input.
    #[error("only an incremental stream takes pushed text")]
    NotIncremental,
}

/// One piece of audio: one window of one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Mono samples in [-1, 1].
    pub samples: Vec<f32>,
    /// Hz.
    pub sample_rate: u32,
    /// The sentence (counted from 0 over the stream) these samples belong to.
    pub sentence_index: usize,
    /// Seconds from the start of the stream to the first sample.
    pub start: f64,
    /// The words that start in this chunk ([module docs](self): the word rule).
    pub words: Vec<WordTiming>,
    /// On a sentence's first chunk: what was spoken (the text front-end's spoken form, or the
    /// phoneme words), its ids and their frame counts.
    pub sentence: Option<SentenceInfo>,
}

/// A sentence as synthesized (on its first [`Chunk`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceInfo {
    /// Spoken form (normalized text; for phoneme input, the phonemes).
    pub spoken: String,
    /// Piper phoneme ids.
    pub ids: Vec<i64>,
    /// Frames per id from the duration predictor (`ceil(exp(logw) * length_scale)`).
    pub durations: Vec<usize>,
    /// Seconds from the start of the stream.
    pub start: f64,
    /// Seconds from the start of the stream.
    pub end: f64,
    /// The seed the sentence was synthesized with.
    pub seed: u64,
}

/// One word of the caller's input and when it is spoken.
#[derive(Debug, Clone, PartialEq)]
pub struct WordTiming {
    /// The original text of the span (`$79.99`, not "seventy nine dollars …").
    pub text: String,
    /// Byte range in the caller's input (for incremental input: in all pieces joined).
    pub source: Range<usize>,
    /// The same range in Unicode scalar values (Python string indices).
    pub chars: Range<usize>,
    /// The same range in UTF-16 code units (JavaScript string indices).
    pub utf16: Range<usize>,
    /// Seconds from the start of the stream.
    pub start: f64,
    /// Seconds from the start of the stream.
    pub end: f64,
}

/// A position in the caller's input, in the three units callers index by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pos {
    byte: usize,
    char: usize,
    utf16: usize,
}

impl Pos {
    /// `self` moved over `s`.
    fn after(self, s: &str) -> Pos {
        Pos {
            byte: self.byte + s.len(),
            char: self.char + s.chars().count(),
            utf16: self.utf16 + s.encode_utf16().count(),
        }
    }
}

/// Finds positions in a text that starts at `base`, walking forward from the last one found.
struct Locator<'a> {
    text: &'a str,
    base: Pos,
    at: Pos,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, base: Pos) -> Self {
        Self {
            text,
            base,
            at: Pos::default(),
        }
    }

    /// The position of byte `b` of the text (clamped to a character boundary at or before it).
    fn pos(&mut self, b: usize) -> Pos {
        let mut b = b.min(self.text.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        if b < self.at.byte {
            self.at = Pos::default();
        }
        let step = self.text.get(self.at.byte..b).unwrap_or("");
        self.at = self.at.after(step);
        Pos {
            byte: self.base.byte + self.at.byte,
            char: self.base.char + self.at.char,
            utf16: self.base.utf16 + self.at.utf16,
        }
    }
}

/// A word of an utterance: its place in the input and its ids.
#[derive(Debug, Clone)]
struct SpanWord {
    text: String,
    start: Pos,
    end: Pos,
    ids: Range<usize>,
}

/// One sentence waiting to be synthesized.
#[derive(Debug, Clone)]
struct Utterance {
    spoken: String,
    ids: Vec<i64>,
    words: Vec<SpanWord>,
}

/// The sentence being synthesized, window by window.
struct Current {
    prepared: Prepared,
    windows: Vec<Range<usize>>,
    next: usize,
    index: usize,
    /// Stream sample at which the sentence starts.
    offset: u64,
    /// Words with their frame range, in order; `next_word` is the first not yet reported.
    words: Vec<(SpanWord, Range<usize>)>,
    next_word: usize,
    info: Option<SentenceInfo>,
}

/// Text that arrives in pieces.
struct Incremental {
    lexicon: Lexicon,
    /// The input not yet turned into utterances; starts at `base` of the whole input.
    buffer: String,
    base: Pos,
    closed: bool,
    /// Whether `buffer` changed since it was last looked at.
    dirty: bool,
}

/// A synthesis in progress; see the [module docs](self). `V` is how the stream holds its
/// voice: `&Voice`, `Rc<Voice>` (the wasm engine), `Arc<Voice>`.
pub struct Stream<V: Deref<Target = Voice>> {
    voice: V,
    opts: SynthesisOptions,
    limits: TextLimits,
    queue: VecDeque<Utterance>,
    incremental: Option<Incremental>,
    current: Option<Current>,
    budget: SpokenBudget,
    sentences: usize,
    /// Samples of all finished sentences.
    done: u64,
    /// Source span of the last reported word (a span is reported once).
    last_source: Option<Range<usize>>,
    missing: BTreeMap<char, usize>,
    finished: bool,
    /// Window sizes (first, later) when not the library's ([`Stream::with_windows`]).
    window_sizes: Option<(usize, usize)>,
    /// Whether sentences near the stream's start get the ramp of small windows
    /// ([`Stream::whole_output`] turns it off).
    ramp: bool,
}

impl Voice {
    /// A stream speaking `text` (validated, normalized, split and phonemized now, with
    /// `lexicon`'s overrides: a refused text fails here, before any synthesis).
    pub fn stream_text<V: Deref<Target = Voice>>(
        this: V,
        text: &str,
        limits: &TextLimits,
        lexicon: &Lexicon,
        opts: &SynthesisOptions,
    ) -> Result<Stream<V>> {
        // Text is English only: a voice of another language refuses it (phonemes still work).
        this.check_text_language()?;
        let mut s = Stream::new(this, opts, limits)?;
        let groups =
            text::phonemize_sentences_cut(text, limits, lexicon, limits.first_chunk_phonemes)?;
        let sentences: Vec<PhonemizedSentence> = groups.into_iter().flatten().collect();
        s.enqueue_text(&sentences, text, Pos::default())?;
        Ok(s)
    }

    /// A stream speaking Piper phoneme text (`həlˈoʊ wˈɜːld.`): one sentence, or several cut
    /// between words if it would pass [`MAX_IDS`] ids.
    pub fn stream_phonemes<V: Deref<Target = Voice>>(
        this: V,
        phonemes: &str,
        opts: &SynthesisOptions,
    ) -> Result<Stream<V>> {
        let mut s = Stream::new(this, opts, &TextLimits::default())?;
        for piece in split_phonemes(&s.voice, phonemes)? {
            let text = phonemes.get(piece.clone()).unwrap_or("");
            let (p, spans) = s.voice.phoneme_ids_mapped(text)?;
            merge_missing(&mut s.missing, p.missing);
            let mut loc = Locator::new(phonemes, Pos::default());
            let words = phoneme_words(text)
                .map(|w| SpanWord {
                    text: text.get(w.clone()).unwrap_or("").to_string(),
                    start: loc.pos(piece.start + w.start),
                    end: loc.pos(piece.start + w.end),
                    ids: ids::ids_of_bytes(&spans, &w),
                })
                .collect();
            s.queue.push_back(Utterance {
                spoken: text.to_string(),
                ids: p.ids,
                words,
            });
        }
        Ok(s)
    }

    /// A stream speaking phoneme ids as one sentence (no words).
    pub fn stream_ids<V: Deref<Target = Voice>>(
        this: V,
        ids: &[i64],
        opts: &SynthesisOptions,
    ) -> Result<Stream<V>> {
        let mut s = Stream::new(this, opts, &TextLimits::default())?;
        s.queue.push_back(Utterance {
            spoken: String::new(),
            ids: ids.to_vec(),
            words: Vec::new(),
        });
        Ok(s)
    }

    /// A stream whose text arrives in pieces ([`Stream::push`], then [`Stream::close`]).
    pub fn stream_incremental<V: Deref<Target = Voice>>(
        this: V,
        limits: &TextLimits,
        lexicon: &Lexicon,
        opts: &SynthesisOptions,
    ) -> Result<Stream<V>> {
        limits.check()?;
        this.check_text_language()?;
        let mut s = Stream::new(this, opts, limits)?;
        s.incremental = Some(Incremental {
            lexicon: lexicon.clone(),
            buffer: String::new(),
            base: Pos::default(),
            closed: false,
            dirty: false,
        });
        Ok(s)
    }
}

impl<V: Deref<Target = Voice>> Stream<V> {
    fn new(voice: V, opts: &SynthesisOptions, limits: &TextLimits) -> Result<Self> {
        // Ranges and the speaker (index, name or blend) against this voice, once per call.
        voice.check_options(opts)?;
        let rate = voice.manifest().sample_rate;
        Ok(Self {
            voice,
            // Cloned, not copied: `SynthesisOptions` is not meant to stay `Copy`.
            #[allow(clippy::clone_on_copy)]
            opts: opts.clone(),
            limits: *limits,
            queue: VecDeque::new(),
            incremental: None,
            current: None,
            budget: SpokenBudget::new(rate),
            sentences: 0,
            done: 0,
            last_source: None,
            missing: BTreeMap::new(),
            finished: false,
            window_sizes: None,
            ramp: true,
        })
    }

    /// Appends a piece of text (incremental streams only).
    pub fn push(&mut self, piece: &str) -> Result<()> {
        let max = self.limits.max_chars;
        let inc = self
            .incremental
            .as_mut()
            .ok_or(StreamError::NotIncremental)?;
        if inc.closed {
            return Err(StreamError::Closed.into());
        }
        let chars = inc
            .buffer
            .chars()
            .count()
            .saturating_add(piece.chars().count());
        if chars > max {
            return Err(TextError::TooLong { chars, max }.into());
        }
        inc.buffer.push_str(piece);
        inc.dirty = true;
        Ok(())
    }

    /// Ends the input: what is buffered is spoken as the last sentence(s). Closing twice is
    /// harmless.
    pub fn close(&mut self) -> Result<()> {
        let inc = self
            .incremental
            .as_mut()
            .ok_or(StreamError::NotIncremental)?;
        inc.closed = true;
        inc.dirty = true;
        Ok(())
    }

    /// The voice this stream speaks with.
    pub fn voice(&self) -> &Voice {
        &self.voice
    }

    /// This stream for a caller that uses the audio only once the stream has ended (a file, a
    /// whole buffer): every sentence in windows of [`crate::limits::WINDOW_FRAMES`]
    /// ([`Voice::steady_windows`]), without the ramp of small windows that makes the first
    /// audio early and costs ~20% more time. Chunks are fewer; their concatenated audio is the
    /// same (windows are exact up to float rounding).
    pub fn whole_output(mut self) -> Self {
        self.ramp = false;
        self
    }

    /// This stream with windows of `first` frames, then doubling up to `size`
    /// ([`crate::model::window::plan`]) instead of [`Voice::windows`]' constants: for
    /// `sotto bench`, which measures the choice. Sizes below 1 count as 1.
    #[doc(hidden)]
    pub fn with_windows(mut self, first: usize, size: usize) -> Self {
        self.window_sizes = Some((first, size));
        self
    }

    /// True once every chunk has been returned (or an error ended the stream).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Phonemes the voice lacks that were dropped so far, with counts.
    pub fn missing(&self) -> &BTreeMap<char, usize> {
        &self.missing
    }

    /// The next chunk. `None` when the stream is finished ([`Stream::is_finished`]) or, for an
    /// incremental stream, when it needs more input (push or close, then call again). An
    /// error ends the stream.
    pub async fn next(&mut self) -> Result<Option<Chunk>> {
        Ok(self.advance(false).await?.map(|(c, _)| c))
    }

    /// [`Stream::next`] in latent mode: the chunk's words, timings and sentence info with no
    /// samples yet, and the latent window that makes them ([`crate::latent`]): the caller
    /// vocodes it (on another thread or worker) and fills `chunk.samples`. Chunks come in the
    /// same order, with the same words, as from [`Stream::next`].
    pub async fn next_latent(&mut self) -> Result<Option<LatentChunk>> {
        Ok(self.advance(true).await?.and_then(|(chunk, latent)| {
            Some(LatentChunk {
                chunk,
                latent: latent?,
            })
        }))
    }

    async fn advance(&mut self, latent: bool) -> Result<Option<(Chunk, Option<LatentWindow>)>> {
        if self.finished {
            return Ok(None);
        }
        match self.step(latent).await {
            Ok(Some(c)) => Ok(Some(c)),
            Ok(None) => {
                self.finished = self.incremental.as_ref().is_none_or(|i| i.closed);
                Ok(None)
            }
            Err(e) => {
                self.finished = true;
                self.current = None;
                self.queue.clear();
                Err(e)
            }
        }
    }

    async fn step(&mut self, latent: bool) -> Result<Option<(Chunk, Option<LatentWindow>)>> {
        loop {
            if let Some(cur) = self.current.as_mut() {
                if let Some(frames) = cur.windows.get(cur.next).cloned() {
                    let last = cur.next + 1 == cur.windows.len();
                    cur.next += 1;
                    return self.window(frames, last, latent).await.map(Some);
                }
                let hop = self.voice.manifest().model.hop_length() as u64;
                self.done += cur.prepared.frames as u64 * hop;
                self.current = None;
            }
            match self.queue.pop_front() {
                Some(u) => self.begin(u).await?,
                None => {
                    if !self.refill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Starts a sentence: durations, budget, words' frames.
    async fn begin(&mut self, u: Utterance) -> Result<()> {
        let index = self.sentences;
        #[allow(clippy::clone_on_copy)] // not meant to stay `Copy`
        let mut opts = self.opts.clone();
        opts.seed = opts.seed.wrapping_add(index as u64);
        let prepared = self.voice.prepare(&u.ids, &opts).await?;
        let hop = self.voice.manifest().model.hop_length();
        self.budget.charge(prepared.frames.saturating_mul(hop))?;
        self.sentences += 1;
        // cum[k]: frames before id k.
        let mut cum = Vec::with_capacity(prepared.durations.len() + 1);
        let mut acc = 0usize;
        cum.push(0);
        for d in &prepared.durations {
            acc = acc.saturating_add(*d);
            cum.push(acc.min(prepared.frames));
        }
        let frame = |i: usize| cum.get(i).or(cum.last()).copied().unwrap_or(0);
        let mut words: Vec<(SpanWord, Range<usize>)> = Vec::with_capacity(u.words.len());
        for w in u.words {
            let source = w.start.byte..w.end.byte;
            if self.last_source.as_ref() == Some(&source) && words.is_empty() {
                continue; // the rest of a span already reported (see the word rule)
            }
            let f = frame(w.ids.start)..frame(w.ids.end).max(frame(w.ids.start));
            words.push((w, f));
        }
        let rate = f64::from(self.voice.manifest().sample_rate);
        let offset = self.done;
        let at = |frames: usize| (offset + (frames * hop) as u64) as f64 / rate;
        // The ramp of small windows only where first audio waits on it: sentences starting in
        // the stream's first RAMP_SECONDS (later ones are prepared while earlier audio plays).
        let ramp_until =
            u64::from(crate::limits::RAMP_SECONDS) * u64::from(self.voice.manifest().sample_rate);
        let windows = match self.window_sizes {
            Some((first, size)) => crate::model::window::plan(prepared.frames, first, size),
            None if self.ramp && offset < ramp_until => self.voice.windows(&prepared),
            None => self.voice.steady_windows(&prepared),
        };
        let info = SentenceInfo {
            spoken: u.spoken,
            ids: u.ids,
            durations: prepared.durations.clone(),
            start: at(0),
            end: at(prepared.frames),
            seed: opts.seed,
        };
        self.current = Some(Current {
            prepared,
            windows,
            next: 0,
            index,
            offset,
            words,
            next_word: 0,
            info: Some(info),
        });
        Ok(())
    }

    /// Synthesizes one window of the current sentence (in latent mode: only its latent frames,
    /// the samples left empty).
    async fn window(
        &mut self,
        frames: Range<usize>,
        last: bool,
        latent: bool,
    ) -> Result<(Chunk, Option<LatentWindow>)> {
        let Some(cur) = self.current.as_mut() else {
            return Err(SynthesisError::EmptyInput.into());
        };
        let (samples, latent) = if latent {
            let w = self
                .voice
                .latent_window(&cur.prepared, frames.clone())
                .await?;
            (Vec::new(), Some(w))
        } else {
            let samples = self
                .voice
                .synthesize_frames(&cur.prepared, frames.clone())
                .await?;
            (samples, None)
        };
        let hop = self.voice.manifest().model.hop_length();
        let rate = self.voice.manifest().sample_rate;
        let offset = cur.offset;
        let at = |f: usize| (offset + (f * hop) as u64) as f64 / f64::from(rate);
        let mut words = Vec::new();
        while let Some((w, f)) = cur.words.get(cur.next_word) {
            if !(last || f.start < frames.end) {
                break;
            }
            words.push(WordTiming {
                text: w.text.clone(),
                source: w.start.byte..w.end.byte,
                chars: w.start.char..w.end.char,
                utf16: w.start.utf16..w.end.utf16,
                start: at(f.start),
                end: at(f.end),
            });
            self.last_source = Some(w.start.byte..w.end.byte);
            cur.next_word += 1;
        }
        let chunk = Chunk {
            samples,
            sample_rate: rate,
            sentence_index: cur.index,
            start: at(frames.start),
            words,
            sentence: cur.info.take(),
        };
        Ok((chunk, latent))
    }

    /// Turns phonemized sentences of `text` (which starts at `base` of the input) into
    /// utterances: ids, and words grouped by source span.
    fn enqueue_text(
        &mut self,
        sentences: &[PhonemizedSentence],
        text: &str,
        base: Pos,
    ) -> Result<()> {
        let mut loc = Locator::new(text, base);
        for s in sentences {
            let (p, spans) = self.voice.phoneme_ids_mapped(&s.phonemes)?;
            merge_missing(&mut self.missing, p.missing);
            let mut words: Vec<SpanWord> = Vec::new();
            for w in &s.words {
                if w.source.is_empty() {
                    continue;
                }
                let ids = ids::ids_of_bytes(&spans, &w.phonemes);
                match words.last_mut() {
                    Some(prev)
                        if prev.start.byte == base.byte + w.source.start
                            && prev.end.byte == base.byte + w.source.end =>
                    {
                        prev.ids = prev.ids.start.min(ids.start)..prev.ids.end.max(ids.end);
                    }
                    _ => words.push(SpanWord {
                        text: text.get(w.source.clone()).unwrap_or("").to_string(),
                        start: loc.pos(w.source.start),
                        end: loc.pos(w.source.end),
                        ids,
                    }),
                }
            }
            self.queue.push_back(Utterance {
                spoken: s.text.clone(),
                ids: p.ids,
                words,
            });
        }
        Ok(())
    }

    /// Incremental input: queues the sentences the buffer completes. False when nothing was
    /// queued (more input is needed, or the input is over).
    fn refill(&mut self) -> Result<bool> {
        // The early cut applies to the stream's first chunk only.
        let first = if self.sentences == 0 && self.current.is_none() && self.queue.is_empty() {
            self.limits.first_chunk_phonemes
        } else {
            0
        };
        let Some(inc) = self.incremental.as_mut() else {
            return Ok(false);
        };
        if !inc.dirty {
            return Ok(false);
        }
        inc.dirty = false;
        let groups =
            match text::phonemize_sentences_cut(&inc.buffer, &self.limits, &inc.lexicon, first) {
                Ok(g) => g,
                // Nothing speakable yet: wait (or, once closed, end).
                Err(TextError::Empty) => {
                    if inc.closed {
                        inc.buffer.clear();
                    }
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            };
        let mut ready: Vec<PhonemizedSentence> = Vec::new();
        let mut cut = inc.buffer.len();
        if inc.closed {
            ready = groups.into_iter().flatten().collect();
        } else {
            let n = groups.len();
            let mut groups = groups.into_iter();
            // Every sentence followed by another is complete.
            for g in groups.by_ref().take(n.saturating_sub(1)) {
                ready.extend(g);
            }
            let mut tail = groups.next().unwrap_or_default();
            cut = first_source(&tail).unwrap_or(inc.buffer.len());
            // An unfinished sentence longer than the limit: release the chunks already cut.
            let waiting = inc.buffer.get(cut..).unwrap_or("").chars().count();
            if waiting > self.limits.max_sentence_chars && tail.len() > 1 {
                let keep = tail.split_off(tail.len() - 1);
                cut = first_source(&keep).unwrap_or(cut);
                ready.extend(tail);
            }
        }
        if ready.is_empty() {
            return Ok(false);
        }
        let buffer = std::mem::take(&mut inc.buffer);
        let base = inc.base;
        let cut = cut.min(buffer.len());
        let rest = buffer.get(cut..).unwrap_or("").to_string();
        inc.base = base.after(buffer.get(..cut).unwrap_or(""));
        inc.buffer = rest;
        // What is left may already hold a complete sentence after this one: look again.
        inc.dirty = true;
        self.enqueue_text(&ready, &buffer, base)?;
        Ok(true)
    }
}

/// Byte where the first word of `chunks` was read from.
fn first_source(chunks: &[PhonemizedSentence]) -> Option<usize> {
    chunks.first()?.words.first().map(|w| w.source.start)
}

/// Whitespace-separated words of a phoneme string, as byte ranges.
fn phoneme_words(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    s.split_whitespace().map(move |w| {
        let start = w.as_ptr() as usize - s.as_ptr() as usize;
        start..start + w.len()
    })
}

/// Cuts a phoneme input into pieces of at most [`MAX_IDS`] ids, between words (the whole input
/// when it fits). A single word over the bound is refused.
fn split_phonemes(voice: &Voice, phonemes: &str) -> Result<Vec<Range<usize>>> {
    if voice.phoneme_id_count(phonemes) <= MAX_IDS {
        return Ok(std::iter::once(0..phonemes.len()).collect());
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    for w in phoneme_words(phonemes) {
        let s = start.unwrap_or(w.start);
        let fits = |e: usize| voice.phoneme_id_count(phonemes.get(s..e).unwrap_or("")) <= MAX_IDS;
        if start.is_some() && !fits(w.end) {
            out.push(s..end);
            start = Some(w.start);
        } else {
            start = Some(s);
        }
        end = w.end;
        let s = start.unwrap_or(w.start);
        let len = voice.phoneme_id_count(phonemes.get(s..end).unwrap_or(""));
        if len > MAX_IDS {
            return Err(SynthesisError::TooManyIds { len, max: MAX_IDS }.into());
        }
    }
    if let Some(s) = start {
        out.push(s..phonemes.len());
    }
    Ok(out)
}

fn merge_missing(into: &mut BTreeMap<char, usize>, from: BTreeMap<char, usize>) {
    for (c, n) in from {
        *into.entry(c).or_insert(0) += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_bytes_chars_and_utf16() {
        let text = "e\u{301} 😀x";
        let mut loc = Locator::new(
            text,
            Pos {
                byte: 10,
                char: 5,
                utf16: 6,
            },
        );
        let x = text.find('x').unwrap_or(0);
        assert_eq!(
            loc.pos(x),
            Pos {
                byte: 10 + x,
                char: 5 + 4,
                utf16: 6 + 5
            }
        );
        // Going back restarts the walk.
        assert_eq!(
            loc.pos(1),
            Pos {
                byte: 11,
                char: 6,
                utf16: 7
            }
        );
        let emoji = text.find('😀').unwrap_or(0);
        // Inside a character: clamped to its start.
        assert_eq!(loc.pos(emoji + 2).char, 5 + 3);
    }

    #[test]
    fn phoneme_words_are_byte_ranges() {
        let s = " həlˈoʊ  wˈɜːld. ";
        let w: Vec<&str> = phoneme_words(s).filter_map(|r| s.get(r)).collect();
        assert_eq!(w, ["həlˈoʊ", "wˈɜːld."]);
    }
}
