//! Writing workbooks: the survey template and the ledger in the template's layout, the reports, and the ledger list
//! as the screen shows it (`list`). Files are written to a
//! temporary file beside the target and renamed into place, so a failure never leaves a half-written workbook.

pub mod csv;
mod list;
pub mod org;
mod report;
mod survey;

use std::io::Write;
use std::path::Path;

pub use list::{ListColumn, ListCondition, ListExport, ledger_list_file, ledger_list_table};
pub use org::write_org;
pub use report::{WorkbookOptions, write_reports};
pub use survey::{SurveyOptions, survey_rows, write_survey};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The Japanese font of every workbook Daicho writes.
const FONT: &str = "游ゴシック";

/// The base cell format: the Japanese font at 10 pt.
fn base_format() -> rust_xlsxwriter::Format {
    rust_xlsxwriter::Format::new().set_font_name(FONT).set_font_size(10)
}

/// The header cells of every table: bold, wrapped, centred, light blue, boxed.
fn header_format() -> rust_xlsxwriter::Format {
    use rust_xlsxwriter::{Color, FormatAlign, FormatBorder};
    base_format()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(format!("Excel ファイルを作成できません: {e}"))
}

/// The survey template (`instructions`: with 記入要領; rows only with `prefill`) or the ledger export (no
/// instructions, every initiative of the scope including 廃止), for a fiscal year and an optional 部局/課 scope.
/// Returns the workbook's bytes and its number of rows.
pub fn survey_file(
    ledger: &dyn crate::db::Read,
    fy: crate::fiscal::FiscalYear,
    scope: Option<&str>,
    instructions: bool,
    prefill: bool,
) -> Result<(Vec<u8>, usize)> {
    let chart = ledger.org_chart()?;
    let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(chart.resolve(s, Some(fy))?),
        None => None,
    };
    survey_file_of(ledger, fy, scope, instructions, prefill)
}

/// [`survey_file`] for a unit already resolved (a 部局, 課 or 係 by id; the whole organisation with `None`).
pub fn survey_file_of(
    ledger: &dyn crate::db::Read,
    fy: crate::fiscal::FiscalYear,
    scope: Option<i64>,
    instructions: bool,
    prefill: bool,
) -> Result<(Vec<u8>, usize)> {
    let settings = ledger.settings()?;
    let opts = SurveyOptions { fiscal_year: fy, scope, instructions, organisation_name: settings.organisation_name };
    let rows = if prefill { survey_rows(ledger, &opts, !instructions)? } else { Vec::new() };
    Ok((write_survey(ledger, &opts, &rows)?, rows.len()))
}

/// Builds reports from the ledger and writes them: one workbook with a sheet each, or, with `csv`, the CSV of a
/// single report. Returns the bytes and the tables (for messages and JSON).
pub fn report_file(
    ledger: &dyn crate::db::Read,
    kinds: &[crate::report::ReportKind],
    opts: &crate::report::ReportOptions,
    csv: Option<csv::CsvEncoding>,
    exported_on: chrono::NaiveDate,
) -> Result<(Vec<u8>, Vec<crate::report::ReportTable>)> {
    let tables = report_tables(ledger, kinds, opts)?;
    let settings = ledger.settings()?;
    let bytes = match csv {
        Some(encoding) => match tables.as_slice() {
            [one] => csv::write_csv(one, encoding)?,
            _ => {
                return Err(Error::Invalid(
                    "CSV は帳票1つずつ出力します（すべての帳票は Excel か JSON で出力してください）".into(),
                ));
            }
        },
        None => write_reports(&tables, &workbook_options(settings, exported_on))?,
    };
    Ok((bytes, tables))
}

/// How a workbook of report tables is written under the ledger's settings: its hours' decimals, its footer.
fn workbook_options(settings: crate::ledger::Settings, exported_on: chrono::NaiveDate) -> WorkbookOptions {
    WorkbookOptions {
        exported_on,
        hour_places: settings.rounding.places,
        organisation_name: settings.organisation_name,
    }
}

/// The report tables of the ledger.
pub fn report_tables(
    ledger: &dyn crate::db::Read,
    kinds: &[crate::report::ReportKind],
    opts: &crate::report::ReportOptions,
) -> Result<Vec<crate::report::ReportTable>> {
    let chart = ledger.org_chart()?;
    let settings = ledger.settings()?;
    let mut effects = ledger.effects_in_year(None)?;
    let mut targets = ledger.targets(None)?;
    let costs = ledger.costs(None)?;
    let mut ocr = crate::report::ocr_lines(ledger, None)?;
    let mut ocr_sheets: std::collections::BTreeMap<(i32, String), i64> = std::collections::BTreeMap::new();
    for l in &ocr {
        if let (Some(tool), Some(n)) = (&l.tool, l.measure.sheets) {
            *ocr_sheets.entry((l.measure.fiscal_year.0, crate::org::name_key(tool))).or_default() += n;
        }
    }
    // One 部局: its figures under any of its names and those of the units merged into it, and its own targets.
    let scope = opts.bureau.map(|b| chart.successor(b));
    if let Some(b) = scope {
        let ours = |unit: i64| chart.current_bureau(unit) == Some(b);
        effects.retain(|e| ours(e.effect.unit_id));
        targets.retain(|t| t.bureau_id.is_some_and(|id| chart.successor(id) == b));
        // The 部局's target is the target of the whole report.
        let whole: Vec<_> = targets.iter().map(|t| crate::ledger::Target { bureau_id: None, ..t.clone() }).collect();
        targets.extend(whole);
        ocr.retain(|l| ours(l.unit_id));
    }
    let input = crate::report::ReportInput {
        chart: &chart,
        settings: &settings,
        effects: &effects,
        targets: &targets,
        costs: &costs,
        ocr: &ocr,
        ocr_sheets: &ocr_sheets,
    };
    let mut tables: Vec<crate::report::ReportTable> = kinds.iter().map(|k| k.build(&input, opts)).collect();
    if let Some(b) = scope {
        let name = chart.display_name(b, opts.fiscal_year, crate::org::NameView::Current);
        for t in &mut tables {
            t.subtitle = format!("{name}（旧名称・統合前の組織を含む） ／ {}", t.subtitle);
        }
    }
    Ok(tables)
}

/// The 部局 a report is limited to, by any of its names (today's, a former one, an alias): a 課 or 係 is refused.
pub fn report_bureau(ledger: &dyn crate::db::Read, name: &str) -> Result<i64> {
    let chart = ledger.org_chart()?;
    let id = chart.resolve(name, None)?;
    match chart.get(id) {
        Some(u) if u.level == crate::org::Level::Bureau => Ok(id),
        _ => Err(Error::Invalid(format!(
            "帳票は部局ごとに絞り込めます。「{name}」は部局ではありません（{}）",
            chart.current_path(id)
        ))),
    }
}

/// The sections that still owe their return of a year's survey (未提出 and 差戻し), with their 部局, as a workbook to
/// send reminders (督促) from. Returns the bytes and how many sections it lists.
pub fn survey_missing_file(
    ledger: &dyn crate::db::Read,
    fy: crate::fiscal::FiscalYear,
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, usize)> {
    use crate::report::{ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
    // A workbook sent out writes dates as documents do, whatever one person's screen shows.
    let Some(status) = crate::views::survey_status(ledger, fy, today, crate::fiscal::DateStyle::Wareki)? else {
        return Err(crate::Error::NotFound(format!("{}の調査はまだ始めていません", fy.label())));
    };
    let owing: Vec<_> = status.sections.iter().filter(|s| s.owing).collect();
    let text = |t: &str| if t.is_empty() { Value::Empty } else { Value::Text(t.to_string()) };
    let rows = owing
        .iter()
        .map(|s| {
            ReportRow::new(
                RowKind::Line,
                vec![text(&s.bureau), text(&s.section), text(&s.state), text(s.reasons.as_deref().unwrap_or(""))],
            )
        })
        .collect();
    let table = ReportTable {
        sheet: "未提出".into(),
        title: format!("{} 調査の未提出・差戻しの課", status.label),
        subtitle: format!("締切 {}（{}現在、{} 課）", status.deadline, crate::fiscal::wareki_date(today), owing.len()),
        columns: vec![
            ReportColumn::new("部局", ColumnKind::Text, 20.0),
            ReportColumn::new("課", ColumnKind::Text, 24.0),
            ReportColumn::new("状態", ColumnKind::Text, 10.0),
            ReportColumn::new("差戻しの理由", ColumnKind::Text, 50.0),
        ],
        rows,
        notes: vec!["未提出: 回答を受け付けていない課。差戻し: 修正を依頼して再提出を待っている課。".into()],
        total_is_sum: false,
        chart: None,
    };
    Ok((write_reports(&[table], &workbook_options(ledger.settings()?, today))?, owing.len()))
}

/// The workbook a refused return is sent back with (差戻し): addressed to the sections it reports on, every error with
/// its row, column, the value the department wrote and what to fix, then the cautions and warnings for reference, so
/// the department corrects its own file and sends it again.
pub fn return_errors_file(
    ledger: &dyn crate::db::Read,
    report: &crate::import::FileReport,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>> {
    use crate::report::{ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
    let text = |t: &str| if t.is_empty() { Value::Empty } else { Value::Text(t.to_string()) };
    let row_of =
        |row: usize| Value::text(if row == 0 { "ファイル全体".to_string() } else { format!("{row}行目") });
    let problem = |kind: &str, p: &crate::import::Problem| {
        ReportRow::new(
            RowKind::Line,
            vec![
                Value::text(kind),
                row_of(p.row),
                text(&p.column),
                text(p.original.as_deref().unwrap_or("")),
                Value::text(p.message.clone()),
            ],
        )
    };
    let mut rows: Vec<ReportRow> = report.errors.iter().map(|p| problem("要修正", p)).collect();
    rows.extend(report.cautions.iter().map(|c| {
        ReportRow::new(
            RowKind::Line,
            vec![
                Value::text("要確認"),
                row_of(c.row),
                Value::text(c.kind.label()),
                Value::Empty,
                Value::text(c.message.clone()),
            ],
        )
    }));
    rows.extend(report.warnings.iter().map(|p| problem("参考", p)));
    let file = Path::new(&report.file).file_name().map_or(report.file.clone(), |n| n.to_string_lossy().into_owned());
    let to = if report.sections.is_empty() { "ご担当者".to_string() } else { report.sections.join("・") };
    let table = ReportTable {
        sheet: "修正のお願い".into(),
        title: format!("調査票の修正のお願い（{to} 御中）"),
        subtitle: if report.errors.is_empty() {
            format!(
                "回答ファイル「{file}」を{}に確認しました。要確認 {} 件が意図したものか確かめ、必要なら直して同じファイルで再提出してください。",
                crate::fiscal::wareki_date(today),
                report.cautions.len()
            )
        } else {
            format!(
                "回答ファイル「{file}」を{}に確認しました。要修正 {} 件を直して、同じファイルで再提出してください。",
                crate::fiscal::wareki_date(today),
                report.errors.len()
            )
        },
        columns: vec![
            ReportColumn::new("種別", ColumnKind::Text, 8.0),
            ReportColumn::new("行", ColumnKind::Text, 10.0),
            ReportColumn::new("列", ColumnKind::Text, 22.0),
            ReportColumn::new("記入されていた値", ColumnKind::Text, 22.0),
            ReportColumn::new("内容と直し方", ColumnKind::Text, 70.0),
        ],
        rows,
        notes: vec![
            "要修正: このままではファイル全体を取り込めません（正しい行も取り込まれていません）。この行の、この列を直してください。".into(),
            "要確認: 取り込めますが、所属の移動・業務名の変更・他の課の管理番号・同じ業務名の取組の追加など、台帳に大きく関わる変更です。意図したものか確かめてください。".into(),
            "参考: 取り込めますが、記載を確かめてください。行は調査票の Excel の行番号です。".into(),
        ],
        total_is_sum: false,
        chart: None,
    };
    write_reports(&[table], &workbook_options(ledger.settings()?, today))
}
