-- PostgreSQL only (migrations/postgres/0013_audit_actor.sql: who a server names on an audit row). A ledger file has
-- no logins: its audit rows name the person the application gives. Kept so both backends count the same versions.
SELECT 1;
