-- Who a server names on an audit row (0001: a team login's own name, whatever the client says), made sound:
-- - The database owner is never one of the team. Since PostgreSQL 16 a CREATEROLE login that creates a role is made a
--   member of it: the owner, having run `daicho server init`, counted as one, and a `daicho db copy` onto the server
--   as the owner (README) wrote the owner's name over the person of every copied audit row.
-- - Nothing of the session can stand in for the catalogs: the checks run with the search path pinned to pg_catalog
--   (a temporary table named pg_roles or audit_log, which any login may create and which an unpinned path finds
--   first, made a login look like a superuser or the owner, and kept a name the client forged).
-- - Membership counts whether or not the login inherits the role's privileges: one that writes after SET ROLE
--   daicho_editor is named too.
-- One function decides, for the trigger and for the app, which asks it what name its own rows will carry.
CREATE FUNCTION daicho_names_login(audit_table regclass) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles t
                   WHERE t.rolname = 'daicho_editor' AND pg_catalog.pg_has_role(session_user, t.oid, 'MEMBER'))
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = session_user AND r.rolsuper)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_roles o ON o.oid = c.relowner
                       WHERE c.oid = audit_table AND o.rolname = session_user)
$$;

CREATE OR REPLACE FUNCTION audit_log_actor() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.daicho_names_login(TG_RELID) THEN
        NEW.actor := session_user;
    END IF;
    RETURN NEW;
END $$;
