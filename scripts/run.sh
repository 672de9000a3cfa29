#!/usr/bin/env bash
# Runs Daicho on a fresh machine: installs what is missing, builds the CLI, fills a demo ledger (a separate file,
# never your own ledger) with the invented sample city and shows its summary for 令和5年度.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cargo build --release --locked
demo_db="target/demo/daicho-demo.sqlite3"
rm -f "$demo_db" "$demo_db-wal" "$demo_db-shm"
daicho() { ./target/release/daicho --db "$demo_db" "$@"; }
daicho demo
echo
daicho summary --fy 2023
echo
echo "続けて試すには: ./target/release/daicho --db $demo_db --help"
