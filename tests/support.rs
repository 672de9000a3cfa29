//! Test support: each test gets its own temporary directory, its own database, and a `daicho` command whose
//! environment points every app-data location into that directory, so no test touches the real app-data folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use chrono::{DateTime, FixedOffset};
use daicho::db::Store;
use daicho::ledger::Author;

/// A storage backend the ledger tests can run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file, one per test directory.
    Sqlite,
    /// A PostgreSQL server (`DAICHO_TEST_PG`, libpq words without `dbname`): one fresh database per test directory,
    /// dropped with it.
    Postgres,
}

/// Every backend, by the name `DAICHO_TEST_BACKEND` takes; `scripts/test.sh` runs the suite once per backend.
pub const BACKENDS: &[(&str, Backend)] = &[("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)];

/// The server of the PostgreSQL run: libpq words naming host and user (`host=/tmp/pg user=daicho`).
pub fn server() -> String {
    std::env::var("DAICHO_TEST_PG").unwrap_or_else(|_| {
        panic!("DAICHO_TEST_BACKEND=postgres needs DAICHO_TEST_PG (host=… user=…): scripts/test.sh sets both")
    })
}

/// A connection to the server's maintenance database, for creating and dropping the tests' databases.
fn admin() -> postgres::Client {
    postgres::Client::connect(&format!("{} dbname=postgres", server()), postgres::NoTls)
        .unwrap_or_else(|e| panic!("the test server {} cannot be reached: {e}", server()))
}

/// Whether this run keeps ledgers on a server: tests of what only a file has (its bytes, a second raw connection,
/// backups and restore, SQLite's own migrations) return early there, saying so.
pub fn on_server(what: &str) -> bool {
    let server = backend() == Backend::Postgres;
    if server {
        eprintln!("skipped on PostgreSQL: {what}");
    }
    server
}

/// The backend this run of the suite uses: `DAICHO_TEST_BACKEND`, SQLite when unset.
pub fn backend() -> Backend {
    match std::env::var("DAICHO_TEST_BACKEND") {
        Err(_) => Backend::Sqlite,
        Ok(name) => BACKENDS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b).unwrap_or_else(|| {
            let known: Vec<&str> = BACKENDS.iter().map(|(n, _)| *n).collect();
            panic!("DAICHO_TEST_BACKEND={name} is not a backend the tests know ({})", known.join(", "))
        }),
    }
}

pub struct TestDir {
    dir: tempfile::TempDir,
    /// This test's database on the server (PostgreSQL runs).
    database: Option<String>,
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if let Some(name) = &self.database {
            let _ = admin().batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

impl TestDir {
    pub fn new() -> Self {
        Self::from_template(None)
    }

    /// A test directory whose server database (PostgreSQL runs) is a copy of `template`, or empty.
    fn from_template(template: Option<&str>) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = tempfile::Builder::new().prefix("daicho-test-").tempdir().unwrap();
        let database = (backend() == Backend::Postgres).then(|| {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("daicho_t_{}_{n}", std::process::id());
            let from = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
            admin().batch_execute(&format!("CREATE DATABASE {name}{from}")).unwrap();
            name
        });
        Self { dir, database }
    }

    /// What `--db` and [`daicho::db::Store::open_target`] take for this test's ledger: the SQLite file, or the
    /// connection string of this test's database on the server.
    pub fn target(&self) -> String {
        match &self.database {
            Some(name) => format!("{} dbname={name}", server()),
            None => self.db().to_str().unwrap().to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("daicho.sqlite3")
    }

    /// Where a command without `--db` keeps its ledger in this test.
    pub fn data_dir(&self) -> PathBuf {
        self.path().join("home/data")
    }

    /// This test's ledger on the backend the suite runs against ([`backend`]).
    pub fn store(&self) -> Store {
        Store::open_target(&self.target()).unwrap()
    }

    /// A second, raw connection to this test's SQLite file, as another program would open it (with foreign keys on,
    /// as the store's own connection has them): for tests of the schema's own rules and of damaged files.
    pub fn raw_sqlite(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(self.db()).unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;").unwrap();
        c
    }

    /// The `daicho` binary with `DAICHO_DB` unset and every home/app-data variable inside the test directory.
    pub fn command(&self) -> Command {
        self.environment(Command::new(env!("CARGO_BIN_EXE_daicho")))
    }

    /// Another program (`script`) with the same environment as [`TestDir::command`]. Unix only, as its callers.
    #[cfg(unix)]
    pub fn command_named(&self, program: &str) -> Command {
        self.environment(Command::new(program))
    }

    /// The same `daicho`, started through `sh` with its address space capped at `kib` KiB (`ulimit -v`): an
    /// allocation beyond the cap fails and aborts the process, so a test sees any unbounded grid or buffer. Unix only.
    #[cfg(unix)]
    pub fn capped_command(&self, kib: u64) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\"")).arg(env!("CARGO_BIN_EXE_daicho"));
        self.environment(c)
    }

    fn environment(&self, mut c: Command) -> Command {
        let home = self.path().join("home");
        c.env_remove("DAICHO_DB")
            // The default ledger goes here on every OS (on Windows the app-data folder cannot be redirected).
            .env(daicho::db::DATA_DIR_VAR, self.data_dir())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("LOCALAPPDATA", home.join("AppData/Local"))
            .env("APPDATA", home.join("AppData/Roaming"))
            .env("USER", "tester")
            .env("USERNAME", "tester");
        c
    }

    /// Runs `daicho --db <this test's db> ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut c = self.command();
        c.arg("--db").arg(self.target()).args(args);
        c.launch()
    }

    /// Runs and requires success, printing everything useful when it fails.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "daicho {args:?} failed ({}):\n{}", out.status, describe(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and requires the given exit code, returning stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(code), "daicho {args:?} exit code:\n{}", describe(&out));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "no panic dump: {stderr}");
        stderr
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

/// Starting a program, the way every test here starts one.
///
/// Under Wine (the Windows pass of `.ci/run`) `CreateProcess` now and then fails with `ERROR_INTERNAL_ERROR` (1359)
/// before the program has run at all — a fault of the emulation, seen once in ~400 spawns of a CI run, never of
/// Windows. Only that error, only before anything ran, is tried again (up to five times); any other failure, and any
/// failure of the program itself, is the test's to judge.
pub trait Launch {
    fn launch(&mut self) -> Output;
    fn start(&mut self) -> Child;
}

impl Launch for Command {
    fn launch(&mut self) -> Output {
        retry_wine_spawn(|| self.output())
    }
    fn start(&mut self) -> Child {
        retry_wine_spawn(|| self.spawn())
    }
}

fn retry_wine_spawn<T>(mut go: impl FnMut() -> std::io::Result<T>) -> T {
    const ERROR_INTERNAL_ERROR: i32 = 1359;
    for attempt in 1.. {
        match go() {
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(ERROR_INTERNAL_ERROR) && attempt < 5 => {
                eprintln!("spawn failed with Windows error 1359 (Wine); trying again ({attempt}/5)");
                std::thread::sleep(std::time::Duration::from_millis(200 * attempt));
            }
            other => return other.unwrap_or_else(|e| panic!("the program could not be started: {e}")),
        }
    }
    unreachable!()
}

pub fn describe(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fixed author: tests pass time in, as the library requires.
pub fn author() -> Author {
    let at: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2024-06-01T09:00:00+09:00").unwrap();
    Author { user: "tester".into(), at }
}

/// Another person on the same ledger (their changes are named 同僚), at a fixed time.
pub fn colleague() -> Author {
    let at: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2024-06-01T08:30:00+09:00").unwrap();
    Author { user: "同僚".into(), at }
}

/// A 実績 figure of `fy` from `formula`, evaluated as the ledger's default settings evaluate it.
pub fn actual_figure(fy: daicho::fiscal::FiscalYear, formula: &str) -> daicho::ledger::Evaluated {
    daicho::ledger::NewEffect {
        fiscal_year: fy,
        basis: daicho::ledger::Basis::Actual,
        input: daicho::ledger::EffectInput::Formula(formula.into()),
        stated_hours: None,
        note: None,
    }
    .evaluate(&Default::default())
    .unwrap_or_else(|e| panic!("{formula} is a figure: {e:?}"))
}

/// Splits a shell-like command line: words separated by spaces, double quotes group.
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

impl TestDir {
    /// A ledger with the seed every import fixture was written against (tests/fixtures/seed.txt).
    pub fn seeded() -> Self {
        Self::seeded_from("seed.txt")
    }

    /// A ledger built by a seed file of `daicho` commands under tests/fixtures. Each seed is run once per test
    /// process (through the CLI) and copied into every test directory that asks for it: property tests ask for
    /// hundreds, and starting thousands of processes is slow everywhere and fails under Wine.
    pub fn seeded_from(seed: &str) -> Self {
        // The templates live in cargo's folder for integration-test data, one per seed and test process; those of
        // earlier runs are removed when the first is made.
        if backend() == Backend::Postgres {
            return Self::seeded_on_server(seed);
        }
        static TEMPLATES: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
        let mut templates = TEMPLATES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seeds");
        if templates.is_empty() {
            let _ = std::fs::remove_dir_all(&folder);
        }
        if !templates.iter().any(|(s, _)| s == seed) {
            std::fs::create_dir_all(&folder).unwrap();
            let path = folder.join(format!("{}-{}.sqlite3", std::process::id(), templates.len()));
            Self::seeded_by_commands(seed).store().backup_to(&path).unwrap();
            templates.push((seed.to_string(), path));
        }
        let (_, template) = templates.iter().find(|(s, _)| s == seed).unwrap();
        let t = TestDir::new();
        std::fs::copy(template, t.db()).unwrap();
        // Opened once, as the CLI left the original: the copy is in rollback mode until a store sets WAL, which
        // rewrites the header (tests compare the file's bytes before and after a refused import).
        drop(t.store());
        t
    }

    /// On the server the seeded ledger is a database every test's is created from (`CREATE DATABASE … TEMPLATE`);
    /// the seeded test directories are kept (never dropped) for the rest of the process.
    fn seeded_on_server(seed: &str) -> Self {
        static TEMPLATES: std::sync::Mutex<Vec<(String, TestDir)>> = std::sync::Mutex::new(Vec::new());
        let mut templates = TEMPLATES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !templates.iter().any(|(s, _)| s == seed) {
            templates.push((seed.to_string(), Self::seeded_by_commands(seed)));
        }
        let (_, template) = templates.iter().find(|(s, _)| s == seed).unwrap();
        Self::from_template(template.database.as_deref())
    }

    fn seeded_by_commands(seed: &str) -> Self {
        let t = TestDir::new();
        let seed = std::fs::read_to_string(fixture(seed)).unwrap();
        for line in seed.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            let args = words(line);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            t.ok(&args);
        }
        t
    }
}

/// Import options with 令和6年度 for rows without a 年度: what the fixtures were written against.
pub fn fy2024() -> daicho::import::ImportOptions {
    daicho::import::ImportOptions { fiscal_year: Some(daicho::fiscal::FiscalYear(2024)), ..Default::default() }
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
