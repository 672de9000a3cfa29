#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build, run and test Daicho. Idempotent: packages that dpkg reports
# installed are skipped, apt-get update runs only when something is missing, tauri-driver is installed once.
set -euo pipefail

packages=(
    build-essential          # the C compiler for the bundled SQLite
    pkg-config
    libssl-dev               # TLS to a PostgreSQL server (native-tls links OpenSSL on Linux)
    postgresql               # a throwaway server for the tests on the shared-ledger backend (scripts/pg-cluster.sh)
    openssl                  # the test of verify-full makes a CA and a server certificate
    libwebkit2gtk-4.1-dev    # Tauri's web view (pulls GTK 3 and libsoup 3)
    xvfb xauth               # a virtual display for the end-to-end tests (xauth: xvfb-run needs it)
    webkit2gtk-driver        # WebKitWebDriver, which tauri-driver drives
    fonts-noto-cjk           # Japanese text renders as boxes without it
    nodejs npm               # builds the UI (skipped when Node.js is already on PATH)
    gcc-mingw-w64-x86-64     # links Daicho for Windows (x86_64-pc-windows-gnu)
    wine wine64              # runs the Windows tests and installers (scripts/windows-test.sh)
    nsis                     # makensis: the per-user Windows installer, offline
    wixl                     # the per-machine MSI, offline
)

missing=()
for p in "${packages[@]}"; do
    case "$p" in
        nodejs | npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;;
    esac
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

for tool in cargo rustfmt cargo-clippy node npm; do
    command -v "$tool" >/dev/null || { echo "missing $tool: install Rust with rustup (components rustfmt, clippy) and Node.js" >&2; exit 1; }
done
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "installing the Rust target x86_64-pc-windows-gnu"
    rustup target add x86_64-pc-windows-gnu
fi
if ! command -v tauri-driver >/dev/null; then
    echo "installing tauri-driver (WebDriver for the Tauri app, from crates.io)"
    cargo install tauri-driver --locked
fi
