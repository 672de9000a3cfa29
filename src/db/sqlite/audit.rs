//! 監査ログ: who changed what, when, with the record before and after.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::SqliteTx;
use crate::error::Result;
use crate::ledger::{AuditEntry, AuditQuery};

pub(crate) use crate::db::AuditAction as Action;

impl SqliteTx<'_> {
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
        self.tx
            .prepare_cached(
                "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.author.at.to_rfc3339(),
                self.author.user,
                action.as_str(),
                entity,
                key,
                before,
                after
            ])?;
        Ok(())
    }
}

/// The rows of the newest change recorded under `actor`: the rows sharing the time of their newest row (one action
/// writes all of its rows with the one time of its author), newest first; none when the person changed nothing.
pub(super) fn last_change(conn: &Connection, actor: &str) -> Result<Vec<AuditEntry>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT at FROM audit_log WHERE actor = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([actor], |r| r.get(0))
        .optional()?;
    let Some(at) = at else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
         WHERE actor = ?1 AND at = ?2 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![actor, at], entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One audit row as read.
fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_key: r.get(5)?,
        before: parse(r.get(6)?),
        after: parse(r.get(7)?),
    })
}

/// The audit log, newest first, optionally for one entity (`initiative`, `effect`, …) and key.
pub(super) fn audit_log(conn: &Connection, q: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
         WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_key = ?2)
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![q.entity, q.key, q.limit], entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
