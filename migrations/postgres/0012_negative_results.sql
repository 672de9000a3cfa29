-- A negative result in an effect's canonical text (a saving that became a cost) is written with ▲, as Japanese public
-- accounts write it and as every figure on the screens and in the workbooks shows it:
-- `（5分－30分）×100件＝▲2,500分（▲41.7時間）`, no longer `…＝-2,500分（-41.7時間）`. Only the result after the
-- last ＝ changes (a label in the expression may hold a hyphen, and stays as written; `.*` is greedy, so the first
-- group ends at the last ＝). The figures themselves (computed_minutes) and the audit log's history are not touched.
UPDATE effects
SET canonical = substring(canonical FROM '^(.*＝)') || replace(substring(canonical FROM '^.*＝(.*)$'), '-', '▲')
WHERE substring(canonical FROM '^.*＝(.*)$') LIKE '%-%';
