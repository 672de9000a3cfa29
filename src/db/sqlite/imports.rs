//! The import history: one row per committed file, and the units each file reported for.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteTx;
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::ledger::{ImportRecord, NewImport, UnitReturn};

/// The columns of an import, as a literal so the check every file makes is put together at compile time.
macro_rules! columns {
    () => {
        "id, file_name, sha256, at, actor, created, updated, unchanged, warnings"
    };
}
const COLUMNS: &str = columns!();

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRecord> {
    let warnings: String = r.get(8)?;
    Ok(ImportRecord {
        id: r.get(0)?,
        file_name: r.get(1)?,
        sha256: r.get(2)?,
        at: r.get(3)?,
        actor: r.get(4)?,
        created: r.get(5)?,
        updated: r.get(6)?,
        unchanged: r.get(7)?,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
    })
}

/// The committed import of a file with this content, if any.
pub(super) fn import_by_hash(conn: &Connection, sha256: &str) -> Result<Option<ImportRecord>> {
    Ok(conn
        .prepare_cached(concat!("SELECT ", columns!(), " FROM imports WHERE sha256 = ?1 ORDER BY id LIMIT 1"))?
        .query_row([sha256], from_row)
        .optional()?)
}

/// Every committed import, newest first.
pub(super) fn import_history(conn: &Connection) -> Result<Vec<ImportRecord>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM imports ORDER BY id DESC"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// For each unit that a committed import reported for `fy`: the latest import's time and file name.
pub(super) fn returned_units(conn: &Connection, fy: FiscalYear) -> Result<Vec<UnitReturn>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.unit_id, max(i.at), (SELECT i2.file_name FROM imports i2 JOIN import_units u2 ON u2.import_id = i2.id
                                        WHERE u2.unit_id = u.unit_id AND u2.fiscal_year = ?1 ORDER BY i2.id DESC LIMIT 1)
         FROM import_units u JOIN imports i ON i.id = u.import_id
         WHERE u.fiscal_year = ?1 GROUP BY u.unit_id",
    )?;
    let rows =
        stmt.query_map([fy.0], |r| Ok(UnitReturn { unit_id: r.get(0)?, at: r.get(1)?, file_name: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl SqliteTx<'_> {
    /// Records a committed import in the same transaction as its changes.
    pub(super) fn record_import(&mut self, i: &NewImport<'_>) -> Result<ImportRecord> {
        let warnings = serde_json::to_string(i.warnings).map_err(|e| crate::Error::Internal(e.to_string()))?;
        self.tx
            .prepare_cached(
                "INSERT INTO imports (file_name, sha256, at, actor, created, updated, unchanged, warnings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                i.file_name,
                i.sha256,
                self.author.at.to_rfc3339(),
                self.author.user,
                i.created as i64,
                i.updated as i64,
                i.unchanged as i64,
                warnings
            ])?;
        let id = self.tx.last_insert_rowid();
        for (unit, fy) in i.units {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO import_units (import_id, unit_id, fiscal_year) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id, unit, fy.0])?;
        }
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT {COLUMNS} FROM imports WHERE id = ?1"))?
            .query_row([id], from_row)?)
    }

    /// The next free 管理番号 for a fiscal year: `R6-0001`, `R6-0002`, …
    pub(super) fn next_ledger_id(&self, fy: FiscalYear) -> Result<String> {
        // `R6-` ≤ id < `R6.` is the prefix as a range of the unique index, so this reads only that year's ids.
        let prefix = format!("{}-", fy.short());
        let end = format!("{}.", fy.short());
        // Longest first, then last in text order: the initiatives_ledger_id_length index walked backwards.
        let max: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT CAST(substr(ledger_id, length(?1) + 1) AS INTEGER)
                 FROM initiatives INDEXED BY initiatives_ledger_id_length
                 WHERE ledger_id >= ?1 AND ledger_id < ?2 AND substr(ledger_id, length(?1) + 1) NOT GLOB '*[^0-9]*'
                 ORDER BY length(ledger_id) DESC, ledger_id DESC LIMIT 1",
            )?
            .query_row([&prefix, &end], |r| r.get(0))
            .optional()?;
        let next = u32::try_from(max.unwrap_or(0) + 1).unwrap_or(u32::MAX);
        Ok(crate::ledger::format_ledger_id(&fy.short(), next))
    }
}
