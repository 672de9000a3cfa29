#!/usr/bin/env bash
# Builds the installable desktop app: a .deb here (on Windows, run the same with --bundles nsis for the per-user
# installer with the offline WebView2 installer). Output: target/release/bundle/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/install-deps.sh
bash scripts/build-ui.sh
./ui/node_modules/.bin/tauri build --bundles "${1:-deb}"
