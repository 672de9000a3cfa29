#!/usr/bin/env bash
# Windows, checked from Debian (called by scripts/test.sh): clippy for the Windows target; the library's tests and the
# whole integration suite for x86_64-pc-windows-gnu, run under Wine (each test's ledger in its own Windows temp
# folder, app-data redirected with DAICHO_DATA_DIR); the installers built offline (from builds without the
# optimiser: Cargo.toml's installer-check profile) and installed, run and removed under Wine
# (scripts/windows/installers-test.sh).
#
# Wine 8.0 (Debian 12) lacks bcryptprimitives.dll, which Rust programs import: scripts/windows/bcryptprimitives.c
# is built here into its own folder, which WINEPATH puts on the Windows PATH, where every exe under test (the test
# binaries, doctests, the CLI the tests spawn, the installed exes) finds it. It is test scaffolding, never part of an
# installer, and never copied beside an exe.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target=x86_64-pc-windows-gnu
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc

echo "== windows: cargo clippy ($target)"
cargo clippy --workspace --all-targets --locked --target "$target" -- -D warnings

compat="target/windows-compat/bcryptprimitives.dll"
mkdir -p "$(dirname "$compat")"
x86_64-w64-mingw32-gcc -O2 -shared -o "$compat" scripts/windows/bcryptprimitives.c -ladvapi32

# A fresh Wine prefix for this run, one server kept alive for it (each program then starts in ~0.1 s).
WINEPREFIX=$(mktemp -d /tmp/daicho-wine.XXXXXX)
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"' EXIT
wineserver -p # first: started after wineboot, it finds wineboot's server still running and exits with 2
wineboot -i >/dev/null 2>&1

echo "== windows: the library and integration tests under Wine"
WINEPATH=$(winepath -w "$PWD/$(dirname "$compat")")
export WINEPATH
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test --locked --target "$target" -p daicho

echo "== windows: installers"
# Built without the optimiser (Cargo.toml's installer-check profile): what is checked here is the installers, and the
# optimised build took 11 min 40 s, a quarter of the whole run (this one about 6 min). `bash scripts/bundle.sh`
# builds the ones people get.
export DAICHO_PROFILE=installer-check
bash scripts/bundle-windows.sh
bash scripts/windows/installers-test.sh
