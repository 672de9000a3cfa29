//! 元に戻す (`daicho undo`): a person's newest change reverted through the audit log, on either backend.

use serde_json::Value;

use crate::support::{Launch, TestDir, describe, fixture};

/// What a person sees of the ledger: every initiative with its figures, AI-OCR measures and evaluations, without
/// the row ids and versions an undo may renumber (a deleted initiative comes back as a new row with its 管理番号).
fn seen(t: &TestDir) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["id", "initiative_id", "version"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let ids: Vec<String> = t
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ledger_id"].as_str().unwrap().to_string())
        .collect();
    let mut all: Value = ids
        .iter()
        .map(|id| {
            let mut shown = t.json(&["show", id, "--json"]);
            // The history of statuses gains the undo's own entry; what the initiative is, is compared.
            shown.as_object_mut().unwrap().remove("status_history");
            shown
        })
        .collect();
    strip(&mut all);
    all
}

/// Each kind of change, undone, leaves the ledger as it was before it; the undo is itself a change, so undoing
/// again brings the change back.
#[test]
fn an_edit_a_deletion_and_an_import_batch_are_undone_and_redone() {
    let returns = [fixture("template_filled.xlsx"), fixture("simple.ods")];
    let returns: Vec<&str> = returns.iter().map(|p| p.to_str().unwrap()).collect();
    let cases: [(&str, Vec<&str>, &str); 5] = [
        (
            "an edit",
            vec!["edit", "R5-0001", "--title", "給与支払報告書の入力（改）", "--status", "停止"],
            "取組 R5-0001「給与支払報告書の入力（改）」の変更",
        ),
        ("a deletion with its figures", vec!["delete", "R5-0002"], "取組 1 件の削除、効果 1 件の削除"),
        (
            "a figure",
            vec!["effect", "set", "R6-0001", "--fy", "2024", "--basis", "試算", "--formula", "3分×200件"],
            "効果 1 件の登録",
        ),
        (
            "an evaluation",
            vec!["evaluate", "R5-0001", "--fy", "2024", "--grade", "B", "--reason", "対象件数が減った"],
            "評価 1 件の登録",
        ),
        ("an import batch of two files", [vec!["import"], returns.clone()].concat(), "（取り込み 2 ファイル）"),
    ];
    for (what, change, described) in cases {
        let t = TestDir::seeded();
        let before = seen(&t);
        t.ok(&change);
        let after = seen(&t);
        assert_ne!(before, after, "{what}: the change changed something to undo");
        let offered = t.ok(&["undo", "--dry-run"]);
        assert!(offered.contains(described), "{what}: the undo names what it undoes: {offered}");
        assert_eq!(seen(&t), after, "{what}: a dry run changes nothing");
        let done = t.ok(&["undo"]);
        assert!(done.contains("元に戻しました") && done.contains(described), "{what}: {done}");
        assert_eq!(seen(&t), before, "{what}: undone, the ledger is as it was before the change");
        t.ok(&["undo"]);
        assert_eq!(seen(&t), after, "{what}: undoing the undo brings the change back");
    }
}

/// A deleted initiative comes back whole: its figures, its evaluations and its status history as they were (not a
/// history restarted on the day of the undo), and undoing the undo deletes it again, all of it.
#[test]
fn a_deleted_initiative_comes_back_with_its_evaluations_and_status_history() {
    let t = TestDir::seeded();
    t.ok(&["evaluate", "R5-0002", "--fy", "2023", "--grade", "A", "--reason", "全庁展開", "--comment", "横展開を検討"]);
    t.ok(&["evaluate", "R5-0002", "--fy", "2024", "--grade", "C"]);
    t.ok(&["edit", "R5-0002", "--status", "停止"]);
    let whole = |t: &TestDir| {
        let mut shown = t.json(&["show", "R5-0002", "--json"]);
        let map = shown.as_object_mut().unwrap();
        // A deleted initiative comes back as a new row (its 管理番号 kept): row ids and its version are renumbered.
        map["initiative"].as_object_mut().unwrap().retain(|k, _| k != "id" && k != "version");
        for list in ["effects", "ocr_measures"] {
            for item in map.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
                item.as_object_mut().unwrap().retain(|k, _| k != "id" && k != "initiative_id");
            }
        }
        shown
    };
    let before = whole(&t);
    assert_eq!(before["evaluations"].as_array().map(Vec::len), Some(2), "two evaluations to give back: {before}");
    assert!(before["status_history"].as_array().is_some_and(|h| h.len() >= 2), "a history of two statuses: {before}");

    t.ok(&["delete", "R5-0002"]);
    let offered = t.ok(&["undo", "--dry-run"]);
    assert!(
        offered.contains("評価 2 件の削除") && !offered.contains("状況の履歴"),
        "the history goes with its initiative: {offered}"
    );
    t.ok(&["undo"]);
    assert_eq!(whole(&t), before, "the initiative is back with its evaluations and the history it had");
    t.ok(&["undo"]);
    let gone = t.fails(&["show", "R5-0002"], 3);
    assert!(gone.contains("R5-0002"), "undoing the undo deletes it again: {gone}");
    t.ok(&["undo"]);
    assert_eq!(whole(&t), before, "and the next undo brings all of it back once more");
}

/// An undone import is forgotten, so the same files can be imported again (a batch imported by mistake is undone,
/// and imported once more when it is the right one).
#[test]
fn an_undone_import_can_be_imported_again() {
    let t = TestDir::seeded();
    let file = fixture("template_filled.xlsx");
    let file = file.to_str().unwrap();
    t.ok(&["import", file]);
    let imported = seen(&t);
    let again = t.ok(&["import", file]);
    assert!(again.contains("取り込み済み"), "a second import of the same file is skipped: {again}");
    t.ok(&["undo"]);
    t.ok(&["import", file]);
    assert_eq!(seen(&t), imported, "the undone file imports again, to the same ledger");
}

/// Nothing is undone over a colleague's later change to a record of the change, nor when the change touched what
/// the audit log cannot give back; the refusal says why, and the ledger is left as it is.
#[test]
fn an_undo_is_refused_over_a_later_change_and_for_what_it_cannot_give_back() {
    let t = TestDir::seeded();
    t.ok(&["edit", "R5-0001", "--notes", "自分の変更"]);
    let colleague = t
        .command()
        .env("USER", "同僚")
        .env("USERNAME", "同僚")
        .args(["--db", &t.target(), "edit", "R5-0001", "--notes", "同僚の変更"])
        .launch();
    assert!(colleague.status.success(), "{}", describe(&colleague));
    let now = seen(&t);
    let err = t.fails(&["undo"], 4);
    assert!(err.contains("取組 R5-0001") && err.contains("同僚"), "names the record and who changed it: {err}");
    assert_eq!(seen(&t), now, "the refused undo wrote nothing");

    let t = TestDir::seeded();
    t.ok(&["target", "set", "--fy", "2024", "--hours", "1000"]);
    let err = t.fails(&["undo"], 2);
    assert!(err.contains("目標値") && err.contains("元に戻せません"), "says what cannot be undone: {err}");

    let t = TestDir::new();
    let err = t.fails(&["undo"], 3);
    assert!(err.contains("変更は、この台帳にありません"), "{err}");
}
