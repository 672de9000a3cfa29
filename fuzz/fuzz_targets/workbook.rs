//! Any bytes as a return: reading never panics or aborts (the guard bounds what the readers build), and whatever
//! reads goes through header location and row parsing against an empty organisation.
#![no_main]

use daicho::import::{locate, parse_rows, read_workbook};
use daicho::org::OrgChart;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(sheets) = read_workbook(bytes) else { return };
    if let Some(header) = locate(&sheets) {
        let _ = parse_rows("fuzz.xlsx", &sheets[header.sheet], &header, &OrgChart::default(), None);
    }
});
