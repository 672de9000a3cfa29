//! Crash durability: an import killed with SIGKILL at random moments leaves a sound database holding the file's
//! rows all or none, with an import history that agrees — over 100 kills.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::TestDir;

const ROWS: usize = 300;
const KILLS: usize = 100;

/// A return with `ROWS` new initiatives, written with rust_xlsxwriter.
fn big_return(path: &std::path::Path) {
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
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn an_import_killed_at_random_moments_is_all_or_nothing() {
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
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let store = daicho::db::Store::open(&db).unwrap();
        assert!(store.integrity_problems().unwrap().is_empty(), "kill {kill} after {delay:?}: integrity_check");
        let initiatives = daicho::db::list_initiatives(store.conn(), &Default::default()).unwrap().len();
        let history = daicho::db::import_history(store.conn()).unwrap();
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
