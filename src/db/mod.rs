//! Storage: the seam between the ledger's domain and where it is kept.
//!
//! - [`Read`] — every read the library and the shells make, implemented by a store and by a transaction alike, so
//!   a use case reads the same way before and inside a write.
//! - [`Write`] — the writes, on a transaction only: [`Store::write`] hands one to a closure and commits only if the
//!   closure returns `Ok`, so a command's changes and their audit rows land together or not at all.
//! - [`Store`] — an open ledger of any backend, with the file operations a backend may offer (backups, restore,
//!   the integrity check). Domain records go in and out ([`crate::ledger`], [`crate::org`]); errors are the
//!   library's own ([`StorageError`] for what the storage refused or could not do).
//!
//! Two backends: an SQLite file ([`sqlite`], with its SQL, migrations, automatic backups and the warning about
//! network folders), the default for one person; and with the `postgres` feature a team's shared ledger on a
//! PostgreSQL server ([`postgres`], its own SQL and migrations of the same numbers). Each implements [`Backend`],
//! [`Read`] and [`Write`]; nothing outside `src/db` names a backend's types. [`Store::open_target`] takes what
//! `--db` and `DAICHO_DB` hold — a file path or a server's connection string — and opens the right one.

mod copy;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;

pub use copy::CopyReport;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{
    AuditEntry, AuditQuery, Author, Basis, Campaign, Cost, Effect, EffectRow, Evaluated, Evaluation, Figure,
    ImportRecord, Initiative, InitiativeFields, InitiativeFilter, NewImport, OcrMeasure, SectionReturn, Settings,
    StatusChange, StoredColumnMap, Target, UnitReturn,
};
use crate::org::{Level, OrgChart};

pub use sqlite::{MIN_SQLITE, backups_folder, location_warning, location_warning_for};

/// What the storage refused or could not do, in the library's terms (never a driver's error type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StorageError {
    pub kind: StorageErrorKind,
    /// A Japanese sentence for the user, with the storage's own words where they help.
    pub message: String,
}

/// The kinds of storage failure a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageErrorKind {
    /// A change clashes with what is stored (a unique key, a rule of the schema).
    Conflict,
    /// A record the storage was asked for is not there.
    NotFound,
    /// The storage cannot be used now: busy with another program's write past the wait, or locked. Trying again
    /// later works.
    Unavailable,
    /// The login may not do this: a manager's (viewer's) login writing to the shared ledger. Enforced by the server.
    Forbidden,
    /// Anything else: a fault of the storage or of Daicho.
    Other,
}

impl StorageError {
    pub fn new(kind: StorageErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

/// What an audit row records: a record created, changed or removed (`audit_log.action`, both backends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuditAction {
    Create,
    Update,
    Delete,
}

impl AuditAction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
        }
    }
}

/// The checksum both migration runners record for an applied migration. FNV-1a, 64 bits: enough to notice an
/// edited file; not a security measure.
pub(crate) fn migration_checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The newest audit row of one record (`initiative` and its 管理番号, `effect` and its id…): who changed it last.
pub(crate) fn last_audit(ledger: &dyn Read, entity: &str, key: &str) -> Option<AuditEntry> {
    newest_audit(ledger, entity, key).ok().flatten()
}

/// The audit key of a year's target: `2024/全体` for the whole organisation's, `2024/{部局 id}` for a 部局's.
pub(crate) fn target_audit_key(fy: FiscalYear, bureau_id: Option<i64>) -> String {
    format!("{}/{}", fy.0, bureau_id.map_or("全体".to_string(), |b| b.to_string()))
}

/// The audit key of a tool's cost of a year: the tool as it was written when stored, then the year (`WinActor/2024`).
pub(crate) fn cost_audit_key(tool: &str, fy: FiscalYear) -> String {
    format!("{}/{}", tool.trim(), fy.0)
}

/// The newest audit row of one record, if it has any; a failure to read the log is an error.
pub(crate) fn newest_audit(ledger: &dyn Read, entity: &str, key: &str) -> Result<Option<AuditEntry>> {
    Ok(ledger.audit_log(AuditQuery { entity: Some(entity), key: Some(key), limit: 1 })?.pop())
}

/// The refusal of an edit made from version `expected` of `seen` (either backend's transaction reads it): the
/// initiative as it is now, who changed it last and when, and what to do.
pub(crate) fn stale_edit(tx: &dyn Read, seen: &Initiative, expected: i64) -> Error {
    let current = tx.initiative(seen.id).unwrap_or_else(|_| seen.clone());
    let last = last_audit(tx, "initiative", &current.ledger_id);
    let who = last.map_or(String::new(), |e| format!("（最後の変更: {}）", e.who_and_when()));
    Error::Conflict(format!(
        "取組 {} は、開いた後にほかの人が変更しました{who}。最新の内容（版 {}、開いたときは版 {expected}）を読み直してから、もう一度操作してください",
        current.ledger_id, current.version
    ))
}

/// What a server holds, read by a connection test without changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerProbe {
    /// The schema applied there: 0 where no ledger was made yet; below [`latest_schema_version`] when opening it
    /// will update it; above when it was made by a newer Daicho.
    pub schema_version: i64,
    /// The initiatives, when the schema is this version's.
    pub initiatives: Option<usize>,
}

/// A change another person committed to the shared ledger (heard through [`Store::watch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeNotice {
    /// Who made it (the author of the transaction).
    pub by: String,
}

/// Listening for other people's changes: stops when dropped (its thread ends on its own within moments, so dropping
/// never waits on a server that does not answer).
pub struct Watch {
    stop: Arc<std::sync::atomic::AtomicBool>,
    _thread: std::thread::JoinHandle<()>,
}

impl Watch {
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn new(stop: Arc<std::sync::atomic::AtomicBool>, thread: std::thread::JoinHandle<()>) -> Self {
        Self { stop, _thread: thread }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Which parts of its initiative a streamed [`Figure`] carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FigureParts {
    /// 管理番号 and 業務名.
    pub names: bool,
    /// The tool.
    pub tool: bool,
}

/// Every read of the ledger. Implemented by a [`Store`] and by the transaction of [`Store::write`] (which sees its
/// own uncommitted changes).
pub trait Read {
    /// The organisation: every unit with its names, aliases and merges.
    fn org_chart(&self) -> Result<Arc<OrgChart>>;
    /// The settings, with defaults for what was never set.
    fn settings(&self) -> Result<Settings>;

    /// An initiative by its row id.
    fn initiative(&self, id: i64) -> Result<Initiative>;
    /// An initiative by its 管理番号 (`R5-0012`), ignoring width and case.
    fn initiative_by_ledger_id(&self, ledger_id: &str) -> Result<Initiative>;
    /// Initiatives by their row ids, in the order asked (an id twice gives the initiative twice); an id that is not
    /// in the ledger is refused as [`initiative`](Self::initiative) refuses it. A server reads them in one query.
    fn initiatives_by_id(&self, ids: &[i64]) -> Result<Vec<Initiative>> {
        ids.iter().map(|id| self.initiative(*id)).collect()
    }
    /// The initiatives matching the filter, in 管理番号 order.
    fn initiatives(&self, filter: &InitiativeFilter) -> Result<Vec<Initiative>>;
    /// The initiatives a unit owns, in 管理番号 order.
    fn initiatives_of_unit(&self, unit_id: i64) -> Result<Vec<Initiative>>;
    /// How many initiatives the ledger holds.
    fn initiative_count(&self) -> Result<usize>;
    fn status_history(&self, initiative_id: i64) -> Result<Vec<StatusChange>>;
    fn evaluations(&self, initiative_id: i64) -> Result<Vec<Evaluation>>;

    /// The effects of one initiative, by fiscal year and basis (試算, 試行, 実績).
    fn effects_of(&self, initiative_id: i64) -> Result<Vec<Effect>>;
    /// Every effect of a fiscal year (or of all years), with its initiative, by year and 管理番号.
    fn effects_in_year(&self, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>>;
    /// The fiscal years that have any figure, oldest first.
    fn years_with_figures(&self) -> Result<Vec<FiscalYear>>;
    /// Streams the year's figures, in initiative order, with the parts of their initiatives a summary reads, to
    /// `each`: a summary over a million figures reads them without loading whole rows. A storage error stops the
    /// stream and is returned.
    fn with_figures(
        &self,
        fy: FiscalYear,
        parts: FigureParts,
        each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
    ) -> Result<()>;

    /// Targets of one fiscal year or all, the organisation-wide one first.
    fn targets(&self, fy: Option<FiscalYear>) -> Result<Vec<Target>>;
    /// Tool costs of one fiscal year or all, by year and tool.
    fn costs(&self, fy: Option<FiscalYear>) -> Result<Vec<Cost>>;
    /// AI-OCR measures of a fiscal year (or every year).
    fn ocr_measures(&self, fy: Option<FiscalYear>) -> Result<Vec<OcrMeasure>>;
    /// AI-OCR measures of one initiative, by fiscal year.
    fn ocr_measures_of(&self, initiative_id: i64) -> Result<Vec<OcrMeasure>>;
    /// The audit log, newest first.
    fn audit_log(&self, query: AuditQuery<'_>) -> Result<Vec<AuditEntry>>;
    /// How the audit log names the person called `user` here: that name, or on a shared ledger the staff member's own
    /// login when the server records that instead.
    fn audit_actor(&self, user: &str) -> Result<String>;
    /// The audit rows of the newest change recorded under `actor` (one action's rows share its time), newest first.
    fn last_change(&self, actor: &str) -> Result<Vec<AuditEntry>>;

    /// The committed import of a file with this content, if any.
    fn import_by_hash(&self, sha256: &str) -> Result<Option<ImportRecord>>;
    /// Every committed import, newest first.
    fn import_history(&self) -> Result<Vec<ImportRecord>>;
    /// For each unit a committed import reported for `fy`: its latest return.
    fn returned_units(&self, fy: FiscalYear) -> Result<Vec<UnitReturn>>;
    /// Every column mapping remembered for a section.
    fn column_maps(&self) -> Result<Vec<StoredColumnMap>>;
    /// The survey of a fiscal year, if it was started.
    fn campaign(&self, fy: FiscalYear) -> Result<Option<Campaign>>;
    /// Where each section's return of a year's survey stands, by section id.
    fn section_returns(&self, fy: FiscalYear) -> Result<Vec<SectionReturn>>;
}

/// The writes, inside one transaction ([`Store::write`]). Each records its audit row (who, when, what, before,
/// after) in the same transaction.
pub trait Write: Read {
    /// Who makes the changes of this transaction, and when.
    fn author(&self) -> &Author;
    /// Starts (or extends, with a new deadline) a year's survey, adding a 未提出 return for each section not in it
    /// yet; returns how many were added.
    fn start_campaign(&mut self, campaign: &Campaign, sections: &[i64]) -> Result<usize>;
    /// Records where a section's return stands; refuses a move [`crate::ledger::ReturnState::can_become`] forbids.
    fn set_section_return(&mut self, r: &SectionReturn) -> Result<()>;
    /// Closes a year's survey on a day.
    fn close_campaign(&mut self, fy: FiscalYear, on: chrono::NaiveDate) -> Result<()>;

    /// Adds a unit. `parent` must be a bureau for a section and a section for a 係.
    fn add_unit(
        &mut self,
        level: Level,
        parent: Option<i64>,
        name: &str,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<i64>;
    /// Declares another spelling of a unit's name.
    fn add_alias(&mut self, unit_id: i64, alias: &str) -> Result<()>;
    /// Renames a unit from a fiscal year on; figures of earlier years keep showing the old name.
    fn rename_unit(&mut self, unit_id: i64, new_name: &str, from_year: FiscalYear) -> Result<()>;
    /// Merges units into another from a fiscal year on: the merged units end the year before, their initiatives
    /// move to the successor, and their past figures stay where they were reported.
    fn merge_units(&mut self, from: &[i64], into: i64, fiscal_year: FiscalYear) -> Result<()>;
    /// Sets a unit's code and the fiscal years it exists (`None` leaves a field as it is).
    fn update_unit(
        &mut self,
        unit_id: i64,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<()>;

    /// The next free 管理番号 of a fiscal year: `R6-0001`, `R6-0002`, …
    fn next_ledger_id(&mut self, fy: FiscalYear) -> Result<String>;
    /// Adds an initiative, numbering it from the fiscal year of its start date (or of the author's date) when no
    /// 管理番号 is given, and records its first status.
    fn add_initiative(&mut self, fields: &InitiativeFields) -> Result<Initiative>;
    /// Adds initiatives as [`add_initiative`](Self::add_initiative) adds each, in order: an import's new lines. A
    /// server writes them (with their first status and audit rows) in one statement, not one round trip per line.
    fn add_initiatives(&mut self, fields: &[InitiativeFields]) -> Result<Vec<Initiative>> {
        fields.iter().map(|f| self.add_initiative(f)).collect()
    }
    /// Replaces an initiative's fields (its 管理番号 stays) and raises its version. A status change is added to the
    /// history, dated `status_on` or the author's date. With `expected_version`, an initiative whose version is
    /// another (someone changed it since the editor read it) is refused as a conflict naming who changed it last;
    /// fields that change nothing write nothing.
    fn update_initiative(
        &mut self,
        id: i64,
        fields: &InitiativeFields,
        status_on: Option<chrono::NaiveDate>,
        expected_version: Option<i64>,
    ) -> Result<Initiative>;
    /// Deletes an initiative with its effects, history and evaluations (all recorded in the audit log). With
    /// `expected_version`, an initiative changed since the person saw it is refused as a conflict naming who changed
    /// it last (as [`update_initiative`](Self::update_initiative) refuses a stale edit).
    fn delete_initiative(&mut self, id: i64, expected_version: Option<i64>) -> Result<()>;
    /// Records or replaces the evaluation of one fiscal year.
    fn set_evaluation(&mut self, initiative_id: i64, evaluation: &Evaluation) -> Result<()>;
    /// Holds an initiative and its figures, evaluations and AI-OCR measures until the end of the transaction, so that
    /// a form's check against what it was loaded with ([`crate::actions::Seen`]) still holds at the commit: on a
    /// server, another person's save or import touching them waits until this transaction ends; in SQLite the
    /// transaction holds the ledger's only write lock already, and this does nothing.
    fn hold_initiative(&mut self, _id: i64) -> Result<()> {
        Ok(())
    }
    /// Reads the initiatives of `ids` that exist (in id order, each once; an id no initiative has is left out, as one
    /// an undo is about to bring back) and holds them until the end of the transaction. On a server they are taken in
    /// id order before any of their figures or measures is written, so two writes touching several (an import's
    /// file, an undo) and a form holding one ([`hold_initiative`](Self::hold_initiative)) queue on the initiative's
    /// row instead of each holding what the other waits for; in SQLite the transaction holds the ledger's only write
    /// lock already.
    fn hold_initiatives(&mut self, ids: &[i64]) -> Result<Vec<Initiative>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            match self.initiative(id) {
                Ok(i) => found.push(i),
                Err(crate::Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }
    /// Holds a fiscal year's targets and tool costs until the end of the transaction, as
    /// [`hold_initiative`](Self::hold_initiative) holds an initiative: on a server, another person's change to one of
    /// them (each takes this hold first) waits until this transaction ends; in SQLite this does nothing.
    fn hold_plan(&mut self, _fy: FiscalYear) -> Result<()> {
        Ok(())
    }
    /// Deletes the evaluation of one fiscal year (recorded in the audit log); none there is no error.
    fn delete_evaluation(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()>;
    /// Replaces an initiative's status history with the one it had before it was deleted (元に戻す of a deletion),
    /// recorded in the audit log.
    fn restore_status_history(&mut self, initiative_id: i64, history: &[StatusChange]) -> Result<()>;

    /// Records the evaluated effect of a fiscal year and basis, replacing an earlier one. The figure is attached to
    /// the unit the initiative belongs to now, or stays with the unit an earlier figure of that year was reported
    /// under.
    fn set_effect(&mut self, initiative_id: i64, effect: &Evaluated) -> Result<Effect>;
    /// Records effects as [`set_effect`](Self::set_effect) records each, in order (a later one of the same initiative,
    /// year and basis replaces an earlier one): an import's figures, in a few statements on a server.
    fn set_effects(&mut self, effects: &[(i64, &Evaluated)]) -> Result<Vec<Effect>> {
        effects.iter().map(|(id, e)| self.set_effect(*id, e)).collect()
    }
    /// Deletes the effect of a fiscal year and basis.
    fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()>;

    /// Sets the target of a fiscal year, for the whole organisation (`bureau_id = None`) or one 部局.
    fn set_target(&mut self, target: &Target) -> Result<()>;
    /// Records the cost of a tool for a fiscal year, replacing an earlier figure.
    fn set_cost(&mut self, cost: &Cost) -> Result<()>;
    /// Removes the target of a fiscal year (the whole organisation's when `bureau_id` is `None`); `false` when there
    /// was none.
    fn delete_target(&mut self, fy: FiscalYear, bureau_id: Option<i64>) -> Result<bool>;
    /// Removes a tool's cost of a fiscal year; `false` when there was none.
    fn delete_cost(&mut self, tool: &str, fy: FiscalYear) -> Result<bool>;
    /// Records or replaces the AI-OCR measure of an initiative's fiscal year (one with no figure removes it).
    fn set_ocr_measure(&mut self, m: &OcrMeasure) -> Result<()>;
    /// Removes the AI-OCR measure of an initiative's fiscal year.
    fn delete_ocr_measure(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()>;
    /// Sets one setting, validated against its accepted values; returns the settings after.
    fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings>;

    /// Remembers (or replaces) a section's mapping of one header.
    fn remember_column_map(&mut self, map: &StoredColumnMap) -> Result<()>;
    /// Records a committed import with the changes it made.
    fn record_import(&mut self, import: &NewImport<'_>) -> Result<ImportRecord>;
    /// Forgets the imports recorded at `at` (a batch's time, an undone import): the same files can be imported again.
    fn forget_imports(&mut self, at: &str) -> Result<usize>;
}

/// What a storage backend offers beyond reading and writing: where it is, its schema, and its copies.
pub(crate) trait Backend: Read + Send {
    /// Runs `f` in one transaction and commits if it returns `Ok`; on `Err` nothing is written.
    fn transaction(&mut self, author: &Author, f: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()>;
    /// The ledger's file.
    fn path(&self) -> &Path;
    /// The schema version applied.
    fn schema_version(&self) -> Result<i64>;
    /// The storage's own consistency checks: the problems found, empty when sound.
    fn integrity_problems(&self) -> Result<Vec<String>>;
    /// Writes a consistent copy of the ledger to `target`, which must not exist yet.
    fn backup_to(&self, target: &Path) -> Result<()>;
    /// Takes the automatic copy kept before an import batch; returns its path (`None` where the server keeps the
    /// copies).
    fn backup_before_import(&self) -> Result<Option<PathBuf>>;
    /// The folder of the automatic copies (`None` on a server).
    fn backups_folder(&self) -> Option<PathBuf>;
    /// Replaces the ledger with a checked backup, keeping the current one; returns where it was kept.
    fn restore_from(&mut self, backup: &Path) -> Result<PathBuf>;
    /// A warning when the ledger is where it may be corrupted (a network share, a synced folder).
    fn location_warning(&self) -> Option<String>;
    /// Claims the ledger for an import batch until [`Backend::release_import`] (or the connection ends): a second
    /// batch is refused, naming who is importing. A file ledger needs no claim (its writes are serialised whole).
    fn claim_import(&self) -> Result<()> {
        Ok(())
    }
    /// Ends the claim of [`Backend::claim_import`].
    fn release_import(&self) {}
    /// Whether this is a team's shared ledger on a server (not a file).
    fn is_shared(&self) -> bool {
        false
    }
    /// Hears other connections' commits (a shared ledger); `None` where no one else writes while it is open.
    fn watch(&self, _on_change: Box<dyn FnMut(ChangeNotice) + Send>) -> Result<Option<Watch>> {
        Ok(None)
    }
    /// Every row of every table of [`copy::TABLES`], in each table's order, read as one consistent snapshot
    /// (colleagues may be committing meanwhile), for [`Store::copy_into`].
    fn read_tables(&self) -> Result<Vec<copy::Rows>>;
    /// Writes every table of [`copy::TABLES`] into this ledger, which must be empty, in one transaction that reads
    /// them back and compares before committing.
    fn load_empty(&mut self, data: &[copy::Rows]) -> Result<()>;
}

/// An open, migrated ledger.
pub struct Store {
    backend: Box<dyn Backend>,
}

impl Store {
    /// Opens (creating if needed) the SQLite ledger at `path`: checks the SQLite version, sets the pragmas and
    /// applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self { backend: Box::new(sqlite::SqliteStore::open(path)?) })
    }

    /// Opens the ledger `target` names: a PostgreSQL connection string (`postgresql://host/db?sslmode=verify-full`,
    /// or libpq words `host=… dbname=…`) opens the shared ledger on that server, anything else is a file path.
    pub fn open_target(target: &str) -> Result<Self> {
        match Location::parse(target) {
            Location::File(path) => Self::open(&path),
            Location::Server(conn) => Self::connect(&conn),
        }
    }

    /// Connects to the shared ledger on a PostgreSQL server and applies its pending migrations (under an advisory
    /// lock, so two clients starting at once cannot both migrate).
    #[cfg(feature = "postgres")]
    pub fn connect(conn: &str) -> Result<Self> {
        Self::connect_with_password(conn, None)
    }

    /// [`Store::connect`] with a password typed for this session (the app's 接続先), used for this connection only.
    #[cfg(feature = "postgres")]
    pub fn connect_with_password(conn: &str, password: Option<&str>) -> Result<Self> {
        Ok(Self { backend: Box::new(postgres::PgStore::open(conn, password)?) })
    }

    /// Connects to a server and reads what it holds without changing anything (no migration: a connection test
    /// against the wrong database creates nothing there).
    #[cfg(feature = "postgres")]
    pub fn probe(conn: &str, password: Option<&str>) -> Result<ServerProbe> {
        postgres::probe(conn, password)
    }

    /// Keeps a password for a server in the libpq password file of this user (`%APPDATA%\postgresql\pgpass.conf`
    /// on Windows, `~/.pgpass` elsewhere, readable by this user only), where Daicho, psql and pgAdmin find it.
    /// Returns the file's path. Daicho itself never writes a password anywhere else.
    #[cfg(feature = "postgres")]
    pub fn remember_password(conn: &str, password: &str) -> Result<PathBuf> {
        postgres::remember_password(conn, password)
    }

    /// Without the `postgres` feature a server cannot be reached.
    #[cfg(not(feature = "postgres"))]
    pub fn connect(conn: &str) -> Result<Self> {
        Err(Error::Invalid(format!(
            "この Daicho は PostgreSQL に対応せずにビルドされています（接続先: {}）",
            Location::Server(conn.to_string()).shown()
        )))
    }

    /// Prepares a PostgreSQL database for a team (`daicho server init`), connected as its owner: the schema, and the
    /// roles `daicho_editor` (the team: read and write) and `daicho_viewer` (managers: read and export), enforced by
    /// the server's grants. Staff logins are then made members of one of them (README, サーバーの台帳).
    #[cfg(feature = "postgres")]
    pub fn init_server(conn: &str) -> Result<()> {
        postgres::init_server(conn)
    }

    /// Opens a ledger that exists, after checking (read-only) that it is a sound Daicho ledger: a file that is not
    /// one is refused untouched, never created or migrated into one.
    pub fn open_existing(path: &Path) -> Result<Self> {
        sqlite::check_ledger_file(path)?;
        Self::open(path)
    }

    /// Creates a new, empty ledger at `path`; refuses a path where a file already is.
    pub fn create(path: &Path) -> Result<Self> {
        if path.exists() {
            return Err(Error::Conflict(format!(
                "{} はすでにあります。新しい台帳は別の名前で作ってください（開くには「別の台帳を開く」）",
                path.display()
            )));
        }
        Self::open(path)
    }

    /// Runs `f` in one transaction and commits if it returns `Ok`; on `Err` nothing is written.
    pub fn write<T>(&mut self, author: &Author, f: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.backend.transaction(author, &mut |tx| {
            let f = f.take().ok_or_else(|| Error::Internal("書き込みの処理が2度呼ばれました".into()))?;
            value = Some(f(tx)?);
            Ok(())
        })?;
        value.ok_or_else(|| Error::Internal("書き込みの結果がありません".into()))
    }

    /// The ledger's file; for a server, its connection string without the password (what to show as where the
    /// ledger is).
    pub fn path(&self) -> &Path {
        self.backend.path()
    }

    /// The schema version applied.
    pub fn schema_version(&self) -> Result<i64> {
        self.backend.schema_version()
    }

    /// The storage's own consistency checks (for SQLite `PRAGMA integrity_check` and `foreign_key_check`): the
    /// problems found, empty when sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        self.backend.integrity_problems()
    }

    /// Writes a consistent copy of the ledger to `target` (safe while the app is open), replacing nothing: the
    /// target must not exist yet.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        self.backend.backup_to(target)
    }

    /// The automatic copy taken before an import batch commits anything (kept in [`Store::backups_folder`], the
    /// newest ten). Returns its path.
    pub fn backup_before_import(&self) -> Result<Option<PathBuf>> {
        self.backend.backup_before_import()
    }

    /// The folder of the automatic copies taken before imports and migrations (`None` for a server's ledger).
    pub fn backups_folder(&self) -> Option<PathBuf> {
        self.backend.backups_folder()
    }

    /// Replaces the ledger with a backup after checking it: it must open as a Daicho ledger with a schema this
    /// version knows and pass the integrity check. The current ledger is kept beside it (an earlier kept copy is
    /// never overwritten). Returns the path of that kept copy.
    pub fn restore_from(&mut self, backup: &Path) -> Result<PathBuf> {
        self.backend.restore_from(backup)
    }

    /// A warning when the ledger file is on a network share or in a synced or roaming folder.
    pub fn location_warning(&self) -> Option<String> {
        self.backend.location_warning()
    }

    /// Claims a shared ledger for an import batch: while one person imports, another's batch is refused with who is
    /// importing (files of two batches never interleave). Released by [`Store::release_import`] or when the
    /// connection ends; a file ledger needs no claim.
    pub fn claim_import(&self) -> Result<()> {
        self.backend.claim_import()
    }

    /// Ends the claim of [`Store::claim_import`].
    pub fn release_import(&self) {
        self.backend.release_import()
    }

    /// Whether this is a team's shared ledger on a server (not a file).
    pub fn is_shared(&self) -> bool {
        self.backend.is_shared()
    }

    /// Calls `on_change` (on a thread of its own) whenever another person commits a change to this shared ledger,
    /// until the returned [`Watch`] is dropped: the app refreshes the open screen. `None` for a ledger file.
    pub fn watch(&self, on_change: Box<dyn FnMut(ChangeNotice) + Send>) -> Result<Option<Watch>> {
        self.backend.watch(on_change)
    }
}

impl Read for Store {
    fn org_chart(&self) -> Result<Arc<OrgChart>> {
        self.backend.org_chart()
    }
    fn settings(&self) -> Result<Settings> {
        self.backend.settings()
    }
    fn initiative(&self, id: i64) -> Result<Initiative> {
        self.backend.initiative(id)
    }
    fn initiative_by_ledger_id(&self, ledger_id: &str) -> Result<Initiative> {
        self.backend.initiative_by_ledger_id(ledger_id)
    }
    fn initiatives_by_id(&self, ids: &[i64]) -> Result<Vec<Initiative>> {
        self.backend.initiatives_by_id(ids)
    }
    fn initiatives(&self, filter: &InitiativeFilter) -> Result<Vec<Initiative>> {
        self.backend.initiatives(filter)
    }
    fn initiatives_of_unit(&self, unit_id: i64) -> Result<Vec<Initiative>> {
        self.backend.initiatives_of_unit(unit_id)
    }
    fn initiative_count(&self) -> Result<usize> {
        self.backend.initiative_count()
    }
    fn status_history(&self, initiative_id: i64) -> Result<Vec<StatusChange>> {
        self.backend.status_history(initiative_id)
    }
    fn evaluations(&self, initiative_id: i64) -> Result<Vec<Evaluation>> {
        self.backend.evaluations(initiative_id)
    }
    fn effects_of(&self, initiative_id: i64) -> Result<Vec<Effect>> {
        self.backend.effects_of(initiative_id)
    }
    fn effects_in_year(&self, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>> {
        self.backend.effects_in_year(fy)
    }
    fn years_with_figures(&self) -> Result<Vec<FiscalYear>> {
        self.backend.years_with_figures()
    }
    fn with_figures(
        &self,
        fy: FiscalYear,
        parts: FigureParts,
        each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
    ) -> Result<()> {
        self.backend.with_figures(fy, parts, each)
    }
    fn targets(&self, fy: Option<FiscalYear>) -> Result<Vec<Target>> {
        self.backend.targets(fy)
    }
    fn ocr_measures(&self, fy: Option<FiscalYear>) -> Result<Vec<OcrMeasure>> {
        self.backend.ocr_measures(fy)
    }
    fn ocr_measures_of(&self, initiative_id: i64) -> Result<Vec<OcrMeasure>> {
        self.backend.ocr_measures_of(initiative_id)
    }
    fn costs(&self, fy: Option<FiscalYear>) -> Result<Vec<Cost>> {
        self.backend.costs(fy)
    }
    fn audit_log(&self, query: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
        self.backend.audit_log(query)
    }
    fn audit_actor(&self, user: &str) -> Result<String> {
        self.backend.audit_actor(user)
    }
    fn last_change(&self, actor: &str) -> Result<Vec<AuditEntry>> {
        self.backend.last_change(actor)
    }
    fn import_by_hash(&self, sha256: &str) -> Result<Option<ImportRecord>> {
        self.backend.import_by_hash(sha256)
    }
    fn import_history(&self) -> Result<Vec<ImportRecord>> {
        self.backend.import_history()
    }
    fn returned_units(&self, fy: FiscalYear) -> Result<Vec<UnitReturn>> {
        self.backend.returned_units(fy)
    }
    fn column_maps(&self) -> Result<Vec<StoredColumnMap>> {
        self.backend.column_maps()
    }
    fn campaign(&self, fy: FiscalYear) -> Result<Option<Campaign>> {
        self.backend.campaign(fy)
    }
    fn section_returns(&self, fy: FiscalYear) -> Result<Vec<SectionReturn>> {
        self.backend.section_returns(fy)
    }
}

/// Where a ledger is: what `--db`, `DAICHO_DB` and the app's 接続先 hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL server: the connection string as given (it may hold a password; show [`Location::shown`]).
    Server(String),
}

impl Location {
    /// A `postgresql://` or `postgres://` URL, or libpq `key=value` words of which one names the host or the
    /// database (`host=`, `hostaddr=`, `dbname=`), is a server — whatever its other words, which the driver then
    /// accepts or refuses with its own message, so a connection string is never taken for a file name; anything
    /// else is a file path.
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        let url = ["postgresql://", "postgres://"]
            .iter()
            .any(|p| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
        let words = t.split_whitespace().any(|w| ["host=", "hostaddr=", "dbname="].iter().any(|k| w.starts_with(k)));
        if url || words { Location::Server(t.to_string()) } else { Location::File(PathBuf::from(text)) }
    }

    /// What to show as where the ledger is: the path, or the connection string without its password.
    pub fn shown(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Server(s) => redact(s),
        }
    }
}

/// A connection string with any password replaced by `***`.
pub fn redact(conn: &str) -> String {
    let t = conn.trim();
    if let Some((scheme, rest)) = t.split_once("://") {
        // postgresql://user:secret@host/db?password=x → postgresql://user:***@host/db?password=***
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***@{host}"),
                None => format!("{userinfo}@{host}"),
            },
            None => authority.to_string(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let query: Vec<String> = query
                    .split('&')
                    .map(|p| if p.starts_with("password=") { "password=***".to_string() } else { p.to_string() })
                    .collect();
                format!("{path}?{}", query.join("&"))
            }
            None => tail.to_string(),
        };
        return format!("{scheme}://{authority}{tail}");
    }
    // libpq words: a value may be quoted ('a b', with \' and \\ escapes); a password's whole value is hidden.
    let mut out = String::new();
    let mut rest = t;
    while !rest.is_empty() {
        let space = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        out.push_str(&rest[..space]);
        rest = &rest[space..];
        let (mut end, mut quoted, mut escaped) = (rest.len(), false, false);
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '\'' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let word = &rest[..end];
        out.push_str(if word.starts_with("password=") { "password=***" } else { word });
        rest = &rest[end..];
    }
    out
}

/// The schema version this build migrates to.
pub fn latest_schema_version() -> i64 {
    sqlite::latest_schema_version()
}

/// Creates a ledger at an earlier schema version, as an older Daicho left it. For the migration tests only.
#[doc(hidden)]
pub fn create_at_schema_version(path: &Path, version: i64) -> Result<()> {
    sqlite::create_at_schema_version(path, version)
}

/// The file name of the ledger in the app-data folder.
pub const DB_FILE_NAME: &str = "daicho.sqlite3";

/// The environment variable that puts the default ledger (and its backups) in another folder than the OS app-data
/// folder: for tests on every OS (the `dirs` crate asks Windows itself, so `LOCALAPPDATA` cannot redirect it there),
/// and for a team that keeps Daicho on a USB stick.
pub const DATA_DIR_VAR: &str = "DAICHO_DATA_DIR";

/// The default ledger path: `daicho.sqlite3` in `DAICHO_DATA_DIR` when it is set, else in the OS *local* app-data
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
