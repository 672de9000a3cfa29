#!/usr/bin/env bash
# Installs, runs and removes both Windows installers under Wine, checking what each leaves behind: files, Start-menu
# shortcut, registry, the installed CLI working, and the ledger surviving an uninstall. Called by
# scripts/windows-test.sh with WINEPREFIX set and WINEPATH naming the folder of the Wine compatibility DLL (so the
# installed exes start under Wine 8.0 without anything added to the installation).
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle="target/x86_64-pc-windows-gnu/${DAICHO_PROFILE:-release}/bundle"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' src-tauri/Cargo.toml | head -n 1)
user=$(wine cmd /c echo %USERNAME% 2>/dev/null | tr -d '\r')
drive="$WINEPREFIX/drive_c"
failures=0

check() { # check "what" command…
    local what="$1"
    shift
    if "$@"; then
        echo "  ok: $what"
    else
        echo "  FAILED: $what"
        failures=$((failures + 1))
    fi
}
contains() { grep -q -- "$2" <<<"$1"; }
gone_within() { # gone_within seconds path: the uninstaller finishes in the background
    for _ in $(seq "$1"); do [ -e "$2" ] || return 0; sleep 1; done
    return 1
}

echo "-- per-user NSIS installer ($(du -h "$bundle/nsis/Daicho_${version}_x64-setup.exe" | cut -f1))"
wine "$bundle/nsis/Daicho_${version}_x64-setup.exe" /S
home="$drive/users/$user/AppData/Local/Programs/Daicho"
for f in daicho-app.exe daicho.exe WebView2Loader.dll README.txt uninstall.exe; do
    check "installed $f in %LOCALAPPDATA%\\Programs\\Daicho" test -f "$home/$f"
done
check "Start-menu shortcut" test -f "$drive/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/台帳 Daicho.lnk"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Daicho'
reg=$(wine reg query "$key" 2>/dev/null | tr -d '\r')
check "uninstall entry with the version" contains "$reg" "$version"
check "uninstall entry with the quiet uninstaller" contains "$reg" 'uninstall.exe" /S'
cli='C:\users\'"$user"'\AppData\Local\Programs\Daicho\daicho.exe'
calc=$(wine "$cli" calc "5分×40か所×245日" 2>&1 | tr -d '\r')
check "the installed CLI computes (816.7時間)" contains "$calc" "816.7時間"
demo=$(wine "$cli" demo 2>&1 | tr -d '\r')
check "the installed CLI creates the default ledger" contains "$demo" "サンプルデータを登録しました"
ledger="$drive/users/$user/AppData/Local/Daicho/daicho.sqlite3"
check "the ledger is in %LOCALAPPDATA%\\Daicho" test -f "$ledger"
wine "$home/uninstall.exe" /S
check "uninstalled (files gone)" gone_within 30 "$home/daicho.exe"
check "uninstalled (shortcut gone)" test ! -e "$drive/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/台帳 Daicho.lnk"
check "uninstalled (registry entry gone)" sh -c "! wine reg query '$key' >/dev/null 2>&1"
check "the ledger survives the uninstall" test -f "$ledger"

echo "-- per-machine MSI ($(du -h "$bundle/msi/Daicho_${version}_x64.msi" | cut -f1))"
wine msiexec /i "$bundle/msi/Daicho_${version}_x64.msi" /qn
pf="$drive/Program Files/Daicho"
for f in daicho-app.exe daicho.exe WebView2Loader.dll README.txt; do
    check "installed $f in Program Files\\Daicho" test -f "$pf/$f"
done
# Windows puts a per-machine (ALLUSERS=1) shortcut in ProgramData; Wine 8's msi always resolves ProgramMenuFolder to
# the user's Programs folder, so either place counts here. The name is ASCII: wixl drops non-ASCII strings.
msi_lnk=("$drive/ProgramData/Microsoft/Windows/Start Menu/Programs/Daicho.lnk"
    "$drive/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Daicho.lnk")
check "Start-menu shortcut \"Daicho\"" test -f "${msi_lnk[0]}" -o -f "${msi_lnk[1]}"
arp=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' || true)
check "listed in Apps & features as \"Daicho\"" contains "$arp" "DisplayName.*REG_SZ.*Daicho"
calc=$(wine 'C:\Program Files\Daicho\daicho.exe' calc "45分×1,210件" 2>&1 | tr -d '\r')
check "the installed CLI computes (907.5時間)" contains "$calc" "907.5時間"
wine msiexec /x "$bundle/msi/Daicho_${version}_x64.msi" /qn
check "uninstalled from Program Files" gone_within 30 "$pf/daicho.exe"
check "uninstalled (shortcut gone)" test ! -e "${msi_lnk[0]}" -a ! -e "${msi_lnk[1]}"
check "the ledger survives the MSI uninstall" test -f "$ledger"

if [ "$failures" -gt 0 ]; then
    echo "$failures installer checks failed"
    exit 1
fi
echo "installers: every check passed"
