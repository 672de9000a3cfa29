//! The PostgreSQL backend: a team's shared ledger on the city's server, behind the same seam as the SQLite file.
//!
//! Reads are functions over any client (`&mut impl GenericClient`: the connection, or a transaction that sees its
//! own changes) in the module of their tables, as in [`super::sqlite`]; writes are methods of [`PgTx`], one
//! transaction, each recording its audit row in it. What only a server has stays here: connection strings and TLS
//! ([`connect`]), the migration runner under an advisory lock, and the mapping of SQLSTATEs to the library's errors.
//!
//! The sync client runs its own small runtime: it must never be called from an async runtime's worker thread (the
//! desktop app calls the store from blocking threads).

mod audit;
mod campaign;
mod column_maps;
mod connect;
mod copy;
mod cost;
mod effect;
mod imports;
mod initiative;
mod migrate;
mod ocr;
mod org;
mod roles;
mod settings;
mod target;
mod watch;

use std::cell::{RefCell, RefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};

use super::{Backend, FigureParts, Read, StorageError, StorageErrorKind, Write};
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{
    AuditEntry, AuditQuery, Author, Basis, Campaign, Cost, Effect, EffectRow, Evaluated, Evaluation, Figure,
    ImportRecord, Initiative, InitiativeFields, InitiativeFilter, NewImport, OcrMeasure, SectionReturn, Settings,
    StatusChange, StoredColumnMap, Target, UnitReturn,
};
use crate::org::{Level, OrgChart};

/// A PostgreSQL error in the library's terms: a rule of the schema is a conflict, a lost connection, a lock or a
/// serialization failure is unavailable (trying again works), a refused privilege says so. The only place the
/// driver's error type is turned into ours.
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let code = e.code();
        let detail = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
        let kind = match code {
            Some(c) if is_rule(c) => StorageErrorKind::Conflict,
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE
                    || *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW
                    || *c == SqlState::TOO_MANY_CONNECTIONS =>
            {
                StorageErrorKind::Unavailable
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => StorageErrorKind::Forbidden,
            Some(_) => StorageErrorKind::Other,
            // No SQLSTATE: the connection was lost (closed, or its socket failed), or a value did not convert.
            None if e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) => {
                StorageErrorKind::Unavailable
            }
            None => StorageErrorKind::Other,
        };
        let message = match (kind, code) {
            (_, Some(c)) if *c == SqlState::INSUFFICIENT_PRIVILEGE => format!(
                "この操作の権限がありません（{detail}）。台帳の編集は編集者のログインで行ってください（閲覧者は読み取りと出力のみ）"
            ),
            (StorageErrorKind::Unavailable, _) => format!(
                "台帳のサーバーに接続できないか、ほかの人の変更と重なりました（{detail}）。しばらくしてからやり直してください"
            ),
            _ => format!("データベースのエラー: {detail}"),
        };
        Error::Storage(StorageError::new(kind, message))
    }
}

/// Whether an SQLSTATE is a rule of the schema refusing a change (a key, a CHECK, a trigger).
fn is_rule(c: &SqlState) -> bool {
    *c == SqlState::UNIQUE_VIOLATION
        || *c == SqlState::FOREIGN_KEY_VIOLATION
        || *c == SqlState::CHECK_VIOLATION
        || *c == SqlState::NOT_NULL_VIOLATION
        || *c == SqlState::RESTRICT_VIOLATION
        || *c == SqlState::EXCLUSION_VIOLATION
        || *c == SqlState::INVALID_TEXT_REPRESENTATION
}

/// Maps a rule of the schema refusing a change to the domain error it stands for (as `sqlite::constraint`).
pub(crate) fn constraint(e: postgres::Error, conflict: impl FnOnce() -> String) -> Error {
    match e.code() {
        Some(c) if is_rule(c) => Error::Conflict(conflict()),
        _ => e.into(),
    }
}

/// The advisory lock class of a fiscal year's targets and tool costs (the second key is the year): "daip" in ASCII.
/// Every change to one takes it first ([`PgTx::hold_plan`]), so a form's check against what it showed holds until its
/// commit.
const PLAN_LOCK: i32 = 0x6461_6970;

/// The advisory lock of an import batch (session-level, so it spans the batch's transactions): "daicho" + 2.
const IMPORT_LOCK: i64 = 0x6461_6963_686f_0002;

/// An open, migrated ledger on a server.
pub(super) struct PgStore {
    client: RefCell<Client>,
    /// What it was opened with (kept in memory only), for the watcher's own connection.
    target: String,
    password: Option<String>,
    /// This connection's server process, whose own change notices are not reported back (shared with the watcher:
    /// a new connection has a new process).
    pid: Arc<std::sync::atomic::AtomicI32>,
    /// The connection string without its password, shown as where the ledger is.
    shown: PathBuf,
    /// Statements prepared on this connection, by their SQL. `postgres` prepares a statement given as text on every
    /// call (a round trip of its own); a write sends the ones it repeats from here.
    prepared: Prepared,
    /// Inside [`PgStore::in_snapshot`]: reads see one moment of the ledger, and none is made again elsewhere.
    snapshot: std::cell::Cell<bool>,
    /// The import claim of this store's batch ([`Backend::claim_import`]).
    claim: RefCell<Claim>,
    /// The organisation as last read, kept until this connection hears that it changed ([`ORG_CHANNEL`]).
    chart: RefCell<Option<Arc<OrgChart>>>,
    /// Whether this session listens on [`ORG_CHANNEL`] (a read-only standby refuses LISTEN): if not, nothing is kept.
    listening: std::cell::Cell<bool>,
}

/// The channel on which the server announces a change to the organisation's tables, whoever made it and however
/// (migration 0014); this store's own connection listens on it.
const ORG_CHANNEL: &str = "daicho_org_changes";

/// Where a store's import claim stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Claim {
    #[default]
    None,
    /// Held by this session: a new connection must take it again before the batch goes on.
    Held,
    /// Lost with a closed session while another person's batch took it (the refusal to give): no write of this store
    /// goes on until the batch ends ([`Backend::release_import`]), whichever call happened to find it out.
    Lost(String),
}

type Prepared = RefCell<std::collections::HashMap<String, Statement>>;

/// The statement for `sql` from the connection's cache, prepared (one round trip) the first time it is asked for.
fn cached(prepared: &Prepared, sql: &str, prepare: impl FnOnce() -> Result<Statement>) -> Result<Statement> {
    if let Some(s) = prepared.borrow().get(sql) {
        return Ok(s.clone());
    }
    let s = prepare()?;
    prepared.borrow_mut().insert(sql.to_string(), s.clone());
    Ok(s)
}

pub(super) use connect::remember_password;

/// Reads what a server holds without migrating it (see [`crate::db::ServerProbe`]).
pub(super) fn probe(target: &str, password: Option<&str>) -> Result<crate::db::ServerProbe> {
    let mut client = connect::connect(target, password)?;
    let (schema_version, initiatives) = migrate::probe(&mut client)?;
    Ok(crate::db::ServerProbe { schema_version, initiatives })
}

/// Prepares a server for the team (`daicho server init`): connected as the database's owner, applies the
/// migrations and creates the editor and viewer roles with their grants. Run again after an upgrade.
pub(super) fn init_server(target: &str) -> Result<()> {
    let mut client = connect::connect(target, None)?;
    migrate::migrate(&mut client)?;
    roles::init(&mut client)
}

/// Takes the import claim on this session: `None` when taken, else who holds it (`佐藤（10.0.0.5、09:12 から接続）`).
fn try_claim_import(c: &mut Client) -> Result<Option<String>> {
    let claimed: bool = c.query_one("SELECT pg_try_advisory_lock($1)", &[&IMPORT_LOCK])?.get(0);
    if claimed {
        return Ok(None);
    }
    // Who holds it: the login and the program of the session with the granted lock on this database (an advisory
    // lock is the database's own: another ledger on the same server has its own claim and its own importer).
    // Another login's address and start time are hidden from an ordinary login (NULL): shown when known.
    let holder = c.query_opt(
        "SELECT a.usename::text, a.client_addr::text, to_char(a.backend_start, 'HH24:MI')
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = ($1::BIGINT >> 32)::oid
           AND l.objid = ($1::BIGINT & 4294967295)::oid AND l.objsubid = 1",
        &[&IMPORT_LOCK],
    )?;
    let who = match holder {
        None => "ほかの人".to_string(),
        Some(r) => {
            let text = |i: usize| r.try_get::<_, Option<String>>(i).ok().flatten();
            let name = text(0).unwrap_or_else(|| "ほかの人".to_string());
            match (text(1), text(2)) {
                (Some(from), Some(at)) => format!("{name}（{from}、{at} から接続）"),
                (None, Some(at)) => format!("{name}（このサーバー上、{at} から接続）"),
                (Some(from), None) => format!("{name}（{from}）"),
                (None, None) => name,
            }
        }
    };
    Ok(Some(who))
}

/// The refusal of an import batch while `who` imports.
fn importing(message: String) -> Error {
    StorageError::new(StorageErrorKind::Unavailable, message).into()
}

impl PgStore {
    /// Connects to the server named by `target` (a `postgresql://` URL or libpq `key=value` words) and applies
    /// pending migrations under an advisory lock.
    pub(super) fn open(target: &str, password: Option<&str>) -> Result<Self> {
        let mut client = connect::connect(target, password)?;
        migrate::migrate(&mut client)?;
        let (pid, listening) = start_session(&mut client)?;
        Ok(Self {
            client: RefCell::new(client),
            target: target.to_string(),
            password: password.map(str::to_string),
            pid: Arc::new(std::sync::atomic::AtomicI32::new(pid)),
            shown: PathBuf::from(super::redact(target)),
            prepared: Default::default(),
            snapshot: Default::default(),
            claim: Default::default(),
            chart: Default::default(),
            listening: std::cell::Cell::new(listening),
        })
    }

    fn db(&self) -> RefMut<'_, Client> {
        self.client.borrow_mut()
    }

    /// A new connection in place of one the server has closed (restarted, or its session ended by an administrator):
    /// the app stays open across a server restart, and its next read or write goes on. The statements prepared on the
    /// old session went with it.
    fn reopen_if_closed(&self) -> Result<()> {
        if !self.client.borrow().is_closed() {
            return Ok(());
        }
        let mut client = connect::connect(&self.target, self.password.as_deref())?;
        let (pid, listening) = start_session(&mut client)?;
        self.pid.store(pid, std::sync::atomic::Ordering::SeqCst);
        self.listening.set(listening);
        self.prepared.borrow_mut().clear();
        // Whatever changed while no connection listened went unheard.
        self.chart.borrow_mut().take();
        // The import claim went with the old session: a batch goes on only with it taken again, else another
        // person's batch that began meanwhile would interleave with this one.
        // (A session that could not be asked is dropped: the next use connects and asks again.)
        let held = *self.claim.borrow() == Claim::Held;
        let holder = if held { try_claim_import(&mut client)? } else { None };
        *self.client.borrow_mut() = client;
        if let Some(who) = holder {
            let refusal = format!(
                "サーバーとの接続が切れている間に、{who}が取り込みを始めました。この取り込みで取り込み済みのファイルはそのままです。残りのファイルは、その取り込みが終わってから取り込んでください"
            );
            *self.claim.borrow_mut() = Claim::Lost(refusal.clone());
            return Err(importing(refusal));
        }
        Ok(())
    }

    /// A read, made again once on a new connection when the server had closed this one (a read changes nothing, so
    /// making it twice is safe). The client finds a closed connection only when it next uses it.
    fn retrying<T>(&self, read: impl Fn() -> Result<T>) -> Result<T> {
        if self.snapshot.get() {
            // Made again on a new connection, the read would see another moment than the snapshot's others.
            return read();
        }
        self.reopen_if_closed()?;
        match read() {
            Err(_) if self.client.borrow().is_closed() => {
                self.reopen_if_closed()?;
                read()
            }
            other => other,
        }
    }

    /// The organisation: the one last read, unless a change to it was heard since (by anyone, this store included:
    /// the server announces each as it commits, migration 0014). An import reads it for every file: one empty round
    /// trip per file, and one query and one chart built per change of the organisation, not per file.
    fn chart(&self) -> Result<Arc<OrgChart>> {
        use fallible_iterator::FallibleIterator;
        if self.snapshot.get() || !self.listening.get() {
            // A snapshot may be newer than the chart kept, and the server holds notices back until the snapshot's
            // transaction ends: read in the snapshot, as its other reads are. A session that cannot listen hears
            // nothing and keeps nothing.
            return Ok(Arc::new(org::load_org_chart(self)?));
        }
        let heard = {
            let mut client = self.db();
            // An empty statement: the server sends the notices of every change committed before it ahead of its
            // answer (an idle server process sends a notice at once, a busy one before it says it is ready again),
            // so nothing committed before this call goes unheard.
            client.batch_execute("")?;
            // Every notice heard is taken (none stays to be heard again).
            client.notifications().iter().count()? > 0
        };
        if heard {
            self.chart.borrow_mut().take();
        }
        if let Some(chart) = &*self.chart.borrow() {
            return Ok(chart.clone());
        }
        let chart = Arc::new(org::load_org_chart(self)?);
        *self.chart.borrow_mut() = Some(chart.clone());
        Ok(chart)
    }
}

/// One write transaction: the caller's changes, the held-back audit rows with the change notice, the commit.
fn run_transaction(
    tx: Transaction<'_>,
    prepared: &Prepared,
    author: &Author,
    f: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let mut w = PgTx {
        tx: RefCell::new(tx),
        author: author.clone(),
        numbered: Default::default(),
        prepared,
        audit_rows: Default::default(),
    };
    f(&mut w)?;
    // The audit rows, and a notice heard by the other clients when (and only if) this commits.
    w.flush_audit_and_notify()?;
    w.tx.into_inner().commit()?;
    Ok(())
}

/// What every session of the store sets; its server process, and whether it listens for changes of the organisation.
fn start_session(client: &mut Client) -> Result<(i32, bool)> {
    // Statements are prepared once per connection (see `PgTx::statement`) but planned at each use: a ledger's tables
    // grow by thousands of rows in one import, and a plan made for yesterday's size (a scan of a table that was
    // small) would be kept until the server next gathers statistics.
    client.batch_execute("SET plan_cache_mode = force_custom_plan")?;
    // The connection hears when the organisation changes (see `PgStore::chart`); a read-only standby refuses LISTEN,
    // and a store there reads the organisation each time instead.
    let listening = client.batch_execute(&format!("LISTEN {ORG_CHANNEL}")).is_ok();
    Ok((client.query_one("SELECT pg_backend_pid()", &[])?.get(0), listening))
}

/// Queries whose statements are prepared once per connection: the reads made for every file of an import (one round
/// trip each instead of a prepare and an execute). Implemented by the store and by a transaction.
pub(super) trait Queries {
    fn prepared_query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>>;
}

impl Queries for PgStore {
    fn prepared_query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let statement = cached(&self.prepared, sql, || Ok(self.db().prepare(sql)?))?;
        Ok(self.db().query(&statement, params)?)
    }
}

impl Queries for PgTx<'_> {
    fn prepared_query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.query(sql, params)
    }
}

/// A write transaction with the author of its changes. Every write method records an audit row in it.
pub(super) struct PgTx<'a> {
    tx: RefCell<Transaction<'a>>,
    author: Author,
    /// The last 管理番号 this transaction numbered, per fiscal year (as `SqliteTx::numbered`).
    numbered: std::collections::HashMap<FiscalYear, u32>,
    prepared: &'a Prepared,
    /// Audit rows not yet sent: written in one statement before anything reads the log, and at the latest with the
    /// commit (see [`audit`]).
    audit_rows: RefCell<audit::Pending>,
}

impl<'a> PgTx<'a> {
    fn db(&self) -> RefMut<'_, Transaction<'a>> {
        self.tx.borrow_mut()
    }

    /// Holds a fiscal year's targets and costs until this transaction ends (taken again, it is already held).
    pub(super) fn hold_plan(&self, fy: FiscalYear) -> Result<()> {
        self.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&PLAN_LOCK, &fy.0])?;
        Ok(())
    }

    /// A read inside a transaction is made once: a lost connection ends the transaction.
    fn retrying<T>(&self, read: impl Fn() -> Result<T>) -> Result<T> {
        read()
    }

    /// The statement for `sql`, prepared once per connection.
    fn statement(&self, sql: &str) -> Result<Statement> {
        cached(self.prepared, sql, || Ok(self.db().prepare(sql)?))
    }

    /// Runs a prepared statement: one round trip.
    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let s = self.statement(sql)?;
        Ok(self.db().execute(&s, params)?)
    }

    /// Runs a prepared query: one round trip.
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let s = self.statement(sql)?;
        Ok(self.db().query(&s, params)?)
    }

    fn chart(&self) -> Result<Arc<OrgChart>> {
        Ok(Arc::new(org::load_org_chart(self)?))
    }
}

/// The reads, the same for the store and a transaction: each over the client the type reads through.
macro_rules! reads {
    ($type:ty) => {
        impl Read for $type {
            fn org_chart(&self) -> Result<Arc<OrgChart>> {
                self.retrying(|| self.chart())
            }
            fn settings(&self) -> Result<Settings> {
                self.retrying(|| settings::load_settings(&mut *self.db()))
            }
            fn initiative(&self, id: i64) -> Result<Initiative> {
                self.retrying(|| initiative::find_initiative(&mut *self.db(), id))
            }
            fn initiative_by_ledger_id(&self, ledger_id: &str) -> Result<Initiative> {
                self.retrying(|| initiative::initiative_by_ledger_id(&mut *self.db(), ledger_id))
            }
            fn initiatives_by_id(&self, ids: &[i64]) -> Result<Vec<Initiative>> {
                self.retrying(|| initiative::initiatives_by_id(&mut *self.db(), ids))
            }
            fn initiatives(&self, filter: &InitiativeFilter) -> Result<Vec<Initiative>> {
                self.retrying(|| initiative::list_initiatives(&mut *self.db(), filter))
            }
            fn initiatives_of_unit(&self, unit_id: i64) -> Result<Vec<Initiative>> {
                self.retrying(|| initiative::initiatives_of_unit(&mut *self.db(), unit_id))
            }
            fn initiative_count(&self) -> Result<usize> {
                self.retrying(|| initiative::initiative_count(&mut *self.db()))
            }
            fn status_history(&self, initiative_id: i64) -> Result<Vec<StatusChange>> {
                self.retrying(|| initiative::status_history(&mut *self.db(), initiative_id))
            }
            fn evaluations(&self, initiative_id: i64) -> Result<Vec<Evaluation>> {
                self.retrying(|| initiative::evaluations(&mut *self.db(), initiative_id))
            }
            fn effects_of(&self, initiative_id: i64) -> Result<Vec<Effect>> {
                self.retrying(|| effect::effects_of(&mut *self.db(), initiative_id))
            }
            fn effects_in_year(&self, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>> {
                self.retrying(|| effect::effects_in_year(&mut *self.db(), fy))
            }
            fn years_with_figures(&self) -> Result<Vec<FiscalYear>> {
                self.retrying(|| effect::years_with_figures(&mut *self.db()))
            }
            fn with_figures(
                &self,
                fy: FiscalYear,
                parts: FigureParts,
                each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
            ) -> Result<()> {
                // Read in pages, the client released before each page is handed on: `each` may read the store. The
                // pages are of one moment of the ledger.
                self.in_snapshot(|| effect::with_figures(&self.tx_or_client(), fy, parts, each))
            }
            fn targets(&self, fy: Option<FiscalYear>) -> Result<Vec<Target>> {
                self.retrying(|| target::targets(&mut *self.db(), fy))
            }
            fn costs(&self, fy: Option<FiscalYear>) -> Result<Vec<Cost>> {
                self.retrying(|| cost::costs(&mut *self.db(), fy))
            }
            fn ocr_measures(&self, fy: Option<FiscalYear>) -> Result<Vec<OcrMeasure>> {
                self.retrying(|| ocr::ocr_measures(&mut *self.db(), fy))
            }
            fn ocr_measures_of(&self, initiative_id: i64) -> Result<Vec<OcrMeasure>> {
                self.retrying(|| ocr::ocr_measures_of(&mut *self.db(), initiative_id))
            }
            fn audit_log(&self, query: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
                self.retrying(|| {
                    self.flush_audit()?;
                    audit::audit_log(&mut *self.db(), query)
                })
            }
            fn audit_actor(&self, user: &str) -> Result<String> {
                self.retrying(|| audit::recorded_actor(&mut *self.db(), user))
            }
            fn last_change(&self, actor: &str) -> Result<Vec<AuditEntry>> {
                self.retrying(|| {
                    self.flush_audit()?;
                    audit::last_change(&mut *self.db(), actor)
                })
            }
            fn import_by_hash(&self, sha256: &str) -> Result<Option<ImportRecord>> {
                self.retrying(|| imports::import_by_hash(self, sha256))
            }
            fn import_history(&self) -> Result<Vec<ImportRecord>> {
                self.retrying(|| imports::import_history(&mut *self.db()))
            }
            fn returned_units(&self, fy: FiscalYear) -> Result<Vec<UnitReturn>> {
                self.retrying(|| imports::returned_units(&mut *self.db(), fy))
            }
            fn column_maps(&self) -> Result<Vec<StoredColumnMap>> {
                self.retrying(|| column_maps::column_maps(&mut *self.db()))
            }
            fn campaign(&self, fy: FiscalYear) -> Result<Option<Campaign>> {
                self.retrying(|| campaign::campaign(self, fy))
            }
            fn section_returns(&self, fy: FiscalYear) -> Result<Vec<SectionReturn>> {
                self.retrying(|| campaign::section_returns(&mut *self.db(), fy))
            }
        }
    };
}

/// One query over a borrowed client: its SQL and parameters to its rows.
type QueryFn<'s> = dyn Fn(&str, &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<postgres::Row>> + 's;

/// The store or the transaction, for [`effect::with_figures`].
pub(crate) struct PagedReader<'s> {
    query: Box<QueryFn<'s>>,
}

impl PagedReader<'_> {
    /// Runs one query with the client borrowed for that query only.
    pub(crate) fn query(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>> {
        (self.query)(sql, params)
    }
}

impl PgStore {
    /// Nothing is held back outside a transaction.
    fn flush_audit(&self) -> Result<()> {
        Ok(())
    }

    fn tx_or_client(&self) -> PagedReader<'_> {
        PagedReader { query: Box::new(move |sql, params| Ok(self.db().query(sql, params)?)) }
    }

    /// Runs `read` in one read-only transaction at REPEATABLE READ: every query it makes — a summary's pages of
    /// figures, and what the caller reads between them — sees the ledger as it was at the first, however many
    /// colleagues commit meanwhile, so a year's figures are never a mix of before and after another person's change.
    /// (Each query on its own sees only its own moment; what a summary read before the figures — the organisation,
    /// the targets — is of its own moment.) Nested, it runs inside the outer one. A failed query inside ends the
    /// snapshot's use: the queries after it fail too, and the error is returned.
    fn in_snapshot<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.snapshot.get() {
            return read();
        }
        self.reopen_if_closed()?;
        self.db().batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.snapshot.set(true);
        let _unwinding = Snapshot(self);
        let out = read();
        self.snapshot.set(false);
        // Nothing was written: the end of the transaction only lets its snapshot go.
        let ended = self.db().batch_execute(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let out = out?;
        ended?;
        Ok(out)
    }
}

/// Ends a summary's snapshot when its read panics (a read that returns ends it itself), so the connection the store
/// keeps is not left inside it (every later write of the store would fail there, read-only).
struct Snapshot<'a>(&'a PgStore);

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if self.0.snapshot.replace(false)
            && let Ok(mut db) = self.0.client.try_borrow_mut()
        {
            // A failure here leaves a broken connection, which the next use finds closed and opens anew.
            let _ = db.batch_execute("ROLLBACK");
        }
    }
}

impl PgTx<'_> {
    fn tx_or_client(&self) -> PagedReader<'_> {
        PagedReader { query: Box::new(move |sql, params| Ok(self.db().query(sql, params)?)) }
    }

    /// A write transaction reads at its own isolation level (each statement sees the commits made before it).
    fn in_snapshot<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        read()
    }
}

reads!(PgStore);
reads!(PgTx<'_>);

impl Write for PgTx<'_> {
    fn author(&self) -> &Author {
        &self.author
    }
    fn start_campaign(&mut self, campaign: &Campaign, sections: &[i64]) -> Result<usize> {
        PgTx::start_campaign(self, campaign, sections)
    }
    fn set_section_return(&mut self, r: &SectionReturn) -> Result<()> {
        PgTx::set_section_return(self, r)
    }
    fn close_campaign(&mut self, fy: FiscalYear, on: chrono::NaiveDate) -> Result<()> {
        PgTx::close_campaign(self, fy, on)
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
        PgTx::add_unit(self, level, parent, name, code, valid_from, valid_to)
    }
    fn add_alias(&mut self, unit_id: i64, alias: &str) -> Result<()> {
        PgTx::add_alias(self, unit_id, alias)
    }
    fn rename_unit(&mut self, unit_id: i64, new_name: &str, from_year: FiscalYear) -> Result<()> {
        PgTx::rename_unit(self, unit_id, new_name, from_year)
    }
    fn merge_units(&mut self, from: &[i64], into: i64, fiscal_year: FiscalYear) -> Result<()> {
        PgTx::merge_units(self, from, into, fiscal_year)
    }
    fn update_unit(
        &mut self,
        unit_id: i64,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<()> {
        PgTx::update_unit(self, unit_id, code, valid_from, valid_to)
    }
    fn next_ledger_id(&mut self, fy: FiscalYear) -> Result<String> {
        PgTx::next_ledger_id(self, fy)
    }
    fn add_initiative(&mut self, fields: &InitiativeFields) -> Result<Initiative> {
        PgTx::add_initiative(self, fields)
    }
    fn add_initiatives(&mut self, fields: &[InitiativeFields]) -> Result<Vec<Initiative>> {
        PgTx::add_initiatives(self, fields)
    }
    fn update_initiative(
        &mut self,
        id: i64,
        fields: &InitiativeFields,
        status_on: Option<chrono::NaiveDate>,
        expected_version: Option<i64>,
    ) -> Result<Initiative> {
        PgTx::update_initiative(self, id, fields, status_on, expected_version)
    }
    fn delete_initiative(&mut self, id: i64, expected_version: Option<i64>) -> Result<()> {
        PgTx::delete_initiative(self, id, expected_version)
    }
    fn set_evaluation(&mut self, initiative_id: i64, evaluation: &Evaluation) -> Result<()> {
        PgTx::set_evaluation(self, initiative_id, evaluation)
    }
    fn delete_evaluation(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        PgTx::delete_evaluation(self, initiative_id, fy)
    }
    fn hold_plan(&mut self, fy: FiscalYear) -> Result<()> {
        PgTx::hold_plan(self, fy)
    }
    fn hold_initiatives(&mut self, ids: &[i64]) -> Result<Vec<Initiative>> {
        PgTx::hold_initiatives(self, ids)
    }
    fn hold_initiative(&mut self, id: i64) -> Result<()> {
        // The initiative's row: a figure, evaluation or measure added for it checks its key against this row, and
        // waits. Then the rows it has: a change to one of them waits too.
        for table in [
            "initiatives WHERE id",
            "effects WHERE initiative_id",
            "evaluations WHERE initiative_id",
            "ocr_measures WHERE initiative_id",
        ] {
            self.execute(&format!("SELECT 1 FROM {table} = $1 FOR UPDATE"), &[&id])?;
        }
        Ok(())
    }
    fn restore_status_history(&mut self, initiative_id: i64, history: &[StatusChange]) -> Result<()> {
        PgTx::restore_status_history(self, initiative_id, history)
    }
    fn set_effect(&mut self, initiative_id: i64, effect: &Evaluated) -> Result<Effect> {
        PgTx::set_effect(self, initiative_id, effect)
    }
    fn set_effects(&mut self, effects: &[(i64, &Evaluated)]) -> Result<Vec<Effect>> {
        PgTx::set_effects(self, effects)
    }
    fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()> {
        PgTx::delete_effect(self, initiative_id, fy, basis)
    }
    fn set_target(&mut self, target: &Target) -> Result<()> {
        PgTx::set_target(self, target)
    }
    fn delete_target(&mut self, fy: FiscalYear, bureau_id: Option<i64>) -> Result<bool> {
        PgTx::delete_target(self, fy, bureau_id)
    }
    fn delete_cost(&mut self, tool: &str, fy: FiscalYear) -> Result<bool> {
        PgTx::delete_cost(self, tool, fy)
    }
    fn set_ocr_measure(&mut self, m: &OcrMeasure) -> Result<()> {
        PgTx::set_ocr_measure(self, m)
    }
    fn delete_ocr_measure(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        PgTx::delete_ocr_measure(self, initiative_id, fy)
    }
    fn set_cost(&mut self, cost: &Cost) -> Result<()> {
        PgTx::set_cost(self, cost)
    }
    fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings> {
        PgTx::set_setting(self, key, value)
    }
    fn remember_column_map(&mut self, map: &StoredColumnMap) -> Result<()> {
        PgTx::remember_column_map(self, map)
    }
    fn record_import(&mut self, import: &NewImport<'_>) -> Result<ImportRecord> {
        PgTx::record_import(self, import)
    }
    fn forget_imports(&mut self, at: &str) -> Result<usize> {
        Ok(self.execute("DELETE FROM imports WHERE at = $1", &[&at])? as usize)
    }
}

impl Backend for PgStore {
    fn transaction(&mut self, author: &Author, f: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        if let Claim::Lost(refusal) = &*self.claim.borrow() {
            return Err(importing(refusal.clone()));
        }
        self.reopen_if_closed()?;
        // A connection the server closed since its last use fails at BEGIN, having done nothing: begun again once on a
        // new connection. (A connection lost later in the transaction is an error: its outcome is the server's.)
        for attempt in 0..2 {
            let client = self.client.get_mut();
            let failed = match client.transaction() {
                Ok(tx) => return run_transaction(tx, &self.prepared, author, f),
                Err(e) => e,
            };
            if attempt > 0 || !client.is_closed() {
                return Err(failed.into());
            }
            self.reopen_if_closed()?;
        }
        Err(Error::Internal("台帳のサーバーとの接続をやり直せませんでした".into()))
    }

    fn path(&self) -> &Path {
        &self.shown
    }

    fn schema_version(&self) -> Result<i64> {
        migrate::schema_version(&mut *self.db())
    }

    fn integrity_problems(&self) -> Result<Vec<String>> {
        // The server keeps its own pages sound; what can be checked is that every rule the schema declares holds
        // (a constraint added NOT VALID, or one a superuser bypassed, would show here).
        let rows = self.db().query(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace AND NOT convalidated",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| format!("検証されていない制約: {} の {}", r.get::<_, String>(0), r.get::<_, String>(1)))
            .collect())
    }

    fn backup_to(&self, target: &Path) -> Result<()> {
        Err(Error::Invalid(format!(
            "サーバーの台帳は {} へ直接保存できません。`daicho db copy` で SQLite のファイルへ写してください",
            target.display()
        )))
    }

    fn backup_before_import(&self) -> Result<Option<PathBuf>> {
        // Each file commits in one transaction on the server, and the server's own backups (README) cover it.
        Ok(None)
    }

    fn backups_folder(&self) -> Option<PathBuf> {
        None
    }

    fn restore_from(&mut self, backup: &Path) -> Result<PathBuf> {
        Err(Error::Invalid(format!(
            "サーバーの台帳は {} から復元できません。サーバーの復元は管理者が行います（README「サーバーの台帳」）",
            backup.display()
        )))
    }

    fn location_warning(&self) -> Option<String> {
        None
    }

    fn claim_import(&self) -> Result<()> {
        self.reopen_if_closed()?;
        let holder = try_claim_import(&mut self.db())?;
        if let Some(who) = holder {
            return Err(importing(format!(
                "{who}が取り込み中です。取り込みが終わってから、もう一度取り込んでください"
            )));
        }
        *self.claim.borrow_mut() = Claim::Held;
        Ok(())
    }

    fn watch(&self, on_change: Box<dyn FnMut(crate::db::ChangeNotice) + Send>) -> Result<Option<crate::db::Watch>> {
        watch::start(self.target.clone(), self.password.clone(), Arc::clone(&self.pid), on_change).map(Some)
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn release_import(&self) {
        *self.claim.borrow_mut() = Claim::None;
        let _ = self.db().execute("SELECT pg_advisory_unlock($1)", &[&IMPORT_LOCK]);
    }

    fn read_tables(&self) -> Result<Vec<crate::db::copy::Rows>> {
        // One REPEATABLE READ, READ ONLY transaction: a snapshot of the whole ledger while colleagues commit.
        let mut client = self.db();
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let rows = crate::db::copy::TABLES.iter().map(|t| copy::read_table(&mut tx, t)).collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(rows)
    }

    fn load_empty(&mut self, data: &[crate::db::copy::Rows]) -> Result<()> {
        let shown = self.shown.display().to_string();
        copy::load_empty(self.client.get_mut(), &shown, data)
    }
}
