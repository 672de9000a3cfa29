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
        let mut written = self.set_effects(&[(initiative_id, new)])?;
        written.pop().ok_or_else(|| Error::Internal("効果の保存後に行が見つかりません".into()))
    }

    /// Records effects as [`set_effect`](Self::set_effect) records each, in order: two statements for each run of
    /// them in which no initiative, year and basis repeats (one statement cannot write a row twice).
    pub(super) fn set_effects(&mut self, effects: &[(i64, &Evaluated)]) -> Result<Vec<Effect>> {
        let mut out = Vec::with_capacity(effects.len());
        let mut run = std::collections::HashSet::new();
        let mut start = 0;
        for (at, (id, e)) in effects.iter().enumerate() {
            if !run.insert((*id, e.fiscal_year, e.basis)) {
                out.extend(self.set_distinct_effects(&effects[start..at])?);
                run.clear();
                run.insert((*id, e.fiscal_year, e.basis));
                start = at;
            }
        }
        out.extend(self.set_distinct_effects(&effects[start..])?);
        Ok(out)
    }

    /// Effects of distinct initiative, year and basis: what each replaces and the unit it belongs to in one query,
    /// then all of them in one statement.
    fn set_distinct_effects(&mut self, effects: &[(i64, &Evaluated)]) -> Result<Vec<Effect>> {
        if effects.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = effects.iter().map(|(id, _)| *id).collect();
        let years: Vec<i32> = effects.iter().map(|(_, e)| e.fiscal_year.0).collect();
        let bases: Vec<&str> = effects.iter().map(|(_, e)| e.basis.label()).collect();
        let rows = self.query(
            &format!(
                // Each looked up through its key (LIMIT keeps the planner from turning a lookup into a join over
                // the whole table, which it does when the table has grown faster than its statistics).
                "SELECT {COLUMNS}, r.n, i.unit_id
                 FROM unnest($1::BIGINT[], $2::INTEGER[], $3::TEXT[]) WITH ORDINALITY AS r (id, fy, basis, n)
                 JOIN LATERAL (SELECT unit_id FROM initiatives WHERE id = r.id LIMIT 1) i ON true
                 LEFT JOIN LATERAL (SELECT * FROM effects
                                    WHERE initiative_id = r.id AND fiscal_year = r.fy AND basis = r.basis LIMIT 1) e
                     ON true"
            ),
            &[&ids, &years, &bases],
        )?;
        // Per effect: the one it replaces, and the initiative's unit.
        let mut found: Vec<Option<(Option<Effect>, i64)>> = vec![None; effects.len()];
        for r in &rows {
            let n: i64 = r.try_get(WIDTH)?;
            let before = match r.try_get::<_, Option<i64>>(0)? {
                Some(_) => Some(from_row(r)?),
                None => None,
            };
            if let Some(slot) = usize::try_from(n - 1).ok().and_then(|n| found.get_mut(n)) {
                *slot = Some((before, r.try_get(WIDTH + 1)?));
            }
        }
        let mut befores = Vec::with_capacity(effects.len());
        let mut units = Vec::with_capacity(effects.len());
        for ((id, _), f) in effects.iter().zip(found) {
            let (before, unit) = f.ok_or_else(|| Error::NotFound(format!("取組 (id {id}) が見つかりません")))?;
            units.push(before.as_ref().map_or(unit, |b| b.unit_id));
            befores.push(before);
        }
        fn formula(e: &Evaluated) -> Option<&crate::ledger::FormulaResult> {
            e.formula.as_ref()
        }
        let formulas: Vec<Option<&str>> = effects.iter().map(|(_, e)| formula(e).map(|f| f.text.as_str())).collect();
        let canonical: Vec<Option<&str>> =
            effects.iter().map(|(_, e)| formula(e).map(|f| f.canonical.as_str())).collect();
        let claims: Vec<Option<Decimal>> =
            effects.iter().map(|(_, e)| formula(e).and_then(|f| f.claim).map(|c| c.minutes.normalize())).collect();
        let tolerances: Vec<Option<Decimal>> = effects
            .iter()
            .map(|(_, e)| formula(e).and_then(|f| f.claim).map(|c| c.tolerance_minutes.normalize()))
            .collect();
        let structured: Vec<Option<String>> = effects
            .iter()
            .map(|(_, e)| e.structured.as_ref().map(serde_json::to_string).transpose())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let minutes: Vec<Option<Decimal>> =
            effects.iter().map(|(_, e)| formula(e).map(|f| f.minutes.normalize())).collect();
        let stated: Vec<Option<Decimal>> = effects.iter().map(|(_, e)| e.stated_hours).collect();
        let notes: Vec<Option<&str>> = effects.iter().map(|(_, e)| e.note.as_deref()).collect();
        let rows = self.query(
            &format!(
                "INSERT INTO effects AS e (initiative_id, unit_id, fiscal_year, basis, formula, canonical,
                                           claim_minutes, claim_tolerance_minutes, structured, computed_minutes,
                                           stated_hours, note)
                 SELECT i, u, y, b, f, c, cm, ct, s, m, h, nt
                 FROM unnest($1::BIGINT[], $2::BIGINT[], $3::INTEGER[], $4::TEXT[], $5::TEXT[], $6::TEXT[],
                             $7::NUMERIC[], $8::NUMERIC[], $9::TEXT[], $10::NUMERIC[], $11::NUMERIC[], $12::TEXT[])
                     WITH ORDINALITY AS r (i, u, y, b, f, c, cm, ct, s, m, h, nt, n)
                 ORDER BY n
                 ON CONFLICT (initiative_id, fiscal_year, basis) DO UPDATE SET
                     formula = excluded.formula, canonical = excluded.canonical,
                     claim_minutes = excluded.claim_minutes,
                     claim_tolerance_minutes = excluded.claim_tolerance_minutes,
                     structured = excluded.structured, computed_minutes = excluded.computed_minutes,
                     stated_hours = excluded.stated_hours, note = excluded.note
                 RETURNING {COLUMNS}"
            ),
            &[
                &ids,
                &units,
                &years,
                &bases,
                &formulas,
                &canonical,
                &claims,
                &tolerances,
                &structured,
                &minutes,
                &stated,
                &notes,
            ],
        )?;
        let mut written: std::collections::HashMap<(i64, i32, String), Effect> = rows
            .iter()
            .map(|r| from_row(r).map(|e| ((e.initiative_id, e.fiscal_year.0, e.basis.label().to_string()), e)))
            .collect::<Result<_>>()?;
        let mut out = Vec::with_capacity(effects.len());
        for ((id, new), before) in effects.iter().zip(befores) {
            let after = written
                .remove(&(*id, new.fiscal_year.0, new.basis.label().to_string()))
                .ok_or_else(|| Error::Internal("効果の保存後に行が見つかりません".into()))?;
            let action = if before.is_some() { Action::Update } else { Action::Create };
            if before.as_ref() != Some(&after) {
                self.audit(action, "effect", &after.id.to_string(), before.as_ref(), Some(&after))?;
            }
            out.push(after);
        }
        Ok(out)
    }

    /// Deletes the effect of a fiscal year and basis.
    pub(super) fn delete_effect(&mut self, initiative_id: i64, fy: FiscalYear, basis: Basis) -> Result<()> {
        let before = find(&mut *self.db(), initiative_id, fy, basis)?
            .ok_or_else(|| Error::NotFound(format!("{} の{}の効果は登録されていません", fy.label(), basis.label())))?;
        self.db().execute("DELETE FROM effects WHERE id = $1", &[&before.id])?;
        self.audit(Action::Delete, "effect", &before.id.to_string(), Some(&before), None)
    }
}
