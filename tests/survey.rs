//! The spring survey through the real CLI: one workbook per section, returns received by importing them, a return
//! sent back and received again, the reminder list, and the campaign closed only when every section is final.

use daicho::db::Read;
use daicho::ledger::ReturnState;
use serde_json::Value as Json;

use crate::support::TestDir;

fn status(t: &TestDir, fy: &str) -> Json {
    serde_json::from_str(&t.ok(&["survey", "status", "--fy", fy, "--json"])).unwrap()
}

/// `(section, state)` of every section, in the order the status lists them.
fn states(s: &Json) -> Vec<(String, String)> {
    s["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["section"].as_str().unwrap().to_string(), r["state"].as_str().unwrap().to_string()))
        .collect()
}

fn section<'a>(s: &'a Json, name: &str) -> &'a Json {
    s["sections"].as_array().unwrap().iter().find(|r| r["section"] == name).unwrap()
}

#[test]
fn a_survey_runs_from_the_files_sent_to_the_campaign_closed() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let dir = t.path().join("調査 令和6年度");
    let dir_text = dir.to_str().unwrap();
    let out = t.ok(&[
        "survey",
        "start",
        "--fy",
        "2024",
        "--deadline",
        "令和6年5月31日",
        "-o",
        dir_text,
        "--bureau",
        "こども部",
    ]);
    assert!(out.contains("4 課分"), "こども部 has four sections in 令和6年度: {out}");

    // One workbook per section, named after the year and the section, each a template prefilled with its own lines.
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "調査票_R6_こども部_こども家庭課.xlsx",
            "調査票_R6_こども部_保育課.xlsx",
            "調査票_R6_こども部_子育て支援課.xlsx",
            "調査票_R6_こども部_幼児教育課.xlsx"
        ],
        "file names carry the year and the section"
    );
    let file = dir.join("調査票_R6_こども部_子育て支援課.xlsx");
    let sheets = daicho::import::read_workbook(&std::fs::read(&file).unwrap()).unwrap();
    let answers = sheets.iter().find(|s| s.name == "回答").expect("the answer sheet");
    let cell = |r: &Vec<daicho::import::Cell>, i: usize| r.get(i).map(|c| c.display()).unwrap_or_default();
    // The rows with a 管理番号 (blank rows follow for new lines).
    let sections: Vec<String> =
        answers.rows.iter().skip(1).filter(|r| !cell(r, 0).is_empty()).map(|r| cell(r, 2)).collect();
    assert!(
        !sections.is_empty() && sections.iter().all(|s| s == "子育て支援課"),
        "the section's workbook is prefilled with its own initiatives only: {sections:?}"
    );

    let s = status(&t, "2024");
    assert_eq!(s["deadline_iso"], "2024-05-31");
    assert_eq!(s["overdue"], true, "the deadline of 令和6年度 has passed");
    assert!(states(&s).iter().all(|(_, st)| st == "未提出"), "{s}");
    assert_eq!(states(&s).len(), 4);

    // The section returns its workbook: importing it receives it.
    t.ok(&["import", file.to_str().unwrap()]);
    let s = status(&t, "2024");
    let r = section(&s, "子育て支援課");
    assert_eq!(r["state"], "受付", "an imported return is received: {r}");
    assert_eq!(r["file"], file.display().to_string());
    assert!(r["received_on"].as_str().is_some_and(|d| d.starts_with("令和")), "{r}");

    // Sent back with what to fix; a 差戻し needs its reasons.
    let err = t.fails(&["survey", "set", "子育て支援課", "--fy", "2024", "--state", "差戻し"], 2);
    assert!(err.contains("理由"), "{err}");
    t.ok(&["survey", "set", "こども部/子育て支援課", "--fy", "2024", "--state", "確認中"]);
    t.ok(&[
        "survey",
        "set",
        "子育て支援課",
        "--fy",
        "2024",
        "--state",
        "差戻し",
        "--reason",
        "3行目の件数を年間の件数に",
    ]);
    let r = status(&t, "2024");
    assert_eq!(section(&r, "子育て支援課")["reasons"], "3行目の件数を年間の件数に");

    // The reminder list: every section still owing, with its 部局 and the reasons.
    let missing = t.path().join("督促.xlsx");
    let out = t.ok(&["survey", "missing", "--fy", "2024", "-o", missing.to_str().unwrap()]);
    assert!(out.contains("4 課"), "three never answered and one was sent back: {out}");
    let sheets = daicho::import::read_workbook(&std::fs::read(&missing).unwrap()).unwrap();
    let cells: Vec<Vec<String>> = sheets[0].rows.iter().map(|r| r.iter().map(|c| c.display()).collect()).collect();
    let header = cells.iter().position(|r| r.first().is_some_and(|c| c == "部局")).expect("a header row");
    let listed: Vec<(String, String, String)> = cells[header + 1..]
        .iter()
        .take_while(|r| r.first().is_some_and(|c| !c.is_empty()))
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(listed.len(), 4, "{cells:?}");
    assert!(listed.iter().all(|(b, _, _)| b == "こども部"), "each section with its 部局: {listed:?}");
    assert!(listed.contains(&("こども部".into(), "子育て支援課".into(), "差戻し".into())), "{listed:?}");

    // The corrected return (another file) is received again, and its reasons are cleared.
    let corrected = t.path().join("子育て支援課_修正.xlsx");
    t.ok(&["export", "ledger", "--fy", "2024", "--bureau", "こども部/子育て支援課", "-o", corrected.to_str().unwrap()]);
    t.ok(&["import", corrected.to_str().unwrap()]);
    let r = status(&t, "2024");
    assert_eq!(section(&r, "子育て支援課")["state"], "受付");
    assert!(section(&r, "子育て支援課")["reasons"].is_null());

    // A confirmed return cannot go back to 未提出; closing waits for every section.
    t.ok(&["survey", "set", "子育て支援課", "--fy", "2024", "--state", "確定"]);
    let err = t.fails(&["survey", "set", "子育て支援課", "--fy", "2024", "--state", "未提出"], 2);
    assert!(err.contains("変えられません"), "{err}");
    let err = t.fails(&["survey", "close", "--fy", "2024"], 2);
    assert!(err.contains("3 課") && err.contains("保育課（未提出）"), "{err}");
    for name in ["保育課", "こども家庭課", "幼児教育課"] {
        // Received on paper, checked, confirmed.
        for state in ["受付", "確認中", "確定"] {
            t.ok(&["survey", "set", name, "--fy", "2024", "--state", state]);
        }
    }
    t.ok(&["survey", "close", "--fy", "2024"]);
    let s = status(&t, "2024");
    assert!(s["closed_on"].as_str().is_some(), "{s}");
    assert!(states(&s).iter().all(|(_, st)| st == "確定"));

    // Every step is in the audit log.
    let log: Json = serde_json::from_str(&t.ok(&["log", "--limit", "200", "--json"])).unwrap();
    let survey_rows = log.as_array().unwrap().iter().filter(|e| e["entity"] == "survey_return").count();
    assert!(survey_rows >= 13, "each change of a return's state is audited ({survey_rows})");
}

#[test]
fn files_are_named_as_the_units_were_named_that_year() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let dir = t.path().join("r4");
    t.ok(&[
        "survey",
        "start",
        "--fy",
        "2022",
        "--deadline",
        "2022-05-31",
        "-o",
        dir.to_str().unwrap(),
        "--bureau",
        "子ども部",
    ]);
    assert!(dir.join("調査票_R4_子ども部_保育課.xlsx").exists(), "子ども部 was renamed こども部 only in 令和5年度");
    let err = t.fails(&["survey", "status", "--fy", "2023"], 3);
    assert!(err.contains("まだ始めていません"), "{err}");
}

#[test]
fn a_return_moves_only_along_the_survey() {
    use ReturnState::*;
    let allowed = [
        (Missing, Received),
        (Received, Received),
        (Received, Checking),
        (Received, SentBack),
        (Received, Confirmed),
        (Checking, SentBack),
        (Checking, Confirmed),
        (SentBack, Received),
        (SentBack, SentBack),
        (Confirmed, Checking),
    ];
    for from in ReturnState::ALL {
        for to in ReturnState::ALL {
            assert_eq!(
                from.can_become(*to),
                allowed.contains(&(*from, *to)),
                "{from} → {to}: a return is received before it is checked, and nothing returns to 未提出"
            );
        }
    }
}

#[test]
fn survey_file_names_hold_no_character_windows_refuses() {
    let name = daicho::actions::survey_file_name(daicho::fiscal::FiscalYear(2025), "総務部", "人事/給与:課*");
    assert_eq!(name, "調査票_R7_総務部_人事＿給与＿課＿.xlsx");
}

#[test]
fn a_new_survey_never_writes_over_a_file_in_its_folder() {
    let t = TestDir::new();
    t.ok(&["demo"]);
    let dir = t.path().join("調査");
    let args = ["survey", "start", "--fy", "2024", "--deadline", "2024-05-31", "-o", dir.to_str().unwrap()];
    t.ok(&[&args[..], &["--bureau", "こども部"]].concat());
    // A department's answer came back under the name it was sent with.
    let answer = dir.join("調査票_R6_こども部_保育課.xlsx");
    std::fs::write(&answer, b"the department's answer").unwrap();
    let err = t.fails(&[&args[..], &["--bureau", "こども部"]].concat(), 4);
    assert!(err.contains("調査票_R6_こども部_保育課.xlsx") && err.contains("上書きしません"), "{err}");
    assert_eq!(std::fs::read(&answer).unwrap(), b"the department's answer", "the answer is untouched");
    // Another 部局 into the same folder adds its own files.
    let out = t.ok(&[&args[..], &["--bureau", "総務部"]].concat());
    assert!(out.contains("課分"), "{out}");
}

#[test]
fn a_section_merged_after_the_survey_started_is_still_itself() {
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
        "こども部",
    ]);
    // The reorganisation is recorded late: 幼児教育課 merged into 保育課 from 令和6年度.
    t.ok(&["org", "merge", "こども部/幼児教育課", "--into", "こども部/保育課", "--fy", "2024"]);
    t.ok(&["survey", "set", "こども部/幼児教育課", "--fy", "2024", "--state", "受付"]);
    let s = status(&t, "2024");
    assert_eq!(section(&s, "幼児教育課")["state"], "受付", "the section named is the one moved: {s}");
    assert_eq!(section(&s, "保育課")["state"], "未提出", "the section it merged into is untouched: {s}");
}

/// The sample city can be taken out again (`demo --remove`): the ledger is empty and the sample is kept beside it;
/// a ledger that is not the sample is never emptied.
#[test]
fn the_sample_is_removable_and_a_real_ledger_is_not() {
    if crate::support::on_server("taking the sample out keeps it as a file beside the ledger") {
        return;
    }
    let t = TestDir::new();
    t.ok(&["demo"]);
    let out = t.ok(&["demo", "--remove"]);
    assert!(out.contains("空の台帳にしました"), "{out}");
    assert!(t.json(&["list", "--json"]).as_array().unwrap().is_empty(), "nothing of the sample is left");
    let kept = t.db().with_extension("sqlite3.before-restore");
    assert!(daicho::db::Store::open(&kept).unwrap().initiative_count().unwrap() > 0, "the sample is kept");
    t.ok(&["org", "add", "総務部/人事課"]);
    t.ok(&["add", "--unit", "総務部/人事課", "--kind", "RPA", "--title", "給与計算"]);
    let err = t.fails(&["demo", "--remove"], 2);
    assert!(err.contains("サンプルデータではない"), "{err}");
    assert_eq!(t.json(&["list", "--json"]).as_array().unwrap().len(), 1, "the real ledger is untouched");
}

/// Opening a ledger file checks it first: a file that is not a Daicho ledger is refused untouched, never turned
/// into one; a new ledger is never made over an existing file.
#[test]
fn only_a_daicho_ledger_is_opened_and_a_new_one_overwrites_nothing() {
    let t = TestDir::new();
    let notes = t.path().join("メモ.sqlite3");
    std::fs::write(&notes, "台帳ではないファイル").unwrap();
    let Err(e) = daicho::db::Store::open_existing(&notes) else { panic!("a text file must be refused") };
    assert!(e.to_string().contains("メモ.sqlite3"), "the refusal names the file: {e}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "台帳ではないファイル", "left as it was");
    let Err(e) = daicho::db::Store::open_existing(&t.path().join("ない.sqlite3")) else {
        panic!("no file, no ledger")
    };
    assert!(e.to_string().contains("ない.sqlite3"), "{e}");
    let Err(e) = daicho::db::Store::create(&notes) else { panic!("a new ledger must not replace a file") };
    assert!(e.to_string().contains("すでにあります"), "{e}");
    let fresh = t.path().join("新しい台帳.sqlite3");
    drop(daicho::db::Store::create(&fresh).unwrap());
    assert_eq!(daicho::db::Store::open_existing(&fresh).unwrap().initiative_count().unwrap(), 0, "a new ledger opens");
}

/// `org set`: a unit's code and the year it ends; an ended 課 gets no survey file in later years.
#[test]
fn a_unit_gets_its_code_and_ends() {
    let t = TestDir::new();
    t.ok(&["org", "add", "市民部/市民課"]);
    t.ok(&["org", "add", "市民部/保険年金課"]);
    let out = t.ok(&["org", "set", "市民部/保険年金課", "--code", "0202", "--to", "2025"]);
    assert!(out.contains("コード 0202") && out.contains("令和7年度"), "{out}");
    let dir = t.path().join("調査");
    let out = t.ok(&["survey", "start", "--fy", "2026", "--deadline", "2026-05-29", "-o", dir.to_str().unwrap()]);
    assert!(out.contains("1 課分"), "only 市民課 is left in 令和8年度: {out}");
    let err = t.fails(&["org", "set", "市民部/市民課"], 2);
    assert!(err.contains("変更する項目"), "{err}");
}

/// A section with nothing to report sends its survey file back empty: the file says whom it was sent to and for
/// which year, so importing it still receives that section.
#[test]
fn an_empty_return_is_received_for_the_section_it_was_sent_to() {
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
        "健康部",
    ]);
    let empty = dir.join("調査票_R6_健康部_国民健康保険課.xlsx");
    let sheets = daicho::import::read_workbook(&std::fs::read(&empty).unwrap()).unwrap();
    let answer = sheets.iter().find(|s| s.name == "回答").unwrap();
    assert!(
        answer.rows.iter().skip(1).all(|r| r.iter().take(daicho::survey::Column::ALL.len()).all(|c| c.is_empty())),
        "a section with no line"
    );
    let out = t.ok(&["import", empty.to_str().unwrap()]);
    assert!(out.contains("取り込みました: 新規 0、更新 0、変更なし 0"), "{out}");
    let s = status(&t, "2024");
    assert_eq!(section(&s, "国民健康保険課")["state"], "受付", "received though it had no line: {s}");
}

/// A target or a cost entered by mistake is removed again (and said so when there is none to remove).
#[test]
fn a_target_and_a_cost_are_removed() {
    let t = TestDir::new();
    t.ok(&["org", "add", "総務部/人事課"]);
    t.ok(&["target", "set", "--fy", "2025", "--hours", "1200"]);
    t.ok(&["target", "set", "--fy", "2025", "--hours", "300", "--bureau", "総務部"]);
    t.ok(&["cost", "set", "--tool", "WinActor", "--fy", "2025", "--licence", "1000000"]);
    t.ok(&["target", "delete", "--fy", "2025", "--bureau", "総務部"]);
    let targets = t.json(&["target", "list", "--json"]);
    assert_eq!(targets.as_array().unwrap().len(), 1, "only the whole organisation's target is left: {targets}");
    t.ok(&["cost", "delete", "--tool", "ＷｉｎＡｃｔｏｒ", "--fy", "2025"]);
    assert!(t.json(&["cost", "list", "--json"]).as_array().unwrap().is_empty(), "the tool is found by its name's key");
    let err = t.fails(&["cost", "delete", "--tool", "WinActor", "--fy", "2025"], 3);
    assert!(err.contains("登録されていません"), "{err}");
    let log = t.ok(&["log"]);
    assert_eq!(log.matches("削除").count(), 2, "both removals are audited: {log}");
}
