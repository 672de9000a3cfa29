//! What the end-to-end tests and the app's benchmark share: the real app started over WebDriver (tauri-driver and
//! WebKitWebDriver) at the window our users have, and the waits, clicks and reads a person's steps are made of.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// tauri-driver, stopped with SIGTERM on drop so it also stops WebKitWebDriver (SIGKILL would orphan it).
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn screenshots() -> PathBuf {
    let dir = std::env::var_os("DAICHO_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    // A PNG's IHDR holds its width and height (big-endian) at bytes 16..24.
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), WINDOW, "{name}.png shows the window our users have");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// The window our users have: a 1366×768 screen (the common municipal PC) less the taskbar, as the page's inner size.
pub const WINDOW: (u32, u32) = (1366, 697);

/// The page's inner size (`innerWidth`, `innerHeight`): what the app has to lay itself out in.
pub async fn inner_size(client: &Client) -> (u32, u32) {
    let v = client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
    let n = |i: usize| u32::try_from(v[i].as_u64().unwrap()).unwrap();
    (n(0), n(1))
}

/// Sizes the window so that the page inside it is `WINDOW`, whatever frame the window manager (if any) adds, and
/// checks it: a screen laid out for a larger window would pass here and fail on the users' PCs.
pub async fn fit_window(client: &Client) {
    client.set_window_rect(0, 0, WINDOW.0, WINDOW.1).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let inner = inner_size(client).await;
        if inner == WINDOW {
            return;
        }
        assert!(Instant::now() < deadline, "the page's inner size stayed {inner:?}, not {WINDOW:?}");
        // The frame is what the outer size has beyond the inner one; the window grows by it once it is known.
        let (_, _, w, h) = client.get_window_rect().await.unwrap();
        let frame = |outer: u64, inner: u32, want: u32| (outer as u32).saturating_sub(inner) + want;
        let (w, h) = (frame(w, inner.0, WINDOW.0), frame(h, inner.1, WINDOW.1));
        client.set_window_rect(0, 0, w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The element's rendered text (`innerText`). Read through a script: WebKitWebDriver's element-text command
/// returns nothing for elements inside an `overflow: hidden` box that its visibility heuristics call hidden.
pub async fn inner_text(client: &Client, css: &str) -> Option<String> {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;";
    client.execute(script, vec![css.into()]).await.ok().and_then(|v| v.as_str().map(String::from))
}

pub async fn text_of(client: &Client, css: &str) -> String {
    wait_text(client, css, |t| !t.is_empty()).await
}

/// Waits until the element's text satisfies `ok`, and returns it.
pub async fn wait_text(client: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::from("(not found)");
    loop {
        if let Some(t) = inner_text(client, css).await {
            if ok(&t) {
                return t;
            }
            last = t;
        }
        if Instant::now() >= deadline {
            shot(client, "failure").await;
            panic!("timed out waiting for {css}; last text {last:?} (screen saved as failure.png)");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click(client: &Client, css: &str) {
    client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

pub async fn type_into(client: &Client, css: &str, text: &str) {
    let e = client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    if !text.is_empty() {
        e.send_keys(text).await.unwrap();
    }
}

/// The value of a form field (`input`, `select`), as the user sees it in the field.
pub async fn value_of(client: &Client, css: &str) -> String {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.value : null;";
    let v = client.execute(script, vec![css.into()]).await.unwrap();
    v.as_str().unwrap_or_else(|| panic!("no field {css}")).to_string()
}

/// Waits until the field's value satisfies `ok`, and returns it.
pub async fn wait_value(client: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = value_of(client, css).await;
        if ok(&v) {
            return v;
        }
        if Instant::now() >= deadline {
            shot(client, "failure").await;
            panic!("timed out waiting for the value of {css}; last {v:?} (screen saved as failure.png)");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Keys pressed with the focus on the element, as a person presses them there: `Key::Control + "s"` is Ctrl+S
/// (a modifier stays down until the end of the keys sent).
pub async fn press(client: &Client, css: &str, keys: &str) {
    let e = client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap();
    e.send_keys(keys).await.unwrap();
}

/// The 算定区分 the detail's effect form holds (its pressed button).
pub async fn basis_of(client: &Client) -> String {
    let script = "return document.querySelector('[data-testid=effect-basis] [aria-pressed=true]').dataset.basis";
    client.execute(script, vec![]).await.unwrap().as_str().unwrap().to_string()
}

/// Whether an element matching the selector is on the screen.
pub async fn present(client: &Client, css: &str) -> bool {
    let script = "return !!document.querySelector(arguments[0]);";
    client.execute(script, vec![css.into()]).await.unwrap() == serde_json::Value::Bool(true)
}

/// Waits until no element matches the selector (a confirmation or a form closed).
pub async fn wait_gone(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while present(client, css).await {
        if Instant::now() >= deadline {
            shot(client, "failure").await;
            panic!("{css} is still on the screen (screen saved as failure.png)");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the button is enabled (a re-check after a choice disables it while it runs).
pub async fn wait_enabled(client: &Client, css: &str) {
    let script = "const e = document.querySelector(arguments[0]); return !!e && !e.disabled;";
    let deadline = Instant::now() + Duration::from_secs(20);
    while client.execute(script, vec![css.into()]).await.ok() != Some(serde_json::Value::Bool(true)) {
        assert!(Instant::now() < deadline, "{css} stayed disabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click_text(client: &Client, tag: &str, text: &str) {
    let xpath = format!("//{tag}[normalize-space(.)='{text}']");
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// One app at a time: each test drives its own app through its own tauri-driver, and two web views side by side
/// would make the timings of both meaningless on a 2-core machine.
pub static APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Starts the real app on the ledger `db` (home, app data and dialogs in `home`: files "picked" come from `pick_dir`,
/// files "saved" go to `save_dir`), connects to it over WebDriver and gives it the window our users have (`WINDOW`).
pub async fn launch(home: &Path, db: &Path, pick_dir: &Path, save_dir: &Path) -> (Driver, Client) {
    let (driver, client, _) = launch_timed(home, db, pick_dir, save_dir).await;
    (driver, client)
}

/// [`launch`], and when the app was asked for: the moment the WebDriver session was requested, once tauri-driver
/// listens (the session starts the app), so a launch is timed from there.
pub async fn launch_timed(home: &Path, db: &Path, pick_dir: &Path, save_dir: &Path) -> (Driver, Client, Instant) {
    std::fs::create_dir_all(pick_dir).unwrap();
    std::fs::create_dir_all(save_dir).unwrap();
    let port = free_port();
    // WebKitWebDriver's own port too: its default (4445) would be shared with any other end-to-end run on the machine.
    let native_port = free_port();
    let driver = Driver(
        Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DAICHO_DB", db)
            .env("DAICHO_TEST_PICK_DIR", pick_dir)
            .env("DAICHO_TEST_SAVE_DIR", save_dir)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be on PATH (cargo install tauri-driver --locked)"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": env!("CARGO_BIN_EXE_daicho-app") }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    // The session request waits for the app's window; an app that never comes up (seen once when a second build
    // relinked it while it started) would keep it waiting for ever, and the whole run with it.
    let client = loop {
        let mut builder = ClientBuilder::new(connector.clone());
        let session = builder.capabilities(caps.clone()).connect(&url);
        match tokio::time::timeout(Duration::from_secs(60), session).await {
            Ok(Ok(c)) => break c,
            Ok(Err(_)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Ok(Err(e)) => panic!("could not start a WebDriver session: {e}"),
            Err(_) => panic!("the app did not come up within 60 s of the WebDriver session's request"),
        }
    };
    fit_window(&client).await;
    (driver, client, started)
}

/// The app on the ledger `db`, with its file dialogs answered from `dir/picked` and saving into `dir/out`.
pub async fn launch_in(dir: &Path, db: &Path) -> (Driver, Client) {
    launch(dir, db, &dir.join("picked"), &dir.join("out")).await
}

/// Loads the sample city from the empty ledger's card and waits for its dashboard.
pub async fn sample_city(client: &Client) {
    click(client, "[data-testid=load-demo]").await;
    wait_text(client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
}

/// A colleague on their own PC, changing the same ledger (at a fixed time).
pub fn colleague() -> daicho::ledger::Author {
    let at = chrono::DateTime::parse_from_rfc3339("2025-04-01T10:00:00+09:00").unwrap();
    daicho::ledger::Author { user: "同僚".into(), at }
}

/// A colleague adds an RPA initiative under `unit` in `fy` to the ledger at `target` (a file or a server), from
/// their own connection.
pub fn colleague_adds(target: &str, unit: &str, title: &str, fy: daicho::fiscal::FiscalYear) {
    let mut store = daicho::db::Store::open_target(target).unwrap();
    let new = daicho::actions::NewInitiative {
        unit: unit.into(),
        kind: Some(daicho::ledger::Kind::Rpa),
        title: title.into(),
        fiscal_year: Some(fy),
        ..Default::default()
    };
    daicho::actions::add_initiative(&mut store, &colleague(), new).unwrap();
}
