//! 「この一覧を書き出す」: the ledger list as the screen shows it (filtered, sorted, the columns chosen) written as an
//! A4 workbook through the library, read back with calamine and from its XML. On both backends.

use calamine::{Data, Reader, open_workbook_auto};
use daicho::db::Read;
use daicho::export::{ListColumn, ListCondition, ListExport, ledger_list_file};
use daicho::fiscal::FiscalYear;
use daicho::views::{LedgerRow, ledger_rows};
use rust_decimal::Decimal;
use std::io::Read as _;
use std::str::FromStr;

use crate::support::{TestDir, author};

/// One export of the demo's 令和5年度 list: which rows (a filter over the ledger rows and an order), the columns, and
/// the conditions the screen names.
struct Case {
    name: &'static str,
    keep: fn(&LedgerRow) -> bool,
    order: fn(&LedgerRow, &LedgerRow) -> std::cmp::Ordering,
    columns: &'static [ListColumn],
    conditions: &'static [(&'static str, &'static str)],
    sorted_by: Option<(ListColumn, bool)>,
    subtitle: &'static str,
}

const CASES: &[Case] = {
    use ListColumn::*;
    &[
        Case {
            name: "every row and column, by 管理番号",
            keep: |_| true,
            order: |a, b| a.ledger_id.cmp(&b.ledger_id),
            columns: &[LedgerId, Kind, Title, Bureau, Section, Tool, Status, Hours],
            conditions: &[],
            sorted_by: Some((LedgerId, true)),
            subtitle: "みどり市（架空） ／ 絞り込みなし ／ 並び順: 管理番号の昇順 ／ 150 件",
        },
        Case {
            name: "one 部局's RPA, hours first, four columns",
            keep: |r| r.bureau == "こども部" && r.kind == "RPA",
            order: |a, b| b.hours.cmp(&a.hours).then(a.ledger_id.cmp(&b.ledger_id)),
            columns: &[Hours, LedgerId, Title, Status],
            conditions: &[("部局", "こども部"), ("区分", "RPA")],
            sorted_by: Some((Hours, false)),
            subtitle: "絞り込み: 部局 こども部・区分 RPA ／ 並び順: 削減時間(h)の降順",
        },
        Case {
            name: "a search with 業務名 hidden: the count beside 合計",
            keep: |r| r.title.contains("保育"),
            order: |a, b| a.section_order.cmp(&b.section_order).then(a.ledger_id.cmp(&b.ledger_id)),
            columns: &[LedgerId, Section, Tool],
            conditions: &[("検索", "保育")],
            sorted_by: Some((Section, true)),
            subtitle: "絞り込み: 検索「保育」 ／ 並び順: 課の昇順",
        },
    ]
};

fn number(v: &Data) -> Option<Decimal> {
    match v {
        Data::Float(f) => Decimal::from_str(&daicho::import::number_text(*f)).ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn write(t: &TestDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = t.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A part of the workbook's zip, as text.
fn part(path: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} in the workbook")).read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_list_as_shown_is_written_row_for_row_and_prints_on_a4() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let store = t.store();
    let fy = FiscalYear(2023);
    let all = ledger_rows(&store, fy).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    for c in CASES {
        let mut rows: Vec<&LedgerRow> = all.iter().filter(|r| (c.keep)(r)).collect();
        rows.sort_by(|a, b| (c.order)(a, b));
        assert!(rows.len() > 1, "{}: the case lists rows", c.name);
        let list = ListExport {
            ledger_ids: rows.iter().map(|r| r.ledger_id.clone()).collect(),
            columns: c.columns.to_vec(),
            conditions: c
                .conditions
                .iter()
                .map(|(l, v)| ListCondition { label: l.to_string(), value: v.to_string() })
                .collect(),
            sorted_by: c.sorted_by.map(|(col, _)| col),
            ascending: c.sorted_by.is_some_and(|(_, up)| up),
        };
        let (bytes, count) = ledger_list_file(&store, fy, &list, today).unwrap();
        assert_eq!(count, rows.len(), "{}", c.name);
        let path = write(&t, "一覧.xlsx", &bytes);
        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(wb.sheet_names(), ["取組一覧"], "{}", c.name);
        let range = wb.worksheet_range("取組一覧").unwrap();
        let cell = |r: usize, col: usize| range.get_value((r as u32, col as u32)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell(0, 0).to_string(), "令和5年度（2023） 取組一覧", "{}", c.name);
        let subtitle = cell(1, 0).to_string();
        assert!(
            subtitle.contains(c.subtitle) && subtitle.ends_with(&format!("／ {} 件", rows.len())),
            "{}: {subtitle}",
            c.name
        );
        // The header row, then one row per initiative in the order given, each cell as the list shows it.
        let header: Vec<String> = (0..c.columns.len()).map(|n| cell(3, n).to_string()).collect();
        let titles: Vec<&str> = c.columns.iter().map(|col| col.title()).collect();
        assert_eq!(header, titles, "{}: the header row", c.name);
        let mut sum = Decimal::ZERO;
        for (i, r) in rows.iter().enumerate() {
            for (n, col) in c.columns.iter().enumerate() {
                let got = cell(4 + i, n);
                let want = match col {
                    ListColumn::LedgerId => &r.ledger_id,
                    ListColumn::Kind => &r.kind,
                    ListColumn::Title => &r.title,
                    ListColumn::Bureau => &r.bureau,
                    ListColumn::Section => &r.section,
                    ListColumn::Tool => &r.tool,
                    ListColumn::Status => &r.status,
                    ListColumn::Hours => {
                        assert_eq!(number(&got), r.hours, "{}: {} hours, as a number", c.name, r.ledger_id);
                        sum += r.hours.unwrap_or_default();
                        continue;
                    }
                };
                let text = if want.is_empty() { Data::Empty } else { Data::String(want.clone()) };
                assert_eq!(got, text, "{}: {} {} is written as text", c.name, r.ledger_id, col.title());
            }
        }
        // The total row: 合計, the count, and the hours as a live SUM whose cached value is their exact sum.
        let total = 4 + rows.len();
        let words: Vec<String> = (0..c.columns.len()).map(|n| cell(total, n).to_string()).collect();
        let line = words.join(" ");
        assert!(line.contains("合計") && line.contains(&format!("{} 件（シナリオ", rows.len())), "{}: {line}", c.name);
        if let Some(h) = c.columns.iter().position(|col| *col == ListColumn::Hours) {
            assert_eq!(number(&cell(total, h)), Some(sum), "{}: the total is the sum of the rows", c.name);
            let formulas = wb.worksheet_formula("取組一覧").unwrap();
            let f = formulas.get_value((total as u32, h as u32)).cloned().unwrap_or_default();
            assert!(f.starts_with("SUM("), "{}: a live SUM, got {f:?}", c.name);
        }
        // Printed: A4 landscape, one page wide, the header row on every page, page numbers in the footer.
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""),
            "{}: A4 landscape",
            c.name
        );
        assert!(sheet.contains("fitToPage=\"1\"") && sheet.contains("fitToHeight=\"0\""), "{}: one page wide", c.name);
        assert!(sheet.contains("&amp;P / &amp;N ページ"), "{}: page numbers in the footer", c.name);
        let workbook = part(&path, "xl/workbook.xml");
        assert!(
            workbook.contains("_xlnm.Print_Titles") && workbook.contains("取組一覧!$4:$4"),
            "{}: header repeated",
            c.name
        );
    }
}

/// A 業務名 that Excel would run as a formula is written as text, a 管理番号 deleted since the list was read refuses
/// the file, and a list without columns is refused.
#[test]
fn the_list_writes_text_as_text_and_refuses_what_the_screen_did_not_show() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let mut store = t.store();
    let fy = FiscalYear(2024);
    let new = daicho::actions::NewInitiative {
        unit: "総務部/総務課".into(),
        kind: Some(daicho::ledger::Kind::Rpa),
        title: "=HYPERLINK(\"http://example.com\",\"開く\")".into(),
        tool: Some("@SUM(A1)".into()),
        vendor: None,
        status: None,
        started_on: None,
        fiscal_year: Some(fy),
        scenario_count: None,
        owner: None,
        notes: None,
        ledger_id: None,
    };
    let i = daicho::actions::add_initiative(&mut store, &author(), new).unwrap();
    let list = |ids: Vec<String>, columns: Vec<ListColumn>| ListExport {
        ledger_ids: ids,
        columns,
        conditions: vec![],
        sorted_by: None,
        ascending: true,
    };
    let columns = vec![ListColumn::LedgerId, ListColumn::Title, ListColumn::Tool];
    let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let (bytes, _) = ledger_list_file(&store, fy, &list(vec![i.ledger_id.clone()], columns.clone()), today).unwrap();
    let path = write(&t, "一覧.xlsx", &bytes);
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("取組一覧").unwrap();
    assert_eq!(range.get_value((4, 1)), Some(&Data::String(i.title.clone())), "the 業務名 is a string");
    assert_eq!(range.get_value((4, 2)), Some(&Data::String("@SUM(A1)".into())), "the ツール too");
    let formulas = wb.worksheet_formula("取組一覧").unwrap();
    for col in 0..3 {
        assert!(formulas.get_value((4, col)).is_none_or(|f| f.is_empty()), "column {col} holds no formula");
    }

    daicho::actions::delete_initiative(&mut store, &author(), &i.ledger_id, None).unwrap();
    let gone = ledger_list_file(&store, fy, &list(vec![i.ledger_id.clone()], columns), today).unwrap_err();
    assert_eq!(gone.code(), "not_found", "{gone}");
    assert!(gone.to_string().contains(&i.ledger_id), "the refusal names it: {gone}");
    let some = store.initiatives(&Default::default()).unwrap()[0].ledger_id.clone();
    let none = ledger_list_file(&store, fy, &list(vec![some], vec![]), today).unwrap_err();
    assert_eq!(none.code(), "validation", "{none}");
}
