//! A form of the detail screen saves over what it showed, never over a change it did not show: a figure, an
//! evaluation or an AI-OCR measure changed (or added, or deleted) by someone else after the screen was read is
//! refused as a conflict naming who changed it, with nothing written; read again, the same save goes through. Two
//! stores on one ledger stand for two people; on both backends.

use daicho::actions::{self, Seen};
use daicho::db::Store;
use daicho::fiscal::{DateStyle, FiscalYear};
use daicho::ledger::{Author, Basis, EffectInput, Evaluation, Grade, NewEffect, OcrInput};
use daicho::views;

use crate::support::{TestDir, author, colleague};

/// The figures are of 令和7年度, which the seed leaves empty.
const FIGURE_YEAR: FiscalYear = FiscalYear(2025);

fn figure(formula: &str) -> NewEffect {
    NewEffect {
        fiscal_year: FIGURE_YEAR,
        basis: Basis::Actual,
        input: EffectInput::Formula(formula.into()),
        stated_hours: None,
        note: None,
    }
}

fn grade(g: Grade) -> Evaluation {
    Evaluation { fiscal_year: FiscalYear(2024), grade: g, reason: None, reviewer_comment: None }
}

fn measure(sheets: i64) -> OcrInput {
    OcrInput { sheets: Some(sheets), ..Default::default() }
}

/// What the detail screen shows of a record, as its form carries it back.
type Shown = fn(&views::InitiativeDetail) -> Seen;

fn effect_shown(d: &views::InitiativeDetail) -> Seen {
    let e = d.effects.iter().find(|e| e.effect.fiscal_year == FIGURE_YEAR && e.effect.basis == Basis::Actual);
    Seen(e.and_then(|e| e.last_change))
}

fn evaluation_shown(d: &views::InitiativeDetail) -> Seen {
    Seen(d.evaluations.iter().find(|e| e.evaluation.fiscal_year == FiscalYear(2024)).and_then(|e| e.last_change))
}

fn ocr_shown(d: &views::InitiativeDetail) -> Seen {
    Seen(d.ocr.iter().find(|m| m.fiscal_year == 2024).and_then(|m| m.last_change))
}

type Act = fn(&mut Store, &Author, &str, Option<Seen>) -> daicho::Result<()>;

fn save_figure(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_effect(s, a, id, &figure("7分×300件"), seen).map(|_| ())
}
fn save_other_figure(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_effect(s, a, id, &figure("9分×100件"), seen).map(|_| ())
}
fn delete_figure(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::delete_effect(s, a, id, FIGURE_YEAR, Basis::Actual, seen).map(|_| ())
}
fn evaluate_b(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::evaluate(s, a, id, &grade(Grade::B), seen).map(|_| ())
}
fn evaluate_c(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::evaluate(s, a, id, &grade(Grade::C), seen).map(|_| ())
}
fn measure_120(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_ocr_measure(s, a, id, FiscalYear(2024), &measure(120), seen).map(|_| ())
}
fn measure_300(s: &mut Store, a: &Author, id: &str, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_ocr_measure(s, a, id, FiscalYear(2024), &measure(300), seen).map(|_| ())
}

struct Case {
    what: &'static str,
    /// The initiative (R5-0002 reads forms: it has AI-OCR measures).
    id: &'static str,
    /// Done before the screen is read, by anyone: the record the screen shows (or nothing).
    setup: Option<Act>,
    /// The colleague's change after the screen was read.
    theirs: Act,
    /// The user's save (or deletion) from the screen.
    mine: Act,
    shown: Shown,
    /// Words of the refusal: what happened to the record.
    says: &'static str,
    /// Whether the user's step can be taken twice (a save can, a deletion cannot).
    repeats: bool,
}

#[test]
fn a_save_over_a_change_made_since_the_screen_was_read_is_refused_and_goes_through_once_read_again() {
    let cases = [
        Case {
            what: "a figure changed since",
            id: "R5-0001",
            setup: Some(save_figure),
            theirs: save_other_figure,
            mine: save_figure,
            shown: effect_shown,
            says: "変更されました",
            repeats: true,
        },
        Case {
            what: "a figure added since (the form showed none)",
            id: "R5-0001",
            setup: None,
            theirs: save_other_figure,
            mine: save_figure,
            shown: effect_shown,
            says: "登録されました",
            repeats: true,
        },
        Case {
            what: "a figure deleted since",
            id: "R5-0001",
            setup: Some(save_figure),
            theirs: delete_figure,
            mine: save_other_figure,
            shown: effect_shown,
            says: "削除されました",
            repeats: true,
        },
        Case {
            what: "the deletion of a figure changed since",
            id: "R5-0001",
            setup: Some(save_figure),
            theirs: save_other_figure,
            mine: delete_figure,
            shown: effect_shown,
            says: "変更されました",
            repeats: false,
        },
        Case {
            what: "an evaluation changed since",
            id: "R5-0001",
            setup: Some(evaluate_b),
            theirs: evaluate_c,
            mine: evaluate_b,
            shown: evaluation_shown,
            says: "変更されました",
            repeats: true,
        },
        Case {
            what: "an AI-OCR measure added since",
            id: "R5-0002",
            setup: None,
            theirs: measure_300,
            mine: measure_120,
            shown: ocr_shown,
            says: "登録されました",
            repeats: true,
        },
    ];
    for c in cases {
        let t = TestDir::seeded();
        let (mut mine, mut theirs) = (t.store(), t.store());
        if let Some(setup) = c.setup {
            setup(&mut theirs, &colleague(), c.id, None).unwrap();
        }
        let read = |s: &Store| views::initiative_detail(s, c.id, DateStyle::default()).unwrap();
        let screen = read(&mine);
        (c.theirs)(&mut theirs, &colleague(), c.id, None).unwrap();
        let step =
            |s: &mut Store, shown: &views::InitiativeDetail| (c.mine)(s, &author(), c.id, Some((c.shown)(shown)));
        refused_then_done(&mut mine, &screen, Expect { what: c.what, says: c.says, repeats: c.repeats }, &read, &step);
    }
}

/// What a case expects of the user's step: what happened to the record (words of the refusal), and whether the step
/// can be taken twice (a save can, a deletion cannot).
struct Expect<'a> {
    what: &'a str,
    says: &'a str,
    repeats: bool,
}

/// The user's step from `screen`, read before a colleague's change: refused as a conflict saying what happened, what
/// was not done and who did it, with nothing written; from the screen read again, it goes through — and a save goes
/// through once more from the screen read after it, which carries the save's own change.
fn refused_then_done<V: serde::Serialize>(
    mine: &mut Store,
    screen: &V,
    expect: Expect<'_>,
    read: &dyn Fn(&Store) -> V,
    step: &dyn Fn(&mut Store, &V) -> daicho::Result<()>,
) {
    let Expect { what, says, repeats } = expect;
    let after_theirs = serde_json::to_value(read(mine)).unwrap();
    let err = step(mine, screen).unwrap_err();
    assert_eq!(err.code(), "conflict", "{what}: refused as a conflict: {err}");
    let message = err.to_string();
    assert!(message.contains(says), "{what}: says what happened: {message}");
    let kept = if repeats { "あなたの入力は消していません" } else { "削除していません" };
    assert!(message.contains(kept), "{what}: says what was not done: {message}");
    if says != "削除されました" {
        assert!(message.contains("同僚"), "{what}: names who did it: {message}");
    }
    assert_eq!(serde_json::to_value(read(mine)).unwrap(), after_theirs, "{what}: the refused step wrote nothing");

    let again = read(mine);
    step(mine, &again).unwrap_or_else(|e| panic!("{what}: read again, the same step goes through: {e}"));
    if repeats {
        let after = read(mine);
        step(mine, &after).unwrap_or_else(|e| panic!("{what}: a save from the screen read after one's own: {e}"));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The settings screen's targets and tool costs stand on what it showed in the same way.

/// The year of the plan: the seed's 令和6年度.
const PLAN_YEAR: FiscalYear = FiscalYear(2024);

type PlanAct = fn(&mut Store, &Author, Option<Seen>) -> daicho::Result<()>;
type PlanShown = fn(&views::YearPlan) -> Seen;

fn target_of_general_affairs(p: &views::YearPlan) -> Seen {
    Seen(p.targets.iter().find(|t| t.bureau.as_deref() == Some("総務部")).and_then(|t| t.last_change))
}
fn winactor_cost(p: &views::YearPlan) -> Seen {
    // The form's tool is typed; the screen's row is matched by the name's key, as `plan.ts` matches it.
    let key = daicho::org::name_key("WinActor");
    Seen(p.costs.iter().find(|c| daicho::org::name_key(&c.tool) == key).and_then(|c| c.last_change))
}
fn target_800(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_target(s, a, PLAN_YEAR, Some("総務部"), 800.into(), seen).map(|_| ())
}
fn target_950(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_target(s, a, PLAN_YEAR, Some("総務部"), 950.into(), seen).map(|_| ())
}
fn delete_target(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::delete_target(s, a, PLAN_YEAR, Some("総務部"), seen)
}
fn cost(tool: &str, licence: i64) -> daicho::ledger::Cost {
    daicho::ledger::Cost {
        tool: tool.into(),
        fiscal_year: PLAN_YEAR,
        licence_yen: licence.into(),
        maintenance_yen: 0.into(),
        note: None,
    }
}
fn cost_a_million(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_cost(s, a, &cost("WinActor", 1_000_000), seen)
}
/// The colleague writes the tool full width: the same tool's cost.
fn cost_full_width(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::set_cost(s, a, &cost("ＷｉｎＡｃｔｏｒ", 1_200_000), seen)
}
fn delete_cost(s: &mut Store, a: &Author, seen: Option<Seen>) -> daicho::Result<()> {
    actions::delete_cost(s, a, "WinActor", PLAN_YEAR, seen)
}

struct PlanCase {
    what: &'static str,
    setup: Option<PlanAct>,
    theirs: PlanAct,
    mine: PlanAct,
    shown: PlanShown,
    says: &'static str,
    repeats: bool,
}

#[test]
fn a_target_or_cost_changed_since_the_settings_screen_was_read_is_not_overwritten() {
    let cases = [
        PlanCase {
            what: "a target changed since",
            setup: Some(target_800),
            theirs: target_950,
            mine: target_800,
            shown: target_of_general_affairs,
            says: "変更されました",
            repeats: true,
        },
        PlanCase {
            what: "a target set since (the screen showed none)",
            setup: None,
            theirs: target_950,
            mine: target_800,
            shown: target_of_general_affairs,
            says: "登録されました",
            repeats: true,
        },
        PlanCase {
            what: "a target deleted since",
            setup: Some(target_800),
            theirs: delete_target,
            mine: target_950,
            shown: target_of_general_affairs,
            says: "削除されました",
            repeats: true,
        },
        PlanCase {
            what: "the deletion of a target changed since",
            setup: Some(target_800),
            theirs: target_950,
            mine: delete_target,
            shown: target_of_general_affairs,
            says: "変更されました",
            repeats: false,
        },
        PlanCase {
            what: "a cost changed since, its tool written another way",
            setup: Some(cost_a_million),
            theirs: cost_full_width,
            mine: cost_a_million,
            shown: winactor_cost,
            says: "変更されました",
            repeats: true,
        },
        PlanCase {
            what: "a cost recorded since (the screen showed none)",
            setup: None,
            theirs: cost_full_width,
            mine: cost_a_million,
            shown: winactor_cost,
            says: "登録されました",
            repeats: true,
        },
        PlanCase {
            what: "the deletion of a cost changed since",
            setup: Some(cost_a_million),
            theirs: cost_full_width,
            mine: delete_cost,
            shown: winactor_cost,
            says: "変更されました",
            repeats: false,
        },
    ];
    for c in cases {
        let t = TestDir::seeded();
        let (mut mine, mut theirs) = (t.store(), t.store());
        // The seed may hold a plan for the year already: start each case from none of these two records.
        let _ = actions::delete_target(&mut theirs, &colleague(), PLAN_YEAR, Some("総務部"), None);
        let _ = actions::delete_cost(&mut theirs, &colleague(), "WinActor", PLAN_YEAR, None);
        if let Some(setup) = c.setup {
            setup(&mut theirs, &colleague(), None).unwrap();
        }
        let read = |s: &Store| views::year_plan(s, PLAN_YEAR).unwrap();
        let screen = read(&mine);
        (c.theirs)(&mut theirs, &colleague(), None).unwrap();
        let step = |s: &mut Store, shown: &views::YearPlan| (c.mine)(s, &author(), Some((c.shown)(shown)));
        refused_then_done(&mut mine, &screen, Expect { what: c.what, says: c.says, repeats: c.repeats }, &read, &step);
    }
}

/// What the screen shows of each target and cost is the record's own newest change: a change to another record of the
/// year (another 部局's target, another tool's cost) leaves a form's save standing.
#[test]
fn a_change_to_another_target_or_cost_does_not_refuse_a_save() {
    let t = TestDir::seeded();
    let (mut mine, mut theirs) = (t.store(), t.store());
    target_800(&mut theirs, &colleague(), None).unwrap();
    cost_a_million(&mut theirs, &colleague(), None).unwrap();
    let screen = views::year_plan(&mine, PLAN_YEAR).unwrap();
    actions::set_target(&mut theirs, &colleague(), PLAN_YEAR, None, 9_000.into(), None).unwrap();
    actions::set_cost(&mut theirs, &colleague(), &cost("UiPath", 300_000), None).unwrap();
    target_950(&mut mine, &author(), Some(target_of_general_affairs(&screen)))
        .expect("the organisation's target changed, not 総務部's: the save stands on what it showed");
    cost_a_million(&mut mine, &author(), Some(winactor_cost(&screen)))
        .expect("UiPath's cost changed, not WinActor's: the save stands on what it showed");
}
