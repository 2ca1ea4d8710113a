"""Durations: Sotto's per-phoneme frame counts against onnxruntime's, on the parity sentences.

The Piper graph computes `w_ceil = ceil(exp(logw) * x_mask * length_scale)` (node `/Ceil`);
this script adds that tensor as an extra graph output (with the `onnx` package), runs the graph
with onnxruntime at scales [0, 1, 0] (deterministic), and compares it, id by id, with the
`frames` that `sotto speak --ids ... --timings FILE.json` reports for the same ids. They must be
equal for every sentence: word timings are read from these counts.

usage: python tests/durations.py SOTTO_BIN VOICE_DIR VOICE.onnx VOICE.onnx.json
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ceil_output(model):
    """The name of the duration predictor's ceil output (the one node of type Ceil)."""
    ceils = [n for n in model.graph.node if n.op_type == "Ceil"]
    if len(ceils) != 1:
        sys.exit(f"expected one Ceil node in the graph, found {len(ceils)}")
    return ceils[0].output[0]


def main():
    sotto, voice_dir, onnx_path, config = sys.argv[1:5]
    model = onnx.load(onnx_path)
    name = ceil_output(model)
    model.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])

    tmp = tempfile.mkdtemp(prefix="sotto-durations-")
    with open(os.path.join(HERE, "data", "sentences.txt"), encoding="utf-8") as f:
        out = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "piper_ids.py"), config],
                             stdin=f, capture_output=True, text=True, check=True).stdout
    utts = [json.loads(l) for l in out.splitlines() if l.strip()]
    passed = failed = 0
    for i, u in enumerate(utts):
        ids = u["ids"]
        _, w_ceil = sess.run(["output", name], {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
        })
        ref = [int(v) for v in w_ceil.reshape(-1)]
        timings = os.path.join(tmp, f"{i:02}.json")
        subprocess.run([sotto, "speak", "--voice", voice_dir, "--ids", ",".join(map(str, ids)),
                        "--noise-scale", "0", "--noise-w", "0", "--timings", timings,
                        "--out", os.path.join(tmp, "x.f32")], check=True)
        t = json.load(open(timings, encoding="utf-8"))
        mine = t["sentences"][0]["frames"]
        ok = len(t["sentences"]) == 1 and t["sentences"][0]["ids"] == ids and mine == ref
        diff = sum(a != b for a, b in zip(mine, ref)) + abs(len(mine) - len(ref))
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} utt {i:02} ids={len(ids):4d} frames ref={sum(ref)} sotto={sum(mine)} differing={diff}")
    print(f"durations: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed >= 8 else 1)


if __name__ == "__main__":
    main()
