-- PostgreSQL only (migrations/postgres/0014_audit_actor_and_org_notices.sql: a cheaper path through the trigger that
-- names a login on an audit row, and a notice when the organisation changes). A ledger file has no logins, and its
-- readers see the organisation change through SQLite's own data version. Kept so both backends count the same
-- versions.
SELECT 1;
