-- The next 管理番号 of a year is the largest number after its prefix (as migrations/0004_ledger_id_order.sql).
CREATE INDEX initiatives_ledger_id_length ON initiatives (length(ledger_id), ledger_id);
