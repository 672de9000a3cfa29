//! The README's CLI tour is real output: each `$ daicho …` line of its `console` block is run in an empty
//! directory (with `DAICHO_DB=demo.sqlite3`, as the block's first line says) and must print exactly what follows.

use crate::support::{TestDir, words};

#[test]
fn readme_tour_is_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```console\n").skip(1).filter_map(|b| b.split("\n```").next()).collect();
    assert!(blocks.len() >= 2, "the tour and the Excel round trip");
    let t = TestDir::new();
    // The README's paths to fixtures are relative to the repository root.
    std::fs::create_dir_all(t.path().join("tests")).unwrap();
    std::os::unix::fs::symlink(crate::support::fixture(""), t.path().join("tests/fixtures")).unwrap();
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in blocks.iter().flat_map(|b| b.lines()) {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push((command.to_string(), String::new())),
            None => {
                let (_, expected) = steps.last_mut().expect("output follows a command");
                expected.push_str(line);
                expected.push('\n');
            }
        }
    }
    assert!(steps.len() >= 15, "the tour shows the main commands");
    for (command, expected) in steps {
        if command.starts_with("export DAICHO_DB=") {
            continue;
        }
        let (command, filter) = match command.split_once(" | ") {
            Some((c, f)) => (c.to_string(), Some(f.to_string())),
            None => (command, None),
        };
        let args = words(&command);
        assert_eq!(args[0], "daicho", "tour lines run daicho: {command}");
        let out = t.command().current_dir(t.path()).env("DAICHO_DB", "demo.sqlite3").args(&args[1..]).output().unwrap();
        let mut text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        if let Some(filter) = filter {
            let lines: Vec<&str> = text.lines().collect();
            let kept: Vec<&str> = match words(&filter).as_slice() {
                [head, n, count] if head == "head" && n == "-n" => {
                    lines.iter().take(count.parse().unwrap()).copied().collect()
                }
                [tail, n, count] if tail == "tail" && n == "-n" => {
                    let count: usize = count.parse().unwrap();
                    lines[lines.len().saturating_sub(count)..].to_vec()
                }
                other => panic!("the README test knows head -n and tail -n, not {other:?}"),
            };
            text = kept.iter().map(|l| format!("{l}\n")).collect();
        }
        assert_eq!(text, expected, "README output of `{command}` is out of date");
    }
}
