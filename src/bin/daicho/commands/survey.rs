//! `daicho survey`: the spring survey of a fiscal year (照会 → 回答 → 督促 → 集約).

use std::path::PathBuf;

use chrono::{Local, NaiveDate};
use clap::Subcommand;
use daicho::actions;
use daicho::db::Store;
use daicho::fiscal::{DateStyle, FiscalYear};
use daicho::ledger::ReturnState;
use daicho::{Error, Result};

use super::author;
use crate::table::{Align, Table};
use crate::{date, emit, emit_json, fiscal_year, return_state};

#[derive(Subcommand)]
pub enum SurveyCommand {
    /// 調査を始める: 課ごとに記入済みの調査票（調査票_R7_部局_課.xlsx）をフォルダに書き出し、締切を記録する
    Start {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 回答の締切（例: 2025-05-31, 令和7年5月31日）
        #[arg(long, value_parser = date)]
        deadline: NaiveDate,
        /// 調査票を書き出すフォルダ（なければ作ります）
        #[arg(short, long)]
        output: PathBuf,
        /// この部局（または 部局/課）だけに送る
        #[arg(long)]
        bureau: Option<String>,
    },
    /// 課ごとの回答の状態（未提出・受付・確認中・差戻し・確定）を表示する
    Status {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(long)]
        json: bool,
    },
    /// 課の回答の状態を変える（受付・確認中・差戻し・確定）。差戻しには --reason で直してほしいことを書く
    Set {
        /// 課（部局/課 のパスまたは名前）
        section: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 新しい状態: 受付 / 確認中 / 差戻し / 確定
        #[arg(long, value_parser = return_state)]
        state: ReturnState,
        /// 差戻しの理由（課に直してほしいこと）
        #[arg(long)]
        reason: Option<String>,
    },
    /// 未提出・差戻しの課の一覧を Excel に書き出す（督促用、部局つき）
    Missing {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 取り込めない回答を差し戻す: 直してほしいこと（行・列・記入された値・直し方）の一覧を課あての Excel に書き出し、
    /// その課の回答を「差戻し」にする（理由つき）
    SendBack {
        /// 差し戻す回答のファイル
        file: PathBuf,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 書き出す一覧のファイル（省略時は今のフォルダに 差戻し_R6_部局_課.xlsx）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 算定区分の記載がない回答の算定区分（import --basis と同じ）
        #[arg(long, value_parser = crate::basis)]
        basis: Option<daicho::ledger::Basis>,
        /// 列の対応「見出し=項目」（import --map と同じ）
        #[arg(long = "map", value_name = "見出し=項目", value_parser = crate::column_map)]
        maps: Vec<daicho::import::ColumnMap>,
    },
    /// 調査を締め切る（すべての課が確定していること）
    Close {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
    },
}

pub fn run(mut store: Store, c: SurveyCommand) -> Result<()> {
    let today = Local::now().date_naive();
    match c {
        SurveyCommand::Start { fy, deadline, output, bureau } => {
            let started = actions::start_survey(
                &mut store,
                &author(),
                fy,
                deadline,
                bureau.as_deref(),
                &output,
                &mut |done, total, path| {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    eprintln!("[{done}/{total}] {name}");
                },
            )?;
            emit(&format!(
                "{}の調査票を {} 課分書き出しました: {}\n締切 {}。回答を daicho import で取り込むと、その課は「受付」になります（新たに調査に加えた課 {} 課）",
                fy.label(),
                started.files.len(),
                output.display(),
                daicho::fiscal::wareki_date(deadline),
                started.added
            ));
        }
        SurveyCommand::Status { fy, json } => {
            let Some(s) = daicho::views::survey_status(&store, fy, today, DateStyle::Wareki)? else {
                return Err(Error::NotFound(format!(
                    "{}の調査はまだ始めていません（daicho survey start --fy {} --deadline … -o フォルダ）",
                    fy.label(),
                    fy.0
                )));
            };
            if json {
                return emit_json(&s);
            }
            let mut t = Table::new(&[
                ("部局", Align::Left),
                ("課", Align::Left),
                ("状態", Align::Left),
                ("受付日", Align::Left),
                ("ファイル", Align::Left),
                ("差戻しの理由", Align::Left),
            ]);
            for r in &s.sections {
                t.row(vec![
                    r.bureau.clone(),
                    r.section.clone(),
                    r.state.clone(),
                    r.received_on.clone().unwrap_or_default(),
                    r.file.clone().unwrap_or_default(),
                    r.reasons.clone().unwrap_or_default(),
                ]);
            }
            let counts: Vec<String> = s.counts.iter().map(|c| format!("{} {}", c.state, c.sections)).collect();
            let deadline = if s.overdue {
                format!("締切 {}（過ぎています）", s.deadline)
            } else {
                format!("締切 {}", s.deadline)
            };
            let closed = s.closed_on.as_ref().map_or(String::new(), |d| format!("、{d}に締切済み"));
            emit(&format!("{} の調査（{deadline}{closed}）\n{}{}", s.label, t.render(), counts.join("、")));
        }
        SurveyCommand::Set { section, fy, state, reason } => {
            let r = actions::set_return_state(&mut store, &author(), fy, &section, state, reason)?;
            emit(&format!("{}の「{section}」の回答を「{}」にしました", fy.label(), r.state.label()));
        }
        SurveyCommand::Missing { fy, output } => {
            let (bytes, n) = daicho::export::survey_missing_file(&store, fy, today)?;
            daicho::export::write_atomically(&output, &bytes)?;
            emit(&format!("未提出・差戻しの課 {n} 課の一覧を書き出しました: {}", output.display()));
        }
        SurveyCommand::SendBack { file, fy, output, basis, maps } => {
            let bytes = std::fs::read(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
            let options = daicho::import::ImportOptions { fiscal_year: Some(fy), basis, maps, ..Default::default() };
            let name = file.display().to_string();
            let errors = actions::return_errors(&store, &name, &bytes, &options, fy, today)?;
            let output = output.unwrap_or_else(|| PathBuf::from(&errors.file_name));
            daicho::export::write_atomically(&output, &errors.workbook)?;
            let sent = actions::send_back(&mut store, &author(), fy, &errors.report)?;
            let what = format!(
                "要修正 {} 件・要確認 {} 件の一覧を書き出しました: {}",
                errors.report.errors.len(),
                errors.report.cautions.len(),
                output.display()
            );
            if sent.is_empty() {
                emit(&format!(
                    "{what}\n（{}の調査がないか、この課が調査の対象外か確定済みのため、回答の状態は変えていません）",
                    fy.label()
                ));
            } else {
                emit(&format!("{what}\n差戻しにしました: {}", sent.join("、")));
            }
        }
        SurveyCommand::Close { fy } => {
            actions::close_survey(&mut store, &author(), fy)?;
            emit(&format!("{}の調査を締め切りました", fy.label()));
        }
    }
    Ok(())
}
