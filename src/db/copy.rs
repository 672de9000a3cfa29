//! Copying a whole ledger between stores of either backend, exactly: every row of every table — records, their
//! history, the audit log, imports — with its id, so a team can move one person's SQLite file onto the server and
//! take the server's ledger home as a file (a backup, or a snapshot a manager opens offline).
//!
//! Each backend reads and writes rows of the tables below as [`Cell`]s in its own types (SQLite keeps exact
//! decimals and days as text, PostgreSQL as NUMERIC and DATE); the copy is checked by reading the target back and
//! comparing it with the source, cell by cell.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Store;
use crate::error::{Error, Result};

/// One value of a row, in the library's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
    Decimal(Decimal),
    Date(NaiveDate),
}

/// How a column is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An id or a count: SQLite INTEGER, PostgreSQL BIGINT.
    Int,
    /// A fiscal year: SQLite INTEGER, PostgreSQL INTEGER.
    Year,
    Text,
    /// An exact figure: SQLite text, PostgreSQL NUMERIC.
    Decimal,
    /// A day: SQLite `YYYY-MM-DD` text, PostgreSQL DATE.
    Date,
}

/// A table of the ledger: its name, columns in order, and the order its rows are read and written in (parents
/// before children, so every foreign key and trigger holds as rows arrive). `identity` names the id column whose
/// sequence follows the copied ids on the server.
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    pub order: &'static str,
    pub identity: bool,
}

use Kind::{Date, Decimal as Dec, Int, Text, Year};

/// Every table of the ledger at the latest schema, in an order that satisfies the foreign keys.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "org_units",
        columns: &[
            ("id", Int),
            ("level", Text),
            ("parent_id", Int),
            ("name", Text),
            ("name_key", Text),
            ("code", Text),
            ("valid_from", Year),
            ("valid_to", Year),
        ],
        // A unit's parent is a level above it: bureaus, then sections, then 係.
        order: "CASE level WHEN 'bureau' THEN 0 WHEN 'section' THEN 1 ELSE 2 END, id",
        identity: true,
    },
    Table {
        name: "org_renames",
        columns: &[("id", Int), ("unit_id", Int), ("name", Text), ("name_key", Text), ("from_year", Year)],
        order: "id",
        identity: true,
    },
    Table {
        name: "org_aliases",
        columns: &[("id", Int), ("unit_id", Int), ("alias", Text), ("alias_key", Text)],
        order: "id",
        identity: true,
    },
    Table {
        name: "org_merges",
        columns: &[("id", Int), ("from_unit_id", Int), ("into_unit_id", Int), ("fiscal_year", Year)],
        order: "id",
        identity: true,
    },
    Table {
        name: "initiatives",
        columns: &[
            ("id", Int),
            ("ledger_id", Text),
            ("kind", Text),
            ("title", Text),
            ("unit_id", Int),
            ("tool", Text),
            ("vendor", Text),
            ("status", Text),
            ("started_on", Date),
            ("scenario_count", Int),
            ("owner", Text),
            ("notes", Text),
            ("version", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "status_history",
        columns: &[("id", Int), ("initiative_id", Int), ("status", Text), ("changed_on", Date), ("note", Text)],
        order: "id",
        identity: true,
    },
    Table {
        name: "evaluations",
        columns: &[
            ("initiative_id", Int),
            ("fiscal_year", Year),
            ("grade", Text),
            ("reason", Text),
            ("reviewer_comment", Text),
        ],
        order: "initiative_id, fiscal_year",
        identity: false,
    },
    Table {
        name: "effects",
        columns: &[
            ("id", Int),
            ("initiative_id", Int),
            ("unit_id", Int),
            ("fiscal_year", Year),
            ("basis", Text),
            ("formula", Text),
            ("canonical", Text),
            ("claim_minutes", Dec),
            ("claim_tolerance_minutes", Dec),
            ("structured", Text),
            ("computed_minutes", Dec),
            ("stated_hours", Dec),
            ("note", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "targets",
        columns: &[("id", Int), ("fiscal_year", Year), ("bureau_id", Int), ("hours", Dec)],
        order: "id",
        identity: true,
    },
    Table { name: "settings", columns: &[("key", Text), ("value", Text)], order: "key", identity: false },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("at", Text),
            ("actor", Text),
            ("action", Text),
            ("entity", Text),
            ("entity_key", Text),
            ("before", Text),
            ("after", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "imports",
        columns: &[
            ("id", Int),
            ("file_name", Text),
            ("sha256", Text),
            ("at", Text),
            ("actor", Text),
            ("created", Int),
            ("updated", Int),
            ("unchanged", Int),
            ("warnings", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "import_units",
        columns: &[("import_id", Int), ("unit_id", Int), ("fiscal_year", Year)],
        order: "import_id, unit_id, fiscal_year",
        identity: false,
    },
    Table {
        name: "costs",
        columns: &[
            ("id", Int),
            ("tool", Text),
            ("tool_key", Text),
            ("fiscal_year", Year),
            ("licence_yen", Dec),
            ("maintenance_yen", Dec),
            ("note", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "column_maps",
        columns: &[
            ("unit_id", Int),
            ("header_key", Text),
            ("header", Text),
            ("target", Text),
            ("at", Text),
            ("actor", Text),
        ],
        order: "unit_id, header_key",
        identity: false,
    },
    Table {
        name: "survey_campaigns",
        columns: &[("fiscal_year", Year), ("deadline", Date), ("started_on", Date), ("closed_on", Date)],
        order: "fiscal_year",
        identity: false,
    },
    Table {
        name: "survey_returns",
        columns: &[
            ("fiscal_year", Year),
            ("section_id", Int),
            ("state", Text),
            ("received_on", Date),
            ("file_name", Text),
            ("reasons", Text),
        ],
        order: "fiscal_year, section_id",
        identity: false,
    },
    Table {
        name: "ocr_measures",
        columns: &[
            ("initiative_id", Int),
            ("fiscal_year", Year),
            ("form_type", Text),
            ("sheets", Int),
            ("chars_read", Int),
            ("chars_corrected", Int),
            ("correction_minutes", Dec),
        ],
        order: "initiative_id, fiscal_year",
        identity: false,
    },
];

/// The rows of one table, as read.
pub(crate) type Rows = Vec<Vec<Cell>>;

/// What a copy moved: each table with its rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    pub tables: Vec<(String, usize)>,
}

impl CopyReport {
    /// Every row copied.
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

impl Store {
    /// Copies this whole ledger into `target`, which must be empty (a new file, or a server database with no
    /// ledger in it yet): every row with its id, in one transaction of the target, read back and compared with this
    /// ledger cell by cell before it commits. On any difference or failure nothing of the copy is kept.
    pub fn copy_into(&self, target: &mut Store) -> Result<CopyReport> {
        let schema = (self.schema_version()?, target.schema_version()?);
        if schema.0 != schema.1 {
            return Err(Error::Internal(format!("コピー元と先のスキーマが違います（{} と {}）", schema.0, schema.1)));
        }
        // One snapshot of the source: on a shared ledger others may commit while it is read.
        let data = self.backend.read_tables()?;
        target.backend.load_empty(&data)?;
        Ok(CopyReport { tables: TABLES.iter().zip(&data).map(|(t, rows)| (t.name.to_string(), rows.len())).collect() })
    }
}

/// Compares a table as written with what was read back inside the copy's transaction: any difference refuses the
/// copy (the transaction is then rolled back).
pub(crate) fn compare(table: &Table, expected: &Rows, copied: &Rows) -> Result<()> {
    if copied == expected {
        return Ok(());
    }
    let at = expected.iter().zip(copied).position(|(a, b)| a != b).unwrap_or(expected.len().min(copied.len()));
    Err(Error::Internal(format!(
        "コピーした {} の {} 行目が元と一致しません（元 {} 行、先 {} 行）。コピーは取り消しました",
        table.name,
        at + 1,
        expected.len(),
        copied.len()
    )))
}

/// The message for a target that already holds a ledger.
pub(crate) fn not_empty(shown: &str, table: &str) -> Error {
    Error::Conflict(format!(
        "コピー先 {shown} は空ではありません（{table} に行があります）。新しいファイルか、空のデータベースを指定してください"
    ))
}
