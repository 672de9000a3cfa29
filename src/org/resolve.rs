//! Finding a unit from the name a person typed: by key over every name and alias, within a parent, in a fiscal
//! year, following merges; with the closest known names when nothing matches.

use super::{Level, OrgChart, OrgUnit, name_key};
use crate::fiscal::FiscalYear;

/// The outcome of looking a name up.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Found(i64),
    /// Several units answer to the name; their paths are given so the user can be specific.
    Ambiguous(Vec<String>),
    /// No unit answers to the name; the closest known names are given.
    NotFound {
        suggestions: Vec<String>,
    },
}

impl OrgChart {
    /// Finds the unit at `level` called `name` under `parent` (any parent when `None`), valid in `fy` when given.
    /// A unit that was merged away before `fy` resolves to its successor, so old names keep working.
    pub fn find(&self, level: Level, name: &str, parent: Option<i64>, fy: Option<FiscalYear>) -> Resolution {
        let key = name_key(name);
        let matches: Vec<&OrgUnit> = self
            .units_named(&key)
            .filter(|u| u.level == level)
            .filter(|u| parent.is_none() || u.parent_id == parent || self.parent_merged_into(u, parent))
            .collect();
        let in_year: Vec<i64> = match fy {
            Some(fy) => {
                let mut ids: Vec<i64> = matches
                    .iter()
                    .map(|u| if u.is_valid_in(fy) { u.id } else { self.successor(u.id) })
                    .filter(|id| self.get(*id).is_some_and(|u| u.is_valid_in(fy)))
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => matches.iter().map(|u| u.id).collect(),
        };
        match in_year.as_slice() {
            [one] => Resolution::Found(*one),
            [] if matches.is_empty() => Resolution::NotFound {
                suggestions: suggestions(name, self.units().filter(|u| u.level == level).flat_map(|u| u.all_names())),
            },
            [] => Resolution::NotFound { suggestions: matches.iter().map(|u| self.path_any(u.id)).collect() },
            many => Resolution::Ambiguous(many.iter().map(|id| self.path_any(*id)).collect()),
        }
    }

    fn parent_merged_into(&self, unit: &OrgUnit, parent: Option<i64>) -> bool {
        match (unit.parent_id, parent) {
            (Some(p), Some(wanted)) => self.successor(p) == wanted,
            _ => false,
        }
    }

    /// The unit's path as of its last year (or its latest name): what a suggestion shows.
    fn path_any(&self, id: i64) -> String {
        match self.get(id).and_then(|u| u.valid_to.or(u.renames.last().map(|r| r.from_year))) {
            Some(fy) => self.path(id, fy, super::NameView::AsReported),
            None => self.current_path(id),
        }
    }

    /// Resolves a path of names (`総務部/人事課`, or a bare `人事課` when it is unique) down the levels.
    pub fn find_path(&self, names: &[String], fy: Option<FiscalYear>) -> Resolution {
        match names {
            [] => Resolution::NotFound { suggestions: Vec::new() },
            [single] => {
                // A bare name: try each level and accept a unique answer.
                let mut found = Vec::new();
                let mut closest = Vec::new();
                for level in [Level::Bureau, Level::Section, Level::Team] {
                    match self.find(level, single, None, fy) {
                        Resolution::Found(id) => found.push(id),
                        Resolution::Ambiguous(paths) => return Resolution::Ambiguous(paths),
                        Resolution::NotFound { suggestions } => closest.extend(suggestions),
                    }
                }
                match found.as_slice() {
                    [one] => Resolution::Found(*one),
                    [] => {
                        closest.truncate(5);
                        Resolution::NotFound { suggestions: closest }
                    }
                    many => Resolution::Ambiguous(many.iter().map(|id| self.path_any(*id)).collect()),
                }
            }
            _ => {
                let mut parent = None;
                let mut level = Level::Bureau;
                for (i, name) in names.iter().enumerate() {
                    match self.find(level, name, parent, fy) {
                        Resolution::Found(id) => parent = Some(id),
                        other => return other,
                    }
                    match level.child() {
                        Some(next) => level = next,
                        None if i + 1 < names.len() => {
                            return Resolution::NotFound { suggestions: Vec::new() };
                        }
                        None => {}
                    }
                }
                parent.map_or(Resolution::NotFound { suggestions: Vec::new() }, Resolution::Found)
            }
        }
    }
}

/// Up to five known names close to `name` (at most one edit in three characters) by edit distance over
/// normalised keys, nearest first.
pub fn suggestions<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Vec<String> {
    let key: Vec<char> = name_key(name).chars().collect();
    let mut scored: Vec<(usize, String)> = known
        .map(|k| {
            let kk: Vec<char> = name_key(k).chars().collect();
            (edit_distance(&key, &kk), k.to_string())
        })
        .filter(|(d, k)| *d <= (key.len().max(k.chars().count()) / 3).max(1))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, k)| k).collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

impl OrgChart {
    /// Resolves a unit typed as a path or a bare name, with a Japanese message that lists the candidates when
    /// the name is ambiguous and the closest known names when it is unknown.
    pub fn resolve(&self, text: &str, fy: Option<FiscalYear>) -> crate::Result<i64> {
        match self.find_path(&super::split_path(text), fy) {
            Resolution::Found(id) => Ok(id),
            Resolution::Ambiguous(paths) => Err(crate::Error::Invalid(format!(
                "「{text}」に当たる組織が複数あります（{}）。「総務部/総務課」のように部局から指定してください",
                paths.join("、")
            ))),
            Resolution::NotFound { suggestions } if suggestions.is_empty() => Err(crate::Error::NotFound(format!(
                "組織「{text}」は登録されていません（daicho org list で確認し、daicho org add で登録できます）"
            ))),
            Resolution::NotFound { suggestions } => Err(crate::Error::NotFound(format!(
                "組織「{text}」は登録されていません。近い名前: {}",
                suggestions.join("、")
            ))),
        }
    }
}
