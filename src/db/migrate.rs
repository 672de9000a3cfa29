//! A small migration runner (in the manner of Yaak's): each embedded migration is applied once, in its own
//! transaction, and recorded with a checksum; an applied migration whose text changed stops the program, because
//! migrations are append-only.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// FNV-1a, 64 bits: enough to notice an edited file; not a security measure.
fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, path, latest_version())
}

/// Applies the migrations up to and including `up_to` (the tests build databases of every earlier version).
pub(crate) fn migrate_to(conn: &mut Connection, path: &Path, up_to: i64) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             checksum   TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         )",
    )?;
    let applied: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    if let Some((found, _)) = applied.iter().find(|(v, _)| *v > latest_version()) {
        return Err(Error::SchemaTooNew { path: path.to_path_buf(), found: *found, known: latest_version() });
    }
    // An existing ledger is copied before its schema changes (a new, empty one has nothing to lose).
    let pending = MIGRATIONS.iter().filter(|m| m.0 <= up_to && !applied.iter().any(|(v, _)| *v == m.0)).count();
    if pending > 0
        && let Some((from, _)) = applied.last()
    {
        super::autobackup::take(conn, path, super::autobackup::Reason::Migration { from: *from, to: up_to })?;
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= up_to) {
        let sum = checksum(sql);
        match applied.iter().find(|(v, _)| v == version) {
            Some((_, recorded)) if *recorded == sum => continue,
            Some(_) => return Err(Error::MigrationEdited { version: *version }),
            None => {}
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
            params![version, name, sum],
        )?;
        tx.commit()?;
    }
    Ok(())
}
