//! Read models for user interfaces: what the desktop app's screens show, computed here so the shell only passes
//! them through. Every figure comes from the same functions as the CLI and the reports.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::{FigureParts, Read};
use crate::error::Result;
use crate::fiscal::{DateStyle, FiscalYear};
use crate::formula::{Formula, FormulaError, StatedCheck};
use crate::ledger::{
    AuditEntry, AuditQuery, Effect, Evaluation, ImportRecord, Initiative, Kind, StatusChange, UnitReturn,
};
use crate::number::round_half_up;
use crate::org::{Level, NameView};
use crate::report::{GroupBy, ReportKind, SummaryOptions, counted_figures, summarize_year};

/// One row of the ledger screen. Figures are exact decimals as text (the UI adds and formats them without floats).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerRow {
    pub ledger_id: String,
    pub kind: String,
    pub title: String,
    pub bureau: String,
    pub section: String,
    pub tool: String,
    pub status: String,
    pub scenarios: Option<i64>,
    /// Hours of the fiscal year under the rounding rule (best basis), when the initiative has a figure that year.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub hours: Option<Decimal>,
    /// Exact minutes of that figure (before rounding), for the CLI's list; not sent to the screen, which shows hours
    /// (10,000 rows of it were a tenth of the year switch's JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub minutes: Option<Decimal>,
    /// The row's 部局 in the organisation's order (by code, as the organisation list shows it): sorting by 部局 sorts
    /// by this, not by the characters of the name.
    pub bureau_order: u32,
    /// The row's 課 (or its 部局, for an initiative directly under one) in the organisation's order: 部局 first, then
    /// the 課 by code.
    pub section_order: u32,
    /// The initiative's version as listed: a change made from the list (a bulk edit) carries it, and is refused when
    /// someone changed the initiative since.
    pub version: i64,
}

/// The ledger for a fiscal year: every initiative, with its hours of that year.
pub fn ledger_rows(ledger: &dyn Read, fy: FiscalYear) -> Result<Vec<LedgerRow>> {
    let rows = RowMaker::new(ledger, fy, FigureParts::default())?;
    Ok(ledger.initiatives(&Default::default())?.into_iter().map(|i| rows.row(i)).collect())
}

/// What a ledger is at this moment, as a token a screen keeps with the rows it read: equal readings mean the same
/// ledger with no change since. Every change writes an audit row, whose id and time are taken; `opened` is what tells
/// the ledger open now from any opened before (the shell's count of ledgers opened, and where this one is), so that
/// another file, or a restored one that reached the same audit id again, never passes.
pub fn reading(ledger: &dyn Read, opened: &str) -> Result<String> {
    let newest = ledger.audit_log(AuditQuery { entity: None, key: None, limit: 1 })?;
    let change = newest.first().map_or(String::new(), |e| format!("{}@{}", e.id, e.at));
    Ok(format!("{opened}|{change}"))
}

/// The ledger list of a year, as a screen that may hold rows of an earlier reading asks for it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerReading {
    /// What the ledger was when it was read ([`reading`]): the screen keeps it with the rows and sends it back at the
    /// next year switch.
    pub reading: String,
    /// Every row: a first reading, or the ledger changed since the screen's.
    pub rows: Option<Vec<LedgerRow>>,
    /// Nothing changed since the screen's reading: only the year's hours, with the 管理番号 of the row each is for, in
    /// the rows' order (10,000 rows are 2.3 MB of JSON, these a tenth of it). The screen takes them only when the
    /// 管理番号 are those of its rows, one for one.
    pub hours: Option<Vec<(String, Option<String>)>>,
}

/// The ledger list of a fiscal year for a screen holding the rows of reading `held` (see [`reading`] for `opened`):
/// when nothing changed since, only the year's hours (all that differs between two years of the list); otherwise
/// every row. The reading is taken before the rows are read, and for the hours again after them, so a change landing
/// in between always sends every row.
pub fn ledger_list(ledger: &dyn Read, fy: FiscalYear, opened: &str, held: Option<&str>) -> Result<LedgerReading> {
    let mut now = reading(ledger, opened)?;
    if held == Some(now.as_str()) {
        let hours = ledger_hours(ledger, fy)?.into_iter().map(|(id, h)| (id, h.map(|h| h.to_string()))).collect();
        let after = reading(ledger, opened)?;
        if after == now {
            return Ok(LedgerReading { reading: now, rows: None, hours: Some(hours) });
        }
        // Changed while the hours were read: this later reading is the one taken before the rows.
        now = after;
    }
    Ok(LedgerReading { reading: now, rows: Some(ledger_rows(ledger, fy)?), hours: None })
}

/// The hours of a fiscal year of the rows [`ledger_rows`] gives, in their order, each with its 管理番号: all that
/// differs between two years of the ledger list (a row's names, 部局 order, status and version are the same in every
/// year), so a year switch on an unchanged ledger needs only these — and the 管理番号 let the screen check that they
/// are of the rows it holds.
pub fn ledger_hours(ledger: &dyn Read, fy: FiscalYear) -> Result<Vec<(String, Option<Decimal>)>> {
    let rows = RowMaker::new(ledger, fy, FigureParts::default())?;
    Ok(ledger
        .initiatives(&Default::default())?
        .into_iter()
        .map(|i| {
            let hours = rows.hours(i.id).map(|(h, _)| h);
            (i.ledger_id, hours)
        })
        .collect())
}

/// Makes the ledger screen's rows of a year: the figure that counts for each initiative (streamed, as the summary
/// picks it) and the names and order of each unit, worked out once per unit rather than once per row.
struct RowMaker {
    adopt: crate::ledger::Adopt,
    rounding: crate::ledger::Rounding,
    counted: HashMap<i64, crate::ledger::Figure>,
    /// 部局, 課 and their places in the organisation's order, by unit.
    units: HashMap<i64, (String, String, u32, u32)>,
}

impl RowMaker {
    fn new(ledger: &dyn Read, fy: FiscalYear, parts: FigureParts) -> Result<Self> {
        let chart = ledger.org_chart()?;
        let settings = ledger.settings()?;
        let counted = counted_figures(ledger, fy, parts)?.into_iter().map(|f| (f.initiative_id, f)).collect();
        let name_at = |unit: i64, level: Level| {
            chart.ancestor_at(unit, level).map(|u| chart.display_name(u.id, fy, NameView::Current)).unwrap_or_default()
        };
        let mut ordered: Vec<i64> = chart.units().map(|u| u.id).collect();
        ordered.sort_by_cached_key(|&id| chart.order_key(id));
        let rank: HashMap<i64, u32> = ordered.iter().copied().zip(0..).collect();
        // A unit the chart does not hold (it cannot happen through the store) goes last.
        let order_at = |unit: i64, level: Level| {
            let at = chart
                .ancestor_at(unit, level)
                .or_else(|| chart.ancestor_at(unit, Level::Bureau))
                .map_or(unit, |u| u.id);
            rank.get(&at).copied().unwrap_or(u32::MAX)
        };
        let units = ordered
            .iter()
            .map(|&u| {
                let names = (name_at(u, Level::Bureau), name_at(u, Level::Section));
                (u, (names.0, names.1, order_at(u, Level::Bureau), order_at(u, Level::Section)))
            })
            .collect();
        Ok(Self { adopt: settings.adopt, rounding: settings.rounding, counted, units })
    }

    /// An initiative's hours of the year under the rounding rule, and the exact minutes they are of.
    fn hours(&self, id: i64) -> Option<(Decimal, Decimal)> {
        self.counted.get(&id).map(|f| {
            let minutes = crate::ledger::adopted_minutes(f.computed_minutes, f.stated_hours, self.adopt).normalize();
            (self.rounding.hours(minutes / Decimal::from(60)), minutes)
        })
    }

    fn row(&self, i: Initiative) -> LedgerRow {
        let figure = self.hours(i.id);
        let (bureau, section, bureau_order, section_order) =
            self.units.get(&i.unit_id).cloned().unwrap_or((String::new(), String::new(), u32::MAX, u32::MAX));
        LedgerRow {
            kind: i.kind.label().into(),
            bureau,
            section,
            tool: i.tool.unwrap_or_default(),
            status: i.status.label().into(),
            scenarios: i.scenario_count,
            hours: figure.map(|(h, _)| h),
            minutes: figure.map(|(_, m)| m),
            bureau_order,
            section_order,
            version: i.version,
            title: i.title,
            ledger_id: i.ledger_id,
        }
    }

    /// The `n` initiatives of the most hours in the year, most first (ties in 管理番号 order), as ledger rows.
    fn top(&self, ledger: &dyn Read, n: usize) -> Result<Vec<LedgerRow>> {
        let mut best: Vec<(Decimal, &str, i64)> = self
            .counted
            .values()
            .map(|f| {
                let minutes =
                    crate::ledger::adopted_minutes(f.computed_minutes, f.stated_hours, self.adopt).normalize();
                let id = f.initiative.as_ref().map_or("", |(ledger_id, _)| ledger_id.as_str());
                (self.rounding.hours(minutes / Decimal::from(60)), id, f.initiative_id)
            })
            .collect();
        best.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        best.truncate(n);
        let ids: Vec<i64> = best.iter().map(|b| b.2).collect();
        // One deleted since its figures were read (a colleague, the CLI) is left out, not an error.
        let read = match ledger.initiatives_by_id(&ids) {
            Err(crate::Error::NotFound(_)) => {
                ids.iter().filter_map(|id| ledger.initiatives_by_id(&[*id]).ok()).flatten().collect()
            }
            read => read?,
        };
        let mut found: HashMap<i64, Initiative> = read.into_iter().map(|i| (i.id, i)).collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(|i| self.row(i)).collect())
    }
}

/// A labelled figure for charts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bar {
    pub label: String,
    /// For a 部局's bar: the 部局's name today (of the unit it became, when it was merged), which the ledger lists
    /// it under — a bar of 子ども部 in 令和4年度 selects こども部's initiatives.
    pub ledger_bureau: Option<String>,
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub hours: Decimal,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrendPoint {
    pub fiscal_year: i32,
    pub label: String,
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub target: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub actual: Decimal,
}

/// The dashboard of a fiscal year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    pub fiscal_year: i32,
    pub label: String,
    /// Fiscal years that have figures, for the year picker.
    pub years: Vec<i32>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_hours: Decimal,
    pub initiatives: usize,
    pub scenarios: i64,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub target_hours: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub achievement_rate: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub person_years: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub yen: Decimal,
    pub by_bureau: Vec<Bar>,
    pub by_kind: Vec<Bar>,
    pub trend: Vec<TrendPoint>,
    /// The ten initiatives saving the most hours.
    pub top: Vec<LedgerRow>,
    pub rounding: String,
}

/// The fiscal years that have any figure, newest last.
pub fn years(ledger: &dyn Read) -> Result<Vec<i32>> {
    Ok(ledger.years_with_figures()?.into_iter().map(|y| y.0).collect())
}

pub fn dashboard(ledger: &dyn Read, fy: FiscalYear) -> Result<Dashboard> {
    let chart = ledger.org_chart()?;
    let settings = ledger.settings()?;
    let targets = ledger.targets(None)?;
    // Each summary streams one year's figures (the dashboard stays quick on a large ledger).
    let run = |fy: FiscalYear, by: GroupBy| {
        let opts = SummaryOptions { fiscal_year: fy, by, basis: None, view: NameView::AsReported };
        summarize_year(ledger, &chart, &settings, &targets, &opts)
    };
    let by_bureau = run(fy, GroupBy::Bureau)?;
    let by_kind = run(fy, GroupBy::Kind)?;
    let all_years = years(ledger)?;
    let shown: Vec<i32> = all_years.iter().copied().filter(|y| *y <= fy.0).collect();
    let trend = shown[shown.len().saturating_sub(5)..]
        .iter()
        .map(|y| {
            let total = if *y == fy.0 { by_bureau.total.clone() } else { run(FiscalYear(*y), GroupBy::Bureau)?.total };
            Ok(TrendPoint {
                fiscal_year: *y,
                label: FiscalYear(*y).wareki(),
                target: total.target_hours,
                actual: total.hours,
            })
        })
        .collect::<Result<_>>()?;
    let rows = RowMaker::new(ledger, fy, FigureParts { names: true, tool: false })?.top(ledger, 10)?;
    Ok(Dashboard {
        fiscal_year: fy.0,
        label: fy.label(),
        years: all_years,
        total_hours: by_bureau.total.hours,
        initiatives: by_bureau.total.initiatives,
        scenarios: by_bureau.total.scenarios,
        target_hours: by_bureau.total.target_hours,
        achievement_rate: by_bureau.total.achievement_rate,
        person_years: by_bureau.person_years,
        yen: by_bureau.yen,
        by_bureau: by_bureau
            .groups
            .iter()
            .map(|g| Bar {
                label: g.key.clone(),
                ledger_bureau: g.unit_id.map(|id| chart.display_name(chart.successor(id), fy, NameView::Current)),
                hours: g.totals.hours,
            })
            .collect(),
        by_kind: by_kind
            .groups
            .iter()
            .map(|g| Bar { label: g.key.clone(), ledger_bureau: None, hours: g.totals.hours })
            .collect(),
        trend,
        top: rows,
        rounding: by_bureau.rounding,
    })
}

/// What the formula box shows while the user types.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FormulaCheck {
    pub ok: bool,
    pub canonical: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub minutes: Option<Decimal>,
    /// Hours to two decimals, for display.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub hours: Option<Decimal>,
    /// The refusal: its message and the 0-based character it points at.
    pub error: Option<String>,
    pub position: Option<usize>,
    /// How the stated hours (typed beside the formula) compare: `一致` or the difference.
    pub stated: Option<String>,
}

/// Evaluates a formula (and optional stated hours) for live display, with the ledger's person-time conversions.
pub fn check_formula(
    text: &str,
    stated_hours: Option<Decimal>,
    conversions: &crate::formula::Conversions,
) -> FormulaCheck {
    match Formula::parse_with(text, conversions) {
        Ok(f) => {
            let stated = stated_hours.map(|h| {
                let c = StatedCheck::of_hours(f.minutes(), h);
                if c.matches {
                    "申告値と一致（記載の桁数の範囲内）".to_string()
                } else {
                    // In hours, as the stated figure is written, with both figures beside it.
                    let hours = |m: Decimal| crate::number::group_marked(m / Decimal::from(60), 2);
                    format!(
                        "申告値との差 {}時間（式 {}時間、申告 {}時間）",
                        hours(c.difference_minutes),
                        hours(f.minutes()),
                        hours(c.stated_minutes)
                    )
                }
            });
            FormulaCheck {
                ok: true,
                canonical: Some(f.canonical()),
                minutes: Some(f.minutes()),
                hours: Some(round_half_up(f.hours(), 2)),
                error: None,
                position: None,
                stated,
            }
        }
        Err(FormulaError { kind, position }) => FormulaCheck {
            ok: false,
            canonical: None,
            minutes: None,
            hours: None,
            error: Some(FormulaError { kind, position }.to_string()),
            position: Some(position),
            stated: None,
        },
    }
}

/// One effect as the detail screen shows it: the recorded effect, with its year in 和暦, its hours, its check and the
/// unit it was reported under.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EffectView {
    #[serde(flatten)]
    pub effect: Effect,
    pub fiscal_year_label: String,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub computed_hours: Option<Decimal>,
    /// `一致` or the difference in hours (`差 -2時間`).
    pub check: Option<String>,
    pub reported_under: String,
    /// The newest audit row of the figure: the form saves and deletes carrying it
    /// ([`crate::actions::Seen`]), refused when the figure changed since.
    pub last_change: Option<i64>,
}

/// An evaluation as the detail shows it, with its newest audit row ([`crate::actions::Seen`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationView {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    pub last_change: Option<i64>,
}

/// The detail screen of one initiative. Its dates are shown in the [`DateStyle`] asked for (`*_label`); the
/// records keep theirs as dates.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InitiativeDetail {
    pub initiative: Initiative,
    /// 運用開始日 as shown: `令和6年4月1日`, `R6.4.1` or `2024-04-01`.
    pub started_on_label: Option<String>,
    pub unit: String,
    pub effects: Vec<EffectView>,
    pub status_history: Vec<StatusChangeView>,
    pub evaluations: Vec<EvaluationView>,
    pub audit: Vec<AuditEntry>,
    /// The record of changes in words: who, when, what, and each field before and after.
    pub changes: Vec<ChangeView>,
    /// Whether the initiative reads forms (AI-OCR, RPA+AI-OCR): the detail shows and edits its AI-OCR measures.
    pub reads_forms: bool,
    /// Its AI-OCR measures, by fiscal year.
    pub ocr: Vec<OcrView>,
}

/// One fiscal year's AI-OCR measure as the detail shows it: the figures as decimal strings and the 正読率.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OcrView {
    pub fiscal_year: i32,
    pub fiscal_year_label: String,
    pub form_type: Option<String>,
    pub sheets: Option<i64>,
    pub chars_read: Option<i64>,
    pub chars_corrected: Option<i64>,
    pub correction_minutes: Option<String>,
    /// 正読率 in percent with two decimals (`99.25`), when both counts are known.
    pub accuracy: Option<String>,
    /// The newest audit row of the measure ([`crate::actions::Seen`]).
    pub last_change: Option<i64>,
}

/// One status of an initiative's history, with its date as shown.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusChangeView {
    #[serde(flatten)]
    pub change: StatusChange,
    /// `令和7年3月31日`
    pub changed_on_label: String,
}

/// One change of an initiative as people read it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangeView {
    pub id: i64,
    /// When, in the writer's clock: `令和6年4月1日 09:00`.
    pub at: String,
    pub actor: String,
    /// 登録 / 変更 / 削除
    pub action: String,
    pub fields: Vec<crate::import::FieldChange>,
}

/// The fields of an initiative's audit rows that differ, with Japanese names and values as the screens show them
/// (the unit as its path, dates in the style asked for).
fn initiative_changes(
    chart: &crate::org::OrgChart,
    e: &AuditEntry,
    style: DateStyle,
) -> Vec<crate::import::FieldChange> {
    const FIELDS: [(&str, &str); 11] = [
        ("ledger_id", "管理番号"),
        ("kind", "区分"),
        ("title", "業務名"),
        ("unit_id", "所属"),
        ("tool", "ツール"),
        ("vendor", "ベンダー"),
        ("status", "状況"),
        ("started_on", "運用開始日"),
        ("scenario_count", "シナリオ数"),
        ("owner", "担当者"),
        ("notes", "備考"),
    ];
    let show = |key: &str, v: Option<&serde_json::Value>| -> String {
        match v {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::Number(n)) if key == "unit_id" => {
                n.as_i64().map(|id| chart.current_path(id)).unwrap_or_default()
            }
            Some(serde_json::Value::String(t)) if key == "started_on" => {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map(|d| style.date(d)).unwrap_or(t.clone())
            }
            Some(serde_json::Value::String(t)) => t.clone(),
            Some(other) => other.to_string(),
        }
    };
    FIELDS
        .iter()
        .filter_map(|(key, field)| {
            let before = show(key, e.before.as_ref().and_then(|b| b.get(*key)));
            let after = show(key, e.after.as_ref().and_then(|a| a.get(*key)));
            (before != after).then(|| crate::import::FieldChange { field: (*field).into(), before, after })
        })
        .collect()
}

/// The detail of an initiative, its dates in `style`.
pub fn initiative_detail(ledger: &dyn Read, ledger_id: &str, style: DateStyle) -> Result<InitiativeDetail> {
    let i = ledger.initiative_by_ledger_id(ledger_id)?;
    let chart = ledger.org_chart()?;
    let audit = ledger.audit_log(AuditQuery { entity: Some("initiative"), key: Some(&i.ledger_id), limit: 50 })?;
    // The newest audit row of each figure, evaluation and measure is read before the records themselves (see
    // `actions::last_change_of`): the keys from a first look, the records shown from a second. A record that
    // appeared in between has no change to show, and its form's save is refused until the screen is read again.
    let last = |entity: &str, key: String| crate::actions::last_change_of(ledger, entity, &key);
    let mut effect_changes = HashMap::new();
    for e in ledger.effects_of(i.id)? {
        effect_changes.insert(e.id, last("effect", e.id.to_string())?);
    }
    let key = |fy: FiscalYear| format!("{}/{}", i.id, fy.0);
    let mut evaluation_changes = HashMap::new();
    for e in ledger.evaluations(i.id)? {
        evaluation_changes.insert(e.fiscal_year, last("evaluation", key(e.fiscal_year))?);
    }
    let mut ocr_changes = HashMap::new();
    for m in ledger.ocr_measures_of(i.id)? {
        ocr_changes.insert(m.fiscal_year, last("ocr_measure", key(m.fiscal_year))?);
    }
    let effects = ledger
        .effects_of(i.id)?
        .into_iter()
        .map(|e| EffectView {
            fiscal_year_label: e.fiscal_year.wareki(),
            computed_hours: e.computed_minutes.map(|m| round_half_up(m / Decimal::from(60), 2)),
            check: e.stated_check().map(|c| c.short()),
            reported_under: chart.path(e.unit_id, e.fiscal_year, NameView::AsReported),
            last_change: effect_changes.get(&e.id).copied().flatten(),
            effect: e,
        })
        .collect();
    Ok(InitiativeDetail {
        started_on_label: i.started_on.map(|d| style.date(d)),
        unit: chart.current_path(i.unit_id),
        status_history: ledger
            .status_history(i.id)?
            .into_iter()
            .map(|change| StatusChangeView { changed_on_label: style.date(change.changed_on), change })
            .collect(),
        evaluations: ledger
            .evaluations(i.id)?
            .into_iter()
            .map(|evaluation| EvaluationView {
                last_change: evaluation_changes.get(&evaluation.fiscal_year).copied().flatten(),
                evaluation,
            })
            .collect(),
        changes: audit
            .iter()
            .map(|e| ChangeView {
                id: e.id,
                at: style.moment(&e.at),
                actor: e.actor.clone(),
                action: match e.action.as_str() {
                    "create" => "登録",
                    "update" => "変更",
                    _ => "削除",
                }
                .into(),
                fields: initiative_changes(&chart, e, style),
            })
            .collect(),
        audit,
        effects,
        reads_forms: i.kind.reads_forms(),
        ocr: ledger
            .ocr_measures_of(i.id)?
            .into_iter()
            .map(|m| OcrView {
                last_change: ocr_changes.get(&m.fiscal_year).copied().flatten(),
                fiscal_year: m.fiscal_year.0,
                fiscal_year_label: m.fiscal_year.wareki(),
                accuracy: m.accuracy().map(|a| round_half_up(a * Decimal::ONE_HUNDRED, 2).to_string()),
                correction_minutes: m.correction_minutes.map(|d| d.normalize().to_string()),
                form_type: m.form_type,
                sheets: m.sheets,
                chars_read: m.chars_read,
                chars_corrected: m.chars_corrected,
            })
            .collect(),
        initiative: i,
    })
}

/// The units a new initiative can belong to in a fiscal year, as `部局／課` paths.
pub fn unit_paths(ledger: &dyn Read, fy: FiscalYear) -> Result<Vec<String>> {
    let chart = ledger.org_chart()?;
    Ok(chart.units().filter(|u| u.is_valid_in(fy)).map(|u| chart.path(u.id, fy, NameView::AsReported)).collect())
}

/// The labels the forms offer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Choices {
    pub kinds: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
    pub bases: Vec<&'static str>,
    /// The answer sheet's fields, for mapping a return's columns, and the word for "not imported".
    pub fields: Vec<&'static str>,
    /// The reports the export screen offers (`all` first), by the name the app sends back.
    pub reports: Vec<ReportChoice>,
    /// The 和暦 label of every fiscal year a screen may show, so the UI never computes an era.
    pub years: YearLabels,
}

/// A date style as the settings screen offers it: 1 April 2024 written in it (`令和6年4月1日`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DateStyleChoice {
    pub style: DateStyle,
    pub example: String,
}

/// `labels[i]` is the 和暦 label of fiscal year `first + i` (`令和5年度`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearLabels {
    pub first: i32,
    pub labels: Vec<String>,
}

/// The labels of the fiscal years from the first of 昭和 to 2100.
pub fn year_labels() -> YearLabels {
    const FIRST: i32 = 1926;
    YearLabels { first: FIRST, labels: (FIRST..=2100).map(|y| FiscalYear(y).wareki()).collect() }
}

/// A report as the export screen lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportChoice {
    pub slug: &'static str,
    pub label: &'static str,
}

pub fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|k| k.label()).collect(),
        statuses: crate::ledger::Status::ALL.iter().map(|s| s.label()).collect(),
        bases: crate::ledger::Basis::ALL.iter().map(|b| b.label()).collect(),
        fields: crate::survey::Column::ALL
            .iter()
            .map(|c| c.title())
            .chain(std::iter::once(crate::import::MapTarget::Ignore.label()))
            .collect(),
        reports: std::iter::once(ReportChoice { slug: ReportKind::ALL_SLUG, label: ReportKind::ALL_LABEL })
            .chain(ReportKind::ALL.iter().map(|k| ReportChoice { slug: k.slug(), label: k.label() }))
            .collect(),
        years: year_labels(),
    }
}

/// The ways a date can be shown, for the display setting.
pub fn date_styles() -> Vec<DateStyleChoice> {
    DateStyle::ALL.iter().map(|&style| DateStyleChoice { style, example: style.example() }).collect()
}

/// Whether a section has returned its survey for a fiscal year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReturnStatus {
    pub section: String,
    pub returned: bool,
    pub at: Option<String>,
    pub file: Option<String>,
}

/// Every section valid in the fiscal year, in organisation order (by 部局, then code), with its latest return: a
/// section has returned when an imported file reported for it or for one of its 係.
pub fn returns_status(ledger: &dyn Read, fy: FiscalYear) -> Result<Vec<ReturnStatus>> {
    let chart = ledger.org_chart()?;
    let returned: Vec<UnitReturn> = ledger.returned_units(fy)?;
    let mut sections: Vec<_> = chart.units().filter(|u| u.level == Level::Section && u.is_valid_in(fy)).collect();
    sections.sort_by_key(|u| (u.parent_id, u.code.clone().unwrap_or_default(), u.id));
    Ok(sections
        .into_iter()
        .map(|u| {
            let hit = returned
                .iter()
                .filter(|r| chart.ancestor_at(r.unit_id, Level::Section).is_some_and(|s| s.id == u.id))
                .max_by(|a, b| a.at.cmp(&b.at));
            ReturnStatus {
                section: chart.path(u.id, fy, NameView::AsReported),
                returned: hit.is_some(),
                at: hit.map(|h| h.at.chars().take(16).collect::<String>().replace('T', " ")),
                file: hit.map(|h| h.file_name.clone()),
            }
        })
        .collect())
}

/// One committed file of the import history, with when it was imported as shown.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportView {
    #[serde(flatten)]
    pub record: ImportRecord,
    /// `令和6年4月1日 09:00`
    pub at_label: String,
}

/// The import history, newest first, its moments in `style`.
pub fn import_history(ledger: &dyn Read, style: DateStyle) -> Result<Vec<ImportView>> {
    Ok(ledger
        .import_history()?
        .into_iter()
        .map(|record| ImportView { at_label: style.moment(&record.at), record })
        .collect())
}

/// One setting as the settings screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingView {
    pub key: &'static str,
    pub help: &'static str,
    pub value: String,
    /// The accepted values, when the setting is a choice.
    pub choices: Vec<&'static str>,
}

/// Every setting, and the rounding rule in words.
pub fn settings_view(ledger: &dyn Read) -> Result<(Vec<SettingView>, String)> {
    let s = ledger.settings()?;
    let choices = |key: &str| -> Vec<&'static str> {
        match key {
            "rounding.mode" => vec!["切り上げ", "四捨五入", "切り捨て"],
            "rounding.unit" => vec!["1", "0.1", "0.01"],
            "rounding.scope" => vec!["行ごと", "合計"],
            "adopt" => vec!["申告値", "計算値"],
            "import.basis" => crate::ledger::Basis::ALL.iter().map(|b| b.label()).collect(),
            _ => Vec::new(),
        }
    };
    let rows = crate::ledger::SETTING_KEYS
        .iter()
        .map(|(key, help)| SettingView { key, help, value: s.get(key).unwrap_or_default(), choices: choices(key) })
        .collect();
    Ok((rows, s.rounding.describe()))
}

/// One unit of the organisation tree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgNode {
    pub depth: usize,
    pub level: String,
    pub name: String,
    pub path: String,
    pub code: Option<String>,
    pub period: String,
    /// 子ども部（〜令和4年度） → こども部（令和5年度〜）
    pub history: Option<String>,
    pub aliases: Vec<String>,
    pub merged_into: Option<String>,
}

/// The organisation as a tree (depth-first, in registration order). With a fiscal year: the units that exist that
/// year, with their names of that year; without one: every unit, with today's names.
pub fn org_tree(ledger: &dyn Read, fy: Option<FiscalYear>) -> Result<Vec<OrgNode>> {
    let chart = ledger.org_chart()?;
    let mut out = Vec::new();
    fn walk(
        chart: &crate::org::OrgChart,
        parent: Option<i64>,
        depth: usize,
        fy: Option<FiscalYear>,
        out: &mut Vec<OrgNode>,
    ) {
        for u in chart.children(parent).filter(|u| fy.is_none_or(|f| u.is_valid_in(f))) {
            out.push(OrgNode {
                depth,
                level: u.level.ja().into(),
                name: fy.map_or_else(|| u.current_name(), |f| u.name_in(f)).into(),
                path: match fy {
                    Some(f) => chart.path(u.id, f, NameView::AsReported),
                    None => chart.current_path(u.id),
                },
                code: u.code.clone(),
                period: u.period().unwrap_or_default(),
                history: u.name_history(),
                aliases: u.aliases.clone(),
                merged_into: u.merged_into.as_ref().map(|m| {
                    format!(
                        "{}に「{}」へ統合",
                        m.fiscal_year.wareki(),
                        chart.display_name(m.into_id, m.fiscal_year, NameView::AsReported)
                    )
                }),
            });
            walk(chart, Some(u.id), depth + 1, fy, out);
        }
    }
    walk(&chart, None, 0, fy, &mut out);
    Ok(out)
}

/// A year's survey as the campaign screen and `daicho survey status` show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SurveyStatus {
    pub fiscal_year: i32,
    pub label: String,
    /// 令和7年5月31日 (in the style asked for)
    pub deadline: String,
    /// 2025-05-31
    pub deadline_iso: String,
    pub closed_on: Option<String>,
    /// Whether the deadline has passed (as of the day asked) while the survey is still open.
    pub overdue: bool,
    /// How many sections are in each state, in the states' order (未提出, 受付, 確認中, 差戻し, 確定).
    pub counts: Vec<StateCount>,
    pub sections: Vec<SectionStatus>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StateCount {
    pub state: String,
    pub sections: usize,
}

/// One section of a year's survey.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SectionStatus {
    pub bureau: String,
    pub section: String,
    pub state: String,
    /// 令和7年5月20日
    pub received_on: Option<String>,
    pub file: Option<String>,
    pub reasons: Option<String>,
    /// Still owes its return (未提出 or 差戻し): the reminder list.
    pub owing: bool,
}

/// The survey of a fiscal year, or `None` when it was not started; sections in organisation order (by 部局, then
/// code), named as that year; dates in `style`.
pub fn survey_status(
    ledger: &dyn Read,
    fy: FiscalYear,
    today: chrono::NaiveDate,
    style: DateStyle,
) -> Result<Option<SurveyStatus>> {
    use crate::ledger::ReturnState;
    let Some(campaign) = ledger.campaign(fy)? else { return Ok(None) };
    let chart = ledger.org_chart()?;
    let mut returns = ledger.section_returns(fy)?;
    returns.sort_by_cached_key(|r| chart.order_key(r.section_id));
    let name = |id: i64| chart.get(id).map(|u| u.name_in(fy).to_string()).unwrap_or_default();
    let sections = returns
        .iter()
        .map(|r| SectionStatus {
            bureau: chart.ancestor_at(r.section_id, Level::Bureau).map(|b| name(b.id)).unwrap_or_default(),
            section: name(r.section_id),
            state: r.state.label().into(),
            received_on: r.received_on.map(|d| style.date(d)),
            file: r.file_name.clone(),
            reasons: r.reasons.clone(),
            owing: matches!(r.state, ReturnState::Missing | ReturnState::SentBack),
        })
        .collect();
    let counts = ReturnState::ALL
        .iter()
        .map(|s| StateCount { state: s.label().into(), sections: returns.iter().filter(|r| r.state == *s).count() })
        .collect();
    Ok(Some(SurveyStatus {
        fiscal_year: fy.0,
        label: fy.label(),
        deadline: style.date(campaign.deadline),
        deadline_iso: campaign.deadline.to_string(),
        closed_on: campaign.closed_on.map(|d| style.date(d)),
        overdue: campaign.closed_on.is_none() && today > campaign.deadline,
        counts,
        sections,
    }))
}

/// A year's targets and tool costs, as the settings screen lists them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearPlan {
    pub fiscal_year: i32,
    pub label: String,
    pub targets: Vec<TargetRow>,
    pub costs: Vec<CostRow>,
    /// The 部局 of the year, for a target's choice.
    pub bureaus: Vec<String>,
}

/// 目標値: the whole organisation's (`団体全体`) first, then each 部局's as named that year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetRow {
    pub scope: String,
    /// The 部局's name that year, `None` for the whole organisation's target.
    pub bureau: Option<String>,
    /// Exact decimal text.
    pub hours: String,
    /// The newest audit row of the target as shown (`actions::Seen`: the target form carries it back).
    pub last_change: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CostRow {
    pub tool: String,
    /// Yen, exact decimal text.
    pub licence_yen: String,
    pub maintenance_yen: String,
    pub note: Option<String>,
    /// The newest audit row of the cost as shown (`actions::Seen`).
    pub last_change: Option<i64>,
}

/// The targets and tool costs of a fiscal year.
pub fn year_plan(ledger: &dyn Read, fy: FiscalYear) -> Result<YearPlan> {
    let chart = ledger.org_chart()?;
    // The newest audit rows first, the records after, as the detail screen reads them (`actions::last_change_of`).
    let last = |entity: &str, key: String| -> Result<(String, Option<i64>)> {
        let change = crate::actions::last_change_of(ledger, entity, &key)?;
        Ok((key, change))
    };
    let target_changes: HashMap<String, Option<i64>> = ledger
        .targets(Some(fy))?
        .into_iter()
        .map(|t| last("target", crate::db::target_audit_key(fy, t.bureau_id)))
        .collect::<Result<_>>()?;
    let cost_changes: HashMap<String, Option<i64>> = ledger
        .costs(Some(fy))?
        .into_iter()
        .map(|c| last("cost", crate::db::cost_audit_key(&c.tool, fy)))
        .collect::<Result<_>>()?;
    let targets = ledger
        .targets(Some(fy))?
        .into_iter()
        .map(|t| TargetRow {
            last_change: target_changes.get(&crate::db::target_audit_key(fy, t.bureau_id)).copied().flatten(),
            scope: t
                .bureau_id
                .map_or_else(|| "団体全体".to_string(), |b| chart.display_name(b, fy, NameView::AsReported)),
            bureau: t.bureau_id.map(|b| chart.display_name(b, fy, NameView::AsReported)),
            hours: t.hours.normalize().to_string(),
        })
        .collect();
    let costs = ledger
        .costs(Some(fy))?
        .into_iter()
        .map(|c| CostRow {
            last_change: cost_changes.get(&crate::db::cost_audit_key(&c.tool, fy)).copied().flatten(),
            tool: c.tool,
            licence_yen: c.licence_yen.normalize().to_string(),
            maintenance_yen: c.maintenance_yen.normalize().to_string(),
            note: c.note,
        })
        .collect();
    let mut bureaus: Vec<&crate::org::OrgUnit> =
        chart.units().filter(|u| u.level == Level::Bureau && u.is_valid_in(fy)).collect();
    bureaus.sort_by_key(|u| (u.code.clone().unwrap_or_default(), u.id));
    Ok(YearPlan {
        fiscal_year: fy.0,
        label: fy.label(),
        targets,
        costs,
        bureaus: bureaus.iter().map(|u| u.name_in(fy).to_string()).collect(),
    })
}
