//! The `daicho` command as a user runs it.

use crate::support::Launch;
use crate::support::{TestDir, describe, fixture};

#[test]
fn calc_prints_canonical_minutes_and_hours() {
    let t = TestDir::new();
    let out = t.ok(&["calc", "5分×40か所×245日=49,000分"]);
    assert!(out.contains("5分×40か所×245日＝49,000分（816.7時間）"), "{out}");
    assert!(out.contains("一致"), "the stated result agrees: {out}");
    let v = t.json(&["calc", "--json", "5分×40か所×245日"]);
    assert_eq!(v["minutes"], serde_json::json!(49000));
    assert_eq!(v["canonical"], "5分×40か所×245日＝49,000分（816.7時間）");
    assert_eq!(v["stated_minutes"], serde_json::Value::Null, "no claim written");
    assert_eq!(v["matches_stated"], serde_json::Value::Null);
    let v = t.json(&["calc", "--json", "3人×7.75時間×4日=93時間"]);
    assert_eq!((v["minutes"].clone(), v["hours"].clone()), (serde_json::json!(5580), serde_json::json!(93)));
    assert_eq!(v["matches_stated"], true);
    let v = t.json(&["calc", "--json", "5分×40か所×245日=815時間"]);
    assert_eq!(v["matches_stated"], false, "815 h is more than 1 h away from 816.67 h");
}

#[test]
fn calc_refuses_with_exit_2_and_points_at_the_character() {
    let t = TestDir::new();
    for (formula, message) in [
        ("5件×250日", "時間の単位"),
        ("5分×3時間", "2つあります"),
        ("分×件", "数値がありません"),
        ("5分××3件", "演算子が続いています"),
    ] {
        let err = t.fails(&["calc", formula], 2);
        assert!(err.starts_with("エラー: "), "Japanese error prefix: {err}");
        assert!(err.contains(message) && err.contains("文字目") && err.contains('^'), "{formula}: {err}");
    }
}

/// 人日 and 人工 are hours through the ledger's settings: `calc` uses them, a figure stores the factor it was computed
/// with, and a later change of the setting leaves recorded figures as they were.
#[test]
fn person_time_follows_the_ledger_settings_and_stays_with_each_figure() {
    let t = TestDir::seeded();
    let v = t.json(&["calc", "--json", "2人日×10回"]);
    assert_eq!(v["hours"], serde_json::json!(155), "7.75 hours a day by default");
    t.ok(&["settings", "set", "hours_per_day", "8"]);
    let v = t.json(&["calc", "--json", "2人日×10回"]);
    assert_eq!(v["hours"], serde_json::json!(160), "the ledger's 8 hours a day");
    assert_eq!(v["canonical"], "2人日（1人日＝8時間）×10回＝9,600分（160時間）", "the factor is written out");
    t.ok(&["effect", "set", "R6-0001", "--fy", "2024", "--basis", "実績", "--formula", "2人日×10回"]);
    t.ok(&["settings", "set", "hours_per_day", "7"]);
    let shown = t.json(&["show", "R6-0001", "--json"]);
    let effect = shown["effects"].as_array().unwrap().iter().find(|e| e["basis"] == "実績").unwrap().clone();
    assert_eq!(effect["formula"], "2人日（1人日＝8時間）×10回", "stored with the factor it was computed with");
    assert_eq!(effect["computed_minutes"], "9600", "and the later setting does not change the figure");
}

#[test]
fn db_option_is_accepted_before_or_after_the_subcommand_and_from_the_environment() {
    let t = TestDir::new();
    let db = t.db();
    let db = db.to_str().unwrap();
    let before = t.command().args(["--db", db, "org", "add", "総務部"]).launch();
    assert!(before.status.success(), "{}", describe(&before));
    let after = t.command().args(["org", "add", "総務部/人事課", "--db", db]).launch();
    assert!(after.status.success(), "{}", describe(&after));
    let env = t.command().env("DAICHO_DB", db).args(["org", "list"]).launch();
    let listed = String::from_utf8(env.stdout).unwrap();
    assert!(listed.contains("総務部") && listed.contains("人事課"), "all three reached the same file: {listed}");
    assert!(!t.path().join("home").exists(), "with --db or DAICHO_DB nothing is written to the app-data folder");
}

/// Without `--db` the ledger is in the local app-data folder; `DAICHO_DATA_DIR` moves it (every test uses it, so no
/// test ever touches the real ledger on any OS).
#[test]
fn without_db_the_file_goes_to_the_data_folder() {
    let t = TestDir::new();
    let out = t.command().args(["org", "add", "総務部"]).launch();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(t.data_dir().join("daicho.sqlite3").exists(), "DAICHO_DATA_DIR holds the default ledger");
    assert!(!t.db().exists(), "and nothing else was written");
}

/// The OS folder itself, where it can be looked at without touching a real ledger: on Linux through XDG_DATA_HOME
/// (inside the test directory); on Windows, the path the library computes (`%LOCALAPPDATA%\Daicho`), with nothing
/// created.
#[test]
fn the_default_folder_is_the_local_app_data_folder() {
    #[cfg(target_os = "linux")]
    {
        let t = TestDir::new();
        let out = t.command().env_remove(daicho::db::DATA_DIR_VAR).args(["org", "add", "総務部"]).launch();
        assert!(out.status.success(), "{}", describe(&out));
        let expected = t.path().join("home/.local/share/daicho/daicho.sqlite3");
        assert!(expected.exists(), "on Linux the local data dir is $XDG_DATA_HOME/daicho: {}", expected.display());
    }
    #[cfg(windows)]
    {
        let path = daicho::db::default_path().unwrap();
        let local = std::env::var_os("LOCALAPPDATA").map(std::path::PathBuf::from).unwrap();
        assert_eq!(path, local.join("Daicho").join("daicho.sqlite3"), "never the roaming profile");
    }
}

#[test]
fn demo_then_summary_gives_a_sensible_organisation_wide_result() {
    let t = TestDir::new();
    let out = t.ok(&["demo"]);
    assert!(out.contains("取組 150"), "{out}");
    let s = t.json(&["summary", "--fy", "2023", "--json"]);
    assert_eq!(s["fiscal_year"], 2023);
    let groups = s["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 15, "one row per 部局 of the sample city");
    let total: f64 = s["total"]["hours"].as_f64().unwrap();
    assert!((3000.0..10000.0).contains(&total), "a city of this size saves thousands of hours: {total}");
    // Per-line rounding (the default): the grand total is the sum of the group totals, to the digit.
    let sum: rust_decimal::Decimal =
        groups.iter().map(|g| g["hours"].to_string().parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(sum.to_string(), s["total"]["hours"].to_string(), "totals reproducible from the printed lines");
    let initiatives: u64 = groups.iter().map(|g| g["initiatives"].as_u64().unwrap()).sum();
    assert_eq!(initiatives, s["total"]["initiatives"].as_u64().unwrap());
    assert!(s["total"]["target_hours"].is_number() && s["total"]["achievement_rate"].is_number(), "{s}");
    assert!(groups.iter().any(|g| g["key"] == "こども部"), "令和5年度 is after the rename to こども部");
    let s2022 = t.json(&["summary", "--fy", "2022", "--json"]);
    assert!(s2022["groups"].as_array().unwrap().iter().any(|g| g["key"] == "子ども部"), "令和4年度 keeps 子ども部");
    let again = t.fails(&["demo"], 4);
    assert!(again.contains("空の台帳"), "the demo never mixes into a real ledger: {again}");
}

#[test]
fn the_whole_ledger_workflow_from_the_command_line() {
    let t = TestDir::new();
    t.ok(&["org", "add", "子ども部/保育課"]);
    t.ok(&["org", "rename", "子ども部", "こども部", "--fy", "令和6年度"]);
    t.ok(&["org", "alias", "こども部", "子供部"]);
    let added = t.json(&[
        "add",
        "--unit",
        "子供部/保育課",
        "--kind",
        "AI-OCR",
        "--title",
        "保育所入所申込書の読取",
        "--tool",
        "DX Suite",
        "--status",
        "運用中",
        "--start",
        "令和5年4月1日",
        "--scenarios",
        "2",
        "--json",
    ]);
    assert_eq!(added["ledger_id"], "R5-0001", "numbered from the fiscal year of the start date");
    let out = t.ok(&[
        "effect",
        "set",
        "R5-0001",
        "--fy",
        "R5",
        "--basis",
        "実績",
        "--formula",
        "5分×577件(R4申請件数)",
        "--stated-hours",
        "48",
    ]);
    assert!(out.contains("一致"), "48 h against 48.08 h matches at the written precision: {out}");
    t.ok(&[
        "effect",
        "set",
        "r5-0001",
        "--fy",
        "2024",
        "--basis",
        "試算",
        "--before-minutes",
        "30",
        "--after-minutes",
        "5",
        "--count",
        "600",
    ]);
    t.ok(&["target", "set", "--fy", "2023", "--hours", "100"]);
    t.ok(&["edit", "R5-0001", "--status", "停止", "--status-on", "2025/3/31"]);
    t.ok(&["evaluate", "R5-0001", "--fy", "2023", "--grade", "B", "--reason", "件数が見込みを下回った"]);
    let shown = t.json(&["show", "R5-0001", "--json"]);
    assert_eq!(shown["effects"].as_array().unwrap().len(), 2);
    assert_eq!(shown["effects"][1]["formula"], "（30分－5分）×600件", "structured inputs are kept and rendered");
    assert_eq!(shown["status_history"].as_array().unwrap().len(), 2, "運用中 then 停止");
    let s = t.json(&["summary", "--fy", "2023", "--json"]);
    assert_eq!(s["groups"][0]["key"], "子ども部", "the 令和5年度 figure shows under the name used that year");
    assert_eq!(s["total"]["hours"].to_string(), "48", "the stated figure is adopted by default");
    assert_eq!(s["total"]["achievement_rate"].to_string(), "48.0");
    t.ok(&["settings", "set", "adopt", "計算値"]);
    let s = t.json(&["summary", "--fy", "2023", "--json"]);
    assert_eq!(s["total"]["hours"].to_string(), "48.1", "computed 48.083 h, rounded per line to 0.1 h");
    let log = t.json(&["log", "R5-0001", "--json"]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["update", "create"], "the initiative was created, then its status changed");
    assert!(log[0]["before"]["status"] == "運用中" && log[0]["after"]["status"] == "停止", "{log}");
    assert_eq!(log[0]["actor"], "tester", "the OS user is recorded");
    let all = t.json(&["log", "--json", "--limit", "100"]);
    let entities: std::collections::BTreeSet<&str> =
        all.as_array().unwrap().iter().map(|e| e["entity"].as_str().unwrap()).collect();
    for entity in ["org_unit", "org_alias", "initiative", "effect", "target", "settings", "evaluation"] {
        assert!(entities.contains(entity), "every kind of change is audited; missing {entity}: {entities:?}");
    }
}

#[test]
fn bad_input_gets_a_japanese_message_and_a_distinct_exit_code() {
    let t = TestDir::new();
    t.ok(&["org", "add", "総務部/人事課"]);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["show", "R9-9999"], 3, "台帳にありません"),
        (&["add", "--unit", "人時課", "--kind", "RPA", "--title", "x"], 3, "近い名前: 人事課"),
        (&["add", "--unit", "人事課", "--kind", "ロボ", "--title", "x"], 2, "区分は RPA、AI-OCR"),
        (&["summary", "--fy", "令和百年度"], 2, "年度として読めません"),
        (&["settings", "set", "rounding.mode", "適当"], 2, "切り上げ / 四捨五入 / 切り捨て"),
        (&["settings", "set", "no.such.key", "1"], 2, "設定項目「no.such.key」はありません"),
        (&["org", "add", "総務部/人事課"], 4, "すでに登録されています"),
        (&["target", "set", "--fy", "2023", "--hours", "10", "--bureau", "人事課"], 2, "部局ではありません"),
        // Deleting names the same mistake, rather than a target "not registered" for a 課 (none can be).
        (&["target", "delete", "--fy", "2023", "--bureau", "人事課"], 2, "部局ではありません"),
    ];
    for (args, code, message) in cases {
        let err = t.fails(args, *code);
        assert!(err.contains(message), "daicho {args:?}: expected «{message}» in: {err}");
    }
    t.ok(&["add", "--unit", "人事課", "--kind", "RPA", "--title", "給与計算", "--id", "R5-0001"]);
    let err = t.fails(&["effect", "set", "R5-0001", "--fy", "2023", "--basis", "実績", "--formula", "5件×3日"], 2);
    assert!(err.contains("算定式「5件×3日」を計算できません") && err.contains("1文字目"), "{err}");
    let err = t.fails(&["effect", "set", "R5-0001", "--fy", "2023", "--basis", "実績"], 2);
    assert!(err.contains("申告値が必要"), "no figure at all is refused: {err}");
    let err = t.fails(&["add", "--unit", "人事課", "--kind", "RPA", "--title", "重複", "--id", "r5-0001"], 4);
    assert!(err.contains("すでに使われています"), "ledger ids are unique whatever the case: {err}");
}

#[test]
fn argument_errors_are_in_japanese_too() {
    let t = TestDir::new();
    let cases: &[(&[&str], &str)] = &[
        (&["summary"], "必要な引数が指定されていません: --fy"),
        (&["summary", "--fy", "2023", "--colour"], "「--colour」というオプションはありません"),
        (&["sumary"], "「sumary」というサブコマンドはありません"),
        (&["summary", "--fy", "来年"], "--fy <FY> の値「来年」が正しくありません（「来年」を年度として読めません"),
        (
            &["effect", "set", "X", "--fy", "2023", "--basis", "実績", "--formula", "5分", "--count", "3"],
            "同時に指定できません",
        ),
    ];
    for (args, message) in cases {
        let err = t.fails(args, 2);
        assert!(
            err.starts_with("エラー: ") && err.contains(message),
            "daicho {args:?}: expected «{message}» in: {err}"
        );
        assert!(!err.contains("error:"), "no English clap error left: {err}");
    }
}

#[test]
fn help_is_in_japanese() {
    let t = TestDir::new();
    let out = t.command().arg("--help").launch();
    let help = String::from_utf8(out.stdout).unwrap();
    for phrase in ["算定式を計算する", "年度の削減時間を集計する", "--db"] {
        assert!(help.contains(phrase), "help mentions {phrase}: {help}");
    }
}

#[test]
fn check_reports_integrity_and_the_verification_list() {
    let t = TestDir::new();
    t.ok(&["org", "add", "総務部"]);
    t.ok(&["add", "--unit", "総務部", "--kind", "RPA", "--title", "a", "--id", "A-1"]);
    t.ok(&[
        "effect",
        "set",
        "A-1",
        "--fy",
        "2023",
        "--basis",
        "実績",
        "--formula",
        "5分×40か所×245日",
        "--stated-hours",
        "700",
    ]);
    t.ok(&["effect", "set", "A-1", "--fy", "2023", "--basis", "試算", "--stated-hours", "900"]);
    t.ok(&["effect", "set", "A-1", "--fy", "2022", "--basis", "実績", "--formula", "5分×40か所×245日=817時間"]);
    let v = t.json(&["check", "--json"]);
    assert_eq!(v["integrity"], "ok");
    let kinds: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["no_formula", "stated_differs"],
        "817 h matches 816.67 h; 900 h (試算) has no formula; 700 h (実績) does not match"
    );
    assert_eq!(v["items"][1]["difference_minutes"], serde_json::json!(7000), "49,000 − 42,000 minutes");
}

#[test]
fn backup_and_restore_from_the_command_line() {
    if crate::support::on_server("backups and restore are of a ledger file") {
        return;
    }
    let t = TestDir::new();
    t.ok(&["org", "add", "総務部"]);
    let backup = t.path().join("backup.sqlite3");
    let out = t.ok(&["backup", "-o", backup.to_str().unwrap()]);
    assert!(out.contains("バックアップを作りました"), "{out}");
    let err = t.fails(&["backup", "-o", backup.to_str().unwrap()], 4);
    assert!(err.contains("すでにあります"), "a backup never overwrites: {err}");
    t.ok(&["org", "add", "財務部"]);
    let out = t.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("から台帳を戻しました") && out.contains("before-restore"), "{out}");
    let tree = t.ok(&["org", "list"]);
    assert!(tree.contains("総務部") && !tree.contains("財務部"), "the ledger is as it was at the backup: {tree}");
    // A second restore keeps its own copy: the one the first kept (with 財務部) is never overwritten.
    t.ok(&["org", "add", "市民部"]);
    let out = t.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("before-restore-2"), "{out}");
    let first = t.path().join("daicho.sqlite3.before-restore");
    let kept =
        String::from_utf8(t.command().args(["--db", first.to_str().unwrap(), "org", "list"]).launch().stdout).unwrap();
    assert!(
        kept.contains("財務部") && !kept.contains("市民部"),
        "the first kept copy is as the first restore left it: {kept}"
    );
    let junk = t.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a ledger").unwrap();
    let err = t.fails(&["restore", junk.to_str().unwrap()], 2);
    assert!(err.contains("バックアップとして開けません") || err.contains("Daicho の台帳ではありません"), "{err}");
}

/// An import batch copies the ledger once before its first write; a dry run, a refused file and a file imported
/// before copy nothing; restoring the copy undoes the whole batch.
#[test]
fn an_import_batch_is_backed_up_first_and_restoring_the_copy_undoes_it() {
    if crate::support::on_server("the automatic copies are of a ledger file") {
        return;
    }
    let t = TestDir::seeded();
    let backups = daicho::db::backups_folder(&t.db());
    let copies = || std::fs::read_dir(&backups).map(|d| d.count()).unwrap_or(0);
    let good = fixture("template_filled.xlsx");
    let bad = fixture("bad_rows.xlsx");
    t.ok(&["import", "--dry-run", good.to_str().unwrap()]);
    t.fails(&["import", bad.to_str().unwrap()], 2);
    assert_eq!(copies(), 0, "nothing was going to be written, so nothing was copied");
    let before = t.ok(&["list", "--json"]);
    let out = t.run(&["import", good.to_str().unwrap(), fixture("messy.xlsx").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("バックアップしました"), "{}", describe(&out));
    assert_eq!(copies(), 1, "one copy for the batch of two files");
    t.ok(&["import", good.to_str().unwrap()]);
    assert_eq!(copies(), 1, "a file already imported writes nothing and copies nothing");
    let copy = std::fs::read_dir(&backups).unwrap().next().unwrap().unwrap().path();
    assert!(copy.file_name().unwrap().to_str().unwrap().ends_with("-before-import.sqlite3"), "{copy:?}");
    t.ok(&["restore", copy.to_str().unwrap()]);
    assert_eq!(t.ok(&["list", "--json"]), before, "restoring the copy gives the ledger as it was before the batch");
}

/// A team's folders have Japanese names: the ledger, the reports, the template, the CSV and the backup all go
/// there and come back.
#[test]
fn japanese_folder_names_work_for_every_file() {
    let t = TestDir::new();
    let folder = t.path().join("業務改善係").join("令和6年度");
    std::fs::create_dir_all(&folder).unwrap();
    let db = folder.join("台帳.sqlite3");
    let run = |args: &[&str]| {
        let out = t.command().arg("--db").arg(&db).args(args).launch();
        assert!(out.status.success(), "daicho {args:?}:\n{}", describe(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let path = |name: &str| folder.join(name).to_str().unwrap().to_string();
    run(&["demo"]);
    assert!(run(&["report", "all", "--fy", "2023", "-o", &path("集計.xlsx")]).contains("帳票を書き出しました"));
    assert!(run(&["report", "summary", "--fy", "2023", "-o", &path("部局別.csv")]).contains("Shift_JIS"));
    assert!(run(&["template", "--fy", "2024", "-o", &path("調査票.xlsx")]).contains("調査票を書き出しました"));
    assert!(run(&["backup", "-o", &path("控え.sqlite3")]).contains("バックアップを作りました"));
    std::fs::copy(fixture("formula_cached.xlsx"), folder.join("回答_総務課.xlsx")).unwrap();
    assert!(run(&["import", "--dry-run", &path("回答_総務課.xlsx")]).contains("新規 2"));
    for name in ["集計.xlsx", "部局別.csv", "調査票.xlsx", "控え.sqlite3"] {
        assert!(folder.join(name).metadata().unwrap().len() > 0, "{name} was written into the Japanese folder");
    }
}

/// On Windows a ledger on a share is warned about, by UNC path; a local path written in the `\\?\` form is not.
#[cfg(windows)]
#[test]
fn windows_paths_are_warned_about_only_on_a_share() {
    let t = TestDir::new();
    let out = t.command().args(["--db", r"\\fileserver\業務改善\daicho.sqlite3", "org", "list"]).launch();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ネットワーク共有（UNC パス）"), "{stderr}");
    let verbatim = format!(r"\\?\{}", t.db().display());
    let out = t.command().args(["--db", &verbatim, "org", "add", "総務部"]).launch();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("ネットワーク"),
        "a local path is local: {}",
        describe(&out)
    );
}

/// A change from a version someone else has changed since is refused (exit 4) naming who changed it last: an edit
/// and a deletion alike, and nothing is written. From the current version both go through. On both backends.
#[test]
fn an_edit_or_a_deletion_from_a_stale_version_is_refused_naming_who_changed_it() {
    let t = TestDir::seeded();
    let version = |t: &TestDir| t.json(&["show", "R5-0001", "--json"])["initiative"]["version"].as_i64().unwrap();
    let seen = version(&t);
    let colleague = t
        .command()
        .env("USER", "同僚")
        .env("USERNAME", "同僚")
        .args(["--db", &t.target(), "edit", "R5-0001", "--notes", "同僚の変更"])
        .launch();
    assert!(colleague.status.success(), "{}", describe(&colleague));
    let seen_text = seen.to_string();
    for args in [
        vec!["edit", "R5-0001", "--notes", "自分の変更", "--if-version", &seen_text],
        vec!["delete", "R5-0001", "--if-version", &seen_text],
    ] {
        let err = t.fails(&args, 4);
        assert!(
            err.contains("同僚") && err.contains("ほかの人が変更しました"),
            "{args:?}: names who changed it: {err}"
        );
    }
    let now = t.json(&["show", "R5-0001", "--json"]);
    assert_eq!(
        now["initiative"]["notes"], "同僚の変更",
        "the refused edit wrote nothing, and the refused deletion deleted nothing"
    );
    let current = version(&t).to_string();
    t.ok(&["delete", "R5-0001", "--if-version", &current]);
    t.fails(&["show", "R5-0001"], 3);
}
