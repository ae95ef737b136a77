#!/usr/bin/env bash
# Installs what is missing, then serves the app with live rebuilds at http://127.0.0.1:8080/.
# A first visit opens the first gallery example (the /api outage); later visits restore saved work.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
source .ci/env.sh
exec trunk serve --address 127.0.0.1 --port "${PORT:-8080}" "$@"
