#!/usr/bin/env python3
"""Heteronym accuracy of espeak-ng (through piper-phonemize, the phonemizer
Piper voices are trained with) and optionally of a `sotto` binary, on the
hand-labelled sets tests/data/heteronyms_{dev,heldout}.tsv.

The readings' phonemes come from src/text/data/heteronyms.tsv. A sentence's
phoneme string is split at spaces; the token closest (edit distance, stress
marks included) to either reading of the target word decides which reading
was said; a tie counts as a miss. The Rust test tests/text_heteronyms.rs
scores Sotto by exact match, which is stricter.

usage: heteronyms.py [--sotto BIN] [--show]
Needs piper-phonemize==1.1.0 (test oracle only; GPL, never shipped).
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from per import lev as dist, oracle  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def readings():
    out = {}
    for line in (REPO / "src/text/data/heteronyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, _, r1, p1, r2, p2 = line.split("\t")
        out[word] = {r1: p1, r2: p2}
    return out


def labelled(name):
    rows = []
    for line in (REPO / f"tests/data/heteronyms_{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


def strip_punct(tok):
    return tok.strip(",.;:?!")


def decide(phonemes, options):
    """Reading whose phonemes are closest to some token; None on a tie."""
    best = None
    for tok in phonemes.split():
        tok = strip_punct(tok)
        for reading, p in options.items():
            d = dist(tok, p)
            if best is None or d < best[0]:
                best = (d, {reading})
            elif d == best[0]:
                best[1].add(reading)
    if best is None or len(best[1]) != 1:
        return None
    return next(iter(best[1]))


def espeak(sentences):
    return [oracle(t) for t in sentences]


def sotto(binary, sentences):
    r = subprocess.run([binary, "phonemize"], input="\n".join(sentences) + "\n",
                       capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sotto", help="also score this sotto binary (phonemize)")
    ap.add_argument("--show", action="store_true", help="print the misses")
    args = ap.parse_args()
    table = readings()
    for name in ("dev", "heldout"):
        rows = labelled(name)
        sents = [r[0] for r in rows]
        systems = {"espeak-ng": espeak(sents)}
        if args.sotto:
            systems["sotto"] = sotto(args.sotto, sents)
        for system, outs in systems.items():
            right, misses = 0, []
            for (sent, word, label), ph in zip(rows, outs):
                got = decide(ph, table[word])
                if got == label:
                    right += 1
                else:
                    misses.append(f"{sent} [{word}: want {label}, got {got}] {ph}")
            print(f"{name:8} {system:10} {right}/{len(rows)} = {100 * right / len(rows):.1f}%")
            if args.show:
                for m in misses:
                    print("   miss:", m)


if __name__ == "__main__":
    main()
