//! The store: migrations, constraints that keep bad data out by any path, the audit log in the same
//! transaction, and the summary's arithmetic under every rounding rule.

use daicho::db::Read;
use daicho::db::{self, Store};
use daicho::fiscal::FiscalYear;
use daicho::ledger::{Basis, EffectInput, Evaluated, InitiativeFields, Kind, NewEffect, Status, Target};
use daicho::org::{Level, NameView};
use daicho::report::{GroupBy, SummaryOptions, summarize};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::support::{TestDir, author};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn fields(unit_id: i64, title: &str, kind: Kind) -> InitiativeFields {
    InitiativeFields {
        ledger_id: None,
        numbered_in: None,
        kind,
        title: title.into(),
        unit_id,
        tool: Some("WinActor".into()),
        vendor: None,
        status: Status::Operating,
        started_on: None,
        scenario_count: Some(2),
        owner: None,
        notes: None,
    }
}

/// 総務部 › 人事課, returning the section's id.
fn one_section(store: &mut Store) -> i64 {
    store
        .write(&author(), |tx| {
            let b = tx.add_unit(Level::Bureau, None, "総務部", None, None, None)?;
            tx.add_unit(Level::Section, Some(b), "人事課", None, None, None)
        })
        .unwrap()
}

/// An effect evaluated as the use cases evaluate it (default person-time conversions), ready to store.
fn effect(fy: i32, basis: Basis, formula: Option<&str>, stated: Option<&str>) -> Evaluated {
    NewEffect {
        fiscal_year: FiscalYear(fy),
        basis,
        input: formula.map_or(EffectInput::StatedOnly, |f| EffectInput::Formula(f.into())),
        stated_hours: stated.map(d),
        note: None,
    }
    .evaluate(&Default::default())
    .unwrap()
}

#[test]
fn bundled_sqlite_is_new_enough() {
    assert!(
        rusqlite::version_number() >= db::MIN_SQLITE,
        "SQLite {} predates the WAL-reset fix of 3.51.3",
        rusqlite::version()
    );
}

#[test]
fn opening_creates_migrates_and_reopens() {
    if crate::support::on_server("creates and reopens a ledger file") {
        return;
    }
    let t = TestDir::new();
    let store = t.store();
    assert_eq!(store.schema_version().unwrap(), db::latest_schema_version());
    assert!(db::latest_schema_version() >= 2, "0001_initial and 0002_imports at least");
    let mode: String = t.raw_sqlite().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the journal mode is kept in the file");
    let mut store = store;
    let orphan = store.write(&author(), |tx| tx.add_initiative(&fields(999, "所属のない取組", Kind::Rpa)));
    assert!(orphan.is_err(), "foreign keys are enforced on the store's own connection: an unknown unit is refused");
    drop(store);
    assert_eq!(t.store().schema_version().unwrap(), db::latest_schema_version(), "reopening applies nothing twice");
    assert!(t.store().integrity_problems().unwrap().is_empty());
}

#[test]
fn an_edited_migration_or_a_newer_schema_stops_the_program() {
    if crate::support::on_server("edits SQLite's migration table in the file") {
        return;
    }
    let t = TestDir::new();
    drop(t.store());
    t.raw_sqlite().execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", []).unwrap();
    let err = Store::open(&t.db()).err().expect("an edited migration must be refused");
    assert_eq!(err.code(), "incompatible", "{err}");

    let t = TestDir::new();
    drop(t.store());
    t.raw_sqlite()
        .execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')", [])
        .unwrap();
    let err = Store::open(&t.db()).err().expect("a newer schema must be refused");
    assert!(err.to_string().contains("新しい版の Daicho"), "{err}");
}

#[test]
fn constraints_refuse_bad_rows_from_any_path() {
    let t = TestDir::new();
    // The SQLite schema's own rules, read through a raw connection to its file, whichever backend the suite runs.
    let mut store = Store::open(&t.db()).unwrap();
    let (bureau, section) = store
        .write(&author(), |tx| {
            let b = tx.add_unit(Level::Bureau, None, "総務部", None, None, None)?;
            let s = tx.add_unit(Level::Section, Some(b), "人事課", None, None, None)?;
            Ok((b, s))
        })
        .unwrap();
    let i = store.write(&author(), |tx| tx.add_initiative(&fields(section, "給与", Kind::Rpa))).unwrap();
    let c = t.raw_sqlite();
    let bad: &[(&str, &str)] = &[
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status) VALUES ('X-1', 'ロボ', 't', 1, '運用中')",
            "unknown kind",
        ),
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status) VALUES ('X-1', 'RPA', 't', 1, '稼働')",
            "unknown status",
        ),
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status) VALUES ('X-1', 'RPA', '  ', 1, '運用中')",
            "empty title",
        ),
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status, scenario_count) VALUES ('X-1', 'RPA', 't', 1, '運用中', -1)",
            "negative scenarios",
        ),
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status) VALUES ('X-1', 'RPA', 't', 999, '運用中')",
            "unknown unit",
        ),
        (
            "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status, started_on) VALUES ('X-1', 'RPA', 't', 1, '運用中', '2023/4/1')",
            "date not ISO",
        ),
        (
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis) VALUES (1, 1, 2023, '実績')",
            "no figure at all",
        ),
        (
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, stated_hours) VALUES (1, 1, 2023, '概算', '5')",
            "unknown basis",
        ),
        (
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, stated_hours) VALUES (1, 1, 2023, '実績', '約5')",
            "non-numeric hours",
        ),
        (
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, computed_minutes) VALUES (1, 1, 2023, '実績', '5')",
            "computed without formula",
        ),
        (
            "INSERT INTO org_units (level, parent_id, name, name_key) VALUES ('section', NULL, 'x', 'x')",
            "section without bureau",
        ),
        (
            "INSERT INTO org_units (level, parent_id, name, name_key) VALUES ('unit', 1, 'x', 'x')",
            "係 directly under a bureau",
        ),
        ("INSERT INTO targets (fiscal_year, bureau_id, hours) VALUES (2023, 2, '10')", "target on a section"),
        ("INSERT INTO evaluations (initiative_id, fiscal_year, grade) VALUES (1, 2023, 'E')", "grade outside A–D"),
        ("INSERT INTO settings (key, value) VALUES ('colour', 'red')", "unknown setting"),
        (
            "INSERT INTO status_history (initiative_id, status, changed_on) VALUES (1, '稼働', '2023-04-01')",
            "unknown status in the history",
        ),
        (
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, after) VALUES ('2023-04-01T09:00:00+09:00', 'x', 'rename', 'initiative', 'R5-0001', '{}')",
            "unknown audit action",
        ),
        ("UPDATE audit_log SET actor = 'someone else'", "audit log is append-only"),
        ("DELETE FROM audit_log", "audit log is append-only"),
    ];
    let mut accepted = Vec::new();
    for (sql, why) in bad {
        if c.execute(sql, []).is_ok() {
            accepted.push(format!("{why}: {sql}"));
        }
    }
    assert!(accepted.is_empty(), "the schema must refuse:\n{}", accepted.join("\n"));
    assert_eq!((bureau, section, i.id), (1, 2, 1), "the ids the statements above rely on");
}

/// Migration 0011 wrote the label checks as comparisons (SQLite builds a temporary index for an IN list on every
/// insert): each label the library writes is still accepted, in every table that checks it, and the lists are gone.
/// SQLite's schema, whichever backend the suite runs (PostgreSQL keeps its lists).
#[test]
fn every_label_the_library_writes_passes_the_schema_checks() {
    let t = TestDir::new();
    let mut store = Store::open(&t.db()).unwrap();
    let section = one_section(&mut store);
    let i = store.write(&author(), |tx| tx.add_initiative(&fields(section, "給与", Kind::Rpa))).unwrap();
    let c = t.raw_sqlite();
    for (n, kind) in Kind::ALL.iter().enumerate() {
        for status in Status::ALL {
            c.execute(
                "INSERT INTO initiatives (ledger_id, kind, title, unit_id, status) VALUES (?1, ?2, 't', ?3, ?4)",
                rusqlite::params![format!("K{n}-{}", status.label()), kind.label(), section, status.label()],
            )
            .unwrap_or_else(|e| panic!("{} / {} must be accepted: {e}", kind.label(), status.label()));
        }
    }
    for status in Status::ALL {
        c.execute(
            "INSERT INTO status_history (initiative_id, status, changed_on) VALUES (?1, ?2, '2023-04-01')",
            rusqlite::params![i.id, status.label()],
        )
        .unwrap_or_else(|e| panic!("history {}: {e}", status.label()));
    }
    for basis in Basis::ALL {
        c.execute(
            "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, stated_hours) VALUES (?1, ?2, 2023, ?3, '5')",
            rusqlite::params![i.id, section, basis.label()],
        )
        .unwrap_or_else(|e| panic!("basis {}: {e}", basis.label()));
    }
    for (year, grade) in daicho::ledger::Grade::ALL.iter().enumerate() {
        c.execute(
            "INSERT INTO evaluations (initiative_id, fiscal_year, grade) VALUES (?1, ?2, ?3)",
            rusqlite::params![i.id, 2000 + year as i64, grade.label()],
        )
        .unwrap_or_else(|e| panic!("grade {}: {e}", grade.label()));
    }
    for action in ["create", "update", "delete"] {
        let (before, after) = match action {
            "create" => (None, Some("{}")),
            "update" => (Some("{}"), Some("{}")),
            _ => (Some("{}"), None),
        };
        c.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
             VALUES ('2023-04-01T09:00:00+09:00', 'x', ?1, 'initiative', 'R5-0001', ?2, ?3)",
            rusqlite::params![action, before, after],
        )
        .unwrap_or_else(|e| panic!("audit {action}: {e}"));
    }
    for table in ["initiatives", "status_history", "effects", "audit_log", "evaluations", "survey_returns"] {
        let sql: String = c.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [table], |r| r.get(0)).unwrap();
        assert!(!sql.contains(" IN ("), "{table}: its label check is a list SQLite indexes on every insert:\n{sql}");
    }
}

#[test]
fn a_failed_write_leaves_neither_the_change_nor_its_audit_row() {
    let t = TestDir::new();
    let mut store = t.store();
    let result = store.write(&author(), |tx| {
        tx.add_unit(Level::Bureau, None, "総務部", None, None, None)?;
        tx.add_unit(Level::Bureau, None, "総務部", None, None, None) // duplicate: fails
    });
    assert_eq!(result.unwrap_err().code(), "conflict");
    assert_eq!(store.org_chart().unwrap().units().count(), 0, "the first unit was rolled back");
    assert!(
        store.audit_log(daicho::ledger::AuditQuery { entity: None, key: None, limit: 10 }).unwrap().is_empty(),
        "and so was its audit row"
    );
}

#[test]
fn every_change_is_audited_with_before_and_after() {
    let t = TestDir::new();
    let mut store = t.store();
    let section = one_section(&mut store);
    let i = store.write(&author(), |tx| tx.add_initiative(&fields(section, "給与", Kind::Rpa))).unwrap();
    assert_eq!(i.ledger_id, "R6-0001", "numbered from the author's date (2024-06-01 is in 令和6年度)");
    store.write(&author(), |tx| tx.set_effect(i.id, &effect(2023, Basis::Actual, Some("5分×100件"), None))).unwrap();
    store.write(&author(), |tx| tx.set_effect(i.id, &effect(2023, Basis::Actual, Some("6分×100件"), None))).unwrap();
    store.write(&author(), |tx| tx.delete_initiative(i.id, None)).unwrap();
    let log = store.audit_log(daicho::ledger::AuditQuery { entity: None, key: None, limit: 100 }).unwrap();
    let summary: Vec<(String, String)> = log.iter().rev().map(|e| (e.entity.clone(), e.action.clone())).collect();
    let expected: Vec<(String, String)> = [
        ("org_unit", "create"),
        ("org_unit", "create"),
        ("initiative", "create"),
        ("effect", "create"),
        ("effect", "update"),
        ("effect", "delete"),
        // What the deletion takes with the initiative is in the log, so that an undo can give it back.
        ("status_history", "delete"),
        ("initiative", "delete"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(summary, expected);
    let update = log.iter().find(|e| e.action == "update").unwrap();
    assert_eq!(update.before.as_ref().unwrap()["computed_minutes"], "500");
    assert_eq!(update.after.as_ref().unwrap()["computed_minutes"], "600");
    assert!(log.iter().all(|e| e.actor == "tester" && e.at.starts_with("2024-06-01T09:00:00")), "who and when");
}

/// A small ledger: three initiatives in two bureaus, lines whose rounding differs under each rule.
fn small_ledger(t: &TestDir) -> Store {
    let mut store = t.store();
    store
        .write(&author(), |tx| {
            let a = tx.add_unit(Level::Bureau, None, "総務部", Some("01"), None, None)?;
            let b = tx.add_unit(Level::Bureau, None, "財務部", Some("02"), None, None)?;
            let i1 = tx.add_initiative(&fields(a, "一", Kind::Rpa))?;
            let i2 = tx.add_initiative(&fields(a, "二", Kind::AiOcr))?;
            let i3 = tx.add_initiative(&fields(b, "三", Kind::Rpa))?;
            // 10分×5件 = 50 min = 0.8333 h; stated 1 h.
            tx.set_effect(i1.id, &effect(2023, Basis::Actual, Some("10分×5件"), Some("1")))?;
            tx.set_effect(i1.id, &effect(2023, Basis::Estimate, Some("100時間"), None))?;
            // 7分×5件 = 35 min = 0.5833 h; no stated figure.
            tx.set_effect(i2.id, &effect(2023, Basis::Trial, Some("7分×5件"), None))?;
            tx.set_effect(i2.id, &effect(2023, Basis::Estimate, Some("200時間"), None))?;
            // Estimate only: 1 h 2 min = 1.0333 h.
            tx.set_effect(i3.id, &effect(2023, Basis::Estimate, Some("62分"), None))?;
            tx.set_effect(i3.id, &effect(2022, Basis::Actual, Some("999時間"), None))?;
            tx.set_target(&Target { fiscal_year: FiscalYear(2023), bureau_id: None, hours: d("4") })?;
            tx.set_target(&Target { fiscal_year: FiscalYear(2023), bureau_id: Some(a), hours: d("2") })?;
            Ok(())
        })
        .unwrap();
    store
}

#[test]
fn summary_arithmetic_under_each_rule() {
    let t = TestDir::new();
    let mut store = small_ledger(&t);
    // Lines counted (best basis of the year): i1 実績 10分×5件 = 50 min (stated 1 h), i2 試行 35 min, i3 試算
    // 62 min. (adopt, mode, unit, scope) → hours of 総務部, 財務部, total; exact minutes.
    let cases: &[([&str; 4], [&str; 3], &str)] = &[
        // Stated 1 h adopted; 0.5833 → 0.6; 1.0333 → 1.0. Per line: 1 + 0.6 = 1.6; 1.0; total 2.6.
        (["申告値", "四捨五入", "0.1", "行ごと"], ["1.6", "1", "2.6"], "157"),
        // Computed adopted: 0.8333 → 0.8; + 0.6 = 1.4; 1.0; total 2.4.
        (["計算値", "四捨五入", "0.1", "行ごと"], ["1.4", "1", "2.4"], "147"),
        // Total rounding: 85 min = 1.4167 → 1.4; 62 min → 1.0; 147 min = 2.45 → 2.5 (not 1.4 + 1.0).
        (["計算値", "四捨五入", "0.1", "合計"], ["1.4", "1", "2.5"], "147"),
        // Ceil to whole hours per line: 1 + 1 = 2; 2; total 4.
        (["計算値", "切り上げ", "1", "行ごと"], ["2", "2", "4"], "147"),
        // Floor to 0.01 h per line: 0.83 + 0.58 = 1.41; 1.03; total 2.44.
        (["計算値", "切り捨て", "0.01", "行ごと"], ["1.41", "1.03", "2.44"], "147"),
    ];
    for ([adopt, mode, unit, scope], [soumu, zaimu, total], minutes) in cases {
        let changes = [("adopt", adopt), ("rounding.mode", mode), ("rounding.unit", unit), ("rounding.scope", scope)];
        store
            .write(&author(), |tx| {
                for (k, v) in changes {
                    tx.set_setting(k, v)?;
                }
                Ok(())
            })
            .unwrap();
        let settings = store.settings().unwrap();
        let rows = store.effects_in_year(Some(FiscalYear(2023))).unwrap();
        let chart = store.org_chart().unwrap();
        let targets = store.targets(Some(FiscalYear(2023))).unwrap();
        let opts = SummaryOptions {
            fiscal_year: FiscalYear(2023),
            by: GroupBy::Bureau,
            basis: None,
            view: NameView::AsReported,
        };
        let s = summarize(&rows, &chart, &settings, &targets, &opts);
        let got: Vec<String> =
            s.groups.iter().map(|g| g.totals.hours.to_string()).chain([s.total.hours.to_string()]).collect();
        assert_eq!(got, [*soumu, *zaimu, *total], "{changes:?} ({})", settings.rounding.describe());
        assert_eq!(s.total.minutes, d(minutes), "{changes:?}: exact minutes, whatever the rounding");
        assert_eq!(s.total.initiatives, 3, "one line per initiative, best basis of the year");
        assert_eq!(s.total.target_hours, Some(d("4")));
        assert_eq!(s.groups[0].totals.target_hours, Some(d("2")), "the 部局 target");
        // Reproducibility: with per-line rounding the total is the sum of the printed lines.
        if settings.rounding.scope == daicho::ledger::RoundingScope::PerLine {
            let lines: Decimal = s.lines.iter().map(|l| l.hours).sum();
            assert_eq!(lines, s.total.hours, "{changes:?}: total = sum of rounded lines");
        }
    }
}

#[test]
fn summary_by_basis_and_achievement() {
    let t = TestDir::new();
    let store = small_ledger(&t);
    let settings = store.settings().unwrap();
    let rows = store.effects_in_year(Some(FiscalYear(2023))).unwrap();
    let chart = store.org_chart().unwrap();
    let targets = store.targets(Some(FiscalYear(2023))).unwrap();
    let opts = SummaryOptions {
        fiscal_year: FiscalYear(2023),
        by: GroupBy::Kind,
        basis: Some(Basis::Estimate),
        view: NameView::AsReported,
    };
    let s = summarize(&rows, &chart, &settings, &targets, &opts);
    // 試算 only: 100 h + 200 h + 1.0333 h → per line 100 + 200 + 1.0 = 301.0.
    assert_eq!(s.total.hours, d("301"));
    let keys: Vec<&str> = s.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["RPA", "AI-OCR"], "groups follow the 区分 order");
    assert_eq!(s.total.achievement_rate, Some(d("7525.0")), "301 ÷ 4 = 7,525%");
    assert_eq!(s.person_years, d("0.16"), "301 h ÷ 1,920 h");
    assert_eq!(s.yen, d("903000"), "301 h × 3,000 円");
}

#[test]
fn figures_stay_with_the_unit_they_were_reported_under() {
    let t = TestDir::new();
    let mut store = t.store();
    let (old_a, new_c, i) = store
        .write(&author(), |tx| {
            let b = tx.add_unit(Level::Bureau, None, "財務部", None, None, None)?;
            let a = tx.add_unit(Level::Section, Some(b), "市民税課", None, None, None)?;
            let i = tx.add_initiative(&fields(a, "課税資料の入力", Kind::Rpa))?;
            tx.set_effect(i.id, &effect(2021, Basis::Actual, Some("60分×10件"), None))?;
            let c = tx.add_unit(Level::Section, Some(b), "課税課", None, Some(FiscalYear(2022)), None)?;
            tx.merge_units(&[a], c, FiscalYear(2022))?;
            tx.set_effect(i.id, &effect(2022, Basis::Actual, Some("60分×20件"), None))?;
            Ok((a, c, i))
        })
        .unwrap();
    let moved = store.initiative(i.id).unwrap();
    assert_eq!(moved.unit_id, new_c, "the initiative moves to the successor");
    let effects = store.effects_of(i.id).unwrap();
    assert_eq!(effects.iter().map(|e| e.unit_id).collect::<Vec<_>>(), [old_a, new_c], "past figures stay put");
    let chart = store.org_chart().unwrap();
    let settings = store.settings().unwrap();
    let rows = store.effects_in_year(Some(FiscalYear(2021))).unwrap();
    let mut opts =
        SummaryOptions { fiscal_year: FiscalYear(2021), by: GroupBy::Section, basis: None, view: NameView::AsReported };
    let reported = summarize(&rows, &chart, &settings, &[], &opts);
    assert_eq!(reported.groups[0].key, "財務部／市民税課");
    opts.view = NameView::Current;
    let current = summarize(&rows, &chart, &settings, &[], &opts);
    assert_eq!(current.groups[0].key, "財務部／課税課", "rolled up to today's unit on request");
}

#[test]
fn backup_and_restore_round_trip_and_refuse_what_is_not_a_ledger() {
    if crate::support::on_server("backups and restore are of a ledger file") {
        return;
    }
    let t = TestDir::new();
    let mut store = t.store();
    store.write(&author(), |tx| tx.add_unit(Level::Bureau, None, "総務部", None, None, None).map(|_| ())).unwrap();
    let backup = t.path().join("backup.sqlite3");
    store.backup_to(&backup).unwrap();
    assert_eq!(store.backup_to(&backup).unwrap_err().code(), "conflict", "a backup never overwrites a file");
    store.write(&author(), |tx| tx.add_unit(Level::Bureau, None, "財務部", None, None, None).map(|_| ())).unwrap();
    let kept = store.restore_from(&backup).unwrap();
    let names: Vec<String> = store.org_chart().unwrap().units().map(|u| u.name.clone()).collect();
    assert_eq!(names, ["総務部"], "the ledger is as it was at the backup");
    assert!(kept.exists(), "the replaced ledger is kept beside it");
    let junk = t.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database").unwrap();
    assert_eq!(store.restore_from(&junk).unwrap_err().code(), "validation");
    assert_eq!(store.org_chart().unwrap().units().count(), 1, "a refused restore changes nothing");
}

/// A database left by every earlier version, with data in it, opens with today's code: the missing migrations are
/// applied and every record reads back.
#[test]
fn databases_of_every_earlier_schema_version_migrate_with_their_data() {
    for version in 1..db::latest_schema_version() {
        let t = TestDir::new();
        db::create_at_schema_version(&t.db(), version).unwrap();
        {
            // Rows as version 1 wrote them (later versions only add tables).
            let c = rusqlite::Connection::open(t.db()).unwrap();
            c.execute_batch(
                "INSERT INTO org_units (id, level, parent_id, name, name_key) VALUES (1, 'bureau', NULL, '総務部', '総務部');
                 INSERT INTO org_units (id, level, parent_id, name, name_key) VALUES (2, 'section', 1, '人事課', '人事課');
                 INSERT INTO org_aliases (unit_id, alias, alias_key) VALUES (2, '人事', '人事');
                 INSERT INTO initiatives (id, ledger_id, kind, title, unit_id, status, started_on, scenario_count)
                     VALUES (1, 'R5-0001', 'RPA', '給与支払報告書の入力', 2, '運用中', '2023-04-01', 2);
                 INSERT INTO status_history (initiative_id, status, changed_on) VALUES (1, '運用中', '2023-04-01');
                 INSERT INTO targets (fiscal_year, bureau_id, hours) VALUES (2023, NULL, '3200');
                 INSERT INTO settings (key, value) VALUES ('rounding.mode', '切り上げ');
                 INSERT INTO audit_log (at, actor, action, entity, entity_key, after)
                     VALUES ('2023-04-01T09:00:00+09:00', 'tester', 'create', 'initiative', 'R5-0001', '{}');",
            )
            .unwrap();
            // An effect as its version wrote it: with the formula's tree until 0007 dropped it for the canonical text.
            let effect = if version < 7 {
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, formula_tree, computed_minutes, stated_hours)
                     VALUES (1, 2, 2023, '実績', '5分×1,200件', '{}', '6000', '100')"
            } else {
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, computed_minutes, stated_hours)
                     VALUES (1, 2, 2023, '実績', '5分×1,200件', '5分×1,200件＝6,000分（100時間）', '6000', '100')"
            };
            c.execute(effect, []).unwrap();
            // A saving that became a cost: before 0012 its result was written with a hyphen, which now reads ▲ (from 0012 on, ▲ as written); a
            // hyphen in the expression (a label as the department wrote it) is not a result and stays.
            let negative = if version < 7 {
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, formula_tree, computed_minutes)
                     VALUES (1, 2, 2023, '試算', '(5分-30分)×100件', '{}', '-2500')"
            } else if version >= 12 {
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, computed_minutes)
                     VALUES (1, 2, 2023, '試算', '(5分-30分)×100件(A-1様式)', '（5分－30分）×100件（A-1様式）＝▲2,500分（▲41.7時間）', '-2500')"
            } else {
                "INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, computed_minutes)
                     VALUES (1, 2, 2023, '試算', '(5分-30分)×100件(A-1様式)', '（5分－30分）×100件（A-1様式）＝-2,500分（-41.7時間）', '-2500')"
            };
            c.execute(negative, []).unwrap();
        }
        let store = Store::open(&t.db()).unwrap_or_else(|e| panic!("schema {version} must migrate: {e}"));
        assert_eq!(store.schema_version().unwrap(), db::latest_schema_version());
        assert!(store.integrity_problems().unwrap().is_empty(), "schema {version}: sound after migrating");
        let i = store.initiative_by_ledger_id("R5-0001").unwrap();
        assert_eq!(i.scenario_count, Some(2), "schema {version}");
        let effects = store.effects_of(i.id).unwrap();
        let actual = effects.iter().find(|e| e.basis == daicho::ledger::Basis::Actual).unwrap();
        assert_eq!(actual.computed_minutes, Some(d("6000")), "schema {version}");
        assert_eq!(
            actual.canonical.as_deref(),
            Some("5分×1,200件＝6,000分（100時間）"),
            "schema {version}: the stored formula is evaluated once, on migrating"
        );
        let cost = effects.iter().find(|e| e.basis == daicho::ledger::Basis::Estimate).unwrap();
        let want = if version < 7 {
            "（5分－30分）×100件＝▲2,500分（▲41.7時間）"
        } else {
            "（5分－30分）×100件（A-1様式）＝▲2,500分（▲41.7時間）"
        };
        assert_eq!(
            cost.canonical.as_deref(),
            Some(want),
            "schema {version}: a negative result is marked ▲, and only it"
        );
        assert_eq!(cost.computed_minutes, Some(d("-2500")), "schema {version}: the figure itself is kept");
        assert_eq!(store.targets(None).unwrap()[0].hours, d("3200"));
        assert_eq!(store.settings().unwrap().rounding.mode.label(), "切り上げ");
        assert_eq!(store.org_chart().unwrap().resolve("人事", None).unwrap(), 2, "aliases survive");
        assert_eq!(
            store.audit_log(daicho::ledger::AuditQuery { entity: None, key: None, limit: 10 }).unwrap().len(),
            1
        );
        assert!(store.import_history().unwrap().is_empty() && store.costs(None).unwrap().is_empty());
        // The ledger as it was before migrating was copied first, and that copy is still the old schema.
        let latest = db::latest_schema_version();
        let copies: Vec<_> =
            std::fs::read_dir(db::backups_folder(&t.db())).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(copies.len(), 1, "schema {version}: one automatic copy: {copies:?}");
        let name = copies[0].file_name().unwrap().to_str().unwrap();
        assert!(name.ends_with(&format!("-before-migration-v{version}-to-v{latest}.sqlite3")), "{name}");
        let old = rusqlite::Connection::open(&copies[0]).unwrap();
        let v: i64 = old.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        let title: String = old.query_row("SELECT title FROM initiatives", [], |r| r.get(0)).unwrap();
        assert_eq!((v, title.as_str()), (version, "給与支払報告書の入力"), "the copy is the ledger before migrating");
        drop(store);
        Store::open(&t.db()).unwrap();
        assert_eq!(std::fs::read_dir(db::backups_folder(&t.db())).unwrap().count(), 1, "no migration, no copy");
    }
}

/// The next 管理番号 of a year is one past the largest number of that year, also past four digits, whatever other
/// years and hand-made ids hold.
#[test]
fn the_next_ledger_id_counts_past_four_digits_and_ignores_other_years() {
    let t = TestDir::new();
    let mut store = t.store();
    let section = one_section(&mut store);
    let cases: [(&[&str], &str); 5] = [
        (&[], "R6-0001"),
        (&["R6-0001", "R6-0002"], "R6-0003"),
        (&["R6-9999"], "R6-10000"),
        (&["R6-10000", "R6-9998"], "R6-10001"),
        (&["R7-99999", "R6-0005", "R6-特別"], "R6-0006"),
    ];
    for (existing, next) in cases {
        let got = store
            .write(&author(), |tx| {
                for (n, id) in existing.iter().enumerate() {
                    let mut f = fields(section, &format!("業務{n}"), Kind::Rpa);
                    f.ledger_id = Some(id.to_string());
                    tx.add_initiative(&f)?;
                }
                let next = tx.next_ledger_id(FiscalYear(2024))?;
                // Leave the ledger as it was for the next case.
                Err::<(), _>(daicho::Error::Invalid(next))
            })
            .unwrap_err();
        assert_eq!(got.to_string(), next, "after {existing:?}");
    }
}

/// The store's cached organisation follows writes made through the store and through another connection.
#[test]
fn the_cached_organisation_sees_every_change() {
    let t = TestDir::new();
    let mut store = t.store();
    assert_eq!(store.org_chart().unwrap().units().count(), 0);
    store.write(&author(), |tx| tx.add_unit(Level::Bureau, None, "総務部", None, None, None)).unwrap();
    assert_eq!(store.org_chart().unwrap().units().count(), 1, "a write through this store");
    let mut other = t.store();
    other.write(&author(), |tx| tx.add_unit(Level::Bureau, None, "財務部", None, None, None)).unwrap();
    assert_eq!(store.org_chart().unwrap().units().count(), 2, "a write through another connection");
    let id = store.org_chart().unwrap().resolve("総務部", None).unwrap();
    store.write(&author(), |tx| tx.add_alias(id, "総務")).unwrap();
    assert_eq!(store.org_chart().unwrap().resolve("総務", None).unwrap(), id, "an alias");
}
