//! Effects (効果): one row per initiative, fiscal year and basis.

use postgres::{GenericClient, Row};
use rust_decimal::Decimal;

use super::PgTx;
use super::audit::Action;
use crate::db::{FigureParts, StorageError, StorageErrorKind};
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, Claim, Effect, EffectRow, Evaluated, Figure, Kind, Status};

const COLUMNS: &str = "e.id, e.initiative_id, e.unit_id, e.fiscal_year, e.basis, e.formula, e.structured, e.computed_minutes, e.stated_hours, e.note, e.canonical, e.claim_minutes, e.claim_tolerance_minutes";
/// The number of columns of [`COLUMNS`], where the initiative's columns start in a join.
const WIDTH: usize = 13;

/// 試算, 試行, 実績: the order in which a year's figures arrive.
const BASIS_ORDER: &str = "CASE e.basis WHEN '試算' THEN 0 WHEN '試行' THEN 1 ELSE 2 END";

/// The figures [`with_figures`] reads in one query: a million figures never sit in memory at once.
const PAGE: usize = 10_000;

/// A stored value the library cannot read (as SQLite's conversion failure).
fn conversion(col: usize, message: String) -> Error {
    Error::Storage(StorageError::new(
        StorageErrorKind::Other,
        format!("データベースのエラー: Conversion error from type Text at index: {col}, {message}"),
    ))
}

fn from_row(r: &Row) -> Result<Effect> {
    let basis: &str = r.try_get(4)?;
    let structured = match r.try_get::<_, Option<&str>>(6)? {
        Some(s) => Some(serde_json::from_str(s).map_err(|e| conversion(6, e.to_string()))?),
        None => None,
    };
    let claim = match (r.try_get::<_, Option<Decimal>>(11)?, r.try_get::<_, Option<Decimal>>(12)?) {
        (Some(minutes), Some(tolerance_minutes)) => Some(Claim { minutes, tolerance_minutes }),
        _ => None,
    };
    Ok(Effect {
        id: r.try_get(0)?,
        initiative_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        fiscal_year: FiscalYear(r.try_get(3)?),
        basis: Basis::parse(basis).ok_or_else(|| conversion(4, format!("unexpected basis {basis:?}")))?,
        formula: r.try_get(5)?,
        canonical: r.try_get(10)?,
        claim,
        structured,
        computed_minutes: r.try_get(7)?,
        stated_hours: r.try_get(8)?,
        note: r.try_get(9)?,
    })
}

/// The effects of one initiative, by fiscal year and basis.
pub(super) fn effects_of(c: &mut impl GenericClient, initiative_id: i64) -> Result<Vec<Effect>> {
    let rows = c.query(
        &format!("SELECT {COLUMNS} FROM effects e WHERE e.initiative_id = $1 ORDER BY e.fiscal_year, {BASIS_ORDER}"),
        &[&initiative_id],
    )?;
    rows.iter().map(from_row).collect()
}

/// Every effect of a fiscal year (or of all years), with its initiative.
pub(super) fn effects_in_year(c: &mut impl GenericClient, fy: Option<FiscalYear>) -> Result<Vec<EffectRow>> {
    // 管理番号 in byte order, as SQLite's BINARY collation sorts them, whatever the database's collation.
    let rows = c.query(
        &format!(
            "SELECT {COLUMNS}, i.ledger_id, i.title, i.kind, i.tool, i.status, i.scenario_count
             FROM effects e JOIN initiatives i ON i.id = e.initiative_id
             WHERE $1::INTEGER IS NULL OR e.fiscal_year = $1
             ORDER BY e.fiscal_year, i.ledger_id COLLATE \"C\", {BASIS_ORDER}"
        ),
        &[&fy.map(|f| f.0)],
    )?;
    rows.iter()
        .map(|r| {
            let kind: &str = r.try_get(WIDTH + 2)?;
            let status: &str = r.try_get(WIDTH + 4)?;
            Ok(EffectRow {
                effect: from_row(r)?,
                ledger_id: r.try_get(WIDTH)?,
                title: r.try_get(WIDTH + 1)?,
                kind: Kind::parse(kind).ok_or_else(|| conversion(WIDTH + 2, format!("unexpected kind {kind:?}")))?,
                tool: r.try_get(WIDTH + 3)?,
                status: Status::parse(status)
                    .ok_or_else(|| conversion(WIDTH + 4, format!("unexpected status {status:?}")))?,
                scenario_count: r.try_get(WIDTH + 5)?,
            })
        })
        .collect()
}

/// The fiscal years that have any figure, oldest first (from the effects_year index).
pub(super) fn years_with_figures(c: &mut impl GenericClient) -> Result<Vec<FiscalYear>> {
    let rows = c.query("SELECT DISTINCT fiscal_year FROM effects ORDER BY fiscal_year", &[])?;
    rows.iter().map(|r| Ok(FiscalYear(r.try_get(0)?))).collect()
}

/// Streams the year's figures with the parts of their initiatives a summary reads ([`Figure`]) to `each`, in
/// initiative order (within an initiative, in the order they were recorded); what `parts` leaves out is never
/// read. The figures are read in pages of [`PAGE`], each continuing after the last figure of the one before
/// (keyset, not OFFSET), with the client borrowed for that one query only, so memory stays bounded and `each` may
/// read the store between pages. A database error stops the stream and is returned.
pub(super) fn with_figures(
    r: &super::PagedReader<'_>,
    fy: FiscalYear,
    parts: FigureParts,
    each: &mut dyn FnMut(&mut dyn Iterator<Item = Figure>),
) -> Result<()> {
    let names = if parts.names { "i.ledger_id, i.title" } else { "NULL::TEXT, NULL::TEXT" };
    let tool = if parts.tool { "i.tool" } else { "NULL::TEXT" };
    // `i.id >= $2` says again what the keyset implies, so the join starts at the page's first initiative rather
    // than scanning every initiative before it on each page.
    let sql = format!(
        "SELECT e.initiative_id, e.id, e.unit_id, e.basis, e.computed_minutes, e.stated_hours,
                i.kind, i.scenario_count, {tool}, i.status, {names}
         FROM effects e JOIN initiatives i ON i.id = e.initiative_id
         WHERE e.fiscal_year = $1 AND (e.initiative_id, e.id) > ($2, $3) AND i.id >= $2
         ORDER BY e.initiative_id, e.id LIMIT {PAGE}"
    );
    let mut page = Vec::new().into_iter();
    // The (initiative, effect) the next page continues after; the first page starts before any.
    let mut after = (i64::MIN, i64::MIN);
    // A short page was the last one.
    let mut last_page = false;
    let mut next = || -> Result<Option<Figure>> {
        let row = match page.next() {
            Some(row) => row,
            None if last_page => return Ok(None),
            None => {
                let rows = r.query(&sql, &[&fy.0, &after.0, &after.1])?;
                last_page = rows.len() < PAGE;
                page = rows.into_iter();
                match page.next() {
                    Some(row) => row,
                    None => return Ok(None),
                }
            }
        };
        after = (row.try_get(0)?, row.try_get(1)?);
        figure(&row).map(Some)
    };
    let mut error = None;
    let mut figures = std::iter::from_fn(|| {
        if error.is_some() {
            return None;
        }
        match next() {
            Ok(figure) => figure,
            Err(e) => {
                error = Some(e);
                None
            }
        }
    });
    each(&mut figures);
    match error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// One row of [`with_figures`]' query.
fn figure(r: &Row) -> Result<Figure> {
    let basis: &str = r.try_get(3)?;
    let kind: &str = r.try_get(6)?;
    let status: &str = r.try_get(9)?;
    let ledger_id: Option<String> = r.try_get(10)?;
    Ok(Figure {
        initiative_id: r.try_get(0)?,
        unit_id: r.try_get(2)?,
        basis: Basis::parse(basis).ok_or_else(|| conversion(3, format!("unexpected basis {basis:?}")))?,
        computed_minutes: r.try_get(4)?,
        stated_hours: r.try_get(5)?,
        kind: Kind::parse(kind).ok_or_else(|| conversion(6, format!("unexpected kind {kind:?}")))?,
        scenario_count: r.try_get(7)?,
        tool: r.try_get(8)?,
        status: Status::parse(status).ok_or_else(|| conversion(9, format!("unexpected status {status:?}")))?,
        initiative: match ledger_id {
            Some(id) => Some((id, r.try_get(11)?)),
            None => None,
        },
    })
}

fn find(c: &mut impl GenericClient, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<Option<Effect>> {
    c.query_opt(
        &format!("SELECT {COLUMNS} FROM effects e WHERE e.initiative_id = $1 AND e.fiscal_year = $2 AND e.basis = $3"),
        &[&initiative_id, &fy.0, &basis.label()],
    )?
    .as_ref()
    .map(from_row)
    .transpose()
}

impl PgTx<'_> {
    /// Records the evaluated effect of a fiscal year and basis, replacing an earlier one. The figure is attached to
    /// the unit the initiative belongs to now, or stays with the unit an earlier figure of that year was reported
    /// under.
    pub(super) fn set_effect(&mut self, initiative_id: i64, new: &Evaluated) -> Result<Effect> {
        let initiative = super::initiative::find_initiative(&mut *self.db(), initiative_id)?;
        let before = find(&mut *self.db(), initiative_id, new.fiscal_year, new.basis)?;
        let unit_id = before.as_ref().map_or(initiative.unit_id, |b| b.unit_id);
        let structured = match &new.structured {
            Some(s) => Some(serde_json::to_string(s).map_err(|e| Error::Internal(e.to_string()))?),
            None => None,
        };
        let formula = new.formula.as_ref();
        let claim = formula.and_then(|f| f.claim);
        self.db().execute(
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, claim_minutes,
                                  claim_tolerance_minutes, structured, computed_minutes, stated_hours, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (initiative_id, fiscal_year, basis) DO UPDATE SET
                 formula = excluded.formula, canonical = excluded.canonical,
                 claim_minutes = excluded.claim_minutes, claim_tolerance_minutes = excluded.claim_tolerance_minutes,
                 structured = excluded.structured, computed_minutes = excluded.computed_minutes,
                 stated_hours = excluded.stated_hours, note = excluded.note",
            &[
                &initiative_id,
                &unit_id,
                &new.fiscal_year.0,
                &new.basis.label(),
                &formula.map(|f| f.text.as_str()),
                &formula.map(|f| f.canonical.as_str()),
                &claim.map(|c| c.minutes.normalize()),
                &claim.map(|c| c.tolerance_minutes.normalize()),
                &structured,
                &formula.map(|f| f.minutes.normalize()),
                &new.stated_hours,
                &new.note,
            ],
        )?;
        let after = find(&mut *self.db(), initiative_id, new.fiscal_year, new.basis)?
            .ok_or_else(|| Error::Internal("効果の保存後に行が見つかりません".into()))?;
        let action = if before.is_some() { Action::Update } else { Action::Create };
        if before.as_ref() != Some(&after) {
            self.audit(action, "effect", &after.id.to_string(), before.as_ref(), Some(&after))?;
        }
        Ok(after)
    }

    /// Deletes the effect of a fiscal year and basis.
    pub(super) fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()> {
        let before = find(&mut *self.db(), initiative_id, fy, basis)?
            .ok_or_else(|| Error::NotFound(format!("{} の{}の効果は登録されていません", fy.label(), basis.label())))?;
        self.db().execute("DELETE FROM effects WHERE id = $1", &[&before.id])?;
        self.audit(Action::Delete, "effect", &before.id.to_string(), Some(&before), None)
    }
}
