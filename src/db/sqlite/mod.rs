//! The SQLite backend: one ledger file, opened, checked and migrated here, with all the SQL of the library.
//!
//! Reads are functions over a `&Connection` in the module of their tables, served to the rest of the library
//! through [`Read`] by both the store and a transaction. Writes are methods of [`SqliteTx`], one immediate
//! transaction, served through [`Write`]. What only a file database has stays here: the version gate, the pragmas,
//! the migration runner, `VACUUM INTO` backups and the automatic copies, restore, the organisation cache keyed on
//! `PRAGMA data_version`, and the warning about network and synced folders.

mod audit;
mod autobackup;
mod campaign;
mod column_maps;
mod copy;
mod cost;
mod effect;
mod imports;
mod initiative;
mod location;
mod migrate;
mod ocr;
mod org;
mod settings;
mod target;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::{Backend, FigureParts, Read, StorageError, StorageErrorKind, Write};
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{
    AuditEntry, AuditQuery, Author, Basis, Campaign, Cost, Effect, EffectRow, Evaluated, Evaluation, Figure,
    ImportRecord, Initiative, InitiativeFields, InitiativeFilter, NewImport, OcrMeasure, SectionReturn, Settings,
    StatusChange, StoredColumnMap, Target, UnitReturn,
};
use crate::org::{Level, OrgChart};

pub use autobackup::folder as backups_folder;
pub use location::{location_warning, warning_for as location_warning_for};

/// The oldest SQLite accepted: earlier versions can corrupt a WAL database when it is reset.
pub const MIN_SQLITE: i32 = 3_051_003;

/// An SQLite error in the library's terms: a constraint is a conflict, a busy or locked file or one that cannot be
/// opened is unavailable, anything else is a fault. The only place rusqlite's error type is turned into ours.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        let kind = match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::ConstraintViolation => StorageErrorKind::Conflict,
                // Another program holds the ledger past the wait: trying again later works.
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StorageErrorKind::Unavailable,
                _ => StorageErrorKind::Other,
            },
            rusqlite::Error::QueryReturnedNoRows => StorageErrorKind::NotFound,
            _ => StorageErrorKind::Other,
        };
        let cannot_write = matches!(
            &e,
            rusqlite::Error::SqliteFailure(f, _) if matches!(
                f.code,
                ErrorCode::CannotOpen
                    | ErrorCode::ReadOnly
                    | ErrorCode::PermissionDenied
                    | ErrorCode::DiskFull
                    | ErrorCode::SystemIoFailure
            )
        );
        let message = match kind {
            StorageErrorKind::Unavailable => {
                format!("台帳はほかのプログラムが使用中です（{e}）。しばらくしてからやり直してください")
            }
            // Waiting will not help: the file's place, permissions or disk must change.
            _ if cannot_write => format!(
                "台帳のファイルを開けないか書き込めません（{e}）。ファイルの場所、書き込みの権限、ディスクの空きを確かめてください"
            ),
            _ => format!("データベースのエラー: {e}"),
        };
        Error::Storage(StorageError::new(kind, message))
    }
}

/// Maps a constraint failure to the domain error it stands for.
pub(crate) fn constraint(e: rusqlite::Error, conflict: impl FnOnce() -> String) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => Error::Conflict(conflict()),
        _ => e.into(),
    }
}

pub(super) fn latest_schema_version() -> i64 {
    migrate::latest_version()
}

pub(super) fn create_at_schema_version(path: &Path, version: i64) -> Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate::migrate_to(&mut conn, path, version)
}

pub(crate) fn check_sqlite_version(number: i32, text: &str) -> Result<()> {
    if number < MIN_SQLITE {
        return Err(Error::SqliteTooOld { found: text.to_string() });
    }
    Ok(())
}

/// How long a statement waits for another process's lock before the ledger is reported busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Puts the ledger in write-ahead-log mode, which it keeps from then on.
///
/// Switching a file from the rollback journal to the log upgrades the pragma's own read lock to a write lock, and
/// SQLite does not call the busy handler for such an upgrade (it could deadlock): a process switching a ledger
/// while another has begun writing it (as a second process switching it has) is told "database is locked" at once.
/// Several processes opening one older or restored ledger together (the app and the CLI) would then fail one of
/// them, so the switch is tried again until the busy timeout has passed (an attempt that does wait in the busy
/// handler may add up to one more timeout). A ledger already in the log only reads its mode.
fn write_ahead_log(conn: &Connection) -> Result<()> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let mode = conn.pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0)).and_then(|mode| {
            if mode.eq_ignore_ascii_case("wal") {
                Ok(mode)
            } else {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            }
        });
        match mode {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => {
                other?;
                return Ok(());
            }
        }
    }
}

/// An open, migrated ledger file.
pub(super) struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Committed writes through this store that changed the organisation, so the cached chart knows it is stale.
    org_writes: Cell<u64>,
    /// The organisation as last loaded, with the `PRAGMA data_version` (other connections' commits) and the
    /// `org_writes` it was loaded at: an import plans and commits hundreds of files against it.
    chart: RefCell<Option<(i64, u64, Arc<OrgChart>)>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, checks the SQLite version, sets the pragmas and
    /// applies pending migrations.
    pub(super) fn open(path: &Path) -> Result<Self> {
        check_sqlite_version(rusqlite::version_number(), rusqlite::version())?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Every statement of the write paths is cached (an import runs each once per row); there are about 40.
        conn.set_prepared_statement_cache_capacity(64);
        // A plan that does not depend on the values bound. Without this SQLite marks some lookups (`sha256 = ?1`,
        // `unit_id = ?1`) to be planned again when their value is cleared or moves between 0–1 and anything else,
        // and rusqlite's cache clears every statement's values when it takes it back: those statements were parsed
        // and planned anew on every use, three times per imported file.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        write_ahead_log(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate::migrate(&mut conn, path)?;
        Ok(Self { conn, path: path.to_path_buf(), org_writes: Default::default(), chart: Default::default() })
    }

    fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The organisation, loaded once and reused until this store or another connection writes.
    fn cached_chart(&self) -> Result<Arc<OrgChart>> {
        let version: i64 = self.conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
        let writes = self.org_writes.get();
        if let Some((v, w, chart)) = &*self.chart.borrow()
            && (*v, *w) == (version, writes)
        {
            return Ok(chart.clone());
        }
        let chart = Arc::new(org::load_org_chart(&self.conn)?);
        *self.chart.borrow_mut() = Some((version, writes, chart.clone()));
        Ok(chart)
    }
}

/// A write transaction with the author of its changes. Every write method records an audit row in the same
/// transaction.
pub(super) struct SqliteTx<'a> {
    tx: rusqlite::Transaction<'a>,
    author: Author,
    /// Set by every write to the organisation tables (`org.rs`), so the store drops its cached chart.
    org_changed: bool,
    /// The last 管理番号 this transaction numbered, per fiscal year: an import numbering thousands of lines reads the
    /// year's largest number once. Cleared by any write that sets or frees a 管理番号 otherwise.
    numbered: std::collections::HashMap<FiscalYear, u32>,
}

impl SqliteTx<'_> {
    fn conn(&self) -> &Connection {
        &self.tx
    }
}

/// The reads, the same for the store and a transaction: each over the connection the type reads through.
macro_rules! reads {
    ($type:ty, $chart:ident) => {
        impl Read for $type {
            fn org_chart(&self) -> Result<Arc<OrgChart>> {
                self.$chart()
            }
            fn settings(&self) -> Result<Settings> {
                settings::load_settings(self.conn())
            }
            fn initiative(&self, id: i64) -> Result<Initiative> {
                initiative::find_initiative(self.conn(), id)
            }
            fn initiative_by_ledger_id(&self, ledger_id: &str) -> Result<Initiative> {
                initiative::initiative_by_ledger_id(self.conn(), ledger_id)
            }
            fn initiatives(&self, filter: &InitiativeFilter) -> Result<Vec<Initiative>> {
                initiative::list_initiatives(self.conn(), filter)
            }
            fn initiatives_of_unit(&self, unit_id: i64) -> Result<Vec<Initiative>> {
                initiative::initiatives_of_unit(self.conn(), unit_id)
            }
            fn initiative_count(&self) -> Result<usize> {
                initiative::initiative_count(self.conn())
            }
            fn status_history(&self, initiative_id: i64) -> Result<Vec<StatusChange>> {
                initiative::status_history(self.conn(), initiative_id)
            }
            fn evaluations(&self, initiative_id: i64) -> Result<Vec<Evaluation>> {
                initiative::evaluations(self.conn(), initiative_id)
            }
            fn effects_of(&self, initiative_id: i64) -> Result<Vec<Effect>> {
                effect::effects_of(self.conn(), initiative_id)
            }
            fn effects_in_year(&self, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>> {
                effect::effects_in_year(self.conn(), fy)
            }
            fn years_with_figures(&self) -> Result<Vec<FiscalYear>> {
                effect::years_with_figures(self.conn())
            }
            fn with_figures(
                &self,
                fy: FiscalYear,
                parts: FigureParts,
                each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
            ) -> Result<()> {
                effect::with_figures(self.conn(), fy, parts, each)
            }
            fn targets(&self, fy: Option<FiscalYear>) -> Result<Vec<Target>> {
                target::targets(self.conn(), fy)
            }
            fn costs(&self, fy: Option<FiscalYear>) -> Result<Vec<Cost>> {
                cost::costs(self.conn(), fy)
            }
            fn ocr_measures(&self, fy: Option<FiscalYear>) -> Result<Vec<OcrMeasure>> {
                ocr::ocr_measures(self.conn(), fy)
            }
            fn ocr_measures_of(&self, initiative_id: i64) -> Result<Vec<OcrMeasure>> {
                ocr::ocr_measures_of(self.conn(), initiative_id)
            }
            fn audit_log(&self, query: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
                audit::audit_log(self.conn(), query)
            }
            fn audit_actor(&self, user: &str) -> Result<String> {
                Ok(user.to_string())
            }
            fn last_change(&self, actor: &str) -> Result<Vec<AuditEntry>> {
                audit::last_change(self.conn(), actor)
            }
            fn import_by_hash(&self, sha256: &str) -> Result<Option<ImportRecord>> {
                imports::import_by_hash(self.conn(), sha256)
            }
            fn import_history(&self) -> Result<Vec<ImportRecord>> {
                imports::import_history(self.conn())
            }
            fn returned_units(&self, fy: FiscalYear) -> Result<Vec<UnitReturn>> {
                imports::returned_units(self.conn(), fy)
            }
            fn column_maps(&self) -> Result<Vec<StoredColumnMap>> {
                column_maps::column_maps(self.conn())
            }
            fn campaign(&self, fy: FiscalYear) -> Result<Option<Campaign>> {
                campaign::campaign(self.conn(), fy)
            }
            fn section_returns(&self, fy: FiscalYear) -> Result<Vec<SectionReturn>> {
                campaign::section_returns(self.conn(), fy)
            }
        }
    };
}

impl SqliteTx<'_> {
    /// The organisation as this transaction sees it (its own changes included): loaded afresh.
    fn fresh_chart(&self) -> Result<Arc<OrgChart>> {
        Ok(Arc::new(org::load_org_chart(self.conn())?))
    }
}

reads!(SqliteStore, cached_chart);
reads!(SqliteTx<'_>, fresh_chart);

impl Write for SqliteTx<'_> {
    fn author(&self) -> &Author {
        &self.author
    }
    fn start_campaign(&mut self, campaign: &Campaign, sections: &[i64]) -> Result<usize> {
        SqliteTx::start_campaign(self, campaign, sections)
    }
    fn set_section_return(&mut self, r: &SectionReturn) -> Result<()> {
        SqliteTx::set_section_return(self, r)
    }
    fn close_campaign(&mut self, fy: FiscalYear, on: chrono::NaiveDate) -> Result<()> {
        SqliteTx::close_campaign(self, fy, on)
    }
    fn add_unit(
        &mut self,
        level: Level,
        parent: Option<i64>,
        name: &str,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<i64> {
        SqliteTx::add_unit(self, level, parent, name, code, valid_from, valid_to)
    }
    fn add_alias(&mut self, unit_id: i64, alias: &str) -> Result<()> {
        SqliteTx::add_alias(self, unit_id, alias)
    }
    fn rename_unit(&mut self, unit_id: i64, new_name: &str, from_year: FiscalYear) -> Result<()> {
        SqliteTx::rename_unit(self, unit_id, new_name, from_year)
    }
    fn merge_units(&mut self, from: &[i64], into: i64, fiscal_year: FiscalYear) -> Result<()> {
        SqliteTx::merge_units(self, from, into, fiscal_year)
    }
    fn update_unit(
        &mut self,
        unit_id: i64,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<()> {
        SqliteTx::update_unit(self, unit_id, code, valid_from, valid_to)
    }
    fn next_ledger_id(&mut self, fy: FiscalYear) -> Result<String> {
        SqliteTx::next_ledger_id(self, fy)
    }
    fn add_initiative(&mut self, fields: &InitiativeFields) -> Result<Initiative> {
        SqliteTx::add_initiative(self, fields)
    }
    fn update_initiative(
        &mut self,
        id: i64,
        fields: &InitiativeFields,
        status_on: Option<chrono::NaiveDate>,
        expected_version: Option<i64>,
    ) -> Result<Initiative> {
        SqliteTx::update_initiative(self, id, fields, status_on, expected_version)
    }
    fn delete_initiative(&mut self, id: i64, expected_version: Option<i64>) -> Result<()> {
        SqliteTx::delete_initiative(self, id, expected_version)
    }
    fn set_evaluation(&mut self, initiative_id: i64, evaluation: &Evaluation) -> Result<()> {
        SqliteTx::set_evaluation(self, initiative_id, evaluation)
    }
    fn delete_evaluation(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        SqliteTx::delete_evaluation(self, initiative_id, fy)
    }
    fn restore_status_history(&mut self, initiative_id: i64, history: &[StatusChange]) -> Result<()> {
        SqliteTx::restore_status_history(self, initiative_id, history)
    }
    fn set_effect(&mut self, initiative_id: i64, effect: &Evaluated) -> Result<Effect> {
        SqliteTx::set_effect(self, initiative_id, effect)
    }
    fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()> {
        SqliteTx::delete_effect(self, initiative_id, fy, basis)
    }
    fn set_target(&mut self, target: &Target) -> Result<()> {
        SqliteTx::set_target(self, target)
    }
    fn delete_target(&mut self, fy: FiscalYear, bureau_id: Option<i64>) -> Result<bool> {
        SqliteTx::delete_target(self, fy, bureau_id)
    }
    fn delete_cost(&mut self, tool: &str, fy: FiscalYear) -> Result<bool> {
        SqliteTx::delete_cost(self, tool, fy)
    }
    fn set_ocr_measure(&mut self, m: &OcrMeasure) -> Result<()> {
        SqliteTx::set_ocr_measure(self, m)
    }
    fn delete_ocr_measure(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        SqliteTx::delete_ocr_measure(self, initiative_id, fy)
    }
    fn set_cost(&mut self, cost: &Cost) -> Result<()> {
        SqliteTx::set_cost(self, cost)
    }
    fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings> {
        SqliteTx::set_setting(self, key, value)
    }
    fn remember_column_map(&mut self, map: &StoredColumnMap) -> Result<()> {
        SqliteTx::remember_column_map(self, map)
    }
    fn record_import(&mut self, import: &NewImport<'_>) -> Result<ImportRecord> {
        SqliteTx::record_import(self, import)
    }
    fn forget_imports(&mut self, at: &str) -> Result<usize> {
        Ok(self.tx.prepare_cached("DELETE FROM imports WHERE at = ?1")?.execute([at])?)
    }
}

impl Backend for SqliteStore {
    fn transaction(&mut self, author: &Author, f: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut w = SqliteTx { tx, author: author.clone(), org_changed: false, numbered: Default::default() };
        f(&mut w)?;
        let org_changed = w.org_changed;
        w.tx.commit()?;
        if org_changed {
            self.org_writes.set(self.org_writes.get() + 1);
        }
        Ok(())
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT ifnull(max(version), 0) FROM schema_migrations", [], |r| r.get(0))?)
    }

    fn integrity_problems(&self) -> Result<Vec<String>> {
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

    /// `VACUUM INTO`: a consistent copy, safe while the app is open.
    fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::Conflict(format!("{} はすでにあります。別の名前を指定してください", target.display())));
        }
        let path =
            target.to_str().ok_or_else(|| Error::Invalid(format!("保存先の名前が読めません: {}", target.display())))?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }

    fn backup_before_import(&self) -> Result<Option<PathBuf>> {
        autobackup::take(&self.conn, &self.path, autobackup::Reason::Import).map(Some)
    }

    fn backups_folder(&self) -> Option<PathBuf> {
        Some(autobackup::folder(&self.path))
    }

    /// The current file is kept beside it as `….before-restore` (then `….before-restore-2`, …).
    fn restore_from(&mut self, backup: &Path) -> Result<PathBuf> {
        check_ledger_file(backup)?;
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
        *self = SqliteStore::open(&path)?;
        Ok(kept)
    }

    fn location_warning(&self) -> Option<String> {
        location::warning_for(&self.path)
    }

    fn read_tables(&self) -> Result<Vec<crate::db::copy::Rows>> {
        // One read transaction: in WAL mode it sees one snapshot however others write meanwhile.
        let tx = self.conn.unchecked_transaction()?;
        let rows = crate::db::copy::TABLES.iter().map(|t| copy::read_table(&tx, t)).collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(rows)
    }

    fn load_empty(&mut self, data: &[crate::db::copy::Rows]) -> Result<()> {
        let shown = self.path.display().to_string();
        copy::load_empty(&mut self.conn, &shown, data)
    }
}

/// Checks, without writing to it, that a file is a sound Daicho ledger this version can open: it opens read-only,
/// has the migrations table, no newer schema, and passes the integrity check.
pub(super) fn check_ledger_file(path: &Path) -> Result<()> {
    if !path.is_file() {
        return Err(Error::NotFound(format!("{} がありません", path.display())));
    }
    let candidate = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| Error::Invalid(format!("{} は台帳として開けません", path.display())))?;
    let version: i64 = candidate
        .query_row("SELECT ifnull(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(|_| Error::Invalid(format!("{} は Daicho の台帳ではありません", path.display())))?;
    if version > migrate::latest_version() {
        return Err(Error::SchemaTooNew { path: path.into(), found: version, known: migrate::latest_version() });
    }
    let ok: String = candidate.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Invalid(format!("{} は壊れています（integrity_check: {ok}）", path.display())));
    }
    Ok(())
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

    /// The cached statements of an import are parsed once: a lookup run again with another value is not planned
    /// again (it was, for every use, before the ledger's connection asked for plans independent of the values).
    #[test]
    fn a_cached_lookup_is_not_planned_again_for_each_value() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("ledger.sqlite3")).unwrap();
        let lookups = [
            "SELECT id FROM imports WHERE sha256 = ?1 ORDER BY id LIMIT 1",
            "SELECT id FROM initiatives WHERE unit_id = ?1 ORDER BY ledger_id",
        ];
        for sql in lookups {
            for value in ["a", "b", "c"] {
                let mut stmt = store.conn.prepare_cached(sql).unwrap();
                stmt.query([value]).unwrap().next().unwrap();
            }
            let stmt = store.conn.prepare_cached(sql).unwrap();
            let planned_again = stmt.get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(planned_again, 0, "{sql}: run with three values, prepared once");
        }
    }
}
