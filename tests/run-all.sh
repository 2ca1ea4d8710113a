#!/usr/bin/env bash
# Runs every test: formatting and lints, Rust unit and integration tests, the parity test
# against onnxruntime on the real voice, command-line checks, then the browser build (wasm) and
# the real-browser tests (headless Chromium: CPU and WebGPU synthesis, tampered shard, offline
# PWA, no network during synthesis, the demo, the npm tarball; Firefox ESR: the core of those;
# the tarball in Vite and webpack apps).
# Needs: cargo, python3, node + npm, /usr/bin/chromium, /usr/bin/firefox-esr. Creates .venv
# (pinned oracles), node_modules (npm ci), voices/ (fetched + converted voice) and pkg/ (the
# wasm package).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TERM_COLOR=never

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import onnxruntime, piper_phonemize" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tools/requirements.txt
fi
py=.venv/bin/python

cargo fmt --check
# Licences, bans, sources, pins: offline and cheap (installs cargo-deny once when missing).
bash tests/supply-chain.sh
cargo clippy --release --all-targets --locked -- -D warnings
cargo build --release --locked
target=$(cargo metadata --format-version 1 --no-deps | $py -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
sotto="$target/release/sotto"

models/fetch-voice.sh en_US-joe-medium "$sotto"
voice=voices/en_US-joe-medium
src=voices/.src/en_US-joe-medium

# Includes the fuzz targets (tests/fuzz/, proptest; SOTTO_FUZZ_CASES scales the case counts).
cargo test --release --locked

# Native memory soak on the real voice: 300 syntheses, RSS after 300 within 10% of after 20.
cargo test --release --locked --test soak -- --ignored --nocapture

# Parity with onnxruntime (references computed live).
$py tests/parity.py "$sotto" "$voice" "$src/en_US-joe-medium.onnx" "$src/en_US-joe-medium.onnx.json"

# Every Piper quality preset (random-weight fixtures from tools/voices/): convert twice
# (deterministic) and match onnxruntime at noise 0.
$py tests/voice_presets.py "$sotto"

# Command line, as a user would run it.
pass=0; fail=0
check() { if "$@"; then pass=$((pass+1)); echo "ok   $name"; else fail=$((fail+1)); echo "FAIL $name"; fi; }
tmp=$(mktemp -d)
name="speak writes a WAV"
check bash -c "'$sotto' speak --voice '$voice' --phonemes 'həlˈoʊ wˈɜːld.' --out '$tmp/hello.wav' && [ \$(stat -c %s '$tmp/hello.wav') -gt 20000 ]"
name="normalize reads Dr./\$/Jan./3rd right"
check bash -c "[ \"\$(echo 'Dr. Chen paid \$79.99 on Jan. 3rd.' | '$sotto' normalize)\" = 'Doctor Chen paid seventy nine dollars and ninety nine cents on January third.' ]"
name="speak --text writes a WAV"
check bash -c "'$sotto' speak --voice '$voice' --text 'Dr. Chen paid \$79.99 on Jan. 3rd.' --out '$tmp/chen.wav' && [ \$(stat -c %s '$tmp/chen.wav') -gt 100000 ]"
name="refused text names the script, never echoes the text"
check bash -c "! echo 'secret привет' | '$sotto' speak --voice '$voice' --out '$tmp/x.wav' 2>'$tmp/err' && grep -q Cyrillic '$tmp/err' && ! grep -q secret '$tmp/err'"
name="--help and --version exit 0 on stdout"
check bash -c "'$sotto' speak --help | grep -q -- '--length-scale' && '$sotto' --version | grep -qx 'sotto [0-9.]*'"
name="usage errors exit 2"
check bash -c "'$sotto' speak --voice '$voice' --out x.wav --bogus 2>/dev/null; [ \$? -eq 2 ] && '$sotto' 2>/dev/null; [ \$? -eq 2 ]"
name="speak --out - writes the WAV to stdout, no file named -"
check bash -c "cd '$tmp' && '$sotto' speak --voice '$PWD/$voice' --phonemes 'həlˈoʊ' --out - >stdout.wav && [ \"\$(head -c 4 stdout.wav)\" = RIFF ] && [ ! -e ./- ]"
name="phonemize --lts pronounces one word per line"
check bash -c "[ \"\$(printf 'sotto\\nblick\\n' | '$sotto' phonemize --lts | grep -c .)\" = 2 ]"
name="normalize keeps lines aligned and exits 1 on a refused line"
check bash -c "printf 'one\\nпривет\\n2\\n' | '$sotto' normalize >'$tmp/norm' 2>'$tmp/err'; [ \$? -eq 1 ] && [ \"\$(cat '$tmp/norm')\" = \"\$(printf 'one\\n\\ntwo')\" ] && grep -q 'line 2' '$tmp/err' && ! grep -q 'привет' '$tmp/err'"
cp -r "$voice" "$tmp/bad"
printf '\x01' | dd of="$tmp/bad/vocoder-00.safetensors" bs=1 seek=4096 conv=notrunc status=none
name="a corrupted shard is refused, named"
check bash -c "! '$sotto' speak --voice '$tmp/bad' --phonemes 'a' --out '$tmp/x.wav' 2>'$tmp/err' && grep -q 'vocoder-00.safetensors' '$tmp/err' && grep -q 'SHA-256' '$tmp/err'"
cp "$voice/vocoder-00.safetensors" "$tmp/bad/"
truncate -s -1 "$tmp/bad/acoustic-01.safetensors"
name="a resized shard is refused, named"
check bash -c "! '$sotto' speak --voice '$tmp/bad' --phonemes 'a' --out '$tmp/x.wav' 2>'$tmp/err' && grep -q 'acoustic-01.safetensors' '$tmp/err' && grep -q 'size' '$tmp/err'"
name="errors leak no paths"
check bash -c "! grep -q '$tmp' '$tmp/err'"
rm -rf "$tmp"
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

# The browser package and real-browser tests (Chromium and Firefox ESR), then the npm tarball
# installed into the example Vite and webpack apps, built and run (tests/apps/).
npm ci --no-audit --no-fund
bash scripts/build-wasm.sh
SOTTO_BIN="$sotto" npm run test:browser
npm run test:apps
