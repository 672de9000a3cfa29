//! Remembered column mappings: what a section's return said its own headers mean, for its next return.

use rusqlite::{Connection, params};

use super::SqliteTx;
use super::audit::Action;
use crate::error::Result;
use crate::ledger::StoredColumnMap;

/// Every remembered mapping.
pub(super) fn column_maps(conn: &Connection) -> Result<Vec<StoredColumnMap>> {
    let mut stmt = conn
        .prepare_cached("SELECT unit_id, header_key, header, target FROM column_maps ORDER BY unit_id, header_key")?;
    let rows = stmt.query_map([], |r| {
        Ok(StoredColumnMap { unit_id: r.get(0)?, header_key: r.get(1)?, header: r.get(2)?, target: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl SqliteTx<'_> {
    /// Remembers (or replaces) a section's mapping of one header, with an audit row when it changes.
    pub(super) fn remember_column_map(&mut self, map: &StoredColumnMap) -> Result<()> {
        let before: Option<StoredColumnMap> = self
            .tx
            .prepare_cached(
                "SELECT unit_id, header_key, header, target FROM column_maps WHERE unit_id = ?1 AND header_key = ?2",
            )?
            .query_map(params![map.unit_id, map.header_key], |r| {
                Ok(StoredColumnMap { unit_id: r.get(0)?, header_key: r.get(1)?, header: r.get(2)?, target: r.get(3)? })
            })?
            .next()
            .transpose()?;
        if before.as_ref() == Some(map) {
            return Ok(());
        }
        let at = self.author.at.to_rfc3339();
        let actor = self.author.user.clone();
        self.tx
            .prepare_cached(
                "INSERT INTO column_maps (unit_id, header_key, header, target, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (unit_id, header_key) DO UPDATE SET header = excluded.header, target = excluded.target,
                     at = excluded.at, actor = excluded.actor",
            )?
            .execute(params![map.unit_id, map.header_key, map.header, map.target, at, actor])?;
        let key = format!("{}/{}", map.unit_id, map.header_key);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "column_map", &key, before.as_ref(), Some(map))
    }
}
