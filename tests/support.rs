//! Test support: each test gets its own temporary directory, its own database, and a `daicho` command whose
//! environment points every app-data location into that directory, so no test touches the real app-data folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, FixedOffset};
use daicho::db::{Author, Store};

pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        Self { dir: tempfile::Builder::new().prefix("daicho-test-").tempdir().unwrap() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("daicho.sqlite3")
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db()).unwrap()
    }

    /// The `daicho` binary with `DAICHO_DB` unset and every home/app-data variable inside the test directory.
    pub fn command(&self) -> Command {
        self.environment(Command::new(env!("CARGO_BIN_EXE_daicho")))
    }

    /// The same `daicho`, started through `sh` with its address space capped at `kib` KiB (`ulimit -v`): an
    /// allocation beyond the cap fails and aborts the process, so a test sees any unbounded grid or buffer.
    pub fn capped_command(&self, kib: u64) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\"")).arg(env!("CARGO_BIN_EXE_daicho"));
        self.environment(c)
    }

    fn environment(&self, mut c: Command) -> Command {
        let home = self.path().join("home");
        c.env_remove("DAICHO_DB")
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
        c.arg("--db").arg(self.db()).args(args);
        c.output().unwrap()
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

    /// A ledger built by a seed file of `daicho` commands under tests/fixtures.
    pub fn seeded_from(seed: &str) -> Self {
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
