//! The spring survey: a campaign per fiscal year and each section's return.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Campaign, ReturnState, SectionReturn};

fn date(text: Option<String>) -> Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| Error::Internal(format!("日付として読めません: {t}")))
    })
    .transpose()
}

pub(super) fn campaign(conn: &Connection, fy: FiscalYear) -> Result<Option<Campaign>> {
    let row: Option<(String, String, Option<String>)> = conn
        .prepare_cached("SELECT deadline, started_on, closed_on FROM survey_campaigns WHERE fiscal_year = ?1")?
        .query_row([fy.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(deadline, started_on, closed_on)| {
        Ok(Campaign {
            fiscal_year: fy,
            deadline: date(Some(deadline))?.unwrap_or_default(),
            started_on: date(Some(started_on))?.unwrap_or_default(),
            closed_on: date(closed_on)?,
        })
    })
    .transpose()
}

pub(super) fn section_returns(conn: &Connection, fy: FiscalYear) -> Result<Vec<SectionReturn>> {
    let mut stmt = conn.prepare_cached(
        "SELECT section_id, state, received_on, file_name, reasons FROM survey_returns WHERE fiscal_year = ?1
         ORDER BY section_id",
    )?;
    let rows =
        stmt.query_map([fy.0], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (section_id, state, received_on, file_name, reasons) = row?;
        out.push(SectionReturn {
            fiscal_year: fy,
            section_id,
            state: ReturnState::parse(&state)
                .ok_or_else(|| Error::Internal(format!("回答の状態が読めません: {state}")))?,
            received_on: date(received_on)?,
            file_name,
            reasons,
        });
    }
    Ok(out)
}

impl SqliteTx<'_> {
    /// Starts (or extends) a year's survey: the campaign with its deadline, and a 未提出 row for each section not in
    /// it yet. Returns how many sections were added.
    pub(super) fn start_campaign(&mut self, c: &Campaign, sections: &[i64]) -> Result<usize> {
        let before = campaign(&self.tx, c.fiscal_year)?;
        let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        match &before {
            Some(old) => {
                self.tx
                    .prepare_cached(
                        "UPDATE survey_campaigns SET deadline = ?2, closed_on = NULL WHERE fiscal_year = ?1",
                    )?
                    .execute(params![c.fiscal_year.0, fmt(c.deadline)])?;
                let after = Campaign { deadline: c.deadline, closed_on: None, ..old.clone() };
                self.audit(Action::Update, "survey", &c.fiscal_year.0.to_string(), Some(old), Some(&after))?;
            }
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO survey_campaigns (fiscal_year, deadline, started_on) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![c.fiscal_year.0, fmt(c.deadline), fmt(c.started_on)])?;
                self.audit(Action::Create, "survey", &c.fiscal_year.0.to_string(), None, Some(c))?;
            }
        }
        let mut added = 0;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO survey_returns (fiscal_year, section_id, state) VALUES (?1, ?2, '未提出')",
        )?;
        for s in sections {
            added += insert.execute(params![c.fiscal_year.0, s])?;
        }
        Ok(added)
    }

    /// Records where a section's return stands (its state moves only as [`ReturnState::can_become`] allows).
    pub(super) fn set_section_return(&mut self, r: &SectionReturn) -> Result<()> {
        let key = format!("{}/{}", r.fiscal_year.0, r.section_id);
        let before = section_returns(&self.tx, r.fiscal_year)?.into_iter().find(|x| x.section_id == r.section_id);
        let Some(before) = before else {
            return Err(Error::NotFound(format!(
                "{}の調査にこの課は含まれていません（daicho survey start で加えられます）",
                r.fiscal_year.label()
            )));
        };
        if before.state != r.state && !before.state.can_become(r.state) {
            return Err(Error::Invalid(format!(
                "回答の状態は「{}」から「{}」には変えられません",
                before.state.label(),
                r.state.label()
            )));
        }
        let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        self.tx
            .prepare_cached(
                "UPDATE survey_returns SET state = ?3, received_on = ?4, file_name = ?5, reasons = ?6
                 WHERE fiscal_year = ?1 AND section_id = ?2",
            )?
            .execute(params![
                r.fiscal_year.0,
                r.section_id,
                r.state.label(),
                fmt(r.received_on),
                r.file_name,
                r.reasons
            ])?;
        self.audit(Action::Update, "survey_return", &key, Some(&before), Some(r))
    }

    /// Closes a year's survey.
    pub(super) fn close_campaign(&mut self, fy: FiscalYear, on: NaiveDate) -> Result<()> {
        let Some(before) = campaign(&self.tx, fy)? else {
            return Err(Error::NotFound(format!("{}の調査はまだ始めていません", fy.label())));
        };
        self.tx
            .prepare_cached("UPDATE survey_campaigns SET closed_on = ?2 WHERE fiscal_year = ?1")?
            .execute(params![fy.0, on.format("%Y-%m-%d").to_string()])?;
        let after = Campaign { closed_on: Some(on), ..before.clone() };
        self.audit(Action::Update, "survey", &fy.0.to_string(), Some(&before), Some(&after))
    }
}
