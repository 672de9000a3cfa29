//! The read models the desktop app shows agree with the CLI's summary, and the formula box says what the engine says.

use daicho::db::Read;
use daicho::fiscal::FiscalYear;
use daicho::views;
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::support::TestDir;

#[test]
fn the_dashboard_and_the_ledger_agree_with_the_summary() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let summary = t.json(&["summary", "--fy", "2023", "--json"]);
    let total = Decimal::from_str(&summary["total"]["hours"].to_string()).unwrap();
    let store = t.store();
    let d = views::dashboard(&store, FiscalYear(2023)).unwrap();
    assert_eq!(d.total_hours, total, "dashboard total = daicho summary");
    assert_eq!(d.initiatives as u64, summary["total"]["initiatives"].as_u64().unwrap());
    let bars: Decimal = d.by_bureau.iter().map(|b| b.hours).sum();
    assert_eq!(bars, total, "the 部局 bars add up to the total (per-line rounding)");
    assert_eq!(d.trend.last().map(|p| p.actual), Some(total));
    assert_eq!(d.years, [2020, 2021, 2022, 2023, 2024]);
    assert!(d.top.windows(2).all(|w| w[0].hours >= w[1].hours) && d.top.len() == 10, "top ten, largest first");
    let rows = views::ledger_rows(&store, FiscalYear(2023)).unwrap();
    assert_eq!(rows.len(), 150, "every initiative is a row, with or without a figure that year");
    let hours: Decimal = rows.iter().filter_map(|r| r.hours).sum();
    assert_eq!(hours, total, "the ledger's column total is the year's total");
}

#[test]
fn the_formula_box_shows_the_result_or_the_refusal_at_its_character() {
    let ok = views::check_formula("5分×40か所×245日", Some(Decimal::from(817)), &Default::default());
    assert!(ok.ok);
    assert_eq!(ok.canonical.as_deref(), Some("5分×40か所×245日＝49,000分（816.7時間）"));
    assert_eq!(ok.hours, Some(Decimal::from_str("816.67").unwrap()));
    assert_eq!(ok.stated.as_deref(), Some("申告値と一致（記載の桁数の範囲内）"));
    let off = views::check_formula("5分×40か所×245日", Some(Decimal::from(700)), &Default::default());
    // 49,000分 is 816.67時間: 116.67時間 more than the 700 stated, said in hours as the figure is stated.
    assert_eq!(off.stated.as_deref(), Some("申告値との差 116.67時間（式 816.67時間、申告 700時間）"));
    let bad = views::check_formula("5分××3件", None, &Default::default());
    assert!(!bad.ok);
    assert_eq!((bad.position, bad.error.as_deref()), (Some(3), Some("4文字目: 演算子が続いています")));
}

/// A 部局's bar selects the 部局 itself, not its name that year: 子ども部 (renamed こども部 in 令和5年度) in 令和4年度
/// opens the ledger of こども部, whose rows carry today's name.
#[test]
fn a_bureau_bar_of_an_earlier_year_selects_the_unit_under_its_name_today() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let store = t.store();
    let d = views::dashboard(&store, FiscalYear(2022)).unwrap();
    let bar =
        d.by_bureau.iter().find(|b| b.label == "子ども部").expect("the 令和4年度 bar is named as it was that year");
    assert_eq!(bar.ledger_bureau.as_deref(), Some("こども部"));
    let rows = views::ledger_rows(&store, FiscalYear(2022)).unwrap();
    let selected: Vec<_> = rows.iter().filter(|r| Some(r.bureau.as_str()) == bar.ledger_bureau.as_deref()).collect();
    assert!(
        selected.iter().any(|r| r.hours.is_some()),
        "the ledger filtered by the bar shows the 部局's initiatives with their 令和4年度 figures"
    );
    for b in &d.by_bureau {
        let name = b.ledger_bureau.as_deref().unwrap_or_default();
        assert!(rows.iter().any(|r| r.bureau == name), "every bar selects rows of the ledger: {} → {name}", b.label);
    }
}

/// The ledger sorts 部局 and 課 as the organisation list does, by code, not by the characters of their names: the
/// sample city's 部局 have codes 01 (総務部) to 15 (議会事務局), and its 課 codes follow their 部局's.
#[test]
fn ledger_rows_carry_the_organisation_order_of_their_bureau_and_section() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let store = t.store();
    let mut rows = views::ledger_rows(&store, FiscalYear(2024)).unwrap();
    rows.sort_by_key(|r| (r.bureau_order, r.ledger_id.clone()));
    let mut bureaus: Vec<&str> = rows.iter().map(|r| r.bureau.as_str()).collect();
    bureaus.dedup();
    let by_code = [
        "総務部",
        "企画政策部",
        "財務部",
        "市民部",
        "福祉部",
        "こども部",
        "健康部",
        "環境部",
        "経済部",
        "都市整備部",
        "建設部",
        "上下水道局",
        "教育委員会事務局",
        "消防局",
        "議会事務局",
    ];
    assert_eq!(bureaus, by_code, "each 部局 once, in the order of its code");
    let mut by_name = by_code;
    by_name.sort();
    assert_ne!(by_name, by_code, "the code order is not the order of the names, so the test can tell them apart");

    // Sorted by 課, the rows stay grouped by 部局, and within one the 課 follow their codes.
    let chart = store.org_chart().unwrap();
    rows.sort_by_key(|r| (r.section_order, r.ledger_id.clone()));
    let code_of = |r: &views::LedgerRow| {
        let path = format!("{}/{}", r.bureau, r.section);
        chart.get(chart.resolve(&path, Some(FiscalYear(2024))).unwrap()).unwrap().code.clone().unwrap()
    };
    let codes: Vec<String> = rows.iter().map(code_of).collect();
    assert!(codes.windows(2).all(|w| w[0] <= w[1]), "課 codes never go down: {codes:?}");
    assert!(
        rows.windows(2).all(|w| (w[0].bureau_order, w[0].section_order) <= (w[1].bureau_order, w[1].section_order)),
        "a 課's order keeps its 部局's"
    );
}
