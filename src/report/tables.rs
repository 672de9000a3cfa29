//! The six reports as [`ReportTable`]s, built from ledger data by pure functions: 部局別 summary, 年度推移, 業務別
//! before/after, 検算 list, cumulative since introduction, cost-effectiveness. One implementation for the CLI, the
//! workbook, CSV, JSON and the desktop app.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::check_list;
use super::summary::{GroupBy, Summary, SummaryOptions, summarize};
use super::table::{ChartKind, ChartSpec, ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, Cost, EffectRow, Kind, RoundingScope, Settings, Target};
use crate::number::{group_thousands, round_half_up};
use crate::org::{Level, NameView, OrgChart};

/// The ledger data every report reads.
pub struct ReportInput<'a> {
    pub chart: &'a OrgChart,
    pub settings: &'a Settings,
    /// Effects of every fiscal year, with their initiatives.
    pub effects: &'a [EffectRow],
    pub targets: &'a [Target],
    pub costs: &'a [Cost],
    /// AI-OCR measures of every fiscal year, with their initiatives (of the 部局 when the report is limited to one).
    pub ocr: &'a [OcrLine],
    /// The sheets each tool read in a fiscal year over the whole organisation, by tool key: a tool's cost is spread
    /// over all of them, whichever 部局 a report shows.
    pub ocr_sheets: &'a BTreeMap<(i32, String), i64>,
}

/// An AI-OCR measure with the initiative it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    pub measure: crate::ledger::OcrMeasure,
    /// The initiative's unit.
    pub unit_id: i64,
    pub ledger_id: String,
    pub title: String,
    pub tool: Option<String>,
}

/// What to report.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    pub fiscal_year: FiscalYear,
    /// Grouping of the summary (部局 `Bureau` or 課 `Section`) and of the cumulative report (also per initiative,
    /// `Initiative`).
    pub by: GroupBy,
    pub basis: Option<Basis>,
    pub view: NameView,
    /// Formula lines under each group of the summary.
    pub detail: bool,
    /// First fiscal year of the trend and cumulative reports (default: four years before `fiscal_year`).
    pub from: Option<FiscalYear>,
    /// Only this 部局 — the unit, whatever it was called, and every unit merged into it (see
    /// [`OrgChart::current_bureau`]); `None` for the whole organisation.
    pub bureau: Option<i64>,
}

/// The reports, in the order of the combined workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    Summary,
    Trend,
    BeforeAfter,
    Check,
    Cumulative,
    Cost,
    Ocr,
}

impl ReportKind {
    pub const ALL: [ReportKind; 7] = [
        ReportKind::Summary,
        ReportKind::Trend,
        ReportKind::BeforeAfter,
        ReportKind::Check,
        ReportKind::Cumulative,
        ReportKind::Cost,
        ReportKind::Ocr,
    ];

    /// The name the CLI and the app use: `summary`, `trend`, `before-after`, `check`, `cumulative`, `cost`, `ocr`.
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::Summary => "summary",
            ReportKind::Trend => "trend",
            ReportKind::BeforeAfter => "before-after",
            ReportKind::Check => "check",
            ReportKind::Cumulative => "cumulative",
            ReportKind::Cost => "cost",
            ReportKind::Ocr => "ocr",
        }
    }

    /// What the report is, in Japanese.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Summary => "部局別集計",
            ReportKind::Trend => "年度推移（目標値と実績）",
            ReportKind::BeforeAfter => "業務別 導入前後比較",
            ReportKind::Check => "検算リスト",
            ReportKind::Cumulative => "導入からの累計",
            ReportKind::Cost => "ツール別 費用対効果",
            ReportKind::Ocr => "AI-OCR 読取実績",
        }
    }

    /// The word for every report in one workbook.
    pub const ALL_SLUG: &'static str = "all";
    pub const ALL_LABEL: &'static str = "すべての帳票（1つのブックに7シート）";

    /// Every name [`Self::selection`] accepts: `all` first, then each report's slug.
    pub fn slugs() -> Vec<&'static str> {
        std::iter::once(Self::ALL_SLUG).chain(Self::ALL.iter().map(|k| k.slug())).collect()
    }

    /// The reports a name selects: one, or all of them for `all`. The one place a report's name is read.
    pub fn selection(name: &str) -> crate::Result<Vec<ReportKind>> {
        let name = name.trim();
        if name == Self::ALL_SLUG {
            return Ok(Self::ALL.to_vec());
        }
        Self::ALL.iter().find(|k| k.slug() == name).map(|k| vec![*k]).ok_or_else(|| {
            crate::Error::Invalid(format!(
                "帳票「{name}」はありません。{} のいずれかを指定してください",
                Self::slugs().join("、")
            ))
        })
    }

    pub fn build(self, input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
        match self {
            ReportKind::Summary => summary_report(input, opts),
            ReportKind::Trend => trend_report(input, opts),
            ReportKind::BeforeAfter => before_after_report(input, opts),
            ReportKind::Check => check_report(input, opts),
            ReportKind::Cumulative => cumulative_report(input, opts),
            ReportKind::Cost => cost_report(input, opts),
            ReportKind::Ocr => ocr_report(input, opts),
        }
    }
}

/// Every report of the fiscal year, for one workbook.
pub fn all_reports(input: &ReportInput<'_>, opts: &ReportOptions) -> Vec<ReportTable> {
    ReportKind::ALL.iter().map(|k| k.build(input, opts)).collect()
}

fn summary_of(input: &ReportInput<'_>, fy: FiscalYear, by: GroupBy, basis: Option<Basis>, view: NameView) -> Summary {
    let opts = SummaryOptions { fiscal_year: fy, by, basis, view };
    summarize(input.effects, input.chart, input.settings, input.targets, &opts)
}

fn basis_label(basis: Option<Basis>) -> String {
    basis.map_or_else(|| "最良（実績＞試行＞試算）".to_string(), |b| b.label().to_string())
}

fn view_label(view: NameView) -> &'static str {
    match view {
        NameView::AsReported => "組織名: 報告時の名称",
        NameView::Current => "組織名: 現在の組織にまとめて表示",
    }
}

fn title(s: &Settings, fy: FiscalYear, what: &str) -> String {
    let org = if s.organisation_name.is_empty() { String::new() } else { format!("{} ", s.organisation_name) };
    format!("{org}{} RPA・AI-OCR等による業務削減効果 {what}", fy.wareki())
}

fn conversions(s: &Settings) -> String {
    format!(
        "換算: 1人工＝{}時間、人件費 {}円/時間",
        group_thousands(s.hours_per_person_year, 2),
        group_thousands(s.yen_per_hour, 2)
    )
}

fn rounding_notes(s: &Settings) -> Vec<String> {
    let mut notes = vec![s.rounding.describe()];
    if s.rounding.scope == RoundingScope::Total {
        notes.push("合計は端数処理前の値を合計してから丸めています（各行の合計とは一致しないことがあります）".into());
    }
    notes.push(format!("申告値と計算値の両方がある行は{}を採用", s.adopt.label()));
    notes
}

fn hours_column(title: &str) -> ReportColumn {
    ReportColumn::new(title, ColumnKind::Hours, 11.0)
}

/// Hours of exact minutes under the rounding rule of a line.
fn line_hours(s: &Settings, minutes: Decimal) -> Decimal {
    s.rounding.hours(minutes / Decimal::from(60))
}

/// A total of lines under the rule: the sum of the rounded lines, or the exact sum rounded once.
fn total_hours(s: &Settings, rounded_sum: Decimal, exact_minutes: Decimal) -> Decimal {
    match s.rounding.scope {
        RoundingScope::PerLine => rounded_sum,
        RoundingScope::Total => line_hours(s, exact_minutes),
    }
}

fn person_years(s: &Settings, hours: Decimal) -> Decimal {
    round_half_up(hours / s.hours_per_person_year, 2)
}

fn yen(s: &Settings, hours: Decimal) -> Decimal {
    round_half_up(hours * s.yen_per_hour, 0)
}

fn percent(part: Decimal, whole: Decimal) -> Value {
    if whole.is_zero() { Value::Empty } else { Value::number(round_half_up(part / whole * Decimal::ONE_HUNDRED, 1)) }
}

/// Report 1: 部局別 (or 課別) summary: per 区分 the number of initiatives and hours, the total, 人工 and yen; with
/// `detail`, each group's lines with their canonical formulas.
pub fn summary_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let by = if opts.by == GroupBy::Section { GroupBy::Section } else { GroupBy::Bureau };
    let summary = summary_of(input, opts.fiscal_year, by, opts.basis, opts.view);
    let mut columns =
        vec![ReportColumn::new(by.label(), ColumnKind::Text, if by == GroupBy::Section { 26.0 } else { 18.0 })];
    for k in Kind::ALL {
        let width = if *k == Kind::RpaAiOcr { 11.0 } else { 7.0 };
        columns.push(ReportColumn::new(format!("{}\n件数", k.label()), ColumnKind::Count, width));
        columns.push(ReportColumn::new(format!("{}\n削減時間(h)", k.label()), ColumnKind::Hours, 11.0));
    }
    columns.push(ReportColumn::new("合計\n件数", ColumnKind::Count, 7.0));
    columns.push(ReportColumn::new("合計\n削減時間(h)", ColumnKind::Hours, 12.0));
    columns.push(ReportColumn::new("人工", ColumnKind::PersonYears, 8.0));
    columns.push(ReportColumn::new("金額換算(円)", ColumnKind::Yen, 14.0));
    if opts.detail {
        columns.push(ReportColumn::new("算定式", ColumnKind::Text, 48.0));
    }
    let width = columns.len();
    let row_of = |label: &str, t: &super::summary::Totals, kind: RowKind| {
        let mut cells = vec![Value::text(label)];
        for k in Kind::ALL {
            let n = t.initiatives_by_kind.get(k).copied().unwrap_or(0);
            let h = t.by_kind.get(k).map(|h| h.normalize());
            cells.push(if n > 0 { Value::number(Decimal::from(n)) } else { Value::Empty });
            cells.push(if n > 0 { Value::opt(h) } else { Value::Empty });
        }
        cells.push(Value::number(Decimal::from(t.initiatives)));
        cells.push(Value::number(t.hours));
        cells.push(Value::number(person_years(s, t.hours)));
        cells.push(Value::number(yen(s, t.hours)));
        cells.resize(width, Value::Empty);
        ReportRow::new(kind, cells)
    };
    let mut rows = Vec::new();
    for g in &summary.groups {
        rows.push(row_of(&g.key, &g.totals, RowKind::Line));
        if opts.detail {
            for line in summary.lines.iter().filter(|l| l.group == g.key) {
                let mut cells = vec![Value::text(format!("　{} {}", line.ledger_id, line.title))];
                cells.resize(width, Value::Empty);
                let kind_col = 1 + 2 * Kind::ALL.iter().position(|k| *k == line.kind).unwrap_or(0) + 1;
                cells[kind_col] = Value::number(line.hours);
                cells[width - 1] = Value::text(formula_line(line.canonical.as_deref(), line.minutes, line.basis));
                rows.push(ReportRow::new(RowKind::Detail, cells));
            }
        }
    }
    rows.push(row_of("合計", &summary.total, RowKind::Total));
    let mut notes = rounding_notes(s);
    notes.push(conversions(s));
    if let (Some(target), Some(rate)) = (summary.total.target_hours, summary.total.achievement_rate) {
        notes.push(format!("目標値 {}時間に対する達成率 {}%", group_thousands(target, 2), group_thousands(rate, 1)));
    }
    let hours_col = 1 + 2 * Kind::ALL.len() + 1;
    ReportTable {
        sheet: format!("{}別", by.label()),
        title: title(s, opts.fiscal_year, &format!("{}別集計", by.label())),
        subtitle: format!("算定区分: {} ／ {} ／ 単位: 時間", basis_label(opts.basis), view_label(opts.view)),
        columns,
        rows,
        notes,
        total_is_sum: s.rounding.scope == RoundingScope::PerLine,
        chart: Some(ChartSpec {
            title: format!("{}別 削減時間", by.label()),
            kind: ChartKind::Bar,
            category_column: 0,
            series: vec![hours_col],
            value_axis: "削減時間（時間）".into(),
        }),
    }
}

/// `5分×40か所×245日＝49,000分（816.7時間）` (the formula's canonical text), or the stated figure when there is no
/// formula.
fn formula_line(canonical: Option<&str>, minutes: Decimal, basis: Basis) -> String {
    let text = match canonical {
        Some(c) => c.to_string(),
        None => format!("別途積算（{}）", crate::formula::result_text(minutes)),
    };
    format!("[{}] {text}", basis.label())
}

fn year_range(opts: &ReportOptions) -> Vec<FiscalYear> {
    let from = opts.from.unwrap_or(FiscalYear(opts.fiscal_year.0 - 4)).min(opts.fiscal_year);
    (from.0..=opts.fiscal_year.0).map(FiscalYear).collect()
}

/// Report 2: 年度推移: fiscal years as columns; 目標値, 実績 (or the chosen basis), 達成率; then each 部局's figure.
pub fn trend_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let mut years = year_range(opts);
    let mut summaries: Vec<Summary> =
        years.iter().map(|fy| summary_of(input, *fy, GroupBy::Bureau, opts.basis, NameView::Current)).collect();
    // Leading years with neither a target nor a figure would only print zeros.
    while summaries.len() > 1 && summaries[0].total.target_hours.is_none() && summaries[0].total.initiatives == 0 {
        summaries.remove(0);
        years.remove(0);
    }
    let mut columns = vec![ReportColumn::new("項目", ColumnKind::Text, 22.0)];
    columns.extend(years.iter().map(|fy| ReportColumn::new(fy.wareki(), ColumnKind::Hours, 12.0)));
    let actual_label = opts.basis.map_or("実績".to_string(), |b| b.label().to_string());
    let target_cells: Vec<Value> = summaries.iter().map(|x| Value::opt(x.total.target_hours)).collect();
    // A year without any figure yet is blank (no actual, no rate), never 0 and 0%: the chart leaves a gap there.
    let actual_cells: Vec<Value> = summaries
        .iter()
        .map(|x| if x.total.initiatives == 0 { Value::Empty } else { Value::number(x.total.hours) })
        .collect();
    let rate_cells: Vec<Value> = summaries.iter().map(|x| Value::opt(x.total.achievement_rate)).collect();
    let with_label = |label: &str, cells: Vec<Value>| {
        let mut v = vec![Value::text(label)];
        v.extend(cells);
        v
    };
    let mut rows = vec![
        ReportRow::new(RowKind::Computed, with_label("目標値", target_cells)),
        ReportRow::new(RowKind::Computed, with_label(&actual_label, actual_cells)),
        ReportRow {
            format: Some(ColumnKind::Percent),
            ..ReportRow::new(RowKind::Computed, with_label("達成率", rate_cells))
        },
    ];
    // Each 部局 under today's name, so a renamed 部局 is one line across the years.
    let mut bureaus: Vec<String> = Vec::new();
    for sm in &summaries {
        for g in &sm.groups {
            if !bureaus.contains(&g.key) {
                bureaus.push(g.key.clone());
            }
        }
    }
    for b in &bureaus {
        let cells = summaries
            .iter()
            .map(|sm| sm.groups.iter().find(|g| &g.key == b).map_or(Value::Empty, |g| Value::number(g.totals.hours)))
            .collect();
        rows.push(ReportRow::new(RowKind::Line, with_label(&format!("　{b}"), cells)));
    }
    let mut notes = rounding_notes(s);
    notes.push("部局は現在の組織名で表示（名称変更・統合前の数値は現在の部局に含めています）".into());
    ReportTable {
        sheet: "年度推移".into(),
        title: title(s, opts.fiscal_year, "年度推移"),
        subtitle: format!("算定区分: {} ／ 単位: 時間", basis_label(opts.basis)),
        columns,
        rows,
        notes,
        total_is_sum: false,
        chart: Some(ChartSpec {
            title: format!("目標値と{actual_label}の推移"),
            kind: ChartKind::LineByRow { first_value_column: 1 },
            category_column: 0,
            series: vec![0, 1],
            value_axis: "削減時間（時間）".into(),
        }),
    }
}

/// Report 3: 業務別 before/after: for initiatives with 導入前 and 導入後 inputs, current and new hours, the saving and its rate.
pub fn before_after_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let fy = opts.fiscal_year;
    let summary = summary_of(input, fy, GroupBy::Bureau, opts.basis, opts.view);
    // The counted (管理番号, 算定区分) pairs, looked up per row (a scan of the lines per row was quadratic).
    let counted: std::collections::HashSet<(&str, Basis)> =
        summary.lines.iter().map(|l| (l.ledger_id.as_str(), l.basis)).collect();
    let picked: Vec<&EffectRow> = input
        .effects
        .iter()
        .filter(|r| r.effect.fiscal_year == fy && counted.contains(&(r.ledger_id.as_str(), r.effect.basis)))
        .collect();
    let columns = vec![
        ReportColumn::new("管理番号", ColumnKind::Text, 10.0),
        ReportColumn::new("業務", ColumnKind::Text, 34.0),
        ReportColumn::new("部局", ColumnKind::Text, 16.0),
        ReportColumn::new("課", ColumnKind::Text, 16.0),
        hours_column("現行(h)"),
        hours_column("導入後(h)"),
        hours_column("削減時間(h)"),
        ReportColumn::new("削減率", ColumnKind::Percent, 9.0),
    ];
    let mut rows = Vec::new();
    let (mut sum_before, mut sum_after, mut sum_saved) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let (mut exact_before, mut exact_after) = (Decimal::ZERO, Decimal::ZERO);
    for r in picked {
        let Some(st) = r.effect.structured.as_ref() else { continue };
        let (Some(b), Some(a)) = (st.before_minutes, st.after_minutes) else { continue };
        let factor = st.count.unwrap_or(Decimal::ONE) * st.days.unwrap_or(Decimal::ONE);
        let (before_min, after_min) = (b * factor, a * factor);
        let (before, after) = (line_hours(s, before_min), line_hours(s, after_min));
        let saved = before - after;
        sum_before += before;
        sum_after += after;
        sum_saved += saved;
        exact_before += before_min;
        exact_after += after_min;
        let unit = input.chart.view(r.effect.unit_id, opts.view);
        let name_at = |level: Level| {
            input
                .chart
                .ancestor_at(unit, level)
                .map(|u| input.chart.display_name(u.id, fy, opts.view))
                .unwrap_or_default()
        };
        rows.push(ReportRow::new(
            RowKind::Line,
            vec![
                Value::text(&r.ledger_id),
                Value::text(&r.title),
                Value::text(name_at(Level::Bureau)),
                Value::text(name_at(Level::Section)),
                Value::number(before),
                Value::number(after),
                Value::number(saved),
                percent(saved, before),
            ],
        ));
    }
    let total_before = total_hours(s, sum_before, exact_before);
    let total_after = total_hours(s, sum_after, exact_after);
    let total_saved = if s.rounding.scope == RoundingScope::PerLine { sum_saved } else { total_before - total_after };
    rows.push(ReportRow::new(
        RowKind::Total,
        vec![
            Value::text("合計"),
            Value::Empty,
            Value::Empty,
            Value::Empty,
            Value::number(total_before),
            Value::number(total_after),
            Value::number(total_saved),
            percent(total_saved, total_before),
        ],
    ));
    let mut notes = rounding_notes(s);
    notes.push("導入前・導入後の1件あたり時間（分）×件数×日数から算出。算定式だけで登録された取組は含みません".into());
    ReportTable {
        sheet: "業務別".into(),
        title: title(s, fy, "業務別 導入前後比較"),
        subtitle: format!("算定区分: {} ／ {} ／ 単位: 時間", basis_label(opts.basis), view_label(opts.view)),
        columns,
        rows,
        notes,
        total_is_sum: s.rounding.scope == RoundingScope::PerLine,
        chart: None,
    }
}

/// Report 4: 検算 list of the fiscal year.
pub fn check_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let fy = opts.fiscal_year;
    let rows_fy: Vec<EffectRow> = input.effects.iter().filter(|r| r.effect.fiscal_year == fy).cloned().collect();
    let items = check_list(&rows_fy, input.chart);
    let columns = vec![
        ReportColumn::new("管理番号", ColumnKind::Text, 10.0),
        ReportColumn::new("業務名", ColumnKind::Text, 26.0),
        ReportColumn::new("所属", ColumnKind::Text, 20.0),
        ReportColumn::new("算定区分", ColumnKind::Text, 8.0),
        ReportColumn::new("内容", ColumnKind::Text, 21.0),
        ReportColumn::new("算定式", ColumnKind::Text, 24.0),
        hours_column("計算値(h)"),
        hours_column("申告値(h)"),
        ReportColumn::new("差(分)", ColumnKind::Minutes, 10.0),
        hours_column("差(h)"),
    ];
    let hours = |m: Option<Decimal>| Value::opt(m.map(|m| round_half_up(m / Decimal::from(60), 2)));
    let rows = items
        .iter()
        .map(|i| {
            ReportRow::new(
                RowKind::Computed,
                vec![
                    Value::text(&i.ledger_id),
                    Value::text(&i.title),
                    Value::text(&i.unit),
                    Value::text(&i.basis),
                    Value::text(i.label),
                    Value::text(i.formula.clone().unwrap_or_default()),
                    hours(i.computed_minutes),
                    hours(i.stated_minutes),
                    Value::opt(i.difference_minutes),
                    Value::opt(i.difference_hours),
                ],
            )
        })
        .collect();
    ReportTable {
        sheet: "検算".into(),
        title: title(input.settings, fy, "検算リスト"),
        subtitle: format!(
            "申告値が算定式の計算値と合わない行（記載の桁数の範囲を超えるもの）と、算定式のない行（別途積算）: {} 件",
            items.len()
        ),
        columns,
        rows,
        notes: vec![
            "差 = 計算値 − 申告値。記載の桁数の範囲内の差（例: 816.67時間を817時間と記載）は一致として扱います".into(),
        ],
        total_is_sum: false,
        chart: None,
    }
}

/// Report 5: Cumulative since introduction per 部局 (or per 課): hours per fiscal year, the running total and the change
/// from the year before.
pub fn cumulative_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let first_year = input.effects.iter().map(|r| r.effect.fiscal_year).min().unwrap_or(opts.fiscal_year);
    let years: Vec<FiscalYear> = (first_year.0.min(opts.fiscal_year.0)..=opts.fiscal_year.0).map(FiscalYear).collect();
    let by = match opts.by {
        GroupBy::Section | GroupBy::Initiative => opts.by,
        _ => GroupBy::Bureau,
    };
    let summaries: Vec<Summary> =
        years.iter().map(|fy| summary_of(input, *fy, by, opts.basis, NameView::Current)).collect();
    let mut groups: Vec<String> = Vec::new();
    for sm in &summaries {
        for g in &sm.groups {
            if !groups.contains(&g.key) {
                groups.push(g.key.clone());
            }
        }
    }
    let label_width = if by == GroupBy::Initiative { 36.0 } else { 18.0 };
    let mut columns = vec![ReportColumn::new(by.label(), ColumnKind::Text, label_width)];
    columns.extend(years.iter().map(|fy| ReportColumn::new(fy.wareki(), ColumnKind::Hours, 11.0)));
    columns.push(ReportColumn::new("累計(h)", ColumnKind::Hours, 12.0));
    columns.push(ReportColumn::new("前年度比(h)", ColumnKind::Hours, 12.0));
    let hours_in = |sm: &Summary, key: &str| sm.groups.iter().find(|g| g.key == key).map(|g| g.totals.hours);
    let mut rows = Vec::new();
    for key in &groups {
        let per_year: Vec<Option<Decimal>> = summaries.iter().map(|sm| hours_in(sm, key)).collect();
        let cumulative: Decimal = per_year.iter().flatten().sum();
        let last = per_year.last().copied().flatten().unwrap_or_default();
        let previous = per_year.iter().rev().nth(1).copied().flatten().unwrap_or_default();
        let mut cells = vec![Value::text(key)];
        cells.extend(per_year.iter().map(|h| Value::opt(*h)));
        cells.push(Value::number(cumulative));
        cells.push(Value::number(last - previous));
        rows.push(ReportRow::new(RowKind::Line, cells));
    }
    let mut total = vec![Value::text("合計")];
    let year_totals: Vec<Decimal> = summaries.iter().map(|sm| sm.total.hours).collect();
    total.extend(year_totals.iter().map(|h| Value::number(*h)));
    total.push(Value::number(year_totals.iter().sum()));
    let n = year_totals.len();
    let change =
        if n >= 2 { year_totals[n - 1] - year_totals[n - 2] } else { year_totals.last().copied().unwrap_or_default() };
    total.push(Value::number(change));
    rows.push(ReportRow::new(RowKind::Total, total));
    let mut notes = rounding_notes(s);
    notes.push(format!(
        "{}は現在の組織名で表示。前年度比は{}と{}の差",
        by.label(),
        opts.fiscal_year.wareki(),
        FiscalYear(opts.fiscal_year.0 - 1).wareki()
    ));
    ReportTable {
        sheet: "累計".into(),
        title: title(s, opts.fiscal_year, &format!("導入からの累計（{}別）", by.label())),
        subtitle: format!("算定区分: {} ／ 単位: 時間", basis_label(opts.basis)),
        columns,
        rows,
        notes,
        total_is_sum: s.rounding.scope == RoundingScope::PerLine,
        chart: None,
    }
}

/// Report 6: Cost-effectiveness per tool: licence and maintenance cost against the hours and yen saved.
pub fn cost_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let fy = opts.fiscal_year;
    let summary = summary_of(input, fy, GroupBy::Tool, opts.basis, opts.view);
    let key = |t: &str| crate::org::name_key(t);
    let mut tools: BTreeMap<String, (String, Option<&Cost>, Option<&super::summary::Totals>)> = BTreeMap::new();
    for g in &summary.groups {
        tools.entry(key(&g.key)).or_insert_with(|| (g.key.clone(), None, None)).2 = Some(&g.totals);
    }
    // Costs are the whole organisation's, per tool: a report limited to one 部局 shows none rather than charge it
    // with all of them.
    let costs: &[Cost] = if opts.bureau.is_some() { &[] } else { input.costs };
    for c in costs.iter().filter(|c| c.fiscal_year == fy) {
        tools.entry(key(&c.tool)).or_insert_with(|| (c.tool.clone(), None, None)).1 = Some(c);
    }
    let columns = vec![
        ReportColumn::new("ツール", ColumnKind::Text, 24.0),
        ReportColumn::new("ライセンス費(円)", ColumnKind::Yen, 14.0),
        ReportColumn::new("保守費(円)", ColumnKind::Yen, 12.0),
        ReportColumn::new("費用計(円)", ColumnKind::Yen, 14.0),
        ReportColumn::new("取組数", ColumnKind::Count, 8.0),
        hours_column("削減時間(h)"),
        ReportColumn::new("削減額(円)", ColumnKind::Yen, 14.0),
        ReportColumn::new("費用対効果(倍)", ColumnKind::PersonYears, 12.0),
        ReportColumn::new("1時間あたり費用(円)", ColumnKind::YenRate, 14.0),
    ];
    let ratio = |saved: Decimal, cost: Decimal| {
        if cost.is_zero() { Value::Empty } else { Value::number(round_half_up(saved / cost, 2)) }
    };
    let per_hour = |cost: Decimal, hours: Decimal| {
        if hours.is_zero() || cost.is_zero() { Value::Empty } else { Value::number(round_half_up(cost / hours, 0)) }
    };
    let mut rows = Vec::new();
    let (mut cost_sum, mut hours_sum, mut saved_sum, mut count_sum) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, 0usize);
    let (mut lic_sum, mut mnt_sum) = (Decimal::ZERO, Decimal::ZERO);
    for (name, cost, totals) in tools.values() {
        let lic = cost.map(|c| c.licence_yen);
        let mnt = cost.map(|c| c.maintenance_yen);
        let total_cost = cost.map(|c| c.licence_yen + c.maintenance_yen);
        let hours = totals.map_or(Decimal::ZERO, |t| t.hours);
        let count = totals.map_or(0, |t| t.initiatives);
        let saved = yen(s, hours);
        lic_sum += lic.unwrap_or_default();
        mnt_sum += mnt.unwrap_or_default();
        cost_sum += total_cost.unwrap_or_default();
        hours_sum += hours;
        saved_sum += saved;
        count_sum += count;
        rows.push(ReportRow::new(
            RowKind::Line,
            vec![
                Value::text(name),
                Value::opt(lic),
                Value::opt(mnt),
                Value::opt(total_cost),
                Value::number(Decimal::from(count)),
                Value::number(hours),
                Value::number(saved),
                // No figure yet for the tool: no rate, rather than 0倍.
                total_cost.filter(|_| count > 0).map_or(Value::Empty, |c| ratio(saved, c)),
                total_cost.map_or(Value::Empty, |c| per_hour(c, hours)),
            ],
        ));
    }
    let total_hours_value = if s.rounding.scope == RoundingScope::PerLine { hours_sum } else { summary.total.hours };
    rows.push(ReportRow::new(
        RowKind::Total,
        vec![
            Value::text("合計"),
            Value::number(lic_sum),
            Value::number(mnt_sum),
            Value::number(cost_sum),
            Value::number(Decimal::from(count_sum)),
            Value::number(total_hours_value),
            Value::number(saved_sum),
            if count_sum > 0 { ratio(saved_sum, cost_sum) } else { Value::Empty },
            per_hour(cost_sum, total_hours_value),
        ],
    ));
    let mut notes = rounding_notes(s);
    notes.push(conversions(s));
    notes.push("費用対効果 = 削減額 ÷ 費用計。費用はツールごと・年度ごとの登録値（daicho cost set）".into());
    if opts.bureau.is_some() {
        notes.push("部局で絞り込んだ帳票では費用を示しません（費用はツールごとに全庁で登録しているため）".into());
    }
    ReportTable {
        sheet: "費用対効果".into(),
        title: title(s, fy, "ツール別 費用対効果"),
        subtitle: format!("算定区分: {} ／ 単位: 円・時間", basis_label(opts.basis)),
        columns,
        rows,
        notes,
        total_is_sum: s.rounding.scope == RoundingScope::PerLine,
        chart: None,
    }
}

/// Report 7: AI-OCR 読取実績 — per form type and tool: the initiatives, forms read, characters read and corrected,
/// the 正読率 = (read − corrected) ÷ read, the correction time, and the cost per sheet = the tool's cost of the year
/// (licence + maintenance) ÷ the sheets read with it that year.
pub fn ocr_report(input: &ReportInput<'_>, opts: &ReportOptions) -> ReportTable {
    let s = input.settings;
    let fy = opts.fiscal_year;
    let key = |t: &str| crate::org::name_key(t);
    let lines: Vec<&OcrLine> = input.ocr.iter().filter(|l| l.measure.fiscal_year == fy).collect();
    // The sheets each tool read in the year over the whole organisation: its cost is spread over all of them.
    let tool_sheets: BTreeMap<String, i64> =
        input.ocr_sheets.iter().filter(|((y, _), _)| *y == fy.0).map(|((_, tool), n)| (tool.clone(), *n)).collect();
    let tool_cost = |tool: &str| -> Option<Decimal> {
        input
            .costs
            .iter()
            .find(|c| c.fiscal_year == fy && key(&c.tool) == key(tool))
            .map(|c| c.licence_yen + c.maintenance_yen)
    };
    let per_sheet = |tool: &str| -> Option<Decimal> {
        let sheets = *tool_sheets.get(&key(tool))?;
        (sheets > 0).then(|| tool_cost(tool)).flatten().map(|c| c / Decimal::from(sheets))
    };
    #[derive(Default)]
    struct Group {
        form: String,
        tool: String,
        initiatives: usize,
        sheets: Option<i64>,
        read: Option<i64>,
        corrected: Option<i64>,
        minutes: Option<Decimal>,
    }
    let add = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    };
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for l in &lines {
        let m = &l.measure;
        let form = m.form_type.clone().unwrap_or_else(|| format!("（帳票の種類なし: {}）", l.title));
        let tool = l.tool.clone().unwrap_or_default();
        let g = groups.entry((key(&form), key(&tool))).or_insert_with(|| Group { form, tool, ..Group::default() });
        g.initiatives += 1;
        g.sheets = add(g.sheets, m.sheets);
        // 正読率 needs both counts of the same measure: a measure with only one of them is left out of both.
        if let (Some(r), Some(c)) = (m.chars_read, m.chars_corrected) {
            g.read = add(g.read, Some(r));
            g.corrected = add(g.corrected, Some(c));
        }
        g.minutes = match (g.minutes, m.correction_minutes) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        };
    }
    let accuracy = |read: Option<i64>, corrected: Option<i64>| match (read, corrected) {
        (Some(r), Some(c)) if r > 0 => {
            Value::number(round_half_up(Decimal::from(r - c) / Decimal::from(r) * Decimal::ONE_HUNDRED, 2))
        }
        _ => Value::Empty,
    };
    let count = |n: Option<i64>| n.map_or(Value::Empty, |n| Value::number(Decimal::from(n)));
    let mut rows = Vec::new();
    let (mut t_init, mut t_sheets, mut t_read, mut t_corr, mut t_min) = (0usize, None, None, None, None::<Decimal>);
    for g in groups.values() {
        // A form's share of its tool's cost, per sheet: the same for every form the tool reads.
        let cost = (!g.tool.is_empty()).then(|| per_sheet(&g.tool)).flatten();
        rows.push(ReportRow::new(
            RowKind::Line,
            vec![
                Value::text(g.form.clone()),
                if g.tool.is_empty() { Value::Empty } else { Value::text(g.tool.clone()) },
                Value::number(Decimal::from(g.initiatives)),
                count(g.sheets),
                count(g.read),
                count(g.corrected),
                accuracy(g.read, g.corrected),
                Value::opt(g.minutes.map(|m| m.normalize())),
                Value::opt(cost.map(|c| round_half_up(c, 2))),
            ],
        ));
        t_init += g.initiatives;
        t_sheets = add(t_sheets, g.sheets);
        t_read = add(t_read, g.read);
        t_corr = add(t_corr, g.corrected);
        t_min = match (t_min, g.minutes) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        };
    }
    // The cost per sheet of the report's lines: the cost their sheets carry, over those sheets (for the whole
    // organisation, the costs of the tools that read sheets over all their sheets).
    let (cost_sum, sheets_with_cost) = lines.iter().fold((Decimal::ZERO, 0i64), |(c, n), l| {
        match (l.tool.as_deref().and_then(per_sheet), l.measure.sheets) {
            (Some(rate), Some(sheets)) => (c + rate * Decimal::from(sheets), n + sheets),
            _ => (c, n),
        }
    });
    rows.push(ReportRow::new(
        RowKind::Total,
        vec![
            Value::text("合計"),
            Value::Empty,
            Value::number(Decimal::from(t_init)),
            count(t_sheets),
            count(t_read),
            count(t_corr),
            accuracy(t_read, t_corr),
            Value::opt(t_min.map(|m| m.normalize())),
            if sheets_with_cost > 0 {
                Value::number(round_half_up(cost_sum / Decimal::from(sheets_with_cost), 2))
            } else {
                Value::Empty
            },
        ],
    ));
    let columns = vec![
        ReportColumn::new("帳票の種類", ColumnKind::Text, 26.0),
        ReportColumn::new("ツール", ColumnKind::Text, 18.0),
        ReportColumn::new("取組数", ColumnKind::Count, 8.0),
        ReportColumn::new("読取枚数", ColumnKind::Count, 11.0),
        ReportColumn::new("読取文字数", ColumnKind::Count, 13.0),
        ReportColumn::new("修正文字数", ColumnKind::Count, 11.0),
        ReportColumn::new("正読率", ColumnKind::FinePercent, 9.0),
        ReportColumn::new("修正時間(分)", ColumnKind::Minutes, 11.0),
        ReportColumn::new("1枚あたり費用(円)", ColumnKind::PersonYears, 14.0),
    ];
    ReportTable {
        sheet: "AI-OCR".into(),
        title: title(s, fy, "AI-OCR 読取実績"),
        subtitle: format!("AI-OCR・RPA+AI-OCR の取組 {} 件 ／ 単位: 枚・文字・分・円", lines.len()),
        columns,
        rows,
        notes: vec![
            "正読率 = (読取文字数 − 修正文字数) ÷ 読取文字数（両方が記録された取組だけで計算）".into(),
            "1枚あたり費用 = ツールの年度の費用（ライセンス費＋保守費）÷ そのツールで全庁が読み取った枚数（帳票・部局によらず同じ）。合計行は各行の費用の合計 ÷ その読取枚数".into(),
            "読取実績は取組の詳細画面、調査票の「帳票の種類」〜「修正時間(分)」の列、または daicho ocr set で記録します".into(),
        ],
        total_is_sum: false,
        chart: None,
    }
}
