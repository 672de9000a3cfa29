//! `daicho ocr`: what AI-OCR initiatives read (読取枚数, characters read and corrected, correction time) per year.

use clap::Subcommand;
use daicho::actions;
use daicho::db::{Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::number::group_thousands;
use daicho::{Error, Result};
use rust_decimal::Decimal;

use super::author;
use crate::table::{Align, Table};
use crate::{decimal, emit, emit_json, fiscal_year};

#[derive(Subcommand)]
pub enum OcrCommand {
    /// AI-OCR の読取実績を記録する（指定した項目だけ変わります。AI-OCR・RPA+AI-OCR の取組だけ）
    Set {
        /// 管理番号
        id: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 帳票の種類（例: 保育所入所申込書）
        #[arg(long)]
        form: Option<String>,
        /// 読取枚数
        #[arg(long)]
        sheets: Option<i64>,
        /// 読取文字数
        #[arg(long)]
        read: Option<i64>,
        /// 修正文字数（読取文字数のうち手で修正した文字数）
        #[arg(long)]
        corrected: Option<i64>,
        /// 年度の修正時間の合計（分）
        #[arg(long, value_parser = decimal)]
        minutes: Option<Decimal>,
    },
    /// 年度の AI-OCR 読取実績を一覧する（正読率つき）
    List {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(mut store: Store, c: OcrCommand) -> Result<()> {
    match c {
        OcrCommand::Set { id, fy, form, sheets, read, corrected, minutes } => {
            let i = store.initiative_by_ledger_id(&id)?;
            // A field not given keeps what was recorded.
            let before = store.ocr_measures_of(i.id)?.into_iter().find(|m| m.fiscal_year == fy);
            let input = actions::OcrInput {
                form_type: form,
                sheets,
                chars_read: read,
                chars_corrected: corrected,
                correction_minutes: minutes,
            };
            if input.is_empty() {
                return Err(Error::Invalid(
                    "記録する項目（--form, --sheets, --read, --corrected, --minutes）を指定してください".into(),
                ));
            }
            let merged = input.over(i.id, fy, before.as_ref());
            let full = actions::OcrInput {
                form_type: merged.form_type.clone(),
                sheets: merged.sheets,
                chars_read: merged.chars_read,
                chars_corrected: merged.chars_corrected,
                correction_minutes: merged.correction_minutes,
            };
            let m = actions::set_ocr_measure(&mut store, &author(), &id, fy, &full, None)?;
            let rate = m.accuracy().map_or(String::new(), |a| format!("、正読率 {}%", percent(a)));
            emit(&format!("{id} の{}の AI-OCR 読取実績を記録しました{rate}", fy.label()));
        }
        OcrCommand::List { fy, json } => {
            let lines = daicho::report::ocr_lines(&store, Some(fy))?;
            if json {
                let items: Vec<serde_json::Value> = lines
                    .iter()
                    .map(|l| {
                        serde_json::json!({
                            "ledger_id": l.ledger_id,
                            "title": l.title,
                            "tool": l.tool,
                            "measure": l.measure,
                            "accuracy": l.measure.accuracy().map(|a| a.round_dp(6).normalize().to_string()),
                        })
                    })
                    .collect();
                return emit_json(&serde_json::json!({ "fiscal_year": fy.0, "items": items }));
            }
            let mut t = Table::new(&[
                ("管理番号", Align::Left),
                ("業務名", Align::Left),
                ("帳票の種類", Align::Left),
                ("読取枚数", Align::Right),
                ("読取文字数", Align::Right),
                ("修正文字数", Align::Right),
                ("正読率", Align::Right),
                ("修正時間(分)", Align::Right),
            ]);
            let n = |v: Option<i64>| v.map_or(String::new(), |v| group_thousands(Decimal::from(v), 0));
            for l in &lines {
                let m = &l.measure;
                t.row(vec![
                    l.ledger_id.clone(),
                    l.title.clone(),
                    m.form_type.clone().unwrap_or_default(),
                    n(m.sheets),
                    n(m.chars_read),
                    n(m.chars_corrected),
                    m.accuracy().map_or(String::new(), |a| format!("{}%", percent(a))),
                    m.correction_minutes.map_or(String::new(), |d| group_thousands(d, 2)),
                ]);
            }
            emit(&format!("{} の AI-OCR 読取実績\n{}{} 件", fy.label(), t.render(), lines.len()));
        }
    }
    Ok(())
}

/// A 正読率 as a percentage with two decimals: 0.99254 → `99.25`.
fn percent(rate: Decimal) -> String {
    daicho::number::group_fixed(rate * Decimal::ONE_HUNDRED, 2)
}
