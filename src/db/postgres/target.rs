//! Targets (目標値).

use postgres::GenericClient;
use rust_decimal::Decimal;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::Target;

/// Targets, for one fiscal year or all; the organisation-wide one first.
pub(super) fn targets(c: &mut impl GenericClient, fy: Option<FiscalYear>) -> Result<Vec<Target>> {
    let rows = c.query(
        "SELECT fiscal_year, bureau_id, hours FROM targets WHERE $1::INTEGER IS NULL OR fiscal_year = $1
         ORDER BY fiscal_year, bureau_id IS NOT NULL, bureau_id",
        &[&fy.map(|f| f.0)],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let year: i32 = r.try_get(0)?;
        let bureau_id: Option<i64> = r.try_get(1)?;
        let hours: Decimal =
            r.try_get(2).map_err(|e| Error::Internal(format!("目標値の時間が数値ではありません: {e}")))?;
        out.push(Target { fiscal_year: FiscalYear(year), bureau_id, hours });
    }
    Ok(out)
}

/// The target of a fiscal year for the whole organisation (`None`) or a 部局: its id and hours.
fn stored_target(c: &mut impl GenericClient, fy: FiscalYear, bureau_id: Option<i64>) -> Result<Option<(i64, Decimal)>> {
    let row = c.query_opt(
        "SELECT id, hours FROM targets WHERE fiscal_year = $1 AND coalesce(bureau_id, 0) = coalesce($2::BIGINT, 0)",
        &[&fy.0, &bureau_id],
    )?;
    Ok(match row {
        Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
        None => None,
    })
}

impl PgTx<'_> {
    /// Sets the target of a fiscal year, for the whole organisation (`bureau_id = None`) or one 部局.
    pub(super) fn set_target(&mut self, target: &Target) -> Result<()> {
        if target.hours < Decimal::ZERO {
            return Err(Error::Invalid("目標値は0以上の時間で指定してください".into()));
        }
        self.hold_plan(target.fiscal_year)?;
        let existing = stored_target(&mut *self.db(), target.fiscal_year, target.bureau_id)?;
        let key = crate::db::target_audit_key(target.fiscal_year, target.bureau_id);
        let hours = target.hours.normalize();
        match existing {
            Some((id, old)) => {
                self.db().execute("UPDATE targets SET hours = $2 WHERE id = $1", &[&id, &hours])?;
                let before = Target { hours: old, ..target.clone() };
                self.audit(Action::Update, "target", &key, Some(&before), Some(target))
            }
            None => {
                self.db()
                    .execute(
                        "INSERT INTO targets (fiscal_year, bureau_id, hours) VALUES ($1, $2, $3)",
                        &[&target.fiscal_year.0, &target.bureau_id, &hours],
                    )
                    .map_err(|e| {
                        if e.as_db_error().is_some_and(|d| d.message().contains("targets:")) {
                            Error::Invalid(
                                "目標値は団体全体か部局に設定してください（課や係には設定できません）".into(),
                            )
                        } else {
                            e.into()
                        }
                    })?;
                self.audit(Action::Create, "target", &key, None, Some(target))
            }
        }
    }

    /// Removes the target of a fiscal year (the whole organisation's, or a 部局's); `false` when there was none.
    pub(super) fn delete_target(&mut self, fy: FiscalYear, bureau_id: Option<i64>) -> Result<bool> {
        self.hold_plan(fy)?;
        let Some((id, hours)) = stored_target(&mut *self.db(), fy, bureau_id)? else { return Ok(false) };
        self.db().execute("DELETE FROM targets WHERE id = $1", &[&id])?;
        let key = crate::db::target_audit_key(fy, bureau_id);
        let before = Target { fiscal_year: fy, bureau_id, hours };
        self.audit(Action::Delete, "target", &key, Some(&before), None)?;
        Ok(true)
    }
}
