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

/// Initiatives by id in one query, in the order asked.
pub(super) fn initiatives_by_id(c: &mut impl GenericClient, ids: &[i64]) -> Result<Vec<Initiative>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = c.query(&format!("SELECT {COLUMNS} FROM initiatives WHERE id = ANY($1)"), &[&ids])?;
    in_order_asked(&rows, ids)
}

/// The initiatives of `rows` in the order of `ids` (an id twice gives the initiative twice; one missing is refused).
fn in_order_asked(rows: &[Row], ids: &[i64]) -> Result<Vec<Initiative>> {
    let found: std::collections::HashMap<i64, Initiative> =
        rows.iter().map(|r| from_row(r).map(|i| (i.id, i))).collect::<Result<_>>()?;
    ids.iter()
        .map(|id| found.get(id).cloned().ok_or_else(|| Error::NotFound(format!("取組 (id {id}) が見つかりません"))))
        .collect()
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
    /// The initiatives of `ids` that exist, taken in id order and held until the transaction ends: FOR NO KEY UPDATE
    /// (which a form's FOR UPDATE waits for, and a figure's foreign-key check does not).
    pub(super) fn hold_initiatives(&mut self, ids: &[i64]) -> Result<Vec<Initiative>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {COLUMNS} FROM initiatives WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE");
        self.query(&sql, &[&ids])?.iter().map(from_row).collect()
    }

    /// Adds an initiative, numbering it `R5-0001`… when no 管理番号 is given, and records its first status.
    pub(super) fn add_initiative(&mut self, f: &InitiativeFields) -> Result<Initiative> {
        let mut added = self.add_initiatives(std::slice::from_ref(f))?;
        added.pop().ok_or_else(|| Error::Internal("追加した取組が見つかりません".into()))
    }

    /// The 管理番号 a new initiative gets: its own, or the next of the year it is numbered in.
    fn ledger_id_for(&mut self, f: &InitiativeFields) -> Result<String> {
        Ok(match &f.ledger_id {
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
        })
    }

    /// Adds initiatives as [`add_initiative`](Self::add_initiative) adds each: the rows, their first statuses and
    /// their audit rows in one statement.
    pub(super) fn add_initiatives(&mut self, fields: &[InitiativeFields]) -> Result<Vec<Initiative>> {
        if fields.is_empty() {
            return Ok(Vec::new());
        }
        let mut ledger_ids = Vec::with_capacity(fields.len());
        for f in fields {
            f.check()?;
            ledger_ids.push(self.ledger_id_for(f)?);
        }
        let today = self.author.at.date_naive();
        let kinds: Vec<&str> = fields.iter().map(|f| f.kind.label()).collect();
        let titles: Vec<&str> = fields.iter().map(|f| f.title.trim()).collect();
        let units: Vec<i64> = fields.iter().map(|f| f.unit_id).collect();
        let tools: Vec<Option<&str>> = fields.iter().map(|f| f.tool.as_deref()).collect();
        let vendors: Vec<Option<&str>> = fields.iter().map(|f| f.vendor.as_deref()).collect();
        let statuses: Vec<&str> = fields.iter().map(|f| f.status.label()).collect();
        let started: Vec<Option<NaiveDate>> = fields.iter().map(|f| f.started_on).collect();
        let scenarios: Vec<Option<i64>> = fields.iter().map(|f| f.scenario_count).collect();
        let owners: Vec<Option<&str>> = fields.iter().map(|f| f.owner.as_deref()).collect();
        let notes: Vec<Option<&str>> = fields.iter().map(|f| f.notes.as_deref()).collect();
        let first_status_on: Vec<NaiveDate> = fields.iter().map(|f| f.started_on.unwrap_or(today)).collect();
        let sql = format!(
            "WITH added AS (
                 INSERT INTO initiatives (ledger_id, kind, title, unit_id, tool, vendor, status, started_on,
                                          scenario_count, owner, notes)
                 SELECT l, k, t, u, tl, v, s, d, c, o, nt
                 FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::TEXT[], $6::TEXT[], $7::TEXT[],
                             $8::DATE[], $9::BIGINT[], $10::TEXT[], $11::TEXT[])
                     WITH ORDINALITY AS r (l, k, t, u, tl, v, s, d, c, o, nt, n)
                 ORDER BY n
                 RETURNING {COLUMNS}
             ), history AS (
                 INSERT INTO status_history (initiative_id, status, changed_on)
                 SELECT a.id, a.status, h.d FROM added a JOIN unnest($1::TEXT[], $12::DATE[]) AS h (l, d)
                     ON h.l = a.ledger_id
             )
             SELECT {COLUMNS} FROM added"
        );
        let statement = self.statement(&sql)?;
        let params: [&(dyn ToSql + Sync); 12] = [
            &ledger_ids,
            &kinds,
            &titles,
            &units,
            &tools,
            &vendors,
            &statuses,
            &started,
            &scenarios,
            &owners,
            &notes,
            &first_status_on,
        ];
        let rows = self.db().query(&statement, &params).map_err(|e| {
            super::constraint(e, || match ledger_ids.as_slice() {
                [one] => format!("管理番号「{one}」はすでに使われています"),
                many => format!("管理番号「{}」のどれかがすでに使われています", many.join("」「")),
            })
        })?;
        let mut added: std::collections::HashMap<String, Initiative> =
            rows.iter().map(|r| from_row(r).map(|i| (i.ledger_id.clone(), i))).collect::<Result<_>>()?;
        let mut out = Vec::with_capacity(fields.len());
        for id in &ledger_ids {
            let after =
                added.remove(id).ok_or_else(|| Error::Internal(format!("追加した取組 {id} が見つかりません")))?;
            self.audit(Action::Create, "initiative", &after.ledger_id, None, Some(&after))?;
            out.push(after);
        }
        Ok(out)
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
    pub(super) fn delete_initiative(&mut self, id: i64, expected_version: Option<i64>) -> Result<()> {
        self.numbered.clear();
        let before = find_initiative(&mut *self.db(), id)?;
        if let Some(expected) = expected_version.filter(|v| *v != before.version) {
            return Err(crate::db::stale_edit(self, &before, expected));
        }
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
        let evaluations = evaluations(&mut *self.db(), id)?;
        for e in evaluations {
            let key = format!("{id}/{}", e.fiscal_year.0);
            self.audit(Action::Delete, "evaluation", &key, Some(&e), None)?;
        }
        let history = status_history(&mut *self.db(), id)?;
        if !history.is_empty() {
            self.audit(Action::Delete, "status_history", &before.ledger_id, Some(&history), None)?;
        }
        // The version read above, checked again by the deletion itself: another person's commit in between (the
        // server's default isolation allows it) deletes nothing and is a conflict.
        let deleted =
            self.db().execute("DELETE FROM initiatives WHERE id = $1 AND version = $2", &[&id, &before.version])?;
        if deleted == 0 {
            return Err(crate::db::stale_edit(self, &before, before.version));
        }
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

    /// Deletes the evaluation of one fiscal year, if there is one.
    pub(super) fn delete_evaluation(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        let before = evaluations(&mut *self.db(), initiative_id)?.into_iter().find(|x| x.fiscal_year == fy);
        let Some(before) = before else {
            return Ok(());
        };
        self.db().execute(
            "DELETE FROM evaluations WHERE initiative_id = $1 AND fiscal_year = $2",
            &[&initiative_id, &fy.0],
        )?;
        self.audit(Action::Delete, "evaluation", &format!("{initiative_id}/{}", fy.0), Some(&before), None)
    }

    /// Gives an initiative back the status history it had (an undone deletion): the history it has now is replaced.
    pub(super) fn restore_status_history(&mut self, initiative_id: i64, history: &[StatusChange]) -> Result<()> {
        let initiative = find_initiative(&mut *self.db(), initiative_id)?;
        self.db().execute("DELETE FROM status_history WHERE initiative_id = $1", &[&initiative_id])?;
        for h in history {
            self.db().execute(
                "INSERT INTO status_history (initiative_id, status, changed_on, note) VALUES ($1, $2, $3, $4)",
                &[&initiative_id, &h.status.label(), &h.changed_on, &h.note],
            )?;
        }
        self.audit(Action::Create, "status_history", &initiative.ledger_id, None, Some(&history))
    }
}
