#!/usr/bin/env bash
# The 500 × 50 returns import on both backends: SQLite, PostgreSQL on this machine (Unix socket), and PostgreSQL over
# a link with 1 ms round-trip time (scripts/delay-proxy.py), with the statements the server ran per imported line
# (pg_stat_statements), and the server's floor: the same rows written by the server alone, a transaction a file, locally
# and over the link. The server keeps its production durability (fsync, full-page writes, synchronous commit),
# unlike the test cluster. Needs the bench data of `cargo bench` (target/bench-data: run `cargo bench` once) and a
# release CLI (`cargo build --release -p daicho`). Prints figures; BENCHMARKS.md keeps them.
set -euo pipefail
cd "$(dirname "$0")/.."
daicho=$PWD/target/release/daicho
data=$PWD/target/bench-data
rtt_ms=${RTT_MS:-1}
[[ -x "$daicho" && -d "$data/returns-500x50" && -f "$data/import-seed.sqlite3" ]] || {
    echo "needs target/release/daicho and target/bench-data (cargo build --release -p daicho; cargo bench)" >&2
    exit 1
}
work=$(mktemp -d /tmp/daicho-bench-pg.XXXXXX)
pgdir="$work/pg"
chmod 755 "$work" # the server runs as the postgres user when this runs as root
proxy=
trap '[[ -n "$proxy" ]] && kill "$proxy" 2>/dev/null; bash scripts/pg-cluster.sh stop "$pgdir"; rm -rf "$work"' EXIT
durable="-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
stats="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
server=$(PG_EXTRA="$stats $durable" bash scripts/pg-cluster.sh start "$pgdir")
base=${server% dbname=postgres}
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
files=("$data"/returns-500x50/*.xlsx)
lines=$(( ${#files[@]} * 50 ))

seconds() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

cp "$data/import-seed.sqlite3" "$work/dry.sqlite3"
dry=$(seconds "$daicho" --db "$work/dry.sqlite3" import --dry-run "${files[@]}")
cp "$data/import-seed.sqlite3" "$work/commit.sqlite3"
sqlite=$(seconds "$daicho" --db "$work/commit.sqlite3" import "${files[@]}")

psql "$base dbname=postgres" -c "CREATE DATABASE bench" -c "CREATE DATABASE bench_far"
target="$base dbname=bench"
"$daicho" db copy "$data/import-seed.sqlite3" "$target" >/dev/null
"$daicho" db copy "$data/import-seed.sqlite3" "$base dbname=bench_far" >/dev/null
# The import runs as a staff login (a member of daicho_editor), as the app does: it never connects as the owner.
"$daicho" server init "$target" >/dev/null
"$daicho" server init "$base dbname=bench_far" >/dev/null
psql "$target" -c "CREATE ROLE bench_editor LOGIN IN ROLE daicho_editor" >/dev/null
editor=${base/user=daicho/user=bench_editor}
psql "$target" -c "CREATE EXTENSION pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
pg=$(seconds "$daicho" --db "$editor dbname=bench" import "${files[@]}")
# The statements of the bench database only (pg_stat_statements counts the whole cluster's).
mine="query NOT LIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = 'bench')"
calls=$(command psql -X -At "$target" -c "SELECT sum(calls) FROM pg_stat_statements WHERE $mine")
commits=$(command psql -X -At "$target" -c "SELECT count(*) FROM imports")

# What the server did for the import, kept before anything else runs on the server.
server_time=$(command psql -X -At -F ' ' "$target" -c "SELECT 'the server planning ' || to_char(sum(total_plan_time) / 1000, 'FM990.000') || ' s, executing ' || to_char(sum(total_exec_time) / 1000, 'FM990.000') || ' s' FROM pg_stat_statements WHERE $mine")
longest=$(command psql -X -At -F ' ' "$target" -c "SELECT to_char(calls::numeric / ${#files[@]}, 'FM990.00'), to_char(total_exec_time / 1000, 'FM990.000') || ' s', left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements WHERE $mine ORDER BY total_exec_time DESC LIMIT 12")

# The floor: the rows the import wrote, written again by the server alone into fresh copies of the ledger the import
# started from, as the same staff login, one transaction a file: each table's rows of the file in one INSERT … SELECT
# from a staged copy. No workbook read, no matching of names, no value sent; every constraint, index and trigger the
# import pays. Each file of the bench adds the same number of rows to each table (checked below).
floor_tables=(initiatives status_history effects audit_log imports import_units)
psql "$base dbname=postgres" -c "CREATE DATABASE bench_floor"
floor_db="$base dbname=bench_floor"
"$daicho" db copy "$data/import-seed.sqlite3" "$floor_db" >/dev/null
"$daicho" server init "$floor_db" >/dev/null
declare -A floor_cols
for t in "${floor_tables[@]}"; do
    # A file's rows: the rows of its import (import_units), or its run of consecutive ids.
    if [[ $t == import_units ]]; then key=import_id; else key=id; fi
    from=$(command psql -X -At "$floor_db" -c "SELECT coalesce(max($key), 0) FROM $t")
    n=$(command psql -X -At "$target" -c "SELECT count(*) FROM $t WHERE $key > $from")
    (( n > 0 && n % ${#files[@]} == 0 )) || { echo "$t: $n new rows do not split into ${#files[@]} files" >&2; exit 1; }
    if [[ $t == import_units ]]; then
        file_of="dense_rank() OVER (ORDER BY import_id) - 1"
    else
        file_of="(row_number() OVER (ORDER BY id) - 1) / $(( n / ${#files[@]} ))"
    fi
    cols=$(command psql -X -At "$target" -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$t'")
    floor_cols[$t]=$cols
    psql "$floor_db" -c "CREATE TABLE staged_$t AS SELECT $cols, 0 AS file FROM $t WITH NO DATA"
    psql "$target" -c "\copy (SELECT $cols, $file_of FROM $t WHERE $key > $from) TO STDOUT" |
        psql "$floor_db" -c "\copy staged_$t FROM STDIN"
    shape=$(command psql -X -At "$floor_db" -c "SELECT count(DISTINCT file) || ' ' || count(DISTINCT c)
        FROM (SELECT file, count(*) AS c FROM staged_$t GROUP BY file) f")
    [[ $shape == "${#files[@]} 1" ]] || { echo "$t: the files do not add the same number of rows ($shape)" >&2; exit 1; }
    psql "$floor_db" -c "CREATE INDEX ON staged_$t (file)" -c "ANALYZE staged_$t" \
        -c "GRANT SELECT ON staged_$t TO daicho_editor"
done
psql "$base dbname=postgres" -c "CREATE DATABASE bench_floor_far TEMPLATE bench_floor" \
    -c "CREATE DATABASE bench_floor_far10 TEMPLATE bench_floor"
# One line a file: psql sends statements joined by \; as one query string, so one round trip a file (floor.sql);
# floor10.sql joins ten files' transactions in each, as a client sending the next files without waiting would.
for ((k = 0; k < ${#files[@]}; k++)); do
    line="BEGIN"
    for t in "${floor_tables[@]}"; do
        line+="\\; INSERT INTO $t (${floor_cols[$t]}) SELECT ${floor_cols[$t]} FROM staged_$t WHERE file = $k"
    done
    echo "$line\\; COMMIT"
done > "$work/floor.lines"
sed 's/$/;/' "$work/floor.lines" > "$work/floor.sql"
awk '{ printf "%s%s", (NR % 10 == 1 ? "" : "\\; "), $0 } NR % 10 == 0 { print ";" } END { if (NR % 10) print ";" }' \
    "$work/floor.lines" > "$work/floor10.sql"
# Seconds to run a psql script as the staff login, after a checkpoint (the copies just made do not cost the run).
floor_run() {
    local db=$1 script=$2 start
    psql "$base dbname=postgres" -c CHECKPOINT >/dev/null
    start=$(date +%s.%N)
    psql "$db" -f "$script" >/dev/null 2>"$work/floor.err" || { cat "$work/floor.err" >&2; return 1; }
    echo "$(date +%s.%N) - $start" | bc
}
# Every table of a floor's database holds as many rows as the import's.
same_as_import() {
    local t
    for t in "${floor_tables[@]}"; do
        [[ $(command psql -X -At "$base dbname=$1" -c "SELECT count(*) FROM $t") == \
            $(command psql -X -At "$target" -c "SELECT count(*) FROM $t") ]] ||
            { echo "$1: $t does not hold the import's rows" >&2; exit 1; }
    done
}
psql "$target" -c "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = 'bench_floor'), 0)" \
    >/dev/null
floor=$(floor_run "$editor dbname=bench_floor" "$work/floor.sql")
same_as_import bench_floor
floor_server=$(command psql -X -At "$target" -c "SELECT to_char(sum(total_exec_time) / 1000, 'FM990.000')
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench_floor')
    AND query NOT LIKE '%pg_stat_statements%'")

# The same import through a proxy that holds each packet rtt/2 in each direction, on a free port.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 scripts/delay-proxy.py "$port" "$pgdir/.s.PGSQL.5432" "$rtt_ms" > "$work/proxy.log" 2>&1 &
proxy=$!
for _ in $(seq 50); do grep -q ready "$work/proxy.log" 2>/dev/null && break; sleep 0.1; done
far="host=127.0.0.1 port=$port user=bench_editor sslmode=disable"
far_owner=${far/user=bench_editor/user=daicho}
# The round trip as measured: 500 one-statement queries through the proxy, less the same without it.
printf 'SELECT 1;\n%.0s' {1..500} > "$work/ping.sql"
near_ping=$(seconds psql "$base dbname=postgres" -f "$work/ping.sql")
far_ping=$(seconds psql "$far dbname=postgres" -f "$work/ping.sql")
rtt=$(echo "($far_ping - $near_ping) * 1000 / 500" | bc -l)
pg_far=$(seconds "$daicho" --db "$far dbname=bench_far" import "${files[@]}")
far_commits=$(command psql -X -At "$base dbname=bench_far" -c "SELECT count(*) FROM imports")
floor_far=$(floor_run "$far dbname=bench_floor_far" "$work/floor.sql")
same_as_import bench_floor_far
floor_far10=$(floor_run "$far dbname=bench_floor_far10" "$work/floor10.sql")
same_as_import bench_floor_far10

echo "returns: ${#files[@]} files, $lines lines; committed on the server: $commits files (over the slow link: $far_commits)"
printf 'SQLite dry run               %8.3f s\n' "$dry"
printf 'SQLite import (commit)       %8.3f s   (÷ dry run %.2f)\n' "$sqlite" "$(echo "$sqlite / $dry" | bc -l)"
printf 'PostgreSQL import, local     %8.3f s   (÷ SQLite import %.2f)\n' "$pg" "$(echo "$pg / $sqlite" | bc -l)"
printf 'PostgreSQL import, %.2f ms   %8.3f s   (÷ SQLite import %.2f)\n' "$rtt" "$pg_far" "$(echo "$pg_far / $sqlite" | bc -l)"
printf 'PostgreSQL alone, local      %8.3f s   (÷ SQLite import %.2f; the server executing %s s)\n' \
    "$floor" "$(echo "$floor / $sqlite" | bc -l)" "$floor_server"
printf 'PostgreSQL alone, %.2f ms    %8.3f s   (÷ SQLite import %.2f; a round trip a file)\n' \
    "$rtt" "$floor_far" "$(echo "$floor_far / $sqlite" | bc -l)"
printf 'PostgreSQL alone, %.2f ms    %8.3f s   (÷ SQLite import %.2f; a round trip for ten files)\n' \
    "$rtt" "$floor_far10" "$(echo "$floor_far10 / $sqlite" | bc -l)"
printf 'statements on the server     %8d     (%.2f per imported line, %.1f per file)\n' "$calls" \
    "$(echo "$calls / $lines" | bc -l)" "$(echo "$calls / ${#files[@]}" | bc -l)"
echo "$server_time"
echo "the statements that took the server longest (calls per file, server time in total):"
echo "$longest"

# The 1 M-figure summary on both backends, when `cargo bench` has made its ledger.
big="$data/ledger-1000000.sqlite3"
if [[ -f "$big" ]]; then
    psql "$base dbname=postgres" -c "CREATE DATABASE summary"
    copy=$(seconds "$daicho" db copy "$big" "$base dbname=summary")
    fastest() {
        local best= t
        for _ in 1 2 3; do
            t=$(seconds "$@")
            best=$(awk -v a="$best" -v b="$t" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }')
        done
        echo "$best"
    }
    s_sum=$(fastest "$daicho" --db "$big" summary --fy 2024)
    p_sum=$(fastest "$daicho" --db "$base dbname=summary" summary --fy 2024)
    f_sum=$(fastest "$daicho" --db "$far_owner dbname=summary" summary --fy 2024)
    same=$(diff <("$daicho" --db "$big" summary --fy 2024 --json) <("$daicho" --db "$base dbname=summary" summary --fy 2024 --json) >/dev/null && echo yes || echo NO)
    echo "1,000,000 figures (fastest of 3; the two summaries identical: $same):"
    printf 'db copy SQLite → PostgreSQL  %8.3f s\n' "$copy"
    printf 'summary, SQLite              %8.3f s\n' "$s_sum"
    printf 'summary, PostgreSQL local    %8.3f s   (÷ SQLite %.2f)\n' "$p_sum" "$(echo "$p_sum / $s_sum" | bc -l)"
    printf 'summary, PostgreSQL %.2f ms  %8.3f s   (÷ SQLite %.2f)\n' "$rtt" "$f_sum" "$(echo "$f_sum / $s_sum" | bc -l)"
else
    echo "(no $big: run cargo bench once for the 1 M-figure summary)"
fi
