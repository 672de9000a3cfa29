//! Reports: golden JSON on the demo ledger, agreement between reports and with `daicho summary`, the workbook read
//! back with calamine (numbers and the cached values of its SUM formulas), CSV encodings and injection.

use calamine::{Data, Reader, open_workbook_auto};
use daicho::db::Read;
use daicho::export::csv::{CsvEncoding, csv_text, neutralise, write_csv};
use daicho::report::{ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::str::FromStr;

use crate::support::{TestDir, describe, fixture};

const REPORTS: [&str; 7] = ["summary", "trend", "before-after", "check", "cumulative", "cost", "ocr"];

fn demo() -> TestDir {
    let t = TestDir::new();
    t.ok(&["demo"]);
    t
}

fn d(v: &Json) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap_or_else(|_| panic!("not a number: {v}"))
}

/// Each report of 令和5年度 on the demo ledger equals its expected JSON (`UPDATE_GOLDEN=1` rewrites them).
#[test]
fn reports_equal_their_golden_files() {
    let t = demo();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for kind in REPORTS {
        let got = t.ok(&["report", kind, "--fy", "2023", "--json"]);
        let path = fixture(&format!("reports/{kind}.expected.json"));
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if got != expected {
            if update {
                std::fs::write(&path, &got).unwrap();
            } else {
                stale.push(kind);
            }
        }
    }
    assert!(stale.is_empty(), "reports differ from tests/fixtures/reports (UPDATE_GOLDEN=1 to rewrite): {stale:?}");
}

/// The totals of every report are the sums of their printed lines, and agree with each other and with `daicho
/// summary`: one ledger, one set of numbers.
#[test]
fn reports_agree_with_each_other_and_with_the_summary() {
    let t = demo();
    let summary = t.json(&["summary", "--fy", "2023", "--json"]);
    let total = d(&summary["total"]["hours"]);
    let report = |kind: &str| t.json(&["report", kind, "--fy", "2023", "--json"]);
    let column =
        |r: &Json, title: &str| r["columns"].as_array().unwrap().iter().position(|c| c["title"] == title).unwrap();
    let rows = |r: &Json, kind: &str| -> Vec<Json> {
        r["rows"].as_array().unwrap().iter().filter(|x| x["kind"] == kind).cloned().collect()
    };
    let sum = |r: &Json, col: usize| -> Decimal {
        rows(r, "line").iter().filter_map(|x| x["cells"][col].as_number().map(|_| d(&x["cells"][col]))).sum()
    };

    let s = report("summary");
    let c = column(&s, "合計\n削減時間(h)");
    assert_eq!(d(&rows(&s, "total")[0]["cells"][c]), total, "部局別 total = daicho summary");
    assert_eq!(sum(&s, c), total, "部局別 total = sum of its printed lines (per-line rounding)");
    for (i, kind) in ["RPA", "AI-OCR", "RPA+AI-OCR", "その他"].iter().enumerate() {
        let col = 2 + 2 * i;
        assert_eq!(d(&rows(&s, "total")[0]["cells"][col]), d(&summary["total"]["by_kind"][kind]), "{kind} column");
    }
    let yen = column(&s, "金額換算(円)");
    assert_eq!(d(&rows(&s, "total")[0]["cells"][yen]), d(&summary["yen"]), "yen agrees");

    let trend = report("trend");
    let fy = column(&trend, "令和5年度");
    let actual = trend["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == "実績").unwrap();
    assert_eq!(d(&actual["cells"][fy]), total, "年度推移 令和5年度 = daicho summary");
    let rate = trend["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == "達成率").unwrap();
    assert_eq!(d(&rate["cells"][fy]), d(&summary["total"]["achievement_rate"]), "達成率 agrees");

    let cost = report("cost");
    let hours = column(&cost, "削減時間(h)");
    assert_eq!(d(&rows(&cost, "total")[0]["cells"][hours]), total, "費用対効果 hours = daicho summary");
    assert_eq!(sum(&cost, hours), total);

    let cumulative = report("cumulative");
    let fy = column(&cumulative, "令和5年度");
    assert_eq!(d(&rows(&cumulative, "total")[0]["cells"][fy]), total, "累計 令和5年度 column = daicho summary");
    let running = column(&cumulative, "累計(h)");
    let by_year: Decimal = (1..running).map(|c| d(&rows(&cumulative, "total")[0]["cells"][c])).sum();
    assert_eq!(d(&rows(&cumulative, "total")[0]["cells"][running]), by_year, "累計 = the sum of the years");

    let before_after = report("before-after");
    for r in rows(&before_after, "line") {
        let cells = r["cells"].as_array().unwrap();
        assert_eq!(d(&cells[4]) - d(&cells[5]), d(&cells[6]), "現行 − 導入後 = 削減時間: {r}");
    }
    let check = report("check");
    let daicho_check = t.json(&["check", "--fy", "2023", "--json"]);
    assert_eq!(
        check["rows"].as_array().unwrap().len(),
        daicho_check["items"].as_array().unwrap().len(),
        "検算 = daicho check"
    );
}

fn cell_number(v: &Data) -> Option<Decimal> {
    match v {
        Data::Float(f) => Decimal::from_str(&daicho::import::number_text(*f)).ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

/// The workbook read back with calamine holds the same numbers as the JSON, and its total rows are real SUM
/// formulas whose cached values are the computed totals.
#[test]
fn the_workbook_reads_back_with_the_same_numbers_and_live_sums() {
    let t = demo();
    let path = t.path().join("令和5年度_効果集計.xlsx");
    let out = t.ok(&["report", "all", "--fy", "2023", "-o", path.to_str().unwrap()]);
    assert!(out.contains("シート: 部局別、年度推移、業務別、検算、累計、費用対効果"), "{out}");
    let tables: Vec<Json> = serde_json::from_str(&t.ok(&["report", "all", "--fy", "2023", "--json"])).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    for table in &tables {
        let sheet = table["sheet"].as_str().unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        let formulas = wb.worksheet_formula(sheet).unwrap();
        assert_eq!(range.get((0, 0)).map(|c| c.to_string()), Some(table["title"].as_str().unwrap().to_string()));
        for (i, row) in table["rows"].as_array().unwrap().iter().enumerate() {
            let r = 4 + i; // title, subtitle, blank, header
            for (c, value) in row["cells"].as_array().unwrap().iter().enumerate() {
                let cell = range.get_value((r as u32, c as u32)).cloned().unwrap_or(Data::Empty);
                match value {
                    Json::Number(_) => assert_eq!(cell_number(&cell), Some(d(value)), "{sheet} row {} col {c}", r + 1),
                    Json::String(s) => assert_eq!(cell.to_string(), *s, "{sheet} row {} col {c}", r + 1),
                    _ => {}
                }
                if row["kind"] == "total" && value.is_number() && table["total_is_sum"] == true {
                    let kind = &table["columns"][c]["kind"];
                    if ["hours", "count", "yen", "minutes"].contains(&kind.as_str().unwrap()) {
                        let f = formulas.get_value((r as u32, c as u32)).cloned().unwrap_or_default();
                        assert!(f.starts_with("SUM("), "{sheet} total row col {c} is a live SUM formula, got {f:?}");
                    }
                }
            }
        }
    }
}

/// A table with text that CP932 can and cannot encode, and cells a spreadsheet would run as formulas.
fn hostile_table(title: &str) -> ReportTable {
    ReportTable {
        sheet: "検証".into(),
        title: "検証".into(),
        subtitle: String::new(),
        columns: vec![
            ReportColumn::new("業務名", ColumnKind::Text, 20.0),
            ReportColumn::new("削減時間(h)", ColumnKind::Hours, 10.0),
        ],
        rows: vec![
            ReportRow::new(RowKind::Line, vec![Value::text(title), Value::number(Decimal::new(-405, 1))]),
            ReportRow::new(RowKind::Line, vec![Value::text("=HYPERLINK(\"http://x\",\"押して\")"), Value::Empty]),
            ReportRow::new(RowKind::Line, vec![Value::text("+1+2"), Value::Empty]),
            ReportRow::new(RowKind::Line, vec![Value::text("-3分"), Value::Empty]),
            ReportRow::new(RowKind::Line, vec![Value::text("@SUM(A1)"), Value::Empty]),
            ReportRow::new(RowKind::Line, vec![Value::text("\tタブ"), Value::Empty]),
            ReportRow::new(RowKind::Line, vec![Value::text("髙橋・﨑・①・～・カンマ,と\"引用\""), Value::Empty]),
        ],
        notes: Vec::new(),
        total_is_sum: true,
        chart: None,
    }
}

#[test]
fn csv_injection_is_neutralised_and_numbers_are_left_alone() {
    let cases = [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("総務部", "総務部"),
        ("1,000", "1,000"),
        ("", ""),
    ];
    for (input, expected) in cases {
        assert_eq!(neutralise(input), expected, "{input:?}");
    }
    let text = csv_text(&hostile_table("給与"));
    assert!(text.contains("給与,-40.5\r\n"), "a negative number stays a number: {text}");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"押して\"\")\""), "{text}");
    assert!(text.contains("'+1+2") && text.contains("'-3分") && text.contains("'@SUM(A1)"), "{text}");
}

#[test]
fn cp932_csv_decodes_back_to_the_same_text() {
    let table = hostile_table("給与支払報告書の入力");
    let bytes = write_csv(&table, CsvEncoding::Cp932).unwrap();
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors, "valid Shift_JIS");
    assert_eq!(decoded, csv_text(&table), "CP932 (with 髙, 﨑, ①, ～) round-trips exactly");
    let utf8 = write_csv(&table, CsvEncoding::Utf8Bom).unwrap();
    assert_eq!(&utf8[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 with a BOM for Excel");
    assert_eq!(std::str::from_utf8(&utf8[3..]).unwrap(), csv_text(&table));
}

#[test]
fn characters_cp932_cannot_encode_are_reported_not_replaced() {
    let table = hostile_table("𠮷野家の受付😀");
    let err = write_csv(&table, CsvEncoding::Cp932).unwrap_err().to_string();
    assert!(err.contains("「𠮷」（2行目「業務名」）") && err.contains("「😀」（2行目「業務名」）"), "{err}");
    assert!(err.contains("--encoding utf-8"), "the message says what to do: {err}");
    assert!(write_csv(&table, CsvEncoding::Utf8Bom).is_ok(), "UTF-8 can carry them");
}

#[test]
fn text_is_never_a_formula_in_the_workbook() {
    let table = hostile_table("=CMD|' /C calc'!A0");
    let bytes = daicho::export::write_reports(
        &[table],
        &daicho::export::WorkbookOptions {
            exported_on: chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            hour_places: 1,
            organisation_name: String::new(),
        },
    )
    .unwrap();
    let t = TestDir::new();
    let path = t.path().join("x.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("検証").unwrap();
    assert_eq!(range.get_value((4, 0)), Some(&Data::String("=CMD|' /C calc'!A0".into())), "stored as a string");
    let formulas = wb.worksheet_formula("検証").unwrap();
    assert!(formulas.get_value((4, 0)).is_none_or(|f| f.is_empty()), "and not as a formula");
}

#[test]
fn report_csv_files_and_encodings_from_the_command_line() {
    let t = demo();
    let path = t.path().join("部局別.csv");
    let out = t.ok(&["report", "summary", "--fy", "2023", "-o", path.to_str().unwrap()]);
    assert!(out.contains("Shift_JIS"), "{out}");
    let bytes = std::fs::read(&path).unwrap();
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors);
    assert!(text.starts_with("部局,RPA件数,RPA削減時間(h),"), "{text}");
    assert!(text.contains("\r\n合計,88,3723.9,"), "numbers without separators, the total row last: {text}");
    let utf8 = t.path().join("部局別_utf8.csv");
    t.ok(&["report", "summary", "--fy", "2023", "--csv", "--encoding", "utf-8", "-o", utf8.to_str().unwrap()]);
    assert_eq!(&std::fs::read(&utf8).unwrap()[..3], &[0xEF, 0xBB, 0xBF]);
    let err = t.fails(&["report", "all", "--fy", "2023", "--csv"], 2);
    assert!(err.contains("CSV は帳票1つずつ"), "{err}");
    let piped = t.run(&["report", "summary", "--fy", "2023", "--csv"]);
    assert!(piped.status.success(), "{}", describe(&piped));
    assert_eq!(piped.stdout, bytes, "redirected, the CSV is the file's own Shift_JIS bytes (what `> x.csv` saves)");
}

/// To a terminal the CSV is shown as text: a Windows console refuses Shift_JIS bytes (the report came out empty with
/// exit 0) and a Linux terminal shows them garbled. Run in a pseudo-terminal with util-linux `script`. Unix only.
#[cfg(unix)]
#[test]
fn report_csv_to_a_terminal_is_readable_text() {
    let t = demo();
    let command = format!("'{}' --db '{}' report summary --fy 2023 --csv", env!("CARGO_BIN_EXE_daicho"), t.target());
    let out = crate::support::Launch::launch(t.command_named("script").args(["-qec", &command, "/dev/null"]));
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8(out.stdout).expect("the terminal gets UTF-8 text, not Shift_JIS bytes");
    assert!(text.contains("部局,RPA件数,RPA削減時間(h),"), "{text}");
    assert!(text.contains("合計,88,3723.9,"), "the same figures as the file: {text}");
}

/// The cumulative report per initiative and per 部局 are two views of the same figures: every fiscal year's total
/// and the running total agree.
#[test]
fn cumulative_per_initiative_and_per_bureau_agree() {
    let t = demo();
    let by_bureau = t.json(&["report", "cumulative", "--fy", "2023", "--json"]);
    let by_initiative = t.json(&["report", "cumulative", "--fy", "2023", "--by", "initiative", "--json"]);
    let total = |r: &Json| -> Vec<Json> {
        let row = r["rows"].as_array().unwrap().iter().find(|x| x["kind"] == "total").unwrap();
        row["cells"].as_array().unwrap()[1..].to_vec()
    };
    assert_eq!(total(&by_bureau), total(&by_initiative), "same totals per year, cumulative and change");
    let lines = by_initiative["rows"].as_array().unwrap().iter().filter(|x| x["kind"] == "line").count();
    assert!(lines > 100, "one line per initiative with figures ({lines})");
}

/// The streamed summary (`daicho summary`) and the one built from loaded rows (the reports, the app) are the same
/// numbers for every year of the demo, every grouping, every basis and both organisation views.
#[test]
fn the_streamed_summary_equals_the_loaded_one_for_every_option() {
    use daicho::fiscal::FiscalYear;
    use daicho::ledger::Basis;
    use daicho::org::NameView;
    use daicho::report::{GroupBy, SummaryOptions, summarize, summarize_year};
    let t = demo();
    let store = t.store();
    let chart = store.org_chart().unwrap();
    let settings = store.settings().unwrap();
    let targets = store.targets(None).unwrap();
    let rows = store.effects_in_year(None).unwrap();
    let mut compared = 0;
    for fy in 2019..=2025 {
        for by in
            [GroupBy::Bureau, GroupBy::Section, GroupBy::Kind, GroupBy::Tool, GroupBy::Status, GroupBy::Initiative]
        {
            for basis in [None, Some(Basis::Actual), Some(Basis::Trial), Some(Basis::Estimate)] {
                for view in [NameView::AsReported, NameView::Current] {
                    let opts = SummaryOptions { fiscal_year: FiscalYear(fy), by, basis, view };
                    let loaded = summarize(&rows, &chart, &settings, &targets, &opts);
                    let streamed = summarize_year(&store, &chart, &settings, &targets, &opts).unwrap();
                    assert_eq!(
                        serde_json::to_value(&streamed).unwrap(),
                        serde_json::to_value(&loaded).unwrap(),
                        "{fy} {by:?} {basis:?} {view:?}"
                    );
                    compared += usize::from(!loaded.groups.is_empty());
                }
            }
        }
    }
    assert!(compared > 100, "most combinations have figures to compare: {compared}");
}

/// A fiscal year that has a target but no figure yet is blank in 年度推移 — 実績 and 達成率, in the terminal, JSON, CSV
/// and the workbook, whose line chart leaves a gap there — and the summary gives it no 達成率: a performance sheet
/// never shows such a year as 0 or 0%.
#[test]
fn a_year_with_a_target_and_no_figures_is_blank_never_zero() {
    let t = demo();
    t.ok(&["target", "set", "--fy", "2025", "--hours", "6400"]);
    let v = t.json(&["report", "trend", "--fy", "2025", "--json"]);
    let row = |label: &str| v["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == label).unwrap().clone();
    let last = |label: &str| row(label)["cells"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last("目標値"), serde_json::json!(6400), "the target is shown");
    assert_eq!((last("実績"), last("達成率")), (Json::Null, Json::Null), "no actual and no rate for 令和7年度");
    assert!(d(&row("実績")["cells"][4]) > Decimal::ZERO, "令和6年度 still has its figure");

    let terminal = t.ok(&["report", "trend", "--fy", "2025"]);
    let actual_line = terminal.lines().find(|l| l.starts_with("実績")).unwrap();
    let rate_line = terminal.lines().find(|l| l.starts_with("達成率")).unwrap();
    assert!(!actual_line.trim_end().ends_with("0.0") && !rate_line.contains("0.0%"), "{terminal}");
    let csv = t.ok(&["report", "trend", "--fy", "2025", "--csv", "--encoding", "utf-8"]);
    assert!(csv.lines().any(|l| l.starts_with("実績,") && l.ends_with(',')), "the CSV cell is empty: {csv}");
    assert!(csv.lines().any(|l| l.starts_with("達成率,") && l.ends_with(',')), "{csv}");

    let path = t.path().join("推移.xlsx");
    t.ok(&["report", "trend", "--fy", "2025", "-o", path.to_str().unwrap()]);
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("年度推移").unwrap();
    let header = 3u32;
    let last_col = (range.width() - 1) as u32;
    assert_eq!(range.get_value((header, last_col)).map(|c| c.to_string()), Some("令和7年度".into()));
    for r in [header + 2, header + 3] {
        let cell = range.get_value((r, last_col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell, Data::Empty, "row {} of 令和7年度 is an empty cell, not 0", r + 1);
    }
    let chart = crate::import::sheet_xml(&path, "xl/charts/chart1.xml");
    assert!(chart.contains(r#"<c:dispBlanksAs val="gap"/>"#), "the line chart leaves a gap for an empty year");

    let summary = t.json(&["summary", "--fy", "2025", "--json"]);
    assert_eq!(summary["total"]["target_hours"], serde_json::json!(6400));
    assert!(summary["total"].get("achievement_rate").is_none(), "no rate without figures: {}", summary["total"]);
}

/// A 部局 chosen for a report selects the unit and its renamed or merged past in every year: the report limited to
/// it totals what the whole report shows on its row when units are shown as they are today (`--view current`), and
/// a former name selects the same 部局.
#[test]
fn a_bureau_chosen_for_a_report_follows_its_identity_through_the_years() {
    let t = demo();
    let store = t.store();
    let chart = store.org_chart().unwrap();
    let bureaus: Vec<String> = chart
        .units()
        .filter(|u| u.level == daicho::org::Level::Bureau && u.merged_into.is_none() && u.valid_to.is_none())
        .map(|u| u.current_name().to_string())
        .collect();
    assert!(bureaus.iter().any(|b| b == "こども部"), "the sample city renamed 子ども部 to こども部");
    // (合計 件数, 合計 削減時間(h)) of a row: the four last cells are 件数, 削減時間, 人工, 金額換算.
    let figures = |row: &Json| -> (Decimal, Decimal) {
        let cells = row["cells"].as_array().unwrap();
        (d(&cells[cells.len() - 4]), d(&cells[cells.len() - 3]))
    };
    let total_of =
        |report: &Json| figures(report["rows"].as_array().unwrap().iter().find(|r| r["kind"] == "total").unwrap());
    for fy in ["2020", "2022", "2024"] {
        let whole = t.json(&["report", "summary", "--fy", fy, "--view", "current", "--json"]);
        for b in &bureaus {
            let scoped = t.json(&["report", "summary", "--fy", fy, "--bureau", b, "--json"]);
            let row = whole["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == b.as_str()).cloned();
            let want = row.map_or((Decimal::ZERO, Decimal::ZERO), |r| figures(&r));
            assert_eq!(total_of(&scoped), want, "{fy} {b}: the 部局's own figures under every name it had");
        }
    }
    let by_old_name = t.json(&["report", "summary", "--fy", "2022", "--bureau", "子ども部", "--json"]);
    let by_new_name = t.json(&["report", "summary", "--fy", "2022", "--bureau", "こども部", "--json"]);
    assert_eq!(by_old_name, by_new_name, "a former name means the same 部局");
    assert!(total_of(&by_new_name).1 > Decimal::ZERO, "こども部 had figures as 子ども部 in 令和4年度");
}

/// Costs are registered per tool for the whole organisation: a report limited to one 部局 never charges it with
/// them, and a tool's cost per AI-OCR sheet is the same in a 部局's report as in the whole organisation's.
#[test]
fn a_bureau_report_is_not_charged_with_the_whole_organisations_costs() {
    let t = demo();
    let cost = t.json(&["report", "cost", "--fy", "2024", "--bureau", "こども部", "--json"]);
    let total = cost["rows"].as_array().unwrap().iter().find(|r| r["kind"] == "total").unwrap().clone();
    assert_eq!(d(&total["cells"][3]), Decimal::ZERO, "no cost is charged to one 部局: {total}");
    assert!(cost["notes"].to_string().contains("部局で絞り込んだ帳票では費用を示しません"), "and it says so");
    let per_sheet = |report: &Json| -> Vec<(String, Decimal)> {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "line" && !r["cells"][8].is_null())
            .map(|r| (r["cells"][1].as_str().unwrap().to_string(), d(&r["cells"][8])))
            .collect()
    };
    let whole = per_sheet(&t.json(&["report", "ocr", "--fy", "2024", "--json"]));
    let scoped = per_sheet(&t.json(&["report", "ocr", "--fy", "2024", "--bureau", "こども部", "--json"]));
    assert!(!scoped.is_empty(), "こども部 reads forms with AI-OCR in 令和6年度");
    for (tool, rate) in &scoped {
        assert!(whole.iter().any(|(t, r)| t == tool && r == rate), "{tool}: {rate}円/枚 is the organisation's rate");
    }
}

/// The demo's 令和5年度 `report all` workbook, and a reader of its parts by name (`None` for a part it lacks).
fn demo_workbook_parts() -> (TestDir, impl FnMut(&str) -> Option<String>) {
    use std::io::Read as _;
    let t = demo();
    let out = t.path().join("集計.xlsx");
    t.ok(&["report", "all", "--fy", "2023", "-o", out.to_str().unwrap()]);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let part = move |name: &str| {
        let mut text = String::new();
        zip.by_name(name).ok()?.read_to_string(&mut text).unwrap();
        Some(text)
    };
    (t, part)
}

/// Rates and chart axes are written as the tables are: every rate with thousands separators (an achievement of
/// 45,961.1%, not 45961.1%), every chart's value axis too (4,000, not 4000). Read from the workbook's own XML.
#[test]
fn rates_and_chart_axes_have_thousands_separators() {
    let (_t, mut part) = demo_workbook_parts();
    let styles = part("xl/styles.xml").unwrap();
    assert!(styles.contains("formatCode=\"#,##0.0&quot;%&quot;;"), "rates are grouped: {styles}");
    // Every number format of a figure marks a negative one (a saving that became a cost) with a red ▲.
    let figures: Vec<String> = styles
        .split("formatCode=\"")
        .skip(1)
        .map(|s| s.split_once('"').unwrap().0.replace("&quot;", "\""))
        .filter(|code| code.starts_with("#,##0"))
        .collect();
    assert!(figures.len() >= 4, "the tables' figure formats were all checked: {figures:?}");
    for code in figures {
        let (positive, negative) = code.split_once(';').unwrap_or_else(|| panic!("{code}: a negative section"));
        assert_eq!(negative, format!("[Red]\"▲\"{positive}"), "{code}: a negative figure is a red ▲");
    }
    assert!(
        !styles.contains("formatCode=\"0.0&quot;%") && !styles.contains("formatCode=\"0.00&quot;%"),
        "no rate is ungrouped"
    );
    let charts: Vec<(String, String)> =
        (1..).map(|n| format!("xl/charts/chart{n}.xml")).map_while(|name| Some((part(&name)?, name))).collect();
    assert!(!charts.is_empty(), "the workbook has charts");
    for (text, name) in charts {
        let value_axis = text.split("<c:valAx>").nth(1).unwrap_or_else(|| panic!("{name} has a value axis"));
        assert!(value_axis.contains("formatCode=\"#,##0\""), "{name}: the value axis is grouped");
    }
}

/// Every chart of the exported workbook is a chart sheet of its own, right after the table it draws (`年度推移` →
/// `年度推移グラフ`): printed, it fills its own page, whole (a trend chart below its table printed cut at the table's
/// last column, the latest year lost) and with no lone table header above it (the header the table repeats on every
/// page). No table sheet carries a drawing. Read from the workbook's XML.
#[test]
fn every_chart_is_a_page_of_its_own_after_its_table() {
    let (_t, mut part) = demo_workbook_parts();
    let workbook = part("xl/workbook.xml").unwrap();
    let attribute = |element: &str, name: &str| -> Option<String> {
        Some(element.split(&format!(" {name}=\"")).nth(1)?.split_once('"')?.0.to_string())
    };
    // Each sheet's name and the part it is written in, in the workbook's order.
    let rels = part("xl/_rels/workbook.xml.rels").unwrap();
    let part_of = |id: &str| -> String {
        let element = rels.split("<Relationship").find(|e| attribute(e, "Id").as_deref() == Some(id)).unwrap();
        attribute(element, "Target").unwrap()
    };
    let sheets: Vec<(String, String)> = workbook
        .split("<sheet")
        .filter(|e| e.starts_with(' '))
        .map(|e| (attribute(e, "name").unwrap(), part_of(&attribute(e, "r:id").unwrap())))
        .collect();
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    let mut charts = 0;
    for (i, (name, path)) in sheets.iter().enumerate() {
        if path.starts_with("chartsheets/") {
            charts += 1;
            assert!(
                i > 0 && *name == format!("{}グラフ", sheets[i - 1].0),
                "{name}: right after the table it draws: {names:?}"
            );
            assert!(
                sheets[i - 1].1.starts_with("worksheets/"),
                "{name} follows a table sheet, not {}",
                sheets[i - 1].1
            );
        } else {
            let sheet_rels = part(&format!("xl/{}.rels", path.replace("worksheets/", "worksheets/_rels/")));
            assert!(
                !sheet_rels.is_some_and(|r| r.contains("drawings/")),
                "{name}: a table sheet holds no chart to be cut at its page's edge"
            );
        }
    }
    assert_eq!(charts, 2, "部局別 and 年度推移 each have their chart sheet: {names:?}");
}

/// A summary reads one moment of the ledger. The server hands the year's figures over in pages of 10,000 (a million
/// never sit in memory); a colleague's commit between two pages — here one transaction moving an hour from an
/// initiative read in the first page to one read in the last — must not be half seen: the figures as they were, not
/// a total that was never true. (SQLite's one statement reads one moment by itself.)
#[test]
fn the_figures_of_a_summary_are_of_one_moment_while_a_colleague_commits() {
    use daicho::fiscal::FiscalYear;
    use daicho::ledger::{InitiativeFields, Kind, Status};
    let t = TestDir::seeded();
    let mut store = t.store();
    let fy = FiscalYear(2025); // the seed has no figures in 令和7年度
    let unit = store.org_chart().unwrap().resolve("総務部／総務課", Some(fy)).unwrap();
    let author = crate::support::author();
    let figure = |formula: &str| crate::support::actual_figure(fy, formula);
    // Past one page: the first and the last initiative are read in different pages.
    const N: usize = 10_050;
    let fields: Vec<InitiativeFields> = (0..N)
        .map(|n| InitiativeFields {
            ledger_id: None,
            numbered_in: Some(fy),
            kind: Kind::Rpa,
            title: format!("頁をまたぐ取組{n}"),
            unit_id: unit,
            tool: None,
            vendor: None,
            status: Status::Operating,
            started_on: None,
            scenario_count: None,
            owner: None,
            notes: None,
        })
        .collect();
    let one_hour = figure("60分");
    let ids: Vec<i64> = store
        .write(&author, |tx| {
            let added = tx.add_initiatives(&fields)?;
            let figures: Vec<(i64, &daicho::ledger::Evaluated)> = added.iter().map(|i| (i.id, &one_hour)).collect();
            tx.set_effects(&figures)?;
            Ok(added.iter().map(|i| i.id).collect())
        })
        .unwrap();
    let (first, last) = (*ids.iter().min().unwrap(), *ids.iter().max().unwrap());

    let mut colleague = t.store();
    let (nothing, two_hours) = (figure("0分"), figure("120分"));
    let mut committed = false;
    let mut seen = std::collections::HashMap::new();
    let parts = daicho::db::FigureParts { names: false, tool: false };
    store
        .with_figures(fy, parts, &mut |figures| {
            for f in figures {
                seen.insert(f.initiative_id, f.computed_minutes.unwrap());
                if !committed && seen.len() == 1_000 {
                    // Well inside the first page: the first initiative has been read, the last has not.
                    colleague
                        .write(&crate::support::colleague(), |tx| {
                            tx.set_effect(first, &nothing)?;
                            tx.set_effect(last, &two_hours).map(|_| ())
                        })
                        .unwrap();
                    committed = true;
                }
            }
        })
        .unwrap();
    assert!(committed, "the colleague committed while the figures were read");
    assert_eq!(seen.len(), N, "every figure of the year was read once");
    assert_eq!(
        (seen[&first], seen[&last]),
        (Decimal::from(60), Decimal::from(60)),
        "both initiatives as they were when the reading began: the colleague's move of an hour is not half seen"
    );
    let total: Decimal = seen.values().sum();
    assert_eq!(total, Decimal::from(60 * N as i64), "the year's total is one that was true at one moment");
    // Read again, the colleague's commit is there whole.
    let mut after = std::collections::HashMap::new();
    store
        .with_figures(fy, parts, &mut |figures| after.extend(figures.map(|f| (f.initiative_id, f.computed_minutes))))
        .unwrap();
    assert_eq!((after[&first], after[&last]), (Some(Decimal::ZERO), Some(Decimal::from(120))));
}

/// A caller that panics while it reads a year's figures (a bug, caught further up) leaves the store as usable as
/// before: on a server, the read-only snapshot the figures are read in ends with it (rather than staying open on the
/// server), so the next write of the same store lands instead of being refused inside it.
#[test]
fn a_panic_while_the_figures_are_read_leaves_the_ledger_writable() {
    let t = TestDir::seeded();
    let mut store = t.store();
    let parts = daicho::db::FigureParts { names: false, tool: false };
    let mut read = 0;
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.with_figures(daicho::fiscal::FiscalYear(2024), parts, &mut |figures| {
            read += figures.count();
            panic!("a caller's bug while reading the figures");
        })
    }));
    assert!(panicked.is_err() && read > 0, "the caller was given figures and panicked ({read} read)");
    store
        .write(&crate::support::author(), |tx| tx.set_setting("hours_per_person_year", "1500").map(|_| ()))
        .expect("the same store writes after the panic");
    assert_eq!(store.settings().unwrap().hours_per_person_year, Decimal::from(1500), "and the write is there to read");
}
