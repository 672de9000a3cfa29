-- Nothing to change on PostgreSQL (as migrations/0011_check_lists.sql): SQLite builds a temporary index for each
-- CHECK `x IN (…)` every time an INSERT runs, and that migration writes those checks as comparisons; PostgreSQL
-- evaluates an IN list of constants directly, so its checks stay as 0001 wrote them. The version is kept so both
-- schemas have the same numbers.
SELECT 1;
