//! Errors as the UI receives them: `{ code, message }`. The UI branches on `code` (a closed set), and shows
//! `message` (Japanese) to the user; it never parses the message.

use serde::Serialize;

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ApiError {
    /// One of `validation`, `not_found`, `conflict`, `io`, `incompatible`, `unavailable`, `forbidden`, `internal`.
    #[cfg_attr(
        test,
        ts(
            type = "\"validation\" | \"not_found\" | \"conflict\" | \"io\" | \"incompatible\" | \"unavailable\" | \"forbidden\" | \"internal\""
        )
    )]
    pub code: &'static str,
    pub message: String,
}

impl From<daicho::Error> for ApiError {
    fn from(e: daicho::Error) -> Self {
        ApiError { code: e.code(), message: e.to_string() }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Refused input, with the Japanese message that says what to fix.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError { code: "validation", message: message.into() }
}
