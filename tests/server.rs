//! The shared ledger on a PostgreSQL server: connection strings, migrations under a lock, and `daicho db copy`
//! between a file and the server, both ways, exactly. Tests that need a server run in the PostgreSQL pass of the
//! suite (`DAICHO_TEST_BACKEND=postgres`, scripts/test.sh), and say they were skipped in the SQLite pass.

use daicho::db::{Location, Read, Store};

use crate::support::{Backend, TestDir, backend, describe};

/// A server to test against, or `None` (and a note) in the SQLite pass.
fn server_pass(test: &str) -> bool {
    let on = backend() == Backend::Postgres;
    if !on {
        eprintln!("{test}: needs the PostgreSQL pass of the suite (scripts/test.sh)");
    }
    on
}

/// Runs `daicho ARGS` (no `--db` added) and requires success.
fn ok(t: &TestDir, args: &[&str]) -> String {
    let out = t.command().args(args).output().unwrap();
    assert!(out.status.success(), "daicho {args:?} failed:\n{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `daicho ARGS` (no `--db` added) and requires the exit code; returns stderr.
fn fails(t: &TestDir, args: &[&str], code: i32) -> String {
    let out = t.command().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "daicho {args:?}:\n{}", describe(&out));
    String::from_utf8(out.stderr).unwrap()
}

/// Every row of every table of an SQLite ledger, as text, table by table in a fixed order.
fn file_rows(path: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
                })
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            (t, rows)
        })
        .collect()
}

#[test]
fn connection_strings_are_servers_and_anything_else_a_file() {
    let cases = [
        ("postgresql://db.city.local/daicho?sslmode=verify-full", true),
        ("postgres://kaizen@db/daicho", true),
        ("POSTGRESQL://DB/daicho", true),
        ("host=db.city.local dbname=daicho user=kaizen", true),
        ("dbname=daicho", true),
        ("C:\\Users\\kaizen\\台帳.sqlite3", false),
        ("台帳 host=1.sqlite3", false),
        ("daicho.sqlite3", false),
        ("//server/share/daicho.sqlite3", false),
    ];
    for (text, server) in cases {
        assert_eq!(matches!(Location::parse(text), Location::Server(_)), server, "{text}");
    }
    let shown = [
        ("postgresql://kaizen:s3cret@db/daicho", "postgresql://kaizen:***@db/daicho"),
        (
            "postgresql://db/daicho?password=s3cret&sslmode=require",
            "postgresql://db/daicho?password=***&sslmode=require",
        ),
        ("host=db dbname=daicho password=s3cret", "host=db dbname=daicho password=***"),
    ];
    for (text, expected) in shown {
        assert_eq!(Location::parse(text).shown(), expected, "a password is never shown");
    }
}

#[test]
fn a_ledger_copies_to_the_server_and_back_exactly() {
    if !server_pass("a_ledger_copies_to_the_server_and_back_exactly") {
        return;
    }
    let t = TestDir::new();
    let file = t.path().join("一人の台帳.sqlite3");
    let back = t.path().join("持ち出し.sqlite3");
    let file_arg = file.to_str().unwrap();
    ok(&t, &["--db", file_arg, "demo"]);
    // Some history besides the sample's: an edit, an audit row of a deletion, a survey.
    ok(&t, &["--db", file_arg, "edit", "R5-0001", "--status", "停止"]);
    let out_dir = t.path().join("調査票");
    let out_dir = out_dir.to_str().unwrap();
    ok(&t, &["--db", file_arg, "survey", "start", "--fy", "2024", "--deadline", "2024-06-28", "-o", out_dir]);
    let server = t.target();
    let out = ok(&t, &["db", "copy", file_arg, &server]);
    assert!(out.contains("一致を確かめました"), "the command says it checked the copy: {out}");
    let out = ok(&t, &["db", "copy", &server, back.to_str().unwrap()]);
    assert!(out.contains("集計も一致しています"), "{out}");
    let (a, b) = (file_rows(&file), file_rows(&back));
    assert_eq!(a.len(), b.len(), "the same tables");
    for ((table, rows_a), (_, rows_b)) in a.iter().zip(&b) {
        assert_eq!(rows_a, rows_b, "{table}: every row, id and value, is the same after file → server → file");
    }
    assert!(a.iter().any(|(t, rows)| t == "audit_log" && rows.len() > 100), "the audit log came along");
    for fy in ["2022", "2023", "2024"] {
        let on_file =
            serde_json::from_str::<serde_json::Value>(&ok(&t, &["--db", file_arg, "summary", "--fy", fy, "--json"]))
                .unwrap();
        let on_server =
            serde_json::from_str::<serde_json::Value>(&ok(&t, &["--db", &server, "summary", "--fy", fy, "--json"]))
                .unwrap();
        assert_eq!(on_file, on_server, "the server's summary of {fy} is the file's");
    }
    // The server numbers on after the copied ids: a new initiative gets a fresh id and audit row.
    ok(&t, &["--db", &server, "add", "--unit", "総務部/総務課", "--title", "写した後の取組", "--kind", "RPA"]);
    let store = Store::open_target(&server).unwrap();
    assert!(store.initiatives(&Default::default()).unwrap().iter().any(|i| i.title == "写した後の取組"));
}

#[test]
fn a_copy_never_writes_into_a_ledger() {
    let t = TestDir::new();
    let file = t.path().join("a.sqlite3");
    ok(&t, &["--db", file.to_str().unwrap(), "demo"]);
    let existing = t.path().join("b.sqlite3");
    ok(&t, &["--db", existing.to_str().unwrap(), "org", "add", "総務部"]);
    let before = std::fs::read(&existing).unwrap();
    let err = fails(&t, &["db", "copy", file.to_str().unwrap(), existing.to_str().unwrap()], 4);
    assert!(err.contains("すでにあります"), "an existing file is never written over: {err}");
    assert_eq!(std::fs::read(&existing).unwrap(), before, "and is left as it was");
    if backend() == Backend::Postgres {
        let server = t.target();
        ok(&t, &["--db", &server, "org", "add", "総務部"]);
        let err = fails(&t, &["db", "copy", file.to_str().unwrap(), &server], 4);
        assert!(err.contains("空ではありません"), "a server database with a ledger is refused: {err}");
        let store = Store::open_target(&server).unwrap();
        assert_eq!(store.initiative_count().unwrap(), 0, "nothing of the refused copy is there");
    }
}

#[test]
fn clients_starting_at_once_migrate_the_server_once() {
    if !server_pass("clients_starting_at_once_migrate_the_server_once") {
        return;
    }
    let t = TestDir::new();
    let target = t.target();
    let opened: Vec<_> = (0..6)
        .map(|_| {
            let target = target.clone();
            std::thread::spawn(move || Store::open_target(&target).map(|s| s.schema_version().unwrap()))
        })
        .collect();
    for h in opened {
        let version = h.join().unwrap().unwrap_or_else(|e| panic!("every client opens the ledger: {e}"));
        assert_eq!(version, daicho::db::latest_schema_version(), "each finds the latest schema");
    }
}

#[test]
fn a_viewer_reads_and_the_server_refuses_its_writes_and_an_editor_is_named_in_the_log() {
    if !server_pass("a_viewer_reads_and_the_server_refuses_its_writes_and_an_editor_is_named_in_the_log") {
        return;
    }
    let t = TestDir::new();
    let owner = t.target();
    ok(&t, &["--db", &owner, "demo"]);
    let out = ok(&t, &["server", "init", &owner]);
    assert!(out.contains("daicho_editor"), "{out}");
    // Logins of a manager and a staff member (roles are the cluster's: one pair per test process).
    let (viewer, editor) = (format!("kanri_{}", std::process::id()), format!("tanaka_{}", std::process::id()));
    let admin = Store::open_target(&owner).unwrap();
    drop(admin);
    let mut c = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "DROP ROLE IF EXISTS {viewer}; DROP ROLE IF EXISTS {editor};
         CREATE ROLE {viewer} LOGIN IN ROLE daicho_viewer; CREATE ROLE {editor} LOGIN IN ROLE daicho_editor;"
    ))
    .unwrap();
    let as_login = |login: &str| owner.replace("user=daicho", &format!("user={login}"));
    let (as_viewer, as_editor) = (as_login(&viewer), as_login(&editor));
    assert!(as_viewer.contains(&viewer), "the test server's words name the user: {owner}");

    let summary = ok(&t, &["--db", &as_viewer, "summary", "--fy", "2023"]);
    assert!(summary.contains("合計"), "a viewer reads: {summary}");
    let err = fails(&t, &["--db", &as_viewer, "edit", "R5-0001", "--status", "停止"], 7);
    assert!(err.contains("権限がありません"), "the server refuses a viewer's write: {err}");
    let err = fails(&t, &["--db", &as_viewer, "org", "add", "新設部"], 7);
    assert!(err.contains("権限がありません"), "{err}");

    ok(&t, &["--db", &as_editor, "edit", "R5-0001", "--status", "停止"]);
    let log: serde_json::Value =
        serde_json::from_str(&ok(&t, &["--db", &as_editor, "log", "--limit", "1", "--json"])).unwrap();
    assert_eq!(log[0]["actor"], editor.as_str(), "the server names the login, not the PC's user name: {log}");
    let err = c.batch_execute("SET ROLE daicho_editor; DELETE FROM audit_log").unwrap_err();
    let message = err.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
    assert!(message.contains("permission denied"), "an editor cannot remove audit rows: {err:?}");
    c.batch_execute(&format!("RESET ROLE; DROP OWNED BY {viewer}, {editor}; DROP ROLE {viewer}; DROP ROLE {editor};"))
        .unwrap();
}

#[test]
#[cfg(unix)]
fn staff_adding_at_once_never_share_a_ledger_id() {
    if !server_pass("staff_adding_at_once_never_share_a_ledger_id") {
        return;
    }
    let t = TestDir::new();
    let server = t.target();
    ok(&t, &["--db", &server, "org", "add", "総務部/総務課"]);
    // Five staff, each a process of its own adding twelve initiatives of one year as fast as it can.
    let (staff, each) = (5, 12);
    let workers: Vec<_> = (0..staff)
        .map(|s| {
            let script = (0..each)
                .map(|n| {
                    format!(
                        "'{}' --db '{server}' add --unit 総務部/総務課 --kind RPA --title '職員{s}の取組{n}' --start 2024-05-01 >/dev/null || exit 1",
                        env!("CARGO_BIN_EXE_daicho")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            t.command_named("sh").arg("-c").arg(script).spawn().unwrap()
        })
        .collect();
    for mut w in workers {
        assert!(w.wait().unwrap().success(), "every add lands: none is refused for a 管理番号 another took");
    }
    let store = Store::open_target(&server).unwrap();
    let ids: Vec<String> = store.initiatives(&Default::default()).unwrap().into_iter().map(|i| i.ledger_id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), staff * each, "every initiative is there");
    assert_eq!(unique.len(), ids.len(), "no 管理番号 repeats: {ids:?}");
    assert_eq!(unique.last().map(String::as_str), Some("R6-0060"), "numbered R6-0001 … R6-0060 without a gap");
    let created = store
        .audit_log(daicho::ledger::AuditQuery { entity: Some("initiative"), key: None, limit: 1000 })
        .unwrap()
        .iter()
        .filter(|e| e.action == "create")
        .count();
    assert_eq!(created, staff * each, "the audit log accounts for every initiative added");
}
