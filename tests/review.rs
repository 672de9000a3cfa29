//! Reviewing returns safely: a change that moves an initiative to another section, renames it, uses another
//! section's 管理番号, registers a name the section already has, or repeats another file of the batch is written only
//! once the user confirms it. The returns are the sample city's own survey files edited the way departments edit
//! them (tests/fixtures/review/generate.py: openpyxl, one re-saved by LibreOffice).

use serde_json::Value as Json;

use crate::support::{TestDir, fixture};

fn review(name: &str) -> String {
    fixture(&format!("review/{name}")).to_str().unwrap().to_string()
}

/// `(row, kind)` of every caution of a file's report.
fn cautions(report: &Json) -> Vec<(u64, String)> {
    report["cautions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["row"].as_u64().unwrap(), c["kind"].as_str().unwrap().to_string()))
        .collect()
}

fn initiative(t: &TestDir, ledger_id: &str) -> Json {
    let list = t.json(&["list", "--json"]);
    list.as_array().unwrap().iter().find(|i| i["ledger_id"] == ledger_id).cloned().unwrap()
}

#[test]
fn each_dangerous_change_is_named_and_a_plain_return_has_none() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    // (file, the cautions it must raise): each file alone, so no batch caution mixes in.
    let cases: [(&str, &[(u64, &str)]); 5] = [
        // Returned as sent: updating nothing dangerous asks nothing.
        ("議事課_そのまま.xlsx", &[]),
        // The case: 議事課 writes 総務部 人事課's 管理番号 over its own line.
        ("議事課_他課の管理番号.xlsx", &[(2, "moves"), (2, "renames"), (2, "other_section")]),
        ("議事課_業務名の変更.xlsx", &[(2, "renames")]),
        // 議事課's file carrying a whole line of こども家庭課 (its 管理番号 and its 部局・課): the file says whom it was
        // sent to, so the line is another section's however it is written.
        ("議事課_他課の行.xlsx", &[(2, "other_section")]),
        // A new line for what 情報政策課 already has (R1-0001), written in its システム係 and without the 管理番号.
        ("情報政策課_同名の新規行.ods", &[(3, "same_name")]),
    ];
    for (name, expected) in cases {
        let reports = t.json(&["import", "--dry-run", "--json", &review(name)]);
        let report = &reports[0];
        let expected: Vec<(u64, String)> = expected.iter().map(|(r, k)| (*r, k.to_string())).collect();
        assert_eq!(cautions(report), expected, "{name}: the cautions a reviewer must confirm");
        assert!(report["errors"].as_array().unwrap().is_empty(), "{name}: a valid return, only cautious");
    }
    let reports = t.json(&["import", "--dry-run", "--json", &review("議事課_他課の管理番号.xlsx")]);
    let messages: Vec<&str> =
        reports[0]["cautions"].as_array().unwrap().iter().map(|c| c["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages[0], "管理番号 R1-0018「会計伝票の起票」の所属が 総務部／人事課 → 議会事務局／議事課 に変わります",
        "the move names both sections"
    );
    assert_eq!(reports[0]["sections"], serde_json::json!(["議会事務局／議事課"]), "whom the return is from");
}

#[test]
fn a_cautious_file_is_written_only_when_confirmed() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let file = review("議事課_他課の管理番号.xlsx");
    let before = initiative(&t, "R1-0018");
    t.fails(&["import", &file], 2);
    assert_eq!(initiative(&t, "R1-0018"), before, "an unconfirmed move and rename writes nothing");
    assert!(t.json(&["import", "--history", "--json"]).as_array().unwrap().is_empty(), "nor records an import");

    let out = t.ok(&["import", "--confirm", &file]);
    assert!(out.contains("確認済み: 2行目 所属の移動"), "the confirmed cautions are listed: {out}");
    let after = initiative(&t, "R1-0018");
    assert_eq!(after["title"], "電子申請による各種届出の受付", "confirmed: the row's 業務名 is written");
    assert_eq!(after["unit"], "議会事務局／議事課", "confirmed: the initiative moved");
}

#[test]
fn two_files_of_one_batch_on_the_same_initiative_need_confirming() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let (first, second) = (review("議事課_第1回.xlsx"), review("議事課_第2回.xlsx"));
    let reports = t.json(&["import", "--dry-run", "--json", &first, &second]);
    assert_eq!(cautions(&reports[0]), [], "the first file of the batch is plain");
    assert_eq!(cautions(&reports[1]), [(2, "in_batch".to_string())], "the second overwrites the first's line");
    assert!(
        reports[1]["cautions"][0]["message"].as_str().unwrap().contains("議事課_第1回.xlsx"),
        "the caution names the other file"
    );

    // Without --confirm the first lands and the second waits; the exit status says not everything was imported.
    t.fails(&["import", &first, &second], 2);
    let history = t.json(&["import", "--history", "--json"]);
    let files: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["file_name"].as_str().unwrap()).collect();
    assert_eq!(files.len(), 1, "only the first file was imported: {files:?}");
    assert!(files[0].ends_with("議事課_第1回.xlsx"));
    let formula = |t: &TestDir| {
        let shown = t.json(&["show", "R1-0015", "--json"]);
        let effects = shown["effects"].as_array().unwrap().clone();
        effects.into_iter().find(|e| e["fiscal_year"] == 2024 && e["basis"] == "実績").unwrap()["formula"].clone()
    };
    assert_eq!(formula(&t), "30分×60件", "the first file's figure");
    // The second alone, in a batch of its own, is an ordinary correction now: nothing of the batch to confirm.
    t.ok(&["import", &second]);
    assert_eq!(formula(&t), "30分×70件", "the corrected return's figure");
}

#[test]
fn confirming_a_new_line_with_a_known_name_registers_a_second_initiative() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let file = review("情報政策課_同名の新規行.ods");
    let count = |t: &TestDir| t.json(&["list", "--json"]).as_array().unwrap().len();
    let before = count(&t);
    t.fails(&["import", &file], 2);
    assert_eq!(count(&t), before, "not registered twice without a word");
    t.ok(&["import", "--confirm", &file]);
    assert_eq!(count(&t), before + 1, "confirmed: a separate initiative of システム係");
}

#[test]
fn the_whole_survey_returned_as_sent_asks_for_no_confirmation() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let dir = t.path().join("調査");
    t.ok(&["survey", "start", "--fy", "2024", "--deadline", "2024-05-31", "-o", dir.to_str().unwrap()]);
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path().to_str().unwrap().to_string()).collect();
    files.sort();
    let mut args = vec!["import", "--dry-run", "--json"];
    args.extend(files.iter().map(String::as_str));
    let reports = t.json(&args);
    let noisy: Vec<String> = reports
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["cautions"].as_array().unwrap().is_empty())
        .map(|r| format!("{}: {}", r["file"], r["cautions"]))
        .collect();
    assert!(files.len() > 50, "every section of the sample city: {}", files.len());
    assert!(noisy.is_empty(), "a return sent back untouched changes nothing dangerous: {noisy:?}");
}

/// The rows of a workbook's first sheet as text, without trailing empty cells or rows.
fn sheet_text(bytes: &[u8]) -> Vec<Vec<String>> {
    let sheets = daicho::import::read_workbook(bytes).unwrap();
    let mut rows: Vec<Vec<String>> = sheets[0]
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = r.iter().map(|c| c.display()).collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect();
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

/// Golden: the workbook a refused return goes back with lists each of its errors with the row, the column, what
/// the department wrote and what to fix, addressed to the section. `bad_rows.xlsx` is the import fixture with an
/// error in each way a row can be wrong.
#[test]
fn the_send_back_workbook_lists_every_error_for_its_section() {
    let t = TestDir::seeded();
    let store = t.store();
    let path = fixture("bad_rows.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let fy = daicho::fiscal::FiscalYear(2024);
    let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
    let options = daicho::import::ImportOptions { fiscal_year: Some(fy), ..Default::default() };
    let errors = daicho::actions::return_errors(&store, "bad_rows.xlsx", &bytes, &options, fy, today).unwrap();
    assert_eq!(errors.file_name, "差戻し_R6_総務部_人事課.xlsx", "named after the year and the section");
    let rows = sheet_text(&errors.workbook);
    let golden = fixture("review/差戻し_bad_rows.expected.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, serde_json::to_string_pretty(&rows).unwrap() + "\n").unwrap();
    }
    let expected: Vec<Vec<String>> = serde_json::from_str(&std::fs::read_to_string(&golden).unwrap()).unwrap();
    assert_eq!(rows, expected, "the send-back workbook differs from {} (UPDATE_GOLDEN=1 to rewrite)", golden.display());
    let lines = rows.iter().filter(|r| r.first().is_some_and(|c| c == "要修正")).count();
    assert_eq!(lines, errors.report.errors.len(), "one line per error of the return");
    assert_eq!(lines, 11, "bad_rows.xlsx has eleven errors");
}

/// A return refused, sent back with its workbook, corrected and imported: 未提出 → 差戻し (with the reasons) → 受付.
#[test]
fn a_refused_return_is_sent_back_and_received_when_corrected() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let dir = t.path().join("調査");
    t.ok(&[
        "survey",
        "start",
        "--fy",
        "2024",
        "--deadline",
        "2024-05-31",
        "-o",
        dir.to_str().unwrap(),
        "--bureau",
        "議会事務局",
    ]);
    let wrong = review("議事課_誤りあり.xlsx");
    t.fails(&["import", &wrong], 2);
    let out_file = t.path().join("差戻し.xlsx");
    let out = t.ok(&["survey", "send-back", &wrong, "--fy", "2024", "-o", out_file.to_str().unwrap()]);
    assert!(out.contains("差戻しにしました: 議会事務局／議事課"), "{out}");
    let rows = sheet_text(&std::fs::read(&out_file).unwrap());
    assert_eq!(rows[0], ["調査票の修正のお願い（議会事務局／議事課 御中）"], "addressed to the section");
    let state = |t: &TestDir| {
        let s = t.json(&["survey", "status", "--fy", "2024", "--json"]);
        s["sections"].as_array().unwrap().iter().find(|r| r["section"] == "議事課").unwrap().clone()
    };
    let sent = state(&t);
    assert_eq!(sent["state"], "差戻し");
    let reasons = sent["reasons"].as_str().unwrap();
    assert!(reasons.starts_with("「議事課_誤りあり.xlsx」要修正 4 件"), "the reasons count the errors: {reasons}");
    assert!(reasons.contains("2行目 H列「状況」"), "and say where: {reasons}");

    t.ok(&["import", &review("議事課_第1回.xlsx")]);
    let received = state(&t);
    assert_eq!(received["state"], "受付", "the corrected return is received");
    assert!(received["reasons"].is_null(), "its reasons are cleared: {received}");
    // A return with nothing to fix is not sent back.
    let err = t.fails(&["survey", "send-back", &review("議事課_そのまま.xlsx"), "--fy", "2024"], 2);
    assert!(err.contains("差し戻さずに取り込んでください"), "{err}");
}
