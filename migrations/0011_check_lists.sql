-- The label checks written per imported line are expressed as comparisons instead of IN lists. SQLite evaluates a
-- CHECK `x IN ('a', 'b', 'c')` of more than two values by building a temporary index of the list each time the
-- statement runs, which for a one-row INSERT is most of its cost: the 500 × 50 returns import spent a fifth of its
-- time there (BENCHMARKS.md). `(x = 'a' OR x = 'b' OR x = 'c')` accepts and refuses exactly the same values (a NULL
-- passes both, as NOT NULL refuses it separately), so no row changes and nothing is copied: the stored table
-- definitions are edited in place, the way SQLite documents for changing a CHECK constraint (ALTER TABLE, "other
-- kinds of table schema changes"). The migration step (db::sqlite::migrate) then raises the schema version, so every
-- connection reads the new definitions, and refuses to finish if any list below was not found.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql,
    'kind IN (''RPA'', ''AI-OCR'', ''RPA+AI-OCR'', ''その他'')',
    '(kind = ''RPA'' OR kind = ''AI-OCR'' OR kind = ''RPA+AI-OCR'' OR kind = ''その他'')')
WHERE type = 'table' AND name = 'initiatives';
UPDATE sqlite_master SET sql = replace(sql,
    'status IN (''検討中'', ''開発中'', ''試行中'', ''運用中'', ''停止'', ''廃止'')',
    '(status = ''検討中'' OR status = ''開発中'' OR status = ''試行中'' OR status = ''運用中'' OR status = ''停止'' OR status = ''廃止'')')
WHERE type = 'table' AND name IN ('initiatives', 'status_history');
UPDATE sqlite_master SET sql = replace(sql,
    'basis IN (''試算'', ''試行'', ''実績'')',
    '(basis = ''試算'' OR basis = ''試行'' OR basis = ''実績'')')
WHERE type = 'table' AND name = 'effects';
UPDATE sqlite_master SET sql = replace(sql,
    'action IN (''create'', ''update'', ''delete'')',
    '(action = ''create'' OR action = ''update'' OR action = ''delete'')')
WHERE type = 'table' AND name = 'audit_log';
UPDATE sqlite_master SET sql = replace(sql,
    'grade IN (''A'', ''B'', ''C'', ''D'')',
    '(grade = ''A'' OR grade = ''B'' OR grade = ''C'' OR grade = ''D'')')
WHERE type = 'table' AND name = 'evaluations';
UPDATE sqlite_master SET sql = replace(sql,
    'state IN (''未提出'', ''受付'', ''確認中'', ''差戻し'', ''確定'')',
    '(state = ''未提出'' OR state = ''受付'' OR state = ''確認中'' OR state = ''差戻し'' OR state = ''確定'')')
WHERE type = 'table' AND name = 'survey_returns';
PRAGMA writable_schema = OFF;
