//! Initiatives (取組), their status history and evaluations.

use chrono::NaiveDate;
use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use super::PgTx;
use super::audit::Action;
use crate::db::{StorageError, StorageErrorKind};
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Evaluation, Grade, Initiative, InitiativeFields, InitiativeFilter, Kind, Status, StatusChange};

const COLUMNS: &str =
    "id, ledger_id, kind, title, unit_id, tool, vendor, status, started_on, scenario_count, owner, notes, version";

/// A stored value the library does not know, as SQLite's backend reports it (a conversion failure).
fn bad_value(col: usize, what: &str, value: &str) -> Error {
    Error::Storage(StorageError::new(
        StorageErrorKind::Other,
        format!("データベースのエラー: Conversion error from type Text at index: {col}, unexpected {what} {value:?}"),
    ))
}

fn from_row(r: &Row) -> Result<Initiative> {
    let kind: String = r.try_get(2)?;
    let status: String = r.try_get(7)?;
    Ok(Initiative {
        id: r.try_get(0)?,
        ledger_id: r.try_get(1)?,
        kind: Kind::parse(&kind).ok_or_else(|| bad_value(2, "kind", &kind))?,
        title: r.try_get(3)?,
        unit_id: r.try_get(4)?,
        tool: r.try_get(5)?,
        vendor: r.try_get(6)?,
        status: Status::parse(&status).ok_or_else(|| bad_value(7, "status", &status))?,
        started_on: r.try_get(8)?,
        scenario_count: r.try_get(9)?,
        owner: r.try_get(10)?,
        notes: r.try_get(11)?,
        version: r.try_get(12)?,
    })
}

pub(super) fn find_initiative(c: &mut impl GenericClient, id: i64) -> Result<Initiative> {
    c.query_opt(&format!("SELECT {COLUMNS} FROM initiatives WHERE id = $1"), &[&id])?
        .as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("取組 (id {id}) が見つかりません")))
}

/// Looks an initiative up by its 管理番号 (`R5-0012`), ignoring width and case.
pub(super) fn initiative_by_ledger_id(c: &mut impl GenericClient, ledger_id: &str) -> Result<Initiative> {
    let key = crate::number::nfkc(ledger_id).to_uppercase();
    // The exact spelling through the unique index first; any other case only then (a scan, the first row found as
    // SQLite's would be: the lowest id).
    let exact = c.query_opt(&format!("SELECT {COLUMNS} FROM initiatives WHERE ledger_id = $1"), &[&key])?;
    let row = match exact {
        Some(r) => Some(r),
        None => c
            .query(
                &format!("SELECT {COLUMNS} FROM initiatives WHERE upper(ledger_id) = $1 ORDER BY id LIMIT 1"),
                &[&key],
            )?
            .into_iter()
            .next(),
    };
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| {
        Error::NotFound(format!("管理番号「{ledger_id}」の取組は台帳にありません（daicho list で一覧を確認できます）"))
    })
}

/// The initiatives a unit owns (through the unit index), in 管理番号 order.
pub(super) fn initiatives_of_unit(c: &mut impl GenericClient, unit_id: i64) -> Result<Vec<Initiative>> {
    c.query(
        &format!("SELECT {COLUMNS} FROM initiatives WHERE unit_id = $1 ORDER BY ledger_id COLLATE \"C\""),
        &[&unit_id],
    )?
    .iter()
    .map(from_row)
    .collect()
}

pub(super) fn list_initiatives(c: &mut impl GenericClient, filter: &InitiativeFilter) -> Result<Vec<Initiative>> {
    // Only the conditions the filter sets, each with the next placeholder; the units as an array, so the filter runs
    // in SQL (on the unit index) instead of after reading everything.
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    if let Some(fy) = filter.fiscal_year {
        params.push(Box::new(fy.0));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM effects e WHERE e.initiative_id = i.id AND e.fiscal_year = ${})",
            params.len()
        ));
    }
    if let Some(kind) = filter.kind {
        params.push(Box::new(kind.label()));
        conditions.push(format!("kind = ${}", params.len()));
    }
    if let Some(status) = filter.status {
        params.push(Box::new(status.label()));
        conditions.push(format!("status = ${}", params.len()));
    }
    if let Some(units) = &filter.unit_ids {
        params.push(Box::new(units.clone()));
        conditions.push(format!("unit_id = ANY(${})", params.len()));
    }
    let mut sql = format!("SELECT {COLUMNS} FROM initiatives i");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(" ORDER BY ledger_id COLLATE \"C\"");
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| &**p).collect();
    c.query(&sql, &refs)?.iter().map(from_row).collect()
}

pub(super) fn initiative_count(c: &mut impl GenericClient) -> Result<usize> {
    let n: i64 = c.query_one("SELECT count(*) FROM initiatives", &[])?.try_get(0)?;
    Ok(usize::try_from(n).unwrap_or_default())
}

pub(super) fn status_history(c: &mut impl GenericClient, initiative_id: i64) -> Result<Vec<StatusChange>> {
    let rows = c.query(
        "SELECT status, changed_on, note FROM status_history WHERE initiative_id = $1 ORDER BY changed_on, id",
        &[&initiative_id],
    )?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get(0)?;
            Ok(StatusChange {
                status: Status::parse(&status).ok_or_else(|| bad_value(0, "status", &status))?,
                changed_on: r.try_get(1)?,
                note: r.try_get(2)?,
            })
        })
        .collect()
}

pub(super) fn evaluations(c: &mut impl GenericClient, initiative_id: i64) -> Result<Vec<Evaluation>> {
    let rows = c.query(
        "SELECT fiscal_year, grade, reason, reviewer_comment FROM evaluations WHERE initiative_id = $1
         ORDER BY fiscal_year",
        &[&initiative_id],
    )?;
    rows.iter()
        .map(|r| {
            let grade: String = r.try_get(1)?;
            Ok(Evaluation {
                fiscal_year: FiscalYear(r.try_get(0)?),
                grade: Grade::parse(&grade).ok_or_else(|| bad_value(1, "grade", &grade))?,
                reason: r.try_get(2)?,
                reviewer_comment: r.try_get(3)?,
            })
        })
        .collect()
}

impl PgTx<'_> {
    /// Adds an initiative, numbering it `R5-0001`… when no 管理番号 is given, and records its first status.
    pub(super) fn add_initiative(&mut self, f: &InitiativeFields) -> Result<Initiative> {
        f.check()?;
        let ledger_id = match &f.ledger_id {
            Some(id) if !id.trim().is_empty() => {
                self.numbered.clear();
                crate::number::nfkc(id).to_uppercase()
            }
            _ => {
                let fy = f
                    .numbered_in
                    .unwrap_or_else(|| FiscalYear::of_date(f.started_on.unwrap_or(self.author.at.date_naive())));
                let n = match self.numbered.get(&fy) {
                    Some(n) => n.saturating_add(1),
                    None => crate::ledger::ledger_id_number(&self.next_ledger_id(fy)?).unwrap_or(1),
                };
                self.numbered.insert(fy, n);
                crate::ledger::format_ledger_id(&fy.short(), n)
            }
        };
        let row = self
            .db()
            .query_one(
                "INSERT INTO initiatives (ledger_id, kind, title, unit_id, tool, vendor, status, started_on,
                                          scenario_count, owner, notes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    &ledger_id,
                    &f.kind.label(),
                    &f.title.trim(),
                    &f.unit_id,
                    &f.tool,
                    &f.vendor,
                    &f.status.label(),
                    &f.started_on,
                    &f.scenario_count,
                    &f.owner,
                    &f.notes,
                ],
            )
            .map_err(|e| super::constraint(e, || format!("管理番号「{ledger_id}」はすでに使われています")))?;
        let id: i64 = row.try_get(0)?;
        let on = f.started_on.unwrap_or(self.author.at.date_naive());
        self.db().execute(
            "INSERT INTO status_history (initiative_id, status, changed_on) VALUES ($1, $2, $3)",
            &[&id, &f.status.label(), &on],
        )?;
        let after = find_initiative(&mut *self.db(), id)?;
        self.audit(Action::Create, "initiative", &after.ledger_id, None, Some(&after))?;
        Ok(after)
    }

    /// Replaces an initiative's fields (its 管理番号 stays). A status change is added to the history, dated
    /// `status_on` or the author's date.
    pub(super) fn update_initiative(
        &mut self,
        id: i64,
        f: &InitiativeFields,
        status_on: Option<NaiveDate>,
        expected_version: Option<i64>,
    ) -> Result<Initiative> {
        f.check()?;
        let before = find_initiative(&mut *self.db(), id)?;
        if let Some(expected) = expected_version.filter(|v| *v != before.version) {
            return Err(crate::db::stale_edit(self, &before, expected));
        }
        if before.unchanged_by(f) {
            return Ok(before);
        }
        let changed = self.db().execute(
            "UPDATE initiatives SET kind = $2, title = $3, unit_id = $4, tool = $5, vendor = $6, status = $7,
                started_on = $8, scenario_count = $9, owner = $10, notes = $11, version = version + 1
             WHERE id = $1 AND version = $12",
            &[
                &id,
                &f.kind.label(),
                &f.title.trim(),
                &f.unit_id,
                &f.tool,
                &f.vendor,
                &f.status.label(),
                &f.started_on,
                &f.scenario_count,
                &f.owner,
                &f.notes,
                &before.version,
            ],
        )?;
        // Another person's commit between the read and this write (the server's default isolation allows it).
        if changed == 0 {
            return Err(crate::db::stale_edit(self, &before, before.version));
        }
        if before.status != f.status {
            let on = status_on.unwrap_or(self.author.at.date_naive());
            self.db().execute(
                "INSERT INTO status_history (initiative_id, status, changed_on) VALUES ($1, $2, $3)",
                &[&id, &f.status.label(), &on],
            )?;
        }
        let after = find_initiative(&mut *self.db(), id)?;
        if after != before {
            self.audit(Action::Update, "initiative", &after.ledger_id, Some(&before), Some(&after))?;
        }
        Ok(after)
    }

    pub(crate) fn move_initiative(&mut self, id: i64, unit_id: i64) -> Result<()> {
        let before = find_initiative(&mut *self.db(), id)?;
        self.db()
            .execute("UPDATE initiatives SET unit_id = $2, version = version + 1 WHERE id = $1", &[&id, &unit_id])?;
        let after = find_initiative(&mut *self.db(), id)?;
        self.audit(Action::Update, "initiative", &after.ledger_id, Some(&before), Some(&after))
    }

    /// Deletes an initiative with its effects, history and evaluations (all recorded in the audit log).
    pub(super) fn delete_initiative(&mut self, id: i64) -> Result<()> {
        self.numbered.clear();
        let before = find_initiative(&mut *self.db(), id)?;
        // Each list read first: the client is borrowed for the read only, not through the loop's audit rows.
        let effects = super::effect::effects_of(&mut *self.db(), id)?;
        for effect in effects {
            self.audit(Action::Delete, "effect", &effect.id.to_string(), Some(&effect), None)?;
        }
        let measures = super::ocr::ocr_measures_of(&mut *self.db(), id)?;
        for m in measures {
            let key = format!("{id}/{}", m.fiscal_year.0);
            self.audit(Action::Delete, "ocr_measure", &key, Some(&m), None)?;
        }
        self.db().execute("DELETE FROM initiatives WHERE id = $1", &[&id])?;
        self.audit(Action::Delete, "initiative", &before.ledger_id, Some(&before), None)
    }

    /// Records or replaces the evaluation of one fiscal year.
    pub(super) fn set_evaluation(&mut self, initiative_id: i64, e: &Evaluation) -> Result<()> {
        let before = evaluations(&mut *self.db(), initiative_id)?.into_iter().find(|x| x.fiscal_year == e.fiscal_year);
        self.db().execute(
            "INSERT INTO evaluations (initiative_id, fiscal_year, grade, reason, reviewer_comment)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (initiative_id, fiscal_year) DO UPDATE SET
                 grade = excluded.grade, reason = excluded.reason, reviewer_comment = excluded.reviewer_comment",
            &[&initiative_id, &e.fiscal_year.0, &e.grade.label(), &e.reason, &e.reviewer_comment],
        )?;
        let key = format!("{initiative_id}/{}", e.fiscal_year.0);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "evaluation", &key, before.as_ref(), Some(e))
    }
}
