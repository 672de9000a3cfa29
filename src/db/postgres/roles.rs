//! Who may do what on the server, enforced by the server: the team's logins are members of `daicho_editor` (read and
//! write the ledger, append to the audit log), managers' of `daicho_viewer` (read and export only). Neither owns a
//! table, so neither can change the schema or the audit log's rules; the database owner (the IT section's login)
//! runs `daicho server init` once, and again after an upgrade of Daicho brings a migration.

use postgres::Client;

use crate::error::Result;

/// The editors' role: the business-improvement team.
pub(crate) const EDITOR: &str = "daicho_editor";
/// The viewers' role: managers, who read and export.
pub(crate) const VIEWER: &str = "daicho_viewer";

/// Creates the two roles when missing and grants them what they may do on every table of the ledger (the owner's
/// connection, after the migrations).
pub(super) fn init(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    for role in [EDITOR, VIEWER] {
        let exists: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&role])?.get(0);
        if !exists {
            tx.batch_execute(&format!("CREATE ROLE {role} NOLOGIN"))?;
        }
    }
    tx.batch_execute(&format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {EDITOR}, {VIEWER};
         GRANT USAGE ON SCHEMA public TO {EDITOR}, {VIEWER};
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {EDITOR}, {VIEWER};
         GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {EDITOR};
         -- The audit log is appended to, never changed; the schema's history is the owner's.
         REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {EDITOR};
         REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM {EDITOR};
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {EDITOR};
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
    ))?;
    tx.commit()?;
    Ok(())
}
