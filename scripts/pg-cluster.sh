#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Unix socket only (no TCP port), no fsync, trust for the socket.
#   scripts/pg-cluster.sh start DIR   → prints the connection string (host=DIR user=daicho dbname=postgres)
#   scripts/pg-cluster.sh stop DIR
#   scripts/pg-cluster.sh check       → succeeds when the server's binaries are installed
# PG_EXTRA adds server options (scripts/bench-postgres.sh loads pg_stat_statements).
# initdb refuses to run as root, so as root the server runs as the `postgres` system user (Debian's package makes
# it). Needs Debian's `postgresql` package (scripts/install-deps.sh installs it).
set -euo pipefail
cmd=${1:?start|stop|check}; dir=${2:-}
bin=$(pg_config --bindir 2>/dev/null || true)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    # pg_config may come from libpq-dev alone; the server's binaries live under /usr/lib/postgresql/N/bin.
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
fi
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    [[ "$cmd" == check ]] || echo "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql" >&2
    exit 1
fi
[[ "$cmd" == check ]] && exit 0
: "${dir:?a directory}"
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi
case "$cmd" in
start)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U daicho --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200 ${PG_EXTRA:-}" \
        start >/dev/null
    echo "host=$dir user=daicho dbname=postgres"
    ;;
stop)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null || true
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
