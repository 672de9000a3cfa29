-- The person on an audit row is a team login's own name (0001): a login writing through daicho_editor's privileges.
-- Since PostgreSQL 16 a CREATEROLE login that creates a role is made a member of it (with ADMIN OPTION, by default
-- without its privileges): the database owner, having run `daicho server init`, counted as one of the team, and a
-- `daicho db copy` onto the server as the owner (README) would write the owner's name over the person of every
-- copied audit row. A member counts now only when it uses the role's privileges (USAGE), and the owner of the audit
-- log never does: what the owner writes keeps the person it gives.
CREATE OR REPLACE FUNCTION audit_log_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'daicho_editor')
       AND pg_has_role(session_user, 'daicho_editor', 'USAGE')
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
       AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner
                       WHERE c.oid = 'audit_log'::regclass AND o.rolname = session_user) THEN
        NEW.actor := session_user;
    END IF;
    RETURN NEW;
END $$;
