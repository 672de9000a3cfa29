//! Any bytes as a return: reading never panics or aborts (the guard bounds what the readers build), and whatever
//! reads goes through the table's layout, the rows, totals and notes against an empty organisation.
#![no_main]

use daicho::import::{ImportOptions, ReadContext, read_return};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // read_workbook contains the readers' panics (a broken file, not a crash), but libfuzzer-sys's panic hook
    // aborts before they unwind. quiet_reader_panics wraps that hook and skips it inside the readers only, so any
    // other panic is still a finding. (The panics it found in calamine are in tests/fixtures/fuzz/workbook.)
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(daicho::import::quiet_reader_panics);
    static CONTEXT: std::sync::LazyLock<ReadContext> = std::sync::LazyLock::new(ReadContext::empty);
    let _ = read_return("fuzz.xlsx", bytes, &CONTEXT, &ImportOptions::default());
});
