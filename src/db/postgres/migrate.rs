//! The migration runner on the server: the same discipline as SQLite's (`db::sqlite::migrate`) — each embedded
//! migration of `migrations/postgres` applied once, recorded with its checksum, an edited one refused — with every
//! due migration applied in one transaction under an advisory lock, so two clients starting at once cannot both
//! migrate (the second waits, then finds the work done). PostgreSQL's DDL is transactional: a failed migration
//! leaves the schema as it was.

use postgres::{Client, GenericClient};

use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/postgres_migrations.rs"));

/// The advisory lock key of migrations ("daicho" + 1).
const MIGRATION_LOCK: i64 = 0x6461_6963_686f_0001;

use crate::db::migration_checksum as checksum;

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Applies the due migrations. A ledger that is up to date is only read.
pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    let applied = applied(client)?;
    check(&applied)?;
    if MIGRATIONS.iter().all(|m| applied.iter().any(|(v, _)| *v == m.0)) {
        return Ok(());
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             checksum   TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    // Re-read under the lock: another client may have migrated while this one waited.
    let applied = read_applied(&mut tx)?;
    check(&applied)?;
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.0)) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[version, name, &checksum(sql)],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The applied migrations with their checksums; none on an empty database (read without creating anything).
fn applied(client: &mut Client) -> Result<Vec<(i64, String)>> {
    let exists: bool = client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?.get(0);
    if exists { read_applied(client) } else { Ok(Vec::new()) }
}

fn read_applied(c: &mut impl GenericClient) -> Result<Vec<(i64, String)>> {
    let rows = c.query("SELECT version, checksum FROM schema_migrations ORDER BY version", &[])?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Refuses a newer schema and an edited migration.
fn check(applied: &[(i64, String)]) -> Result<()> {
    if let Some((found, _)) = applied.iter().find(|(v, _)| *v > latest_version()) {
        return Err(Error::SchemaTooNew {
            path: "サーバーの台帳".into(), found: *found, known: latest_version()
        });
    }
    for (version, _, sql) in MIGRATIONS {
        if let Some((_, recorded)) = applied.iter().find(|(v, _)| v == version)
            && *recorded != checksum(sql)
        {
            return Err(Error::MigrationEdited { version: *version });
        }
    }
    Ok(())
}

/// What a server holds, read without changing anything (接続テスト): the schema version applied (0 on a database
/// with no ledger yet) and, when it is the latest, how many initiatives.
pub(crate) fn probe(client: &mut Client) -> Result<(i64, Option<usize>)> {
    let applied = applied(client)?;
    let version = applied.iter().map(|(v, _)| *v).max().unwrap_or(0);
    let count = if version == latest_version() {
        let n: i64 = client.query_one("SELECT count(*) FROM initiatives", &[])?.get(0);
        Some(usize::try_from(n).unwrap_or(0))
    } else {
        None
    };
    Ok((version, count))
}

/// The schema version applied.
pub(crate) fn schema_version(c: &mut impl GenericClient) -> Result<i64> {
    Ok(c.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?.get(0))
}
