//! 台帳 (Daicho): the ledger of RPA scenarios and AI-OCR rollouts of a Japanese city, and the working hours they
//! save. This library holds the whole domain — formula engine, fiscal years, organisation, ledger, storage and
//! summaries — and never depends on a user interface; the `daicho` CLI and the desktop shell are thin callers.

pub mod actions;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod fiscal;
pub mod formula;
pub mod import;
pub mod ledger;
pub mod number;
pub mod org;
pub mod report;
pub mod survey;
pub mod undo;
pub mod views;

pub use error::{Error, Result};
