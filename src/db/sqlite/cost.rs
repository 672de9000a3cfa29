//! Tool costs (ライセンス費・保守費) per fiscal year.

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use super::SqliteTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::Cost;
use crate::org::name_key;

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Cost> {
    let yen = |i: usize| -> rusqlite::Result<Decimal> {
        let s: String = r.get(i)?;
        s.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("not yen: {s}").into())
        })
    };
    Ok(Cost {
        tool: r.get(0)?,
        fiscal_year: FiscalYear(r.get(1)?),
        licence_yen: yen(2)?,
        maintenance_yen: yen(3)?,
        note: r.get(4)?,
    })
}

/// Costs of a fiscal year (or all), by tool.
pub(super) fn costs(conn: &Connection, fy: Option<FiscalYear>) -> Result<Vec<Cost>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tool, fiscal_year, licence_yen, maintenance_yen, note FROM costs
         WHERE ?1 IS NULL OR fiscal_year = ?1 ORDER BY fiscal_year, tool",
    )?;
    let rows = stmt.query_map([fy.map(|f| f.0)], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl SqliteTx<'_> {
    /// Records the cost of a tool for a fiscal year, replacing an earlier figure.
    pub(super) fn set_cost(&mut self, cost: &Cost) -> Result<()> {
        if cost.licence_yen < Decimal::ZERO || cost.maintenance_yen < Decimal::ZERO {
            return Err(Error::Invalid("費用は0円以上で指定してください".into()));
        }
        let key = name_key(&cost.tool);
        let before = self
            .tx
            .prepare_cached(
                "SELECT tool, fiscal_year, licence_yen, maintenance_yen, note FROM costs
                 WHERE tool_key = ?1 AND fiscal_year = ?2",
            )?
            .query_row(params![key, cost.fiscal_year.0], from_row)
            .optional()?;
        self.tx
            .prepare_cached(
                "INSERT INTO costs (tool, tool_key, fiscal_year, licence_yen, maintenance_yen, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (tool_key, fiscal_year) DO UPDATE SET tool = excluded.tool,
                 licence_yen = excluded.licence_yen, maintenance_yen = excluded.maintenance_yen, note = excluded.note",
            )?
            .execute(params![
                cost.tool.trim(),
                key,
                cost.fiscal_year.0,
                cost.licence_yen.normalize().to_string(),
                cost.maintenance_yen.normalize().to_string(),
                cost.note
            ])?;
        let audit_key = crate::db::cost_audit_key(&cost.tool, cost.fiscal_year);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "cost", &audit_key, before.as_ref(), Some(cost))
    }

    /// Removes a tool's cost of a fiscal year (the tool by its name's key); `false` when there was none.
    pub(super) fn delete_cost(&mut self, tool: &str, fy: FiscalYear) -> Result<bool> {
        let key = name_key(tool);
        let before = self
            .tx
            .prepare_cached(
                "SELECT tool, fiscal_year, licence_yen, maintenance_yen, note FROM costs
                 WHERE tool_key = ?1 AND fiscal_year = ?2",
            )?
            .query_row(params![key, fy.0], from_row)
            .optional()?;
        let Some(before) = before else { return Ok(false) };
        self.tx
            .prepare_cached("DELETE FROM costs WHERE tool_key = ?1 AND fiscal_year = ?2")?
            .execute(params![key, fy.0])?;
        let audit_key = crate::db::cost_audit_key(&before.tool, fy);
        self.audit(Action::Delete, "cost", &audit_key, Some(&before), None)?;
        Ok(true)
    }
}
