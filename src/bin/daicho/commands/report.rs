//! `daicho summary`, `report`, `check`: what managers read.

use std::process::ExitCode;

use chrono::Local;
use clap::Args;
use daicho::db::{Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::ledger::{Basis, Kind};
use daicho::number::{self, group_thousands};
use daicho::org::NameView;
use daicho::report::{GroupBy, ReportKind, SummaryOptions, check_list, summarize_year};
use daicho::{Error, Result};
use rust_decimal::Decimal;
use serde_json::json;

use super::hours_text;
use crate::table::{Align, Table};
use crate::{basis, emit, emit_json, fiscal_year};

#[derive(Args)]
pub struct ReportArgs {
    /// 帳票: summary（部局別）/ trend（年度推移）/ before-after（業務別 導入前後）/ check（検算）/
    /// cumulative（累計）/ cost（費用対効果）/ ocr（AI-OCR 読取実績）/ all（全帳票を1つのブックに）
    #[arg(value_name = "KIND", value_parser = report_kinds())]
    kinds: Reports,
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
    /// この部局だけ（旧名称の年度や統合前の組織の数値も含みます。今の名前でも旧名称でも指定できます）
    #[arg(long)]
    bureau: Option<String>,
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

/// The reports one name selects (`all` selects every one).
#[derive(Clone)]
pub struct Reports(Vec<ReportKind>);

/// The report names, as clap shows and completes them, read by the library ([`ReportKind::selection`]).
fn report_kinds() -> impl clap::builder::TypedValueParser<Value = Reports> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(ReportKind::slugs())
        .try_map(|s: String| ReportKind::selection(&s).map(Reports))
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportBy {
    Bureau,
    Section,
    Initiative,
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

pub fn summary(store: Store, a: SummaryArgs) -> Result<()> {
    let chart = store.org_chart()?;
    let settings = store.settings()?;
    let targets = store.targets(Some(a.fy))?;
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
    let s = summarize_year(&store, &chart, &settings, &targets, &opts)?;
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
            r.push(x.by_kind.get(k).map_or(String::new(), |v| h(*v)));
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

pub fn check(store: Store, fy: Option<FiscalYear>, json: bool) -> Result<ExitCode> {
    let problems = store.integrity_problems()?;
    let chart = store.org_chart()?;
    let rows = store.effects_in_year(fy)?;
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

pub fn report(store: Store, a: ReportArgs) -> Result<()> {
    use daicho::export::csv::CsvEncoding;
    use daicho::report::ReportOptions;
    let settings = store.settings()?;
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
        bureau: match &a.bureau {
            Some(name) => Some(daicho::export::report_bureau(&store, name)?),
            None => None,
        },
    };
    let kinds = a.kinds.0;
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
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<()> {
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
pub(crate) fn report_text(t: &daicho::report::ReportTable, places: u32) -> String {
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
                    ColumnKind::FinePercent => format!("{}%", number::group_fixed(*n, 2)),
                    ColumnKind::PersonYears => number::group_fixed(*n, 2),
                    _ => group_thousands(*n, 2),
                },
            })
            .collect();
        table.row(cells);
    }
    format!("{}\n{}\n{}{}", t.title, t.subtitle, table.render(), t.notes.join("\n"))
}
