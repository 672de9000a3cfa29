-- Several people edit one ledger: each initiative carries a version, raised by every change, so an edit made from
-- what someone saw earlier is refused when the record changed since (no lost update, no silent overwrite).
ALTER TABLE initiatives ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
