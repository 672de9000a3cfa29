//! The invariants of `ARCHITECTURE.md` that a test can hold: the storage is a seam (nothing outside `src/db` names
//! SQLite's or PostgreSQL's driver), and the shells only call the library's public face of storage.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    assert!(!out.is_empty(), "no sources found under {}", dir.display());
    out
}

/// The lines of `text` that contain `needle`, as `path:line: text`, for a failure message.
fn hits(path: &Path, text: &str, needle: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(n, l)| format!("{}:{}: {}", path.display(), n + 1, l.trim()))
        .collect()
}

#[test]
fn nothing_outside_src_db_names_a_database_driver() {
    let db = root().join("src").join("db");
    let mut found = Vec::new();
    for (path, text) in sources(&root().join("src")) {
        if path.starts_with(&db) {
            continue;
        }
        found.extend(hits(&path, &text, "rusqlite"));
        found.extend(hits(&path, &text, "postgres::"));
        found.extend(hits(&path, &text, "native_tls"));
        found.extend(hits(&path, &text, ".conn()"));
    }
    assert!(
        found.is_empty(),
        "the storage is a seam: only src/db may name rusqlite or a connection (a second backend must fit \
         without touching the domain, the reports or the shells):\n{}",
        found.join("\n")
    );
}

/// What the shells may use of `daicho::db`: the store, the read and write traits, and where the default ledger is.
const SHELL_MAY_USE: &[&str] = &[
    "Store",
    "Read",
    "Write",
    "default_path",
    "location_warning_for",
    "backups_folder",
    "DATA_DIR_VAR",
    "DB_FILE_NAME",
    // Where a ledger is: a file or a server's connection string (`--db`, `DAICHO_DB`, the app's 接続先).
    "Location",
    "latest_schema_version",
    // Other people's changes to a shared ledger, heard by the app.
    "Watch",
    "ChangeNotice",
    "redact",
];

#[test]
fn the_shells_use_only_the_public_face_of_storage() {
    let shells = [root().join("src").join("bin"), root().join("src-tauri").join("src")];
    let mut found = Vec::new();
    for dir in &shells {
        for (path, text) in sources(dir) {
            found.extend(hits(&path, &text, "rusqlite"));
            found.extend(hits(&path, &text, ".conn()"));
            for (n, line) in text.lines().enumerate() {
                // `daicho::db::X` and `daicho::db::{X, Y}`: every name must be on the list.
                let mut rest = line;
                while let Some(at) = rest.find("daicho::db::") {
                    rest = &rest[at + "daicho::db::".len()..];
                    let names: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group.split('}').next().unwrap_or("").split(',').map(str::trim).collect(),
                        None => vec![rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("")],
                    };
                    for name in names.into_iter().filter(|n| !n.is_empty()) {
                        if !SHELL_MAY_USE.contains(&name) {
                            found.push(format!("{}:{}: daicho::db::{name}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a shell parses, calls the library (daicho::actions, daicho::views, the Read trait) and prints; it never \
         reaches into storage:\n{}",
        found.join("\n")
    );
    let app_manifest = std::fs::read_to_string(root().join("src-tauri").join("Cargo.toml")).unwrap();
    assert!(!app_manifest.contains("rusqlite"), "the desktop app must not depend on the SQLite driver");
}
