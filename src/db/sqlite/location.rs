//! Where the ledger file lives. SQLite's own documentation advises against network file systems (locking is
//! unreliable there, and a ledger can be corrupted); synced folders (OneDrive, Dropbox …) and the Windows roaming
//! profile copy the file behind SQLite's back. Daicho warns and says what to do instead.

use std::path::Path;

/// File-system types of network mounts on Linux (`/proc/mounts`).
const NETWORK_FS: &[&str] = &["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs"];
/// Folder names of sync clients.
const SYNCED: &[&str] =
    &["onedrive", "dropbox", "box", "box sync", "google drive", "googledrive", "icloud drive", "icloud"];

const ADVICE: &str = "このPCのローカルフォルダ（既定の保存先: ローカルのアプリデータフォルダ）に置き、共有はバックアップや Excel の出力で行ってください";

/// A path as `/`-separated text without Windows' verbatim prefix: `\\?\C:\x` is `C:/x` (a local drive), and
/// `\\?\UNC\server\share` is `//server/share` (a network share).
fn plain(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    if let Some(rest) = text.strip_prefix("//?/UNC/").or_else(|| text.strip_prefix("//./UNC/")) {
        return format!("//{rest}");
    }
    text.strip_prefix("//?/").or_else(|| text.strip_prefix("//./")).map_or(text.clone(), str::to_string)
}

/// A Japanese warning when `path` is on a network share or in a synced or roaming folder. `resolved` is where the
/// OS says the folder really is (on Windows a mapped drive resolves to `\\?\UNC\server\share`); `mounts` is the
/// text of `/proc/mounts` (empty elsewhere). Pure, so every case is tested without such a folder.
pub fn location_warning(path: &Path, resolved: Option<&Path>, mounts: &str) -> Option<String> {
    let text = plain(path);
    let shown = path.display();
    if text.starts_with("//") {
        return Some(format!(
            "台帳ファイル {shown} はネットワーク共有（UNC パス）にあります。ネットワーク上では SQLite のロックが働かず台帳が壊れることがあります。{ADVICE}"
        ));
    }
    if let Some(share) = resolved.map(plain).filter(|r| r.starts_with("//")) {
        let share = share.replace('/', "\\");
        return Some(format!(
            "台帳ファイル {shown} はネットワークドライブ（{share}）にあります。ネットワーク上では SQLite のロックが働かず台帳が壊れることがあります。{ADVICE}"
        ));
    }
    let lower = text.to_lowercase();
    if lower.contains("/appdata/roaming/") {
        return Some(format!(
            "台帳ファイル {shown} は移動プロファイル（Roaming）にあります。ログオン・ログオフのたびに複製され、台帳が壊れることがあります。{ADVICE}"
        ));
    }
    if let Some(folder) = lower.split('/').find(|c| SYNCED.contains(c) || c.starts_with("onedrive - ")) {
        return Some(format!(
            "台帳ファイル {shown} は同期フォルダ（{folder}）にあります。同期ソフトが使用中のファイルを複製・上書きすると台帳が壊れることがあります。{ADVICE}"
        ));
    }
    let mount = mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, point, fs) = (f.next()?, f.next()?, f.next()?);
            Some((point.replace("\\040", " "), fs.to_string()))
        })
        .filter(|(point, _)| {
            text == *point || text.starts_with(&format!("{}/", point.trim_end_matches('/'))) || point == "/"
        })
        .max_by_key(|(point, _)| point.len());
    match mount {
        Some((point, fs)) if NETWORK_FS.contains(&fs.as_str()) => Some(format!(
            "台帳ファイル {shown} はネットワーク上のファイルシステム（{fs}: {point}）にあります。ネットワーク上では SQLite のロックが働かず台帳が壊れることがあります。{ADVICE}"
        )),
        _ => None,
    }
}

/// The warning for the real file system of this machine. The folder is resolved by the OS (the nearest folder of
/// the path that exists): on Windows that turns a drive letter mapped to a share into its UNC path.
pub fn warning_for(path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let resolved = absolute.ancestors().skip(1).find_map(|dir| std::fs::canonicalize(dir).ok());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    location_warning(&absolute, resolved.as_deref(), &mounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_for_network_synced_and_roaming_locations_only() {
        let mounts =
            "/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/share nfs4 rw 0 0\n//nas/ledger /mnt/nas cifs rw 0 0\n";
        let cases = [
            ("/home/tanaka/.local/share/daicho/daicho.sqlite3", None),
            ("/mnt/share/daicho.sqlite3", Some("nfs4")),
            ("/mnt/nas/課/daicho.sqlite3", Some("cifs")),
            ("/mnt/shared/daicho.sqlite3", None),
            (r"\\fileserver\業務改善\daicho.sqlite3", Some("UNC")),
            (r"C:\Users\tanaka\AppData\Roaming\Daicho\daicho.sqlite3", Some("Roaming")),
            (r"C:\Users\tanaka\AppData\Local\Daicho\daicho.sqlite3", None),
            (r"C:\Users\tanaka\OneDrive - 〇〇市\台帳\daicho.sqlite3", Some("onedrive - 〇〇市")),
            (r"\\?\C:\Users\tanaka\AppData\Local\Daicho\daicho.sqlite3", None),
            (r"\\?\UNC\fileserver\業務改善\daicho.sqlite3", Some("UNC")),
            ("/Users/tanaka/Dropbox/daicho.sqlite3", Some("dropbox")),
        ];
        for (path, expected) in cases {
            let got = location_warning(Path::new(path), None, mounts);
            match expected {
                None => assert_eq!(got, None, "{path} is a local folder"),
                Some(word) => {
                    let message = got.unwrap_or_else(|| panic!("{path} must be warned about"));
                    assert!(message.contains(word) && message.contains("ローカルフォルダ"), "{path}: {message}");
                }
            }
        }
    }

    /// A drive letter mapped to a share is local to its path but not to the OS, which resolves it to the share.
    #[test]
    fn warns_for_a_drive_mapped_to_a_share() {
        let path = Path::new(r"N:\業務改善\daicho.sqlite3");
        let share = Path::new(r"\\?\UNC\fileserver\kaizen\業務改善");
        let message = location_warning(path, Some(share), "").expect("a mapped network drive is warned about");
        assert!(message.contains(r"ネットワークドライブ（\\fileserver\kaizen\業務改善）"), "{message}");
        let local = Path::new(r"\\?\C:\Users\tanaka\AppData\Local\Daicho");
        assert_eq!(
            location_warning(Path::new(r"C:\Users\tanaka\AppData\Local\Daicho\daicho.sqlite3"), Some(local), ""),
            None
        );
    }
}
