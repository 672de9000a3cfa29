//! 監査ログ: who changed what, when, with the record before and after.

use postgres::GenericClient;
use serde::Serialize;

use super::PgTx;
use crate::error::Result;
use crate::ledger::{AuditEntry, AuditQuery};

pub(crate) use crate::db::AuditAction as Action;

/// Audit rows held back until the log is read or the transaction commits: action, entity, key, before, after.
pub(super) type Pending = Vec<[Option<String>; 5]>;

/// The name the server gives the person whose name is the parameter `$n`: the login when it is one of the team's,
/// else that name. The server's own function decides (migration 0013), the one the trigger `audit_log_actor` asks,
/// about the ledger's table in `public` as the trigger does (a login's own schema first on its search path must not
/// change the question). A subquery, so a statement asks it once, not once per row.
macro_rules! recorded_actor {
    ($param:literal) => {
        concat!(
            "(SELECT CASE WHEN public.daicho_names_login('public.audit_log'::regclass)
                          THEN session_user::TEXT ELSE ",
            $param,
            "::TEXT END)"
        )
    };
}

/// Every held-back row in one statement, in the order they were recorded (their ids follow that order). The rows
/// carry the name the server records (`recorded_actor!`): the trigger, finding its login already named, need not ask
/// the catalogs again for each row (migration 0014), which took two thirds of the time of an import's audit rows.
const INSERT_ROWS: &str = concat!(
    "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
     SELECT $1, ",
    recorded_actor!("$2"),
    ", a, e, k, b, f FROM unnest($3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[])
         WITH ORDINALITY AS r (a, e, k, b, f, n)
     ORDER BY n"
);

impl PgTx<'_> {
    /// Records a change in the same transaction as the change itself. The row is sent with the others of the
    /// transaction (see [`Pending`]): a change is one round trip, not two.
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
        self.audit_rows.borrow_mut().push([
            Some(action.as_str().to_string()),
            Some(entity.to_string()),
            Some(key.to_string()),
            before,
            after,
        ]);
        Ok(())
    }

    /// The arrays of the held-back rows, column by column, emptying the buffer.
    fn pending_columns(&self) -> [Vec<Option<String>>; 5] {
        let rows = std::mem::take(&mut *self.audit_rows.borrow_mut());
        let mut columns: [Vec<Option<String>>; 5] = Default::default();
        for row in rows {
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
        columns
    }

    /// Sends the held-back audit rows (before the log is read in this transaction).
    pub(super) fn flush_audit(&self) -> Result<()> {
        if self.audit_rows.borrow().is_empty() {
            return Ok(());
        }
        let [a, e, k, b, f] = self.pending_columns();
        let at = self.author.at.to_rfc3339();
        self.execute(INSERT_ROWS, &[&at, &self.author.user, &a, &e, &k, &b, &f])?;
        Ok(())
    }

    /// The last statement before the commit: the held-back audit rows and the change notice together.
    pub(super) fn flush_audit_and_notify(&self) -> Result<()> {
        let channel = super::watch::CHANNEL;
        if self.audit_rows.borrow().is_empty() {
            self.execute("SELECT pg_notify($1, $2)", &[&channel, &self.author.user])?;
            return Ok(());
        }
        let [a, e, k, b, f] = self.pending_columns();
        let at = self.author.at.to_rfc3339();
        let sql = format!("WITH written AS ({INSERT_ROWS}) SELECT pg_notify($8, $2)");
        self.execute(&sql, &[&at, &self.author.user, &a, &e, &k, &b, &f, &channel])?;
        Ok(())
    }
}

/// How the server names this person on an audit row: the staff member's own login when it is one of the team's
/// (the trigger `audit_log_actor` writes that, whatever the client says), else the client's name.
pub(super) fn recorded_actor(c: &mut impl GenericClient, user: &str) -> Result<String> {
    Ok(c.query_one(concat!("SELECT ", recorded_actor!("$1")), &[&user])?.try_get(0)?)
}

/// The rows of the newest change recorded under `actor` (the rows sharing the time of their newest row), newest
/// first; none when the person changed nothing.
pub(super) fn last_change(c: &mut impl GenericClient, actor: &str) -> Result<Vec<AuditEntry>> {
    let Some(at) = c.query_opt("SELECT at FROM audit_log WHERE actor = $1 ORDER BY id DESC LIMIT 1", &[&actor])? else {
        return Ok(Vec::new());
    };
    let at: String = at.try_get(0)?;
    let rows = c.query(
        "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
         WHERE actor = $1 AND at = $2 ORDER BY id DESC",
        &[&actor, &at],
    )?;
    rows.iter().map(entry).collect()
}

/// One audit row as read.
fn entry(r: &postgres::Row) -> Result<AuditEntry> {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
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
}

/// The audit log, newest first, optionally for one entity (`initiative`, `effect`, …) and key.
pub(super) fn audit_log(c: &mut impl GenericClient, q: AuditQuery<'_>) -> Result<Vec<AuditEntry>> {
    let rows = c.query(
        "SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
         WHERE ($1::TEXT IS NULL OR entity = $1) AND ($2::TEXT IS NULL OR entity_key = $2)
         ORDER BY id DESC LIMIT $3",
        &[&q.entity, &q.key, &i64::from(q.limit)],
    )?;
    rows.iter().map(entry).collect()
}
