//! 一括変更: 状況 and ツール set on several initiatives in one action (`actions::edit_initiatives`, the app's
//! selection and `daicho edit ID ID …`). Each change is audited on its own; a batch holding one initiative that
//! another person changed (or deleted) since it was seen is refused whole, naming it. On both backends.

use chrono::NaiveDate;
use daicho::actions::{self, BulkChanges, Picked};
use daicho::db::{Read, Store};
use daicho::ledger::{AuditQuery, Initiative, Status};

use crate::support::{Launch, TestDir, author, colleague, describe};

/// The version a case sends for a picked initiative.
#[derive(Clone, Copy)]
enum Seen {
    /// The current one: nobody changed it since.
    Current,
    /// The one before a colleague's edit of its 備考.
    BeforeColleague,
    /// The one before a colleague deleted it.
    BeforeDeletion,
    /// None, as the CLI sends without `--if-version`: the version read when the edit runs.
    Unchecked,
}

enum Want {
    /// Changed and unchanged 管理番号, in the order picked.
    Done(&'static [&'static str], &'static [&'static str]),
    /// Refused with this code, the message naming each of these; nothing written.
    Refused(&'static str, &'static [&'static str]),
}

struct Case {
    name: &'static str,
    picked: &'static [(&'static str, Seen)],
    status: Option<Status>,
    tool: Option<Option<&'static str>>,
    want: Want,
}

const fn case(
    name: &'static str,
    picked: &'static [(&'static str, Seen)],
    status: Option<Status>,
    tool: Option<Option<&'static str>>,
    want: Want,
) -> Case {
    Case { name, picked, status, tool, want }
}

/// The seed (tests/fixtures/seed.txt): R5-0001 WinActor 運用中, R5-0002 DX Suite 運用中, R6-0001 UiPath 試行中.
const CASES: &[Case] = {
    use Seen::*;
    use Status::*;
    &[
        case(
            "状況 of three",
            &[("R5-0001", Current), ("R5-0002", Current), ("R6-0001", Current)],
            Some(Suspended),
            None,
            Want::Done(&["R5-0001", "R5-0002", "R6-0001"], &[]),
        ),
        case(
            "ツール of two",
            &[("R5-0002", Current), ("R6-0001", Current)],
            None,
            Some(Some("WinActor")),
            Want::Done(&["R5-0002", "R6-0001"], &[]),
        ),
        case(
            "状況 and ツール at once",
            &[("R6-0001", Current), ("R5-0001", Current)],
            Some(Operating),
            Some(Some("BizRobo!")),
            Want::Done(&["R6-0001", "R5-0001"], &[]),
        ),
        case(
            "one already as asked is left unchanged, unaudited",
            &[("R5-0001", Current), ("R6-0001", Current)],
            Some(Operating),
            None,
            Want::Done(&["R6-0001"], &["R5-0001"]),
        ),
        case(
            "ツール cleared",
            &[("R5-0001", Current), ("R5-0002", Current)],
            None,
            Some(None),
            Want::Done(&["R5-0001", "R5-0002"], &[]),
        ),
        case(
            "the same initiative picked twice counts once",
            &[("R5-0001", Current), ("R5-0001", Current)],
            Some(Trial),
            None,
            Want::Done(&["R5-0001"], &[]),
        ),
        case(
            "without versions the one read now: a colleague's earlier change is no conflict",
            &[("R5-0001", Unchecked), ("R5-0002", Unchecked)],
            Some(Suspended),
            None,
            Want::Done(&["R5-0001", "R5-0002"], &[]),
        ),
        case(
            "one changed meanwhile refuses the batch, naming it and who",
            &[("R5-0001", Current), ("R5-0002", BeforeColleague), ("R6-0001", Current)],
            Some(Suspended),
            None,
            Want::Refused("conflict", &["次の 1 件", "R5-0002（同僚 2024-06-01 08:30）", "どれも変更していません"]),
        ),
        case(
            "every stale one is named",
            &[("R5-0001", BeforeColleague), ("R5-0002", Current), ("R6-0001", BeforeColleague)],
            None,
            Some(Some("UiPath")),
            Want::Refused("conflict", &["次の 2 件", "R5-0001（同僚", "R6-0001（同僚"]),
        ),
        case(
            "one deleted meanwhile refuses the batch",
            &[("R5-0001", Current), ("R5-0002", BeforeDeletion)],
            Some(Suspended),
            None,
            Want::Refused("conflict", &["R5-0002（削除されています）"]),
        ),
        case(
            "an unknown 管理番号 is not found, and nothing is written",
            &[("R5-0001", Unchecked), ("R9-9999", Unchecked)],
            Some(Suspended),
            None,
            Want::Refused("not_found", &["R9-9999"]),
        ),
        case("nothing to change", &[("R5-0001", Current)], None, None, Want::Refused("validation", &["状況・ツール"])),
        case("nothing picked", &[], Some(Suspended), None, Want::Refused("validation", &["取組を選んでください"])),
    ]
};

fn initiative(store: &Store, id: &str) -> Initiative {
    store.initiative_by_ledger_id(id).unwrap()
}

fn audit_rows(store: &Store, id: &str) -> usize {
    store.audit_log(AuditQuery { entity: Some("initiative"), key: Some(id), limit: 1000 }).unwrap().len()
}

#[test]
fn a_bulk_edit_changes_every_initiative_picked_or_none() {
    for c in CASES {
        let t = TestDir::seeded();
        let mut store = t.store();
        let mut picked = Vec::new();
        for (id, seen) in c.picked {
            let version = store.initiative_by_ledger_id(id).map(|i| i.version).ok();
            picked.push(Picked {
                ledger_id: id.to_string(),
                version: match seen {
                    Seen::Unchecked => None,
                    _ => version,
                },
            });
        }
        // What colleagues do after the versions were seen.
        for (id, seen) in c.picked {
            match seen {
                Seen::BeforeColleague | Seen::Unchecked if store.initiative_by_ledger_id(id).is_ok() => {
                    let notes = actions::InitiativeChanges {
                        notes: Some(Some("同僚の追記".into())),
                        ..Default::default()
                    };
                    actions::edit_initiative(&mut store, &colleague(), id, notes).unwrap();
                }
                Seen::BeforeDeletion => {
                    actions::delete_initiative(&mut store, &colleague(), id, None).unwrap();
                }
                _ => {}
            }
        }
        let ids = ["R5-0001", "R5-0002", "R6-0001"];
        let before: Vec<Option<Initiative>> = ids.iter().map(|id| store.initiative_by_ledger_id(id).ok()).collect();
        let audited: Vec<usize> = ids.iter().map(|id| audit_rows(&store, id)).collect();
        let changes = BulkChanges {
            status: c.status,
            status_on: Some(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap()),
            tool: c.tool.map(|t| t.map(String::from)),
        };
        let result = actions::edit_initiatives(&mut store, &author(), &picked, &changes);
        match (&c.want, result) {
            (Want::Done(changed, unchanged), Ok(done)) => {
                let names = |list: &[Initiative]| list.iter().map(|i| i.ledger_id.clone()).collect::<Vec<_>>();
                assert_eq!(names(&done.changed), *changed, "{}: changed", c.name);
                assert_eq!(names(&done.unchanged), *unchanged, "{}: unchanged", c.name);
                for (n, id) in ids.iter().enumerate() {
                    let Some(was) = &before[n] else { continue };
                    let now = initiative(&store, id);
                    let new_rows = audit_rows(&store, id) - audited[n];
                    if !changed.contains(id) {
                        assert_eq!(&now, was, "{}: {id} was not to change", c.name);
                        assert_eq!(new_rows, 0, "{}: {id} unchanged, so not audited", c.name);
                        continue;
                    }
                    assert_eq!(now.status, c.status.unwrap_or(was.status), "{}: {id}'s 状況", c.name);
                    let tool = c.tool.map_or(was.tool.clone(), |t| t.map(String::from));
                    assert_eq!(now.tool, tool, "{}: {id}'s ツール", c.name);
                    assert_eq!(
                        (&now.title, &now.notes, now.unit_id, now.version),
                        (&was.title, &was.notes, was.unit_id, was.version + 1),
                        "{}: {id}: nothing else changes, the version goes up once",
                        c.name
                    );
                    // Its own audit row, by the person who made the batch, with before and after.
                    assert_eq!(new_rows, 1, "{}: {id} audited once", c.name);
                    let q = AuditQuery { entity: Some("initiative"), key: Some(id), limit: 1 };
                    let entry = store.audit_log(q).unwrap().remove(0);
                    assert_eq!((entry.actor.as_str(), entry.action.as_str()), ("tester", "update"), "{}", c.name);
                    assert_eq!(entry.before.as_ref().unwrap()["version"], was.version, "{}: {id}", c.name);
                    assert_eq!(entry.after.as_ref().unwrap()["version"], now.version, "{}: {id}", c.name);
                    if now.status != was.status {
                        let history = store.status_history(now.id).unwrap();
                        let last = history.iter().max_by_key(|h| h.changed_on).unwrap();
                        assert_eq!(
                            (last.status, last.changed_on.to_string()),
                            (now.status, "2025-03-31".into()),
                            "{}",
                            c.name
                        );
                    }
                }
            }
            (Want::Refused(code, names), Err(e)) => {
                assert_eq!(e.code(), *code, "{}: {e}", c.name);
                for name in *names {
                    assert!(e.to_string().contains(name), "{}: the refusal names {name}: {e}", c.name);
                }
                for (n, id) in ids.iter().enumerate() {
                    assert_eq!(store.initiative_by_ledger_id(id).ok(), before[n], "{}: {id}: nothing written", c.name);
                    if before[n].is_some() {
                        assert_eq!(audit_rows(&store, id), audited[n], "{}: {id}: nothing audited", c.name);
                    }
                }
            }
            (Want::Done(..), Err(e)) => panic!("{}: refused: {e}", c.name),
            (Want::Refused(..), Ok(done)) => panic!("{}: not refused: {done:?}", c.name),
        }
    }
}

/// The CLI's form: `daicho edit ID ID … --status/--tool`, with `--if-version` once per 管理番号; the fields an
/// edit of one takes are refused for several, and a stale version refuses the batch with exit code 4.
#[test]
fn daicho_edit_of_several_sets_status_and_tool_or_refuses() {
    let t = TestDir::seeded();
    let out = t.ok(&["edit", "R5-0001", "R5-0002", "R6-0001", "--status", "停止", "--status-on", "令和6年5月31日"]);
    assert!(out.contains("3 件の取組を変更しました: R5-0001, R5-0002, R6-0001"), "{out}");
    let out = t.ok(&["edit", "R5-0001", "R6-0001", "--tool", "UiPath"]);
    assert!(out.contains("1 件の取組を変更しました: R5-0001（すでにその内容だった 1 件は変更なし: R6-0001）"), "{out}");
    for id in ["R5-0001", "R5-0002", "R6-0001"] {
        let shown = t.json(&["show", id, "--json"]);
        assert_eq!(shown["initiative"]["status"], "停止", "{id}");
    }
    let tools: Vec<String> = ["R5-0001", "R6-0001"]
        .iter()
        .map(|id| t.json(&["show", id, "--json"])["initiative"]["tool"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tools, ["UiPath", "UiPath"]);

    let err = t.fails(&["edit", "R5-0001", "R5-0002", "--title", "まとめて", "--owner", "山田"], 2);
    assert!(err.contains("--status（--status-on）と --tool だけ") && err.contains("--title・--owner"), "{err}");
    let err = t.fails(&["edit", "R5-0001", "R5-0002", "--status", "運用中", "--if-version", "1"], 2);
    assert!(err.contains("--if-version は管理番号と同じ数だけ"), "{err}");

    // Versions seen, then a colleague changes R5-0002: the batch is refused whole, naming it and who.
    let version = |id: &str| t.json(&["show", id, "--json"])["initiative"]["version"].as_i64().unwrap().to_string();
    let (v1, v2) = (version("R5-0001"), version("R5-0002"));
    let colleague = t
        .command()
        .env("USER", "同僚")
        .env("USERNAME", "同僚")
        .args(["--db", &t.target(), "edit", "R5-0002", "--notes", "同僚の変更"])
        .launch();
    assert!(colleague.status.success(), "{}", describe(&colleague));
    let err =
        t.fails(&["edit", "R5-0001", "R5-0002", "--status", "運用中", "--if-version", &v1, "--if-version", &v2], 4);
    assert!(err.contains("R5-0002（同僚") && err.contains("どれも変更していません"), "{err}");
    assert_eq!(t.json(&["show", "R5-0001", "--json"])["initiative"]["status"], "停止", "R5-0001 was not changed");
    let v2 = version("R5-0002");
    t.ok(&["edit", "R5-0001", "R5-0002", "--status", "運用中", "--if-version", &v1, "--if-version", &v2]);
    assert_eq!(t.json(&["show", "R5-0002", "--json"])["initiative"]["status"], "運用中");
}
