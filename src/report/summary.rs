//! 集計: hours saved per group for one fiscal year, with targets, 人工 and yen.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::{FigureParts, Read};
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, EffectRow, Figure, Kind, RoundingScope, Settings, Target};
use crate::org::{Level, NameView, OrgChart};

/// What to group a summary by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// 部局別
    Bureau,
    /// 課別
    Section,
    /// 区分別
    Kind,
    /// ツール別
    Tool,
    /// 状況別
    Status,
    /// 取組別: one group per initiative (`R5-0012 業務名`).
    Initiative,
}

impl GroupBy {
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Bureau => "部局",
            GroupBy::Section => "課",
            GroupBy::Kind => "区分",
            GroupBy::Tool => "ツール",
            GroupBy::Status => "状況",
            GroupBy::Initiative => "取組",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SummaryOptions {
    pub fiscal_year: FiscalYear,
    pub by: GroupBy,
    /// One basis, or `None` for each initiative's best basis of the year (実績, else 試行, else 試算).
    pub basis: Option<Basis>,
    pub view: NameView,
}

/// One counted line: an initiative's adopted figure for the year.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub ledger_id: String,
    pub title: String,
    pub group: String,
    pub kind: Kind,
    pub basis: Basis,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub minutes: Decimal,
    /// Hours under the rounding rule when lines are rounded, exact otherwise.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub hours: Decimal,
    pub formula: Option<String>,
    /// The formula in canonical text with its result, as recorded.
    pub canonical: Option<String>,
}

/// A group's (or the whole organisation's) figures.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Hours under the rounding rule.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub hours: Decimal,
    /// Exact minutes.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub minutes: Decimal,
    pub initiatives: usize,
    pub scenarios: i64,
    /// Hours per 区分, under the same rule (in JSON an object by label, in the labels' text order).
    #[serde(serialize_with = "by_label_exact")]
    pub by_kind: BTreeMap<Kind, Decimal>,
    /// Initiatives per 区分.
    #[serde(serialize_with = "by_label")]
    pub initiatives_by_kind: BTreeMap<Kind, usize>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option", skip_serializing_if = "Option::is_none")]
    pub target_hours: Option<Decimal>,
    /// Hours ÷ target, in percent to one decimal; `None` without a target or without any figure.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option", skip_serializing_if = "Option::is_none")]
    pub achievement_rate: Option<Decimal>,
}

/// A map by 区分 as JSON: an object keyed by label, in the order of the labels' text (as the keys always were).
fn by_label<S: serde::Serializer>(map: &BTreeMap<Kind, usize>, s: S) -> Result<S::Ok, S::Error> {
    let sorted: BTreeMap<&str, usize> = map.iter().map(|(k, v)| (k.label(), *v)).collect();
    serde::Serialize::serialize(&sorted, s)
}

/// Hours by 区分 as JSON: exact numbers keyed by label (see [`by_label`]).
fn by_label_exact<S: serde::Serializer>(map: &BTreeMap<Kind, Decimal>, s: S) -> Result<S::Ok, S::Error> {
    let sorted: BTreeMap<&str, serde_json::Value> =
        map.iter().map(|(k, v)| (k.label(), crate::number::json(*v))).collect();
    serde::Serialize::serialize(&sorted, s)
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    /// The unit the group is (a 部局 or 課), when grouping by organisation: what a screen filters by, whatever the
    /// group's name that year.
    #[serde(skip)]
    pub unit_id: Option<i64>,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub fiscal_year: i32,
    pub fiscal_year_label: String,
    pub by: GroupBy,
    /// The basis asked for, or `最良（実績＞試行＞試算）`.
    pub basis: String,
    pub rounding: String,
    pub adopt: String,
    pub groups: Vec<Group>,
    pub total: Totals,
    /// 人工: total hours ÷ hours per person-year, two decimals.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub person_years: Decimal,
    /// Total hours × yen per hour, whole yen.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub yen: Decimal,
    #[serde(skip)]
    pub lines: Vec<Line>,
}

/// Picks the counted lines: per initiative the asked basis, or the best one of the year.
fn pick<'a>(rows: &'a [EffectRow], opts: &SummaryOptions) -> Vec<&'a EffectRow> {
    let mut best: HashMap<i64, &EffectRow> = HashMap::new();
    for row in rows.iter().filter(|r| r.effect.fiscal_year == opts.fiscal_year) {
        if opts.basis.is_some_and(|b| b != row.effect.basis) {
            continue;
        }
        let entry = best.entry(row.effect.initiative_id).or_insert(row);
        if row.effect.basis.preference() < entry.effect.basis.preference() {
            *entry = row;
        }
    }
    let mut picked: Vec<&EffectRow> = best.into_values().collect();
    picked.sort_by(|a, b| a.ledger_id.cmp(&b.ledger_id));
    picked
}

/// The group a line belongs to, with a sort key that keeps the organisation's order.
/// A group's name, its sort key, and its bureau (for the bureau's target).
type GroupOf = (String, (i64, String), Option<i64>);

fn group_of(row: &Figure, chart: &OrgChart, opts: &SummaryOptions) -> GroupOf {
    let fy = opts.fiscal_year;
    match opts.by {
        GroupBy::Bureau | GroupBy::Section => {
            let unit = chart.view(row.unit_id, opts.view);
            let level = if opts.by == GroupBy::Bureau { Level::Bureau } else { Level::Section };
            match chart.ancestor_at(unit, level) {
                Some(u) => (chart.path(u.id, fy, opts.view), (u.id, String::new()), Some(u.id)),
                // A line that belongs to a bureau as a whole, when grouping by section.
                None => match chart.ancestor_at(unit, Level::Bureau) {
                    Some(b) => {
                        let key = format!("{}（部局全体）", chart.display_name(b.id, fy, opts.view));
                        (key, (b.id, String::new()), None)
                    }
                    None => ("（組織不明）".into(), (i64::MAX, String::new()), None),
                },
            }
        }
        GroupBy::Kind => {
            let order = Kind::ALL.iter().position(|k| *k == row.kind).unwrap_or(0) as i64;
            (row.kind.label().into(), (order, String::new()), None)
        }
        GroupBy::Tool => {
            let tool = row.tool.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "（未設定）".into());
            (tool.clone(), (0, tool), None)
        }
        GroupBy::Initiative => {
            let (ledger_id, title) = row.initiative.clone().unwrap_or_default();
            (format!("{ledger_id} {title}"), (0, ledger_id), None)
        }
        GroupBy::Status => {
            let order = crate::ledger::Status::ALL.iter().position(|s| *s == row.status).unwrap_or(0) as i64;
            (row.status.label().into(), (order, String::new()), None)
        }
    }
}

/// Accumulates lines and rounds them under the settings.
#[derive(Default)]
struct Acc {
    minutes: Decimal,
    /// Sum of rounded line hours (used when lines are rounded).
    rounded_hours: Decimal,
    initiatives: usize,
    scenarios: i64,
    by_kind_minutes: BTreeMap<Kind, Decimal>,
    by_kind_rounded: BTreeMap<Kind, Decimal>,
    by_kind_count: BTreeMap<Kind, usize>,
}

impl Acc {
    fn add(&mut self, minutes: Decimal, rounded: Decimal, kind: Kind, scenarios: Option<i64>) {
        self.minutes += minutes;
        self.rounded_hours += rounded;
        self.initiatives += 1;
        self.scenarios += scenarios.unwrap_or(0);
        *self.by_kind_minutes.entry(kind).or_default() += minutes;
        *self.by_kind_rounded.entry(kind).or_default() += rounded;
        *self.by_kind_count.entry(kind).or_default() += 1;
    }

    fn totals(&self, settings: &Settings, target: Option<Decimal>) -> Totals {
        let rule = settings.rounding;
        let hours_of = |minutes: Decimal, rounded: Decimal| match rule.scope {
            RoundingScope::PerLine => rounded,
            RoundingScope::Total => rule.hours(minutes / Decimal::from(60)),
        };
        let hours = hours_of(self.minutes, self.rounded_hours);
        let by_kind = self
            .by_kind_minutes
            .iter()
            .map(|(k, m)| (*k, hours_of(*m, self.by_kind_rounded.get(k).copied().unwrap_or_default())))
            .collect();
        // A year with a target but no figure yet has no rate: a performance sheet shows it blank, never 0%.
        let achievement_rate = target
            .filter(|t| !t.is_zero() && self.initiatives > 0)
            .map(|t| crate::number::round_half_up(hours / t * Decimal::ONE_HUNDRED, 1));
        Totals {
            hours: hours.normalize(),
            minutes: self.minutes.normalize(),
            initiatives: self.initiatives,
            scenarios: self.scenarios,
            by_kind,
            initiatives_by_kind: self.by_kind_count.clone(),
            target_hours: target,
            achievement_rate,
        }
    }
}

/// What the totals read of a loaded row.
fn figure_of(row: &EffectRow, by: GroupBy) -> Figure {
    Figure {
        initiative_id: row.effect.initiative_id,
        unit_id: row.effect.unit_id,
        basis: row.effect.basis,
        computed_minutes: row.effect.computed_minutes,
        stated_hours: row.effect.stated_hours,
        kind: row.kind,
        scenario_count: row.scenario_count,
        tool: row.tool.clone(),
        status: row.status,
        initiative: (by == GroupBy::Initiative).then(|| (row.ledger_id.clone(), row.title.clone())),
    }
}

/// Sums the year's figures into groups and a grand total. Totals are reproducible from the lines: with
/// per-line rounding every total is the sum of the rounded lines; with total rounding each total is the exact
/// sum rounded once. The lines (for the reports' detail and check lists) come with it.
pub fn summarize(
    rows: &[EffectRow],
    chart: &OrgChart,
    settings: &Settings,
    targets: &[Target],
    opts: &SummaryOptions,
) -> Summary {
    let picked = pick(rows, opts);
    let mut summary =
        summarize_picked(picked.iter().map(|row| figure_of(row, opts.by)), chart, settings, targets, opts);
    let rule = settings.rounding;
    summary.lines = picked
        .into_iter()
        .map(|row| {
            let minutes = row.effect.adopted_minutes(settings.adopt);
            let exact_hours = minutes / Decimal::from(60);
            Line {
                ledger_id: row.ledger_id.clone(),
                title: row.title.clone(),
                group: group_of(&figure_of(row, opts.by), chart, opts).0,
                kind: row.kind,
                basis: row.effect.basis,
                minutes: minutes.normalize(),
                hours: if rule.scope == RoundingScope::PerLine {
                    rule.hours(exact_hours)
                } else {
                    exact_hours.normalize()
                },
                formula: row.effect.formula.clone(),
                canonical: row.effect.canonical.clone(),
            }
        })
        .collect();
    summary
}

/// The same totals as [`summarize`], streamed from the ledger: only what the totals read, one figure per
/// initiative kept, no lines. What `daicho summary` and the dashboard use, so they stay fast on a large ledger.
pub fn summarize_year(
    ledger: &dyn Read,
    chart: &OrgChart,
    settings: &Settings,
    targets: &[Target],
    opts: &SummaryOptions,
) -> crate::error::Result<Summary> {
    let parts = FigureParts { names: opts.by == GroupBy::Initiative, tool: opts.by == GroupBy::Tool };
    let mut summary = None;
    ledger.with_figures(opts.fiscal_year, parts, &mut |figures| {
        let picked = best_of_each(figures.filter(|f| opts.basis.is_none_or(|b| b == f.basis)));
        summary = Some(summarize_picked(picked, chart, settings, targets, opts));
    })?;
    summary.ok_or_else(|| crate::Error::Internal("集計の結果がありません".into()))
}

/// The figure that counts for each initiative in the year, as [`summarize`] picks it (実績, else 試行, else 試算),
/// streamed from the ledger in initiative order with the parts of the initiative `parts` asks for: what the ledger
/// list and the dashboard's top initiatives show, without loading whole rows.
pub fn counted_figures(ledger: &dyn Read, fy: FiscalYear, parts: FigureParts) -> crate::error::Result<Vec<Figure>> {
    let mut counted = Vec::new();
    ledger.with_figures(fy, parts, &mut |figures| counted.extend(best_of_each(figures)))?;
    Ok(counted)
}

/// Figures arrive in initiative order: the best of each run of one initiative's figures is its pick.
fn best_of_each(figures: impl Iterator<Item = Figure>) -> impl Iterator<Item = Figure> {
    let mut figures = figures.peekable();
    std::iter::from_fn(move || {
        let mut best = figures.next()?;
        while let Some(next) = figures.next_if(|f| f.initiative_id == best.initiative_id) {
            if next.basis.preference() < best.basis.preference() {
                best = next;
            }
        }
        Some(best)
    })
}

fn summarize_picked(
    picked: impl Iterator<Item = Figure>,
    chart: &OrgChart,
    settings: &Settings,
    targets: &[Target],
    opts: &SummaryOptions,
) -> Summary {
    let rule = settings.rounding;
    let mut groups: BTreeMap<(i64, String), (String, Option<i64>, Acc)> = BTreeMap::new();
    // The group of a unit is worked out once (names, merges), not once per figure.
    let mut unit_groups: HashMap<i64, GroupOf> = HashMap::new();
    let mut total = Acc::default();
    for figure in picked {
        let minutes = crate::ledger::adopted_minutes(figure.computed_minutes, figure.stated_hours, settings.adopt);
        let rounded = rule.hours(minutes / Decimal::from(60));
        let (key, order, bureau) = match opts.by {
            GroupBy::Bureau | GroupBy::Section => {
                unit_groups.entry(figure.unit_id).or_insert_with(|| group_of(&figure, chart, opts)).clone()
            }
            _ => group_of(&figure, chart, opts),
        };
        let entry = groups.entry(order).or_insert_with(|| (key, bureau, Acc::default()));
        entry.2.add(minutes, rounded, figure.kind, figure.scenario_count);
        total.add(minutes, rounded, figure.kind, figure.scenario_count);
    }
    let target_for = |bureau: Option<i64>| {
        targets.iter().find(|t| t.fiscal_year == opts.fiscal_year && t.bureau_id == bureau).map(|t| t.hours)
    };
    let groups: Vec<Group> = groups
        .into_values()
        .map(|(key, bureau, acc)| {
            let target = if opts.by == GroupBy::Bureau { bureau.and_then(|b| target_for(Some(b))) } else { None };
            Group { key, unit_id: bureau, totals: acc.totals(settings, target) }
        })
        .collect();
    let total = total.totals(settings, target_for(None));
    let person_years = crate::number::round_half_up(total.hours / settings.hours_per_person_year, 2);
    let yen = crate::number::round_half_up(total.hours * settings.yen_per_hour, 0).normalize();
    Summary {
        fiscal_year: opts.fiscal_year.0,
        fiscal_year_label: opts.fiscal_year.label(),
        by: opts.by,
        basis: opts.basis.map_or_else(|| "最良（実績＞試行＞試算）".to_string(), |b| b.label().to_string()),
        rounding: rule.describe(),
        adopt: format!("申告値と計算値がある行は{}を採用", settings.adopt.label()),
        groups,
        total,
        person_years,
        yen,
        lines: Vec::new(),
    }
}
