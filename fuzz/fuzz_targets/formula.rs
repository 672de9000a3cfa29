//! Any text as a 算定式: parsing never panics, and whatever parses renders to canonical text that parses again to
//! the same minutes (the law the unit tests check for generated formulas, here for arbitrary input).
#![no_main]

use daicho::formula::Formula;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(formula) = Formula::parse(text) else { return };
    let minutes = formula.minutes();
    let _ = (formula.hours(), formula.check(), formula.is_approx(), formula.expression_text());
    let canonical = formula.canonical();
    let again = Formula::parse(&canonical).unwrap_or_else(|e| panic!("{canonical:?} (from {text:?}) does not parse: {e}"));
    assert_eq!(again.minutes(), minutes, "{canonical:?} (from {text:?}) changes value when parsed again");
});
