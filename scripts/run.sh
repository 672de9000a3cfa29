#!/usr/bin/env bash
# Runs the Daicho desktop app on a fresh machine: installs what is missing, builds the UI and the app, and starts it
# on your ledger (the local app-data folder, or DAICHO_DB). A new ledger offers to load the sample city.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/install-deps.sh
bash scripts/build-ui.sh
cargo run --release --locked -p daicho-app
