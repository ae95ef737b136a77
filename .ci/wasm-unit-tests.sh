#!/usr/bin/env bash
# Runs the web app's browser tests (tests/web) with wasm-bindgen-test in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env.sh
cargo test -p ngxplay --target wasm32-unknown-unknown --test web "$@"
