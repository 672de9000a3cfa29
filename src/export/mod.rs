//! Writing workbooks: the survey template and the ledger in the template's layout. Files are written to a
//! temporary file beside the target and renamed into place, so a failure never leaves a half-written workbook.

pub mod csv;
pub mod org;
mod report;
mod survey;

use std::io::Write;
use std::path::Path;

pub use org::write_org;
pub use report::{WorkbookOptions, write_reports};
pub use survey::{SurveyOptions, survey_rows, write_survey};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(format!("Excel ファイルを作成できません: {e}"))
}
