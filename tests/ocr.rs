//! AI-OCR measured as AI-OCR teams measure it: a team's own results table (tests/fixtures/ocr, written by openpyxl
//! and re-saved by LibreOffice, with the expected report computed outside Daicho in ocr.truth.json) is imported,
//! reported exactly, exported in the template's layout and imported back unchanged.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::support::{TestDir, fixture};

fn dec(v: &Json) -> Option<Decimal> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(Decimal::from_str(s).unwrap()),
        n => Some(Decimal::from_str(&n.to_string()).unwrap()),
    }
}

fn ledger_with_the_teams_table() -> (TestDir, Json) {
    let t = TestDir::seeded();
    let truth: Json = serde_json::from_str(&std::fs::read_to_string(fixture("ocr/ocr.truth.json")).unwrap()).unwrap();
    for (tool, cost) in truth["costs"].as_object().unwrap() {
        let (licence, maintenance) = (cost[0].to_string(), cost[1].to_string());
        t.ok(&["cost", "set", "--tool", tool, "--fy", "2024", "--licence", &licence, "--maintenance", &maintenance]);
    }
    t.ok(&["import", fixture("ocr/AI-OCR実績_R6.xlsx").to_str().unwrap()]);
    (t, truth)
}

/// Golden: the AI-OCR report of the year is the table computed outside Daicho, row by row and in total.
#[test]
fn the_ai_ocr_report_is_the_teams_own_arithmetic() {
    let (t, truth) = ledger_with_the_teams_table();
    let report = t.json(&["report", "ocr", "--fy", "2024", "--json"]);
    let rows = report["rows"].as_array().unwrap();
    let lines: Vec<&Json> = rows.iter().filter(|r| r["kind"] == "line").collect();
    let expected = truth["rows"].as_array().unwrap();
    assert_eq!(lines.len(), expected.len(), "one line per form and tool");
    for (line, want) in lines.iter().zip(expected) {
        let c = line["cells"].as_array().unwrap();
        let what = format!("{} / {}", want["form"], want["tool"]);
        assert_eq!(c[0], want["form"], "{what}: sorted by form, then tool");
        assert_eq!(c[1], want["tool"], "{what}");
        assert_eq!(dec(&c[3]), dec(&want["sheets"]), "{what}: 読取枚数");
        assert_eq!(dec(&c[4]), dec(&want["read"]), "{what}: 読取文字数");
        assert_eq!(dec(&c[5]), dec(&want["corrected"]), "{what}: 修正文字数");
        assert_eq!(dec(&c[6]), dec(&want["accuracy"]), "{what}: 正読率 = (read − corrected) ÷ read");
        assert_eq!(dec(&c[7]), dec(&want["minutes"]), "{what}: 修正時間(分)");
        assert_eq!(dec(&c[8]), dec(&want["per_sheet"]), "{what}: the tool's cost over all the sheets it read");
    }
    let total = rows.iter().find(|r| r["kind"] == "total").unwrap()["cells"].as_array().unwrap().clone();
    let want = &truth["total"];
    assert_eq!(dec(&total[3]), dec(&want["sheets"]), "total 読取枚数");
    assert_eq!(dec(&total[4]), dec(&want["read"]), "total 読取文字数 (measures with both counts)");
    assert_eq!(dec(&total[5]), dec(&want["corrected"]), "total 修正文字数");
    assert_eq!(dec(&total[6]), dec(&want["accuracy"]), "the year's 正読率 from the sums, not an average of rates");
    assert_eq!(dec(&total[8]), dec(&want["per_sheet"]), "the year's cost per sheet");
}

/// The measures round-trip: exported in the template's layout they read back as exactly what was imported, and
/// the export imported again changes nothing.
#[test]
fn ai_ocr_figures_round_trip_through_the_template() {
    let (t, truth) = ledger_with_the_teams_table();
    let before = t.json(&["ocr", "list", "--fy", "2024", "--json"]);
    assert_eq!(before["items"].as_array().unwrap().len(), truth["rows"].as_array().unwrap().len());
    let out = t.path().join("台帳_R6.xlsx");
    t.ok(&["export", "ledger", "--fy", "2024", "-o", out.to_str().unwrap()]);
    let sheets = daicho::import::read_workbook(&std::fs::read(&out).unwrap()).unwrap();
    let answer = sheets.iter().find(|s| s.name == "回答").unwrap();
    let header: Vec<String> = answer.rows[0].iter().map(|c| c.display()).collect();
    let col = |title: &str| header.iter().position(|h| h == title).unwrap();
    let row = answer.rows.iter().find(|r| r[col("帳票の種類")].display() == "給与支払報告書").unwrap();
    assert_eq!(row[col("読取枚数")].display(), "18450");
    assert_eq!(row[col("読取文字数")].display(), "5535000");
    assert_eq!(row[col("修正文字数")].display(), "38745");
    assert_eq!(row[col("修正時間(分)")].display(), "3874.5");
    let again = t.json(&["import", "--dry-run", "--json", out.to_str().unwrap()]);
    let changed: Vec<&Json> =
        again[0]["rows"].as_array().unwrap().iter().filter(|r| r["outcome"] != "unchanged").collect();
    assert!(changed.is_empty(), "the export reads back as the ledger: {changed:?}");
    t.ok(&["import", out.to_str().unwrap()]);
    assert_eq!(t.json(&["ocr", "list", "--fy", "2024", "--json"]), before, "nothing moved");
}

/// Bad AI-OCR cells are refused with where and why; a measure on an RPA initiative is refused.
#[test]
fn ai_ocr_cells_are_checked() {
    let t = TestDir::seeded();
    let cases: [(&[&str], &str); 3] = [
        (&["ocr", "set", "R5-0001", "--fy", "2024", "--sheets", "100"], "区分が「RPA」のため"),
        (
            &["ocr", "set", "R5-0002", "--fy", "2024", "--read", "100", "--corrected", "120"],
            "修正文字数（120）が読取文字数（100）より多く",
        ),
        (&["ocr", "set", "R5-0002", "--fy", "2024"], "記録する項目"),
    ];
    for (args, why) in cases {
        let err = t.fails(args, 2);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    let out = t.ok(&[
        "ocr",
        "set",
        "R5-0002",
        "--fy",
        "2024",
        "--form",
        "保育所入所申込書",
        "--read",
        "1000",
        "--corrected",
        "15",
    ]);
    assert!(out.contains("正読率 98.50%"), "(1000 − 15) ÷ 1000: {out}");
    // A field given later keeps the others.
    t.ok(&["ocr", "set", "R5-0002", "--fy", "2024", "--sheets", "40"]);
    let list = t.json(&["ocr", "list", "--fy", "2024", "--json"]);
    let m = &list["items"][0]["measure"];
    assert_eq!(
        (m["sheets"].as_i64(), m["chars_read"].as_i64(), m["form_type"].as_str()),
        (Some(40), Some(1000), Some("保育所入所申込書"))
    );
    let log = t.ok(&["log"]);
    assert_eq!(log.matches("ocr_measure").count(), 2, "both changes are audited: {log}");
}

/// A ledger of the schema before AI-OCR measures opens migrated, with none recorded and every other figure kept.
#[test]
fn an_existing_ledger_migrates_with_no_measures() {
    use daicho::db::Read;
    let t = TestDir::new();
    let path = t.path().join("v8.sqlite3");
    daicho::db::create_at_schema_version(&path, 8).unwrap();
    let store = daicho::db::Store::open(&path).unwrap();
    assert!(store.schema_version().unwrap() >= 9, "migrated to the AI-OCR schema");
    assert!(store.ocr_measures(None).unwrap().is_empty(), "no measure is invented");
}

/// A return (written here cell by cell) with the given header and rows.
fn workbook(path: &std::path::Path, header: &[&str], rows: &[Vec<&str>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("回答").unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32 + 1, c as u16, n).unwrap(),
                Err(_) if v.is_empty() => ws,
                Err(_) => ws.write_string(r as u32 + 1, c as u16, *v).unwrap(),
            };
        }
    }
    wb.save(path).unwrap();
}

/// An AI-OCR measure is one per initiative and year: two rows giving it are refused, never the second silently
/// written over the first; figures that, with what the ledger keeps, correct more than was read are refused before
/// anything is written; another form replaces the old form's figures instead of mixing with them.
#[test]
fn ai_ocr_rows_that_would_overwrite_or_contradict_are_refused() {
    let t = TestDir::seeded();
    t.ok(&[
        "ocr",
        "set",
        "R5-0002",
        "--fy",
        "2024",
        "--form",
        "保育所入所申込書",
        "--sheets",
        "1000",
        "--read",
        "200000",
        "--corrected",
        "2000",
    ]);
    let header = ["管理番号", "年度", "算定区分", "帳票の種類", "読取枚数", "読取文字数", "修正文字数"];
    let cases: [(&str, Vec<Vec<&str>>, &str); 2] = [
        (
            "two rows on one initiative and year",
            vec![
                vec!["R5-0002", "2024", "試算", "申請書A", "1000", "", ""],
                vec!["R5-0002", "2024", "実績", "申請書B", "500", "", ""],
            ],
            "2行目にもあります",
        ),
        (
            "corrected more than the ledger's read",
            vec![vec!["R5-0002", "2024", "実績", "", "", "", "250000"]],
            "修正文字数（250000）が読取文字数（200000）より多く",
        ),
    ];
    let before = t.json(&["ocr", "list", "--fy", "2024", "--json"]);
    for (what, rows, why) in cases {
        let path = t.path().join(format!("{what}.xlsx"));
        workbook(&path, &header, &rows);
        let out = t.run(&["import", path.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(out.status.code(), Some(2), "{what}: refused: {text}");
        assert!(text.contains(why), "{what}: says why: {text}");
        assert_eq!(t.json(&["ocr", "list", "--fy", "2024", "--json"]), before, "{what}: nothing written");
    }
    // Another form: the old form's counts do not carry over to it.
    let path = t.path().join("another form.xlsx");
    workbook(&path, &header, &[vec!["R5-0002", "2024", "実績", "児童手当認定請求書", "300", "", ""]]);
    t.ok(&["import", path.to_str().unwrap()]);
    let after = t.json(&["ocr", "list", "--fy", "2024", "--json"]);
    let m = &after["items"][0]["measure"];
    assert_eq!(m["form_type"], "児童手当認定請求書");
    assert_eq!((m["sheets"].as_i64(), m["chars_read"].as_i64()), (Some(300), None), "only the new form's figures");
}
