//! Remembered column mappings: what a section's return said its own headers mean, for its next return.

use postgres::{GenericClient, Row};

use super::PgTx;
use super::audit::Action;
use crate::error::Result;
use crate::ledger::StoredColumnMap;

fn from_row(r: &Row) -> Result<StoredColumnMap> {
    Ok(StoredColumnMap {
        unit_id: r.try_get(0)?,
        header_key: r.try_get(1)?,
        header: r.try_get(2)?,
        target: r.try_get(3)?,
    })
}

/// Every remembered mapping.
pub(super) fn column_maps(c: &mut impl GenericClient) -> Result<Vec<StoredColumnMap>> {
    c.query(
        "SELECT unit_id, header_key, header, target FROM column_maps ORDER BY unit_id, header_key COLLATE \"C\"",
        &[],
    )?
    .iter()
    .map(from_row)
    .collect()
}

impl PgTx<'_> {
    /// Remembers (or replaces) a section's mapping of one header, with an audit row when it changes.
    pub(super) fn remember_column_map(&mut self, map: &StoredColumnMap) -> Result<()> {
        let before: Option<StoredColumnMap> = self
            .db()
            .query_opt(
                "SELECT unit_id, header_key, header, target FROM column_maps WHERE unit_id = $1 AND header_key = $2",
                &[&map.unit_id, &map.header_key],
            )?
            .as_ref()
            .map(from_row)
            .transpose()?;
        if before.as_ref() == Some(map) {
            return Ok(());
        }
        let at = self.author.at.to_rfc3339();
        let actor = self.author.user.clone();
        self.db().execute(
            "INSERT INTO column_maps (unit_id, header_key, header, target, at, actor) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (unit_id, header_key) DO UPDATE SET header = excluded.header, target = excluded.target,
                 at = excluded.at, actor = excluded.actor",
            &[&map.unit_id, &map.header_key, &map.header, &map.target, &at, &actor],
        )?;
        let key = format!("{}/{}", map.unit_id, map.header_key);
        let action = if before.is_some() { Action::Update } else { Action::Create };
        self.audit(action, "column_map", &key, before.as_ref(), Some(map))
    }
}
