//! The body of each subcommand, by area; each argument struct lives beside its body. A body parses, calls one
//! function of the library (`daicho::actions` for a change, `daicho::views` or a read for the rest), and prints.

pub mod admin;
pub mod effect;
pub mod import;
pub mod initiative;
pub mod ocr;
pub mod org;
pub mod report;
pub mod survey;

use std::process::ExitCode;

use chrono::Local;
use daicho::Result;
use daicho::actions;
use daicho::db::{Location, Read, Store};
use daicho::formula::{Formula, result_text};
use daicho::ledger::{Author, Evaluation};
use daicho::number::{self, group_thousands, round_half_up};
use rust_decimal::Decimal;
use serde_json::json;

use crate::{Cli, Command, emit, emit_json};

pub(crate) fn author() -> Author {
    Author::os_user(Local::now().fixed_offset())
}

/// Opens the ledger `--db`/`DAICHO_DB` names — a file, or a PostgreSQL server's connection string — or the default
/// file in the app-data folder.
fn open(cli_db: Option<std::path::PathBuf>) -> Result<Store> {
    let path = match cli_db {
        Some(p) => match p.to_str().map(Location::parse) {
            Some(Location::Server(conn)) => return Store::connect(&conn),
            _ => p,
        },
        None => daicho::db::default_path()?,
    };
    if let Some(warning) = daicho::db::location_warning_for(&path) {
        eprintln!("警告: {warning}");
    }
    Store::open(&path)
}

pub(crate) fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

pub(crate) fn hours_text(minutes: Decimal) -> String {
    group_thousands(minutes / Decimal::from(60), 2)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let db_path = cli.db;
    match cli.command {
        Command::Calc { formula, json } => {
            // An existing ledger's hours per day and per person-year apply to 人日 and 人工; no ledger is created
            // just to calculate.
            let path = match db_path {
                Some(p) => Some(p),
                None => daicho::db::default_path().ok(),
            };
            let on_server = path.as_ref().and_then(|p| p.to_str()).map(Location::parse);
            let path = match on_server {
                Some(Location::Server(_)) => path,
                _ => path.filter(|p| p.exists()),
            };
            let conversions = match path {
                Some(p) => open(Some(p))?.settings()?.conversions(),
                None => daicho::formula::Conversions::default(),
            };
            return calc(&formula, json, &conversions);
        }
        Command::Org(c) => return org::run(open(db_path)?, c),
        Command::Add(a) => initiative::add(open(db_path)?, a)?,
        Command::Edit(a) => initiative::edit(open(db_path)?, a)?,
        Command::List(a) => initiative::list(open(db_path)?, a)?,
        Command::Show { id, json } => initiative::show(open(db_path)?, &id, json)?,
        Command::Delete { id, if_version } => initiative::delete(open(db_path)?, &id, if_version)?,
        Command::Undo { dry_run } => initiative::undo(open(db_path)?, dry_run)?,
        Command::Effect(c) => effect::run(open(db_path)?, c)?,
        Command::Evaluate { id, fy, grade, reason, comment } => {
            let e = Evaluation { fiscal_year: fy, grade, reason, reviewer_comment: comment };
            initiative::evaluate(open(db_path)?, &id, &e)?
        }
        Command::Target(c) => admin::target(open(db_path)?, c)?,
        Command::Settings(c) => admin::settings(open(db_path)?, c)?,
        Command::Summary(a) => report::summary(open(db_path)?, a)?,
        Command::Report(a) => report::report(open(db_path)?, a)?,
        Command::Cost(c) => admin::cost(open(db_path)?, c)?,
        Command::Check { fy, json } => return report::check(open(db_path)?, fy, json),
        Command::Template { fy, output, bureau, prefill } => {
            import::survey(open(db_path)?, fy, &output, bureau.as_deref(), true, prefill)?
        }
        Command::Export(import::ExportCommand::Ledger { fy, output, bureau }) => {
            import::survey(open(db_path)?, fy, &output, bureau.as_deref(), false, true)?
        }
        Command::Import(a) => return import::import(open(db_path)?, a),
        Command::Survey(c) => survey::run(open(db_path)?, c)?,
        Command::Ocr(c) => ocr::run(open(db_path)?, c)?,
        Command::Returns { fy, json } => import::returns(open(db_path)?, fy, json)?,
        Command::Backup { output } => {
            let store = open(db_path)?;
            store.backup_to(&output)?;
            emit(&format!("バックアップを作りました: {}", output.display()));
        }
        Command::Restore { file } => {
            let mut store = open(db_path)?;
            let kept = store.restore_from(&file)?;
            emit(&format!("{} から台帳を戻しました（元の台帳は {} に残しています）", file.display(), kept.display()));
        }
        Command::Demo { remove: true } => {
            let mut store = open(db_path)?;
            let kept = actions::remove_sample(&mut store)?;
            emit(&format!(
                "サンプルデータを消して空の台帳にしました（{}）。サンプルは {} に残しています",
                store.path().display(),
                kept.display()
            ));
        }
        Command::Demo { remove: false } => {
            let mut store = open(db_path)?;
            let stats = actions::load_demo(&mut store, &author())?;
            emit(&format!(
                "サンプルデータを登録しました（{}）: 部局 {}、課 {}、取組 {}、効果 {} 件、目標値 {} 件\n\
                 AI-OCR 読取実績 {} 件。次の例: daicho summary --fy 2023",
                store.path().display(),
                stats.bureaus,
                stats.sections,
                stats.initiatives,
                stats.effects,
                stats.targets,
                stats.ocr_measures
            ));
        }
        Command::Db(c) => admin::db(c)?,
        Command::Server(c) => admin::server(c)?,
        Command::Log { id, limit, json } => initiative::log(open(db_path)?, id.as_deref(), limit, json)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn calc(text: &str, json: bool, conversions: &daicho::formula::Conversions) -> Result<ExitCode> {
    let f = match Formula::parse_with(text, conversions) {
        Ok(f) => f,
        Err(e) => {
            // Point at the character: the formula, then a caret under the fault (by display width).
            let before: String = text.chars().take(e.position).collect();
            let pad = " ".repeat(unicode_width::UnicodeWidthStr::width(before.as_str()));
            eprintln!("エラー: {e}\n  {text}\n  {pad}^");
            return Ok(ExitCode::from(2));
        }
    };
    let check = f.check();
    if json {
        emit_json(&json!({
            "minutes": number::json(f.minutes()),
            "hours": number::json(round_half_up(f.hours(), 6)),
            "canonical": f.canonical(),
            "stated_minutes": f.stated_minutes().map(number::json),
            "matches_stated": check.map(|c| c.matches),
            "difference_minutes": check.map(|c| number::json(c.difference_minutes)),
            "approx": f.is_approx(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!("算定式    {}\n削減時間  {}\n", f.canonical(), result_text(f.minutes()));
    if let Some(c) = check {
        out.push_str(&format!("申告値    {}  {}\n", result_text(c.stated_minutes), c.describe()));
    }
    emit(&out);
    Ok(ExitCode::SUCCESS)
}
