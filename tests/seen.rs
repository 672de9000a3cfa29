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
        let after_theirs = serde_json::to_value(read(&mine)).unwrap();

        let err = (c.mine)(&mut mine, &author(), c.id, Some((c.shown)(&screen))).unwrap_err();
        assert_eq!(err.code(), "conflict", "{}: refused as a conflict: {err}", c.what);
        let message = err.to_string();
        assert!(message.contains(c.says), "{}: says what happened: {message}", c.what);
        let kept = if c.repeats { "あなたの入力は消していません" } else { "削除していません" };
        assert!(message.contains(kept), "{}: says what was not done: {message}", c.what);
        if c.says != "削除されました" {
            assert!(message.contains("同僚"), "{}: names who did it: {message}", c.what);
        }
        assert_eq!(
            serde_json::to_value(read(&mine)).unwrap(),
            after_theirs,
            "{}: the refused save wrote nothing",
            c.what
        );

        let again = read(&mine);
        (c.mine)(&mut mine, &author(), c.id, Some((c.shown)(&again)))
            .unwrap_or_else(|e| panic!("{}: read again, the same save goes through: {e}", c.what));
        if !c.repeats {
            continue;
        }
        // And the screen read after it carries the new change: a second save from it needs no reading.
        let after = read(&mine);
        (c.mine)(&mut mine, &author(), c.id, Some((c.shown)(&after)))
            .unwrap_or_else(|e| panic!("{}: a save from the screen read after one's own save: {e}", c.what));
    }
}
