"""Parity: Sotto (burn, CPU) against onnxruntime on the same Piper ONNX, noise scales 0.

For every sentence of tests/data/sentences.txt, phonemes come from piper-phonemize 1.1.0 and ids
from Piper's rules (tools/piper_ids.py); onnxruntime runs the original ONNX (tools/ort_run.py)
and `sotto speak --ids` runs the converted voice. The two outputs must have the same length and
an SNR of at least 40 dB. References are computed live, never committed.

usage: python tests/parity.py SOTTO_BIN VOICE_DIR VOICE.onnx VOICE.onnx.json
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MIN_SNR_DB = 40.0


def snr_db(ref, out):
    err = np.sum((ref.astype(np.float64) - out) ** 2)
    sig = np.sum(ref.astype(np.float64) ** 2)
    return math.inf if err == 0 else 10 * math.log10(sig / err)


def main():
    sotto, voice_dir, onnx, config = sys.argv[1:5]
    tmp = tempfile.mkdtemp(prefix="sotto-parity-")
    ids_path = os.path.join(tmp, "ids.jsonl")
    with open(os.path.join(HERE, "data", "sentences.txt"), encoding="utf-8") as f, open(ids_path, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "piper_ids.py"), config], stdin=f, stdout=out, check=True)
    utts = [json.loads(l) for l in open(ids_path, encoding="utf-8")]
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "ort_run.py"), onnx, ids_path, tmp], check=True)
    passed = failed = 0
    for i, u in enumerate(utts):
        ref = np.fromfile(os.path.join(tmp, f"{i:02}.f32"), "<f4")
        mine = os.path.join(tmp, f"sotto-{i:02}.f32")
        ids = ",".join(map(str, u["ids"]))
        subprocess.run([sotto, "speak", "--voice", voice_dir, "--ids", ids, "--noise-scale", "0", "--noise-w", "0", "--out", mine], check=True)
        out = np.fromfile(mine, "<f4")
        ok_len = len(out) == len(ref)
        snr = snr_db(ref, out) if ok_len else float("nan")
        ok = ok_len and snr >= MIN_SNR_DB
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} utt {i:02} ids={len(u['ids']):4d} samples ref={len(ref)} sotto={len(out)} snr={snr:6.1f} dB  {u['phonemes'][:60]}")
    print(f"parity: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed >= 8 else 1)


if __name__ == "__main__":
    main()
