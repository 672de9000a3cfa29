//! Automatic backups: a consistent copy of the ledger (`VACUUM INTO`) in a `backups` folder beside it, taken before
//! every schema migration of an existing ledger and before every import batch, so a bad migration or a wrong
//! batch of returns is one `daicho restore` away. Older automatic copies are removed so that the newest
//! [`KEEP`] of each kind remain; copies made by hand (`daicho backup -o`) are never touched.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Automatic copies kept per kind.
pub(super) const KEEP: usize = 10;

/// Why an automatic copy was taken; the kind is part of the file name, and rotation counts each kind apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    /// Before migrating the schema from version `from` to `to`.
    Migration { from: i64, to: i64 },
    /// Before committing the files of one import.
    Import,
}

impl Reason {
    fn kind(self) -> &'static str {
        match self {
            Reason::Migration { .. } => "before-migration",
            Reason::Import => "before-import",
        }
    }

    fn suffix(self) -> String {
        match self {
            Reason::Migration { from, to } => format!("before-migration-v{from}-to-v{to}"),
            Reason::Import => "before-import".to_string(),
        }
    }
}

/// The folder automatic copies of the ledger at `db` go to: `backups` beside it.
pub fn folder(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// Writes a copy of the ledger open on `conn` (whose file is `db`) into [`folder`], named
/// `<name>-<YYYYMMDD-HHMMSS>-<reason>.sqlite3`, then removes the oldest copies of the same kind beyond [`KEEP`].
/// Returns the copy's path.
pub(super) fn take(conn: &Connection, db: &Path, reason: Reason) -> Result<PathBuf> {
    let dir = folder(db);
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
    let stem = db.file_stem().and_then(|s| s.to_str()).unwrap_or("daicho");
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    // The name is reserved by creating the file, empty, atomically (VACUUM INTO fills an empty file): two processes
    // copying in the same second (two imports, or two programs migrating one ledger) get a name each, never one
    // file written by both.
    let mut n = 1;
    let target = loop {
        let name = match n {
            1 => format!("{stem}-{stamp}-{}.sqlite3", reason.suffix()),
            n => format!("{stem}-{stamp}-{}-{n}.sqlite3", reason.suffix()),
        };
        let candidate = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(_) => break candidate,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(source) => return Err(Error::Io { path: candidate, source }),
        }
    };
    let copied = match target.to_str() {
        Some(text) => conn.execute("VACUUM INTO ?1", [text]).map_err(Error::from),
        None => Err(Error::Invalid(format!("保存先の名前が読めません: {}", target.display()))),
    };
    if let Err(e) = copied {
        // The reserved name must not stay behind as an empty "copy" that a restore would offer and rotation count.
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    rotate(&dir, stem, reason.kind(), KEEP)?;
    Ok(target)
}

/// Removes the oldest automatic copies of `kind` for the ledger named `stem` so that `keep` remain. Names sort by
/// their timestamp, so the order of names is the order of age.
pub(super) fn rotate(dir: &Path, stem: &str, kind: &str, keep: usize) -> Result<()> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let prefix = format!("{stem}-");
    let mut copies: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(&prefix) && name.ends_with(".sqlite3") && is_automatic(&name[prefix.len()..], kind)
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(keep);
    for old in &copies[..excess] {
        std::fs::remove_file(old).map_err(|source| Error::Io { path: old.clone(), source })?;
    }
    Ok(())
}

/// `20261124-101500-before-import.sqlite3` (or `…-2.sqlite3`) for the kind `before-import`.
fn is_automatic(rest: &str, kind: &str) -> bool {
    let bytes = rest.as_bytes();
    bytes.len() > 16
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && bytes[8] == b'-'
        && bytes[9..15].iter().all(u8::is_ascii_digit)
        && rest[15..].starts_with(&format!("-{kind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_newest_of_each_kind_and_never_a_copy_made_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let mut names = Vec::new();
        for minute in 0..13 {
            names.push(format!("daicho-20261124-10{minute:02}00-before-import.sqlite3"));
        }
        names.push("daicho-20261124-100000-before-import-2.sqlite3".into());
        names.push("daicho-20250401-090000-before-migration-v1-to-v3.sqlite3".into());
        names.push("daicho-手動.sqlite3".into());
        names.push("other-20261124-100000-before-import.sqlite3".into());
        for n in &names {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        rotate(dir.path(), "daicho", "before-import", 10).unwrap();
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        let imports: Vec<&String> = left.iter().filter(|n| n.starts_with("daicho-") && n.contains("import")).collect();
        assert_eq!(imports.len(), 10, "ten import copies remain: {left:?}");
        assert_eq!(
            imports[0], "daicho-20261124-100300-before-import.sqlite3",
            "the four oldest (10:00, its -2, 10:01, 10:02) went: {left:?}"
        );
        for kept in ["daicho-20250401-090000-before-migration-v1-to-v3.sqlite3", "daicho-手動.sqlite3"] {
            assert!(left.iter().any(|n| n == kept), "{kept} is another kind or made by hand: {left:?}");
        }
        assert!(left.iter().any(|n| n.starts_with("other-")), "another ledger's copies are its own");
    }
}
