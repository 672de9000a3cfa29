//! Returns in the departments' own tables (tests/fixtures/freeform, written by openpyxl and LibreOffice, never by
//! Daicho): each imports exactly the sum of its data lines, computed by the script that wrote it (NAME.truth.json),
//! and no 小計, 合計 or note becomes a line. A property test appends totals to clean returns of any shape.

use daicho::db::Read;
use std::collections::BTreeMap;

use daicho::import::{ColumnMap, FileReport, ImportOptions, plan_file};
use daicho::ledger::{Adopt, Basis};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{TestDir, author, fixture};

const SEED: &str = "freeform/seed.txt";

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn options(truth: &Value) -> ImportOptions {
    let o = &truth["options"];
    ImportOptions {
        fiscal_year: o["fy"].as_i64().map(|y| daicho::fiscal::FiscalYear(y as i32)),
        basis: o["basis"].as_str().and_then(Basis::parse),
        maps: o["maps"].as_array().unwrap().iter().map(|m| ColumnMap::parse(m.as_str().unwrap()).unwrap()).collect(),
        confirm: o["confirm"].as_bool().unwrap_or(false),
        confirmed: Vec::new(),
        date_style: Default::default(),
    }
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture("freeform"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".xlsx") || n.ends_with(".xls") || n.ends_with(".ods"))
        .collect();
    names.sort();
    names
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').unwrap().0
}

/// The hours of every committed figure by basis, under the default adoption rule (what the department stated,
/// else what its formula gives), exact.
fn imported_minutes(t: &TestDir) -> BTreeMap<String, Decimal> {
    let store = t.store();
    let mut out = BTreeMap::new();
    for row in store.effects_in_year(None).unwrap() {
        *out.entry(row.effect.basis.label().to_string()).or_insert(Decimal::ZERO) +=
            row.effect.adopted_minutes(Adopt::Stated);
    }
    out
}

/// The set the issue asks for: at least 12 shapes, from at least two writers, LibreOffice among them.
#[test]
fn the_fixture_set_covers_the_shapes_and_writers() {
    let names = fixtures();
    assert!(names.len() >= 12, "at least 12 free-form returns: {names:?}");
    let writers: Vec<String> = names
        .iter()
        .map(|n| {
            let truth: Value = serde_json::from_str(
                &std::fs::read_to_string(fixture(&format!("freeform/{}.truth.json", stem(n)))).unwrap(),
            )
            .unwrap();
            truth["writer"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(writers.iter().any(|w| w == "openpyxl"), "{writers:?}");
    assert!(writers.iter().filter(|w| w.starts_with("LibreOffice")).count() >= 4, "{writers:?}");
    for ext in [".xlsx", ".xls", ".ods"] {
        assert!(names.iter().any(|n| n.ends_with(ext)), "a {ext} file among {names:?}");
    }
}

/// Every free-form return: its plan equals the expected file (`UPDATE_GOLDEN=1` rewrites them), it has exactly the
/// data lines its writer put in, its totals and notes are recognised and never lines, totals that do not add up
/// are one warning each, and once committed the ledger holds exactly the hours of its lines, basis by basis.
#[test]
fn each_return_imports_exactly_the_sum_of_its_lines() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for name in fixtures() {
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("freeform/{}.truth.json", stem(&name)))).unwrap(),
        )
        .unwrap();
        let t = TestDir::seeded_from(SEED);
        let bytes = std::fs::read(fixture(&format!("freeform/{name}"))).unwrap();
        let opts = options(&truth);
        if let Some(column) = truth["refused_without_maps"].as_str() {
            let bare = ImportOptions { maps: Vec::new(), ..opts.clone() };
            let refused = plan_file(&t.store(), &name, &bytes, &bare).unwrap();
            let messages: Vec<String> = refused.errors.iter().map(|e| e.to_string()).collect();
            assert_eq!(refused.errors.len(), 1, "{name}: refused for one column of figures: {messages:?}");
            assert!(
                refused.errors[0].column == column && refused.errors[0].message.contains("無視"),
                "{name}: the error names {column} and how to map it: {messages:?}"
            );
        }
        let report = plan_file(&t.store(), &name, &bytes, &opts).unwrap();
        let got = serde_json::to_string_pretty(&report).unwrap() + "\n";
        let expected_path = fixture(&format!("freeform/{}.expected.json", stem(&name)));
        if got != std::fs::read_to_string(&expected_path).unwrap_or_default() {
            if update {
                std::fs::write(&expected_path, &got).unwrap();
            } else {
                stale.push(name.clone());
            }
        }
        check_plan(&name, &report, &truth);
        daicho::import::commit(&mut t.store(), &author(), &report).unwrap();
        let imported = imported_minutes(&t);
        let expected: BTreeMap<String, Decimal> =
            truth["by_basis"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), d(v))).collect();
        assert_eq!(imported, expected, "{name}: the ledger holds exactly the minutes of the file's lines, by basis");
        let total: Decimal = imported.values().sum();
        assert_eq!(total, d(&truth["minutes"]), "{name}: the total is the sum of the data lines, to the minute");
    }
    assert!(stale.is_empty(), "plans differ from their expected files (UPDATE_GOLDEN=1 to rewrite): {stale:?}");
}

fn check_plan(name: &str, report: &FileReport, truth: &Value) {
    let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}: a clean return: {errors:?}");
    assert_eq!(report.rows.len() as u64, truth["lines"].as_u64().unwrap(), "{name}: one plan line per data line");
    for row in &report.rows {
        for word in ["小計", "合計", "総計", "※", "注1", "以上", "（単位"] {
            assert!(
                !row.title.contains(word),
                "{name}: 「{}」 (row {}) is a total or a note, never a line",
                row.title,
                row.row
            );
        }
    }
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for s in &report.skipped {
        let kind = serde_json::to_value(s.kind).unwrap().as_str().unwrap().to_string();
        *kinds.entry(kind).or_default() += 1;
    }
    let expected: BTreeMap<String, u64> =
        truth["skipped"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect();
    assert_eq!(kinds, expected, "{name}: the rows that are not lines, by kind");
    let total_warnings =
        report.warnings.iter().filter(|w| w.message.contains("合計") && w.message.contains("一致しません")).count();
    assert_eq!(total_warnings as u64, truth["total_warnings"].as_u64().unwrap(), "{name}: {:?}", report.warnings);
    assert!(
        report.warnings.iter().all(|w| !w.message.contains("申告の削減時間")),
        "{name}: every stated figure agrees with its formula: {:?}",
        report.warnings
    );
}

/// A mapping given for a section's return is remembered: the section's next return in the same shape imports
/// without it, and the dry run says where the mapping came from.
#[test]
fn a_mapping_is_remembered_for_the_section() {
    let t = TestDir::seeded_from(SEED);
    let first = fixture("freeform/unknown_figure_column.xlsx");
    let refused = t.fails(&["import", "--fy", "2024", first.to_str().unwrap()], 2);
    let out = String::from_utf8(t.run(&["import", "--fy", "2024", first.to_str().unwrap()]).stdout).unwrap();
    assert!(out.contains("G列「効果見込額」: 数値の列ですが") && out.contains("--map"), "{out}{refused}");
    let typo = t.ok(&[
        "import",
        "--dry-run",
        "--fy",
        "2024",
        "--map",
        "効果見込額=無視",
        "--map",
        "効果額=無視",
        first.to_str().unwrap(),
    ]);
    assert!(
        typo.contains("列の対応「効果額=無視」に当たる列がありません"),
        "a mapping that names no column is said: {typo}"
    );
    let done = t.ok(&["import", "--fy", "2024", "--map", "効果見込額=無視", first.to_str().unwrap()]);
    assert!(done.contains("取り込みました: 新規 2"), "{done}");
    // Next year's return from the same section, in the same shape.
    let next = t.path().join("営業課_R7.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["部局", "課", "業務名", "区分", "算定式", "削減時間(時間)", "効果見込額"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["上下水道局", "営業課", "検針データの取込", "RPA", "2分×25,000件"].iter().enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 5, 833.3).unwrap();
    ws.write_number(1, 6, 2_500_000.0).unwrap();
    wb.save(&next).unwrap();
    let out = t.ok(&["import", "--dry-run", "--fy", "2025", next.to_str().unwrap()]);
    assert!(
        out.contains("G列「効果見込額」  取り込みません（上下水道局／営業課の前回の回答での指定）"),
        "the remembered mapping applies and is named: {out}"
    );
    assert!(out.contains("新規 0、更新 1"), "{out}");
    let log = t.json(&["log", "--json"]);
    assert!(log.as_array().unwrap().iter().any(|e| e["entity"] == "column_map"), "remembering is audited");
}

// ---- The property: totals appended to any clean return ----------------------------------------------------------

const UNITS: [(&str, &str); 6] = [
    ("総務部", "人事課"),
    ("市民部", "税務課"),
    ("こども部", "保育課"),
    ("福祉部", "介護保険課"),
    ("上下水道局", "営業課"),
    ("議会事務局", "議事課"),
];

#[derive(Debug, Clone)]
struct GenLine {
    unit: usize,
    minutes_per_case: u32,
    cases: u32,
    stated: bool,
}

impl GenLine {
    fn hours(&self) -> Decimal {
        let exact = Decimal::from(self.minutes_per_case * self.cases) / Decimal::from(60);
        if self.stated { exact.round_dp(1) } else { exact }
    }
}

/// How a total row is written: its label (or none) and the column it stands in.
#[derive(Debug, Clone, Copy)]
enum TotalStyle {
    Label(&'static str, u16),
    Unlabeled,
}

fn total_style() -> impl Strategy<Value = TotalStyle> {
    prop_oneof![
        Just(TotalStyle::Label("合計", 0)),
        Just(TotalStyle::Label("小計", 1)),
        Just(TotalStyle::Label("計", 2)),
        Just(TotalStyle::Label("総計", 0)),
        Just(TotalStyle::Label("合　計", 2)),
        Just(TotalStyle::Label("【小計】", 1)),
        Just(TotalStyle::Unlabeled),
    ]
}

fn write_return(path: &std::path::Path, lines: &[GenLine], total: Option<(TotalStyle, Decimal)>) {
    write_return_split(path, lines, None, total);
}

/// A return with its lines, a correct 小計 after the first `split` lines and after the rest (when given), and the
/// total under test at the end.
fn write_return_split(
    path: &std::path::Path,
    lines: &[GenLine],
    split: Option<usize>,
    total: Option<(TotalStyle, Decimal)>,
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["部局", "課", "業務名", "区分", "算定式", "削減時間(時間)"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut r = 0u32;
    let subtotal = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, part: &[GenLine]| {
        let sum: Decimal = part.iter().map(GenLine::hours).sum();
        let figure = sum.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        ws.write_string(r, 1, "小計").unwrap();
        ws.write_number(r, 5, figure.to_string().parse::<f64>().unwrap()).unwrap();
    };
    for (i, l) in lines.iter().enumerate() {
        r += 1;
        let (bureau, section) = UNITS[l.unit];
        ws.write_string(r, 0, bureau).unwrap();
        ws.write_string(r, 1, section).unwrap();
        ws.write_string(r, 2, format!("定型業務{}", i + 1)).unwrap();
        ws.write_string(r, 3, "RPA").unwrap();
        ws.write_string(r, 4, format!("{}分×{}件", l.minutes_per_case, l.cases)).unwrap();
        if l.stated {
            ws.write_number(r, 5, l.hours().to_string().parse::<f64>().unwrap()).unwrap();
        }
        if let Some(k) = split {
            if i + 1 == k {
                r += 1;
                subtotal(ws, r, &lines[..k]);
            } else if i + 1 == lines.len() {
                r += 1;
                subtotal(ws, r, &lines[k..]);
            }
        }
    }
    if let Some((style, figure)) = total {
        let r = r + 1;
        if let TotalStyle::Label(label, col) = style {
            ws.write_string(r, col, label).unwrap();
        }
        ws.write_number(r, 5, figure.to_string().parse::<f64>().unwrap()).unwrap();
    }
    wb.save(path).unwrap();
}

fn plan_of(t: &TestDir, path: &std::path::Path) -> FileReport {
    let bytes = std::fs::read(path).unwrap();
    let opts = ImportOptions { fiscal_year: Some(daicho::fiscal::FiscalYear(2024)), ..Default::default() };
    plan_file(&t.store(), "回答.xlsx", &bytes, &opts).unwrap()
}

fn comparable(r: &FileReport) -> (String, String, Vec<String>) {
    (
        serde_json::to_string(&r.rows).unwrap(),
        serde_json::to_string(&r.errors).unwrap(),
        r.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

/// What is imported, whatever rows the totals take: each line's plan without its row number.
fn imported(r: &FileReport) -> Vec<serde_json::Value> {
    r.rows
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap();
            v.as_object_mut().unwrap().remove("row");
            v
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Appending a correct 小計/合計 row (labelled in any column, or only a figure) to a clean return changes nothing
    /// that is imported; appending a wrong one adds exactly one warning and still imports the same lines.
    #[test]
    fn a_total_row_never_changes_what_is_imported(
        lines in prop::collection::vec(
            (0usize..UNITS.len(), 1u32..60, 1u32..5000, any::<bool>())
                .prop_map(|(unit, minutes_per_case, cases, stated)| GenLine { unit, minutes_per_case, cases, stated }),
            1..8,
        ),
        style in total_style(),
        // A wrong total is off by whole hours, at least two: a right total that rounds to a whole number is written
        // as one (2383.0 → 2383), and a figure agrees within one unit of its last place (2384 for 2383.02 rounds
        // up, as the formula check allows), so an error of one hour would not be one by the rule under test.
        off_by in 2u32..500,
    ) {
        let t = TestDir::seeded_from(SEED);
        let sum: Decimal = lines.iter().map(GenLine::hours).sum();
        let right = sum.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let wrong = right + Decimal::from(off_by);
        let (base, with_right, with_wrong) =
            (t.path().join("base.xlsx"), t.path().join("right.xlsx"), t.path().join("wrong.xlsx"));
        write_return(&base, &lines, None);
        write_return(&with_right, &lines, Some((style, right)));
        write_return(&with_wrong, &lines, Some((style, wrong)));
        let (b, r, w) = (plan_of(&t, &base), plan_of(&t, &with_right), plan_of(&t, &with_wrong));
        prop_assert!(b.errors.is_empty(), "a clean return: {:?}", b.errors);
        prop_assert_eq!(comparable(&r), comparable(&b), "a correct total changes nothing ({:?})", style);
        prop_assert_eq!(r.skipped.len(), 1, "the total is recognised: {:?}", r.skipped);
        let (rows_w, errors_w, warnings_w) = comparable(&w);
        let (rows_b, errors_b, warnings_b) = comparable(&b);
        prop_assert_eq!(rows_w, rows_b, "a wrong total imports the same lines");
        prop_assert_eq!(errors_w, errors_b);
        prop_assert_eq!(warnings_w.len(), warnings_b.len() + 1, "exactly one more warning: {:?}", warnings_w);
    }

    /// The same with the lines in two groups, each under a correct 小計: the total under test (labelled or only a
    /// figure) still changes nothing when it is right and gives exactly one warning when it is wrong, whichever
    /// lines it covers.
    #[test]
    fn totals_under_groups_never_change_what_is_imported(
        lines in prop::collection::vec(
            (0usize..UNITS.len(), 1u32..60, 1u32..5000, any::<bool>())
                .prop_map(|(unit, minutes_per_case, cases, stated)| GenLine { unit, minutes_per_case, cases, stated }),
            2..8,
        ),
        split_at in 1usize..7,
        style in total_style(),
        // A wrong total is off by whole hours, at least two: a right total that rounds to a whole number is written
        // as one (2383.0 → 2383), and a figure agrees within one unit of its last place (2384 for 2383.02 rounds
        // up, as the formula check allows), so an error of one hour would not be one by the rule under test.
        off_by in 2u32..500,
    ) {
        let k = split_at.min(lines.len() - 1);
        let t = TestDir::seeded_from(SEED);
        let sum: Decimal = lines.iter().map(GenLine::hours).sum();
        let right = sum.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let (base, grouped, wrong) =
            (t.path().join("base.xlsx"), t.path().join("grouped.xlsx"), t.path().join("wrong.xlsx"));
        write_return(&base, &lines, None);
        // 小計 and 小計 then the total under test: as a 合計 it covers everything. A 小計 or a figure-only row right
        // after the second 小計 covers both groups (nested totals).
        write_return_split(&grouped, &lines, Some(k), Some((style, right)));
        write_return_split(&wrong, &lines, Some(k), Some((style, right + Decimal::from(off_by))));
        let (b, g, w) = (plan_of(&t, &base), plan_of(&t, &grouped), plan_of(&t, &wrong));
        prop_assert!(b.errors.is_empty(), "a clean return: {:?}", b.errors);
        prop_assert_eq!(imported(&g), imported(&b), "correct totals change nothing imported ({:?})", style);
        prop_assert_eq!(g.warnings.len(), b.warnings.len(), "and add no warning: {:?}", g.warnings);
        prop_assert_eq!(g.skipped.len(), 3, "every total is recognised: {:?}", g.skipped);
        prop_assert_eq!(imported(&w), imported(&b), "a wrong total imports the same lines");
        prop_assert_eq!(w.warnings.len(), b.warnings.len() + 1, "exactly one more warning: {:?}", w.warnings);
    }
}

// ---- Shapes that must not fool the reader ------------------------------------------------------------------------

/// One hand-drawn table: its rows (numbers written as numbers), merged areas (`"B2:B3"`), and what must come of it.
struct Shape {
    what: &'static str,
    rows: &'static [&'static [&'static str]],
    merges: &'static [&'static str],
    /// Hours imported, by the default adoption rule; `None` when the file must be refused.
    hours: Option<&'static str>,
    /// Text every error (when refused) or some warning must contain; `""` for none expected.
    says: &'static str,
    /// No warning at all (besides what `says` names).
    quiet: bool,
}

const HEAD: &[&str] = &["部局", "課", "業務名", "区分", "算定式", "削減時間(時間)", "備考"];

const SHAPES: &[Shape] = &[
    Shape {
        what: "a 備考 that ends in a total word is a remark, not a total",
        rows: &[HEAD, &["総務部", "人事課", "休暇簿の集計", "RPA", "", "30", "4月からの累計"]],
        merges: &[],
        hours: Some("30"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a total above the header and a 合計 at the bottom both check",
        rows: &[
            &["人事課 合計", "", "50時間"],
            HEAD,
            &["総務部", "人事課", "扶養手当の認定", "RPA", "10分×120件", "20", ""],
            &["総務部", "人事課", "年末調整の点検", "RPA", "", "30", ""],
            &["合計", "", "", "", "", "50", ""],
        ],
        merges: &[],
        hours: Some("50"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "課計, 課計, then 部計, then 合計",
        rows: &[
            HEAD,
            &["総務部", "人事課", "扶養手当の認定", "RPA", "", "20", ""],
            &["人事課 計", "", "", "", "", "20", ""],
            &["総務部", "総務課", "文書収受の登録", "RPA", "", "30", ""],
            &["総務課 計", "", "", "", "", "30", ""],
            &["総務部 計", "", "", "", "", "50", ""],
            &["市民部", "税務課", "納税証明の発行", "RPA", "", "5", ""],
            &["市民部 計", "", "", "", "", "5", ""],
            &["合計", "", "", "", "", "55", ""],
        ],
        merges: &[],
        hours: Some("55"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a 合計 at the top of the table, before its lines",
        rows: &[
            HEAD,
            &["合計", "", "", "", "", "50", ""],
            &["総務部", "人事課", "扶養手当の認定", "RPA", "", "20", ""],
            &["総務部", "人事課", "年末調整の点検", "RPA", "", "30", ""],
        ],
        merges: &[],
        hours: Some("50"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a figure merged down over two lines is refused",
        rows: &[
            HEAD,
            &["総務部", "人事課", "扶養手当の認定", "RPA", "", "40", ""],
            &["総務部", "人事課", "年末調整の点検", "RPA", "", "", ""],
        ],
        merges: &["F2:F3"],
        hours: None,
        says: "2〜3行目に結合されていて",
        quiet: false,
    },
    Shape {
        what: "a line written over two rows (merged down, the second row adding nothing) is one line",
        rows: &[
            HEAD,
            &["総務部", "人事課", "扶養手当の認定", "RPA", "10分×120件", "20", ""],
            &["", "", "", "", "", "", ""],
            &["総務部", "人事課", "年末調整の点検", "RPA", "", "30", ""],
        ],
        merges: &["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3"],
        hours: Some("50"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "an ID column of 1, 2, 3 is row numbers, never 管理番号",
        rows: &[
            &["ID", "部局", "課", "業務名", "区分", "算定式", "削減時間(時間)"],
            &["1", "総務部", "人事課", "扶養手当の認定", "RPA", "", "20"],
            &["2", "総務部", "人事課", "年末調整の点検", "RPA", "", "30"],
        ],
        merges: &[],
        hours: Some("50"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a row of units under the header belongs to it",
        rows: &[
            &["部局", "課", "業務名", "区分", "導入前", "導入後", "件数"],
            &["", "", "", "", "（分）", "（分）", "（件）"],
            &["総務部", "人事課", "扶養手当の認定", "RPA", "30", "10", "120"],
        ],
        merges: &[],
        hours: Some("40"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a unit under a name that is not the field's own unit leaves the column unknown (hours never read as minutes)",
        rows: &[
            &["部局", "課", "業務名", "区分", "導入前", "導入後", "件数"],
            &["", "", "", "", "（時間）", "（時間）", "（件）"],
            &["総務部", "人事課", "扶養手当の認定", "RPA", "0.5", "0.2", "120"],
        ],
        merges: &[],
        hours: None,
        says: "数値の列ですが",
        quiet: false,
    },
    Shape {
        what: "the figure written before a cell's measures is their total, checked",
        rows: &[
            HEAD,
            &[
                "総務部",
                "人事課",
                "給与事務",
                "RPA",
                "計 40時間 ◆入力 30時間 10分×180件 ◆照合 10時間 5分×120件",
                "",
                "",
            ],
        ],
        merges: &[],
        hours: Some("40"),
        says: "",
        quiet: true,
    },
    Shape {
        what: "a result written inside a formula that does not hold is a warning",
        rows: &[HEAD, &["総務部", "人事課", "扶養手当の認定", "RPA", "10分×120件=30時間", "", ""]],
        merges: &[],
        hours: Some("20"),
        says: "算定式に書かれた結果 30時間 が計算値 20時間 と一致しません",
        quiet: false,
    },
];

fn write_shape(path: &std::path::Path, shape: &Shape) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, cells) in shape.rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) if v.is_empty() => continue,
                Err(_) => ws.write_string(r as u32, c as u16, *v).unwrap(),
            };
        }
    }
    for m in shape.merges {
        let (a, b) = m.split_once(':').unwrap();
        let cell = |s: &str| {
            let col = (s.as_bytes()[0] - b'A') as u16;
            let row: u32 = s[1..].parse::<u32>().unwrap() - 1;
            (row, col)
        };
        let ((r0, c0), (r1, c1)) = (cell(a), cell(b));
        let value = shape.rows[r0 as usize].get(c0 as usize).copied().unwrap_or("");
        ws.merge_range(r0, c0, r1, c1, value, &rust_xlsxwriter::Format::new()).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn shapes_that_must_not_fool_the_reader() {
    let mut failures = Vec::new();
    for shape in SHAPES {
        let t = TestDir::seeded_from(SEED);
        let path = t.path().join("回答.xlsx");
        write_shape(&path, shape);
        let opts = ImportOptions { fiscal_year: Some(daicho::fiscal::FiscalYear(2024)), ..Default::default() };
        let report = plan_file(&t.store(), "回答.xlsx", &std::fs::read(&path).unwrap(), &opts).unwrap();
        let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
        let warnings: Vec<String> = report.warnings.iter().map(|e| e.to_string()).collect();
        match shape.hours {
            None => {
                if !errors.iter().any(|e| e.contains(shape.says)) {
                    failures.push(format!("{}: refused for «{}», got {errors:?}", shape.what, shape.says));
                }
            }
            Some(hours) => {
                if !errors.is_empty() {
                    failures.push(format!("{}: no errors expected, got {errors:?}", shape.what));
                    continue;
                }
                daicho::import::commit(&mut t.store(), &author(), &report).unwrap();
                let minutes: Decimal = imported_minutes(&t).values().sum();
                let expected = hours.parse::<Decimal>().unwrap() * Decimal::from(60);
                if minutes != expected {
                    failures.push(format!(
                        "{}: {} hours imported, {hours} expected",
                        shape.what,
                        minutes / Decimal::from(60)
                    ));
                }
                if !shape.says.is_empty() && !warnings.iter().any(|w| w.contains(shape.says)) {
                    failures.push(format!("{}: a warning «{}» expected, got {warnings:?}", shape.what, shape.says));
                }
                if shape.quiet && !warnings.is_empty() {
                    failures.push(format!("{}: no warning expected, got {warnings:?}", shape.what));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} shapes:\n{}", failures.len(), SHAPES.len(), failures.join("\n"));
}
