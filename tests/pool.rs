//! Parallel vocoding (`sotto::pool`) on the tiny random-weight voice: any thread count gives
//! the same chunks as the one-thread stream (samples bit for bit, words, sentence info, order),
//! and the latent hand-off refuses malformed windows and needs only the vocoder's shards.

#[path = "support/tiny.rs"]
mod tiny;

use sotto::latent::{LatentWindow, VocoderLoader};
use sotto::weights::safetensors::Dtype;
use sotto::{Chunk, SynthesisError, Voice, backend};

/// Phoneme words long enough for several sentences (cut at the id limit) of several windows.
fn input() -> String {
    let words = ["ab", "ba", "aab", "bba.", "a", "b"];
    (0..900)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn chunks(voice: &Voice, threads: usize) -> Vec<Chunk> {
    let opts = voice.default_options();
    let mut stream = Voice::stream_phonemes(voice, &input(), &opts).unwrap();
    let mut out = Vec::new();
    sotto::pool::run(voice, &mut stream, threads, |c| {
        out.push(c);
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn every_thread_count_gives_the_same_chunks() {
    let voice = tiny::load_tiny_voice();
    // The reference: the plain stream, on this thread.
    let opts = voice.default_options();
    let mut stream = Voice::stream_phonemes(&voice, &input(), &opts).unwrap();
    let mut serial = Vec::new();
    while let Some(c) = pollster::block_on(stream.next()).unwrap() {
        serial.push(c);
    }
    let sentences = serial.iter().map(|c| c.sentence_index).max().unwrap_or(0) + 1;
    assert!(sentences >= 2, "{sentences} sentence(s)");
    assert!(serial.len() >= 2 * sentences, "{} chunks", serial.len());
    assert!(serial.iter().any(|c| !c.words.is_empty()));
    for threads in [1, 2, 4] {
        let got = chunks(&voice, threads);
        // Samples bit for bit (the same ops on the same values), and the same words, timings,
        // sentence info and order.
        assert_eq!(got, serial, "{threads} threads");
    }
}

#[test]
fn latent_windows_vocode_to_the_windows_audio() {
    let voice = tiny::load_tiny_voice();
    let p = pollster::block_on(voice.prepare(&[1, 4, 5, 3, 5, 4, 6, 2], &voice.default_options()))
        .unwrap();
    // A vocoder built from the vocoder's shards only.
    let v = tiny::tiny_voice(Dtype::F32);
    let mut loader = VocoderLoader::new(v.manifest.to_json().as_bytes()).unwrap();
    let wanted: Vec<String> = loader.shards().iter().map(|s| s.file.clone()).collect();
    assert!(
        !wanted.is_empty() && wanted.len() < v.shards.len(),
        "{wanted:?}"
    );
    for (f, b) in v.shards.iter().filter(|(f, _)| wanted.contains(f)) {
        loader.add_shard(f, b).unwrap();
    }
    let vocoder = loader.finish(&backend::cpu()).unwrap();
    for w in voice.windows(&p) {
        let expected = pollster::block_on(voice.synthesize_frames(&p, w.clone())).unwrap();
        let latent = pollster::block_on(voice.latent_window(&p, w)).unwrap();
        assert_eq!(
            pollster::block_on(vocoder.vocode(&latent)).unwrap(),
            expected
        );
        assert_eq!(
            pollster::block_on(voice.vocode_window(&latent)).unwrap(),
            expected
        );
    }
}

#[test]
fn malformed_latent_windows_are_refused() {
    let voice = tiny::load_tiny_voice();
    let p = pollster::block_on(voice.prepare(&[1, 4, 5, 6, 2], &voice.default_options())).unwrap();
    let good = pollster::block_on(voice.latent_window(&p, 0..p.frames)).unwrap();
    let bad = |f: &dyn Fn(&mut LatentWindow)| {
        let mut w = good.clone();
        f(&mut w);
        match pollster::block_on(voice.vocode_window(&w)) {
            Err(sotto::Error::Synthesis(SynthesisError::InvalidLatent { .. })) => {}
            other => panic!("accepted: {other:?}"),
        }
    };
    bad(&|w| w.channels += 1);
    bad(&|w| {
        w.data.pop();
    });
    bad(&|w| w.trim_start = w.frames * 1000);
    bad(&|w| w.samples = usize::MAX);
    bad(&|w| w.speaker = Some(vec![0.0; 4]));
    bad(&|w| w.data[0] = f32::NAN);
    bad(&|w| {
        w.frames = 100_000;
        w.data = vec![0.0; w.channels * w.frames];
    });
    // A loader for shards it does not need refuses them (checked before parsing).
    let v = tiny::tiny_voice(Dtype::F32);
    let mut loader = VocoderLoader::new(v.manifest.to_json().as_bytes()).unwrap();
    let wanted: Vec<String> = loader.shards().iter().map(|s| s.file.clone()).collect();
    let (f, b) = v.shards.iter().find(|(f, _)| !wanted.contains(f)).unwrap();
    assert!(loader.add_shard(f, b).is_err());
}
