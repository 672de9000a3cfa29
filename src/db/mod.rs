//! Storage: one SQLite file, opened, checked and migrated here. All SQL of the library lives in this module,
//! behind plain functions and domain types, so another backend can be added without touching the domain.
//!
//! Reads are free functions over a `&Connection`. Writes go through [`Store::write`], which hands a [`Tx`] to a
//! closure and commits only if it returns `Ok`: a command's changes and their audit rows land together or not at
//! all.

mod audit;
pub mod autobackup;
mod column_maps;
mod cost;
mod effect;
mod imports;
mod initiative;
mod location;
mod migrate;
mod org;
mod settings;
mod target;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::org::OrgChart;

pub use audit::{AuditEntry, audit_log};
pub use column_maps::{StoredColumnMap, column_maps};
pub use cost::{Cost, costs};
pub use effect::{EffectRow, effects_in_year, effects_of, with_figures};
pub use imports::{ImportRecord, NewImport, import_by_hash, import_history, returned_units};
pub use initiative::{
    InitiativeFilter, evaluations, find_initiative, initiative_by_ledger_id, initiatives_of_unit, list_initiatives,
    status_history,
};
pub use location::{location_warning, warning_for as location_warning_for};
pub use org::load_org_chart;
pub use settings::load_settings;
pub use target::targets;

/// The oldest SQLite accepted: earlier versions can corrupt a WAL database when it is reset.
pub const MIN_SQLITE: i32 = 3_051_003;

/// The schema version this build migrates to.
pub fn latest_schema_version() -> i64 {
    migrate::latest_version()
}

/// Creates a database at an earlier schema version, as an older Daicho left it. For the migration tests only.
#[doc(hidden)]
pub fn create_at_schema_version(path: &Path, version: i64) -> Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate::migrate_to(&mut conn, path, version)
}

/// The file name of the database in the app-data folder.
pub const DB_FILE_NAME: &str = "daicho.sqlite3";

/// Who makes a change, and when. Passed in, never read from the clock inside the library.
#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub user: String,
    pub at: DateTime<FixedOffset>,
}

impl Author {
    /// The OS user at the given time: `USERNAME` (Windows) or `USER`/`LOGNAME` when set, else the account name
    /// the OS reports (services and scheduled tasks often run without those variables).
    pub fn os_user(at: DateTime<FixedOffset>) -> Self {
        let user = ["USERNAME", "USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .or_else(|| whoami::username().ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "unknown".to_string());
        Self { user, at }
    }
}

/// The environment variable that puts the default ledger (and its backups) in another folder than the OS app-data
/// folder: for tests on every OS (the `dirs` crate asks Windows itself, so `LOCALAPPDATA` cannot redirect it there),
/// and for a team that keeps Daicho on a USB stick.
pub const DATA_DIR_VAR: &str = "DAICHO_DATA_DIR";

/// The default database path: `daicho.sqlite3` in `DAICHO_DATA_DIR` when it is set, else in the OS *local* app-data
/// folder (`%LOCALAPPDATA%\Daicho` on Windows, never the roaming profile; `~/.local/share/daicho` on Linux;
/// `~/Library/Application Support/Daicho` on macOS).
pub fn default_path() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(DB_FILE_NAME));
    }
    let base = dirs::data_local_dir().ok_or_else(|| {
        Error::Internal("ローカルのアプリデータフォルダが見つかりません。--db でファイルを指定してください".into())
    })?;
    let folder = if cfg!(target_os = "linux") { "daicho" } else { "Daicho" };
    Ok(base.join(folder).join(DB_FILE_NAME))
}

/// An open, migrated ledger database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Committed writes through this store that changed the organisation, so the cached chart knows it is stale.
    org_writes: std::cell::Cell<u64>,
    /// The organisation as last loaded, with the `PRAGMA data_version` (other connections' commits) and the
    /// `org_writes` it was loaded at: an import plans and commits hundreds of files against it.
    chart: std::cell::RefCell<Option<(i64, u64, std::sync::Arc<OrgChart>)>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, checks the SQLite version, sets the pragmas and
    /// applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        check_sqlite_version(rusqlite::version_number(), rusqlite::version())?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Every statement of the write paths is cached (an import runs each once per row); there are about 40.
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate::migrate(&mut conn, path)?;
        Ok(Self { conn, path: path.to_path_buf(), org_writes: Default::default(), chart: Default::default() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the read functions of this module.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The organisation, loaded once and reused until this store or another connection writes.
    pub fn org_chart(&self) -> Result<std::sync::Arc<OrgChart>> {
        let version: i64 = self.conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
        let writes = self.org_writes.get();
        if let Some((v, w, chart)) = &*self.chart.borrow()
            && (*v, *w) == (version, writes)
        {
            return Ok(chart.clone());
        }
        let chart = std::sync::Arc::new(load_org_chart(&self.conn)?);
        *self.chart.borrow_mut() = Some((version, writes, chart.clone()));
        Ok(chart)
    }

    /// Runs `f` in one immediate transaction and commits if it returns `Ok`; on `Err` nothing is written.
    pub fn write<T>(&mut self, author: &Author, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut w = Tx { tx, author: author.clone(), org_changed: false, conversions: None };
        let value = f(&mut w)?;
        let org_changed = w.org_changed;
        w.tx.commit()?;
        if org_changed {
            self.org_writes.set(self.org_writes.get() + 1);
        }
        Ok(value)
    }

    /// The schema version applied.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT ifnull(max(version), 0) FROM schema_migrations", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`: the problems found, empty when sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt
            .query_map([], |r| Ok(format!("外部キー違反: {} の行 {}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }
}

/// A write transaction with the author of its changes. Every write method records an audit row in the same
/// transaction.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    author: Author,
    /// Set by every write to the organisation tables (`org.rs`), so the store drops its cached chart.
    org_changed: bool,
    /// The settings' person-time conversions, read once per transaction (an import sets thousands of effects);
    /// dropped by a settings write.
    conversions: Option<crate::formula::Conversions>,
}

impl Tx<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The hours 人日, 人月 and 人工 stand for in formulas written in this transaction.
    fn conversions(&mut self) -> Result<crate::formula::Conversions> {
        if let Some(c) = self.conversions {
            return Ok(c);
        }
        let c = load_settings(&self.tx)?.conversions();
        self.conversions = Some(c);
        Ok(c)
    }
}

pub(crate) fn check_sqlite_version(number: i32, text: &str) -> Result<()> {
    if number < MIN_SQLITE {
        return Err(Error::SqliteTooOld { found: text.to_string() });
    }
    Ok(())
}

/// Maps a constraint failure to the domain error it stands for.
pub(crate) fn constraint(e: rusqlite::Error, conflict: impl FnOnce() -> String) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Conflict(conflict())
        }
        _ => Error::Db(e),
    }
}

impl Store {
    /// Writes a consistent copy of the ledger to `target` (`VACUUM INTO`: safe while the app is open), replacing
    /// nothing: the target must not exist yet.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::Conflict(format!("{} はすでにあります。別の名前を指定してください", target.display())));
        }
        let path =
            target.to_str().ok_or_else(|| Error::Invalid(format!("保存先の名前が読めません: {}", target.display())))?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }

    /// The automatic copy taken before an import batch commits anything (see [`autobackup`]). Returns its path.
    pub fn backup_before_import(&self) -> Result<PathBuf> {
        autobackup::take(&self.conn, &self.path, autobackup::Reason::Import)
    }

    /// Replaces the ledger with a backup after checking it: it must open as a Daicho database with a schema this
    /// version knows and pass the integrity check. The current file is kept beside it as `….before-restore` (then
    /// `….before-restore-2`, … : an earlier copy is never overwritten). Returns the path of that kept copy.
    pub fn restore_from(&mut self, backup: &Path) -> Result<PathBuf> {
        {
            let candidate = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|_| Error::Invalid(format!("{} は台帳のバックアップとして開けません", backup.display())))?;
            let version: i64 = candidate
                .query_row("SELECT ifnull(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
                .map_err(|_| Error::Invalid(format!("{} は Daicho の台帳ではありません", backup.display())))?;
            if version > migrate::latest_version() {
                return Err(Error::SchemaTooNew {
                    path: backup.into(),
                    found: version,
                    known: migrate::latest_version(),
                });
            }
            let ok: String = candidate.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(Error::Invalid(format!("{} は壊れています（integrity_check: {ok}）", backup.display())));
            }
        }
        // A copy kept by an earlier restore is never overwritten: the next free name is taken.
        let kept = (1..)
            .map(|n| match n {
                1 => self.path.with_extension("sqlite3.before-restore"),
                n => self.path.with_extension(format!("sqlite3.before-restore-{n}")),
            })
            .find(|p| !p.exists())
            .ok_or_else(|| Error::Internal("復元前の台帳を残す名前がありません".into()))?;
        self.backup_to(&kept)?;
        // Replace through a copy beside the target and a rename, then reopen (which migrates an older backup).
        let staging = self.path.with_extension("sqlite3.restoring");
        std::fs::copy(backup, &staging).map_err(|source| Error::Io { path: staging.clone(), source })?;
        let path = self.path.clone();
        let placeholder = Connection::open_in_memory()?;
        drop(std::mem::replace(&mut self.conn, placeholder));
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        std::fs::rename(&staging, &path).map_err(|source| Error::Io { path: path.clone(), source })?;
        *self = Store::open(&path)?;
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_older_than_3_51_3_is_refused() {
        let cases = [(3_051_002, "3.51.2", false), (3_051_003, "3.51.3", true), (3_054_001, "3.54.1", true)];
        for (number, text, accepted) in cases {
            let result = check_sqlite_version(number, text);
            assert_eq!(result.is_ok(), accepted, "SQLite {text}");
            if let Err(e) = result {
                assert!(e.to_string().contains("3.51.3"), "the message names the minimum: {e}");
            }
        }
    }
}
