//! The Excel round trip: golden reports for returns written by Daicho, openpyxl, xlwt, odfpy and rust_xlsxwriter;
//! atomicity, idempotency, corrected returns, the lossless export, the template's structure, submission tracking
//! and the organisation list.

use std::io::Read;

use daicho::import::{Outcome, plan_file};
use serde_json::Value;

use crate::support::{TestDir, fixture, fy2024};

/// Every return fixture, planned against the seed ledger with `--fy 2024`, must give exactly its expected report.
/// `UPDATE_GOLDEN=1` rewrites the expected files (review the diff before committing).
#[test]
fn fixtures_give_their_expected_reports() {
    let t = TestDir::seeded();
    let store = t.store();
    let dir = fixture("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| (n.ends_with(".xlsx") || n.ends_with(".xls") || n.ends_with(".ods")) && !n.starts_with("org"))
        .collect();
    names.sort();
    assert!(names.len() >= 11, "the fixture set: {names:?}");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = plan_file(&store, name, &bytes, &fy2024()).unwrap();
        let got = serde_json::to_string_pretty(&report).unwrap() + "\n";
        let expected_path = dir.join(format!("{}.expected.json", name.rsplit_once('.').unwrap().0));
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            if update {
                std::fs::write(&expected_path, &got).unwrap();
            } else {
                stale.push(format!("{name}:\n{got}"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "reports differ from the expected files (UPDATE_GOLDEN=1 to rewrite):\n{}",
        stale.join("\n")
    );
}

fn plan(t: &TestDir, name: &str) -> daicho::import::FileReport {
    let bytes = std::fs::read(fixture(name)).unwrap();
    plan_file(&t.store(), name, &bytes, &fy2024()).unwrap()
}

#[test]
fn clean_returns_from_every_writer_import_without_errors() {
    let t = TestDir::seeded();
    for name in ["template_filled.xlsx", "messy.xlsx", "formula_cached.xlsx", "legacy.xls", "simple.ods"] {
        let r = plan(&t, name);
        assert!(r.errors.is_empty(), "{name} is a valid return: {:?}", r.errors);
        assert!(!r.rows.is_empty(), "{name} has rows");
    }
    // The cached values of formula cells are read: 6分×2,450件 = 245 h, 4分×1,000件 = 66.7 h.
    let r = plan(&t, "formula_cached.xlsx");
    let stated: Vec<&str> = r
        .rows
        .iter()
        .flat_map(|row| &row.changes)
        .filter(|c| c.field.starts_with("効果"))
        .map(|c| c.after.as_str())
        .collect();
    assert_eq!(
        stated,
        ["6分×2,450件（申告 245時間）", "4分×1,000件（申告 66.7時間）"],
        "cached values of formula cells"
    );
}

#[test]
fn a_file_with_one_bad_row_leaves_the_database_byte_for_byte_unchanged() {
    if crate::support::on_server("compares the ledger file byte for byte") {
        return;
    }
    let t = TestDir::seeded();
    let before = std::fs::read(t.db()).unwrap();
    let err = t.fails(&["import", fixture("bad_rows.xlsx").to_str().unwrap()], 2);
    let out = String::from_utf8(t.run(&["import", fixture("bad_rows.xlsx").to_str().unwrap()]).stdout).unwrap();
    assert!(out.contains("取り込みませんでした: エラー 11 件"), "{out}{err}");
    assert_eq!(std::fs::read(t.db()).unwrap(), before, "nothing of a refused file reaches the database");
    assert_eq!(t.json(&["import", "--history", "--json"]), serde_json::json!([]), "and it is not recorded as imported");
}

#[test]
fn every_kind_of_error_is_named_with_its_place_and_the_cell_text() {
    let t = TestDir::seeded();
    let r = plan(&t, "bad_rows.xlsx");
    let messages: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    let expected = [
        "bad_rows.xlsx › 回答 › 2行目 › C列「課」: 組織「総務部/人時課」は台帳の組織にありません。近い名前: 人事課（セルの値: 「人時課」）",
        "bad_rows.xlsx › 回答 › 3行目 › E列「区分」: 区分は RPA、AI-OCR、RPA+AI-OCR、その他 のいずれかです（セルの値: 「ロボット」）",
        "bad_rows.xlsx › 回答 › 4行目 › H列「状況」: 状況は 検討中、開発中、試行中、運用中、停止、廃止 のいずれかです（セルの値: 「稼動」）",
        "bad_rows.xlsx › 回答 › 5行目 › R列「算定式」: 算定式の1文字目: 時間の単位（秒・分・時間）を持つ因子がありません（例: 5分×40件）（セルの値: 「5件×250日」）",
        "bad_rows.xlsx › 回答 › 6行目 › 管理番号: 管理番号「R9-9999」の取組は台帳にありません。新しい取組なら管理番号を空欄にしてください（セルの値: 「R9-9999」）",
        "bad_rows.xlsx › 回答 › 7行目 › F列「業務名」: 新しい取組（管理番号が空欄）には業務名が必要です",
        "bad_rows.xlsx › 回答 › 8行目 › J列「運用開始日」: 「令和元年4月1日」は存在しない日付です（令和は2019年5月1日から現在まで）（セルの値: 「令和元年4月1日」）",
        "bad_rows.xlsx › 回答 › 9行目 › K列「年度」: 「来年度」を年度として読めません（例: 2023、2023年度、令和5年度、R5）（セルの値: 「来年度」）",
        "bad_rows.xlsx › 回答 › 10行目 › P列「件数」: 件数・日数の欄に時間の単位「分」があります。時間は算定式か分/件の欄に入力してください（セルの値: 「30分」）",
        "bad_rows.xlsx › 回答 › 11行目 › N列「導入後(分/件)」: 削減時間(分/件)、または導入前と導入後の両方を入力してください",
        "bad_rows.xlsx › 回答 › 13行目: 12行目と同じ取組・年度・算定区分の行が重複しています",
    ];
    assert_eq!(messages, expected);
    let warnings: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "bad_rows.xlsx › 回答 › 14行目 › S列「削減時間(時間)」: 申告の削減時間 700時間 が計算値 816.67時間 と一致しません（申告のほうが 116.67時間 少ない）。申告値のまま取り込み、検算リストに残します（セルの値: 「700」）"
        ],
        "a stated figure off the formula is a warning, not an error"
    );
}

#[test]
fn unreadable_files_get_one_clear_message() {
    let t = TestDir::seeded();
    let cases = [
        ("empty.xlsx", "空のファイルです"),
        ("not_a_workbook.xlsx", "Excel のブック（.xlsx/.xlsm/.xls/.ods）ではありません"),
        ("truncated.xlsx", "ファイルが壊れているか、途中までしかありません"),
        ("password.xlsx", "パスワードで保護されたブックは読み込めません"),
        ("no_table.xlsx", "回答の表が見つかりません（シート: 集計）"),
    ];
    for (name, message) in cases {
        let r = plan(&t, name);
        assert_eq!(r.errors.len(), 1, "{name}: one problem with the file as a whole: {:?}", r.errors);
        assert!(r.errors[0].to_string().starts_with(&format!("{name}: {message}")), "{name}: {}", r.errors[0]);
        assert!(r.rows.is_empty());
    }
}

#[test]
fn importing_twice_changes_nothing_and_says_so() {
    let t = TestDir::seeded();
    let path = fixture("template_filled.xlsx");
    let first = t.json(&["import", path.to_str().unwrap(), "--json"]);
    let counts = |v: &Value| {
        let rows = v[0]["rows"].as_array().unwrap();
        ["created", "updated", "unchanged"].map(|o| rows.iter().filter(|r| r["outcome"] == o).count())
    };
    assert_eq!(
        counts(&first),
        [2, 2, 1],
        "two new initiatives, two updated (a figure changed, a basis added), one unchanged"
    );
    let ledger = t.json(&["list", "--json"]);
    let second = t.ok(&["import", path.to_str().unwrap()]);
    assert!(second.contains("同じ内容のファイルを") && second.contains("変更はありません"), "{second}");
    assert_eq!(t.json(&["list", "--json"]), ledger, "the ledger is as it was");
    assert_eq!(t.json(&["import", "--history", "--json"]).as_array().unwrap().len(), 1, "recorded once");
    let shown = t.json(&["show", "R5-0001", "--json"]);
    assert_eq!(shown["effects"][0]["formula"], "5分×1,300件");
    assert_eq!(shown["effects"][0]["stated_hours"], "108.3");
}

/// A corrected return (other bytes, same rows without 管理番号) updates what the first created instead of
/// duplicating it: rows are matched by 課 and 業務名.
#[test]
fn a_corrected_return_updates_instead_of_duplicating() {
    let t = TestDir::seeded();
    let write = |name: &str, hours: f64| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["部局", "課", "区分", "業務名", "年度", "削減時間(時間)"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["総務部", "総務課", "RPA", "文書収受の登録", "2024"].iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        ws.write_number(1, 5, hours).unwrap();
        let path = t.path().join(name);
        wb.save(&path).unwrap();
        path
    };
    let first = write("総務課_初回.xlsx", 120.0);
    let out = t.ok(&["import", first.to_str().unwrap()]);
    assert!(out.contains("新規 1"), "{out}");
    let corrected = write("総務課_修正.xlsx", 125.5);
    let out = t.ok(&["import", corrected.to_str().unwrap()]);
    assert!(out.contains("新規 0、更新 1") && out.contains("削減時間(時間): 120 → 125.5"), "{out}");
    let found: Vec<Value> = t
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"] == "文書収受の登録")
        .cloned()
        .collect();
    assert_eq!(found.len(), 1, "one initiative, not two");
}

/// An initiative the file changes is deleted by someone between the check and the commit: the file is refused as a
/// conflict naming the file, the row and the 管理番号, and nothing of it is written (not even its new initiatives).
#[test]
fn a_file_whose_initiative_was_deleted_since_it_was_checked_writes_nothing() {
    use daicho::db::Read as _;
    let t = TestDir::seeded();
    let mut store = t.store();
    let plan =
        plan_file(&store, "総務部.xlsx", &std::fs::read(fixture("template_filled.xlsx")).unwrap(), &fy2024()).unwrap();
    let row = plan.rows.iter().find(|r| r.ledger_id.as_deref() == Some("R5-0001")).expect("the file names R5-0001");
    let id = store.initiative_by_ledger_id("R5-0001").unwrap().id;
    store.write(&crate::support::colleague(), |tx| tx.delete_initiative(id, None)).unwrap();
    let count = store.initiative_count().unwrap();
    let Err(e) = daicho::import::commit(&mut store, &crate::support::author(), &plan) else {
        panic!("a file changing a deleted initiative must be refused")
    };
    assert_eq!(e.code(), "conflict", "{e}");
    let expected = format!("総務部.xlsx の {}行目の取組 R5-0001 は、ファイルの確認後に削除されています", row.row);
    assert!(e.to_string().contains(&expected), "names the file, the row and the initiative: {e}");
    assert_eq!(store.initiative_count().unwrap(), count, "none of the file's new initiatives was written");
    assert!(store.import_history().unwrap().is_empty(), "no import was recorded");
}

#[test]
fn dry_run_shows_field_level_changes_and_writes_nothing() {
    if crate::support::on_server("compares the ledger file byte for byte") {
        return;
    }
    let t = TestDir::seeded();
    let before = std::fs::read(t.db()).unwrap();
    let out = t.ok(&["import", "--dry-run", fixture("template_filled.xlsx").to_str().unwrap()]);
    assert!(out.contains("確認のみ（--dry-run のため書き込んでいません）: 新規 2、更新 2、変更なし 1"), "{out}");
    assert!(out.contains("算定式: 5分×1,200件 → 5分×1,300件"), "field-level diff: {out}");
    assert!(out.contains("削減時間(時間): 100 → 108.3"), "{out}");
    assert_eq!(std::fs::read(t.db()).unwrap(), before, "a dry run writes nothing");
}

#[test]
fn export_then_import_changes_nothing_for_every_year_of_the_demo() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    for fy in ["2020", "2021", "2022", "2023", "2024"] {
        let path = t.path().join(format!("台帳_{fy}.xlsx"));
        t.ok(&["export", "ledger", "--fy", fy, "-o", path.to_str().unwrap()]);
        let v = t.json(&["import", "--dry-run", "--json", path.to_str().unwrap()]);
        let report = &v[0];
        assert_eq!(report["errors"], serde_json::json!([]), "{fy}: the export reads back without errors");
        let rows = report["rows"].as_array().unwrap();
        let changed: Vec<&Value> = rows.iter().filter(|r| r["outcome"] != "unchanged").collect();
        assert!(changed.is_empty(), "{fy}: export → import changes nothing, but: {changed:?}");
        assert!(rows.len() > 50, "{fy}: every effect of the year is a row ({})", rows.len());
    }
}

pub fn sheet_xml(path: &std::path::Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn the_template_has_the_columns_lists_protection_and_print_setup() {
    use calamine::{Reader, open_workbook_auto};
    let t = TestDir::seeded();
    let path = t.path().join("調査票.xlsx");
    let out = t.ok(&["template", "--fy", "2024", "-o", path.to_str().unwrap(), "--bureau", "こども部", "--prefill"]);
    assert!(out.contains("調査票を書き出しました"), "{out}");
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["記入要領", "回答", "リスト"]);
    let answer = wb.worksheet_range("回答").unwrap();
    let header: Vec<String> = answer.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let mut expected: Vec<String> = daicho::survey::Column::ALL.iter().map(|c| c.title().to_string()).collect();
    assert_eq!(
        expected.join(","),
        "管理番号,部局,課,係,区分,業務名,ツール,状況,シナリオ数,運用開始日,年度,算定区分,導入前(分/件),導入後(分/件),削減時間(分/件),件数,日数,算定式,削減時間(時間),備考,帳票の種類,読取枚数,読取文字数,修正文字数,修正時間(分)",
        "the column titles the issues fix, in their order: the AI-OCR measures (issue 13) after 備考, so a return in \
         the earlier template still reads column by column"
    );
    expected.push("自動計算(時間)".into());
    assert_eq!(header, expected);
    let prefilled: Vec<String> =
        answer.rows().skip(1).filter_map(|r| r.first().map(|c| c.to_string())).filter(|s| !s.is_empty()).collect();
    assert_eq!(prefilled, ["R5-0002"], "only こども部's initiative is prefilled");
    let lists = wb.worksheet_range("リスト").unwrap();
    let bureaus: Vec<String> =
        lists.rows().skip(1).filter_map(|r| r.first().map(|c| c.to_string())).filter(|s| !s.is_empty()).collect();
    assert_eq!(bureaus, ["こども部"], "the 部局 list follows the scope and the year's names");

    let xml = sheet_xml(&path, "xl/worksheets/sheet2.xml");
    let validations = xml.matches("<dataValidation ").count();
    assert_eq!(
        validations, 13,
        "部局, 課, ツール, 区分, 状況, 算定区分, five number columns, シナリオ数, 削減時間(時間)"
    );
    assert!(xml.contains("<sheetProtection"), "the header is locked");
    assert!(xml.contains(r#"ySplit="1""#), "the header row is frozen");
    assert!(
        xml.contains(r#"orientation="landscape""#)
            && xml.contains(r#"paperSize="9""#)
            && xml.contains(r#"fitToHeight="0""#),
        "A4 landscape, fit to width"
    );
    assert!(xml.contains("ROUND(IF(O2&lt;&gt;\"\",O2,M2-N2)"), "the live helper formula");
    let styles = sheet_xml(&path, "xl/styles.xml");
    assert!(styles.contains("游ゴシック"), "a Japanese font");
    assert!(styles.contains(r#"locked="0""#), "input cells are unlocked");
    let book = sheet_xml(&path, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles"), "the header row repeats on every printed page");
}

#[test]
fn submission_tracking_lists_who_returned_and_who_has_not() {
    let t = TestDir::seeded();
    t.ok(&["import", fixture("template_filled.xlsx").to_str().unwrap()]);
    let v = t.json(&["returns", "--fy", "2024", "--json"]);
    let returned: Vec<(String, bool)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["section"].as_str().unwrap().to_string(), i["returned"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        returned,
        [
            ("総務部／人事課".to_string(), true),
            ("総務部／総務課".to_string(), false),
            ("こども部／保育課".to_string(), true),
            ("こども部／総務課".to_string(), false),
            ("財務部／税務課".to_string(), true),
        ]
    );
    assert_eq!((v["returned"].as_u64(), v["sections"].as_u64()), (Some(3), Some(5)));
}

#[test]
fn the_organisation_list_imports_atomically_and_round_trips() {
    if crate::support::on_server("compares the ledger file byte for byte") {
        return;
    }
    let t = TestDir::seeded();
    let before = std::fs::read(t.db()).unwrap();
    let out = String::from_utf8(t.run(&["org", "import", fixture("org_bad.xlsx").to_str().unwrap()]).stdout).unwrap();
    assert!(out.contains("エラー 2 件"), "{out}");
    assert!(out.contains("org_bad.xlsx › 組織 › 7行目 › A列「部局」: 部局が空欄です"), "{out}");
    assert!(out.contains("org_bad.xlsx › 組織 › 8行目 › F列「終了年度」: 終了年度が開始年度（令和7年度）より前です（セルの値: 「2024」）"), "{out}");
    assert_eq!(std::fs::read(t.db()).unwrap(), before, "a refused organisation list writes nothing");

    let out = t.ok(&["org", "import", fixture("org.xlsx").to_str().unwrap()]);
    assert!(out.contains("取り込みました: 新規 3、更新 1、変更なし 0"), "{out}");
    assert!(out.contains("別名: 人事"), "{out}");
    let again = t.ok(&["org", "import", fixture("org.xlsx").to_str().unwrap()]);
    assert!(again.contains("新規 0、更新 0、変更なし 4"), "importing the same list again changes nothing: {again}");
    let path = t.path().join("組織.xlsx");
    t.ok(&["org", "export", "-o", path.to_str().unwrap()]);
    let round = t.ok(&["org", "import", "--dry-run", path.to_str().unwrap()]);
    assert!(round.contains("新規 0、更新 0、"), "export → import changes nothing: {round}");
    let tree = t.ok(&["org", "list", "--fy", "2025"]);
    assert!(tree.contains("DX推進課  [コード 1601 / 令和7年度〜 / 別名: DX推進室、デジタル推進課]"), "{tree}");
}

#[test]
fn outcome_labels_are_japanese() {
    assert_eq!(
        [Outcome::Created, Outcome::Updated, Outcome::Unchanged].map(Outcome::label),
        ["新規", "更新", "変更なし"]
    );
}

/// Files read on several threads come back in the order given, each with its own result, and a file that cannot be
/// read is reported in its place without stopping the others.
#[test]
fn files_read_in_parallel_come_back_in_order() {
    let t = TestDir::seeded();
    let store = t.store();
    let context = daicho::import::ReadContext::load(&store).unwrap();
    let mut names: Vec<String> = Vec::new();
    for round in 0..3 {
        for name in ["template_filled.xlsx", "missing.xlsx", "legacy.xls", "bad_rows.xlsx", "simple.ods"] {
            names.push(format!("{round}/{name}"));
        }
    }
    let read = |i: usize| std::fs::read(fixture(names[i].split_once('/').unwrap().1));
    let mut seen = Vec::new();
    daicho::import::read_returns(
        &names,
        read,
        &context,
        |_| fy2024(),
        Some(3),
        |n, result| {
            match result {
                Ok(read) => {
                    let expected = plan(&t, names[n].split_once('/').unwrap().1);
                    let report = daicho::import::plan_read(&store, read).unwrap();
                    assert_eq!(report.rows.len(), expected.rows.len(), "{}: same rows as read alone", names[n]);
                    assert_eq!(report.errors.len(), expected.errors.len(), "{}: same errors as read alone", names[n]);
                }
                Err(e) => assert!(names[n].ends_with("missing.xlsx"), "{}: {e}", names[n]),
            }
            seen.push(n);
            Ok::<_, std::io::Error>(std::ops::ControlFlow::Continue(()))
        },
    )
    .unwrap();
    assert_eq!(seen, (0..names.len()).collect::<Vec<_>>(), "every file once, in the order given");
}

/// What a department reads when a row is not a line, or when the table lacks a column: a total or a note is named as
/// such and never suggested as an organisation to register; a column the sheet lacks is named without another
/// column's letter; a 番号 column is row numbers, never 管理番号.
#[test]
fn messages_name_what_the_row_or_column_is() {
    let t = TestDir::seeded();
    let path = t.path().join("総務課.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [&[&str]; 6] = [
        &["番号", "部局", "課", "区分", "業務名", "算定式", "削減時間(時間)"],
        &["1", "総務部", "総務課", "RPA", "文書収受の登録", "6分×2,450件", "245"],
        &["2", "総務部", "人事課", "RPA", "給与明細の配信", "3分×1,200件", "60"],
        &["", "合計", "", "", "", "", "305"],
        &["※時間は見込み（R6年度は試行の年換算）"],
        &["3", "総務部", "庶務のとりまとめ担当（兼務職員を含む、週3日勤務）", "RPA", "郵便の仕分け", "5分×100件", ""],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) if v.is_empty() => continue,
                Err(_) => ws.write_string(r as u32, c as u16, *v).unwrap(),
            };
        }
    }
    wb.save(&path).unwrap();
    let report = plan_file(&t.store(), "総務課.xlsx", &std::fs::read(&path).unwrap(), &Default::default()).unwrap();
    let messages: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages.iter().all(|m| !m.contains("org add") && !m.contains("組織「合計") && !m.contains("組織「※")),
        "no total or note is offered as an organisation to register: {messages:?}"
    );
    let year: Vec<&String> = messages.iter().filter(|m| m.contains("年度の列がなく")).collect();
    assert_eq!(year.len(), 3, "each line lacks a year: {messages:?}");
    assert!(
        year.iter().all(|m| m.contains("› 年度: ")),
        "the missing column is named as 年度, not as column A: {year:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("6行目 › C列「課」: 組織名として読めません")),
        "a sentence in 課 is not offered as a new organisation: {messages:?}"
    );
    assert!(messages.iter().all(|m| !m.contains("管理番号")), "番号 is never 管理番号: {messages:?}");
    let skipped: Vec<(usize, String)> = report
        .skipped
        .iter()
        .map(|s| (s.row, serde_json::to_value(s.kind).unwrap().as_str().unwrap().into()))
        .collect();
    assert_eq!(skipped, [(4, "total".to_string()), (5, "note".to_string())], "the 合計 and the note are named as such");
    assert_eq!(report.skipped[0].matches, None, "lines with errors leave the 合計 unchecked, never a false warning");
    let with_year = plan_file(&t.store(), "総務課.xlsx", &std::fs::read(&path).unwrap(), &fy2024()).unwrap();
    assert_eq!(with_year.errors.len(), 1, "only the row with a sentence for its 課: {:?}", with_year.errors);
    assert_eq!(with_year.skipped[0].matches, Some(true), "the 合計 is checked: 245 + 60 = 305");
}
