//! 監査ログ: who changed what, when, with the record before and after.

use postgres::GenericClient;
use serde::Serialize;

use super::PgTx;
use crate::error::Result;
use crate::ledger::{AuditEntry, AuditQuery};

pub(crate) use crate::db::AuditAction as Action;

impl PgTx<'_> {
    /// Records a change in the same transaction as the change itself.
    pub(crate) fn audit<T: Serialize>(
        &self,
        action: Action,
        entity: &str,
        key: &str,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Result<()> {
        let json = |v: Option<&T>| v.map(serde_json::to_string).transpose();
        let (before, after) = (
            json(before).map_err(|e| crate::Error::Internal(e.to_string()))?,
            json(after).map_err(|e| crate::Error::Internal(e.to_string()))?,
        );
        self.db().execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&self.author.at.to_rfc3339(), &self.author.user, &action.as_str(), &entity, &key, &before, &after],
        )?;
        Ok(())
    }
}

/// The audit log, newest first, optionally for one entity (`initiative`, `effect`, …) and key.
pub(super) fn audit_log(c: &mut impl GenericClient, q: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
    let rows = c.query(
        "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
         WHERE ($1::TEXT IS NULL OR entity = $1) AND ($2::TEXT IS NULL OR entity_key = $2)
         ORDER BY id DESC LIMIT $3",
        &[&q.entity, &q.key, &i64::from(q.limit)],
    )?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                action: r.try_get(3)?,
                entity: r.try_get(4)?,
                entity_key: r.try_get(5)?,
                before: parse(r.try_get(6)?),
                after: parse(r.try_get(7)?),
            })
        })
        .collect()
}
