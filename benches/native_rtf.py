"""Native speed benchmark: Sotto (burn flex CPU backend, 1 thread) against onnxruntime
(1 intra-op thread) and Piper's own runtime on the same phoneme ids, in one run.

Each engine runs in its own child process (so its load time and peak RSS are its own); every
utterance gets one warm-up and RUNS timed syntheses; the median is used. Real-time factor =
synthesis seconds / audio seconds (lower is faster). Prints a Markdown table for BENCHMARKS.md.

Sotto times whole-utterance synthesis as `sotto speak` writing a file runs it: windows of
WINDOW_FRAMES from the start (no ramp of small windows for first audio; `sotto bench
--first-window 16` times that). The last two rows use every core: Sotto's vocoder pool
(`--threads N`) against onnxruntime with N intra-op threads.

usage: python benches/native_rtf.py SOTTO_BIN VOICE_DIR VOICE.onnx [RUNS]
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child(cmd):
    """Runs cmd, returns (parsed JSON stdout, peak RSS in MiB)."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, env=dict(os.environ, RAYON_NUM_THREADS="1"))
        _, status, usage = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"benchmark child failed: {cmd[0]}")
        out.seek(0)
        return json.loads(out.read().decode()), usage.ru_maxrss / 1024


def summarize(result):
    synth = sum(statistics.median(u["synth_s"]) for u in result["utterances"])
    audio = sum(u["audio_s"] for u in result["utterances"])
    return synth, audio


def main():
    sotto, voice_dir, onnx = sys.argv[1:4]
    runs = sys.argv[4] if len(sys.argv) > 4 else "3"
    tmp = tempfile.mkdtemp(prefix="sotto-bench-")
    ids_jsonl = os.path.join(tmp, "ids.jsonl")
    ids_txt = os.path.join(tmp, "ids.txt")
    with open(os.path.join(ROOT, "tests", "data", "sentences.txt"), encoding="utf-8") as f, open(ids_jsonl, "w", encoding="utf-8") as o:
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "piper_ids.py"), onnx + ".json"], stdin=f, stdout=o, check=True)
    with open(ids_jsonl, encoding="utf-8") as f, open(ids_txt, "w", encoding="utf-8") as o:
        for line in f:
            o.write(",".join(map(str, json.loads(line)["ids"])) + "\n")

    cores = os.cpu_count() or 1
    engines = [
        ("sotto (CPU kernels, 1 thread)", [sotto, "bench", "--voice", voice_dir, "--ids-file", ids_txt, "--runs", runs]),
        ("onnxruntime (1 thread)", [sys.executable, os.path.join(ROOT, "tools", "ort_run.py"), onnx, ids_jsonl, "--bench", runs]),
        ("piper-tts 1.8.0 runtime (ORT default threads)", [sys.executable, os.path.join(ROOT, "tools", "ort_run.py"), onnx, ids_jsonl, "--bench", runs, "--piper"]),
        # The same binary on burn's ops (flex im2col conv1d, unfused element-wise passes).
        ("sotto (burn ops, 1 thread)", [sotto, "bench", "--voice", voice_dir, "--ids-file", ids_txt, "--runs", runs, "--burn-ops"]),
        # All cores, both: Sotto's vocoder pool (`--threads`) against onnxruntime's intra-op threads.
        (f"sotto (CPU kernels, {cores} threads)", [sotto, "bench", "--voice", voice_dir, "--ids-file", ids_txt, "--runs", runs, "--threads", str(cores)]),
        (f"onnxruntime ({cores} threads)", [sys.executable, os.path.join(ROOT, "tools", "ort_run.py"), onnx, ids_jsonl, "--bench", runs, "--threads", str(cores)]),
    ]
    rows = []
    sotto_runs = None
    burn_runs = None
    for name, cmd in engines:
        result, rss = child(cmd)
        sotto_runs = sotto_runs or result
        if "--burn-ops" in cmd:
            burn_runs = result
        synth, audio = summarize(result)
        rows.append((name, result["load_s"], synth, audio, rss))
    base = rows[1][2]
    sotto_result = rows[0]
    acoustic = sum(statistics.median(u["acoustic_s"]) for u in sotto_runs["utterances"])
    first = sum(statistics.median(u["first_s"]) for u in sotto_runs["utterances"]) / len(sotto_runs["utterances"])
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; "
          f"{len(rows and open(ids_jsonl).readlines())} utterances, median of {runs} runs each after a warm-up.\n")
    print("| engine | load (s) | synth total (s) | audio (s) | RTF | time vs onnxruntime | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for name, load, synth, audio, rss in rows:
        print(f"| {name} | {load:.3f} | {synth:.3f} | {audio:.2f} | {synth / audio:.4f} | {synth / base:.2f}× | {rss:.0f} |")
    total = sotto_result[2]
    print(f"\nSotto's time by stage: once per sentence (encoder + duration predictor + prior) {acoustic:.3f} s "
          f"({100 * acoustic / total:.0f}%), windows (flow + HiFi-GAN) {total - acoustic:.3f} s "
          f"({100 * (total - acoustic) / total:.0f}%); first audio after {first:.3f} s on average.")
    (_, _, s_all, _, _), (_, _, o_all, _, _) = rows[-2], rows[-1]
    print(f"\nAll {cores} cores: Sotto {s_all:.3f} s, onnxruntime {o_all:.3f} s: {s_all / o_all:.2f}× onnxruntime's time.")
    for label, r in (("CPU kernels", sotto_runs), ("burn ops", burn_runs)):
        cpu = sum(statistics.median(u["synth_cpu_s"]) for u in r["utterances"] if u["synth_cpu_s"])
        ac = sum(statistics.median(u["acoustic_s"]) for u in r["utterances"])
        syn = sum(statistics.median(u["synth_s"]) for u in r["utterances"])
        print(f"Sotto ({label}): synth {syn:.3f} s wall, {cpu:.3f} s CPU of the synthesizing thread; "
              f"once per sentence {ac:.3f} s, windows (flow + HiFi-GAN) {syn - ac:.3f} s.")


if __name__ == "__main__":
    main()
