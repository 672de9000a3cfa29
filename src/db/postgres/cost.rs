//! Tool costs (ライセンス費・保守費) per fiscal year.

use postgres::{GenericClient, Row};
use rust_decimal::Decimal;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::Cost;
use crate::org::name_key;

fn from_row(r: &Row) -> Result<Cost> {
    Ok(Cost {
        tool: r.try_get(0)?,
        fiscal_year: FiscalYear(r.try_get(1)?),
        licence_yen: r.try_get(2)?,
        maintenance_yen: r.try_get(3)?,
        note: r.try_get(4)?,
    })
}

/// Costs of a fiscal year (or all), by tool.
pub(super) fn costs(c: &mut impl GenericClient, fy: Option<FiscalYear>) -> Result<Vec<Cost>> {
    c.query(
        "SELECT tool, fiscal_year, licence_yen, maintenance_yen, note FROM costs
         WHERE $1::INTEGER IS NULL OR fiscal_year = $1 ORDER BY fiscal_year, tool COLLATE \"C\"",
        &[&fy.map(|f| f.0)],
    )?
    .iter()
    .map(from_row)
    .collect()
}

/// The cost recorded for a tool (by its name's key) and fiscal year.
fn stored_cost(c: &mut impl GenericClient, key: &str, fy: FiscalYear) -> Result<Option<Cost>> {
    c.query_opt(
        "SELECT tool, fiscal_year, licence_yen, maintenance_yen, note FROM costs
         WHERE tool_key = $1 AND fiscal_year = $2",
        &[&key, &fy.0],
    )?
    .as_ref()
    .map(from_row)
    .transpose()
}

impl PgTx<'_> {
    /// Records the cost of a tool for a fiscal year, replacing an earlier figure.
    pub(super) fn set_cost(&mut self, cost: &Cost) -> Result<()> {
        if cost.licence_yen < Decimal::ZERO || cost.maintenance_yen < Decimal::ZERO {
            return Err(Error::Invalid("費用は0円以上で指定してください".into()));
        }
        self.hold_plan(cost.fiscal_year)?;
        let key = name_key(&cost.tool);
        let before = stored_cost(&mut *self.db(), &key, cost.fiscal_year)?;
        self.db().execute(
            "INSERT INTO costs (tool, tool_key, fiscal_year, licence_yen, maintenance_yen, note)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (tool_key, fiscal_year) DO UPDATE SET tool = excluded.tool,
                 licence_yen = excluded.licence_yen, maintenance_yen = excluded.maintenance_yen, note = excluded.note",
            &[
                &cost.tool.trim(),
                &key,
                &cost.fiscal_year.0,
                &cost.licence_yen.normalize(),
                &cost.maintenance_yen.normalize(),
                &cost.note,
            ],
        )?;
        let audit_key = crate::db::cost_audit_key(&cost.tool, cost.fiscal_year);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "cost", &audit_key, before.as_ref(), Some(cost))
    }

    /// Removes a tool's cost of a fiscal year (the tool by its name's key); `false` when there was none.
    pub(super) fn delete_cost(&mut self, tool: &str, fy: FiscalYear) -> Result<bool> {
        self.hold_plan(fy)?;
        let key = name_key(tool);
        let Some(before) = stored_cost(&mut *self.db(), &key, fy)? else { return Ok(false) };
        self.db().execute("DELETE FROM costs WHERE tool_key = $1 AND fiscal_year = $2", &[&key, &fy.0])?;
        let audit_key = crate::db::cost_audit_key(&before.tool, fy);
        self.audit(Action::Delete, "cost", &audit_key, Some(&before), None)?;
        Ok(true)
    }
}
