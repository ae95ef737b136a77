#!/usr/bin/env bash
# Installs what the web app's build and tests need, skipping whatever is already there (idempotent):
# Chromium + chromedriver (apt), the wasm32 target, trunk, wasm-bindgen-cli at the Cargo.lock version,
# and the npm dev dependencies (binaryen's wasm-opt, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

missing_apt=()
command -v chromium >/dev/null || missing_apt+=(chromium)
command -v chromedriver >/dev/null || [ -x /usr/bin/chromedriver ] || missing_apt+=(chromium-driver)
command -v node >/dev/null || missing_apt+=(nodejs)
command -v npm >/dev/null || missing_apt+=(npm)
command -v python3 >/dev/null || missing_apt+=(python3)
if [ ${#missing_apt[@]} -gt 0 ]; then
    log "apt: installing ${missing_apt[*]}"
    $SUDO apt-get update -qq
    $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup: adding wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "cargo: installing trunk $TRUNK_VERSION"
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
    log "Cargo.lock has no wasm-bindgen; run cargo generate-lockfile first"; exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION\$" || ! command -v wasm-bindgen-test-runner >/dev/null; then
    log "cargo: installing wasm-bindgen-cli $WB_VERSION"
    cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm: installing binaryen and playwright-core"
    npm ci --no-audit --no-fund
fi

log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -c 40)"
