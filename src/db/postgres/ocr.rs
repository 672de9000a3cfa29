//! AI-OCR measures (読取枚数, characters read and corrected, correction time) per initiative and fiscal year.

use postgres::{GenericClient, Row};
use rust_decimal::Decimal;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::OcrMeasure;

const COLUMNS: &str = "initiative_id, fiscal_year, form_type, sheets, chars_read, chars_corrected, correction_minutes";

fn from_row(r: &Row) -> Result<OcrMeasure> {
    Ok(OcrMeasure {
        initiative_id: r.try_get(0)?,
        fiscal_year: FiscalYear(r.try_get(1)?),
        form_type: r.try_get(2)?,
        sheets: r.try_get(3)?,
        chars_read: r.try_get(4)?,
        chars_corrected: r.try_get(5)?,
        correction_minutes: r.try_get(6)?,
    })
}

/// The measures of a fiscal year (or every year), by initiative.
pub(super) fn ocr_measures(c: &mut impl GenericClient, fy: Option<FiscalYear>) -> Result<Vec<OcrMeasure>> {
    let rows = c.query(
        &format!(
            "SELECT {COLUMNS} FROM ocr_measures WHERE $1::INTEGER IS NULL OR fiscal_year = $1
             ORDER BY fiscal_year, initiative_id"
        ),
        &[&fy.map(|f| f.0)],
    )?;
    rows.iter().map(from_row).collect()
}

/// The measures of one initiative, by fiscal year.
pub(super) fn ocr_measures_of(c: &mut impl GenericClient, initiative_id: i64) -> Result<Vec<OcrMeasure>> {
    let rows = c.query(
        &format!("SELECT {COLUMNS} FROM ocr_measures WHERE initiative_id = $1 ORDER BY fiscal_year"),
        &[&initiative_id],
    )?;
    rows.iter().map(from_row).collect()
}

fn find(c: &mut impl GenericClient, initiative_id: i64, fy: FiscalYear) -> Result<Option<OcrMeasure>> {
    c.query_opt(
        &format!("SELECT {COLUMNS} FROM ocr_measures WHERE initiative_id = $1 AND fiscal_year = $2"),
        &[&initiative_id, &fy.0],
    )?
    .as_ref()
    .map(from_row)
    .transpose()
}

impl PgTx<'_> {
    /// Records (or replaces) the measure of an initiative's fiscal year; a measure with no figure removes it.
    pub(super) fn set_ocr_measure(&mut self, m: &OcrMeasure) -> Result<()> {
        if m.is_empty() {
            return self.delete_ocr_measure(m.initiative_id, m.fiscal_year);
        }
        if let Some(problem) = m.problem() {
            return Err(Error::Invalid(problem));
        }
        if [m.sheets, m.chars_read, m.chars_corrected].iter().flatten().any(|n| *n < 0)
            || m.correction_minutes.is_some_and(|d| d < Decimal::ZERO)
        {
            return Err(Error::Invalid("AI-OCR の読取実績は0以上で指定してください".into()));
        }
        let before = find(&mut *self.db(), m.initiative_id, m.fiscal_year)?;
        self.db().execute(
            "INSERT INTO ocr_measures (initiative_id, fiscal_year, form_type, sheets, chars_read, chars_corrected,
                 correction_minutes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (initiative_id, fiscal_year) DO UPDATE SET form_type = excluded.form_type,
                 sheets = excluded.sheets, chars_read = excluded.chars_read,
                 chars_corrected = excluded.chars_corrected, correction_minutes = excluded.correction_minutes",
            &[
                &m.initiative_id,
                &m.fiscal_year.0,
                &m.form_type.as_deref().map(str::trim).filter(|t| !t.is_empty()),
                &m.sheets,
                &m.chars_read,
                &m.chars_corrected,
                &m.correction_minutes.map(|d| d.normalize()),
            ],
        )?;
        let after = find(&mut *self.db(), m.initiative_id, m.fiscal_year)?;
        if before != after {
            let key = format!("{}/{}", m.initiative_id, m.fiscal_year.0);
            let action = if before.is_some() { Action::Update } else { Action::Create };
            self.audit(action, "ocr_measure", &key, before.as_ref(), after.as_ref())?;
        }
        Ok(())
    }

    /// Removes the measure of an initiative's fiscal year (nothing to do when there is none).
    pub(super) fn delete_ocr_measure(&mut self, initiative_id: i64, fy: FiscalYear) -> Result<()> {
        let Some(before) = find(&mut *self.db(), initiative_id, fy)? else { return Ok(()) };
        self.db().execute(
            "DELETE FROM ocr_measures WHERE initiative_id = $1 AND fiscal_year = $2",
            &[&initiative_id, &fy.0],
        )?;
        self.audit(Action::Delete, "ocr_measure", &format!("{initiative_id}/{}", fy.0), Some(&before), None)
    }
}
