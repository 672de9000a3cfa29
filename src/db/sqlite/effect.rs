//! Effects (効果): one row per initiative, fiscal year and basis.

use rusqlite::{Connection, OptionalExtension, Row, params};
use rust_decimal::Decimal;

use super::SqliteTx;
use super::audit::Action;
use crate::db::FigureParts;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, Claim, Effect, EffectRow, Evaluated, Figure, Kind, Status};

/// The columns of an effect, as a literal so the statements run for every written line are put together at compile
/// time (`concat!`) instead of formatted on each call.
macro_rules! columns {
    () => {
        "e.id, e.initiative_id, e.unit_id, e.fiscal_year, e.basis, e.formula, e.structured, e.computed_minutes, e.stated_hours, e.note, e.canonical, e.claim_minutes, e.claim_tolerance_minutes"
    };
}
const COLUMNS: &str = columns!();
/// The number of columns of [`COLUMNS`], where the initiative's columns start in a join.
const WIDTH: usize = 13;

/// 試算, 試行, 実績: the order in which a year's figures arrive.
const BASIS_ORDER: &str = "CASE e.basis WHEN '試算' THEN 0 WHEN '試行' THEN 1 ELSE 2 END";

fn conversion(col: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, message.into())
}

/// A decimal stored as text, read in place (no copy of the text: summaries read millions).
fn decimal(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<Decimal>> {
    match r.get_ref(col)?.as_str_or_null()? {
        Some(s) => s.parse().map(Some).map_err(|_| conversion(col, format!("not a decimal: {s:?}"))),
        None => Ok(None),
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Effect> {
    let basis: String = r.get(4)?;
    let structured = match r.get::<_, Option<String>>(6)? {
        Some(s) => Some(serde_json::from_str(&s).map_err(|e| conversion(6, e.to_string()))?),
        None => None,
    };
    let claim = match (decimal(r, 11)?, decimal(r, 12)?) {
        (Some(minutes), Some(tolerance_minutes)) => Some(Claim { minutes, tolerance_minutes }),
        _ => None,
    };
    Ok(Effect {
        id: r.get(0)?,
        initiative_id: r.get(1)?,
        unit_id: r.get(2)?,
        fiscal_year: FiscalYear(r.get(3)?),
        basis: Basis::parse(&basis).ok_or_else(|| conversion(4, format!("unexpected basis {basis:?}")))?,
        formula: r.get(5)?,
        canonical: r.get(10)?,
        claim,
        structured,
        computed_minutes: decimal(r, 7)?,
        stated_hours: decimal(r, 8)?,
        note: r.get(9)?,
    })
}

/// The effects of one initiative, by fiscal year and basis.
pub(super) fn effects_of(conn: &Connection, initiative_id: i64) -> Result<Vec<Effect>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM effects e WHERE e.initiative_id = ?1 ORDER BY e.fiscal_year, {BASIS_ORDER}"
    ))?;
    let rows = stmt.query_map([initiative_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every effect of a fiscal year (or of all years), with its initiative.
pub(super) fn effects_in_year(conn: &Connection, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, i.ledger_id, i.title, i.kind, i.tool, i.status, i.scenario_count
         FROM effects e JOIN initiatives i ON i.id = e.initiative_id
         WHERE ?1 IS NULL OR e.fiscal_year = ?1 ORDER BY e.fiscal_year, i.ledger_id, {BASIS_ORDER}"
    ))?;
    let rows = stmt.query_map([fy.map(|f| f.0)], |r| {
        let kind: String = r.get(WIDTH + 2)?;
        let status: String = r.get(WIDTH + 4)?;
        Ok(EffectRow {
            effect: from_row(r)?,
            ledger_id: r.get(WIDTH)?,
            title: r.get(WIDTH + 1)?,
            kind: Kind::parse(&kind).ok_or_else(|| conversion(WIDTH + 2, format!("unexpected kind {kind:?}")))?,
            tool: r.get(WIDTH + 3)?,
            status: Status::parse(&status)
                .ok_or_else(|| conversion(WIDTH + 4, format!("unexpected status {status:?}")))?,
            scenario_count: r.get(WIDTH + 5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The fiscal years that have any figure, oldest first (from the effects_year index).
pub(super) fn years_with_figures(conn: &Connection) -> Result<Vec<FiscalYear>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT fiscal_year FROM effects ORDER BY fiscal_year")?;
    let rows = stmt.query_map([], |r| Ok(FiscalYear(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Streams the year's figures with the parts of their initiatives a summary reads ([`Figure`]) to `each`, in
/// initiative order (the effects_summary index: no sort, no other column read); what `parts` leaves out is never
/// read. A database error stops the stream and is returned.
pub(super) fn with_figures(
    conn: &Connection,
    fy: FiscalYear,
    parts: FigureParts,
    each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
) -> Result<()> {
    let (with_initiative, with_tool) = (parts.names, parts.tool);
    // Two ordered scans merged here rather than a join: the year's figures from the covering effects_summary index,
    // and the initiatives in id order, read once each instead of looked up once per figure.
    let names = if with_initiative { "ledger_id, title" } else { "NULL, NULL" };
    let tool = if with_tool { "tool" } else { "NULL" };
    let mut effects = conn.prepare_cached(
        "SELECT initiative_id, unit_id, basis, computed_minutes, stated_hours FROM effects
         WHERE fiscal_year = ?1 ORDER BY initiative_id",
    )?;
    let mut initiatives = conn.prepare_cached(&format!(
        "SELECT id, kind, scenario_count, {tool}, status, {names} FROM initiatives ORDER BY id"
    ))?;
    let mut rows = effects.query([fy.0])?;
    let mut owners = initiatives.query([])?;
    let mut owner: Option<Owner> = None;
    let mut error = None;
    let mut next = || -> rusqlite::Result<Option<Figure>> {
        let Some(r) = rows.next()? else { return Ok(None) };
        let initiative_id: i64 = r.get(0)?;
        while owner.as_ref().is_none_or(|o| o.id < initiative_id) {
            match owners.next()? {
                Some(o) => owner = Some(Owner::read(o)?),
                None => return Err(conversion(0, format!("effect of a missing initiative {initiative_id}"))),
            }
        }
        let Some(o) = owner.as_ref().filter(|o| o.id == initiative_id) else {
            return Err(conversion(0, format!("effect of a missing initiative {initiative_id}")));
        };
        let text = |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
        let basis = text(2)?;
        Ok(Some(Figure {
            initiative_id,
            unit_id: r.get(1)?,
            basis: Basis::parse(basis).ok_or_else(|| conversion(2, format!("unexpected basis {basis:?}")))?,
            computed_minutes: decimal(r, 3)?,
            stated_hours: decimal(r, 4)?,
            kind: o.kind,
            scenario_count: o.scenario_count,
            tool: o.tool.clone(),
            status: o.status,
            initiative: o.names.clone(),
        }))
    };
    let mut figures = std::iter::from_fn(|| match next() {
        Ok(figure) => figure,
        Err(e) => {
            error = Some(e);
            None
        }
    });
    each(&mut figures);
    match error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// What a figure takes from its initiative.
struct Owner {
    id: i64,
    kind: Kind,
    scenario_count: Option<i64>,
    tool: Option<String>,
    status: Status,
    names: Option<(String, String)>,
}

impl Owner {
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        let kind = r.get_ref(1)?.as_str()?;
        let status = r.get_ref(4)?.as_str()?;
        let ledger_id: Option<String> = r.get(5)?;
        Ok(Owner {
            id: r.get(0)?,
            kind: Kind::parse(kind).ok_or_else(|| conversion(1, format!("unexpected kind {kind:?}")))?,
            scenario_count: r.get(2)?,
            tool: r.get(3)?,
            status: Status::parse(status).ok_or_else(|| conversion(4, format!("unexpected status {status:?}")))?,
            names: match ledger_id {
                Some(id) => Some((id, r.get(6)?)),
                None => None,
            },
        })
    }
}

fn find(conn: &Connection, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<Option<Effect>> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM effects e WHERE e.initiative_id = ?1 AND e.fiscal_year = ?2 AND e.basis = ?3"
        ))?
        .query_row(params![initiative_id, fy.0, basis.label()], from_row)
        .optional()?)
}

impl SqliteTx<'_> {
    /// Records the evaluated effect of a fiscal year and basis, replacing an earlier one. The figure is attached to
    /// the unit the initiative belongs to now, or stays with the unit an earlier figure of that year was reported
    /// under.
    pub(super) fn set_effect(&mut self, initiative_id: i64, new: &Evaluated) -> Result<Effect> {
        // Refused for an initiative that is not there, even where a figure of it is (a ledger another program made).
        let unit = super::initiative::unit_of_initiative(&self.tx, initiative_id)?;
        let before = find(&self.tx, initiative_id, new.fiscal_year, new.basis)?;
        // A new figure belongs to the initiative's unit at the time (a moved initiative's older figures stay put).
        let unit_id = before.as_ref().map_or(unit, |b| b.unit_id);
        let structured = match &new.structured {
            Some(s) => Some(serde_json::to_string(s).map_err(|e| Error::Internal(e.to_string()))?),
            None => None,
        };
        let formula = new.formula.as_ref();
        let claim = formula.and_then(|f| f.claim);
        self.tx
            .prepare_cached(
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, claim_minutes,
                                      claim_tolerance_minutes, structured, computed_minutes, stated_hours, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (initiative_id, fiscal_year, basis) DO UPDATE SET
                 formula = excluded.formula, canonical = excluded.canonical,
                 claim_minutes = excluded.claim_minutes, claim_tolerance_minutes = excluded.claim_tolerance_minutes,
                 structured = excluded.structured, computed_minutes = excluded.computed_minutes,
                 stated_hours = excluded.stated_hours, note = excluded.note",
            )?
            .execute(params![
                initiative_id,
                unit_id,
                new.fiscal_year.0,
                new.basis.label(),
                formula.map(|f| &f.text),
                formula.map(|f| &f.canonical),
                claim.map(|c| c.minutes.normalize().to_string()),
                claim.map(|c| c.tolerance_minutes.normalize().to_string()),
                structured,
                formula.map(|f| f.minutes.normalize().to_string()),
                new.stated_hours.map(|h| h.to_string()),
                new.note
            ])?;
        let after = find(&self.tx, initiative_id, new.fiscal_year, new.basis)?
            .ok_or_else(|| Error::Internal("効果の保存後に行が見つかりません".into()))?;
        let action = if before.is_some() { Action::Update } else { Action::Create };
        if before.as_ref() != Some(&after) {
            self.audit(action, "effect", &after.id.to_string(), before.as_ref(), Some(&after))?;
        }
        Ok(after)
    }

    /// Deletes the effect of a fiscal year and basis.
    pub(super) fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()> {
        let before = find(&self.tx, initiative_id, fy, basis)?
            .ok_or_else(|| Error::NotFound(format!("{} の{}の効果は登録されていません", fy.label(), basis.label())))?;
        self.tx.prepare_cached("DELETE FROM effects WHERE id = ?1")?.execute([before.id])?;
        self.audit(Action::Delete, "effect", &before.id.to_string(), Some(&before), None)
    }
}
