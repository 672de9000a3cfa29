//! 組織 — the organisation: 部局 (bureau) > 課 (section) > 係 (unit), renamed and merged every April.
//!
//! A unit keeps one identity through renames: its name for a fiscal year is the latest rename that took effect
//! by then, so a figure for 令和5年度 shows under the name used that year. A merge ends the merged units and
//! points them at their successor, so reports can roll old figures up to today's unit. Names are matched by a
//! key that ignores width and spaces, against every name a unit ever had and its declared aliases.

mod resolve;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::fiscal::FiscalYear;

pub use resolve::{Resolution, suggestions};

/// The level of a unit in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 部局
    Bureau,
    /// 課
    Section,
    /// 係 (stored and serialised as `unit`, its name before 係 had a word of its own). "Unit" in Daicho means any
    /// node of the organisation (`OrgUnit`, `unit_id`); the 係 level is `Team`.
    #[serde(rename = "unit")]
    Team,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Bureau => "bureau",
            Level::Section => "section",
            Level::Team => "unit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "bureau" => Level::Bureau,
            "section" => Level::Section,
            "unit" => Level::Team,
            _ => return None,
        })
    }

    pub fn ja(self) -> &'static str {
        match self {
            Level::Bureau => "部局",
            Level::Section => "課",
            Level::Team => "係",
        }
    }

    pub fn child(self) -> Option<Level> {
        match self {
            Level::Bureau => Some(Level::Section),
            Level::Section => Some(Level::Team),
            Level::Team => None,
        }
    }
}

/// The key names are compared by: NFKC (full-width letters and digits, half-width katakana), all whitespace
/// removed (including the full-width space). `子ども部` and `子ども 部` share a key; `こども部` does not — that
/// takes an alias or a rename.
pub fn name_key(name: &str) -> String {
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// One organisational unit with its whole history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: i64,
    pub level: Level,
    pub parent_id: Option<i64>,
    /// The name the unit started with.
    pub name: String,
    pub code: Option<String>,
    /// First and last fiscal year the unit exists (`None`: open-ended).
    pub valid_from: Option<FiscalYear>,
    pub valid_to: Option<FiscalYear>,
    /// Renames, ordered by the fiscal year they took effect.
    pub renames: Vec<Rename>,
    /// Other spellings that mean this unit.
    pub aliases: Vec<String>,
    /// The unit this one was merged into, and from which fiscal year.
    pub merged_into: Option<Merge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rename {
    pub from_year: FiscalYear,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Merge {
    pub into_id: i64,
    pub fiscal_year: FiscalYear,
}

impl OrgUnit {
    /// The name in use in a fiscal year.
    pub fn name_in(&self, fy: FiscalYear) -> &str {
        self.renames.iter().rev().find(|r| r.from_year <= fy).map_or(&self.name, |r| &r.name)
    }

    /// The latest name.
    pub fn current_name(&self) -> &str {
        self.renames.last().map_or(&self.name, |r| &r.name)
    }

    pub fn is_valid_in(&self, fy: FiscalYear) -> bool {
        self.valid_from.is_none_or(|f| f <= fy) && self.valid_to.is_none_or(|t| fy <= t)
    }

    /// The unit's names over time, when it was renamed: `子ども部（〜令和4年度） → こども部（令和5年度〜）`.
    pub fn name_history(&self) -> Option<String> {
        let last = self.renames.last()?;
        let mut steps = Vec::new();
        let mut previous = self.name.as_str();
        for r in &self.renames {
            steps.push(format!("{previous}（〜{}）", FiscalYear(r.from_year.0 - 1).wareki()));
            previous = &r.name;
        }
        steps.push(format!("{}（{}〜）", last.name, last.from_year.wareki()));
        Some(steps.join(" → "))
    }

    /// The fiscal years the unit exists, when bounded: `令和4年度〜`, `〜令和3年度`.
    pub fn period(&self) -> Option<String> {
        if self.valid_from.is_none() && self.valid_to.is_none() {
            return None;
        }
        let year = |y: Option<FiscalYear>| y.map(|y| y.wareki()).unwrap_or_default();
        Some(format!("{}〜{}", year(self.valid_from), year(self.valid_to)))
    }

    /// Every name this unit answers to: its names over time and its aliases.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.renames.iter().map(|r| r.name.as_str()))
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// Whether names are shown as they were in the reported year or as the unit that carries them on today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameView {
    /// The name used in the fiscal year of the figure (the default: a figure stays with the name it was
    /// reported under).
    #[default]
    AsReported,
    /// Today's unit: merges followed to the successor, latest names.
    Current,
}

/// The whole organisation in memory: small (hundreds of units), loaded once per command.
#[derive(Debug, Clone, Default)]
pub struct OrgChart {
    units: BTreeMap<i64, OrgUnit>,
    /// [`name_key`] of every name a unit has had (names, former names, aliases) → the units, in id order: resolving
    /// a name is a lookup, not a normalisation of every name of every unit (once per imported row).
    by_key: HashMap<String, Vec<i64>>,
    /// [`OrgChart::current_section`] → every unit in it (its 係, and the units merged into it), built once.
    by_section: HashMap<i64, Vec<i64>>,
}

impl OrgChart {
    pub fn new(units: impl IntoIterator<Item = OrgUnit>) -> Self {
        let units: BTreeMap<i64, OrgUnit> = units.into_iter().map(|u| (u.id, u)).collect();
        let mut by_key: HashMap<String, Vec<i64>> = HashMap::new();
        for u in units.values() {
            for name in u.all_names() {
                let ids = by_key.entry(name_key(name)).or_default();
                if ids.last() != Some(&u.id) {
                    ids.push(u.id);
                }
            }
        }
        let mut chart = Self { units, by_key, by_section: HashMap::new() };
        let mut by_section: HashMap<i64, Vec<i64>> = HashMap::new();
        for id in chart.units.keys() {
            by_section.entry(chart.current_section(*id)).or_default().push(*id);
        }
        chart.by_section = by_section;
        chart
    }

    /// The section (課, or the 部局 of a unit directly under one) a unit's initiatives belong to today: the unit
    /// that carries it on, up to its 課.
    pub fn current_section(&self, id: i64) -> i64 {
        let unit = self.successor(id);
        self.ancestor_at(unit, Level::Section).or_else(|| self.ancestor_at(unit, Level::Bureau)).map_or(unit, |u| u.id)
    }

    /// Every unit whose [`OrgChart::current_section`] is `section`.
    pub fn units_of_section(&self, section: i64) -> &[i64] {
        self.by_section.get(&section).map_or(&[], Vec::as_slice)
    }

    /// The units that have (or had) a name with this [`name_key`].
    pub(crate) fn units_named(&self, key: &str) -> impl Iterator<Item = &OrgUnit> {
        self.by_key.get(key).into_iter().flatten().filter_map(|id| self.units.get(id))
    }

    pub fn get(&self, id: i64) -> Option<&OrgUnit> {
        self.units.get(&id)
    }

    pub fn units(&self) -> impl Iterator<Item = &OrgUnit> {
        self.units.values()
    }

    pub fn children(&self, id: Option<i64>) -> impl Iterator<Item = &OrgUnit> {
        self.units.values().filter(move |u| u.parent_id == id)
    }

    /// The unit that carries on `id` today: merges followed to the end (a chain is at most as long as the
    /// number of units, which also guards against a cycle written by hand into the file).
    pub fn successor(&self, id: i64) -> i64 {
        let mut current = id;
        for _ in 0..=self.units.len() {
            match self.units.get(&current).and_then(|u| u.merged_into.as_ref()) {
                Some(m) => current = m.into_id,
                None => return current,
            }
        }
        current
    }

    /// The 部局 a unit's figures belong to today: the 部局 over the unit that carries it on, itself followed to the
    /// 部局 that carries that on. A 課 of 子ども部 (renamed こども部) is こども部's; a 課 merged into another 部局's 課, or
    /// a 部局 merged into another, is the receiving 部局's. This is how a 部局 chosen in any year selects its past.
    pub fn current_bureau(&self, id: i64) -> Option<i64> {
        let bureau = self.ancestor_at(self.successor(id), Level::Bureau)?;
        Some(self.successor(bureau.id))
    }

    /// The unit at `level` that contains `id` (itself if it is at that level).
    pub fn ancestor_at(&self, id: i64, level: Level) -> Option<&OrgUnit> {
        let mut unit = self.units.get(&id)?;
        while unit.level > level {
            unit = self.units.get(&unit.parent_id?)?;
        }
        (unit.level == level).then_some(unit)
    }

    /// The unit to show a figure of fiscal year `fy` under, given the view.
    pub fn view(&self, id: i64, view: NameView) -> i64 {
        match view {
            NameView::AsReported => id,
            NameView::Current => self.successor(id),
        }
    }

    /// The display name of a unit for a figure of `fy` under the view.
    pub fn display_name(&self, id: i64, fy: FiscalYear, view: NameView) -> String {
        match self.units.get(&id) {
            Some(u) => match view {
                NameView::AsReported => u.name_in(fy).to_string(),
                NameView::Current => u.current_name().to_string(),
            },
            None => format!("(不明な組織 {id})"),
        }
    }

    /// `総務部／人事課／給与係`: the path of names from the bureau down, as of `fy` under the view.
    pub fn path(&self, id: i64, fy: FiscalYear, view: NameView) -> String {
        let mut names = Vec::new();
        let mut next = Some(id);
        while let Some(i) = next {
            names.push(self.display_name(i, fy, view));
            next = self.units.get(&i).and_then(|u| u.parent_id);
            if names.len() > 3 {
                break;
            }
        }
        names.reverse();
        names.join("／")
    }

    /// The order a list of units is shown in: by 部局 (its code, then registration), then the unit's own code.
    pub fn order_key(&self, id: i64) -> (String, i64, String, i64) {
        let bureau = self.ancestor_at(id, Level::Bureau);
        (
            bureau.and_then(|b| b.code.clone()).unwrap_or_default(),
            bureau.map_or(0, |b| b.id),
            self.get(id).and_then(|u| u.code.clone()).unwrap_or_default(),
            id,
        )
    }

    /// `こども部／保育課`: the path of today's names (the names a unit and its parents carry now, whatever year).
    pub fn current_path(&self, id: i64) -> String {
        // `NameView::Current` names do not depend on the year; any year gives the same path.
        self.path(id, FiscalYear(0), NameView::Current)
    }
}

/// Splits a unit path as users type it: `総務部/人事課`, `総務部／人事課`, `総務部>人事課`, `総務部＞人事課`.
pub fn split_path(path: &str) -> Vec<String> {
    path.split(['/', '／', '>', '＞']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}
