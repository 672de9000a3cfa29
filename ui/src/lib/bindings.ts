// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit: run
// `UPDATE_BINDINGS=1 cargo test -p daicho-app bindings` after changing a type.

export type ApiError = { 
/**
 * One of `validation`, `not_found`, `conflict`, `io`, `incompatible`, `unavailable`, `forbidden`, `internal`.
 */
code: "validation" | "not_found" | "conflict" | "io" | "incompatible" | "unavailable" | "forbidden" | "internal", message: string, 
/**
 * The argument of the command the refusal is about (`from`, `deadline`, `started_on`…), when it is one field's
 * text that could not be read: the form shows the message next to that field.
 */
field?: string, };

export type AppInfo = { 
/**
 * Where the ledger is: its file, or the team's server (its connection string without a password).
 */
db_path: string, 
/**
 * The ledger is a team's shared ledger on a server.
 */
shared: boolean, initiatives: number, organisation_name: string, 
/**
 * The fiscal year to open on: the latest with figures, or the current one.
 */
fiscal_year: number, choices: Choices, 
/**
 * Set when the ledger file is on a network share or in a synced or roaming folder.
 */
storage_warning: string | null, 
/**
 * The ledger holds the sample city, which the settings screen can take out again.
 */
sample: boolean, };

export type NewInitiative = { unit: string, kind: string, title: string, tool: string | null, status: string, fiscal_year: number, };

export type EffectInputForm = { ledger_id: string, fiscal_year: number, basis: string, formula: string | null, before_minutes?: string, after_minutes?: string, saved_minutes?: string, count?: string, days?: string, stated_hours: string | null, note: string | null, 
/**
 * The figure's newest audit row as the form was loaded with it (none: no figure of that year and basis); a save
 * over a change made since is refused.
 */
seen: number | null, };

export type Progress = { done: number, total: number, file: string, };

export type SurveyProgress = { done: number, total: number, file: string, };

export type SurveyStarted = { folder: string, files: number, added: number, };

export type ExportRequest = { 
/**
 * `template`, `ledger` or a report: `summary`, `trend`, `before-after`, `check`, `cumulative`, `cost`, `all`.
 */
what: string, fiscal_year: number, 
/**
 * 部局 (or 部局/課) for the template and the ledger export; a 部局 for a report.
 */
scope: string | null, prefill: boolean, 
/**
 * `xlsx`, `csv-cp932` or `csv-utf8`.
 */
format: string, };

export type ServerCheck = { 
/**
 * The connection string as shown (without a password).
 */
shown: string, 
/**
 * What opening it would do, or what it holds.
 */
message: string, };

export type FileChoice = { basis: string | null, maps: Array<MapChoice>, 
/**
 * The cautions (要確認) the user read and wants written, by their key.
 */
confirmed: Array<string>, };

export type MapChoice = { column: string, target: string, };

export type SentBack = { saved: string, sections: Array<string>, };

export type InitiativeEdit = { ledger_id: string, kind: string, title: string, tool: string | null, vendor: string | null, status: string, 
/**
 * The date the status changed, when it did (`2024/4/1`, `令和6年4月1日`…); today when empty.
 */
status_on: string | null, started_on: string | null, scenarios: string | null, owner: string | null, notes: string | null, 
/**
 * The version the form was opened with: a save from it is refused when someone changed the initiative since.
 */
version: number | null, };

export type PickedRow = { ledger_id: string, version: number, };

export type BulkEdit = { rows: Array<PickedRow>, 
/**
 * The new 状況; null keeps each row's.
 */
status: string | null, 
/**
 * The new ツール; null keeps each row's, an empty one clears it.
 */
tool: string | null, };

export type BulkEdited = { changed: Array<string>, unchanged: Array<string>, };

export type EvaluationForm = { ledger_id: string, fiscal_year: number, grade: string, reason: string | null, comment: string | null, 
/**
 * The evaluation's newest audit row as the form was loaded with it (none: the year had no evaluation); a save
 * over a change made since is refused.
 */
seen: number | null, };

export type SettingsView = { 
/**
 * The ledger's settings, shared by everyone who works on it.
 */
settings: Array<SettingView>, rounding: string, 
/**
 * How this person's screens show dates (a preference of this PC's user, not of the ledger).
 */
date_style: DateStyle, 
/**
 * The styles to choose from.
 */
date_styles: Array<DateStyleChoice>, };

export type UnitUpdated = { done: string, to: string | null, };

export type OcrForm = { form_type: string, sheets: string, chars_read: string, chars_corrected: string, correction_minutes: string, };

export type ListColumn = "ledger_id" | "kind" | "title" | "bureau" | "section" | "tool" | "status" | "hours";

export type ListCondition = { label: string, value: string, };

export type ListExport = { ledger_ids: Array<string>, columns: Array<ListColumn>, conditions: Array<ListCondition>, sorted_by: ListColumn | null, ascending: boolean, };

export type FiscalYear = number;

export type DateStyle = "wareki" | "short" | "iso";

export type Kind = "RPA" | "AI-OCR" | "RPA+AI-OCR" | "その他";

export type Status = "検討中" | "開発中" | "試行中" | "運用中" | "停止" | "廃止";

export type Basis = "試算" | "試行" | "実績";

export type Grade = "A" | "B" | "C" | "D";

export type Initiative = { id: number, 
/**
 * 管理番号, e.g. `R5-0012`: stable, unique, shown to users.
 */
ledger_id: string, kind: Kind, 
/**
 * 業務名
 */
title: string, 
/**
 * The owning unit (a 部局, 課 or 係).
 */
unit_id: number, tool: string | null, vendor: string | null, status: Status, started_on: string | null, scenario_count: number | null, owner: string | null, notes: string | null, 
/**
 * Raised by every change: an edit carries the version it started from, and is refused when the record changed
 * since (another person's edit is never silently overwritten).
 */
version: number, };

export type StatusChange = { status: Status, changed_on: string, note: string | null, };

export type Evaluation = { fiscal_year: FiscalYear, grade: Grade, reason: string | null, 
/**
 * 所見: the DX section's reviewing comment.
 */
reviewer_comment: string | null, };

export type Effect = { id: number, initiative_id: number, 
/**
 * The unit the figure was reported under (it stays there when the initiative moves).
 */
unit_id: number, fiscal_year: FiscalYear, basis: Basis, 
/**
 * The formula as typed, or rendered from the structured inputs.
 */
formula: string | null, 
/**
 * The formula in canonical text with its result, as evaluated when it was recorded.
 */
canonical: string | null, 
/**
 * The result written inside the formula (after `＝`), if any.
 */
claim: Claim | null, structured: unknown, computed_minutes: string | null, stated_hours: string | null, note: string | null, };

export type Claim = { minutes: string, tolerance_minutes: string, };

export type AuditEntry = { id: number, at: string, actor: string, action: string, entity: string, entity_key: string, 
/**
 * The record before and after the change, as JSON.
 */
before: unknown, after: unknown, };

export type LastChange = { 
/**
 * Its time as the audit log records it: the undo is confirmed with it, so it undoes what was shown.
 */
at: string, 
/**
 * Who made it, as the log names them.
 */
actor: string, 
/**
 * What it did, in words: 「取組 R6-0001「給与支払報告書の入力」の変更」, 「取組 50 件の登録、効果 50 件の登録（取り込み 1 ファイル）」.
 */
description: string, };

export type ImportRecord = { id: number, file_name: string, sha256: string, at: string, actor: string, created: number, updated: number, unchanged: number, warnings: Array<string>, };

export type ImportView = { 
/**
 * `令和6年4月1日 09:00`
 */
at_label: string, id: number, file_name: string, sha256: string, at: string, actor: string, created: number, updated: number, unchanged: number, warnings: Array<string>, };

export type Choices = { kinds: Array<string>, statuses: Array<string>, bases: Array<string>, 
/**
 * The answer sheet's fields, for mapping a return's columns, and the word for "not imported".
 */
fields: Array<string>, 
/**
 * The reports the export screen offers (`all` first), by the name the app sends back.
 */
reports: Array<ReportChoice>, 
/**
 * The 和暦 label of every fiscal year a screen may show, so the UI never computes an era.
 */
years: YearLabels, };

export type ReportChoice = { slug: string, label: string, };

export type YearLabels = { first: number, labels: Array<string>, };

export type DateStyleChoice = { style: DateStyle, example: string, };

export type LedgerRow = { ledger_id: string, kind: string, title: string, bureau: string, section: string, tool: string, status: string, scenarios: number | null, 
/**
 * Hours of the fiscal year under the rounding rule (best basis), when the initiative has a figure that year.
 */
hours: string | null, 
/**
 * The row's 部局 in the organisation's order (by code, as the organisation list shows it): sorting by 部局 sorts
 * by this, not by the characters of the name.
 */
bureau_order: number, 
/**
 * The row's 課 (or its 部局, for an initiative directly under one) in the organisation's order: 部局 first, then
 * the 課 by code.
 */
section_order: number, 
/**
 * The initiative's version as listed: a change made from the list (a bulk edit) carries it, and is refused when
 * someone changed the initiative since.
 */
version: number, };

export type LedgerReading = { 
/**
 * What the ledger was when it was read ([`reading`]): the screen keeps it with the rows and sends it back at the
 * next year switch.
 */
reading: string, 
/**
 * Every row: a first reading, or the ledger changed since the screen's.
 */
rows: Array<LedgerRow> | null, 
/**
 * Nothing changed since the screen's reading: only the year's hours, with the 管理番号 of the row each is for, in
 * the rows' order (10,000 rows are 2.3 MB of JSON, these a tenth of it). The screen takes them only when the
 * 管理番号 are those of its rows, one for one.
 */
hours: Array<[string, string | null]> | null, };

export type Bar = { label: string, 
/**
 * For a 部局's bar: the 部局's name today (of the unit it became, when it was merged), which the ledger lists
 * it under — a bar of 子ども部 in 令和4年度 selects こども部's initiatives.
 */
ledger_bureau: string | null, hours: number, };

export type TrendPoint = { fiscal_year: number, label: string, target: number | null, actual: number, };

export type Dashboard = { fiscal_year: number, label: string, 
/**
 * Fiscal years that have figures, for the year picker.
 */
years: Array<number>, total_hours: string, initiatives: number, scenarios: number, target_hours: string | null, achievement_rate: string | null, person_years: string, yen: string, by_bureau: Array<Bar>, by_kind: Array<Bar>, trend: Array<TrendPoint>, 
/**
 * The ten initiatives saving the most hours.
 */
top: Array<LedgerRow>, rounding: string, };

export type FormulaCheck = { ok: boolean, canonical: string | null, minutes: string | null, 
/**
 * Hours to two decimals, for display.
 */
hours: string | null, 
/**
 * The refusal: its message and the 0-based character it points at.
 */
error: string | null, position: number | null, 
/**
 * How the stated hours (typed beside the formula) compare: `一致` or the difference.
 */
stated: string | null, };

export type EffectView = { fiscal_year_label: string, computed_hours: string | null, 
/**
 * `一致` or the difference in hours (`差 -2時間`).
 */
check: string | null, reported_under: string, 
/**
 * The newest audit row of the figure: the form saves and deletes carrying it
 * ([`crate::actions::Seen`]), refused when the figure changed since.
 */
last_change: number | null, id: number, initiative_id: number, 
/**
 * The unit the figure was reported under (it stays there when the initiative moves).
 */
unit_id: number, fiscal_year: FiscalYear, basis: Basis, 
/**
 * The formula as typed, or rendered from the structured inputs.
 */
formula: string | null, 
/**
 * The formula in canonical text with its result, as evaluated when it was recorded.
 */
canonical: string | null, 
/**
 * The result written inside the formula (after `＝`), if any.
 */
claim: Claim | null, structured: unknown, computed_minutes: string | null, stated_hours: string | null, note: string | null, };

export type EvaluationView = { last_change: number | null, fiscal_year: FiscalYear, grade: Grade, reason: string | null, 
/**
 * 所見: the DX section's reviewing comment.
 */
reviewer_comment: string | null, };

export type InitiativeDetail = { initiative: Initiative, 
/**
 * 運用開始日 as shown: `令和6年4月1日`, `R6.4.1` or `2024-04-01`.
 */
started_on_label: string | null, unit: string, effects: Array<EffectView>, status_history: Array<StatusChangeView>, evaluations: Array<EvaluationView>, audit: Array<AuditEntry>, 
/**
 * The record of changes in words: who, when, what, and each field before and after.
 */
changes: Array<ChangeView>, 
/**
 * Whether the initiative reads forms (AI-OCR, RPA+AI-OCR): the detail shows and edits its AI-OCR measures.
 */
reads_forms: boolean, 
/**
 * Its AI-OCR measures, by fiscal year.
 */
ocr: Array<OcrView>, };

export type StatusChangeView = { 
/**
 * `令和7年3月31日`
 */
changed_on_label: string, status: Status, changed_on: string, note: string | null, };

export type ChangeView = { id: number, 
/**
 * When, in the writer's clock: `令和6年4月1日 09:00`.
 */
at: string, actor: string, 
/**
 * 登録 / 変更 / 削除
 */
action: string, fields: Array<FieldChange>, };

export type OcrView = { fiscal_year: number, fiscal_year_label: string, form_type: string | null, sheets: number | null, chars_read: number | null, chars_corrected: number | null, correction_minutes: string | null, 
/**
 * 正読率 in percent with two decimals (`99.25`), when both counts are known.
 */
accuracy: string | null, 
/**
 * The newest audit row of the measure ([`crate::actions::Seen`]).
 */
last_change: number | null, };

export type YearPlan = { fiscal_year: number, label: string, targets: Array<TargetRow>, costs: Array<CostRow>, 
/**
 * The 部局 of the year, for a target's choice.
 */
bureaus: Array<string>, };

export type TargetRow = { scope: string, 
/**
 * The 部局's name that year, `None` for the whole organisation's target.
 */
bureau: string | null, 
/**
 * Exact decimal text.
 */
hours: string, 
/**
 * The newest audit row of the target as shown (`actions::Seen`: the target form carries it back).
 */
last_change: number | null, };

export type CostRow = { tool: string, 
/**
 * Yen, exact decimal text.
 */
licence_yen: string, maintenance_yen: string, note: string | null, 
/**
 * The newest audit row of the cost as shown (`actions::Seen`).
 */
last_change: number | null, };

export type ReturnStatus = { section: string, returned: boolean, at: string | null, file: string | null, };

export type SettingView = { key: string, help: string, value: string, 
/**
 * The accepted values, when the setting is a choice.
 */
choices: Array<string>, };

export type OrgNode = { depth: number, level: string, name: string, path: string, code: string | null, period: string, 
/**
 * 子ども部（〜令和4年度） → こども部（令和5年度〜）
 */
history: string | null, aliases: Array<string>, merged_into: string | null, };

export type SurveyStatus = { fiscal_year: number, label: string, 
/**
 * 令和7年5月31日 (in the style asked for)
 */
deadline: string, 
/**
 * 2025-05-31
 */
deadline_iso: string, closed_on: string | null, 
/**
 * Whether the deadline has passed (as of the day asked) while the survey is still open.
 */
overdue: boolean, 
/**
 * How many sections are in each state, in the states' order (未提出, 受付, 確認中, 差戻し, 確定).
 */
counts: Array<StateCount>, sections: Array<SectionStatus>, };

export type StateCount = { state: string, sections: number, };

export type SectionStatus = { bureau: string, section: string, state: string, 
/**
 * 令和7年5月20日
 */
received_on: string | null, file: string | null, reasons: string | null, 
/**
 * Still owes its return (未提出 or 差戻し): the reminder list.
 */
owing: boolean, };

export type Outcome = "created" | "updated" | "unchanged";

export type FieldChange = { field: string, before: string, after: string, };

export type Problem = { file: string, sheet: string, 
/**
 * Excel's row number (1-based); 0 for a problem with the file as a whole.
 */
row: number, 
/**
 * `C列「課」`, or empty for a problem with the row as a whole.
 */
column: string, message: string, 
/**
 * The cell's text as the department typed it.
 */
original: string | null, };

export type RowPlan = { row: number, 
/**
 * The measure of a cell with several, or the basis of a header that splits figures by basis.
 */
item: string | null, 
/**
 * The 管理番号, or `None` for an initiative the import will create.
 */
ledger_id: string | null, title: string, fiscal_year: number, basis: string | null, outcome: Outcome, changes: Array<FieldChange>, };

export type Role = { "kind": "field", "field": string } | { "kind": "row_number" } | { "kind": "helper" } | { "kind": "ignored" } | { "kind": "duplicate", "field": string } | { "kind": "unknown" };

export type Source = { "kind": "header" } | { "kind": "values" } | { "kind": "map" } | { "kind": "remembered", "detail": string };

export type ColumnInfo = { 
/**
 * Zero-based column index.
 */
index: number, 
/**
 * `G`.
 */
letter: string, 
/**
 * The header as written, parent and child joined by ／ (「削減効果／時間」); empty when there is none.
 */
header: string, role: Role, 
/**
 * The basis the header gives the column's figures (「削減時間（見込み）」, or a parent 「実績」).
 */
basis: string | null, source: Source, 
/**
 * An unmapped column that holds figures in most lines: the file is refused until it is mapped (a column of
 * figures is never dropped silently).
 */
figures: boolean, };

export type SkipKind = "subtotal" | "total" | "unlabeled_total" | "title_total" | "note" | "repeated_header" | "group_heading";

export type SkippedRow = { row: number, kind: SkipKind, 
/**
 * The label or the note, shortened.
 */
text: string, 
/**
 * The hours written on a total row.
 */
stated_hours: string | null, 
/**
 * The sum of the lines it covers (what each states, or its formula's result), in hours.
 */
lines_hours: string | null, 
/**
 * The Excel rows of the first and last line covered.
 */
covers: [number, number] | null, matches: boolean | null, };

export type BasisSource = "title" | "option" | "setting";

export type BasisUse = { basis: string, source: BasisSource, 
/**
 * A sentence for people: where the basis came from.
 */
reason: string, 
/**
 * How many lines took it.
 */
lines: number, };

export type YearUse = { fiscal_year: number, reason: string, lines: number, };

export type CautionKind = "moves" | "renames" | "other_section" | "same_name" | "in_batch";

export type Caution = { 
/**
 * What the user confirms: the row, the kind and the initiative (`2:moves:R1-0018`).
 */
key: string, 
/**
 * Excel's row number.
 */
row: number, kind: CautionKind, 
/**
 * The initiative it concerns, when it is in the ledger.
 */
ledger_id: string | null, 
/**
 * What happens, in words: 「総務部 総務課 → 議会事務局 議事課」.
 */
message: string, };

export type FileReport = { file: string, sha256: string, sheet: string | null, 
/**
 * Excel's row number of the header (its last row when it spans several).
 */
header_row: number | null, 
/**
 * Excel's row number of the header's first row.
 */
header_first_row: number | null, 
/**
 * Every column of the table: what it holds, or why it is not imported.
 */
columns: Array<ColumnInfo>, 
/**
 * Rows below (or above) the header that are not lines: totals with their check, notes, repeated headers.
 */
skipped: Array<SkippedRow>, 
/**
 * The basis of lines whose file gives none, and where it came from.
 */
basis: BasisUse | null, 
/**
 * The fiscal year of lines without a 年度 cell, and where it came from.
 */
fiscal_year: YearUse | null, rows: Array<RowPlan>, errors: Array<Problem>, warnings: Array<Problem>, 
/**
 * Changes written only when confirmed: the file is not imported while one is unconfirmed.
 */
cautions: Array<Caution>, 
/**
 * Whether every caution is confirmed for this import.
 */
confirmed: boolean, 
/**
 * The sections (課) the return reports on, as named today: whom to send its errors back to.
 */
sections: Array<string>, 
/**
 * Set when a file with the same content was imported before: nothing to do.
 */
already_imported: ImportRecord | null, 
/**
 * When that was, as shown (`令和6年4月1日 09:00`).
 */
already_imported_at: string | null, 
/**
 * Set once the plan was committed.
 */
committed: ImportRecord | null, };

export type OrgRowPlan = { row: number, path: string, outcome: Outcome, changes: Array<FieldChange>, };

export type OrgReport = { file: string, sha256: string, sheet: string | null, rows: Array<OrgRowPlan>, errors: Array<Problem>, warnings: Array<Problem>, };
