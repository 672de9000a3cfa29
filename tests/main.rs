//! One integration-test binary (as ripgrep does): each module covers one area of the library or the CLI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod bulk_edit;
mod cli;
mod durability;
mod fiscal;
mod formula;
mod freeform;
mod hostile;
mod import;
mod ledger;
mod list_export;
mod ocr;
mod org;
mod readme;
mod report;
mod review;
mod seen;
mod server;
mod support;
mod survey;
mod undo;
mod views;
