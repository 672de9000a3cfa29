-- The audit trigger asks the catalogs who a login is (migration 0013) only when the row names someone other than the
-- login. A row that already names the session's login ends the same either way (the trigger would write that very
-- name), and the app names its staff's rows so (`recorded_actor`); the question took about two thirds of the time
-- of an import's audit rows. A row that names anyone else is still decided by `daicho_names_login`: a team login's
-- forged name is overwritten, the owner's and a superuser's names are kept as given.
CREATE OR REPLACE FUNCTION audit_log_actor() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Two steps, so the catalogs are never asked for a row that names the login.
    IF NEW.actor IS DISTINCT FROM session_user::TEXT THEN
        IF public.daicho_names_login(TG_RELID) THEN
            NEW.actor := session_user;
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- A change to the organisation is announced on a channel of its own, however it was made (by Daicho or by hand),
-- when its transaction commits: a client keeps the organisation it read (an import reads it for every file) until it
-- hears this, instead of reading it again for each file.
CREATE FUNCTION daicho_org_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('daicho_org_changes', '');
    RETURN NULL;
END $$;
CREATE TRIGGER org_units_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_units
FOR EACH STATEMENT EXECUTE FUNCTION daicho_org_changed();
CREATE TRIGGER org_renames_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_renames
FOR EACH STATEMENT EXECUTE FUNCTION daicho_org_changed();
CREATE TRIGGER org_aliases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_aliases
FOR EACH STATEMENT EXECUTE FUNCTION daicho_org_changed();
CREATE TRIGGER org_merges_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_merges
FOR EACH STATEMENT EXECUTE FUNCTION daicho_org_changed();
