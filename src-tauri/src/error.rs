//! Errors as the UI receives them: `{ code, message }`, and `field` when the refusal is about one field of a form.
//! The UI branches on `code` (a closed set), shows `message` (Japanese) to the user — beside the field `field` names,
//! when it names one — and never parses the message.

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
    /// The argument of the command the refusal is about (`from`, `deadline`, `started_on`…), when it is one field's
    /// text that could not be read: the form shows the message next to that field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub field: Option<&'static str>,
}

impl From<daicho::Error> for ApiError {
    fn from(e: daicho::Error) -> Self {
        ApiError { code: e.code(), message: e.to_string(), field: None }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Refused input, with the Japanese message that says what to fix.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError { code: "validation", message: message.into(), field: None }
}

/// Refused input of one field: `field` tells the form where to show the message.
pub fn invalid_field(field: &'static str, message: impl Into<String>) -> ApiError {
    ApiError { code: "validation", message: message.into(), field: Some(field) }
}

/// Refused text of one field: `label` names it in the message (`開始年度: 「R」を年度として読めません（例: …）`).
fn refused_field(field: &'static str, label: &str, e: daicho::fiscal::FiscalError) -> ApiError {
    invalid_field(field, format!("{label}: {e}"))
}

/// One field's text read by `parse`; `None` when the field is empty, a refusal beside the field when unreadable.
fn field<T>(
    text: Option<&str>,
    field: &'static str,
    label: &str,
    parse: impl FnOnce(&str) -> Result<T, daicho::fiscal::FiscalError>,
) -> ApiResult<Option<T>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(t).map(Some).map_err(|e| refused_field(field, label, e)),
    }
}

/// A fiscal year typed in a form, read as the CLI's `--fy` reads it (`2025`, `2025年度`, `令和7年度`, `令和7`, `R7`);
/// `None` when the field is empty.
pub fn year_field(
    text: Option<&str>,
    field_name: &'static str,
    label: &str,
) -> ApiResult<Option<daicho::fiscal::FiscalYear>> {
    field(text, field_name, label, daicho::fiscal::FiscalYear::parse)
}

/// A fiscal year the form requires.
pub fn required_year(text: &str, field: &'static str, label: &str) -> ApiResult<daicho::fiscal::FiscalYear> {
    year_field(Some(text), field, label)?
        .ok_or_else(|| invalid_field(field, format!("{label}を入力してください（例: 令和7年度、R7、2025）")))
}

/// A date typed in a form, read as the CLI reads dates (`令和6年4月1日`, `R6.4.1`, `2024/4/1`, `2024-04-01`);
/// `None` when the field is empty.
pub fn date_field(text: Option<&str>, field_name: &'static str, label: &str) -> ApiResult<Option<chrono::NaiveDate>> {
    field(text, field_name, label, daicho::fiscal::parse_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_accepts_what_the_cli_accepts_and_refuses_in_japanese_beside_itself() {
        for text in ["令和7", "R7", "令和7年度", "2025", "２０２５年度", " r07 "] {
            let fy = year_field(Some(text), "to", "最後の年度").unwrap();
            assert_eq!(fy, Some(daicho::fiscal::FiscalYear(2025)), "{text:?}");
        }
        assert_eq!(year_field(Some("  "), "to", "最後の年度").unwrap(), None, "an empty field is no year");
        let e = year_field(Some("令和"), "to", "最後の年度").unwrap_err();
        assert_eq!((e.code, e.field), ("validation", Some("to")));
        assert!(e.message.starts_with("最後の年度: 「令和」を年度として読めません"), "{}", e.message);
        assert!(e.message.contains("令和5年度") && e.message.contains("R5"), "names the accepted forms: {}", e.message);
        let e = required_year("", "fiscal_year", "変更した年度").unwrap_err();
        assert_eq!(e.field, Some("fiscal_year"));
        assert!(e.message.contains("変更した年度を入力してください"), "{}", e.message);

        let day = chrono::NaiveDate::from_ymd_opt(2024, 4, 1);
        for text in ["令和6年4月1日", "R6.4.1", "2024/4/1", "2024-04-01"] {
            assert_eq!(date_field(Some(text), "started_on", "運用開始日").unwrap(), day, "{text:?}");
        }
        let e = date_field(Some("令和元年4月1日"), "started_on", "運用開始日").unwrap_err();
        assert_eq!(e.field, Some("started_on"));
        assert!(e.message.starts_with("運用開始日: 「令和元年4月1日」は存在しない日付です"), "{}", e.message);
        let json = serde_json::to_value(invalid("x")).unwrap();
        assert!(json.get("field").is_none(), "a refusal of no one field carries none: {json}");
    }
}
