//! The README's CLI tour is real output: each `$ daicho …` line of its `console` block is run in an empty
//! directory (with `DAICHO_DB=demo.sqlite3`, as the block's first line says) and must print exactly what follows.

use crate::support::{TestDir, words};

#[test]
fn readme_tour_is_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme.split("```console\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a console block");
    let t = TestDir::new();
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
    assert!(steps.len() >= 8, "the tour shows the main commands");
    for (command, expected) in steps {
        if command.starts_with("export DAICHO_DB=") {
            continue;
        }
        let (command, head) = match command.split_once(" | head -n ") {
            Some((c, n)) => (c.to_string(), Some(n.parse::<usize>().unwrap())),
            None => (command, None),
        };
        let args = words(&command);
        assert_eq!(args[0], "daicho", "tour lines run daicho: {command}");
        let out = t.command().current_dir(t.path()).env("DAICHO_DB", "demo.sqlite3").args(&args[1..]).output().unwrap();
        let mut text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        if let Some(n) = head {
            text = text.lines().take(n).map(|l| format!("{l}\n")).collect();
        }
        assert_eq!(text, expected, "README output of `{command}` is out of date");
    }
}
