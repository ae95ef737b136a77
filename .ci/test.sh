#!/usr/bin/env bash
# Installs whatever is missing, then runs every test: native, wasm-bindgen-test in headless Chromium, end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
echo "== native tests"
cargo test --workspace --locked
echo "== benches compile"
cargo bench -p ngxplay-core --no-run --locked
echo "== web tests"
bash .ci/web-tests.sh
echo "== all tests passed"
