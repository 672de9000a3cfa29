//! A small migration runner (in the manner of Yaak's): each embedded migration is applied once and recorded with a
//! checksum; an applied migration whose text changed stops the program, because migrations are append-only. A
//! migration that needs Daicho's own code for existing rows (parsing a stored formula, say) has a step in Rust
//! ([`STEPS`]) that runs right after its SQL, in the same transaction.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

use crate::db::migration_checksum as checksum;

/// Migration 12: a negative result in an effect's canonical text marked ▲ (`＝▲2,500分（▲41.7時間）`), as the
/// library now writes it; only the text after the last ＝ (the result the library wrote) changes.
fn negative_results_marked(conn: &Connection) -> Result<()> {
    let mut read = conn.prepare("SELECT id, canonical FROM effects WHERE canonical LIKE '%＝%-%'")?;
    let rows = read
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut write = conn.prepare("UPDATE effects SET canonical = ?2 WHERE id = ?1")?;
    for (id, text) in rows {
        if let Some((expression, result)) = text.rsplit_once('＝')
            && result.contains('-')
        {
            write.execute(rusqlite::params![id, format!("{expression}＝{}", result.replace('-', "▲"))])?;
        }
    }
    Ok(())
}

/// A step in Rust that completes a migration's SQL, in its transaction.
type Step = fn(&Connection) -> Result<()>;

/// The steps, by migration version.
const STEPS: &[(i64, Step)] = &[(7, fill_effect_results), (11, check_lists_rewritten), (12, negative_results_marked)];

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, path, latest_version())
}

/// Applies the migrations up to and including `up_to` (the tests build databases of every earlier version).
///
/// Several processes may open one ledger at once (the app open while the CLI imports), so opening a ledger that is
/// up to date only reads, and the due migrations run together in one immediate transaction that first re-reads what
/// is applied: a second process that was waiting for the lock finds the work done and applies nothing.
pub(crate) fn migrate_to(conn: &mut Connection, path: &Path, up_to: i64) -> Result<()> {
    let applied = applied(conn)?;
    if let Some((found, _)) = applied.iter().find(|(v, _)| *v > latest_version()) {
        return Err(Error::SchemaTooNew { path: path.to_path_buf(), found: *found, known: latest_version() });
    }
    check_checksums(&applied, up_to)?;
    if due(&applied, up_to).next().is_none() {
        return Ok(());
    }
    // An existing ledger is copied before its schema changes (a new, empty one has nothing to lose). The copy is
    // taken before the lock (VACUUM INTO cannot run inside a transaction); a process that then finds the work done
    // by another has made one copy too many, which rotation removes in time.
    if let Some((from, _)) = applied.last() {
        super::autobackup::take(conn, path, super::autobackup::Reason::Migration { from: *from, to: up_to })?;
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             checksum   TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         )",
    )?;
    let applied = read_applied(&tx)?;
    check_checksums(&applied, up_to)?;
    let due: Vec<_> = due(&applied, up_to).collect();
    for (version, name, sql) in due {
        tx.execute_batch(sql)?;
        for (_, step) in STEPS.iter().filter(|(v, _)| v == version) {
            step(&tx)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
            params![version, name, checksum(sql)],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The applied migrations with their checksums; none when the ledger is new (read without creating anything).
fn applied(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if exists { read_applied(conn) } else { Ok(Vec::new()) }
}

fn read_applied(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Refuses a ledger where a landed migration was applied with other text: migrations are append-only.
fn check_checksums(applied: &[(i64, String)], up_to: i64) -> Result<()> {
    for (version, _, sql) in MIGRATIONS.iter().filter(|m| m.0 <= up_to) {
        if let Some((_, recorded)) = applied.iter().find(|(v, _)| v == version)
            && *recorded != checksum(sql)
        {
            return Err(Error::MigrationEdited { version: *version });
        }
    }
    Ok(())
}

/// The migrations up to `up_to` not yet applied, in order.
fn due<'a>(
    applied: &'a [(i64, String)],
    up_to: i64,
) -> impl Iterator<Item = &'static (i64, &'static str, &'static str)> + 'a {
    MIGRATIONS.iter().filter(move |m| m.0 <= up_to && !applied.iter().any(|(v, _)| *v == m.0))
}

/// Migration 7: what each recorded formula evaluates to (its canonical text and the result written inside it), so
/// no report parses a stored formula again. The stored text carries its person-time factors (`pinned_text`), so
/// the default conversions give the figure it was recorded with. A formula today's engine refuses keeps no
/// canonical text, and shows as written.
fn fill_effect_results(conn: &Connection) -> Result<()> {
    let rows: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT id, formula FROM effects WHERE formula IS NOT NULL")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let mut update = conn
        .prepare("UPDATE effects SET canonical = ?2, claim_minutes = ?3, claim_tolerance_minutes = ?4 WHERE id = ?1")?;
    for (id, text) in rows {
        let Ok(formula) = crate::formula::Formula::parse(&text) else { continue };
        let claim = formula.check();
        update.execute(params![
            id,
            formula.canonical(),
            claim.map(|c| c.stated_minutes.normalize().to_string()),
            claim.map(|c| c.tolerance_minutes.normalize().to_string())
        ])?;
    }
    Ok(())
}

/// Migration 11: the label checks its SQL rewrote as comparisons take effect. Raising the schema version makes every
/// connection (this one included) read the edited table definitions again; reading each table then proves they
/// parse, inside the transaction, so a definition SQLite could not read rolls the whole migration back. A list the
/// SQL did not find (a ledger whose definitions differ from the ones Daicho wrote) stops the migration instead of
/// leaving a check half-rewritten.
fn check_lists_rewritten(conn: &Connection) -> Result<()> {
    const TABLES: [&str; 6] =
        ["initiatives", "status_history", "effects", "audit_log", "evaluations", "survey_returns"];
    let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    conn.pragma_update(None, "schema_version", version + 1)?;
    for table in TABLES {
        let sql: String =
            conn.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))?;
        if sql.contains(" IN (") {
            return Err(Error::Internal(format!(
                "台帳の表 {table} の定義が想定と異なるため、スキーマを更新できません（移行 0011）"
            )));
        }
        conn.query_row(&format!("SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)"), [], |r| r.get::<_, i64>(0))?;
    }
    Ok(())
}
