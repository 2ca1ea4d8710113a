#!/usr/bin/env bash
# Builds the browser package into pkg/: the crate for wasm32 (WebGPU + flex CPU backend), JS
# bindings by wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, then wasm-opt
# (npm binaryen; Debian's wasm-opt 108 emits broken wasm) when it is installed.
# Installs what a fresh machine lacks: the rustup target and wasm-bindgen-cli (from crates.io).
# SOTTO_WASM_OPT=0 skips wasm-opt for quick development builds (CI keeps it on).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profile=${SOTTO_WASM_PROFILE:-wasm}

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (a few minutes)"
  cargo install wasm-bindgen-cli --locked --version "=$want"
fi

cargo build --locked --lib --target wasm32-unknown-unknown --profile "$profile"
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# Assemble in pkg.new and swap at the end, so pkg/ is never half-written.
rm -rf pkg.new
wasm-bindgen --target web --out-dir pkg.new --out-name sotto "$target/wasm32-unknown-unknown/$profile/sotto.wasm"
# The front-end's lexicon and letter-to-sound rules, outside the wasm (src/text/builtin.rs): the
# lexicon, a NUL byte, the rules, gzipped (-n: no name or time, so the bytes are reproducible).
# The worker fetches it, gunzips it and installs it; Rust checks its pinned SHA-256.
{ cat src/text/data/lexicon.txt; printf '\0'; cat src/text/data/lts_rules.txt; } | gzip -9 -n > pkg.new/sotto-text.bin.gz
opt="$root/node_modules/.bin/wasm-opt"
if [ "${SOTTO_WASM_OPT:-1}" = 0 ]; then
  echo "note: SOTTO_WASM_OPT=0, skipping wasm-opt (a development build)"
elif [ -x "$opt" ]; then
  "$opt" -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg.new/sotto_bg.wasm -o pkg.new/sotto_bg.opt.wasm && mv pkg.new/sotto_bg.opt.wasm pkg.new/sotto_bg.wasm
else
  echo "note: npm binaryen not installed (npm ci), skipping wasm-opt"
fi
rm -rf pkg && mv pkg.new pkg
raw=$(stat -c %s pkg/sotto_bg.wasm)
gz=$(gzip -9 -c pkg/sotto_bg.wasm | wc -c)
echo "pkg/sotto_bg.wasm: $raw bytes raw, $gz bytes gzip -9"
echo "pkg/sotto-text.bin.gz: $(stat -c %s pkg/sotto-text.bin.gz) bytes (fetched by the worker on first load)"
