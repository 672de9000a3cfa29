//! The import history: one row per committed file, and the units each file reported for.

use postgres::{GenericClient, Row};

use super::PgTx;
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::ledger::{ImportRecord, NewImport, UnitReturn};

/// The advisory lock class of 管理番号 numbering (the second key is the fiscal year): "daic" in ASCII.
const NUMBERING_LOCK: i32 = 0x6461_6963;

const COLUMNS: &str = "id, file_name, sha256, at, actor, created, updated, unchanged, warnings";

fn from_row(r: &Row) -> Result<ImportRecord> {
    let warnings: String = r.try_get(8)?;
    Ok(ImportRecord {
        id: r.try_get(0)?,
        file_name: r.try_get(1)?,
        sha256: r.try_get(2)?,
        at: r.try_get(3)?,
        actor: r.try_get(4)?,
        created: r.try_get(5)?,
        updated: r.try_get(6)?,
        unchanged: r.try_get(7)?,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
    })
}

/// The committed import of a file with this content, if any.
pub(super) fn import_by_hash(c: &impl super::Queries, sha256: &str) -> Result<Option<ImportRecord>> {
    c.prepared_query(&format!("SELECT {COLUMNS} FROM imports WHERE sha256 = $1 ORDER BY id LIMIT 1"), &[&sha256])?
        .first()
        .map(from_row)
        .transpose()
}

/// Every committed import, newest first.
pub(super) fn import_history(c: &mut impl GenericClient) -> Result<Vec<ImportRecord>> {
    c.query(&format!("SELECT {COLUMNS} FROM imports ORDER BY id DESC"), &[])?.iter().map(from_row).collect()
}

/// For each unit that a committed import reported for `fy`: the latest import's time and file name.
pub(super) fn returned_units(c: &mut impl GenericClient, fy: FiscalYear) -> Result<Vec<UnitReturn>> {
    // Ordered by unit as SQLite's GROUP BY returns them (PostgreSQL's grouping may hash).
    let rows = c.query(
        "SELECT u.unit_id, max(i.at), (SELECT i2.file_name FROM imports i2 JOIN import_units u2 ON u2.import_id = i2.id
                                        WHERE u2.unit_id = u.unit_id AND u2.fiscal_year = $1 ORDER BY i2.id DESC LIMIT 1)
         FROM import_units u JOIN imports i ON i.id = u.import_id
         WHERE u.fiscal_year = $1 GROUP BY u.unit_id ORDER BY u.unit_id",
        &[&fy.0],
    )?;
    rows.iter()
        .map(|r| Ok(UnitReturn { unit_id: r.try_get(0)?, at: r.try_get(1)?, file_name: r.try_get(2)? }))
        .collect()
}

impl PgTx<'_> {
    /// Records a committed import in the same transaction as its changes.
    pub(super) fn record_import(&mut self, i: &NewImport<'_>) -> Result<ImportRecord> {
        let warnings = serde_json::to_string(i.warnings).map_err(|e| crate::Error::Internal(e.to_string()))?;
        let units: Vec<i64> = i.units.iter().map(|(u, _)| *u).collect();
        let years: Vec<i32> = i.units.iter().map(|(_, fy)| fy.0).collect();
        // The record and the units it answered for in one statement.
        let rows = self.query(
            &format!(
                "WITH recorded AS (
                     INSERT INTO imports (file_name, sha256, at, actor, created, updated, unchanged, warnings)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}
                 ), units AS (
                     INSERT INTO import_units (import_id, unit_id, fiscal_year)
                     SELECT DISTINCT recorded.id, u.unit, u.fy
                     FROM recorded, unnest($9::BIGINT[], $10::INTEGER[]) AS u (unit, fy)
                     ON CONFLICT DO NOTHING
                 )
                 SELECT {COLUMNS} FROM recorded"
            ),
            &[
                &i.file_name,
                &i.sha256,
                &self.author.at.to_rfc3339(),
                &self.author.user,
                &(i.created as i64),
                &(i.updated as i64),
                &(i.unchanged as i64),
                &warnings,
                &units,
                &years,
            ],
        )?;
        let row = rows.first().ok_or_else(|| crate::Error::Internal("取り込みの記録が見つかりません".into()))?;
        from_row(row)
    }

    /// The next free 管理番号 for a fiscal year: `R6-0001`, `R6-0002`, …
    pub(super) fn next_ledger_id(&self, fy: FiscalYear) -> Result<String> {
        let prefix = format!("{}-", fy.short());
        // Several people add and import at once: the year's numbering is taken under a lock held until this
        // transaction ends, so a second writer reads the largest number only after the first has committed its
        // own, and two transactions never hand out one 管理番号.
        self.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&NUMBERING_LOCK, &fy.0])?;
        // Longest first, then last in text order: the initiatives_ledger_id_length index walked backwards, a page at
        // a time, until an id of the year with only digits after its prefix (among ids of one length with one prefix
        // and only digits after it, every collation orders as bytes do). The year's own test is made here, not in
        // the query: with it in the query, a table whose statistics lag behind its growth (a first import of
        // thousands of lines) was planned as a scan and sort of the whole table, 20 ms a file; without it, the
        // index walk is the only plan. A bare prefix counts as 0, and a number past BIGINT as its largest value, as
        // SQLite's CAST reads them.
        const PAGE: usize = 50; // as written in the query
        // Walked from past the longest id: (length, id) < (i32::MAX, "") holds for every id.
        let mut after: (i32, String) = (i32::MAX, String::new());
        let max: Option<i64> = 'walk: loop {
            let rows = self.query(
                "SELECT length(ledger_id), ledger_id FROM initiatives WHERE (length(ledger_id), ledger_id) < ($1, $2)
                 ORDER BY length(ledger_id) DESC, ledger_id DESC LIMIT 50",
                &[&after.0, &after.1],
            )?;
            for r in &rows {
                let id: String = r.try_get(1)?;
                if let Some(digits) = id.strip_prefix(&prefix).filter(|d| d.bytes().all(|b| b.is_ascii_digit())) {
                    break 'walk Some(if digits.is_empty() { 0 } else { digits.parse().unwrap_or(i64::MAX) });
                }
                after = (r.try_get(0)?, id);
            }
            if rows.len() < PAGE {
                break None;
            }
        };
        let next = u32::try_from(max.unwrap_or(0).saturating_add(1)).unwrap_or(u32::MAX);
        Ok(crate::ledger::format_ledger_id(&fy.short(), next))
    }
}
