-- Several people edit one ledger (as migrations/0010_initiative_versions.sql): each initiative carries a version,
-- raised by every change, so an edit made from what someone saw earlier is refused when the record changed since.
ALTER TABLE initiatives ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
