//! The PostgreSQL side of a whole-ledger copy ([`crate::db::copy`]): rows read in the server's types, written with
//! `COPY … FROM STDIN (FORMAT binary)` (one stream per table, not a statement per row) in one transaction, each
//! identity's sequence moved past the copied ids, and everything read back before the commit.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient};
use rust_decimal::Decimal;

use crate::db::copy::{Cell, Kind, Rows, TABLES, Table, compare, not_empty};
use crate::error::{Error, Result};

pub(super) fn read_table(c: &mut impl GenericClient, table: &Table) -> Result<Rows> {
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    // Text keys in byte order, as SQLite orders them, whatever the server's collation.
    let order = match table.order {
        "key" => "key COLLATE \"C\"",
        "unit_id, header_key" => "unit_id, header_key COLLATE \"C\"",
        other => other,
    };
    let rows = c.query(&format!("SELECT {} FROM {} ORDER BY {order}", columns.join(", "), table.name), &[])?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut row = Vec::with_capacity(columns.len());
        for (i, (_, kind)) in table.columns.iter().enumerate() {
            let cell = match kind {
                Kind::Int => r.try_get::<_, Option<i64>>(i)?.map(Cell::Int),
                Kind::Year => r.try_get::<_, Option<i32>>(i)?.map(|y| Cell::Int(i64::from(y))),
                Kind::Text => r.try_get::<_, Option<String>>(i)?.map(Cell::Text),
                Kind::Decimal => r.try_get::<_, Option<Decimal>>(i)?.map(Cell::Decimal),
                Kind::Date => r.try_get::<_, Option<chrono::NaiveDate>>(i)?.map(Cell::Date),
            };
            row.push(cell.unwrap_or(Cell::Null));
        }
        out.push(row);
    }
    Ok(out)
}

fn pg_type(kind: Kind) -> Type {
    match kind {
        Kind::Int => Type::INT8,
        Kind::Year => Type::INT4,
        Kind::Text => Type::TEXT,
        Kind::Decimal => Type::NUMERIC,
        Kind::Date => Type::DATE,
    }
}

/// A cell as the server's type of its column wants it.
fn param(cell: &Cell, kind: Kind) -> Result<Box<dyn ToSql + Sync>> {
    Ok(match (cell, kind) {
        (Cell::Null, Kind::Int) => Box::new(None::<i64>),
        (Cell::Null, Kind::Year) => Box::new(None::<i32>),
        (Cell::Null, Kind::Text) => Box::new(None::<String>),
        (Cell::Null, Kind::Decimal) => Box::new(None::<Decimal>),
        (Cell::Null, Kind::Date) => Box::new(None::<chrono::NaiveDate>),
        (Cell::Int(n), Kind::Int) => Box::new(*n),
        (Cell::Int(n), Kind::Year) => {
            Box::new(i32::try_from(*n).map_err(|_| Error::Internal(format!("年度として大きすぎる値: {n}")))?)
        }
        (Cell::Text(t), Kind::Text) => Box::new(t.clone()),
        (Cell::Decimal(d), Kind::Decimal) => Box::new(*d),
        (Cell::Date(d), Kind::Date) => Box::new(*d),
        (cell, kind) => return Err(Error::Internal(format!("{cell:?} は {kind:?} の列に写せません"))),
    })
}

/// Writes every table into an empty ledger and reads it back before committing.
pub(super) fn load_empty(client: &mut Client, shown: &str, data: &[Rows]) -> Result<()> {
    let mut tx = client.transaction()?;
    for table in TABLES {
        let any: bool = tx.query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name), &[])?.get(0);
        if any {
            return Err(not_empty(shown, table.name));
        }
    }
    for (table, rows) in TABLES.iter().zip(data) {
        let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
        let types: Vec<Type> = table.columns.iter().map(|(_, k)| pg_type(*k)).collect();
        let sink = tx.copy_in(&format!("COPY {} ({}) FROM STDIN (FORMAT binary)", table.name, columns.join(", ")))?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for row in rows {
            let params = row
                .iter()
                .zip(table.columns)
                .map(|(cell, (_, kind))| param(cell, *kind))
                .collect::<Result<Vec<_>>>()?;
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
            writer.write(&refs)?;
        }
        writer.finish()?;
        if table.identity {
            // The next id the server hands out follows the copied ones.
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), coalesce((SELECT max(id) FROM {0}), 0) + 1, false)",
                    table.name
                ),
                &[],
            )?;
        }
    }
    for (table, rows) in TABLES.iter().zip(data) {
        compare(table, rows, &read_table(&mut tx, table)?)?;
    }
    tx.commit()?;
    Ok(())
}
