//! The SQLite side of a whole-ledger copy ([`crate::db::copy`]): rows read as the file keeps them (exact decimals and
//! days as text, parsed here) and written back the same way, in one immediate transaction.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::types::{Value, ValueRef};
use rust_decimal::Decimal;

use crate::db::copy::{Cell, Kind, Rows, TABLES, Table, compare, not_empty};
use crate::error::{Error, Result};

fn bad(table: &Table, column: &str, value: &str) -> Error {
    Error::Internal(format!("{} の {column} に読めない値があります: {value:?}", table.name))
}

pub(super) fn read_table(conn: &Connection, table: &Table) -> Result<Rows> {
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let mut stmt =
        conn.prepare(&format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), table.name, table.order))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(columns.len());
        for (i, (column, kind)) in table.columns.iter().enumerate() {
            let cell = match (r.get_ref(i)?, kind) {
                (ValueRef::Null, _) => Cell::Null,
                (ValueRef::Integer(n), Kind::Int | Kind::Year) => Cell::Int(n),
                (ValueRef::Text(t), kind) => {
                    let text = String::from_utf8_lossy(t).into_owned();
                    match kind {
                        Kind::Decimal => {
                            Cell::Decimal(Decimal::from_str(&text).map_err(|_| bad(table, column, &text))?)
                        }
                        Kind::Date => Cell::Date(
                            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| bad(table, column, &text))?,
                        ),
                        _ => Cell::Text(text),
                    }
                }
                (other, _) => return Err(bad(table, column, &format!("{other:?}"))),
            };
            row.push(cell);
        }
        out.push(row);
    }
    Ok(out)
}

fn value(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(n) => Value::Integer(*n),
        Cell::Text(t) => Value::Text(t.clone()),
        Cell::Decimal(d) => Value::Text(d.to_string()),
        Cell::Date(d) => Value::Text(d.format("%Y-%m-%d").to_string()),
    }
}

/// Writes every table into an empty ledger and reads it back before committing.
pub(super) fn load_empty(conn: &mut Connection, shown: &str, data: &[Rows]) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for table in TABLES {
        let any: bool = tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name), [], |r| r.get(0))?;
        if any {
            return Err(not_empty(shown, table.name));
        }
    }
    for (table, rows) in TABLES.iter().zip(data) {
        let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert =
            tx.prepare(&format!("INSERT INTO {} ({}) VALUES ({})", table.name, columns.join(", "), marks.join(", ")))?;
        for row in rows {
            insert.execute(rusqlite::params_from_iter(row.iter().map(value)))?;
        }
    }
    for (table, rows) in TABLES.iter().zip(data) {
        compare(table, rows, &read_table(&tx, table)?)?;
    }
    tx.commit()?;
    Ok(())
}
