; The per-user Windows installer of Daicho, built offline with Debian's makensis by scripts/bundle-windows.sh:
;   makensis -INPUTCHARSET UTF8 -DVERSION=… -DBIN=<folder with the exes> -DOUT=<installer> [-DWEBVIEW2=<offline
;   WebView2 installer>] scripts/windows/daicho.nsi
;
; No administrator rights: everything goes into %LOCALAPPDATA%\Programs\Daicho and HKCU. The ledger itself is not
; here (it is in %LOCALAPPDATA%\Daicho, created by the app), so uninstalling keeps it. The desktop app needs the
; WebView2 Runtime (part of Windows 11 and of most Windows 10 PCs); when it is missing, the offline WebView2
; installer runs if the release maker embedded it (-DWEBVIEW2=…), else the user is told what to ask for. The CLI
; (daicho.exe) works without it.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
!include "MUI2.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !error "-DVERSION=… is required"
!endif
!ifndef BIN
  !error "-DBIN=<folder with daicho-app.exe, daicho.exe and WebView2Loader.dll> is required"
!endif
!ifndef OUT
  !define OUT "Daicho_${VERSION}_x64-setup.exe"
!endif

!define PRODUCT "台帳 Daicho"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Daicho"
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Daicho"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1041 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=1041 "FileDescription" "${PRODUCT} のインストーラー"
VIAddVersionKey /LANG=1041 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1041 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1041 "LegalCopyright" "MIT License"

!define MUI_ICON "${BIN}/icon.ico"
!define MUI_UNICON "${BIN}/icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\daicho-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "台帳 Daicho を起動する"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"

; A running Daicho holds its exe open: upgrading over it would fail half-way, so the user is asked to close it.
!macro REFUSE_WHILE_RUNNING
  ${If} ${FileExists} "$INSTDIR\daicho-app.exe"
    ClearErrors
    FileOpen $0 "$INSTDIR\daicho-app.exe" a
    ${If} ${Errors}
      MessageBox MB_ICONEXCLAMATION|MB_OK "台帳 Daicho が起動しています。終了してから、もう一度実行してください。" /SD IDOK
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Daicho" SecMain
  SectionIn RO
  !insertmacro REFUSE_WHILE_RUNNING
  SetOutPath "$INSTDIR"
  File "${BIN}/daicho-app.exe"
  File "${BIN}/daicho.exe"
  File "${BIN}/WebView2Loader.dll"
  File "${BIN}/icon.ico"
  File "${BIN}/README.txt"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\daicho-app.exe" "" "$INSTDIR\icon.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Daicho"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The WebView2 Runtime, for the desktop app: registered per machine or per user by Microsoft's installers.
Section "WebView2" SecWebView2
  ReadRegStr $1 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $1 == ""
  ${OrIf} $1 == "0.0.0.0"
    ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $1 == ""
  ${OrIf} $1 == "0.0.0.0"
!ifdef WEBVIEW2
    DetailPrint "WebView2 Runtime をインストールしています…"
    InitPluginsDir
    SetOutPath "$PLUGINSDIR"
    File /oname=webview2.exe "${WEBVIEW2}"
    ExecWait '"$PLUGINSDIR\webview2.exe" /silent /install' $2
    ${If} $2 != 0
      MessageBox MB_ICONEXCLAMATION|MB_OK "WebView2 Runtime をインストールできませんでした（コード $2）。情報システム担当に「Microsoft Edge WebView2 Runtime」のインストールを依頼してください。台帳のコマンド（daicho.exe）はこのまま使えます。" /SD IDOK
    ${EndIf}
!else
    MessageBox MB_ICONINFORMATION|MB_OK "このPCには Microsoft Edge WebView2 Runtime がありません。台帳の画面を開くには必要です。情報システム担当にインストールを依頼してください（インターネットにつながらないPCでは「オフライン インストーラー」を使います）。台帳のコマンド（daicho.exe）はこのまま使えます。" /SD IDOK
!endif
  ${EndIf}
SectionEnd

Section "Uninstall"
  !insertmacro REFUSE_WHILE_RUNNING
  Delete "$INSTDIR\daicho-app.exe"
  Delete "$INSTDIR\daicho.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; The ledger (%LOCALAPPDATA%\Daicho) and its backups are the team's data: never removed here.
SectionEnd
