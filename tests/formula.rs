//! The formula table: every notation in `../shared/domain.md`, and every refusal with its position.

use daicho::formula::{Conversions, Formula, FormulaErrorKind};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Valid formulas: (input, exact minutes, canonical expression).
const VALID: &[(&str, &str, &str)] = &[
    // The domain primer's examples.
    ("5分×40か所×245日=49,000分", "49000", "5分×40か所×245日"),
    ("45分×1,210件", "54450", "45分×1,210件"),
    ("40分×2(往復)×1人×4回×150件", "48000", "40分×2（往復）×1人×4回×150件"),
    ("8時間24分×240日", "120960", "8時間24分×240日"),
    ("3人×7.75時間×4日=93時間", "5580", "3人×7.75時間×4日"),
    ("20時間×6回(定例会4回、臨時会等2回)", "7200", "20時間×6回（定例会4回、臨時会等2回）"),
    ("1,100時間+1,400時間", "150000", "1,100時間＋1,400時間"),
    ("(30分-5分)×20件×12か月", "6000", "（30分－5分）×20件×12か月"),
    ("約1,600時間（別途積算）", "96000", "約1,600時間（別途積算）"),
    // Digits, separators and signs in every width.
    ("５分×４０か所×２４５日", "49000", "5分×40か所×245日"),
    ("１，１６６件×３分", "3498", "1,166件×3分"),
    ("5分✕40か所", "200", "5分×40か所"),
    ("5分x40か所", "200", "5分×40か所"),
    ("5分X40か所", "200", "5分×40か所"),
    ("5分*40か所", "200", "5分×40か所"),
    ("5分＊40か所", "200", "5分×40か所"),
    ("5 分 × 40 か所", "200", "5分×40か所"),
    ("5分 x 40件", "200", "5分×40件"),
    ("　5分×40件　", "200", "5分×40件"),
    ("5分×40件＝200分", "200", "5分×40件"),
    ("5分×40件≒3.3時間", "200", "5分×40件"),
    // Time units.
    ("30秒×120件", "60", "30秒×120件"),
    ("90秒×10回", "15", "90秒×10回"),
    ("2時間×3回", "360", "2時間×3回"),
    ("2h×3回", "360", "2時間×3回"),
    ("2H×3回", "360", "2時間×3回"),
    ("2hours×3回", "360", "2時間×3回"),
    ("1 hour × 3回", "180", "1時間×3回"),
    ("15min×4件", "60", "15分×4件"),
    ("15分間×4件", "60", "15分×4件"),
    ("9時間36分×5日", "2880", "9時間36分×5日"),
    ("2分30秒×100件", "250", "2分30秒×100件"),
    ("1時間30分", "90", "1時間30分"),
    ("7.75時間×2人", "930", "7.75時間×2人"),
    ("0.5時間×12か月", "360", "0.5時間×12か月"),
    // Count labels of every kind, and 日/か月 as counts.
    ("5分×3箇所×10日", "150", "5分×3箇所×10日"),
    ("5分×3ヶ所×10日", "150", "5分×3ヶ所×10日"),
    ("5分×3カ所×10日", "150", "5分×3カ所×10日"),
    ("10分×20施設×12か月", "2400", "10分×20施設×12か月"),
    ("10分×20施設×12ヶ月", "2400", "10分×20施設×12ヶ月"),
    ("3分×500枚", "1500", "3分×500枚"),
    ("30分×4会議×12か月", "1440", "30分×4会議×12か月"),
    ("10分×52週", "520", "10分×52週"),
    ("100時間×2年", "12000", "100時間×2年"),
    ("20分×5台×20日", "2000", "20分×5台×20日"),
    ("2分×3,000通", "6000", "2分×3,000通"),
    ("15分×8名×12回", "1440", "15分×8名×12回"),
    ("10時間×12課", "7200", "10時間×12課"),
    ("30分×45校", "1350", "30分×45校"),
    // The time factor need not come first.
    ("245日×40か所×5分", "49000", "245日×40か所×5分"),
    ("150件×4回×1人×2(往復)×40分", "48000", "150件×4回×1人×2（往復）×40分"),
    // Labels.
    ("577件(R4申請件数)×10分", "5770", "577件（R4申請件数）×10分"),
    ("20施設(行政センター等)×15分×12か月", "3600", "20施設（行政センター等）×15分×12か月"),
    ("選考業務1,300時間", "78000", "選考業務1,300時間"),
    ("選考業務1,300時間+面接200時間", "90000", "選考業務1,300時間＋面接200時間"),
    ("導入前30分×20件-導入後5分×20件", "500", "導入前30分×20件－導入後5分×20件"),
    ("(往復)2×40分", "80", "(往復)2×40分"),
    ("5分/件×40件", "200", "5分/件×40件"),
    ("3分×約1,200件", "3600", "3分×約1,200件"),
    ("センター業務5分×3件", "15", "センター業務5分×3件"),
    ("5分×3件 程度", "15", "5分×3件（程度）"),
    // Minus in its many spellings, and negative results.
    ("(30分－5分)×20件", "500", "（30分－5分）×20件"),
    ("(30分−5分)×20件", "500", "（30分－5分）×20件"),
    ("(30分ー5分)×20件", "500", "（30分－5分）×20件"),
    ("(5分-40分)×10件", "-350", "（5分－40分）×10件"),
    ("-10分×3件", "-30", "－10分×3件"),
    ("(2時間-15分)×10回", "1050", "（2時間－15分）×10回"),
    // Division and percentages.
    ("1,200時間÷12か月", "6000", "1,200時間÷12か月"),
    ("120時間/4回", "1800", "120時間÷4回"),
    ("45分×1,210件×80%", "43560", "45分×1,210件×80％"),
    ("45分×1,210件×80％", "43560", "45分×1,210件×80％"),
    // Grouping of counts.
    ("5分×(20件+30件)", "250", "5分×（20件＋30件）"),
    ("(10件+5件)×(3分+2分)", "75", "（10件＋5件）×（3分＋2分）"),
    ("((30分-5分))×2回", "50", "（（30分－5分））×2回"),
    // Compounds in sums.
    ("8時間24分+36分", "540", "8時間24分＋36分"),
    ("1時間+30分+45秒", "90.75", "1時間＋30分＋45秒"),
    // ▲ and △, the minus sign of Japanese public accounts, before a number or a factor: never a label.
    ("▲5分×100件", "-500", "▲5分×100件"),
    ("△5分×100件", "-500", "▲5分×100件"),
    ("5分×▲100件", "-500", "5分×▲100件"),
    ("▲(30分-5分)×20件", "-500", "▲（30分－5分）×20件"),
    ("(▲5分+30分)×2件", "50", "（▲5分＋30分）×2件"),
    ("▲▲5分×2件", "10", "▲▲5分×2件"),
    ("窓口▲5分×3件", "-15", "▲窓口5分×3件"),
    ("1,100時間+▲100時間", "60000", "1,100時間＋▲100時間"),
    // ÷60 (or /60) on a product in minutes: the writer's conversion to hours, said so in the canonical text.
    ("10分×3,600件÷60＝600時間", "36000", "10分×3,600件÷60（時間換算）"),
    ("10分×3,600件÷60", "36000", "10分×3,600件÷60（時間換算）"),
    ("10分×3,600件/60", "36000", "10分×3,600件÷60（時間換算）"),
    ("(10分×3,600件)÷60", "36000", "（10分×3,600件）÷60（時間換算）"),
    ("30秒×7,200件÷60", "3600", "30秒×7,200件÷60（分換算）"),
    ("30秒×7,200件÷60÷60", "3600", "30秒×7,200件÷60（分換算）÷60（時間換算）"),
    ("5分×(100件÷60)", "500", "5分×（100件÷60（時間換算））"),
    ("(30分-5分)×20件÷60", "500", "（30分－5分）×20件÷60（時間換算）"),
    ("10分×3,600件÷60(時間換算)", "36000", "10分×3,600件÷60（時間換算）"),
    ("3,600分÷60人", "60", "3,600分÷60人"),
    // Chained stated results: each is a claim (checked in the stated-result test below).
    ("2分×3,600件=7,200分=120時間", "7200", "2分×3,600件"),
    ("5分×100件＝500分≒8.3時間", "500", "5分×100件"),
    ("5分×40件=200分=3時間", "200", "5分×40件"),
    // …あたり / 当たり / につき before a factor: a rate.
    ("1件あたり5分×年間2,000件", "10000", "1件あたり5分×年間2,000件"),
    ("1件当たり5分×2,000件", "10000", "1件当たり5分×2,000件"),
    ("1日あたり2時間×245日", "29400", "1日あたり2時間×245日"),
    ("1件につき3分×1,000件", "3000", "1件につき3分×1,000件"),
    ("10件あたり5分×2,000件", "1000", "10件あたり5分×2,000件"),
    ("1人1日あたり30分×5人×245日", "36750", "1人1日あたり30分×5人×245日"),
    ("1件 あたり 5分×10件", "50", "1件あたり5分×10件"),
    // Person-time through the ledger's hours (here the defaults: 7.75 h a day, 1,920 h a person-year).
    ("2.5人日×12か月", "13950", "2.5人日（1人日＝7.75時間）×12か月"),
    ("20人工", "2304000", "20人工（1人工＝1,920時間）"),
    ("3人月", "28800", "3人月（1人月＝160時間）"),
    ("0.5人年×2年", "115200", "0.5人年（1人年＝1,920時間）×2年"),
    ("2人日(1人日=8時間)×10回", "9600", "2人日（1人日＝8時間）×10回"),
    ("2人日（1人日＝8時間）（窓口）×10回", "9600", "2人日（1人日＝8時間）（窓口）×10回"),
    ("2人日(1人日=8h)×10回", "9600", "2人日（1人日＝8時間）×10回"),
    ("2.5人日/件×12件", "13950", "2.5人日/件（1人日＝7.75時間）×12件"),
];

/// Refused formulas: (input, error, 1-based character position the message must point at).
const INVALID: &[(&str, FormulaErrorKind, usize)] = &[
    ("5件×250日", FormulaErrorKind::NoTime, 1),
    ("5分×3時間", FormulaErrorKind::TwoTimes, 4),
    ("分×件", FormulaErrorKind::MissingNumber, 1),
    ("5分××3件", FormulaErrorKind::DoubleOperator, 4),
    ("", FormulaErrorKind::Empty, 1),
    ("   ", FormulaErrorKind::Empty, 1),
    ("5分×", FormulaErrorKind::MissingNumber, 4),
    ("(30分-5分×20件", FormulaErrorKind::UnbalancedOpen, 1),
    ("30分)×20件", FormulaErrorKind::UnbalancedClose, 4),
    ("5分 40件", FormulaErrorKind::MissingOperator, 4),
    ("2時間×30件÷60", FormulaErrorKind::SixtyOnHours, 9),
    ("2人日×30件÷60", FormulaErrorKind::SixtyOnHours, 9),
    ("10分×3,600件÷60÷60", FormulaErrorKind::SixtyTooMany, 15),
    ("2人日(1日=8時間)×10回", FormulaErrorKind::PersonFactor, 1),
    ("1時間あたり10件×5分", FormulaErrorKind::DivideByTime, 1),
    ("0件あたり5分", FormulaErrorKind::DivideByZero, 1),
    ("5分×2件あたり", FormulaErrorKind::MissingNumber, 9),
    ("▲", FormulaErrorKind::MissingNumber, 2),
    // Nesting deep enough to exhaust a stack is refused, never followed.
    ("▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲▲5分", FormulaErrorKind::TooDeep, 65),
    // A compound time is one word: after a space, a second figure needs an operator.
    ("120時間 2分×3,600件", FormulaErrorKind::MissingOperator, 7),
    ("5分×40件=", FormulaErrorKind::MissingStated, 7),
    ("5分×40件=200", FormulaErrorKind::StatedNotTime, 8),
    ("5分+3件", FormulaErrorKind::MixedSum, 3),
    ("10時間÷2時間", FormulaErrorKind::DivideByTime, 6),
    ("10時間÷0件", FormulaErrorKind::DivideByZero, 6),
    ("1200", FormulaErrorKind::NoTime, 1),
    ("別途積算", FormulaErrorKind::MissingNumber, 1),
    ("5分×40件×245日×3時間", FormulaErrorKind::TwoTimes, 13),
    ("×5分", FormulaErrorKind::DoubleOperator, 1),
    ("5分÷÷2", FormulaErrorKind::DoubleOperator, 4),
];

#[test]
fn valid_formulas_evaluate_to_exact_minutes_and_render_canonically() {
    assert!(VALID.len() + INVALID.len() >= 80, "the issue asks for at least 80 table cases");
    let mut failures = Vec::new();
    for (input, minutes, expression) in VALID {
        match Formula::parse(input) {
            Err(e) => failures.push(format!("{input:?} should parse but was refused: {e}")),
            Ok(f) => {
                if f.minutes() != d(minutes) || f.expression_text() != *expression {
                    failures.push(format!(
                        "{input:?}: expected {minutes} min «{expression}», got {} min «{}»",
                        f.minutes(),
                        f.expression_text()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} valid cases failed:\n{}", failures.len(), VALID.len(), failures.join("\n"));
}

#[test]
fn refused_formulas_say_what_and_where() {
    let mut failures = Vec::new();
    for (input, kind, position) in INVALID {
        match Formula::parse(input) {
            Ok(f) => failures.push(format!("{input:?} should be refused as {kind:?} but gave {} minutes", f.minutes())),
            Err(e) => {
                if (e.kind, e.position + 1) != (*kind, *position) {
                    failures.push(format!("{input:?}: expected {kind:?} at {position}, got «{e}» ({:?})", e.kind));
                }
                assert!(
                    e.to_string().starts_with(&format!("{}文字目: ", e.position + 1)),
                    "message names the position"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} refusal cases failed:\n{}",
        failures.len(),
        INVALID.len(),
        failures.join("\n")
    );
}

#[test]
fn canonical_rendering_matches_the_issue() {
    let f = Formula::parse("5分×40か所×245日").unwrap();
    assert_eq!(f.canonical(), "5分×40か所×245日＝49,000分（816.7時間）");
}

#[test]
fn stated_results_are_checked_at_the_precision_they_were_written() {
    // (formula, matches, difference in minutes): hand rounding in any direction within one unit of the last
    // written place matches; anything beyond does not.
    let cases = [
        ("5分×40か所×245日=49,000分", true, "0"),
        ("5分×40か所×245日=817時間", true, "-20"),
        ("5分×40か所×245日=816.7時間", true, "-2"),
        ("5分×40か所×245日=816時間", true, "40"),
        ("5分×40か所×245日=815時間", false, "100"),
        ("3人×7.75時間×4日=93時間", true, "0"),
        ("5分×577件=48.08時間", true, "0.2"),
        ("5分×577件=48時間", true, "5"),
        ("20分×10件=3.3時間", true, "2"),
        ("20分×10件=3.5時間", false, "-10"),
        ("5分×40か所×245日=49,000分（816.7時間）", true, "0"),
        // Chained results: each is checked, and the one reported is the first that fails, else the last.
        ("2分×3,600件=7,200分=120時間", true, "0"),
        ("5分×100件＝500分≒8.3時間", true, "2"),
        ("5分×30件=150分=5時間", false, "-150"),
        ("5分×3件=20分=15分", false, "-5"),
        // ÷60 written by hand: the stated hours are the same figure, not a 60× mismatch.
        ("10分×3,600件÷60＝600時間", true, "0"),
        ("2.5人日×12か月=232.5時間", true, "0"),
    ];
    for (input, matches, diff) in cases {
        let c = Formula::parse(input).unwrap().check().expect("a stated result was given");
        assert_eq!((c.matches, c.difference_minutes), (matches, d(diff)), "{input:?}");
    }
    assert!(Formula::parse("5分×40件").unwrap().check().is_none(), "no claim, nothing to check");
}

/// A hostile text of thousands of nested factors is refused with a position, without exhausting the stack.
#[test]
fn deep_nesting_is_refused_not_recursed() {
    for text in ["▲".repeat(100_000) + "5分", "(".repeat(100_000) + "5分", "1件".repeat(50_000) + "あたり5分"]
    {
        let e = Formula::parse(&text).unwrap_err();
        assert!(
            matches!(
                e.kind,
                FormulaErrorKind::TooDeep | FormulaErrorKind::UnbalancedOpen | FormulaErrorKind::MissingOperator
            ),
            "{:?} at {}",
            e.kind,
            e.position
        );
    }
}

/// The stored text of a person-time formula carries its factor right after the unit word, and nothing else moves.
#[test]
fn person_time_is_pinned_into_the_stored_text() {
    let ledger = Conversions { hours_per_day: d("7.5"), hours_per_person_year: d("1860") };
    let cases = [
        ("2.5人日×12か月", "2.5人日（1人日＝7.5時間）×12か月", "13500"),
        ("　2.5人日(窓口)×12か月 ", "2.5人日（1人日＝7.5時間）(窓口)×12か月", "13500"),
        ("20人工", "20人工（1人工＝1,860時間）", "2232000"),
        ("3人月+1人日", "3人月（1人月＝155時間）+1人日（1人日＝7.5時間）", "28350"),
        ("2人日(1人日=8時間)×10回", "2人日(1人日=8時間)×10回", "9600"),
        ("5分×40件", "5分×40件", "200"),
    ];
    for (typed, stored, minutes) in cases {
        let f = Formula::parse_with(typed, &ledger).unwrap();
        assert_eq!(f.minutes(), d(minutes), "{typed:?} under 7.5 h a day and 1,860 h a year");
        assert_eq!(f.pinned_text(), stored, "{typed:?}: the factor goes right after the unit word");
    }
}

#[test]
fn approx_marks_are_kept() {
    assert!(Formula::parse("約1,600時間").unwrap().is_approx());
    assert!(!Formula::parse("1,600時間").unwrap().is_approx());
}

#[test]
fn the_tree_round_trips_through_json_for_storage() {
    for (input, _, _) in VALID {
        let f = Formula::parse(input).unwrap();
        let json = serde_json::to_string(f.expr()).unwrap();
        let back: daicho::formula::Expr = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, f.expr(), "{input:?}: stored tree must read back identical");
    }
}

const COUNT_WORDS: &[&str] = &["件", "回", "日", "人", "か所", "施設", "枚", "か月", "週", "台", ""];
const TIME_WORDS: &[&str] = &["秒", "分", "時間"];

/// Realistic magnitudes (up to 99,999 with up to two decimals), small enough that every product fits the 28
/// significant digits of `Decimal` exactly.
fn number() -> impl Strategy<Value = Decimal> {
    (1i64..100_000, 0u32..3).prop_map(|(n, scale)| Decimal::new(n, scale))
}

proptest! {
    #[test]
    fn render_then_parse_gives_the_same_value(
        time in (number(), 0usize..3),
        counts in prop::collection::vec((number(), 0usize..11), 0..4),
        subtract in prop::option::of(number()),
    ) {
        let mut text = format!("{}{}", time.0, TIME_WORDS[time.1]);
        if let Some(s) = subtract {
            text = format!("({text}-{s}{})", TIME_WORDS[time.1]);
        }
        for (n, w) in &counts {
            text.push_str(&format!("×{n}{}", COUNT_WORDS[*w]));
        }
        let f = Formula::parse(&text).unwrap();
        let again = Formula::parse(&f.canonical()).unwrap();
        prop_assert_eq!(again.minutes(), f.minutes(), "canonical text {} must give the same minutes", f.canonical());
        prop_assert_eq!(again.expression_text(), f.expression_text(), "rendering is a fixed point");
        prop_assert_eq!(again.check().map(|c| c.matches), Some(true), "the canonical result matches itself");
    }

    #[test]
    fn factor_order_does_not_change_the_value(
        time in (number(), 0usize..3),
        counts in prop::collection::vec((number(), 0usize..11), 1..4),
        rotate in 0usize..5,
    ) {
        let mut factors: Vec<String> = vec![format!("{}{}", time.0, TIME_WORDS[time.1])];
        factors.extend(counts.iter().map(|(n, w)| format!("{n}{}", COUNT_WORDS[*w])));
        let forward = Formula::parse(&factors.join("×")).unwrap();
        let r = rotate % factors.len();
        factors.rotate_left(r);
        factors.reverse();
        let shuffled = Formula::parse(&factors.join("×")).unwrap();
        prop_assert_eq!(forward.minutes(), shuffled.minutes(), "multiplication of exact decimals commutes");
    }
}

proptest! {
    /// ▲ or △ before any factor of a product negates the whole product, survives canonical rendering, and is never
    /// read as a label (which would keep the figure positive).
    #[test]
    fn a_sign_marker_is_never_dropped(
        time in (number(), 0usize..3),
        counts in prop::collection::vec((number(), 0usize..11), 0..4),
        at in 0usize..5,
        triangle in any::<bool>(),
    ) {
        let mut factors: Vec<String> = vec![format!("{}{}", time.0, TIME_WORDS[time.1])];
        factors.extend(counts.iter().map(|(n, w)| format!("{n}{}", COUNT_WORDS[*w])));
        let plain = Formula::parse(&factors.join("×")).unwrap();
        let i = at % factors.len();
        factors[i] = format!("{}{}", if triangle { '△' } else { '▲' }, factors[i]);
        let signed = Formula::parse(&factors.join("×")).unwrap();
        prop_assert_eq!(signed.minutes(), -plain.minutes(), "{} is the negative of the plain product", factors.join("×"));
        let canonical = signed.canonical();
        prop_assert!(canonical.contains('▲'), "the sign stays in the canonical text: {}", canonical);
        prop_assert_eq!(Formula::parse(&canonical).unwrap().minutes(), signed.minutes(), "{} reads back", canonical);
    }

    /// A formula in person-time, stored as its pinned text, gives the same minutes whatever the conversions are
    /// when it is read again: the factor it was evaluated with is part of the text.
    #[test]
    fn pinned_person_time_reads_back_the_same_under_any_conversions(
        n in number(),
        word in prop::sample::select(vec!["人日", "人月", "人工"]),
        count in 1u32..500,
        day in (600i64..900).prop_map(|h| Decimal::new(h, 2)),
        year in (1_500i64..2_200).prop_map(Decimal::from),
    ) {
        let text = format!("{n}{word}×{count}回");
        let ledger = Conversions { hours_per_day: day, hours_per_person_year: year };
        let f = Formula::parse_with(&text, &ledger).unwrap();
        let pinned = f.pinned_text();
        prop_assert!(pinned.contains('＝'), "the factor is written into {}", pinned);
        for later in [Conversions::default(), Conversions { hours_per_day: d("8"), hours_per_person_year: d("2000") }] {
            let again = Formula::parse_with(&pinned, &later).unwrap();
            prop_assert_eq!(again.minutes(), f.minutes(), "{} under {:?}", pinned, later);
            prop_assert_eq!(again.pinned_text(), pinned.clone(), "pinning is done once");
        }
    }
}

/// Inputs the fuzzer found (tests/fixtures/fuzz/formula, kept as they were found): each parses or is refused
/// without panicking, and what parses renders to canonical text with the same value — the fuzz target's law.
#[test]
fn fuzz_findings_keep_the_canonical_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/formula");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        seen += 1;
        let Ok(f) = Formula::parse(&text) else { continue };
        let canonical = f.canonical();
        let again =
            Formula::parse(&canonical).unwrap_or_else(|e| panic!("{path:?}: {canonical:?} does not parse: {e}"));
        assert_eq!(again.minutes(), f.minutes(), "{path:?}: {canonical:?} changed the value of {text:?}");
    }
    assert!(seen > 0, "the findings folder is read");
}

/// The thousands-separated text of a number, written the plain way (round, normalise, format, insert commas): what
/// `group_thousands` must print, however it builds the text.
fn grouped_reference(value: Decimal, places: u32) -> String {
    let rounded = daicho::number::round_half_up(value, places).normalize();
    let text = rounded.abs().to_string();
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[test]
fn numbers_are_grouped_by_thousands() {
    let cases = [
        ("49000", 2, "49,000"),
        ("816.666666", 1, "816.7"),
        ("-1234567.891", 2, "-1,234,567.89"),
        ("0.5", 2, "0.5"),
        ("0.004", 2, "0"),
        ("-0.04", 1, "0"),
        ("1000.10", 2, "1,000.1"),
        ("999", 0, "999"),
        ("488888888.88888888888885", 28, "488,888,888.88888888888885"),
    ];
    for (value, places, want) in cases {
        assert_eq!(daicho::number::group_thousands(Decimal::from_str(value).unwrap(), places), want, "{value}");
    }
}

proptest! {
    #[test]
    fn grouping_agrees_with_the_plain_way(mantissa in any::<i64>(), scale in 0u32..=18, places in 0u32..=28) {
        let value = Decimal::new(mantissa, scale);
        prop_assert_eq!(daicho::number::group_thousands(value, places), grouped_reference(value, places));
    }
}

/// The effects table says how far a stated figure is from its formula in hours, as the figure is stated: a month of
/// minutes (43,200) reads as 720時間, not 43,200分.
#[test]
fn a_stated_figure_off_its_formula_is_told_in_hours() {
    use daicho::formula::StatedCheck;
    let d = |s: &str| rust_decimal::Decimal::from_str_exact(s).unwrap();
    for (computed_minutes, stated_hours, expected) in [
        ("49000", "817", "一致"),
        ("49000", "700", "差 116.67時間"),
        ("43200", "1440", "差 ▲720時間"),
        ("90", "1.0", "差 0.5時間"),
    ] {
        let check = StatedCheck::of_hours(d(computed_minutes), d(stated_hours));
        assert_eq!(check.short(), expected, "{computed_minutes}分 against {stated_hours}時間 stated");
    }
}
