#!/usr/bin/env bash
# Installs the UI's npm packages exactly as locked and builds ui/dist, which the desktop app embeds at compile time.
set -euo pipefail
cd "$(dirname "$0")/../ui"
npm ci --no-audit --no-fund
npm run build
