//! Targets (目標値).

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use super::SqliteTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::Target;

/// Targets, for one fiscal year or all; the organisation-wide one first.
pub(super) fn targets(conn: &Connection, fy: Option<FiscalYear>) -> Result<Vec<Target>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fiscal_year, bureau_id, hours FROM targets WHERE ?1 IS NULL OR fiscal_year = ?1
         ORDER BY fiscal_year, bureau_id IS NOT NULL, bureau_id",
    )?;
    let rows = stmt.query_map([fy.map(|f| f.0)], |r| Ok((r.get::<_, i32>(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (year, bureau_id, hours) = row?;
        let hours: Decimal =
            hours.parse().map_err(|_| Error::Internal(format!("目標値の時間が数値ではありません: {hours}")))?;
        out.push(Target { fiscal_year: FiscalYear(year), bureau_id, hours });
    }
    Ok(out)
}

impl SqliteTx<'_> {
    /// Sets the target of a fiscal year, for the whole organisation (`bureau_id = None`) or one 部局.
    pub(super) fn set_target(&mut self, target: &Target) -> Result<()> {
        if target.hours < Decimal::ZERO {
            return Err(Error::Invalid("目標値は0以上の時間で指定してください".into()));
        }
        let existing: Option<(i64, String)> = self
            .tx
            .prepare_cached(
                "SELECT id, hours FROM targets WHERE fiscal_year = ?1 AND ifnull(bureau_id, 0) = ifnull(?2, 0)",
            )?
            .query_row(params![target.fiscal_year.0, target.bureau_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let key = crate::db::target_audit_key(target.fiscal_year, target.bureau_id);
        let hours = target.hours.normalize().to_string();
        match existing {
            Some((id, old)) => {
                self.tx.prepare_cached("UPDATE targets SET hours = ?2 WHERE id = ?1")?.execute(params![id, hours])?;
                let before = Target { hours: old.parse().unwrap_or_default(), ..target.clone() };
                self.audit(Action::Update, "target", &key, Some(&before), Some(target))
            }
            None => {
                self.tx
                    .prepare_cached("INSERT INTO targets (fiscal_year, bureau_id, hours) VALUES (?1, ?2, ?3)")?
                    .execute(params![target.fiscal_year.0, target.bureau_id, hours])
                    .map_err(|e| match e {
                        rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("targets:") => Error::Invalid(
                            "目標値は団体全体か部局に設定してください（課や係には設定できません）".into(),
                        ),
                        e => e.into(),
                    })?;
                self.audit(Action::Create, "target", &key, None, Some(target))
            }
        }
    }

    /// Removes the target of a fiscal year (the whole organisation's, or a 部局's); `false` when there was none.
    pub(super) fn delete_target(&mut self, fy: FiscalYear, bureau_id: Option<i64>) -> Result<bool> {
        let existing: Option<(i64, String)> = self
            .tx
            .prepare_cached(
                "SELECT id, hours FROM targets WHERE fiscal_year = ?1 AND ifnull(bureau_id, 0) = ifnull(?2, 0)",
            )?
            .query_row(params![fy.0, bureau_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((id, hours)) = existing else { return Ok(false) };
        self.tx.prepare_cached("DELETE FROM targets WHERE id = ?1")?.execute([id])?;
        let key = crate::db::target_audit_key(fy, bureau_id);
        let before = Target { fiscal_year: fy, bureau_id, hours: hours.parse().unwrap_or_default() };
        self.audit(Action::Delete, "target", &key, Some(&before), None)?;
        Ok(true)
    }
}
