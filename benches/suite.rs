//! The benchmark suite: `cargo bench` (`cargo bench -- import` for one group). Prints, for each case, the wall time
//! and the peak resident memory of a separate process, and the ratios the goals are stated in (BENCHMARKS.md). Not a
//! test: nothing here passes or fails, and these shared machines are noisy, so each timed case runs `RUNS` times and
//! the fastest run is reported.
//!
//! Cases, all on files generated here (in `target/bench-data/`, reused between runs):
//! - importing 500 synthetic returns of 50 rows (dry run and commit) with the release `daicho`, against raw calamine
//!   reading every cell of the same files (the floor) and `benches/reference/consolidate.py` (openpyxl), a
//!   straightforward consolidation script doing the same parsing and totals, and against SQLite alone writing the
//!   rows the commit wrote (the floor of the commit's writing, one transaction a file and the batch in one);
//! - `daicho summary` over ledgers of 10 k, 100 k and 1 M effect rows, all in the summarised year;
//! - `daicho report all` (six reports in one workbook) over 100 k effect rows;
//! - every file of the hostile corpus (tests/fixtures/hostile), for peak memory.
//!
//! The same binary is its own helper: `suite calamine DIR` reads the returns with calamine alone, and `suite
//! sqlite-floor LEDGER COMMITTED FILES` writes the rows an import committed into a copy of the ledger it started
//! from with SQLite alone, so that each is measured as a process of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook};

const RUNS: usize = 3;
const SECTIONS: usize = 500;
const ROWS: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("calamine") {
        return read_with_calamine(Path::new(&args[1]));
    }
    if args.first().map(String::as_str) == Some("sqlite-floor") {
        return write_with_sqlite_alone(Path::new(&args[1]), Path::new(&args[2]), args[3].parse().unwrap());
    }
    let only = args.first().cloned();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data");
    std::fs::create_dir_all(&data).unwrap();
    println!("# Daicho benchmarks\n");
    println!("machine: {}", machine());
    println!("daicho: {} (release build), {RUNS} runs a case, fastest shown\n", env!("CARGO_PKG_VERSION"));
    println!("| case | wall | peak memory |\n|---|---:|---:|");
    let want = |name: &str| only.as_deref().is_none_or(|o| name.starts_with(o));
    if want("import") {
        import_cases(root, &data);
    }
    if want("summary") || want("report") {
        ledger_cases(&data, &want);
    }
    if want("hostile") {
        hostile_cases(root);
    }
}

/// One measured process: the fastest wall time of `RUNS` and the largest peak RSS seen.
struct Measure {
    wall: Duration,
    peak_kib: i64,
}

fn run(label: &str, make: impl Fn() -> Command, runs: usize, before: impl Fn()) -> Measure {
    let mut best = Measure { wall: Duration::MAX, peak_kib: 0 };
    let report = std::env::temp_dir().join(format!("daicho-bench-time-{}", std::process::id()));
    for _ in 0..runs {
        before();
        let inner = make();
        // GNU time reports the process's peak resident set from the kernel's own accounting (wait4's rusage).
        let mut command = Command::new("/usr/bin/time");
        command.arg("-f").arg("%M").arg("-o").arg(&report).arg(inner.get_program()).args(inner.get_args());
        for (k, v) in inner.get_envs() {
            match v {
                Some(v) => command.env(k, v),
                None => command.env_remove(k),
            };
        }
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        let start = Instant::now();
        let status = command.status().unwrap_or_else(|e| panic!("{label}: /usr/bin/time (apt-get install time): {e}"));
        let wall = start.elapsed();
        assert!(matches!(status.code(), Some(0 | 2)), "{label} exited with {status}");
        let text = std::fs::read_to_string(&report).unwrap();
        let peak: i64 = text.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("{text}"));
        best.wall = best.wall.min(wall);
        best.peak_kib = best.peak_kib.max(peak);
    }
    let _ = std::fs::remove_file(&report);
    println!("| {label} | {} | {} |", seconds(best.wall), megabytes(best.peak_kib));
    best
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn megabytes(kib: i64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()))
        .map_or(0, |k| k / 1024 / 1024);
    format!("{cpu}, {cores} cores, {mem} GiB, {}", std::env::consts::OS)
}

fn daicho() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daicho"));
    c.env_remove("DAICHO_DB").env("HOME", std::env::temp_dir());
    c
}

// ---------------------------------------------------------------------------------------------------------------
// Import: synthetic returns

const BUREAUS: [&str; 20] = [
    "総務部",
    "企画政策部",
    "財務部",
    "市民部",
    "福祉部",
    "こども部",
    "健康部",
    "環境部",
    "経済部",
    "観光文化部",
    "都市計画部",
    "建設部",
    "上下水道部",
    "消防本部",
    "会計室",
    "教育委員会事務局",
    "議会事務局",
    "選挙管理委員会事務局",
    "監査委員事務局",
    "農業委員会事務局",
];

fn section_of(n: usize) -> (String, String) {
    let bureau = BUREAUS[n % BUREAUS.len()];
    let stem = bureau.trim_end_matches("事務局").trim_end_matches('部').trim_end_matches("本部").trim_end_matches('室');
    (bureau.to_string(), format!("{stem}第{}課", n / BUREAUS.len() + 1))
}

/// The organisation list for the synthetic sections (daicho org import's layout).
fn write_org(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["部局名", "課名", "係", "組織コード", "開始年度", "終了年度", "別名"].iter().enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for n in 0..SECTIONS {
        let (bureau, section) = section_of(n);
        ws.write(n as u32 + 1, 0, bureau).unwrap();
        ws.write(n as u32 + 1, 1, section).unwrap();
        ws.write(n as u32 + 1, 4, "令和2年度").unwrap();
    }
    wb.save(path).unwrap();
}

/// One section's return, written the ways departments write them: title rows above the table in some, renamed
/// headers (所属名, 事務名, 対象年度, 年間削減時間（ｈ）), years as 令和6年度 / 2024 / R6, full-width digits, 約,
/// units in number cells, formulas with labels and parentheses, stated hours instead of a formula, blank rows, and
/// start dates as real dates or as 和暦 text.
fn write_return(path: &Path, n: usize) {
    let (bureau, section) = section_of(n);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("回答").unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    let mut r = 0u32;
    if n.is_multiple_of(4) {
        ws.write(0, 0, "令和6年度 RPA・AI-OCR 効果調査 回答").unwrap();
        ws.write(1, 0, format!("{bureau} {section}（担当: 調査太郎）")).unwrap();
        r = 3;
    }
    let renamed = n % 2 == 1;
    let headers: Vec<&str> = if renamed {
        vec![
            "部局",
            "所属名",
            "種別",
            "事務名",
            "状況",
            "運用開始日",
            "対象年度",
            "算定区分",
            "算定式",
            "年間削減時間\n（ｈ）",
            "備考",
        ]
    } else {
        vec![
            "部局",
            "課",
            "区分",
            "業務名",
            "状況",
            "運用開始日",
            "年度",
            "算定区分",
            "算定式",
            "削減時間(時間)",
            "備考",
        ]
    };
    for (c, h) in headers.iter().enumerate() {
        ws.write(r, c as u16, *h).unwrap();
    }
    r += 1;
    for i in 0..ROWS {
        if i == ROWS / 2 && n.is_multiple_of(3) {
            r += 1; // a blank row in the middle
        }
        let year = match i % 3 {
            0 => "令和6年度",
            1 => "2024",
            _ => "R6",
        };
        ws.write(r, 0, &bureau).unwrap();
        ws.write(r, 1, &section).unwrap();
        ws.write(r, 2, if i % 4 == 3 { "AI-OCR" } else { "RPA" }).unwrap();
        ws.write(r, 3, format!("{section}の定型業務{}", i + 1)).unwrap();
        ws.write(r, 4, "運用中").unwrap();
        if i % 2 == 0 {
            let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 4 + (i % 9) as u8, 1).unwrap();
            ws.write_with_format(r, 5, &d, &date).unwrap();
        } else {
            ws.write(r, 5, format!("令和5年{}月1日", 4 + i % 9)).unwrap();
        }
        if i % 3 == 1 {
            ws.write(r, 6, 2024).unwrap();
        } else {
            ws.write(r, 6, year).unwrap();
        }
        ws.write(r, 7, if i % 5 == 0 { "試算" } else { "実績" }).unwrap();
        let k = i + n % 7 + 1;
        match i % 5 {
            0 => ws.write(r, 8, format!("{}分×{}件", 5 + k % 20, 100 + 13 * k)).unwrap(),
            1 => ws.write(r, 8, format!("{}分×2(往復)×1人×4回×{}件", 10 + k % 30, 20 + k)).unwrap(),
            2 => ws.write(r, 8, format!("({}分-{}分)×{}件×12か月", 30 + k % 10, 5 + k % 5, 10 + k)).unwrap(),
            3 => ws.write(r, 8, fullwidth(&format!("{}分×{}か所×245日", 2 + k % 5, 3 + k % 40))).unwrap(),
            _ => ws.write(r, 9, format!("約{},{:03}時間", 1 + k % 3, 100 + k)).unwrap(),
        };
        if i % 7 == 0 {
            ws.write(r, 10, "年換算（7月から稼働）").unwrap();
        }
        r += 1;
    }
    wb.save(path).unwrap();
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c })
        .collect()
}

fn read_with_calamine(dir: &Path) {
    let mut cells = 0u64;
    let mut sum = 0f64;
    for path in returns_in(dir) {
        let mut wb = calamine::open_workbook_auto(&path).unwrap();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            for cell in range.used_cells() {
                cells += 1;
                if let Data::Float(f) = cell.2 {
                    sum += f;
                }
            }
        }
    }
    println!("{cells} cells, numbers summing to {sum}");
}

/// The tables an import writes, parents before the tables that refer to them.
const IMPORT_TABLES: [&str; 6] = ["initiatives", "status_history", "effects", "audit_log", "imports", "import_units"];

/// Writes the rows `committed` holds beyond `ledger` (the ledger the import started from) into `ledger` with SQLite
/// alone, with the product's connection settings (the log, `synchronous = NORMAL`, foreign keys): each table's rows
/// of a file in one `INSERT … SELECT` from the committed ledger (rows by rowid, the id where a table has one) — no
/// workbook read, no matching of names, no statement per row, nothing serialised. Every table's new rows are split
/// into `SECTIONS` runs of consecutive rowids, one per file: each returns file of the bench adds the same number of
/// rows to each table, and the new rowids of each table have no gap (both asserted, and every row written).
/// `files_a_transaction` files are committed together: 1 as the import commits.
fn write_with_sqlite_alone(ledger: &Path, committed: &Path, files_a_transaction: usize) {
    let mut conn = rusqlite::Connection::open(ledger).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    // Read-only: the transactions below take no lock on it.
    conn.execute("ATTACH ?1 AS done", [format!("file:{}?mode=ro", committed.display())]).unwrap();
    // Each table: the ids the ledger does not have yet, and how many a file added.
    let runs: Vec<(&str, i64, i64)> = IMPORT_TABLES
        .iter()
        .map(|t| {
            let from: i64 =
                conn.query_row(&format!("SELECT ifnull(max(rowid), 0) FROM main.{t}"), [], |r| r.get(0)).unwrap();
            let (first, last, added): (i64, i64, i64) = conn
                .query_row(
                    &format!(
                        "SELECT ifnull(min(rowid), 0), ifnull(max(rowid), 0), count(*) FROM done.{t} WHERE rowid > ?1"
                    ),
                    [from],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert_eq!(added % SECTIONS as i64, 0, "{t}: {added} new rows do not split into {SECTIONS} files");
            assert_eq!(last - first + 1, added, "{t}: the new rowids have gaps, so runs of them are not a file's rows");
            (*t, first, added / SECTIONS as i64)
        })
        .collect();
    let (mut written, mut transactions) = (0, 0);
    let files: Vec<i64> = (0..SECTIONS as i64).collect();
    for batch in files.chunks(files_a_transaction.max(1)) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
        for file in batch {
            for (table, first, each) in &runs {
                let lo = first + file * each;
                written += tx
                    .execute(
                        &format!("INSERT INTO main.{table} SELECT * FROM done.{table} WHERE rowid BETWEEN ?1 AND ?2"),
                        [lo, lo + each - 1],
                    )
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        transactions += 1;
    }
    let expected: i64 = runs.iter().map(|(_, _, each)| each * SECTIONS as i64).sum();
    assert_eq!(written as i64, expected, "every new row of the committed ledger is written once");
    println!("{written} rows in {transactions} transactions");
}

/// Removes a ledger file with its log and shared-memory files, where they are.
fn remove_ledger(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn returns_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "xlsx")).collect();
    files.sort();
    files
}

fn import_cases(root: &Path, data: &Path) {
    let dir = data.join(format!("returns-{SECTIONS}x{ROWS}"));
    if returns_in(&dir).len() != SECTIONS {
        std::fs::create_dir_all(&dir).unwrap();
        for n in 0..SECTIONS {
            write_return(&dir.join(format!("回答_{n:03}.xlsx")), n);
        }
    }
    let org = data.join("org.xlsx");
    write_org(&org);
    let seeded = data.join("import-seed.sqlite3");
    let _ = std::fs::remove_file(&seeded);
    let status = daicho().arg("--db").arg(&seeded).args(["org", "import"]).arg(&org).output().unwrap();
    assert!(status.status.success(), "org import: {}", String::from_utf8_lossy(&status.stderr));
    let files = returns_in(&dir);
    let target = data.join("import-target.sqlite3");
    let fresh = || {
        remove_ledger(&target);
        let _ = std::fs::remove_dir_all(data.join("backups"));
        std::fs::copy(&seeded, &target).unwrap();
    };
    let label = format!("{SECTIONS} returns × {ROWS} rows");
    let floor = run(
        &format!("{label}: raw calamine, every cell (floor)"),
        || {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.arg("calamine").arg(&dir);
            c
        },
        RUNS,
        || {},
    );
    let dry = run(
        &format!("{label}: daicho import --dry-run"),
        || {
            let mut c = daicho();
            c.arg("--db").arg(&target).args(["import", "--dry-run"]).args(&files);
            c
        },
        RUNS,
        fresh,
    );
    let commit = run(
        &format!("{label}: daicho import (commit, one transaction a file)"),
        || {
            let mut c = daicho();
            c.arg("--db").arg(&target).arg("import").args(&files);
            c
        },
        RUNS,
        fresh,
    );
    // The commit's rows (the last run left them in `target`) written again by SQLite alone into a fresh copy of the
    // ledger the import started from: one transaction a file, as the import commits, and the whole batch in one.
    let floor_ledger = data.join("import-floor.sqlite3");
    let sqlite_alone = |what: &str, files_a_transaction: usize| {
        run(
            &format!("{label}: the same rows written by SQLite alone, {what} (floor)"),
            || {
                let mut c = Command::new(std::env::current_exe().unwrap());
                c.arg("sqlite-floor").arg(&floor_ledger).arg(&target).arg(files_a_transaction.to_string());
                c
            },
            RUNS,
            || {
                remove_ledger(&floor_ledger);
                std::fs::copy(&seeded, &floor_ledger).unwrap();
            },
        )
    };
    let sqlite_floor = sqlite_alone("one transaction a file", 1);
    let sqlite_one_tx = sqlite_alone("the batch in one transaction", SECTIONS);
    let python = Command::new("python3").args(["-c", "import openpyxl"]).output().is_ok_and(|o| o.status.success());
    let reference = python.then(|| {
        run(
            &format!("{label}: benches/reference/consolidate.py (openpyxl)"),
            || {
                let mut c = Command::new("python3");
                c.arg(root.join("benches/reference/consolidate.py")).arg(&dir);
                c
            },
            1,
            || {},
        )
    });
    println!();
    println!("- dry run vs raw calamine: {}", ratio(dry.wall, floor.wall));
    println!("- commit vs raw calamine: {}", ratio(commit.wall, floor.wall));
    println!("- commit vs dry run: {} (goal: 1.5×)", ratio(commit.wall, dry.wall));
    println!(
        "- SQLite alone writing the commit's rows vs dry run: {} (the goal leaves the writing 0.5× the dry run)",
        ratio(sqlite_floor.wall, dry.wall)
    );
    println!("- the same, the batch in one transaction, vs dry run: {}", ratio(sqlite_one_tx.wall, dry.wall));
    match reference {
        Some(r) => {
            println!(
                "- openpyxl script vs dry run: {} (the dry run is that many times faster)",
                ratio(r.wall, dry.wall)
            );
            println!("- openpyxl script vs commit: {}", ratio(r.wall, commit.wall));
        }
        None => println!("- openpyxl reference skipped: python3 with openpyxl is not installed (pip install openpyxl)"),
    }
    println!("\n| case | wall | peak memory |\n|---|---:|---:|");
}

// ---------------------------------------------------------------------------------------------------------------
// Ledgers of N effect rows

/// A ledger of `effects` rows, all in 令和6年度: the demo's organisation, `effects / 3` initiatives spread over its
/// sections, each with a 試算, 試行 and 実績 figure copied from the demo's own (so formulas are real ones).
fn build_ledger(path: &Path, effects: usize) {
    if path.exists() {
        return;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let out = daicho().arg("--db").arg(&partial).arg("demo").output().unwrap();
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    let conn = rusqlite::Connection::open(&partial).unwrap();
    let initiatives = effects / 3;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         BEGIN;
         CREATE TEMP TABLE f AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, formula, canonical, computed_minutes
             FROM effects WHERE formula IS NOT NULL;
         CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM org_units WHERE level = 'section';
         DELETE FROM effects; DELETE FROM status_history; DELETE FROM evaluations; DELETE FROM costs; DELETE FROM initiatives;
         WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < {initiatives})
         INSERT INTO initiatives (id, ledger_id, kind, title, unit_id, status, scenario_count)
             SELECT n + 1, printf('B-%07d', n), CASE n % 4 WHEN 3 THEN 'AI-OCR' ELSE 'RPA' END, printf('業務 %d', n),
                    (SELECT id FROM u WHERE k = n % (SELECT count(*) FROM u)), '運用中', 1 + n % 5 FROM seq;
         INSERT INTO effects (initiative_id, unit_id, fiscal_year, basis, formula, canonical, computed_minutes)
             SELECT i.id, i.unit_id, 2024, b.basis, f.formula, f.canonical, f.computed_minutes
             FROM initiatives i
             CROSS JOIN (SELECT '試算' AS basis UNION ALL SELECT '試行' UNION ALL SELECT '実績') b
             JOIN f ON f.k = i.id % (SELECT count(*) FROM f);
         COMMIT;
         VACUUM;"
    ))
    .unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM effects", [], |r| r.get(0)).unwrap();
    assert_eq!(n as usize, initiatives * 3);
    drop(conn);
    std::fs::rename(&partial, path).unwrap();
}

fn ledger_cases(data: &Path, want: &dyn Fn(&str) -> bool) {
    let mut summary = Vec::new();
    for effects in [10_000usize, 100_000, 1_000_000] {
        let db = data.join(format!("ledger-{effects}.sqlite3"));
        build_ledger(&db, effects);
        if want("summary") {
            let m = run(
                &format!("daicho summary --fy 2024, {effects} effect rows"),
                || {
                    let mut c = daicho();
                    c.arg("--db").arg(&db).args(["summary", "--fy", "2024"]);
                    c
                },
                RUNS,
                || {},
            );
            summary.push((effects, m.wall));
        }
        if effects == 100_000 && want("report") {
            let out = data.join("report-all.xlsx");
            run(
                &format!("daicho report all --fy 2024 -o …xlsx, {effects} effect rows"),
                || {
                    let _ = std::fs::remove_file(&out);
                    let mut c = daicho();
                    c.arg("--db").arg(&db).args(["report", "all", "--fy", "2024", "-o"]).arg(&out);
                    c
                },
                RUNS,
                || {},
            );
        }
    }
    if let [(_, a), (_, b), (_, c)] = summary[..] {
        println!("\n- summary growth: 10 k → 100 k rows {}, 100 k → 1 M rows {}\n", ratio(b, a), ratio(c, b));
        println!("| case | wall | peak memory |\n|---|---:|---:|");
    }
}

fn hostile_cases(root: &Path) {
    let dir = root.join("tests/fixtures/hostile");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "py"))
        .collect();
    names.sort();
    let db = std::env::temp_dir().join(format!("daicho-bench-hostile-{}.sqlite3", std::process::id()));
    for path in names {
        run(
            &format!("hostile: daicho import --dry-run {}", path.file_name().unwrap().to_string_lossy()),
            || {
                let mut c = daicho();
                c.arg("--db").arg(&db).args(["import", "--dry-run"]).arg(&path);
                c
            },
            1,
            || {},
        );
    }
    remove_ledger(&db);
}
