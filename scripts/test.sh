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
# A throwaway PostgreSQL cluster (Unix socket only, stopped at the end) for the shared ledger: the app's end-to-end
# test opens a ledger there, and the ledger, import and report tests run again on it, each test on its own database.
# Under CI a missing server fails the run instead of skipping.
if bash scripts/pg-cluster.sh check; then
    pgdir=$(mktemp -d /tmp/daicho-pg.XXXXXX)
    trap 'bash scripts/pg-cluster.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
    server=$(bash scripts/pg-cluster.sh start "$pgdir")
    export DAICHO_TEST_PG="${server% dbname=postgres}"
elif [[ "${CI:-}" == true ]]; then
    echo "PostgreSQL's server binaries are missing: the shared-ledger backend cannot be tested (apt-get install postgresql)" >&2
    exit 1
else
    echo "PostgreSQL's server binaries are not installed (apt-get install postgresql): the shared-ledger tests are skipped"
fi

echo "== cargo test (under xvfb-run for the desktop app's end-to-end tests)"
# The virtual screen is the users' 1366×768, so the app's 1366×697 window fits inside it as on their PCs.
xvfb-run -a -s "-screen 0 1366x768x24" cargo test --workspace --locked

if [[ -n "${DAICHO_TEST_PG:-}" ]]; then
    echo "== cargo test on PostgreSQL"
    # The integration-test binary built above, run again (cargo would build it anew for `--test main` alone: the
    # workspace's features differ from the package's). Cargo runs it from the package's folder, as here.
    main=$(cargo test --workspace --locked --no-run --message-format=json |
        grep '"name":"main"' | grep '"kind":\["test"\]' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p') || true
    [[ -x "$main" ]] || { echo "cargo named no integration-test binary (tests/main.rs) to run on PostgreSQL" >&2; exit 1; }
    DAICHO_TEST_BACKEND=postgres "$main"
    bash scripts/pg-cluster.sh stop "$pgdir"
    rm -rf "$pgdir"
    trap - EXIT
    unset DAICHO_TEST_PG
fi

bash scripts/windows-test.sh
