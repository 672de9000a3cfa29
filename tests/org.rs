//! The organisation chart: name keys, aliases, renames by fiscal year, merges, ambiguity and suggestions.

use daicho::fiscal::FiscalYear;
use daicho::org::{Level, Merge, NameView, OrgChart, OrgUnit, Rename, Resolution, name_key};

fn unit(id: i64, level: Level, parent: Option<i64>, name: &str) -> OrgUnit {
    OrgUnit {
        id,
        level,
        parent_id: parent,
        name: name.into(),
        code: None,
        valid_from: None,
        valid_to: None,
        renames: Vec::new(),
        aliases: Vec::new(),
        merged_into: None,
    }
}

/// 総務部 (1) with 総務課 (11) and 人事課 (12); 子ども部 (2) renamed こども部 from 2023, with 保育課 (21) and a
/// 総務課 of its own (22); 市民税課 (31) and 資産税課 (32) merged into 課税課 (33) from 2022 under 財務部 (3).
fn chart() -> OrgChart {
    let mut kodomo = unit(2, Level::Bureau, None, "子ども部");
    kodomo.renames.push(Rename { from_year: FiscalYear(2023), name: "こども部".into() });
    kodomo.aliases.push("子供部".into());
    let mut shimin = unit(31, Level::Section, Some(3), "市民税課");
    shimin.valid_to = Some(FiscalYear(2021));
    shimin.merged_into = Some(Merge { into_id: 33, fiscal_year: FiscalYear(2022) });
    let mut shisan = unit(32, Level::Section, Some(3), "資産税課");
    shisan.valid_to = Some(FiscalYear(2021));
    shisan.merged_into = Some(Merge { into_id: 33, fiscal_year: FiscalYear(2022) });
    let mut kazei = unit(33, Level::Section, Some(3), "課税課");
    kazei.valid_from = Some(FiscalYear(2022));
    OrgChart::new([
        unit(1, Level::Bureau, None, "総務部"),
        unit(11, Level::Section, Some(1), "総務課"),
        unit(12, Level::Section, Some(1), "人事課"),
        kodomo,
        unit(21, Level::Section, Some(2), "保育課"),
        unit(22, Level::Section, Some(2), "総務課"),
        unit(3, Level::Bureau, None, "財務部"),
        shimin,
        shisan,
        kazei,
    ])
}

#[test]
fn name_keys_ignore_width_and_spaces() {
    let same = [("総務部", "総務部 "), ("総務部", "　総務 部"), ("DX推進課", "ＤＸ推進課"), ("ｺﾄﾞﾓ課", "コドモ課")];
    for (a, b) in same {
        assert_eq!(name_key(a), name_key(b), "{a:?} and {b:?} are the same name typed differently");
    }
    assert_ne!(name_key("子ども部"), name_key("こども部"), "different words need an alias or a rename");
}

#[test]
fn names_resolve_by_path_alias_and_former_name() {
    let c = chart();
    let cases: &[(&str, Option<i32>, i64)] = &[
        ("総務部", None, 1),
        ("総務部/人事課", None, 12),
        ("総務部／総務課", None, 11),
        ("人事課", None, 12),
        ("ＤＸ", None, -1),
        ("こども部", Some(2024), 2),
        ("子ども部", Some(2024), 2), // a former name keeps working after the rename
        ("子供部", Some(2024), 2),   // a declared alias
        ("子ども部/保育課", None, 21),
        ("こども部＞総務課", None, 22),
        ("市民税課", Some(2021), 31),
        ("市民税課", Some(2023), 33), // merged away: resolves to the successor
        ("財務部/資産税課", Some(2023), 33),
        ("課税課", Some(2023), 33),
    ];
    for (text, fy, expected) in cases {
        let got = c.find_path(&daicho::org::split_path(text), fy.map(FiscalYear));
        if *expected < 0 {
            assert!(matches!(got, Resolution::NotFound { .. }), "{text:?} is unknown, got {got:?}");
        } else {
            assert_eq!(got, Resolution::Found(*expected), "{text:?} in {fy:?}");
        }
    }
}

#[test]
fn ambiguous_names_list_the_candidates() {
    let c = chart();
    match c.find_path(&["総務課".to_string()], None) {
        Resolution::Ambiguous(paths) => {
            assert_eq!(paths.len(), 2, "two bureaus have a 総務課: {paths:?}");
            assert!(paths.iter().any(|p| p.starts_with("総務部")), "{paths:?}");
        }
        other => panic!("総務課 alone is ambiguous, got {other:?}"),
    }
    let message = c.resolve("総務課", None).unwrap_err().to_string();
    assert!(message.contains("部局から指定"), "the message says how to be specific: {message}");
}

#[test]
fn unknown_names_suggest_the_closest() {
    let c = chart();
    let message = c.resolve("人時課", None).unwrap_err().to_string();
    assert!(message.contains("人事課"), "one character off suggests 人事課: {message}");
}

#[test]
fn figures_show_under_the_name_of_their_year_or_today() {
    let c = chart();
    assert_eq!(c.path(21, FiscalYear(2022), NameView::AsReported), "子ども部／保育課");
    assert_eq!(c.path(21, FiscalYear(2023), NameView::AsReported), "こども部／保育課");
    assert_eq!(c.path(21, FiscalYear(2022), NameView::Current), "こども部／保育課");
    assert_eq!(c.successor(31), 33, "市民税課 carries on as 課税課");
    assert_eq!(c.view(31, NameView::Current), 33);
    assert_eq!(c.view(31, NameView::AsReported), 31);
    assert_eq!(c.ancestor_at(21, Level::Bureau).map(|u| u.id), Some(2));
}

/// `org add` reuses the unit registered under exactly that name under that parent, never one that only answers to
/// the name through a merged parent (旧部's 総務課 after 旧部 merged into 新部).
#[test]
fn org_add_walks_the_registered_names() {
    let t = crate::support::TestDir::new();
    t.ok(&["org", "add", "旧部/総務課"]);
    t.ok(&["org", "add", "新部/総務課", "--from", "2024"]);
    t.ok(&["org", "merge", "旧部", "--into", "新部", "--fy", "2024"]);
    t.ok(&["org", "add", "新部/総務課/庶務係"]);
    let store = t.store();
    let chart = daicho::db::Read::org_chart(&store).unwrap();
    let new_bureau = chart.units().find(|u| u.name == "新部").unwrap().id;
    let sections: Vec<_> = chart.children(Some(new_bureau)).filter(|u| u.name == "総務課").collect();
    assert_eq!(sections.len(), 1, "no second 総務課 under 新部: {sections:?}");
    let team = chart.units().find(|u| u.name == "庶務係").unwrap();
    assert_eq!(team.parent_id, Some(sections[0].id), "庶務係 is under the 総務課 registered in 新部");
    let err = t.fails(&["org", "add", "新部/総務課"], 4);
    assert!(err.contains("すでに登録されています"), "{err}");
}
