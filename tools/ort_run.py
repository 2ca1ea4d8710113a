"""Reference synthesis with onnxruntime on the original Piper ONNX (tests and benchmarks only).

usage: ort_run.py VOICE.onnx IDS_JSONL OUT_DIR                # writes OUT_DIR/NN.f32 (noise 0)
       ort_run.py VOICE.onnx IDS_JSONL --bench RUNS [--piper | --threads N]
                                                              # prints timing JSON like `sotto bench`
Scales are [noise_scale, length_scale, noise_w] = [0, 1, 0]: the graph is then deterministic.
onnxruntime: one intra-op thread (--threads N: N), CPU provider. --piper: Piper's own runtime (piper-tts
PiperVoice.load + phoneme_ids_to_audio), with its default session options (all cores).
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort


def main():
    onnx_path, ids_path = sys.argv[1], sys.argv[2]
    piper = "--piper" in sys.argv
    t0 = time.perf_counter()
    if piper:
        from piper import PiperVoice, SynthesisConfig

        voice = PiperVoice.load(onnx_path)
        syn = SynthesisConfig(noise_scale=0.0, length_scale=1.0, noise_w_scale=0.0)
    else:
        so = ort.SessionOptions()
        threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    load_s = time.perf_counter() - t0
    utts = [json.loads(l) for l in open(ids_path, encoding="utf-8") if l.strip()]
    sample_rate = json.load(open(onnx_path + ".json", encoding="utf-8"))["audio"]["sample_rate"]

    def run(ids):
        if piper:
            return voice.phoneme_ids_to_audio(ids, syn)
        return sess.run(None, {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
        })[0].reshape(-1)

    if sys.argv[3] == "--bench":
        runs = int(sys.argv[4])
        out = []
        for u in utts:
            audio = run(u["ids"])  # warm-up
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                run(u["ids"])
                times.append(time.perf_counter() - t)
            out.append({"ids": len(u["ids"]), "audio_s": len(audio) / sample_rate, "synth_s": times})
        print(json.dumps({"load_s": load_s, "utterances": out}))
    else:
        for i, u in enumerate(utts):
            run(u["ids"]).astype("<f4").tofile(f"{sys.argv[3]}/{i:02}.f32")


if __name__ == "__main__":
    main()
