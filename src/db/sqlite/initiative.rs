//! Initiatives (取組), their status history and evaluations.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Evaluation, Grade, Initiative, InitiativeFields, InitiativeFilter, Kind, Status, StatusChange};

/// The columns of an initiative, as a literal so the lookups run for every written line are put together at compile
/// time (`concat!`) instead of formatted on each call.
macro_rules! columns {
    () => {
        "id, ledger_id, kind, title, unit_id, tool, vendor, status, started_on, scenario_count, owner, notes, version"
    };
}
const COLUMNS: &str = columns!();

fn bad_value(col: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("unexpected {what} {value:?}").into(),
    )
}

fn date_column(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get::<_, Option<String>>(col)? {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d").map(Some).map_err(|_| bad_value(col, "date", &s)),
        None => Ok(None),
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Initiative> {
    let kind: String = r.get(2)?;
    let status: String = r.get(7)?;
    Ok(Initiative {
        id: r.get(0)?,
        ledger_id: r.get(1)?,
        kind: Kind::parse(&kind).ok_or_else(|| bad_value(2, "kind", &kind))?,
        title: r.get(3)?,
        unit_id: r.get(4)?,
        tool: r.get(5)?,
        vendor: r.get(6)?,
        status: Status::parse(&status).ok_or_else(|| bad_value(7, "status", &status))?,
        started_on: date_column(r, 8)?,
        scenario_count: r.get(9)?,
        owner: r.get(10)?,
        notes: r.get(11)?,
        version: r.get(12)?,
    })
}

pub(super) fn find_initiative(conn: &Connection, id: i64) -> Result<Initiative> {
    conn.prepare_cached(concat!("SELECT ", columns!(), " FROM initiatives WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| initiative_not_found(id))
}

fn initiative_not_found(id: i64) -> Error {
    Error::NotFound(format!("取組 (id {id}) が見つかりません"))
}

/// The unit an initiative belongs to, without reading the rest of it.
pub(super) fn unit_of_initiative(conn: &Connection, id: i64) -> Result<i64> {
    conn.prepare_cached("SELECT unit_id FROM initiatives WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| initiative_not_found(id))
}

/// Looks an initiative up by its 管理番号 (`R5-0012`), ignoring width and case.
pub(super) fn initiative_by_ledger_id(conn: &Connection, ledger_id: &str) -> Result<Initiative> {
    let key = crate::number::nfkc(ledger_id).to_uppercase();
    // The exact spelling through the unique index first; any other case only then (a scan).
    let exact = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM initiatives WHERE ledger_id = ?1"))?
        .query_row([&key], from_row)
        .optional()?;
    let found = match exact {
        Some(i) => Some(i),
        None => conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM initiatives WHERE upper(ledger_id) = ?1"))?
            .query_row([&key], from_row)
            .optional()?,
    };
    found.ok_or_else(|| {
        Error::NotFound(format!("管理番号「{ledger_id}」の取組は台帳にありません（daicho list で一覧を確認できます）"))
    })
}

/// The initiatives a unit owns (through the unit index), in 管理番号 order.
pub(super) fn initiatives_of_unit(conn: &Connection, unit_id: i64) -> Result<Vec<Initiative>> {
    let mut stmt =
        conn.prepare_cached(concat!("SELECT ", columns!(), " FROM initiatives WHERE unit_id = ?1 ORDER BY ledger_id"))?;
    let rows = stmt.query_map([unit_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn list_initiatives(conn: &Connection, filter: &InitiativeFilter) -> Result<Vec<Initiative>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM initiatives i
         WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM effects e WHERE e.initiative_id = i.id AND e.fiscal_year = ?1))
           AND (?2 IS NULL OR kind = ?2)
           AND (?3 IS NULL OR status = ?3)
           AND (?4 IS NULL OR unit_id IN (SELECT value FROM json_each(?4)))
         ORDER BY ledger_id"
    ))?;
    // The units as a JSON array, so the filter runs in SQL (on the unit index) instead of after reading everything.
    let units = filter.unit_ids.as_ref().map(|u| serde_json::Value::from(u.clone()).to_string());
    let rows = stmt.query_map(
        params![filter.fiscal_year.map(|f| f.0), filter.kind.map(Kind::label), filter.status.map(Status::label), units],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn initiative_count(conn: &Connection) -> Result<usize> {
    let n: i64 = conn.prepare_cached("SELECT count(*) FROM initiatives")?.query_row([], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or_default())
}

pub(super) fn status_history(conn: &Connection, initiative_id: i64) -> Result<Vec<StatusChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, changed_on, note FROM status_history WHERE initiative_id = ?1 ORDER BY changed_on, id",
    )?;
    let rows = stmt.query_map([initiative_id], |r| {
        let status: String = r.get(0)?;
        Ok(StatusChange {
            status: Status::parse(&status).ok_or_else(|| bad_value(0, "status", &status))?,
            changed_on: date_column(r, 1)?.unwrap_or_default(),
            note: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn evaluations(conn: &Connection, initiative_id: i64) -> Result<Vec<Evaluation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fiscal_year, grade, reason, reviewer_comment FROM evaluations WHERE initiative_id = ?1
         ORDER BY fiscal_year",
    )?;
    let rows = stmt.query_map([initiative_id], |r| {
        let grade: String = r.get(1)?;
        Ok(Evaluation {
            fiscal_year: FiscalYear(r.get(0)?),
            grade: Grade::parse(&grade).ok_or_else(|| bad_value(1, "grade", &grade))?,
            reason: r.get(2)?,
            reviewer_comment: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl SqliteTx<'_> {
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
        self.tx
            .prepare_cached(
                "INSERT INTO initiatives (ledger_id, kind, title, unit_id, tool, vendor, status, started_on,
                                          scenario_count, owner, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                ledger_id,
                f.kind.label(),
                f.title.trim(),
                f.unit_id,
                f.tool,
                f.vendor,
                f.status.label(),
                f.started_on.map(|d| d.to_string()),
                f.scenario_count,
                f.owner,
                f.notes
            ])
            .map_err(|e| super::constraint(e, || format!("管理番号「{ledger_id}」はすでに使われています")))?;
        let id = self.tx.last_insert_rowid();
        let on = f.started_on.unwrap_or(self.author.at.date_naive());
        self.tx
            .prepare_cached("INSERT INTO status_history (initiative_id, status, changed_on) VALUES (?1, ?2, ?3)")?
            .execute(params![id, f.status.label(), on.to_string()])?;
        let after = find_initiative(&self.tx, id)?;
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
        let before = find_initiative(&self.tx, id)?;
        if let Some(expected) = expected_version.filter(|v| *v != before.version) {
            return Err(crate::db::stale_edit(self, &before, expected));
        }
        if before.unchanged_by(f) {
            return Ok(before);
        }
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE initiatives SET kind = ?2, title = ?3, unit_id = ?4, tool = ?5, vendor = ?6, status = ?7,
                    started_on = ?8, scenario_count = ?9, owner = ?10, notes = ?11, version = version + 1
             WHERE id = ?1 AND version = ?12",
            )?
            .execute(params![
                id,
                f.kind.label(),
                f.title.trim(),
                f.unit_id,
                f.tool,
                f.vendor,
                f.status.label(),
                f.started_on.map(|d| d.to_string()),
                f.scenario_count,
                f.owner,
                f.notes,
                before.version
            ])?;
        if changed == 0 {
            return Err(crate::db::stale_edit(self, &before, before.version));
        }
        if before.status != f.status {
            let on = status_on.unwrap_or(self.author.at.date_naive());
            self.tx
                .prepare_cached("INSERT INTO status_history (initiative_id, status, changed_on) VALUES (?1, ?2, ?3)")?
                .execute(params![id, f.status.label(), on.to_string()])?;
        }
        let after = find_initiative(&self.tx, id)?;
        if after != before {
            self.audit(Action::Update, "initiative", &after.ledger_id, Some(&before), Some(&after))?;
        }
        Ok(after)
    }

    pub(crate) fn move_initiative(&mut self, id: i64, unit_id: i64) -> Result<()> {
        let before = find_initiative(&self.tx, id)?;
        self.tx
            .prepare_cached("UPDATE initiatives SET unit_id = ?2, version = version + 1 WHERE id = ?1")?
            .execute(params![id, unit_id])?;
        let after = find_initiative(&self.tx, id)?;
        self.audit(Action::Update, "initiative", &after.ledger_id, Some(&before), Some(&after))
    }

    /// Deletes an initiative with its effects, history and evaluations (all recorded in the audit log).
    pub(super) fn delete_initiative(&mut self, id: i64, expected_version: Option<i64>) -> Result<()> {
        self.numbered.clear();
        let before = find_initiative(&self.tx, id)?;
        // The write lock is held: nothing changes between this check and the deletion.
        if let Some(expected) = expected_version.filter(|v| *v != before.version) {
            return Err(crate::db::stale_edit(self, &before, expected));
        }
        for effect in super::effect::effects_of(&self.tx, id)? {
            self.audit(Action::Delete, "effect", &effect.id.to_string(), Some(&effect), None)?;
        }
        for m in super::ocr::ocr_measures_of(&self.tx, id)? {
            let key = format!("{id}/{}", m.fiscal_year.0);
            self.audit(Action::Delete, "ocr_measure", &key, Some(&m), None)?;
        }
        for e in evaluations(&self.tx, id)? {
            let key = format!("{id}/{}", e.fiscal_year.0);
            self.audit(Action::Delete, "evaluation", &key, Some(&e), None)?;
        }
        let history = status_history(&self.tx, id)?;
        if !history.is_empty() {
            self.audit(Action::Delete, "status_history", &before.ledger_id, Some(&history), None)?;
        }
        self.tx.prepare_cached("DELETE FROM initiatives WHERE id = ?1")?.execute([id])?;
        self.audit(Action::Delete, "initiative", &before.ledger_id, Some(&before), None)
    }

    /// Records or replaces the evaluation of one fiscal year.
    pub(super) fn set_evaluation(&mut self, initiative_id: i64, e: &Evaluation) -> Result<()> {
        let before = evaluations(&self.tx, initiative_id)?.into_iter().find(|x| x.fiscal_year == e.fiscal_year);
        self.tx
            .prepare_cached(
                "INSERT INTO evaluations (initiative_id, fiscal_year, grade, reason, reviewer_comment)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (initiative_id, fiscal_year) DO UPDATE SET
                 grade = excluded.grade, reason = excluded.reason, reviewer_comment = excluded.reviewer_comment",
            )?
            .execute(params![initiative_id, e.fiscal_year.0, e.grade.label(), e.reason, e.reviewer_comment])?;
        let key = format!("{initiative_id}/{}", e.fiscal_year.0);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "evaluation", &key, before.as_ref(), Some(e))
    }

    /// Deletes the evaluation of one fiscal year, if there is one.
    pub(super) fn delete_evaluation(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        let Some(before) = evaluations(&self.tx, initiative_id)?.into_iter().find(|x| x.fiscal_year == fy) else {
            return Ok(());
        };
        self.tx
            .prepare_cached("DELETE FROM evaluations WHERE initiative_id = ?1 AND fiscal_year = ?2")?
            .execute(params![initiative_id, fy.0])?;
        self.audit(Action::Delete, "evaluation", &format!("{initiative_id}/{}", fy.0), Some(&before), None)
    }

    /// Gives an initiative back the status history it had (an undone deletion): the history it has now is replaced.
    pub(super) fn restore_status_history(&mut self, initiative_id: i64, history: &[StatusChange]) -> Result<()> {
        let initiative = find_initiative(&self.tx, initiative_id)?;
        self.tx.prepare_cached("DELETE FROM status_history WHERE initiative_id = ?1")?.execute([initiative_id])?;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO status_history (initiative_id, status, changed_on, note) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for h in history {
            insert.execute(params![initiative_id, h.status.label(), h.changed_on.to_string(), h.note])?;
        }
        drop(insert);
        self.audit(Action::Create, "status_history", &initiative.ledger_id, None, Some(&history))
    }
}
