#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets: the formula parser, the workbook importer) one after the other for the
# given seconds each (default 600), seeded with the committed fixtures. A crash stops the run and leaves its input in
# fuzz/artifacts/<target>/; copy it to tests/fixtures/fuzz/<target>/ so `cargo test` replays it forever after.
# Needs the nightly toolchain and cargo-fuzz:  rustup toolchain install nightly && cargo install cargo-fuzz --locked
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
mkdir -p corpus/formula corpus/workbook
cp ../tests/fixtures/fuzz/formula/* corpus/formula/ 2>/dev/null || true
cp ../tests/fixtures/fuzz/workbook/* corpus/workbook/ 2>/dev/null || true
# Every readable workbook fixture is a seed; the zip bombs are left out (their point is their size).
for f in ../tests/fixtures/*.xls* ../tests/fixtures/*.ods ../tests/fixtures/hostile/*.xls* ../tests/fixtures/hostile/*.ods; do
    case "$f" in *zip_bomb*) continue ;; esac
    cp "$f" corpus/workbook/
done
while read -r line; do
    [[ -n "$line" ]] && printf '%s' "$line" > "corpus/formula/seed-$(printf '%s' "$line" | sha1sum | cut -c1-12)"
done < ../tests/fixtures/fuzz/formula-seeds.txt
# -rss_limit_mb: the guard promises bounded memory, so using 1 GB counts as a crash too.
for target in workbook formula; do
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=262144 -print_final_stats=1
done
