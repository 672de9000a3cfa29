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

/// Every date a screen shows comes from the library in the style the person chose: the detail's 運用開始日, its
/// status history and change log (the before and after of a date too, and when it was written, as its writer's clock
/// read it), the survey's deadline and the import history. Around the change of era: 平成31年4月30日 → 令和元年5月1日.
#[test]
fn the_screens_show_every_date_in_the_style_chosen() {
    use daicho::fiscal::DateStyle;
    let t = TestDir::new();
    t.ok(&["demo"]);
    let mut store = t.store();
    let id = store.initiatives(&Default::default()).unwrap()[0].ledger_id.clone();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let at = |s: &str| daicho::ledger::Author {
        user: "tester".into(),
        at: chrono::DateTime::parse_from_rfc3339(s).unwrap(),
    };
    let before = daicho::actions::InitiativeChanges { started_on: Some(Some(day(2019, 4, 30))), ..Default::default() };
    daicho::actions::edit_initiative(&mut store, &at("2019-04-30T23:59:00+09:00"), &id, before).unwrap();
    let changes = daicho::actions::InitiativeChanges {
        started_on: Some(Some(day(2019, 5, 1))),
        status: Some(daicho::ledger::Status::Suspended),
        status_on: Some(day(2019, 5, 1)),
        ..Default::default()
    };
    daicho::actions::edit_initiative(&mut store, &at("2019-05-01T00:30:00+09:00"), &id, changes).unwrap();

    let cases = [
        (DateStyle::Wareki, "令和元年5月1日", "平成31年4月30日", "令和元年5月1日 00:30"),
        (DateStyle::Short, "R1.5.1", "H31.4.30", "R1.5.1 00:30"),
        (DateStyle::Iso, "2019-05-01", "2019-04-30", "2019-05-01 00:30"),
    ];
    for (style, started, earlier, moment) in cases {
        let d = views::initiative_detail(&store, &id, style).unwrap();
        assert_eq!(d.started_on_label.as_deref(), Some(started), "{style:?}: 運用開始日");
        assert_eq!(d.initiative.started_on, Some(day(2019, 5, 1)), "the record keeps its date");
        let stopped = d.status_history.iter().find(|h| h.change.status == daicho::ledger::Status::Suspended).unwrap();
        assert_eq!(stopped.changed_on_label, started, "{style:?}: the status history");
        let last = &d.changes[0];
        assert_eq!(last.at, moment, "{style:?}: the change log's moment, the writer's clock");
        let field = last.fields.iter().find(|f| f.field == "運用開始日").unwrap();
        assert_eq!((field.before.as_str(), field.after.as_str()), (earlier, started), "{style:?}: before → after");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json["status_history"][0]["changed_on"].as_str().map(|s| s.len()),
            Some(10),
            "dates stay ISO: {json}"
        );
    }

    // The survey's deadline and the import history.
    let dir = t.path().join("調査");
    t.ok(&[
        "survey",
        "start",
        "--fy",
        "2024",
        "--deadline",
        "R6.5.31",
        "-o",
        dir.to_str().unwrap(),
        "--bureau",
        "こども部",
    ]);
    let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    t.ok(&["import", file.to_str().unwrap()]);
    let today = day(2024, 5, 1);
    let store = t.store();
    let fy = FiscalYear(2024);
    let deadlines: Vec<String> = [DateStyle::Wareki, DateStyle::Short, DateStyle::Iso]
        .iter()
        .map(|&s| views::survey_status(&store, fy, today, s).unwrap().unwrap().deadline)
        .collect();
    assert_eq!(deadlines, ["令和6年5月31日", "R6.5.31", "2024-05-31"]);
    let received = views::survey_status(&store, fy, today, DateStyle::Iso).unwrap().unwrap();
    let on = received.sections.iter().find_map(|s| s.received_on.clone()).expect("the imported return is received");
    assert!(on.len() == 10 && on.as_bytes()[4] == b'-', "received in ISO: {on}");
    let history = views::import_history(&store, DateStyle::Iso).unwrap();
    let record = &history[0].record;
    assert_eq!(history[0].at_label, format!("{} {}", &record.at[..10], &record.at[11..16]), "ISO to the minute");
    let shown = &views::import_history(&store, DateStyle::Wareki).unwrap()[0].at_label;
    assert!(shown.starts_with("令和") && shown.contains('年') && shown.ends_with(&record.at[11..16]), "{shown}");
}

/// The ledger sorts 部局 and 課 as the organisation list does, by code, not by the characters of their names: the
/// sample city's 部局 have codes 01 (総務部) to 15 (議会事務局), and its 課 codes follow their 部局's.
/// A year switch of the ledger list on an unchanged ledger brings only the year's hours for the rows the page holds
/// (`views::ledger_hours`): for every year, and a year without figures, they are the hours of that year's rows, in
/// the rows' order, and every other field of a row is the same in every year.
#[test]
fn a_years_hours_are_its_rows_hours_in_their_order_and_nothing_else_differs_between_years() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let store = t.store();
    let strip = |rows: &[views::LedgerRow]| {
        let mut v = serde_json::to_value(rows).unwrap();
        v.as_array_mut().unwrap().iter_mut().for_each(|r| drop(r.as_object_mut().unwrap().remove("hours")));
        v
    };
    let first = strip(&views::ledger_rows(&store, FiscalYear(2020)).unwrap());
    for fy in 2019..=2025 {
        let rows = views::ledger_rows(&store, FiscalYear(fy)).unwrap();
        let (ids, hours): (Vec<String>, Vec<Option<Decimal>>) =
            views::ledger_hours(&store, FiscalYear(fy)).unwrap().into_iter().unzip();
        assert_eq!(hours, rows.iter().map(|r| r.hours).collect::<Vec<_>>(), "{fy}: the rows' hours, in their order");
        assert_eq!(
            ids,
            rows.iter().map(|r| r.ledger_id.clone()).collect::<Vec<_>>(),
            "{fy}: each with its row's 管理番号"
        );
        assert_eq!(strip(&rows), first, "{fy}: a row differs between years only in its hours");
        // As the app sends them: the same text the rows carry.
        let sent: Vec<serde_json::Value> =
            serde_json::to_value(&rows).unwrap().as_array().unwrap().iter().map(|r| r["hours"].clone()).collect();
        let texts: Vec<serde_json::Value> =
            hours.iter().map(|h| h.map_or(serde_json::Value::Null, |h| h.to_string().into())).collect();
        assert_eq!(texts, sent, "{fy}: the hours' text is the rows' text");
    }
    assert!(views::ledger_hours(&store, FiscalYear(2019)).unwrap().iter().all(|(_, h)| h.is_none()), "none in 2019");
}

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
