#!/usr/bin/env bash
# Builds the installable desktop app:
#   bash scripts/bundle.sh          the Linux .deb, into target/release/bundle/deb/
#   bash scripts/bundle.sh windows  the Windows installers, offline, from this Debian machine: a per-user NSIS
#                                   installer and a per-machine MSI, into target/x86_64-pc-windows-gnu/release/bundle/
#                                   (scripts/bundle-windows.sh; DAICHO_WEBVIEW2_INSTALLER embeds the offline WebView2
#                                   installer)
# On a real Windows machine, .github/workflows/release.yml builds the MSVC installers with the Tauri action.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/install-deps.sh
bash scripts/build-ui.sh
case "${1:-deb}" in
    windows) bash scripts/bundle-windows.sh ;;
    *) ./ui/node_modules/.bin/tauri build --bundles "${1:-deb}" ;;
esac
