//! The body of each subcommand: parse, call the library, print.

use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clap::Args;
use daicho::db::{self, Author, InitiativeFilter, Store};
use daicho::fiscal::FiscalYear;
use daicho::formula::{Formula, result_text};
use daicho::ledger::{
    Basis, EffectInput, Evaluation, InitiativeFields, Kind, NewEffect, SETTING_KEYS, Status, Structured, Target,
};
use daicho::number::{self, group_thousands, round_half_up};
use daicho::org::{Level, NameView, OrgChart, split_path};
use daicho::report::{GroupBy, SummaryOptions, check_list, summarize_year};
use daicho::{Error, Result};
use rust_decimal::Decimal;
use serde_json::json;

use crate::table::{Align, Table};
use crate::{Cli, Command, CostCommand, EffectCommand, ExportCommand, OrgCommand, SettingsCommand, TargetCommand};
use crate::{basis, column_map, date, decimal, emit, emit_json, fiscal_year, kind, status};

#[derive(Args)]
pub struct AddArgs {
    /// 所属（部局/課/係 のパスまたは名前）
    #[arg(long)]
    unit: String,
    /// 区分: RPA / AI-OCR / RPA+AI-OCR / その他
    #[arg(long, value_parser = kind)]
    kind: Kind,
    /// 業務名
    #[arg(long)]
    title: String,
    /// ツール・製品（例: WinActor, DX Suite）
    #[arg(long)]
    tool: Option<String>,
    /// ベンダー
    #[arg(long)]
    vendor: Option<String>,
    /// 状況: 検討中 / 開発中 / 試行中 / 運用中 / 停止 / 廃止
    #[arg(long, value_parser = status, default_value = "検討中")]
    status: Status,
    /// 運用開始日（例: 2023/4/1, 令和5年4月1日）
    #[arg(long, value_parser = date)]
    start: Option<NaiveDate>,
    /// シナリオ数
    #[arg(long)]
    scenarios: Option<i64>,
    /// 担当者
    #[arg(long)]
    owner: Option<String>,
    /// 備考
    #[arg(long)]
    notes: Option<String>,
    /// 管理番号（省略時は R5-0001 のように自動採番）
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct EditArgs {
    /// 管理番号
    id: String,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long, value_parser = kind)]
    kind: Option<Kind>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    tool: Option<String>,
    #[arg(long)]
    vendor: Option<String>,
    /// 新しい状況（状況の履歴に記録されます）
    #[arg(long, value_parser = status)]
    status: Option<Status>,
    /// 状況が変わった日（省略時は今日）
    #[arg(long, value_parser = date)]
    status_on: Option<NaiveDate>,
    #[arg(long, value_parser = date)]
    start: Option<NaiveDate>,
    #[arg(long)]
    scenarios: Option<i64>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    /// この年度に効果がある取組（削減時間も表示）
    #[arg(long, value_parser = fiscal_year)]
    fy: Option<FiscalYear>,
    /// 部局（配下の課・係を含む）
    #[arg(long)]
    bureau: Option<String>,
    #[arg(long, value_parser = kind)]
    kind: Option<Kind>,
    #[arg(long, value_parser = status)]
    status: Option<Status>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct EffectSetArgs {
    /// 管理番号
    id: String,
    #[arg(long, value_parser = fiscal_year)]
    fy: FiscalYear,
    /// 算定区分: 試算 / 試行 / 実績
    #[arg(long, value_parser = basis)]
    basis: Basis,
    /// 算定式（例: "5分×40か所×245日"）
    #[arg(long, conflicts_with_all = ["saved_minutes", "before_minutes", "after_minutes", "count", "days"])]
    formula: Option<String>,
    /// 削減時間（分/件）
    #[arg(long, value_parser = decimal)]
    saved_minutes: Option<Decimal>,
    /// 導入前（分/件）
    #[arg(long, value_parser = decimal, requires = "after_minutes")]
    before_minutes: Option<Decimal>,
    /// 導入後（分/件）
    #[arg(long, value_parser = decimal, requires = "before_minutes")]
    after_minutes: Option<Decimal>,
    /// 件数
    #[arg(long, value_parser = decimal)]
    count: Option<Decimal>,
    /// 日数
    #[arg(long, value_parser = decimal)]
    days: Option<Decimal>,
    /// 所属が申告した削減時間（時間）
    #[arg(long, value_parser = decimal)]
    stated_hours: Option<Decimal>,
    /// 備考
    #[arg(long)]
    note: Option<String>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// 取り込むファイル（複数可）
    #[arg(required_unless_present = "history")]
    files: Vec<std::path::PathBuf>,
    /// 確認だけして書き込まない（何が変わるかを表示します）
    #[arg(long)]
    dry_run: bool,
    /// 年度の欄が空の行に使う年度（表題に年度があればそちらを使います）
    #[arg(long, value_parser = fiscal_year)]
    fy: Option<FiscalYear>,
    /// 算定区分の記載がない回答の算定区分（試算・試行・実績）。省略時は表題の記載、なければ台帳の設定 import.basis
    #[arg(long, value_parser = basis)]
    basis: Option<Basis>,
    /// 列の対応「見出し=項目」（例: --map "年間削減時間（見込）=削減時間(時間)" --map "G=無視"）。複数指定できます。
    /// 取り込んだ課の次の回答では、同じ見出しに同じ対応を使います
    #[arg(long = "map", value_name = "見出し=項目", value_parser = column_map)]
    maps: Vec<daicho::import::ColumnMap>,
    /// 取込の履歴を表示する
    #[arg(long, conflicts_with_all = ["files", "dry_run"])]
    history: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReportArgs {
    /// 帳票: summary（部局別）/ trend（年度推移）/ before-after（業務別 導入前後）/ check（検算）/
    /// cumulative（累計）/ cost（費用対効果）/ all（全帳票を1つのブックに）
    #[arg(value_enum)]
    kind: ReportChoice,
    #[arg(long, value_parser = fiscal_year)]
    fy: FiscalYear,
    /// 集計の単位: bureau（部局）/ section（課）、cumulative では initiative（取組）も
    #[arg(long, value_enum, default_value = "bureau")]
    by: ReportBy,
    /// 算定区分（省略時は取組ごとに 実績＞試行＞試算 の順で採用）
    #[arg(long, value_parser = basis)]
    basis: Option<Basis>,
    /// 組織名の表示: reported（報告時の組織名）/ current（現在の組織にまとめる）
    #[arg(long, value_enum, default_value = "reported")]
    view: View,
    /// 部局別集計に取組ごとの算定式の行を加える
    #[arg(long)]
    detail: bool,
    /// 年度推移の最初の年度（既定: 4年前）
    #[arg(long, value_parser = fiscal_year)]
    from: Option<FiscalYear>,
    /// 出力するファイル（.xlsx または .csv）。省略時は画面に表示
    #[arg(short, long)]
    output: Option<std::path::PathBuf>,
    /// JSON で出力する
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV で出力する（-o を省略すると標準出力へ）
    #[arg(long)]
    csv: bool,
    /// CSV の文字コード: cp932（Shift_JIS、既定）/ utf-8（BOM付き）
    #[arg(long, value_enum, default_value = "cp932")]
    encoding: Encoding,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportBy {
    Bureau,
    Section,
    Initiative,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportChoice {
    Summary,
    Trend,
    BeforeAfter,
    Check,
    Cumulative,
    Cost,
    All,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Encoding {
    Cp932,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
}

#[derive(Args)]
pub struct SummaryArgs {
    #[arg(long, value_parser = fiscal_year)]
    fy: FiscalYear,
    /// 集計の単位: bureau（部局）/ section（課）/ kind（区分）/ tool（ツール）/ status（状況）
    #[arg(long, value_enum, default_value = "bureau")]
    by: By,
    /// 算定区分（省略時は取組ごとに 実績＞試行＞試算 の順で採用）
    #[arg(long, value_parser = basis)]
    basis: Option<Basis>,
    /// 組織名の表示: reported（報告時の組織名）/ current（現在の組織にまとめる）
    #[arg(long, value_enum, default_value = "reported")]
    view: View,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum By {
    Bureau,
    Section,
    Kind,
    Tool,
    Status,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum View {
    Reported,
    Current,
}

fn author() -> Author {
    Author::os_user(Local::now().fixed_offset())
}

fn open(cli_db: Option<std::path::PathBuf>) -> Result<Store> {
    let path = match cli_db {
        Some(p) => p,
        None => db::default_path()?,
    };
    if let Some(warning) = db::location_warning_for(&path) {
        eprintln!("警告: {warning}");
    }
    Store::open(&path)
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn hours_text(minutes: Decimal) -> String {
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
                None => db::default_path().ok(),
            };
            let conversions = match path.filter(|p| p.exists()) {
                Some(p) => db::load_settings(open(Some(p))?.conn())?.conversions(),
                None => daicho::formula::Conversions::default(),
            };
            return calc(&formula, json, &conversions);
        }
        Command::Org(c) => return org(open(db_path)?, c),
        Command::Add(a) => add(open(db_path)?, a)?,
        Command::Edit(a) => edit(open(db_path)?, a)?,
        Command::List(a) => list(open(db_path)?, a)?,
        Command::Show { id, json } => show(open(db_path)?, &id, json)?,
        Command::Delete { id } => {
            let mut store = open(db_path)?;
            let i = db::initiative_by_ledger_id(store.conn(), &id)?;
            store.write(&author(), |tx| tx.delete_initiative(i.id))?;
            emit(&format!("取組 {}「{}」を削除しました", i.ledger_id, i.title));
        }
        Command::Effect(c) => effect(open(db_path)?, c)?,
        Command::Evaluate { id, fy, grade, reason, comment } => {
            let mut store = open(db_path)?;
            let i = db::initiative_by_ledger_id(store.conn(), &id)?;
            let e = Evaluation { fiscal_year: fy, grade, reason, reviewer_comment: comment };
            store.write(&author(), |tx| tx.set_evaluation(i.id, &e))?;
            emit(&format!("{} の{}の評価を {} にしました", i.ledger_id, fy.label(), grade));
        }
        Command::Target(c) => target(open(db_path)?, c)?,
        Command::Settings(c) => settings(open(db_path)?, c)?,
        Command::Summary(a) => summary(open(db_path)?, a)?,
        Command::Report(a) => report(open(db_path)?, a)?,
        Command::Cost(c) => cost(open(db_path)?, c)?,
        Command::Check { fy, json } => return check(open(db_path)?, fy, json),
        Command::Template { fy, output, bureau, prefill } => {
            survey(open(db_path)?, fy, &output, bureau.as_deref(), true, prefill)?
        }
        Command::Export(ExportCommand::Ledger { fy, output, bureau }) => {
            survey(open(db_path)?, fy, &output, bureau.as_deref(), false, true)?
        }
        Command::Import(a) => return import(open(db_path)?, a),
        Command::Returns { fy, json } => returns(open(db_path)?, fy, json)?,
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
        Command::Demo => {
            let mut store = open(db_path)?;
            let stats = store.write(&author(), daicho::demo::populate)?;
            emit(&format!(
                "サンプルデータを登録しました（{}）: 部局 {}、課 {}、取組 {}、効果 {} 件、目標値 {} 件\n\
                 次の例: daicho summary --fy 2023",
                store.path().display(),
                stats.bureaus,
                stats.sections,
                stats.initiatives,
                stats.effects,
                stats.targets
            ));
        }
        Command::Log { id, limit, json } => {
            let store = open(db_path)?;
            let key = match &id {
                Some(id) => Some(db::initiative_by_ledger_id(store.conn(), id)?.ledger_id),
                None => None,
            };
            let entity = key.as_ref().map(|_| "initiative");
            let entries = db::audit_log(store.conn(), entity, key.as_deref(), limit)?;
            if json {
                emit_json(&entries)?;
            } else {
                let mut t = Table::new(&[
                    ("日時", Align::Left),
                    ("利用者", Align::Left),
                    ("操作", Align::Left),
                    ("対象", Align::Left),
                    ("キー", Align::Left),
                ]);
                for e in entries {
                    let action = match e.action.as_str() {
                        "create" => "登録",
                        "update" => "変更",
                        _ => "削除",
                    };
                    t.row(vec![e.at.chars().take(19).collect(), e.actor, action.into(), e.entity, e.entity_key]);
                }
                emit(&t.render());
            }
        }
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
        let verdict = if c.matches {
            "一致（記載の桁数の範囲内）".to_string()
        } else {
            format!("不一致: 計算値との差 {}分", group_thousands(c.difference_minutes, 2))
        };
        out.push_str(&format!("申告値    {}  {verdict}\n", result_text(c.stated_minutes)));
    }
    emit(&out);
    Ok(ExitCode::SUCCESS)
}

fn org(mut store: Store, c: OrgCommand) -> Result<ExitCode> {
    match c {
        OrgCommand::Add { path, code, from, to } => {
            let names = split_path(&path);
            if names.is_empty() || names.len() > 3 {
                return Err(Error::Invalid(format!(
                    "組織は「部局/課/係」の形で3階層までで指定してください（指定: 「{path}」）"
                )));
            }
            let created = store.write(&author(), |tx| {
                let mut parent = None;
                let mut level = Level::Bureau;
                let mut created = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let last = i + 1 == names.len();
                    parent = Some(match tx.child_by_name(level, parent, name)? {
                        Some(id) if !last => id,
                        Some(_) => {
                            return Err(Error::Conflict(format!(
                                "{}「{}」はすでに登録されています",
                                level.ja(),
                                names.join("/")
                            )));
                        }
                        None => {
                            let code = if last { code.as_deref() } else { None };
                            let (f, t) = if last { (from, to) } else { (None, None) };
                            created.push(format!("{}「{name}」", level.ja()));
                            tx.add_unit(level, parent, name, code, f, t)?
                        }
                    });
                    level = level.child().unwrap_or(Level::Unit);
                }
                Ok(created)
            })?;
            emit(&format!("登録しました: {}", created.join("、")));
        }
        OrgCommand::Import { file, dry_run, json } => {
            use daicho::import::Outcome;
            use daicho::import::org::{commit_org, plan_org};
            let bytes = std::fs::read(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
            let report = plan_org(&store, &file.display().to_string(), &bytes)?;
            let ok = report.errors.is_empty();
            if ok && !dry_run {
                commit_org(&mut store, &author(), &report)?;
            }
            if json {
                emit_json(&report)?;
            } else {
                let counts = format!(
                    "新規 {}、更新 {}、変更なし {}",
                    report.count(Outcome::Created),
                    report.count(Outcome::Updated),
                    report.count(Outcome::Unchanged)
                );
                let mut out = format!("== {}\n", report.file);
                out.push_str(&if !ok {
                    format!("取り込みませんでした: エラー {} 件（何も登録していません）\n", report.errors.len())
                } else if dry_run {
                    format!("確認のみ（--dry-run のため書き込んでいません）: {counts}\n")
                } else {
                    format!("取り込みました: {counts}\n")
                });
                for e in &report.errors {
                    out.push_str(&format!("  エラー: {e}\n"));
                }
                if ok {
                    for r in report.rows.iter().filter(|r| r.outcome != Outcome::Unchanged) {
                        out.push_str(&format!("  {}  {}行目  {}\n", r.outcome.label(), r.row, r.path));
                        for c in &r.changes {
                            let before = if c.before.is_empty() { String::new() } else { format!("{} → ", c.before) };
                            out.push_str(&format!("      {}: {before}{}\n", c.field, c.after));
                        }
                    }
                }
                emit(&out);
            }
            if !ok {
                return Ok(ExitCode::from(2));
            }
        }
        OrgCommand::Export { output, fy } => {
            let chart = db::load_org_chart(store.conn())?;
            let (bytes, count) = daicho::export::write_org(&chart, fy)?;
            daicho::export::write_atomically(&output, &bytes)?;
            emit(&format!("組織表を書き出しました: {}（{count} 行）", output.display()));
        }
        OrgCommand::List { fy, json } => {
            let chart = db::load_org_chart(store.conn())?;
            if json {
                let units: Vec<_> = chart.units().filter(|u| fy.is_none_or(|f| u.is_valid_in(f))).collect();
                return emit_json(&units).map(|_| ExitCode::SUCCESS);
            }
            let mut out = String::new();
            print_tree(&chart, None, 0, fy, &mut out);
            if out.is_empty() {
                out = "組織が登録されていません（daicho org add 総務部/人事課 のように登録できます）".into();
            }
            emit(&out);
        }
        OrgCommand::Alias { unit, aliases } => {
            let chart = db::load_org_chart(store.conn())?;
            let id = chart.resolve(&unit, None)?;
            store.write(&author(), |tx| aliases.iter().try_for_each(|a| tx.add_alias(id, a)))?;
            emit(&format!(
                "「{}」の別名を登録しました: {}",
                chart.path(id, FiscalYear(i32::MAX), NameView::Current),
                aliases.join("、")
            ));
        }
        OrgCommand::Rename { unit, new_name, fy } => {
            let chart = db::load_org_chart(store.conn())?;
            let id = chart.resolve(&unit, None)?;
            store.write(&author(), |tx| tx.rename_unit(id, &new_name, fy))?;
            emit(&format!(
                "{}から「{}」を「{new_name}」に名称変更しました（それより前の年度は旧名称で表示されます）",
                fy.label(),
                unit
            ));
        }
        OrgCommand::Merge { units, into, fy } => {
            let chart = db::load_org_chart(store.conn())?;
            let target = chart.resolve(&into, Some(fy))?;
            let from: Vec<i64> =
                units.iter().map(|u| chart.resolve(u, Some(FiscalYear(fy.0 - 1)))).collect::<Result<_>>()?;
            store.write(&author(), |tx| tx.merge_units(&from, target, fy))?;
            emit(&format!("{}から {} を「{into}」に統合しました", fy.label(), units.join("、")));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_tree(chart: &OrgChart, parent: Option<i64>, depth: usize, fy: Option<FiscalYear>, out: &mut String) {
    for u in chart.children(parent) {
        if fy.is_some_and(|f| !u.is_valid_in(f)) {
            continue;
        }
        let name = match fy {
            Some(f) => u.name_in(f).to_string(),
            None => u.current_name().to_string(),
        };
        let mut notes = Vec::new();
        if let Some(code) = &u.code {
            notes.push(format!("コード {code}"));
        }
        if let Some(period) = u.period() {
            notes.push(period);
        }
        if let Some(history) = u.name_history() {
            notes.push(format!("名称: {history}"));
        }
        if !u.aliases.is_empty() {
            notes.push(format!("別名: {}", u.aliases.join("、")));
        }
        if let Some(m) = &u.merged_into {
            notes.push(format!(
                "{}に「{}」へ統合",
                m.fiscal_year.wareki(),
                chart.display_name(m.into_id, m.fiscal_year, NameView::AsReported)
            ));
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join(" / ")) };
        out.push_str(&format!("{}{name}{notes}\n", "  ".repeat(depth)));
        print_tree(chart, Some(u.id), depth + 1, fy, out);
    }
}

fn add(mut store: Store, a: AddArgs) -> Result<()> {
    let chart = db::load_org_chart(store.conn())?;
    let fy = a.start.map(FiscalYear::of_date);
    let unit_id = chart.resolve(&a.unit, fy)?;
    let fields = InitiativeFields {
        ledger_id: a.id,
        kind: a.kind,
        title: a.title,
        unit_id,
        tool: a.tool,
        vendor: a.vendor,
        status: a.status,
        started_on: a.start,
        scenario_count: a.scenarios,
        owner: a.owner,
        notes: a.notes,
    };
    let i = store.write(&author(), |tx| tx.add_initiative(&fields))?;
    if a.json {
        return emit_json(&i);
    }
    emit(&format!("取組 {}「{}」を登録しました", i.ledger_id, i.title));
    Ok(())
}

fn edit(mut store: Store, a: EditArgs) -> Result<()> {
    let i = db::initiative_by_ledger_id(store.conn(), &a.id)?;
    let chart = db::load_org_chart(store.conn())?;
    let unit_id = match &a.unit {
        Some(u) => chart.resolve(u, None)?,
        None => i.unit_id,
    };
    let fields = InitiativeFields {
        ledger_id: Some(i.ledger_id.clone()),
        kind: a.kind.unwrap_or(i.kind),
        title: a.title.unwrap_or(i.title),
        unit_id,
        tool: a.tool.or(i.tool),
        vendor: a.vendor.or(i.vendor),
        status: a.status.unwrap_or(i.status),
        started_on: a.start.or(i.started_on),
        scenario_count: a.scenarios.or(i.scenario_count),
        owner: a.owner.or(i.owner),
        notes: a.notes.or(i.notes),
    };
    let after = store.write(&author(), |tx| tx.update_initiative(i.id, &fields, a.status_on))?;
    emit(&format!("取組 {}「{}」を変更しました", after.ledger_id, after.title));
    Ok(())
}

fn list(store: Store, a: ListArgs) -> Result<()> {
    let chart = db::load_org_chart(store.conn())?;
    let unit_ids = match &a.bureau {
        Some(b) => {
            let bureau = chart.resolve(b, a.fy)?;
            Some(
                chart
                    .units()
                    .filter(|u| chart.ancestor_at(u.id, Level::Bureau).is_some_and(|x| x.id == bureau))
                    .map(|u| u.id)
                    .collect(),
            )
        }
        None => None,
    };
    let filter = InitiativeFilter { fiscal_year: a.fy, unit_ids, kind: a.kind, status: a.status };
    let items = db::list_initiatives(store.conn(), &filter)?;
    // The year's figure of each initiative (best basis, adoption rule), as the app's ledger shows it.
    let minutes: Option<std::collections::HashMap<String, Decimal>> = match a.fy {
        Some(fy) => Some(
            daicho::views::ledger_rows(&store, fy)?
                .into_iter()
                .filter_map(|r| r.minutes.map(|m| (r.ledger_id, m)))
                .collect(),
        ),
        None => None,
    };
    if a.json {
        let rows: Vec<_> = items
            .iter()
            .map(|i| {
                let mut v = serde_json::to_value(i).unwrap_or_default();
                v["unit"] = json!(chart.path(i.unit_id, a.fy.unwrap_or(FiscalYear(i32::MAX)), NameView::Current));
                if let Some(m) = minutes.as_ref().and_then(|m| m.get(&i.ledger_id)) {
                    v["minutes"] = number::json(*m);
                }
                v
            })
            .collect();
        return emit_json(&rows);
    }
    let mut columns = vec![
        ("管理番号", Align::Left),
        ("区分", Align::Left),
        ("業務名", Align::Left),
        ("所属", Align::Left),
        ("ツール", Align::Left),
        ("状況", Align::Left),
        ("シナリオ", Align::Right),
    ];
    if minutes.is_some() {
        columns.push(("削減時間(h)", Align::Right));
    }
    let mut t = Table::new(&columns);
    let fy_names = a.fy.unwrap_or(FiscalYear(i32::MAX));
    let mut total = Decimal::ZERO;
    for i in &items {
        let mut row = vec![
            i.ledger_id.clone(),
            i.kind.label().into(),
            i.title.clone(),
            chart.path(i.unit_id, fy_names, NameView::Current),
            opt(&i.tool).into(),
            i.status.label().into(),
            i.scenario_count.map_or(String::new(), |n| n.to_string()),
        ];
        if let Some(m) = &minutes {
            let v = m.get(&i.ledger_id).copied().unwrap_or_default();
            total += v;
            row.push(hours_text(v));
        }
        t.row(row);
    }
    let mut out = t.render();
    out.push_str(&format!("{} 件", items.len()));
    if minutes.is_some() {
        out.push_str(&format!("、削減時間 計 {} 時間（端数処理前）", hours_text(total)));
    }
    emit(&out);
    Ok(())
}

fn show(store: Store, id: &str, json: bool) -> Result<()> {
    let i = db::initiative_by_ledger_id(store.conn(), id)?;
    let chart = db::load_org_chart(store.conn())?;
    let effects = db::effects_of(store.conn(), i.id)?;
    let history = db::status_history(store.conn(), i.id)?;
    let evaluations = db::evaluations(store.conn(), i.id)?;
    if json {
        return emit_json(&json!({
            "initiative": i,
            "unit": chart.path(i.unit_id, FiscalYear(i32::MAX), NameView::Current),
            "effects": effects,
            "status_history": history,
            "evaluations": evaluations,
        }));
    }
    let mut out = format!("{}  {}\n", i.ledger_id, i.title);
    let fields = [
        ("区分", i.kind.label().to_string()),
        ("所属", chart.path(i.unit_id, FiscalYear(i32::MAX), NameView::Current)),
        ("ツール", opt(&i.tool).to_string()),
        ("ベンダー", opt(&i.vendor).to_string()),
        ("状況", i.status.label().to_string()),
        ("運用開始", i.started_on.map_or(String::new(), daicho::fiscal::wareki_date)),
        ("シナリオ数", i.scenario_count.map_or(String::new(), |n| n.to_string())),
        ("担当者", opt(&i.owner).to_string()),
        ("備考", opt(&i.notes).to_string()),
    ];
    for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        let pad = " ".repeat(12usize.saturating_sub(unicode_width::UnicodeWidthStr::width(*label)));
        out.push_str(&format!("  {label}{pad}{value}\n"));
    }
    out.push_str("\n効果\n");
    let mut t = Table::new(&[
        ("年度", Align::Left),
        ("算定区分", Align::Left),
        ("算定式", Align::Left),
        ("計算値(h)", Align::Right),
        ("申告値(h)", Align::Right),
        ("検算", Align::Left),
        ("報告時の所属", Align::Left),
    ]);
    for e in &effects {
        let check = match e.stated_check() {
            Some(c) if c.matches => "一致".to_string(),
            Some(c) => format!("差 {}分", group_thousands(c.difference_minutes, 2)),
            None => String::new(),
        };
        t.row(vec![
            e.fiscal_year.wareki(),
            e.basis.label().into(),
            opt(&e.formula).into(),
            e.computed_minutes.map_or(String::new(), hours_text),
            e.stated_hours.map_or(String::new(), |h| group_thousands(h, 2)),
            check,
            chart.path(e.unit_id, e.fiscal_year, NameView::AsReported),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("\n状況の履歴\n");
    for h in &history {
        out.push_str(&format!("  {}  {}\n", daicho::fiscal::wareki_date(h.changed_on), h.status));
    }
    if !evaluations.is_empty() {
        out.push_str("\n評価\n");
        for e in &evaluations {
            out.push_str(&format!(
                "  {}  {}  {}{}\n",
                e.fiscal_year.wareki(),
                e.grade,
                opt(&e.reason),
                e.reviewer_comment.as_ref().map_or(String::new(), |c| format!("（所見: {c}）"))
            ));
        }
    }
    emit(&out);
    Ok(())
}

fn effect(mut store: Store, c: EffectCommand) -> Result<()> {
    match c {
        EffectCommand::Set(a) => {
            let i = db::initiative_by_ledger_id(store.conn(), &a.id)?;
            let structured = Structured {
                before_minutes: a.before_minutes,
                after_minutes: a.after_minutes,
                saved_minutes: a.saved_minutes,
                count: a.count,
                days: a.days,
                extra: Vec::new(),
            };
            let input = match a.formula {
                Some(f) => EffectInput::Formula(f),
                None if structured != Structured::default() => EffectInput::Structured(structured),
                None => EffectInput::StatedOnly,
            };
            let new =
                NewEffect { fiscal_year: a.fy, basis: a.basis, input, stated_hours: a.stated_hours, note: a.note };
            let e = store.write(&author(), |tx| tx.set_effect(i.id, &new))?;
            let mut out = format!("{} {} {}の効果を登録しました\n", i.ledger_id, a.fy.label(), a.basis);
            if let Some(m) = e.computed_minutes {
                let canonical = e.formula.as_deref().and_then(|f| Formula::parse(f).ok()).map(|f| f.canonical());
                out.push_str(&format!("  計算値  {}\n", canonical.unwrap_or_else(|| result_text(m))));
            }
            if let Some(h) = e.stated_hours {
                out.push_str(&format!("  申告値  {}時間\n", group_thousands(h, 2)));
            }
            if let Some(c) = e.stated_check() {
                out.push_str(&if c.matches {
                    "  検算    一致（申告値の桁数の範囲内）\n".to_string()
                } else {
                    format!("  検算    不一致: 計算値−申告値 = {}分\n", group_thousands(c.difference_minutes, 2))
                });
            }
            emit(&out);
        }
        EffectCommand::Delete { id, fy, basis } => {
            let i = db::initiative_by_ledger_id(store.conn(), &id)?;
            store.write(&author(), |tx| tx.delete_effect(i.id, fy, basis))?;
            emit(&format!("{} {} {}の効果を削除しました", i.ledger_id, fy.label(), basis));
        }
    }
    Ok(())
}

fn target(mut store: Store, c: TargetCommand) -> Result<()> {
    let chart = db::load_org_chart(store.conn())?;
    match c {
        TargetCommand::Set { fy, hours, bureau } => {
            let bureau_id = match &bureau {
                Some(b) => {
                    let id = chart.resolve(b, Some(fy))?;
                    if chart.get(id).is_some_and(|u| u.level != Level::Bureau) {
                        return Err(Error::Invalid(format!(
                            "「{b}」は部局ではありません。目標値は団体全体か部局に設定します"
                        )));
                    }
                    Some(id)
                }
                None => None,
            };
            let t = Target { fiscal_year: fy, bureau_id, hours };
            store.write(&author(), |tx| tx.set_target(&t))?;
            let whom = bureau.unwrap_or_else(|| "団体全体".into());
            emit(&format!("{} の目標値（{whom}）を {} 時間にしました", fy.label(), group_thousands(hours, 2)));
        }
        TargetCommand::List { json } => {
            let targets = db::targets(store.conn(), None)?;
            if json {
                return emit_json(&targets);
            }
            let mut t = Table::new(&[("年度", Align::Left), ("対象", Align::Left), ("目標(h)", Align::Right)]);
            for x in targets {
                let whom = x
                    .bureau_id
                    .map_or("団体全体".into(), |b| chart.display_name(b, x.fiscal_year, NameView::AsReported));
                t.row(vec![x.fiscal_year.label(), whom, group_thousands(x.hours, 2)]);
            }
            emit(&t.render());
        }
    }
    Ok(())
}

fn settings(mut store: Store, c: SettingsCommand) -> Result<()> {
    match c {
        SettingsCommand::Get { key } => {
            let s = db::load_settings(store.conn())?;
            let keys: Vec<&(&str, &str)> = match &key {
                Some(k) => {
                    let found: Vec<_> = SETTING_KEYS.iter().filter(|(x, _)| x == k).collect();
                    if found.is_empty() {
                        let all: Vec<&str> = SETTING_KEYS.iter().map(|(k, _)| *k).collect();
                        return Err(Error::NotFound(format!(
                            "設定項目「{k}」はありません。使える項目: {}",
                            all.join(", ")
                        )));
                    }
                    found
                }
                None => SETTING_KEYS.iter().collect(),
            };
            let mut t = Table::new(&[("項目", Align::Left), ("値", Align::Left), ("説明", Align::Left)]);
            for (k, help) in keys {
                t.row(vec![k.to_string(), s.get(k).unwrap_or_default(), help.to_string()]);
            }
            emit(&format!("{}{}", t.render(), s.rounding.describe()));
        }
        SettingsCommand::Set { key, value } => {
            let s = store.write(&author(), |tx| tx.set_setting(&key, &value))?;
            emit(&format!("{key} = {}\n{}", s.get(&key).unwrap_or_default(), s.rounding.describe()));
        }
    }
    Ok(())
}

fn summary(store: Store, a: SummaryArgs) -> Result<()> {
    let chart = store.org_chart()?;
    let settings = db::load_settings(store.conn())?;
    let targets = db::targets(store.conn(), Some(a.fy))?;
    let opts = SummaryOptions {
        fiscal_year: a.fy,
        by: match a.by {
            By::Bureau => GroupBy::Bureau,
            By::Section => GroupBy::Section,
            By::Kind => GroupBy::Kind,
            By::Tool => GroupBy::Tool,
            By::Status => GroupBy::Status,
        },
        basis: a.basis,
        view: match a.view {
            View::Reported => NameView::AsReported,
            View::Current => NameView::Current,
        },
    };
    // Streamed from the database: the totals without the lines, in bounded memory on any size of ledger.
    let s = summarize_year(store.conn(), &chart, &settings, &targets, &opts)?;
    if a.json {
        return emit_json(&s);
    }
    let places = settings.rounding.places;
    let h = |d: Decimal| group_thousands(d, places);
    let mut columns = vec![(opts.by.label(), Align::Left), ("取組", Align::Right), ("シナリオ", Align::Right)];
    for k in Kind::ALL {
        columns.push((k.label(), Align::Right));
    }
    columns.push(("合計(h)", Align::Right));
    let with_targets = s.groups.iter().any(|g| g.totals.target_hours.is_some()) || s.total.target_hours.is_some();
    if with_targets {
        columns.push(("目標(h)", Align::Right));
        columns.push(("達成率", Align::Right));
    }
    let mut t = Table::new(&columns);
    let row = |key: &str, x: &daicho::report::Totals| {
        let mut r = vec![key.to_string(), x.initiatives.to_string(), x.scenarios.to_string()];
        for k in Kind::ALL {
            r.push(x.by_kind.get(k.label()).map_or(String::new(), |v| h(v.to_string().parse().unwrap_or_default())));
        }
        r.push(h(x.hours));
        if with_targets {
            r.push(x.target_hours.map_or(String::new(), h));
            r.push(x.achievement_rate.map_or(String::new(), |p| format!("{}%", group_thousands(p, 1))));
        }
        r
    };
    for g in &s.groups {
        t.row(row(&g.key, &g.totals));
    }
    t.rule();
    t.row(row("合計", &s.total));
    let out = format!(
        "{} 削減時間集計（{}別、算定区分: {}）\n{}{}  {}\n人工換算 {} 人工（{}時間/人工）  金額換算 {} 円（{}円/時間）",
        s.fiscal_year_label,
        opts.by.label(),
        s.basis,
        t.render(),
        s.rounding,
        s.adopt,
        group_thousands(s.person_years, 2),
        group_thousands(settings.hours_per_person_year, 2),
        group_thousands(s.yen, 0),
        group_thousands(settings.yen_per_hour, 2),
    );
    emit(&out);
    Ok(())
}

fn check(store: Store, fy: Option<FiscalYear>, json: bool) -> Result<ExitCode> {
    let problems = store.integrity_problems()?;
    let chart = db::load_org_chart(store.conn())?;
    let rows = db::effects_in_year(store.conn(), fy)?;
    let items = check_list(&rows, &chart);
    if json {
        emit_json(
            &json!({ "integrity": if problems.is_empty() { json!("ok") } else { json!(problems) }, "items": items }),
        )?;
    } else {
        let mut out = if problems.is_empty() {
            format!(
                "データベースの整合性: 問題なし（{}、スキーマ版 {}）\n",
                store.path().display(),
                store.schema_version()?
            )
        } else {
            format!("データベースの整合性: 問題があります\n  {}\n", problems.join("\n  "))
        };
        let mut t = Table::new(&[
            ("年度", Align::Left),
            ("管理番号", Align::Left),
            ("業務名", Align::Left),
            ("算定区分", Align::Left),
            ("内容", Align::Left),
            ("計算値(h)", Align::Right),
            ("申告値(h)", Align::Right),
            ("差(分)", Align::Right),
        ]);
        for i in &items {
            t.row(vec![
                FiscalYear(i.fiscal_year).wareki(),
                i.ledger_id.clone(),
                i.title.clone(),
                i.basis.clone(),
                i.label.into(),
                i.computed_minutes.map_or(String::new(), hours_text),
                i.stated_minutes.map_or(String::new(), hours_text),
                i.difference_minutes.map_or(String::new(), |d| group_thousands(d, 2)),
            ]);
        }
        out.push_str(&format!("検算リスト: {} 件\n", items.len()));
        if !items.is_empty() {
            out.push_str(&t.render());
        }
        emit(&out);
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn import(mut store: Store, a: ImportArgs) -> Result<ExitCode> {
    if a.history {
        let history = db::import_history(store.conn())?;
        if a.json {
            emit_json(&history)?;
        } else {
            let mut t = Table::new(&[
                ("日時", Align::Left),
                ("利用者", Align::Left),
                ("ファイル", Align::Left),
                ("新規", Align::Right),
                ("更新", Align::Right),
                ("変更なし", Align::Right),
                ("警告", Align::Right),
            ]);
            for h in &history {
                t.row(vec![
                    h.at.chars().take(19).collect(),
                    h.actor.clone(),
                    h.file_name.clone(),
                    h.created.to_string(),
                    h.updated.to_string(),
                    h.unchanged.to_string(),
                    h.warnings.len().to_string(),
                ]);
            }
            emit(&format!("{}{} 件", t.render(), history.len()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let total = a.files.len();
    let mut reports = Vec::new();
    let mut failed = 0;
    let mut backed_up = false;
    // Files are read and checked on every core; each is then planned against the ledger and committed in order.
    let names: Vec<String> = a.files.iter().map(|p| p.display().to_string()).collect();
    let context = daicho::import::ReadContext::load(&store)?;
    let options = daicho::import::ImportOptions { fiscal_year: a.fy, basis: a.basis, maps: a.maps.clone() };
    let read = |i: usize| std::fs::read(&a.files[i]).map_err(|source| Error::Io { path: a.files[i].clone(), source });
    daicho::import::read_returns(
        &names,
        read,
        &context,
        |_| options.clone(),
        None,
        |n, read| {
            let name = &names[n];
            if total > 1 && !a.json {
                eprintln!("[{}/{total}] {name}", n + 1);
            }
            let mut report = daicho::import::plan_read(&store, read?)?;
            if !report.errors.is_empty() {
                failed += 1;
            } else if !a.dry_run && report.already_imported.is_none() {
                if !backed_up {
                    // Once per batch, before its first write: `daicho restore` undoes the whole batch.
                    store.backup_before_import()?;
                    eprintln!("取り込む前の台帳を backups フォルダにバックアップしました");
                    backed_up = true;
                }
                report.committed = Some(daicho::import::commit(&mut store, &author(), &report)?);
            }
            if !a.json {
                emit(&import_text(&report, a.dry_run));
            }
            reports.push(report);
            Ok(std::ops::ControlFlow::Continue(()))
        },
    )?;
    if a.json {
        emit_json(&reports)?;
    } else if total > 1 {
        emit(&format!(
            "{total} ファイル中 {} ファイルを{}、{failed} ファイルはエラーのため取り込みませんでした",
            total - failed,
            if a.dry_run { "確認しました（書き込みなし）" } else { "処理しました" }
        ));
    }
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn import_text(r: &daicho::import::FileReport, dry_run: bool) -> String {
    use daicho::import::{Outcome, Role, Source};
    let mut out = format!("== {}", r.file);
    if let (Some(sheet), Some(first), Some(last)) = (&r.sheet, r.header_first_row, r.header_row) {
        let rows = if first == last { format!("{last}行目") } else { format!("{first}〜{last}行目") };
        out.push_str(&format!("（シート「{sheet}」、見出し {rows}）"));
    }
    out.push('\n');
    // What each column is read as: in a dry run every column, otherwise only what was not taken as written.
    let listed: Vec<&daicho::import::ColumnInfo> = r
        .columns
        .iter()
        .filter(|c| !c.header.is_empty() || c.role != Role::Unknown || c.figures)
        .filter(|c| dry_run || c.source != Source::Header || !matches!(c.role, Role::Field(_)))
        .collect();
    if !listed.is_empty() && r.already_imported.is_none() {
        // Columns whose header is the field's own title are listed on one line; every other column on its own.
        let (plain, other): (Vec<_>, Vec<_>) = listed.into_iter().partition(|c| {
            c.source == Source::Header && c.basis.is_none() && matches!(c.role, Role::Field(f) if f.title() == c.header)
        });
        out.push_str("列の対応:\n");
        if !plain.is_empty() {
            let names: Vec<String> = plain.iter().map(|c| format!("{}「{}」", c.letter, c.header)).collect();
            out.push_str(&format!("  見出しのとおり: {}\n", names.join("、")));
        }
        for c in other {
            let what = match c.role {
                Role::Field(f) => match c.basis {
                    Some(b) => format!("→ {}（{}）", f.title(), b.label()),
                    None => format!("→ {}", f.title()),
                },
                Role::RowNumber => "行番号（取り込みません）".into(),
                Role::Helper => "自動計算の列（取り込みません）".into(),
                Role::Ignored => "取り込みません".into(),
                Role::Duplicate(f) => format!("{}の2列目（取り込みません）", f.title()),
                Role::Unknown if c.figures => "数値の列ですが、どの項目か分かりません（列の対応の指定が必要）".into(),
                Role::Unknown => "調査票の列ではありません（取り込みません）".into(),
            };
            let why = match &c.source {
                Source::Header => String::new(),
                Source::Values if c.role == Role::RowNumber => "（1, 2, 3 … の列）".into(),
                Source::Values => "（中身から判断）".into(),
                Source::Map => "（--map の指定）".into(),
                Source::Remembered(section) => format!("（{section}の前回の回答での指定）"),
            };
            out.push_str(&format!("  {}  {what}{why}\n", c.label()));
        }
    }
    if let Some(b) = &r.basis {
        out.push_str(&format!("算定区分: {}（{}、{} 行）\n", b.basis, b.reason, b.lines));
    }
    if let Some(y) = &r.fiscal_year {
        out.push_str(&format!("年度: {}（{}、{} 行）\n", FiscalYear(y.fiscal_year).wareki(), y.reason, y.lines));
    }
    for s in &r.skipped {
        let text = if s.text.is_empty() { String::new() } else { format!("「{}」", s.text) };
        let check = match (s.stated_hours, s.lines_hours, s.matches) {
            (Some(st), Some(lines), Some(true)) => {
                format!("  記載 {}時間 ＝ 対象行の合計 {}時間", group_thousands(st, 2), group_thousands(lines, 2))
            }
            (Some(st), Some(lines), Some(false)) => {
                format!("  記載 {}時間 ≠ 対象行の合計 {}時間", group_thousands(st, 2), group_thousands(lines, 2))
            }
            _ => String::new(),
        };
        out.push_str(&format!("取り込まない行: {}行目 {}{text}{check}\n", s.row, s.kind.label()));
    }
    let counts = format!(
        "新規 {}、更新 {}、変更なし {}、警告 {}",
        r.count(Outcome::Created),
        r.count(Outcome::Updated),
        r.count(Outcome::Unchanged),
        r.warnings.len()
    );
    if let Some(previous) = &r.already_imported {
        out.push_str(&format!(
            "同じ内容のファイルを {} に取り込み済みです（{}）。変更はありません\n",
            previous.at.chars().take(16).collect::<String>().replace('T', " "),
            previous.file_name
        ));
        return out;
    }
    if !r.errors.is_empty() {
        out.push_str(&format!(
            "取り込みませんでした: エラー {} 件（このファイルからは何も登録していません。直して再度取り込んでください）\n",
            r.errors.len()
        ));
    } else if dry_run {
        out.push_str(&format!("確認のみ（--dry-run のため書き込んでいません）: {counts}\n"));
    } else {
        out.push_str(&format!("取り込みました: {counts}\n"));
    }
    for e in &r.errors {
        out.push_str(&format!("  エラー: {e}\n"));
    }
    for w in &r.warnings {
        out.push_str(&format!("  警告: {w}\n"));
    }
    if r.columns.iter().any(|c| c.figures) {
        out.push_str("  列の対応は --map \"見出し=項目\" で指定できます（例: --map \"年間削減時間=削減時間(時間)\" --map \"G=無視\"）\n");
    }
    if r.errors.is_empty() {
        for row in r.rows.iter().filter(|x| x.outcome != Outcome::Unchanged) {
            let id = row.ledger_id.as_ref().map_or(String::new(), |id| format!("{id}  "));
            out.push_str(&format!(
                "  {}  {}行目{}  {id}{}  {}{}\n",
                row.outcome.label(),
                row.row,
                row.item.as_ref().map_or(String::new(), |i| format!("（{i}）")),
                row.title,
                FiscalYear(row.fiscal_year).wareki(),
                row.basis.as_ref().map_or(String::new(), |b| format!("・{b}"))
            ));
            for c in &row.changes {
                if c.before.is_empty() {
                    out.push_str(&format!("      {}: {}\n", c.field, c.after));
                } else {
                    out.push_str(&format!(
                        "      {}: {} → {}\n",
                        c.field,
                        c.before,
                        if c.after.is_empty() { "（空欄）" } else { &c.after }
                    ));
                }
            }
        }
    }
    out
}

fn returns(store: Store, fy: FiscalYear, json: bool) -> Result<()> {
    let rows = daicho::views::returns_status(&store, fy)?;
    let done = rows.iter().filter(|r| r.returned).count();
    if json {
        return emit_json(&json!({ "fiscal_year": fy.0, "returned": done, "sections": rows.len(), "items": rows }));
    }
    let mut t =
        Table::new(&[("課", Align::Left), ("提出", Align::Left), ("取込日時", Align::Left), ("ファイル", Align::Left)]);
    for r in &rows {
        let mark = if r.returned { "済" } else { "未提出" };
        t.row(vec![
            r.section.clone(),
            mark.into(),
            r.at.clone().unwrap_or_default(),
            r.file.clone().unwrap_or_default(),
        ]);
    }
    emit(&format!(
        "{} の回答の提出状況\n{}提出済み {done} 課 / {} 課（未提出 {} 課）",
        fy.label(),
        t.render(),
        rows.len(),
        rows.len() - done
    ));
    Ok(())
}

/// The template (`instructions`: with 記入要領, rows only with `prefill`) or the ledger export (no instructions,
/// every initiative of the scope including 廃止).
fn survey(
    store: Store,
    fy: FiscalYear,
    output: &std::path::Path,
    scope: Option<&str>,
    instructions: bool,
    prefill: bool,
) -> Result<()> {
    let (bytes, rows) = daicho::export::survey_file(&store, fy, scope, instructions, prefill)?;
    daicho::export::write_atomically(output, &bytes)?;
    let what = if instructions { "調査票" } else { "台帳" };
    emit(&format!("{what}を書き出しました: {}（{}、{rows} 行）", output.display(), fy.label()));
    Ok(())
}

fn report(store: Store, a: ReportArgs) -> Result<()> {
    use daicho::export::csv::CsvEncoding;
    use daicho::report::{ReportKind, ReportOptions};
    let settings = db::load_settings(store.conn())?;
    let opts = ReportOptions {
        fiscal_year: a.fy,
        by: match a.by {
            ReportBy::Bureau => GroupBy::Bureau,
            ReportBy::Section => GroupBy::Section,
            ReportBy::Initiative => GroupBy::Initiative,
        },
        basis: a.basis,
        view: match a.view {
            View::Reported => NameView::AsReported,
            View::Current => NameView::Current,
        },
        detail: a.detail,
        from: a.from,
    };
    let kinds: Vec<ReportKind> = match a.kind {
        ReportChoice::Summary => vec![ReportKind::Summary],
        ReportChoice::Trend => vec![ReportKind::Trend],
        ReportChoice::BeforeAfter => vec![ReportKind::BeforeAfter],
        ReportChoice::Check => vec![ReportKind::Check],
        ReportChoice::Cumulative => vec![ReportKind::Cumulative],
        ReportChoice::Cost => vec![ReportKind::Cost],
        ReportChoice::All => ReportKind::ALL.to_vec(),
    };
    let encoding = match a.encoding {
        Encoding::Cp932 => CsvEncoding::Cp932,
        Encoding::Utf8 => CsvEncoding::Utf8Bom,
    };
    let csv_wanted =
        a.csv || a.output.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    if a.json {
        let tables = daicho::export::report_tables(&store, &kinds, &opts)?;
        let value = if tables.len() == 1 { json!(tables[0]) } else { json!(tables) };
        let text = serde_json::to_string_pretty(&value).map_err(|e| Error::Internal(e.to_string()))?;
        match &a.output {
            Some(path) => daicho::export::write_atomically(path, format!("{text}\n").as_bytes())?,
            None => emit(&text),
        }
        return Ok(());
    }
    if a.output.is_none() && !csv_wanted {
        let tables = daicho::export::report_tables(&store, &kinds, &opts)?;
        let texts: Vec<String> = tables.iter().map(|t| report_text(t, settings.rounding.places)).collect();
        emit(&texts.join("\n"));
        return Ok(());
    }
    let csv = csv_wanted.then_some(encoding);
    let (bytes, tables) = daicho::export::report_file(&store, &kinds, &opts, csv, Local::now().date_naive())?;
    match (&a.output, csv) {
        (Some(path), Some(encoding)) => {
            daicho::export::write_atomically(path, &bytes)?;
            let name = match encoding {
                CsvEncoding::Cp932 => "Shift_JIS",
                CsvEncoding::Utf8Bom => "UTF-8 BOM付き",
            };
            emit(&format!("CSV を書き出しました: {}（{} 行、{name}）", path.display(), tables[0].rows.len() + 1));
        }
        (Some(path), None) => {
            daicho::export::write_atomically(path, &bytes)?;
            let sheets: Vec<&str> = tables.iter().map(|t| t.sheet.as_str()).collect();
            emit(&format!("帳票を書き出しました: {}（シート: {}）", path.display(), sheets.join("、")));
        }
        (None, Some(encoding)) if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            // A terminal shows text, whatever the CSV's encoding (a Windows console refuses Shift_JIS bytes, a Linux
            // terminal shows them garbled); redirected or with -o, the bytes are the file's own encoding.
            let text = match encoding {
                CsvEncoding::Cp932 => encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned(),
                CsvEncoding::Utf8Bom => {
                    String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned()
                }
            };
            emit(&text);
        }
        (None, _) => write_stdout(&bytes)?,
    }
    Ok(())
}

/// Writes bytes to standard output; a failure (other than a reader that stopped early, as `| head` does) is an
/// error, never a silent empty output.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Internal(format!("標準出力に書き込めません（{e}）。-o でファイルに書き出してください")))
        }
        _ => Ok(()),
    }
}

/// A report as a terminal table.
fn report_text(t: &daicho::report::ReportTable, places: u32) -> String {
    use daicho::report::{ColumnKind, Value};
    let columns: Vec<(String, Align)> = t
        .columns
        .iter()
        .map(|c| (c.title.replace('\n', " "), if c.kind == ColumnKind::Text { Align::Left } else { Align::Right }))
        .collect();
    let refs: Vec<(&str, Align)> = columns.iter().map(|(s, a)| (s.as_str(), *a)).collect();
    let mut table = Table::new(&refs);
    for r in &t.rows {
        if r.kind == daicho::report::RowKind::Total {
            table.rule();
        }
        let cells = r
            .cells
            .iter()
            .zip(&t.columns)
            .map(|(v, c)| match v {
                Value::Empty => String::new(),
                Value::Text(s) => s.clone(),
                Value::Number(n) => match r.format.unwrap_or(c.kind) {
                    ColumnKind::Hours => number::group_fixed(*n, places),
                    ColumnKind::Percent => format!("{}%", number::group_fixed(*n, 1)),
                    ColumnKind::PersonYears => number::group_fixed(*n, 2),
                    _ => group_thousands(*n, 2),
                },
            })
            .collect();
        table.row(cells);
    }
    format!("{}\n{}\n{}{}", t.title, t.subtitle, table.render(), t.notes.join("\n"))
}

fn cost(mut store: Store, c: CostCommand) -> Result<()> {
    match c {
        CostCommand::Set { tool, fy, licence, maintenance, note } => {
            let cost = db::Cost {
                tool: tool.clone(),
                fiscal_year: fy,
                licence_yen: licence,
                maintenance_yen: maintenance,
                note,
            };
            store.write(&author(), |tx| tx.set_cost(&cost))?;
            emit(&format!(
                "{} の {} の費用を登録しました: ライセンス費 {}円、保守費 {}円",
                fy.label(),
                tool,
                group_thousands(licence, 0),
                group_thousands(maintenance, 0)
            ));
        }
        CostCommand::List { fy, json } => {
            let costs = db::costs(store.conn(), fy)?;
            if json {
                return emit_json(&costs);
            }
            let mut t = Table::new(&[
                ("年度", Align::Left),
                ("ツール", Align::Left),
                ("ライセンス費(円)", Align::Right),
                ("保守費(円)", Align::Right),
                ("備考", Align::Left),
            ]);
            for c in &costs {
                t.row(vec![
                    c.fiscal_year.wareki(),
                    c.tool.clone(),
                    group_thousands(c.licence_yen, 0),
                    group_thousands(c.maintenance_yen, 0),
                    c.note.clone().unwrap_or_default(),
                ]);
            }
            emit(&format!("{}{} 件", t.render(), costs.len()));
        }
    }
    Ok(())
}
