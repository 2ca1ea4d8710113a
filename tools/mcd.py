#!/usr/bin/env python3
"""Compares two Sotto voices (e.g. the f16 and f32 conversions of one Piper voice) on the same
sentences: mel-cepstral distortion after DTW alignment, and how many phoneme frame counts differ.

Sample SNR is the wrong judge for a weight-precision change: one phoneme one frame longer shifts
everything after it and ruins SNR while nobody can hear it. So each sentence is spoken by both
voices with the same seed (`sotto speak --seed N --timings F.json`), and
- the frame counts the duration predictor chose (`sentences[].frames` in the timings file) are
  compared id by id;
- the two waveforms are turned into mel-cepstra (STFT 1024/256 Hann at 22.05 kHz, 80 mel bands
  0–8 kHz, natural-log amplitude, DCT-II scaled as a cepstrum (1/80), coefficients 1..24, c0 = energy
  left out),
  aligned by DTW (Euclidean frame distance, steps (1,1) (1,0) (0,1)), and the mel-cepstral
  distortion MCD = 10/ln(10) · sqrt(2 · Σ_d (c_d − c'_d)²) is averaged over the path, in dB.
  These are MFCC-style cepstra (a mel filterbank, not SPTK's all-pass warped mcep), so the
  figures compare with each other, not with another paper's MCD.

A reference point comes from the same tool: `--seed-b` speaks voice B with another seed, so
`--a V --b V --seed 1 --seed-b 2` measures how far two draws of the *same* voice lie apart
(sampling noise in VITS' prior and duration flow), against which an f16/f32 gap can be judged.

Only numpy (pinned in tools/requirements.txt). Prints Markdown to stdout, progress to stderr.

usage: mcd.py --sotto BIN --a VOICE_DIR --b VOICE_DIR [--sentences F ...] [--seed N]
              [--seed-b N] [--noise-zero] [--work DIR] [--reuse]
"""

import argparse
import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
N_FFT, HOP, N_MELS, N_CEP, FMAX = 1024, 256, 80, 24, 8000.0


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise SystemExit(f"mcd.py: {path.name}: expected 16-bit mono")
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return x / 32768.0, sr


def mel_filterbank(sr):
    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    mels = np.linspace(hz_to_mel(0.0), hz_to_mel(min(FMAX, sr / 2)), N_MELS + 2)
    hz = mel_to_hz(mels)
    bins = np.fft.rfftfreq(N_FFT, 1.0 / sr)
    fb = np.zeros((N_MELS, bins.size))
    for m in range(N_MELS):
        lo, c, hi = hz[m], hz[m + 1], hz[m + 2]
        up = (bins - lo) / (c - lo)
        down = (hi - bins) / (hi - c)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    return fb


def dct_matrix(n):
    """Cepstrum of n mel bands: c_k = (1/n) Σ_m L_m cos(π k (m + ½) / n), so that
    L(ω) ≈ c_0 + 2 Σ_k c_k cos(k ω) on the mel axis (the scale MCD's formula assumes)."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    return np.cos(np.pi * k * (2 * i + 1) / (2 * n)) / n


def mel_cepstra(x, sr, fb, dct):
    pad = np.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect")
    n = 1 + (pad.size - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    spec = np.abs(np.fft.rfft(pad[idx] * np.hanning(N_FFT + 1)[:-1], axis=1))
    mel = np.log(np.maximum(spec @ fb.T, 1e-5))  # log amplitude per mel band
    return (mel @ dct.T)[:, 1 : N_CEP + 1]


def dtw_mcd(a, b):
    """Mean MCD (dB) over the DTW path aligning cepstra a (n×d) and b (m×d)."""
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    n, m = cost.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        diag_up = np.minimum(acc[i - 1, :-1], acc[i - 1, 1:]) + cost[i - 1]
        row = acc[i]
        for j in range(1, m + 1):
            row[j] = min(diag_up[j - 1], row[j - 1] + cost[i - 1, j - 1])
    # Backtrack to average the frame distance along the path.
    i, j, total, steps = n, m, 0.0, 0
    while i > 0 and j > 0:
        total += cost[i - 1, j - 1]
        steps += 1
        k = np.argmin([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]])
        i, j = (i - 1, j - 1) if k == 0 else (i - 1, j) if k == 1 else (i, j - 1)
    k = 10.0 / np.log(10.0) * np.sqrt(2.0)
    return k * total / max(steps, 1)


def speak(sotto, voice, text, seed, wav, timings, extra):
    if sotto is None:  # --reuse: the files of an earlier run
        return json.loads(Path(timings).read_text())
    r = subprocess.run(
        [str(sotto), "speak", "--voice", str(voice), "--text", text, "--out", str(wav),
         "--seed", str(seed), "--timings", str(timings)] + extra,
        capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"mcd.py: sotto failed ({r.returncode}): {r.stderr.strip()[:200]}")
    return json.loads(Path(timings).read_text())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sotto", required=True, type=Path)
    ap.add_argument("--a", required=True, type=Path, help="reference voice dir (e.g. f32)")
    ap.add_argument("--b", required=True, type=Path, help="compared voice dir (e.g. f16)")
    ap.add_argument("--sentences", nargs="+", type=Path,
                    default=[HERE / "wer/sentences.txt", HERE / "wer/plain.txt",
                             HERE / "wer/unseen.txt"])
    ap.add_argument("--seed", default=1, type=int)
    ap.add_argument("--seed-b", type=int, help="seed for voice B (default: --seed)")
    ap.add_argument("--work", default=Path("target/mcd"), type=Path)
    ap.add_argument("--noise-zero", action="store_true",
                    help="speak with --noise-scale 0 --noise-w 0 (deterministic)")
    ap.add_argument("--reuse", action="store_true",
                    help="measure the WAV/JSON files already in --work, speak nothing")
    args = ap.parse_args()
    extra = ["--noise-scale", "0", "--noise-w", "0"] if args.noise_zero else []
    sotto = None if args.reuse else args.sotto
    seed_b = args.seed if args.seed_b is None else args.seed_b
    args.work.mkdir(parents=True, exist_ok=True)

    texts = []
    for f in args.sentences:
        texts += [t.strip() for t in f.read_text(encoding="utf-8").splitlines() if t.strip()]
    fb, dct = None, dct_matrix(N_MELS)
    mcds, same, ids_total, ids_diff, frames_a, frames_b = [], [], 0, 0, 0, 0
    for n, text in enumerate(texts, 1):
        wa, wb = args.work / f"{n:03d}-a.wav", args.work / f"{n:03d}-b.wav"
        ta = speak(sotto, args.a, text, args.seed, wa, args.work / f"{n:03d}-a.json", extra)
        tb = speak(sotto, args.b, text, seed_b, wb, args.work / f"{n:03d}-b.json", extra)
        changed = False
        for sa, sb in zip(ta["sentences"], tb["sentences"], strict=True):
            fa, fbr = np.array(sa["frames"]), np.array(sb["frames"])
            if sa["ids"] != sb["ids"]:
                raise SystemExit("mcd.py: the two voices phonemize differently")
            ids_total += fa.size
            ids_diff += int((fa != fbr).sum())
            frames_a += int(fa.sum())
            frames_b += int(fbr.sum())
            changed |= bool((fa != fbr).any())
        xa, sr = read_wav(wa)
        xb, srb = read_wav(wb)
        if sr != srb:
            raise SystemExit("mcd.py: sample rates differ")
        if fb is None:
            fb = mel_filterbank(sr)
        d = dtw_mcd(mel_cepstra(xa, sr, fb, dct), mel_cepstra(xb, sr, fb, dct))
        mcds.append(d)
        same.append(not changed)
        log(f"[{n:3d}/{len(texts)}] MCD {d:5.2f} dB  frames differ: {changed}")
    m, same = np.array(mcds), np.array(same, dtype=bool)

    def stat(x):
        return f"{x.mean():.3f} / {x.max():.3f}" if x.size else "–"

    print("| texts | MCD mean / max (dB), all | same frame counts | some frame count differs "
          "| ids with a different frame count | total frames A → B |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(texts)} | {stat(m)} | {stat(m[same])} ({same.sum()} texts) "
          f"| {stat(m[~same])} ({(~same).sum()} texts) "
          f"| {ids_diff} / {ids_total} ({100 * ids_diff / max(ids_total, 1):.2f} %) "
          f"| {frames_a} → {frames_b} |")


if __name__ == "__main__":
    main()
