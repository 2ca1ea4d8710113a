//! The streaming engine on a tiny random-weight voice: chunk order, seed policy, concatenation
//! against whole-sentence synthesis, word timings in the caller's own text, incremental input,
//! and typed refusals.

use sotto::convert::package;
use sotto::manifest::{FORMAT_VERSION, InferenceDefaults, Manifest, Source};
use sotto::model::config::VitsConfig;
use sotto::model::{AcousticModel, Vocoder, parameter_shapes};
use sotto::rng::Normal;
use sotto::stream::SentenceInfo;
use sotto::stream::StreamError;
use sotto::text::{Lexicon, TextLimits};
use sotto::weights::safetensors::Dtype;
use sotto::weights::{HostTensor, integrity::Sha256Digest};
use sotto::{Chunk, Error, Stream, SynthesisError, SynthesisOptions, Voice, VoiceLoader, backend};
use std::collections::BTreeMap;
use std::ops::Deref;

/// Every symbol the English front-end writes, so the tiny voice speaks every phoneme.
const SYMBOLS: &str = "_^$ .,;:!?abcdefghijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʈʉʊʋʌʍʎʏʑʒʔʕʘʙʛʜʝʟʡʢˈˌːˑ\u{303}\u{329}ᵻ";

fn config(upsample_rates: Vec<usize>, kernels: Vec<usize>) -> VitsConfig {
    VitsConfig {
        n_vocab: SYMBOLS.chars().count(),
        n_speakers: 1,
        gin_channels: 0,
        hidden_channels: 8,
        inter_channels: 8,
        filter_channels: 16,
        n_heads: 2,
        n_layers: 2,
        kernel_size: 3,
        window_size: 2,
        dp_filter_channels: 8,
        dp_kernel_size: 3,
        dp_dds_layers: 2,
        dp_conv_flows: 2,
        dp_num_bins: 4,
        dp_tail_bound: 5.0,
        flow_n_flows: 2,
        flow_kernel_size: 3,
        flow_dilation_rate: 1,
        flow_n_layers: 2,
        upsample_initial_channel: 16,
        upsample_rates,
        upsample_kernel_sizes: kernels,
        resblock: "2".into(),
        resblock_kernel_sizes: vec![3],
        resblock_dilation_sizes: vec![vec![1, 2]],
    }
}

/// A random voice (N(0, 0.1²) weights) packaged and loaded through the verified path.
fn voice_with(config: VitsConfig, sample_rate: u32) -> Voice {
    let device = backend::cpu();
    let mut needs = parameter_shapes(&AcousticModel::init(&config, &device));
    needs.extend(parameter_shapes(&Vocoder::init(&config, &device)));
    let mut rng = Normal::new(42);
    let tensors: BTreeMap<String, HostTensor> = needs
        .into_iter()
        .map(|(name, shape)| {
            let n = shape.iter().product();
            let data = if name.ends_with(".gamma") {
                vec![1.0; n]
            } else {
                rng.vec(n, 0.1)
            };
            (name, HostTensor { shape, data })
        })
        .collect();
    let phoneme_id_map = SYMBOLS
        .chars()
        .enumerate()
        .map(|(i, c)| (c.to_string(), vec![i as i64]))
        .collect();
    let draft = Manifest {
        format_version: FORMAT_VERSION,
        voice_id: "en_US-tiny-stream".into(),
        // English: the stream speaks text only with a voice of the front-end's language.
        language: "en_US".into(),
        espeak_voice: "en-us".into(),
        phoneme_type: "espeak".into(),
        sample_rate,
        num_speakers: 1,
        speaker_id_map: BTreeMap::new(),
        phoneme_id_map,
        inference: InferenceDefaults {
            noise_scale: 0.667,
            length_scale: 1.0,
            noise_w: 0.8,
        },
        source: Source {
            onnx: Sha256Digest::of(b"none").to_sri(),
            config: Sha256Digest::of(b"none").to_sri(),
        },
        model: config,
        shards: Vec::new(),
    };
    let v = package(&tensors, draft, Dtype::F32).expect("packaged");
    let mut loader = VoiceLoader::new(v.manifest.to_json().as_bytes()).expect("manifest");
    for (f, b) in &v.shards {
        loader.add_shard(f, b).expect("shard");
    }
    loader.finish(&device).expect("voice")
}

fn tiny() -> Voice {
    voice_with(config(vec![4, 2], vec![8, 4]), 16000)
}

fn opts(voice: &Voice, seed: u64) -> SynthesisOptions {
    SynthesisOptions {
        seed,
        ..voice.default_options()
    }
}

/// Every chunk until the stream is finished or waits for input.
fn drain<V: Deref<Target = Voice>>(s: &mut Stream<V>) -> Vec<Chunk> {
    let mut out = Vec::new();
    while let Some(c) = pollster::block_on(s.next()).expect("chunk") {
        out.push(c);
    }
    out
}

const TEXT: &str = "\u{200B}Dr. Chen paid $79.99 on Jan. 3rd! We meet at 10:30, \
                    then e\u{301}clair time.\u{200B} Is that cafe\u{301} open? Yes.";

/// The default limits without the early cut of the first chunk (each test sentence is one
/// sentence of the stream; `the_early_cut_speaks_the_first_words_alone` tests the cut).
fn no_cut() -> TextLimits {
    TextLimits {
        first_chunk_phonemes: 0,
        ..TextLimits::default()
    }
}

fn whole(voice: &Voice, text: &str, seed: u64) -> Vec<Chunk> {
    let l = no_cut();
    let mut s =
        Voice::stream_text(voice, text, &l, Lexicon::builtin(), &opts(voice, seed)).expect("ok");
    let chunks = drain(&mut s);
    assert!(s.is_finished());
    chunks
}

#[test]
fn chunks_are_sentences_in_order_with_the_seed_policy() {
    let voice = tiny();
    let chunks = whole(&voice, TEXT, 5);
    let sentences: Vec<_> = chunks.iter().filter_map(|c| c.sentence.as_ref()).collect();
    assert_eq!(sentences.len(), 4, "four sentences");
    assert!(
        chunks.len() > sentences.len(),
        "sentences span several windows"
    );
    // Indices run 0, 1, 2, ... without gaps; each sentence starts with its info.
    let mut expected = 0;
    for c in &chunks {
        if c.sentence.is_some() {
            assert_eq!(c.sentence_index, expected);
            expected += 1;
        } else {
            assert_eq!(c.sentence_index + 1, expected);
        }
        assert_eq!(c.sample_rate, 16000);
    }
    // Concatenated chunks == each sentence synthesized whole with seed + index.
    let mut reference = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        assert_eq!(s.seed, 5 + i as u64);
        let a = pollster::block_on(voice.synthesize_ids(&s.ids, &opts(&voice, s.seed))).unwrap();
        assert_eq!(s.durations.len(), s.ids.len());
        let hop = 8;
        let frames = s.durations.iter().sum::<usize>().max(1);
        assert_eq!(a.samples.len(), frames * hop);
        assert!((s.end - s.start - a.samples.len() as f64 / 16000.0).abs() < 1e-9);
        reference.extend(a.samples);
    }
    let streamed: Vec<f32> = chunks.iter().flat_map(|c| c.samples.clone()).collect();
    assert_eq!(streamed, reference);
    // Chunk start times follow the samples.
    let mut at = 0usize;
    for c in &chunks {
        assert!((c.start - at as f64 / 16000.0).abs() < 1e-9);
        at += c.samples.len();
    }
    // speak_text is the same stream.
    let l = no_cut();
    let spoken =
        pollster::block_on(voice.speak_text(TEXT, &l, Lexicon::builtin(), &opts(&voice, 5)))
            .unwrap();
    assert_eq!(spoken.samples, streamed);
}

#[test]
fn every_original_word_once_in_time_and_in_the_callers_text() {
    let voice = tiny();
    let chunks = whole(&voice, TEXT, 1);
    let total: f64 = chunks.iter().map(|c| c.samples.len()).sum::<usize>() as f64 / 16000.0;
    let words: Vec<_> = chunks.iter().flat_map(|c| c.words.clone()).collect();
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Dr",
            "Chen",
            "paid",
            "$79.99",
            "on",
            "Jan. 3rd",
            "We",
            "meet",
            "at",
            "10:30",
            "then",
            "e\u{301}clair",
            "time",
            "Is",
            "that",
            "cafe\u{301}",
            "open",
            "Yes"
        ]
    );
    let utf16: Vec<u16> = TEXT.encode_utf16().collect();
    let chars: Vec<char> = TEXT.chars().collect();
    let mut last_start = 0.0;
    for w in &words {
        // Bytes, code points and UTF-16 units all slice the original to the word.
        assert_eq!(TEXT.get(w.source.clone()), Some(w.text.as_str()));
        let c: String = chars[w.chars.clone()].iter().collect();
        assert_eq!(c, w.text);
        assert_eq!(
            String::from_utf16(&utf16[w.utf16.clone()]).ok(),
            Some(w.text.clone())
        );
        assert!(w.start >= last_start, "{w:?}");
        assert!(
            0.0 <= w.start && w.start <= w.end && w.end <= total + 1e-9,
            "{w:?}"
        );
        last_start = w.start;
    }
    // "$79.99" covers its seven spoken words: longer than any single-word entry around it.
    let money = &words[3];
    assert!(money.end - money.start > words[2].end - words[2].start);
    // Each word comes with the chunk that holds its first frame.
    for c in &chunks {
        let end = c.start + c.samples.len() as f64 / 16000.0;
        for w in &c.words {
            assert!(w.start >= c.start - 1e-9 && w.start <= end + 1e-9, "{w:?}");
        }
    }
}

#[test]
fn word_times_come_from_the_durations() {
    let voice = tiny();
    let chunks = whole(&voice, "Chen paid.", 3);
    let info = chunks[0].sentence.clone().expect("first chunk");
    let (ids, spans) = voice
        .phoneme_ids_mapped(
            &sotto::text::phonemize("Chen paid.", &TextLimits::default()).unwrap()[0].phonemes,
        )
        .unwrap();
    assert_eq!(ids.ids, info.ids);
    // "Chen": from the first id after BOS + pad to its last phoneme's pad.
    let first = spans.iter().find(|c| c.byte == 0).map(|c| c.ids.start);
    assert_eq!(first, Some(2));
    let frames_before: usize = info.durations[..2].iter().sum();
    let w = &chunks[0].words[0];
    assert_eq!(w.text, "Chen");
    assert!((w.start - (frames_before * 8) as f64 / 16000.0).abs() < 1e-12);
}

#[test]
fn incremental_text_gives_the_same_chunks_as_whole_text() {
    let voice = tiny();
    let reference = whole(&voice, TEXT, 9);
    let l = no_cut();
    let mut s =
        Voice::stream_incremental(&voice, &l, Lexicon::builtin(), &opts(&voice, 9)).unwrap();
    let mut got = Vec::new();
    let mut first_before_close = false;
    let chars: Vec<char> = TEXT.chars().collect();
    for piece in chars.chunks(3) {
        let piece: String = piece.iter().collect();
        s.push(&piece).unwrap();
        let more = drain(&mut s);
        first_before_close |= !more.is_empty();
        got.extend(more);
        assert!(!s.is_finished());
    }
    assert!(
        first_before_close,
        "a sentence was spoken before the input ended"
    );
    s.close().unwrap();
    got.extend(drain(&mut s));
    assert!(s.is_finished());
    assert_eq!(got, reference);
    assert!(matches!(
        s.push("more"),
        Err(Error::Stream(StreamError::Closed))
    ));
}

#[test]
fn the_early_cut_speaks_the_first_words_alone() {
    let voice = tiny();
    let long = "Every morning the old lighthouse keeper climbed the narrow spiral stairs, \
                polished the great brass lens until it gleamed. He slept.";
    let uncut = whole(&voice, long, 2);
    let l = TextLimits::default();
    assert!(l.first_chunk_phonemes > 0, "on by default");
    let stream = |l: &TextLimits| {
        let mut s =
            Voice::stream_text(&voice, long, l, Lexicon::builtin(), &opts(&voice, 2)).unwrap();
        drain(&mut s)
    };
    let cut = stream(&l);
    let info = |c: &[Chunk]| -> Vec<SentenceInfo> {
        c.iter().filter_map(|c| c.sentence.clone()).collect()
    };
    let (a, b) = (info(&uncut), info(&cut));
    assert_eq!(a.len(), 2);
    assert_eq!(b.len(), 3, "the first sentence is spoken in two parts");
    assert!(b[0].ids.len() < a[0].ids.len());
    assert_eq!(format!("{} {}", b[0].spoken, b[1].spoken), a[0].spoken);
    assert_eq!(b[2].spoken, a[1].spoken);
    // The same words, with the same places in the text, in order, each once.
    let words = |c: &[Chunk]| -> Vec<(String, std::ops::Range<usize>)> {
        c.iter()
            .flat_map(|c| c.words.iter().map(|w| (w.text.clone(), w.source.clone())))
            .collect()
    };
    assert_eq!(words(&cut), words(&uncut));
    let starts: Vec<f64> = cut
        .iter()
        .flat_map(|c| c.words.iter().map(|w| w.start))
        .collect();
    assert!(starts.windows(2).all(|p| p[0] <= p[1]), "{starts:?}");
    // Incremental text gets the same cut.
    let mut s =
        Voice::stream_incremental(&voice, &l, Lexicon::builtin(), &opts(&voice, 2)).unwrap();
    s.push(long).unwrap();
    s.close().unwrap();
    assert_eq!(drain(&mut s), cut);
    // Phoneme input is never cut.
    let mut s = Voice::stream_phonemes(&voice, &a[0].spoken, &opts(&voice, 2)).unwrap();
    assert_eq!(info(&drain(&mut s)).len(), 1);
}

#[test]
fn a_sentence_is_spoken_once_followed_by_more_text() {
    let voice = tiny();
    let l = TextLimits::default();
    let mut s =
        Voice::stream_incremental(&voice, &l, Lexicon::builtin(), &opts(&voice, 0)).unwrap();
    s.push("Hello there.").unwrap();
    assert!(drain(&mut s).is_empty(), "the sentence may still go on");
    s.push(" Next").unwrap();
    let first = drain(&mut s);
    assert!(!first.is_empty());
    assert!(first.iter().all(|c| c.sentence_index == 0));
    let words: Vec<_> = first.iter().flat_map(|c| c.words.clone()).collect();
    assert_eq!(words.len(), 2);
    s.push(" one").unwrap();
    s.close().unwrap();
    let rest = drain(&mut s);
    let words: Vec<_> = rest.iter().flat_map(|c| c.words.clone()).collect();
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["Next", "one"]);
    // Offsets are in the joined pieces.
    assert_eq!(words[0].source, 13..17);
    assert_eq!(words[1].utf16, 18..21);
    assert!(rest.iter().all(|c| c.sentence_index == 1));
}

#[test]
fn waiting_text_is_bounded() {
    let voice = tiny();
    let l = TextLimits {
        max_chars: 50,
        max_sentence_chars: 20,
        ..TextLimits::default()
    };
    let mut s =
        Voice::stream_incremental(&voice, &l, Lexicon::builtin(), &opts(&voice, 0)).unwrap();
    // No terminator yet, but past max_sentence_chars: the chunks already cut are released.
    s.push("one two three four five six seven eight nine ten ")
        .unwrap();
    let early = drain(&mut s);
    assert!(!early.is_empty());
    // The buffer can never hold more than max_chars.
    assert!(matches!(
        s.push(&"x".repeat(60)),
        Err(Error::Text(sotto::text::TextError::TooLong { .. }))
    ));
}

#[test]
fn phoneme_input_words_are_phoneme_words() {
    let voice = tiny();
    let p = "həlˈoʊ wˈɜːld. ab";
    let mut s = Voice::stream_phonemes(&voice, p, &opts(&voice, 2)).unwrap();
    let chunks = drain(&mut s);
    let words: Vec<_> = chunks.iter().flat_map(|c| c.words.clone()).collect();
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["həlˈoʊ", "wˈɜːld.", "ab"]);
    for w in &words {
        assert_eq!(p.get(w.source.clone()), Some(w.text.as_str()));
    }
    let ids = voice.phoneme_ids(p).unwrap().ids;
    let a = pollster::block_on(voice.synthesize_ids(&ids, &opts(&voice, 2))).unwrap();
    let streamed: Vec<f32> = chunks.iter().flat_map(|c| c.samples.clone()).collect();
    assert_eq!(streamed, a.samples);
}

#[test]
fn long_phoneme_input_is_cut_between_words() {
    let voice = tiny();
    // 300 words of 3 phonemes: ~2,400 ids, more than one utterance takes.
    let p = vec!["abc"; 300].join(" ");
    let s = Voice::stream_phonemes(&voice, &p, &opts(&voice, 0)).unwrap();
    drop(s);
    let one_word = "a".repeat(sotto::limits::MAX_IDS);
    assert!(matches!(
        Voice::stream_phonemes(&voice, &one_word, &opts(&voice, 0)),
        Err(Error::Synthesis(SynthesisError::TooManyIds { .. }))
    ));
}

#[test]
fn bad_options_and_misuse_are_typed() {
    let voice = tiny();
    let l = TextLimits::default();
    let bad = SynthesisOptions {
        length_scale: 9.0,
        ..voice.default_options()
    };
    assert!(matches!(
        Voice::stream_text(&voice, "Hi.", &l, Lexicon::builtin(), &bad),
        Err(Error::Synthesis(SynthesisError::OptionOutOfRange {
            name: "length_scale",
            ..
        }))
    ));
    assert!(matches!(
        Voice::stream_text(&voice, "", &l, Lexicon::builtin(), &opts(&voice, 0)),
        Err(Error::Text(sotto::text::TextError::Empty))
    ));
    let mut s = Voice::stream_phonemes(&voice, "ab", &opts(&voice, 0)).unwrap();
    assert!(matches!(
        s.push("x"),
        Err(Error::Stream(StreamError::NotIncremental))
    ));
}

#[test]
fn the_spoken_budget_is_a_typed_error_before_vocoding() {
    // 8 kHz and a hop of 256: a long sentence at length_scale 5 is minutes of audio, so a few
    // of them pass MAX_SPOKEN_SECONDS.
    let voice = voice_with(config(vec![16, 16], vec![32, 32]), 8000);
    let o = SynthesisOptions {
        length_scale: 5.0,
        noise_w: 0.0,
        ..voice.default_options()
    };
    let p = vec!["abcdef"; 300].join(" ");
    let mut s = Voice::stream_phonemes(&voice, &p, &o).unwrap();
    let mut spoken = 0usize;
    let err = loop {
        match pollster::block_on(s.next()) {
            Ok(Some(c)) => spoken += c.samples.len(),
            Ok(None) => panic!("the budget was not reached ({spoken} samples)"),
            Err(e) => break e,
        }
    };
    assert!(matches!(
        err,
        Error::Synthesis(SynthesisError::SpokenTooLong { .. })
    ));
    assert!(spoken <= sotto::limits::MAX_SPOKEN_SECONDS as usize * 8000);
    assert!(s.is_finished());
}

/// Sentences by index: (info, sample count of each chunk).
fn by_sentence(chunks: &[Chunk]) -> Vec<(SentenceInfo, Vec<usize>)> {
    let mut out: Vec<(SentenceInfo, Vec<usize>)> = Vec::new();
    for c in chunks {
        if let Some(info) = &c.sentence {
            out.push((info.clone(), Vec::new()));
        }
        out.last_mut()
            .expect("a sentence starts the stream")
            .1
            .push(c.samples.len());
    }
    out
}

#[test]
fn small_windows_only_near_the_stream_start_and_none_for_whole_output() {
    use sotto::limits::{FIRST_WINDOW_FRAMES, RAMP_SECONDS, WINDOW_FRAMES};
    // Few frames per second (hop 256 at 8 kHz), so that a few sentences pass RAMP_SECONDS.
    let voice = voice_with(config(vec![8, 8, 4], vec![16, 16, 8]), 8000);
    let text = "The old keeper climbed the narrow stairs. He polished the great brass lens. \
                It gleamed in the light. He wrote a note about the weather. Then he slept. \
                The ships passed by the rocks. The gulls gathered below.";
    let mut o = opts(&voice, 3);
    o.length_scale = 3.0; // long sentences: several windows each, and past RAMP_SECONDS
    let run = |whole_output: bool| {
        let s = Voice::stream_text(&voice, text, &no_cut(), Lexicon::builtin(), &o).unwrap();
        let mut s = if whole_output { s.whole_output() } else { s };
        drain(&mut s)
    };
    let (streamed, whole) = (run(false), run(true));
    let (mut ramped, mut steady) = (0, 0);
    for (chunks, whole_output) in [(&streamed, false), (&whole, true)] {
        for (info, sizes) in by_sentence(chunks) {
            let frames: usize = info.durations.iter().sum();
            let samples: usize = sizes.iter().sum();
            assert_eq!(samples % frames, 0);
            let hop = samples / frames;
            let ramp = !whole_output && info.start < f64::from(RAMP_SECONDS);
            let first = if ramp {
                FIRST_WINDOW_FRAMES
            } else {
                WINDOW_FRAMES
            };
            assert_eq!(
                sizes[0],
                first.min(frames) * hop,
                "{info:?} ({whole_output})"
            );
            if !whole_output && frames > FIRST_WINDOW_FRAMES {
                if ramp { ramped += 1 } else { steady += 1 }
            }
        }
    }
    assert!(
        ramped > 0 && steady > 0,
        "both kinds of sentence: {ramped} ramped, {steady} steady"
    );
    assert!(whole.len() < streamed.len(), "fewer, larger chunks");
    // Windows are exact: the same audio either way, up to float rounding.
    let a: Vec<f32> = streamed
        .iter()
        .flat_map(|c| c.samples.iter().copied())
        .collect();
    let b: Vec<f32> = whole
        .iter()
        .flat_map(|c| c.samples.iter().copied())
        .collect();
    assert_eq!(a.len(), b.len());
    let signal: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum();
    let noise: f64 = a
        .iter()
        .zip(&b)
        .map(|(x, y)| f64::from(x - y).powi(2))
        .sum();
    let snr = 10.0 * (signal / noise.max(1e-30)).log10();
    assert!(snr >= 60.0, "{snr:.1} dB");
}
