//! Crash durability: an import killed with SIGKILL at random moments leaves a sound database holding the file's
//! rows all or none, with an import history that agrees — over 100 kills.

use daicho::db::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::Launch;
use crate::support::TestDir;

pub(crate) const ROWS: usize = 300;
const KILLS: usize = 100;

/// A return with `ROWS` new initiatives, written with rust_xlsxwriter.
pub(crate) fn big_return(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["部局", "課", "区分", "業務名", "年度", "算定区分", "算定式"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        let r = i as u32 + 1;
        for (c, v) in
            ["総務部", "人事課", "RPA", &format!("定型業務{i:04}"), "2024", "実績", &format!("5分×{}件", 100 + i)]
                .iter()
                .enumerate()
        {
            ws.write_string(r, c as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// A small deterministic generator, so a failure can be replayed.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn an_import_killed_at_random_moments_is_all_or_nothing() {
    if crate::support::on_server("kills the CLI writing an SQLite file") {
        return;
    }
    let t = TestDir::new();
    t.ok(&["org", "add", "総務部/人事課"]);
    let file = t.path().join("big.xlsx");
    big_return(&file);
    let seed = std::fs::read(t.db()).unwrap();

    // How long a whole import takes here, to spread the kills over it.
    let start = Instant::now();
    t.ok(&["import", file.to_str().unwrap()]);
    let full = start.elapsed();

    let mut rng = Lcg(0x5eed_da1c_4000);
    let (mut none, mut all) = (0, 0);
    for kill in 0..KILLS {
        let db = t.path().join(format!("kill{kill}.sqlite3"));
        std::fs::write(&db, &seed).unwrap();
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 11 / 10).max(1));
        let mut child = t
            .command()
            .arg("--db")
            .arg(&db)
            .args(["import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .start();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let store = daicho::db::Store::open(&db).unwrap();
        assert!(store.integrity_problems().unwrap().is_empty(), "kill {kill} after {delay:?}: integrity_check");
        let initiatives = store.initiatives(&Default::default()).unwrap().len();
        let history = store.import_history().unwrap();
        match (initiatives, history.len()) {
            (0, 0) => none += 1,
            (n, 1) if n == ROWS && history[0].created == ROWS as i64 => all += 1,
            other => panic!("kill {kill} after {delay:?}: rows and history must be all or none, got {other:?}"),
        }
        drop(store);
        std::fs::remove_file(&db).unwrap();
    }
    eprintln!("{KILLS} kills over a {full:?} import: {none} left nothing, {all} left everything");
    assert!(none > 0 && all > 0, "the kills must land both before and after the commit ({none} none, {all} all)");
}

/// Starts every command at once on the ledger `db` and requires each to succeed.
fn all_at_once(t: &TestDir, db: &std::path::Path, commands: &[Vec<String>], round: &str) {
    let children: Vec<_> = commands
        .iter()
        .map(|args| {
            let child =
                t.command().arg("--db").arg(db).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).start();
            (args, child)
        })
        .collect();
    for (args, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{round}: daicho {args:?} failed while other processes used the same ledger:\n{}",
            crate::support::describe(&out)
        );
    }
}

/// The app open while the CLI imports, two imports at once: processes opening one ledger together must all succeed,
/// whether the ledger is new, due a migration, or up to date (opening then only reads; a due migration is applied
/// once, by whichever process takes the lock first).
#[test]
fn several_processes_on_one_ledger_at_once_all_succeed() {
    let t = TestDir::new();
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<String>>();

    let new = t.path().join("new.sqlite3");
    let adds: Vec<_> = (1..=6).map(|n| args(&["org", "add", &format!("部{n}/課{n}")])).collect();
    all_at_once(&t, &new, &adds, "a new ledger");
    let store = daicho::db::Store::open(&new).unwrap();
    assert_eq!(store.org_chart().unwrap().units().count(), 12, "every process's bureau and section were added");

    let old = t.path().join("old.sqlite3");
    daicho::db::create_at_schema_version(&old, 1).unwrap();
    let lists: Vec<_> = (0..6).map(|_| args(&["org", "list"])).collect();
    all_at_once(&t, &old, &lists, "a ledger due a migration");
    let store = daicho::db::Store::open(&old).unwrap();
    assert_eq!(store.schema_version().unwrap(), daicho::db::latest_schema_version(), "migrated once, completely");

    let demo = t.path().join("demo.sqlite3");
    let out = t.command().arg("--db").arg(&demo).arg("demo").launch();
    assert!(out.status.success(), "the sample city: {}", crate::support::describe(&out));
    let fixture = |name: &str| crate::support::fixture(name).to_str().unwrap().to_string();
    for round in 0..3 {
        let mixed = vec![
            args(&["import", &fixture("formula_cached.xlsx")]),
            args(&["import", "--dry-run", &fixture("formula_cached.xlsx")]),
            args(&["list", "--fy", "2023"]),
            args(&["summary", "--fy", "2023"]),
            args(&["check"]),
            args(&["org", "list"]),
        ];
        all_at_once(&t, &demo, &mixed, &format!("an up-to-date ledger, round {round}"));
    }
}

/// A ledger still in the rollback journal (made by another program, or restored from an old copy) is switched to the
/// log by the first process that opens it, which needs the ledger to itself. When another connection is about to
/// write it (as a second process switching it is), SQLite does not wait on its own: the open must wait as long as
/// any other statement would, not fail at once with "database is locked".
#[test]
fn a_ledger_switched_to_the_log_while_another_process_writes_it_waits_for_the_writer() {
    let t = TestDir::new();
    let old = t.path().join("old.sqlite3");
    daicho::db::create_at_schema_version(&old, 1).unwrap();
    let writer = rusqlite::Connection::open(&old).unwrap();
    let mode: String = writer.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "the ledger must start in the rollback journal for the switch to be exercised");
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let held = Duration::from_millis(300);
    // Timed from before the writer's sleep starts, so the open cannot seem to finish before the writer is done.
    let start = Instant::now();
    let release = std::thread::spawn(move || {
        std::thread::sleep(held);
        writer.execute_batch("ROLLBACK").unwrap();
    });
    let opened = daicho::db::Store::open(&old);
    let waited = start.elapsed();
    release.join().unwrap();
    let store = opened.unwrap_or_else(|e| panic!("failed after {waited:?} while another connection was writing: {e}"));
    assert!(waited >= held, "the switch can only happen once the writer is done (waited {waited:?})");
    assert_eq!(store.schema_version().unwrap(), daicho::db::latest_schema_version(), "migrated once the writer left");
    let reader = rusqlite::Connection::open(&old).unwrap();
    let mode: String = reader.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the ledger is in the log once opened");
}
