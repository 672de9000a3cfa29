// The shapes the shell's commands return (mirroring daicho::views and the shell's command types).

export interface ApiError {
  code: "validation" | "not_found" | "conflict" | "io" | "incompatible" | "internal";
  message: string;
}

export interface Choices {
  kinds: string[];
  statuses: string[];
  bases: string[];
}

export interface AppInfo {
  db_path: string;
  initiatives: number;
  organisation_name: string;
  fiscal_year: number;
  choices: Choices;
}

export interface LedgerRow {
  ledger_id: string;
  kind: string;
  title: string;
  bureau: string;
  section: string;
  tool: string;
  status: string;
  scenarios: number | null;
  hours: number | null;
  basis: string | null;
}

export interface Bar {
  label: string;
  hours: number;
}

export interface TrendPoint {
  fiscal_year: number;
  label: string;
  target: number | null;
  actual: number;
}

export interface Dashboard {
  fiscal_year: number;
  label: string;
  years: number[];
  total_hours: number;
  initiatives: number;
  scenarios: number;
  target_hours: number | null;
  achievement_rate: number | null;
  person_years: number;
  yen: number;
  by_bureau: Bar[];
  by_kind: Bar[];
  trend: TrendPoint[];
  top: LedgerRow[];
  rounding: string;
}

export interface FormulaCheck {
  ok: boolean;
  canonical: string | null;
  minutes: number | null;
  hours: number | null;
  error: string | null;
  position: number | null;
  stated: string | null;
}

export interface EffectView {
  fiscal_year: number;
  fiscal_year_label: string;
  basis: string;
  formula: string | null;
  canonical: string | null;
  computed_hours: number | null;
  stated_hours: string | null;
  check: string | null;
  reported_under: string;
  note: string | null;
}

export interface Initiative {
  id: number;
  ledger_id: string;
  kind: string;
  title: string;
  unit_id: number;
  tool: string | null;
  vendor: string | null;
  status: string;
  started_on: string | null;
  scenario_count: number | null;
  owner: string | null;
  notes: string | null;
}

export interface StatusChange {
  status: string;
  changed_on: string;
  note: string | null;
}

export interface Evaluation {
  fiscal_year: number;
  grade: string;
  reason: string | null;
  reviewer_comment: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_key: string;
}

export interface InitiativeDetail {
  initiative: Initiative;
  unit: string;
  effects: EffectView[];
  status_history: StatusChange[];
  evaluations: Evaluation[];
  audit: AuditEntry[];
}

export interface NewInitiative {
  unit: string;
  kind: string;
  title: string;
  tool: string | null;
  status: string;
  fiscal_year: number;
}

export interface EffectInputForm {
  ledger_id: string;
  fiscal_year: number;
  basis: string;
  formula: string | null;
  stated_hours: string | null;
  note: string | null;
}

export interface Problem {
  file: string;
  sheet: string;
  row: number;
  column: string;
  message: string;
  original: string | null;
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface RowPlan {
  row: number;
  ledger_id: string | null;
  title: string;
  fiscal_year: number;
  basis: string | null;
  outcome: "created" | "updated" | "unchanged";
  changes: FieldChange[];
}

export interface ImportRecord {
  id: number;
  file_name: string;
  sha256: string;
  at: string;
  actor: string;
  created: number;
  updated: number;
  unchanged: number;
  warnings: string[];
}

export interface FileReport {
  file: string;
  sha256: string;
  sheet: string | null;
  header_row: number | null;
  rows: RowPlan[];
  errors: Problem[];
  warnings: Problem[];
  already_imported: ImportRecord | null;
  committed: ImportRecord | null;
}

export interface ReturnStatus {
  section: string;
  returned: boolean;
  at: string | null;
  file: string | null;
}

export interface Progress {
  done: number;
  total: number;
  file: string;
}

export interface ExportRequest {
  what: string;
  fiscal_year: number;
  scope: string | null;
  prefill: boolean;
  format: "xlsx" | "csv-cp932" | "csv-utf8";
}

export interface InitiativeEdit {
  ledger_id: string;
  kind: string;
  title: string;
  tool: string | null;
  vendor: string | null;
  status: string;
  status_on: string | null;
  started_on: string | null;
  scenarios: string | null;
  owner: string | null;
  notes: string | null;
}

export interface EvaluationForm {
  ledger_id: string;
  fiscal_year: number;
  grade: string;
  reason: string | null;
  comment: string | null;
}

export interface SettingView {
  key: string;
  help: string;
  value: string;
  choices: string[];
}

export interface SettingsView {
  settings: SettingView[];
  rounding: string;
}

export interface OrgNode {
  depth: number;
  level: string;
  name: string;
  path: string;
  code: string | null;
  period: string;
  history: string | null;
  aliases: string[];
  merged_into: string | null;
}
