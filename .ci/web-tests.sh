#!/usr/bin/env bash
# All web app tests: native unit tests, browser component tests (wasm-bindgen-test in headless Chromium),
# a release build, the size budget check and the Playwright end-to-end tests against dist/.
# Every step runs even when an earlier one fails; the script fails if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source .ci/env.sh

failed=()
step() {
    local name=$1; shift
    printf '\n\033[1m== %s\033[0m\n' "$name"
    if "$@"; then return 0; fi
    failed+=("$name")
    return 1
}

step "unit tests (native)" cargo test -p ngxplay --lib
step "component tests (wasm-bindgen-test, headless Chromium)" \
    cargo test -p ngxplay --target wasm32-unknown-unknown --test web
if step "release build (trunk, wasm-opt -Oz)" trunk build --release; then
    step "size budget (gzipped wasm + js)" node .ci/size-check.mjs dist
    step "end-to-end tests (Playwright, headless Chromium)" node tests/e2e/run.mjs "$@"
fi

if [ ${#failed[@]} -gt 0 ]; then
    printf '\n\033[1;31mFAILED:\033[0m %s\n' "${failed[@]}"
    exit 1
fi
printf '\n\033[1;32mall web checks passed\033[0m\n'
