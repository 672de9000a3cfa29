//! The README's CLI tour is real output: each `$ daicho …` line of its `console` block is run in an empty
//! directory (with `DAICHO_DB=demo.sqlite3`, as the block's first line says) and must print exactly what follows.

use crate::support::Launch;
use crate::support::{TestDir, words};

/// Runs one README command line (`daicho …`, optionally `| head -n N` or `| tail -n N`) in the tour directory.
fn run_line(t: &TestDir, line: &str) -> String {
    let (command, filter) = match line.split_once(" | ") {
        Some((c, f)) => (c.to_string(), Some(f.to_string())),
        None => (line.to_string(), None),
    };
    let args = words(&command);
    assert_eq!(args[0], "daicho", "tour lines run daicho: {command}");
    let out = t.command().current_dir(t.path()).env("DAICHO_DB", "demo.sqlite3").args(&args[1..]).launch();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    let Some(filter) = filter else { return text };
    let lines: Vec<&str> = text.lines().collect();
    let kept: Vec<&str> = match words(&filter).as_slice() {
        [head, n, count] if head == "head" && n == "-n" => lines.iter().take(count.parse().unwrap()).copied().collect(),
        [tail, n, count] if tail == "tail" && n == "-n" => {
            let count: usize = count.parse().unwrap();
            lines[lines.len().saturating_sub(count)..].to_vec()
        }
        other => panic!("the README test knows head -n and tail -n, not {other:?}"),
    };
    kept.iter().map(|l| format!("{l}\n")).collect()
}

/// Every `console` block of the README, in order, in one directory: each `$ daicho …` line must print exactly
/// what follows it. `UPDATE_README=1` rewrites the outputs in README.md instead (review the diff).
#[test]
fn readme_tour_is_real_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let t = TestDir::new();
    // The README's paths to fixtures are relative to the repository root: a copy, so the tour runs on every OS.
    crate::support::copy_dir(&crate::support::fixture(""), &t.path().join("tests/fixtures"));
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut rewritten = String::new();
    let mut stale = Vec::new();
    let mut commands = 0;
    let mut parts = readme.split("```console\n");
    rewritten.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let (block, rest) = part.split_once("\n```").expect("a closed console block");
        rewritten.push_str("```console\n");
        let mut steps: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            match line.strip_prefix("$ ") {
                Some(command) => steps.push((command.to_string(), String::new())),
                None => {
                    let (_, expected) = steps.last_mut().expect("output follows a command");
                    expected.push_str(line);
                    expected.push('\n');
                }
            }
        }
        let mut new_block = String::new();
        for (command, expected) in steps {
            new_block.push_str(&format!("$ {command}\n"));
            if command.starts_with("export DAICHO_DB=") {
                new_block.push_str(&expected);
                continue;
            }
            commands += 1;
            let got = run_line(&t, &command);
            if got != expected {
                stale.push(format!("`{command}`:\n--- README ---\n{expected}--- actual ---\n{got}"));
            }
            new_block.push_str(&got);
        }
        rewritten.push_str(new_block.trim_end_matches('\n'));
        rewritten.push_str("\n```");
        rewritten.push_str(rest);
    }
    assert!(commands >= 15, "the README shows the main commands");
    if update {
        std::fs::write(path, rewritten).unwrap();
        return;
    }
    assert!(stale.is_empty(), "README output is out of date (UPDATE_README=1 to rewrite):\n{}", stale.join("\n"));
}
