//! 年度 and 和暦: labels, dates, serials and era boundaries.

use chrono::NaiveDate;
use daicho::fiscal::{FiscalError, FiscalYear, from_excel_serial, parse_date, wareki_date};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn fiscal_year_of_a_date_turns_on_1_april() {
    let cases = [
        (date(2023, 4, 1), 2023),
        (date(2024, 3, 31), 2023),
        (date(2024, 4, 1), 2024),
        (date(2023, 3, 31), 2022),
        (date(2020, 1, 1), 2019),
        (date(2019, 12, 31), 2019),
    ];
    for (d, fy) in cases {
        assert_eq!(FiscalYear::of_date(d), FiscalYear(fy), "{d}: April–March year");
    }
    assert_eq!(FiscalYear(2023).first_day(), date(2023, 4, 1));
    assert_eq!(FiscalYear(2023).last_day(), date(2024, 3, 31));
}

#[test]
fn year_labels_in_every_notation() {
    let cases = [
        ("2023", 2023),
        ("2023年度", 2023),
        ("2023年", 2023),
        ("FY2023", 2023),
        ("２０２３年度", 2023),
        ("令和5年度", 2023),
        ("令和５年度", 2023),
        ("令和 5 年度", 2023),
        ("R5", 2023),
        ("R05", 2023),
        ("r5", 2023),
        ("Ｒ５", 2023),
        ("R5年度", 2023),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("H30", 2018),
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
        ("S58", 1983),
        ("令和5年度（2023）", 2023),
        ("令和5年度(2023)", 2023),
        ("2023（令和5年度）", 2023),
    ];
    for (text, fy) in cases {
        assert_eq!(FiscalYear::parse(text), Ok(FiscalYear(fy)), "{text:?}");
    }
}

#[test]
fn unreadable_or_contradictory_years_are_refused() {
    for text in ["", "令和", "R", "23", "20233", "令和0年度", "平成百年度", "X5", "2023年度度度", "1800"]
    {
        assert!(matches!(FiscalYear::parse(text), Err(FiscalError::Year(_))), "{text:?} is not a year");
    }
    assert_eq!(
        FiscalYear::parse("令和5年度（2022）"),
        Err(FiscalError::Inconsistent { text: "令和5年度（2022）".into(), era_year: 2023, western: 2022 }),
        "the two halves must name the same year"
    );
}

#[test]
fn fiscal_years_are_named_in_the_era_of_most_of_the_year() {
    let cases = [
        (2023, "令和5年度", "令和5年度（2023）", "R5"),
        (2019, "令和元年度", "令和元年度（2019）", "R1"),
        (2018, "平成30年度", "平成30年度（2018）", "H30"),
        (1989, "平成元年度", "平成元年度（1989）", "H1"),
        (1988, "昭和63年度", "昭和63年度（1988）", "S63"),
        (1920, "1920年度", "1920年度（1920）", "1920"),
    ];
    for (fy, wareki, label, short) in cases {
        let f = FiscalYear(fy);
        assert_eq!((f.wareki(), f.label(), f.short()), (wareki.into(), label.into(), short.into()), "{fy}");
        assert_eq!(FiscalYear::parse(&f.label()), Ok(f), "{fy}: the label reads back");
    }
}

#[test]
fn dates_in_every_notation() {
    let cases = [
        ("2023/4/1", date(2023, 4, 1)),
        ("2023-04-01", date(2023, 4, 1)),
        ("2023.4.1", date(2023, 4, 1)),
        ("2023年4月1日", date(2023, 4, 1)),
        ("２０２３年４月１日", date(2023, 4, 1)),
        ("20230401", date(2023, 4, 1)),
        ("2023/4/1 0:00:00", date(2023, 4, 1)),
        ("令和5年4月1日", date(2023, 4, 1)),
        ("R5.4.1", date(2023, 4, 1)),
        ("R5/4/1", date(2023, 4, 1)),
        ("r05.04.01", date(2023, 4, 1)),
        ("昭和58年4月1日", date(1983, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("H31.4.1", date(2019, 4, 1)),
        ("45017", date(2023, 4, 1)),
        ("45017.5", date(2023, 4, 1)),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_date(text), Ok(expected), "{text:?}");
    }
}

#[test]
fn era_boundaries_are_exact_to_the_day() {
    for text in ["令和元年4月30日", "平成31年5月1日", "平成元年1月7日", "昭和64年1月8日", "昭和元年12月24日"]
    {
        assert!(
            matches!(parse_date(text), Err(FiscalError::OutsideEra { .. })),
            "{text:?} lies outside its era and must be refused, got {:?}",
            parse_date(text)
        );
    }
    let message = parse_date("令和元年4月30日").unwrap_err().to_string();
    assert!(message.contains("令和は2019年5月1日から現在まで"), "the message explains the era: {message}");
    assert_eq!(wareki_date(date(2019, 4, 30)), "平成31年4月30日");
    assert_eq!(wareki_date(date(2019, 5, 1)), "令和元年5月1日");
    assert_eq!(wareki_date(date(1989, 1, 7)), "昭和64年1月7日");
    assert_eq!(wareki_date(date(1989, 1, 8)), "平成元年1月8日");
}

#[test]
fn bad_dates_are_refused() {
    for text in ["", "2023/2/30", "2023/13/1", "令和5年", "昨日", "R5.4", "2023/4/1/2"] {
        assert!(parse_date(text).is_err(), "{text:?} is not a date");
    }
}

#[test]
fn excel_serials_in_both_date_systems() {
    let cases = [
        (1.0, false, Some(date(1900, 1, 1))),
        (59.0, false, Some(date(1900, 2, 28))),
        (60.0, false, None), // Excel's 29 February 1900, which never existed
        (61.0, false, Some(date(1900, 3, 1))),
        (45017.0, false, Some(date(2023, 4, 1))),
        (45017.75, false, Some(date(2023, 4, 1))),
        (0.0, true, Some(date(1904, 1, 1))),
        (43555.0, true, Some(date(2023, 4, 1))),
        (-1.0, false, None),
        (f64::NAN, false, None),
    ];
    for (serial, date1904, expected) in cases {
        assert_eq!(from_excel_serial(serial, date1904).ok(), expected, "serial {serial} (1904: {date1904})");
    }
}
