-- The next 管理番号 of a year is the largest number after its prefix (`R6-0012`); numbers grow past four digits
-- (`R6-10000`), so the largest is the longest id, then the last in text order. This index answers that question
-- without reading every id of the year (import commits ask it once per file).
CREATE INDEX initiatives_ledger_id_length ON initiatives (length(ledger_id), ledger_id);
