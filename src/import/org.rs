//! Importing the organisation chart (組織.xlsx): columns 部局, 課, 係, コード, 開始年度, 終了年度, 別名. Units are
//! added or updated; nothing is deleted. Same rules as the returns: every problem named, nothing written when
//! any row is wrong, a dry run that shows what would change.

use serde::Serialize;

use super::row::Problem;
use super::workbook::{Cell, Sheet, number_text, read_workbook};
use super::{FieldChange, Outcome, content_hash};
use crate::db::{Read, Store};
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::ledger::Author;
use crate::org::{Level, OrgChart, Resolution, name_key};
use crate::survey::{column_letters, header_key};

/// The columns of the organisation sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgColumn {
    Bureau,
    Section,
    /// 係
    Team,
    Code,
    From,
    To,
    Aliases,
}

impl OrgColumn {
    pub const ALL: [OrgColumn; 7] = [
        OrgColumn::Bureau,
        OrgColumn::Section,
        OrgColumn::Team,
        OrgColumn::Code,
        OrgColumn::From,
        OrgColumn::To,
        OrgColumn::Aliases,
    ];

    pub fn title(self) -> &'static str {
        match self {
            OrgColumn::Bureau => "部局",
            OrgColumn::Section => "課",
            OrgColumn::Team => "係",
            OrgColumn::Code => "コード",
            OrgColumn::From => "開始年度",
            OrgColumn::To => "終了年度",
            OrgColumn::Aliases => "別名",
        }
    }

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            OrgColumn::Bureau => &["部局名", "部"],
            OrgColumn::Section => &["課名", "所属", "所属名"],
            OrgColumn::Team => &["係名"],
            OrgColumn::Code => &["組織コード", "所属コード"],
            OrgColumn::From => &["開始", "設置年度", "開始年度(西暦)"],
            OrgColumn::To => &["終了", "廃止年度", "終了年度(西暦)"],
            OrgColumn::Aliases => &["旧名称", "旧名称等", "別称", "表記ゆれ", "別名・旧名称", "旧名称・別名"],
        }
    }

    fn from_header(text: &str) -> Option<Self> {
        let key = header_key(text);
        Self::ALL
            .into_iter()
            .find(|c| header_key(c.title()) == key || c.synonyms().iter().any(|s| header_key(s) == key))
    }
}

/// What a row of the organisation sheet does.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgRowPlan {
    pub row: usize,
    pub path: String,
    pub outcome: Outcome,
    pub changes: Vec<FieldChange>,
    #[serde(skip)]
    parsed: OrgRow,
}

#[derive(Debug, Clone, Default)]
struct OrgRow {
    names: Vec<String>,
    code: Option<String>,
    from: Option<FiscalYear>,
    to: Option<FiscalYear>,
    aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgReport {
    pub file: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub rows: Vec<OrgRowPlan>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl OrgReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// (sheet index, header row index, (column index, column) of each recognised header).
type OrgHeader = (usize, usize, Vec<(usize, OrgColumn)>);

fn locate(sheets: &[Sheet]) -> Option<OrgHeader> {
    for (i, sheet) in sheets.iter().enumerate() {
        for r in 0..sheet.rows.len().min(30) {
            let mut cols = Vec::new();
            for (c, cell) in sheet.rows[r].iter().enumerate() {
                if let Some(oc) = OrgColumn::from_header(&cell.display())
                    && !cols.iter().any(|(_, x)| *x == oc)
                {
                    cols.push((c, oc));
                }
            }
            if cols.len() >= 2 && cols.iter().any(|(_, c)| *c == OrgColumn::Bureau) {
                return Some((i, r, cols));
            }
        }
    }
    None
}

/// Reads and checks an organisation sheet against the ledger's organisation. Writes nothing.
pub fn plan_org(ledger: &dyn Read, file: &str, bytes: &[u8]) -> Result<OrgReport> {
    let mut report = OrgReport {
        file: file.into(),
        sha256: content_hash(bytes),
        sheet: None,
        rows: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let whole_file = |message: String| Problem {
        file: file.into(),
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message,
        original: None,
    };
    let sheets = match read_workbook(bytes) {
        Ok(s) => s,
        Err(e) => {
            report.errors.push(whole_file(e.to_string()));
            return Ok(report);
        }
    };
    let Some((si, header_row, cols)) = locate(&sheets) else {
        report.errors.push(whole_file(
            "組織の表が見つかりません。見出し行に「部局」「課」「係」「コード」「開始年度」「終了年度」「別名」のある表を指定してください".into(),
        ));
        return Ok(report);
    };
    let sheet = &sheets[si];
    report.sheet = Some(sheet.name.clone());
    let chart = ledger.org_chart()?;
    let col = |c: OrgColumn| cols.iter().find(|(_, x)| *x == c).map(|(i, _)| *i);
    let mut pending: Vec<Vec<String>> = Vec::new();
    for r in header_row + 1..sheet.rows.len() {
        let cell = |c: OrgColumn| col(c).map_or(&Cell::Empty, |i| sheet.cell(r, i));
        let text = |c: OrgColumn| {
            let t = cell(c).display();
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        if OrgColumn::ALL.iter().all(|c| text(*c).is_none()) {
            continue;
        }
        let mut errors = Vec::new();
        let problem = |c: OrgColumn, message: String| Problem {
            file: file.into(),
            sheet: sheet.name.clone(),
            row: r + 1,
            column: col(c).map(|i| format!("{}列「{}」", column_letters(i as u32), c.title())).unwrap_or_default(),
            message,
            original: text(c),
        };
        let year = |c: OrgColumn, errors: &mut Vec<Problem>| match cell(c) {
            Cell::Empty => None,
            Cell::Number(n) => {
                FiscalYear::parse(&number_text(*n)).map_err(|e| errors.push(problem(c, e.to_string()))).ok()
            }
            other => FiscalYear::parse(&other.display()).map_err(|e| errors.push(problem(c, e.to_string()))).ok(),
        };
        let mut row = OrgRow {
            code: text(OrgColumn::Code),
            from: year(OrgColumn::From, &mut errors),
            to: year(OrgColumn::To, &mut errors),
            aliases: text(OrgColumn::Aliases)
                .map(|a| {
                    a.split(['、', ',', '，', ';', '；'])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            ..OrgRow::default()
        };
        match (text(OrgColumn::Bureau), text(OrgColumn::Section), text(OrgColumn::Team)) {
            (None, _, _) => errors.push(problem(OrgColumn::Bureau, "部局が空欄です".into())),
            (Some(_), None, Some(_)) => errors.push(problem(OrgColumn::Team, "係の行には課も入力してください".into())),
            (Some(b), s, u) => row.names = [Some(b), s, u].into_iter().flatten().collect(),
        }
        if let (Some(f), Some(t)) = (row.from, row.to)
            && f > t
        {
            errors.push(problem(OrgColumn::To, format!("終了年度が開始年度（{}）より前です", f.wareki())));
        }
        if !errors.is_empty() {
            report.errors.extend(errors);
            continue;
        }
        let plan = plan_row(&chart, &mut pending, r + 1, row);
        report.rows.push(plan);
    }
    Ok(report)
}

/// The unit a path names in the chart (by any of its names), following levels down.
fn find_path(chart: &OrgChart, names: &[String]) -> Option<i64> {
    let mut parent = None;
    let mut level = Level::Bureau;
    for name in names {
        parent = match chart.find(level, name, parent, None) {
            Resolution::Found(id) => Some(id),
            _ => return None,
        };
        level = level.child().unwrap_or(Level::Team);
    }
    parent
}

fn plan_row(chart: &OrgChart, pending: &mut Vec<Vec<String>>, row: usize, parsed: OrgRow) -> OrgRowPlan {
    let path = parsed.names.join("／");
    let mut changes = Vec::new();
    let year = |y: Option<FiscalYear>| y.map(|y| y.wareki()).unwrap_or_default();
    let outcome = match find_path(chart, &parsed.names).and_then(|id| chart.get(id)) {
        Some(u) => {
            let mut diff = |field: &str, before: String, after: Option<String>| {
                if let Some(after) = after
                    && after != before
                {
                    changes.push(FieldChange { field: field.into(), before, after });
                }
            };
            diff("コード", u.code.clone().unwrap_or_default(), parsed.code.clone());
            diff("開始年度", year(u.valid_from), parsed.from.map(|y| y.wareki()));
            diff("終了年度", year(u.valid_to), parsed.to.map(|y| y.wareki()));
            let known: Vec<String> = u.all_names().map(name_key).collect();
            for a in parsed.aliases.iter().filter(|a| !known.contains(&name_key(a))) {
                changes.push(FieldChange { field: "別名".into(), before: String::new(), after: a.clone() });
            }
            if changes.is_empty() { Outcome::Unchanged } else { Outcome::Updated }
        }
        None => {
            let keys: Vec<String> = parsed.names.iter().map(|n| name_key(n)).collect();
            if pending.contains(&keys) {
                changes.push(FieldChange {
                    field: "組織".into(),
                    before: String::new(),
                    after: "（同じファイルの前の行で登録）".into(),
                });
                Outcome::Unchanged
            } else {
                pending.push(keys);
                for (field, v) in [
                    ("コード", parsed.code.clone()),
                    ("開始年度", parsed.from.map(|y| y.wareki())),
                    ("終了年度", parsed.to.map(|y| y.wareki())),
                ] {
                    if let Some(v) = v {
                        changes.push(FieldChange { field: field.into(), before: String::new(), after: v });
                    }
                }
                let own = parsed.names.last().map(|n| name_key(n)).unwrap_or_default();
                for a in parsed.aliases.iter().filter(|a| name_key(a) != own) {
                    changes.push(FieldChange { field: "別名".into(), before: String::new(), after: a.clone() });
                }
                Outcome::Created
            }
        }
    };
    OrgRowPlan { row, path, outcome, changes, parsed }
}

/// Applies an organisation plan in one transaction. Refuses a plan with errors.
pub fn commit_org(store: &mut Store, author: &Author, report: &OrgReport) -> Result<()> {
    if !report.errors.is_empty() {
        return Err(crate::Error::Invalid(format!(
            "{} にはエラーが {} 件あるため取り込みません",
            report.file,
            report.errors.len()
        )));
    }
    store.write(author, |tx| {
        for plan in report.rows.iter().filter(|p| p.outcome != Outcome::Unchanged) {
            let chart = tx.org_chart()?;
            let row = &plan.parsed;
            let (id, _) = crate::actions::add_path(
                tx,
                &chart,
                &row.names,
                crate::actions::Lookup::AnyName,
                row.code.as_deref(),
                row.from,
                row.to,
            )?;
            let name = row.names.last().map(String::as_str).unwrap_or_default();
            tx.update_unit(id, row.code.as_deref(), row.from, row.to)?;
            let known: Vec<String> = chart.get(id).map(|u| u.all_names().map(name_key).collect()).unwrap_or_default();
            for a in row.aliases.iter().filter(|a| !known.contains(&name_key(a)) && name_key(a) != name_key(name)) {
                tx.add_alias(id, a)?;
            }
        }
        Ok(())
    })
}
