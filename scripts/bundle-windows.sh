#!/usr/bin/env bash
# Builds the Windows installers of Daicho on Debian, offline (no download at build time):
#   - a per-user NSIS installer (no administrator rights): target/x86_64-pc-windows-gnu/release/bundle/nsis/
#   - a per-machine MSI for central deployment (Program Files): target/x86_64-pc-windows-gnu/release/bundle/msi/
# from release builds of the desktop app and the CLI for x86_64-pc-windows-gnu (MinGW). The offline WebView2
# installer (~127 MB, from Microsoft) is embedded in the NSIS installer when DAICHO_WEBVIEW2_INSTALLER names it;
# without it the installer tells a PC that lacks WebView2 what to ask for. Needs what scripts/install-deps.sh
# installs (the Rust target, MinGW, nsis, wixl) and the built UI (scripts/build-ui.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target=x86_64-pc-windows-gnu
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
version=$(sed -n 's/^version = "\(.*\)"/\1/p' src-tauri/Cargo.toml | head -n 1)
# DAICHO_PROFILE=installer-check builds them without the optimiser, for CI's install-and-run check only (Cargo.toml).
profile=${DAICHO_PROFILE:-release}
[[ "$profile" == release ]] || echo "note: the $profile profile (DAICHO_PROFILE), not release: these installers are for testing" >&2
release="target/$target/$profile"
bundle="$release/bundle"

echo "== windows: $profile builds of the app and the CLI ($target)"
cargo build --profile "$profile" --locked --target "$target" -p daicho -p daicho-app

stage="$bundle/stage"
rm -rf "$stage" && mkdir -p "$stage" "$bundle/nsis" "$bundle/msi"
cp "$release/daicho-app.exe" "$release/daicho.exe" "$release/WebView2Loader.dll" "$stage/"
cp src-tauri/icons/icon.ico "$stage/"
# Notepad on an older Windows 10 reads UTF-8 only with a BOM; lines end in CRLF.
printf '\xEF\xBB\xBF' > "$stage/README.txt"
sed 's/$/\r/' scripts/windows/README.txt >> "$stage/README.txt"

setup="$bundle/nsis/Daicho_${version}_x64-setup.exe"
nsis_args=(-V2 -INPUTCHARSET UTF8 "-DVERSION=$version" "-DBIN=$PWD/$stage" "-DOUT=$PWD/$setup")
if [ -n "${DAICHO_WEBVIEW2_INSTALLER:-}" ]; then
    nsis_args+=("-DWEBVIEW2=$DAICHO_WEBVIEW2_INSTALLER")
    echo "embedding the offline WebView2 installer: $DAICHO_WEBVIEW2_INSTALLER"
fi
echo "== windows: NSIS installer (per user)"
makensis "${nsis_args[@]}" scripts/windows/daicho.nsi
echo "== windows: MSI (per machine)"
msi="$bundle/msi/Daicho_${version}_x64.msi"
# wixl takes the sources relative to where it runs.
(cd "$stage" && wixl -a x64 -D "Version=$version" -D "Bin=." -o "$OLDPWD/$msi" "$OLDPWD/scripts/windows/daicho.wxs")
ls -l "$setup" "$msi"
