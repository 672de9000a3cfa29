//! The desktop app's speed on a large ledger, measured as a person meets it: the real app (this build, so run it as
//! `cargo bench -p daicho-app --bench app` for the release build) started through the end-to-end harness
//! (tauri-driver + WebKitWebDriver, under X) at the window our users have, on a ledger of 10,000 initiatives.
//!
//! It needs a display (`xvfb-run -a -s "-screen 0 1366x768x24" cargo bench -p daicho-app --bench app`) and
//! tauri-driver; without them it says what it skipped. Nothing here is a test: it prints figures for BENCHMARKS.md.
//!
//! - **Launch**: to the dashboard showing its total, from the app's process start (the kernel's start time) and
//!   from the WebDriver session request (which starts the app), with the page's own part of it; the fastest, median
//!   and slowest of 5 launches, each on a fresh copy of the ledger; and the same on the sample city (150
//!   initiatives), whose figure is the app's own start-up (the web view, the window, the UI).
//! - **Sort, filter, year switch**: timed inside the page from the click (or the choice), until the screen shows the
//!   result (the header's sort mark, the totals row, the figures of the new year) and until the frame after it is
//!   painted; 5 of each, beside the machine's own floor (a frame painted with nothing changed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use daicho::actions;
use daicho::db::{Read, Store};
use daicho::ledger::{Author, InitiativeFilter};
use fantoccini::Client;
use support::*;

const INITIATIVES: usize = 10_000;
const LAUNCHES: usize = 5;
const REPEATS: usize = 5;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; this one has no named cases
    }
    if std::env::var_os("DISPLAY").is_none() {
        println!("app bench skipped: no display (run under xvfb-run -a -s \"-screen 0 1366x768x24\")");
        return;
    }
    if std::process::Command::new("tauri-driver").arg("--help").output().is_err() {
        println!("app bench skipped: tauri-driver is not on PATH (cargo install tauri-driver --locked)");
        return;
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data");
    std::fs::create_dir_all(&data).unwrap();
    let big = data.join(format!("app-ledger-{INITIATIVES}.sqlite3"));
    let started = Instant::now();
    build_ledger(&big, INITIATIVES);
    println!(
        "ledger of {INITIATIVES} initiatives ready in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        big.display()
    );
    let sample = data.join("app-ledger-sample.sqlite3");
    build_ledger(&sample, 0);

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    // DAICHO_BENCH=launch or =screens runs one part (default: both).
    let want = |part: &str| std::env::var("DAICHO_BENCH").map_or(true, |v| v.split(',').any(|p| p == part));
    rt.block_on(async {
        if want("screens") {
            screens(&big).await;
        }
        if !want("launch") {
            return;
        }
        let (small_launch, small_page, small_process) = launches(&sample).await;
        let (big_launch, big_page, big_process) = launches(&big).await;
        println!("\n| launch to the dashboard's total | fastest | median | slowest |\n|---|---:|---:|---:|");
        for (name, session, process, page) in [
            ("sample city (150 initiatives)".to_string(), small_launch, small_process, small_page),
            (format!("{INITIATIVES} initiatives"), big_launch, big_process, big_page),
        ] {
            spread(&format!("{name}: from the app's process start"), &process);
            spread(&format!("{name}: from the WebDriver session request"), &session);
            spread(&format!("{name}: in the page (navigation start → total)"), &page);
        }
    });
}

/// A ledger of `n` initiatives: the sample city, and its initiatives copied (each with its figures of every year,
/// titles numbered) until there are `n`; `n = 0` is the sample city alone. Kept in `target/bench-data` and reused.
fn build_ledger(path: &Path, n: usize) {
    if path.exists() {
        return;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let author = Author::os_user(chrono::Local::now().fixed_offset());
    let mut store = Store::open(&partial).unwrap();
    actions::load_demo(&mut store, &author).unwrap();
    let demo = store.initiatives(&InitiativeFilter::default()).unwrap();
    let effects: Vec<_> = demo.iter().map(|i| store.effects_of(i.id).unwrap()).collect();
    let conversions = store.settings().unwrap().conversions();
    store
        .write(&author, |w| {
            for k in 0..n.saturating_sub(demo.len()) {
                let from = &demo[k % demo.len()];
                let mut fields = from.fields();
                fields.ledger_id = None;
                fields.title = format!("{}（{}）", from.title, k + 1);
                let copy = w.add_initiative(&fields)?;
                for e in &effects[k % demo.len()] {
                    w.set_effect(copy.id, &e.as_new().evaluate(&conversions).unwrap())?;
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(store.initiative_count().unwrap(), n.max(demo.len()), "the ledger holds the initiatives asked for");
    drop(store);
    std::fs::rename(&partial, path).unwrap();
}

/// A fresh folder with a copy of the ledger: the app may write beside it (its settings, a backup), and every launch
/// starts from the same file.
fn fresh_copy(ledger: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    std::fs::copy(ledger, &db).unwrap();
    (dir, db)
}

/// Launches the app `LAUNCHES` times on copies of `ledger`: the times from the session request to the dashboard's
/// total on the screen, the page's own part of them (`performance.now()` when the total was seen), and the time from
/// the app's process start.
async fn launches(ledger: &Path) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut wall = Vec::new();
    let mut page = Vec::new();
    let mut process = Vec::new();
    for _ in 0..LAUNCHES {
        let (dir, db) = fresh_copy(ledger);
        let (_driver, client, asked) =
            launch_timed(dir.path(), &db, &dir.path().join("picked"), &dir.path().join("out")).await;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let seen = "const e = document.querySelector('[data-testid=total-hours]');
                        return e && e.innerText ? performance.now() : null;";
            if let Some(ms) = client.execute(seen, vec![]).await.unwrap().as_f64() {
                wall.push(asked.elapsed().as_secs_f64() * 1000.0);
                page.push(ms);
                process.push(since_app_started());
                break;
            }
            assert!(Instant::now() < deadline, "the dashboard did not show its total within a minute");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        client.close().await.unwrap();
    }
    (wall, page, process)
}

/// Milliseconds since the app's process started (the kernel's start time of the newest `daicho-app` running, in clock
/// ticks of 10 ms since boot, against the uptime now): what a person waits from double-clicking the app, without
/// the WebDriver session's own start.
fn since_app_started() -> f64 {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime").unwrap().split(' ').next().unwrap().parse().unwrap();
    let started = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == "daicho-app"))
        .map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap();
            // Field 22 (starttime), counted after the command name's closing parenthesis.
            let after = &stat[stat.rfind(')').unwrap() + 2..];
            after.split(' ').nth(19).unwrap().parse::<f64>().unwrap() / 100.0
        })
        .fold(None, |newest: Option<f64>, t| Some(newest.map_or(t, |n| n.max(t))))
        .expect("the app's process is running");
    (uptime - started) * 1000.0
}

/// Runs `action` in the page and times it until `done` holds, and until the next frame is painted (a frame is asked
/// for, then a task after it: the paint happens between). Both are JavaScript; `action` may declare constants `done`
/// reads.
async fn timed(client: &Client, action: &str, done: &str) -> Timed {
    let script = format!(
        "const reply = arguments[arguments.length - 1];
         const t0 = performance.now();
         {action};
         const poll = () => {{
           if ({done}) {{
             const changed = performance.now() - t0;
             requestAnimationFrame(() => setTimeout(() => reply([changed, performance.now() - t0, t0]), 0));
           }}
           else if (performance.now() - t0 > 300000) reply(null);
           else setTimeout(poll, 0);
         }};
         poll();"
    );
    if std::env::var_os("DAICHO_BENCH_VERBOSE").is_some() {
        eprintln!("timing: {action}");
    }
    let ms = client.execute_async(&script, vec![]).await.unwrap();
    let ms = ms.as_array().unwrap_or_else(|| panic!("not done within 300 s: {action} until {done}"));
    Timed { changed: ms[0].as_f64().unwrap(), painted: ms[1].as_f64().unwrap(), start: ms[2].as_f64().unwrap() }
}

/// The marks the ledger list sets around its `ledger` command (`ledger-asked`, `ledger-read`), in the page's clock.
async fn ledger_marks(client: &Client) -> (f64, f64) {
    let script = "const at = (n) => performance.getEntriesByName(n, 'mark').at(-1)?.startTime ?? null;
                  return [at('ledger-asked'), at('ledger-read')];";
    let v = client.execute(script, vec![]).await.unwrap();
    (v[0].as_f64().expect("the list marked its command"), v[1].as_f64().expect("the list marked its rows read"))
}

/// One timed step, in milliseconds from the click: until the page shows the result (its script and the screen's
/// update done), and until the next frame after it is painted.
#[derive(Clone, Copy)]
struct Timed {
    changed: f64,
    painted: f64,
    /// When the step began, in the page's clock (`performance.now()`).
    start: f64,
}

/// A `<select>` set to `value` as a person chooses it (the change event the screen listens to).
fn choose(css: &str, value: &str) -> String {
    format!(
        "const s = document.querySelector('{css}'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }}))"
    )
}

/// Text typed into an input as a person types it (one input event with the whole text, as a paste).
fn type_text(css: &str, value: &str) -> String {
    format!(
        "const s = document.querySelector('{css}'); s.value = '{value}'; s.dispatchEvent(new Event('input', {{ bubbles: true }}))"
    )
}

const TOTALS: &str = "document.querySelector('[data-testid=ledger-totals]').innerText";
const DASHBOARD_TOTAL: &str = "document.querySelector('[data-testid=total-hours]').innerText";

/// The ledger list's sorts and filters and the year switch, each repeated, on the large ledger.
async fn screens(ledger: &Path) {
    let (dir, db) = fresh_copy(ledger);
    let (_driver, client) = launch_in(dir.path(), &db).await;
    // A slow step is a figure to print, not a script the driver gives up on after its default 30 s.
    let long = Some(Duration::from_secs(600));
    client.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(long, long, Some(Duration::ZERO))).await.unwrap();
    wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
    let years: Vec<String> = serde_json::from_value(
        client
            .execute(
                "return [...document.querySelectorAll('[data-testid=fiscal-year] option')].map(o => o.value)",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let (last, before) = (years[years.len() - 1].clone(), years[years.len() - 2].clone());

    // The shell's commands alone (the library's work, the IPC and the JSON both ways, no drawing), for the record.
    let mut commands = Vec::new();
    for (name, args) in [
        ("app_info", "{}".to_string()),
        ("dashboard", format!("{{ fiscalYear: {last} }}")),
        ("ledger", format!("{{ fiscalYear: {last} }}")),
    ] {
        let mut times = Vec::new();
        for _ in 0..REPEATS {
            let script = format!(
                "const reply = arguments[arguments.length - 1]; const t0 = performance.now();
                 window.__TAURI_INTERNALS__.invoke('{name}', {args}).then(() => reply(performance.now() - t0), (e) => reply(String(e)));"
            );
            let v = client.execute_async(&script, vec![]).await.unwrap();
            times.push(v.as_f64().unwrap_or_else(|| panic!("{name}: {v}")));
        }
        commands.push((name, times));
    }

    // The dashboard: a year back and forth.
    let mut switch = Vec::new();
    for k in 0..REPEATS * 2 {
        let to = if k % 2 == 0 { &before } else { &last }; // and back: the year shown is the latest again
        let action = format!("const was = {DASHBOARD_TOTAL}; {}", choose("[data-testid=fiscal-year]", to));
        switch.push(timed(&client, &action, &format!("{DASHBOARD_TOTAL} !== was")).await);
    }
    // To the ledger list, whose rows then all load.
    let action = "[...document.querySelectorAll('nav button')].find(b => b.innerText === '台帳').click()";
    let loaded = "document.querySelector('[data-testid=ledger-totals]')?.innerText.match(/[1-9][0-9,]* 件/)";
    let open = timed(&client, action, loaded).await;
    let rows = client.execute(&format!("return {TOTALS}"), vec![]).await.unwrap();
    println!("\nthe ledger list of {} shows: {}", years[years.len() - 1], rows.as_str().unwrap_or_default().trim());

    // What any change on this screen costs at least: a frame and its paint with nothing changed, and a small popup
    // opened and closed (the 列 chooser), so the figures below can be read against the machine's own floor.
    let mut floor = Vec::new();
    let mut popup = Vec::new();
    for _ in 0..REPEATS {
        floor.push(timed(&client, "", "true").await);
        let open = "document.querySelector('[data-testid=columns-open]').click()";
        popup.push(timed(&client, open, "document.querySelector('[data-testid=columns-menu]')").await);
        timed(&client, open, "!document.querySelector('[data-testid=columns-menu]')").await;
    }

    let mut sorts: Vec<(String, Vec<Timed>)> = Vec::new();
    for key in ["title", "hours", "bureau", "section", "status", "tool", "kind", "ledger_id"] {
        let mut times = Vec::new();
        for _ in 0..REPEATS {
            let header =
                format!("document.querySelector('[data-testid=sort-{key}]').closest('th').getAttribute('aria-sort')");
            let action = format!("const was = {header}; document.querySelector('[data-testid=sort-{key}]').click()");
            times.push(timed(&client, &action, &format!("{header} !== was")).await);
        }
        sorts.push((key.to_string(), times));
    }
    let bureau: String = client
        .execute("return document.querySelector('[data-testid=filter-bureau] option:nth-child(4)').value", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let mut filters: Vec<(String, Vec<Timed>)> = Vec::new();
    for (name, set, unset) in [
        (
            format!("部局 = {bureau}"),
            choose("[data-testid=filter-bureau]", &bureau),
            choose("[data-testid=filter-bureau]", ""),
        ),
        (
            "検索 「会議録」".to_string(),
            type_text("[data-testid=filter-text]", "会議録"),
            type_text("[data-testid=filter-text]", ""),
        ),
        (
            "検索 「ｒｐａ」 (full-width, folded)".to_string(),
            type_text("[data-testid=filter-text]", "ｒｐａ"),
            type_text("[data-testid=filter-text]", ""),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..REPEATS {
            for (action, keep) in [(&set, true), (&unset, false)] {
                let t = timed(&client, &format!("const was = {TOTALS}; {action}"), &format!("{TOTALS} !== was")).await;
                if keep {
                    times.push(t);
                }
            }
        }
        filters.push((name, times));
    }
    let mut ledger_switch = Vec::new();
    // The year switch split in three (milliseconds): from the choice to the command asked, the command (the library,
    // the IPC, the JSON), and the page's own work from the rows read to the totals shown.
    let mut split: [Vec<f64>; 3] = Default::default();
    for k in 0..REPEATS * 2 {
        let to = if k % 2 == 0 { &before } else { &last };
        let action = format!("const was = {TOTALS}; {}", choose("[data-testid=fiscal-year]", to));
        let t = timed(&client, &action, &format!("{TOTALS} !== was")).await;
        let (asked, read) = ledger_marks(&client).await;
        for (part, ms) in split.iter_mut().zip([asked - t.start, read - asked, t.start + t.changed - read]) {
            part.push(ms);
        }
        ledger_switch.push(t);
    }
    client.close().await.unwrap();

    println!("\n| on {INITIATIVES} initiatives | fastest | slowest |\n|---|---:|---:|");
    for (name, times) in &commands {
        row(&format!("the `{name}` command alone (library, IPC, JSON)"), times);
    }
    println!(
        "\n| on {INITIATIVES} initiatives, from the click | shown, median | painted, fastest | painted, median | painted, slowest |\n|---|---:|---:|---:|---:|"
    );
    steps("the floor: a frame painted with nothing changed", &floor);
    steps("the floor: the 列 chooser opened (a small popup)", &popup);
    steps(&format!("year switch on the dashboard ({last} ↔ {before})"), &switch);
    steps("the ledger list opened from the dashboard (all its rows loaded)", &[open]);
    for (key, times) in &sorts {
        steps(&format!("sort by {key} (each click reverses it)"), times);
    }
    for (name, times) in &filters {
        steps(&format!("filter {name}"), times);
    }
    steps(&format!("year switch on the ledger list ({last} ↔ {before})"), &ledger_switch);
    println!("\n| the ledger list's year switch, until shown | fastest | median | slowest |\n|---|---:|---:|---:|");
    for (part, ms) in [
        "the choice to the command asked",
        "the `ledger` command (library, IPC, JSON)",
        "the page's work: rows read to totals shown",
    ]
    .iter()
    .zip(&split)
    {
        spread(part, ms);
    }
}

/// A step's figures: the median until the screen showed the result, and the fastest, median and slowest until the
/// frame after it was painted.
fn steps(case: &str, times: &[Timed]) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let painted: Vec<f64> = times.iter().map(|t| t.painted).collect();
    let (min, max) =
        (painted.iter().copied().fold(f64::INFINITY, f64::min), painted.iter().copied().fold(0.0, f64::max));
    println!(
        "| {case} | {:.3} s | {:.3} s | {:.3} s | {:.3} s |",
        median(times.iter().map(|t| t.changed).collect()) / 1000.0,
        min / 1000.0,
        median(painted) / 1000.0,
        max / 1000.0
    );
}

/// The fastest, median and slowest of `ms`.
fn spread(case: &str, ms: &[f64]) {
    let mut v = ms.to_vec();
    v.sort_by(f64::total_cmp);
    println!(
        "| {case} | {:.3} s | {:.3} s | {:.3} s |",
        v[0] / 1000.0,
        v[v.len() / 2] / 1000.0,
        v[v.len() - 1] / 1000.0
    );
}

fn row(case: &str, ms: &[f64]) {
    let min = ms.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ms.iter().copied().fold(0.0, f64::max);
    println!("| {case} | {:.3} s | {:.3} s |", min / 1000.0, max / 1000.0);
}
