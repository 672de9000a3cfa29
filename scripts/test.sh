#!/usr/bin/env bash
# Runs every check a change must pass: the UI's type check and tests, formatting, clippy with warnings as errors,
# and every Rust test — the end-to-end tests of the real app included, under a virtual display — then Windows:
# clippy for the Windows target, the tests under Wine, and the installers built and tried (scripts/windows-test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

echo "== ui: npm ci, build"
bash scripts/build-ui.sh
echo "== ui: svelte-check"
(cd ui && npm run check)
echo "== ui: vitest"
(cd ui && npm test)
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (under xvfb-run for the desktop app's end-to-end tests)"
xvfb-run -a cargo test --workspace --locked

bash scripts/windows-test.sh
