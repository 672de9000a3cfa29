//! The spring survey: a campaign per fiscal year and each section's return.

use chrono::NaiveDate;
use postgres::GenericClient;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{Campaign, ReturnState, SectionReturn};

pub(super) fn campaign(c: &impl super::Queries, fy: FiscalYear) -> Result<Option<Campaign>> {
    let rows = c.prepared_query(
        "SELECT deadline, started_on, closed_on FROM survey_campaigns WHERE fiscal_year = $1",
        &[&fy.0],
    )?;
    rows.first()
        .map(|r| {
            Ok(Campaign {
                fiscal_year: fy,
                deadline: r.try_get(0)?,
                started_on: r.try_get(1)?,
                closed_on: r.try_get(2)?,
            })
        })
        .transpose()
}

pub(super) fn section_returns(c: &mut impl GenericClient, fy: FiscalYear) -> Result<Vec<SectionReturn>> {
    let rows = c.query(
        "SELECT section_id, state, received_on, file_name, reasons FROM survey_returns WHERE fiscal_year = $1
         ORDER BY section_id",
        &[&fy.0],
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let state: String = r.try_get(1)?;
        out.push(SectionReturn {
            fiscal_year: fy,
            section_id: r.try_get(0)?,
            state: ReturnState::parse(&state)
                .ok_or_else(|| Error::Internal(format!("回答の状態が読めません: {state}")))?,
            received_on: r.try_get(2)?,
            file_name: r.try_get(3)?,
            reasons: r.try_get(4)?,
        });
    }
    Ok(out)
}

impl PgTx<'_> {
    /// Starts (or extends) a year's survey: the campaign with its deadline, and a 未提出 row for each section not in
    /// it yet. Returns how many sections were added.
    pub(super) fn start_campaign(&mut self, c: &Campaign, sections: &[i64]) -> Result<usize> {
        let before = campaign(self, c.fiscal_year)?;
        match &before {
            Some(old) => {
                self.db().execute(
                    "UPDATE survey_campaigns SET deadline = $2, closed_on = NULL WHERE fiscal_year = $1",
                    &[&c.fiscal_year.0, &c.deadline],
                )?;
                let after = Campaign { deadline: c.deadline, closed_on: None, ..old.clone() };
                self.audit(Action::Update, "survey", &c.fiscal_year.0.to_string(), Some(old), Some(&after))?;
            }
            None => {
                self.db().execute(
                    "INSERT INTO survey_campaigns (fiscal_year, deadline, started_on) VALUES ($1, $2, $3)",
                    &[&c.fiscal_year.0, &c.deadline, &c.started_on],
                )?;
                self.audit(Action::Create, "survey", &c.fiscal_year.0.to_string(), None, Some(c))?;
            }
        }
        let mut added = 0;
        for s in sections {
            let n = self.db().execute(
                "INSERT INTO survey_returns (fiscal_year, section_id, state) VALUES ($1, $2, '未提出')
                 ON CONFLICT DO NOTHING",
                &[&c.fiscal_year.0, s],
            )?;
            added += usize::try_from(n).unwrap_or_default();
        }
        Ok(added)
    }

    /// Records where a section's return stands (its state moves only as [`ReturnState::can_become`] allows).
    pub(super) fn set_section_return(&mut self, r: &SectionReturn) -> Result<()> {
        let key = format!("{}/{}", r.fiscal_year.0, r.section_id);
        let before =
            section_returns(&mut *self.db(), r.fiscal_year)?.into_iter().find(|x| x.section_id == r.section_id);
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
        self.db().execute(
            "UPDATE survey_returns SET state = $3, received_on = $4, file_name = $5, reasons = $6
             WHERE fiscal_year = $1 AND section_id = $2",
            &[&r.fiscal_year.0, &r.section_id, &r.state.label(), &r.received_on, &r.file_name, &r.reasons],
        )?;
        self.audit(Action::Update, "survey_return", &key, Some(&before), Some(r))
    }

    /// Closes a year's survey.
    pub(super) fn close_campaign(&mut self, fy: FiscalYear, on: NaiveDate) -> Result<()> {
        let before = campaign(self, fy)?;
        let Some(before) = before else {
            return Err(Error::NotFound(format!("{}の調査はまだ始めていません", fy.label())));
        };
        self.db().execute("UPDATE survey_campaigns SET closed_on = $2 WHERE fiscal_year = $1", &[&fy.0, &on])?;
        let after = Campaign { closed_on: Some(on), ..before.clone() };
        self.audit(Action::Update, "survey", &fy.0.to_string(), Some(&before), Some(&after))
    }
}
