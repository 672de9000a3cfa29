#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test Daicho. Idempotent: packages that dpkg reports
# installed are skipped, and apt-get update runs only when something is missing. Needs root (or sudo).
set -euo pipefail

# The C compiler builds the bundled SQLite (rusqlite "bundled").
packages=(build-essential)

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

for tool in cargo rustfmt cargo-clippy; do
    command -v "$tool" >/dev/null || { echo "missing $tool: install Rust with rustup (components rustfmt, clippy)" >&2; exit 1; }
done
