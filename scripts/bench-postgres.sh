#!/usr/bin/env bash
# The 500 × 50 returns import on both backends, with the statements the server ran per imported line
# (pg_stat_statements on a throwaway cluster). Needs the bench data of `cargo bench` (target/bench-data: run
# `cargo bench` once) and a release CLI (`cargo build --release -p daicho`). Prints figures; BENCHMARKS.md keeps them.
set -euo pipefail
cd "$(dirname "$0")/.."
daicho=$PWD/target/release/daicho
data=$PWD/target/bench-data
[[ -x "$daicho" && -d "$data/returns-500x50" && -f "$data/import-seed.sqlite3" ]] || {
    echo "needs target/release/daicho and target/bench-data (cargo build --release -p daicho; cargo bench)" >&2
    exit 1
}
work=$(mktemp -d /tmp/daicho-bench-pg.XXXXXX)
pgdir="$work/pg"
chmod 755 "$work" # the server runs as the postgres user when this runs as root
trap 'bash scripts/pg-cluster.sh stop "$pgdir"; rm -rf "$work"' EXIT
server=$(PG_EXTRA="-c shared_preload_libraries=pg_stat_statements" bash scripts/pg-cluster.sh start "$pgdir")
base=${server% dbname=postgres}
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
files=("$data"/returns-500x50/*.xlsx)
lines=$(( ${#files[@]} * 50 ))

seconds() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

cp "$data/import-seed.sqlite3" "$work/dry.sqlite3"
dry=$(seconds "$daicho" --db "$work/dry.sqlite3" import --dry-run "${files[@]}")
cp "$data/import-seed.sqlite3" "$work/commit.sqlite3"
sqlite=$(seconds "$daicho" --db "$work/commit.sqlite3" import "${files[@]}")

psql "$base dbname=postgres" -c "CREATE DATABASE bench"
target="$base dbname=bench"
"$daicho" db copy "$data/import-seed.sqlite3" "$target" >/dev/null
psql "$target" -c "CREATE EXTENSION pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
pg=$(seconds "$daicho" --db "$target" import "${files[@]}")
calls=$(command psql -X -At "$target" -c "SELECT sum(calls) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'")
commits=$(command psql -X -At "$target" -c "SELECT count(*) FROM imports")

echo "returns: ${#files[@]} files, $lines lines; committed on the server: $commits files"
printf 'SQLite dry run            %8.3f s\n' "$dry"
printf 'SQLite import (commit)    %8.3f s   (÷ dry run %.2f)\n' "$sqlite" "$(echo "$sqlite / $dry" | bc -l)"
printf 'PostgreSQL import         %8.3f s   (÷ SQLite import %.2f)\n' "$pg" "$(echo "$pg / $sqlite" | bc -l)"
printf 'statements on the server  %8d     (%.1f per imported line)\n' "$calls" "$(echo "$calls / $lines" | bc -l)"
# rust-postgres sends each statement as a prepare and an execute: two round trips. Over a 1 ms link that alone adds:
printf 'at 1 ms a round trip      %8.1f s more (2 round trips a statement)\n' "$(echo "$calls * 2 / 1000" | bc -l)"
