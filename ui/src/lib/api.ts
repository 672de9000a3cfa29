// The one module that talks to the shell. Components call these functions, never `invoke` directly.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  ApiError,
  AppInfo,
  BulkEdit,
  BulkEdited,
  Dashboard,
  EffectInputForm,
  EvaluationForm,
  InitiativeEdit,
  OrgNode,
  SettingsView,
  ExportRequest,
  FileChoice,
  FileReport,
  ImportView,
  DateStyle,
  UnitUpdated,
  Progress,
  ReturnStatus,
  OcrForm,
  OrgReport,
  SentBack,
  FormulaCheck,
  InitiativeDetail,
  LastChange,
  LedgerReading,
  ListExport,
  NewInitiative,
  SurveyProgress,
  SurveyStarted,
  SurveyStatus,
  YearPlan,
  ServerCheck,
} from "./types";

/** Turns whatever the shell rejected with into an ApiError the UI can branch on by `code`. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as ApiError;
  return { code: "internal", message: String(e) };
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  loadDemo: () => invoke<number>("load_demo"),
  dashboard: (fiscalYear: number) => invoke<Dashboard>("dashboard", { fiscalYear }),
  /** The ledger list of a year; with the `reading` of the rows the page holds, only the year's hours when the ledger
   * has not changed since (see `rowsOfYear`). */
  ledger: (fiscalYear: number, reading: string | null = null) => invoke<LedgerReading>("ledger", { fiscalYear, reading }),
  initiative: (ledgerId: string) => invoke<InitiativeDetail>("initiative", { ledgerId }),
  checkFormula: (text: string, statedHours: string | null) =>
    invoke<FormulaCheck>("check_formula", { text, statedHours }),
  unitPaths: (fiscalYear: number) => invoke<string[]>("unit_paths", { fiscalYear }),
  addInitiative: (input: NewInitiative) => invoke<string>("add_initiative", { input }),
  saveEffect: (input: EffectInputForm) => invoke<InitiativeDetail>("save_effect", { input }),
  /** Opens the file dialog (on the Rust side) and returns the chosen paths. */
  pickReturns: () => invoke<string[]>("pick_returns"),
  /** The dry run (`commit: false`) or the import of chosen files. */
  importFiles: (paths: string[], fiscalYear: number | null, commit: boolean, choices: Record<string, FileChoice>) =>
    invoke<FileReport[]>("import_files", { paths, fiscalYear, commit, choices }),
  cancelImport: () => invoke<void>("cancel_import"),
  /** A new empty ledger where the user chooses (a save dialog), opened at once; its path, or `null` if cancelled. */
  newLedger: () => invoke<string | null>("new_ledger"),
  /** Another ledger file the user picks, checked and opened; its path, or `null` if cancelled. */
  openLedger: () => invoke<string | null>("open_ledger"),
  /** Empties a ledger that holds the sample city; where the sample was kept. */
  removeSample: () => invoke<string>("remove_sample"),
  testServer: (conn: string, password: string | null) => invoke<ServerCheck>("test_server", { conn, password }),
  connectServer: (conn: string, password: string | null, remember: boolean) =>
    invoke<string>("connect_server", { conn, password, remember }),
  /** A unit by its path; `from`, its first year, as typed (`令和7`, `R7`, `2025`…; refused with `field: "from"`). */
  addUnit: (path: string, code: string | null, from: string | null) => invoke<string[]>("add_unit", { path, code, from }),
  /** A unit's code or its last year, as typed (refused with `field: "to"`). */
  updateUnit: (unit: string, code: string | null, to: string | null) => invoke<UnitUpdated>("update_unit", { unit, code, to }),
  pickOrgFile: () => invoke<string | null>("pick_org_file"),
  /** The dry run (`commit: false`) or the import of an organisation workbook. */
  importOrg: (path: string, commit: boolean) => invoke<OrgReport>("import_org", { path, commit }),
  /** Saves a refused return's list of what to fix (a save dialog) and marks its section 差戻し; `null` if cancelled. */
  sendBackReturn: (path: string, fiscalYear: number, choice: FileChoice | null) =>
    invoke<SentBack | null>("send_back_return", { path, fiscalYear, choice }),
  importHistory: () => invoke<ImportView[]>("import_history"),
  returnsStatus: (fiscalYear: number) => invoke<ReturnStatus[]>("returns_status", { fiscalYear }),
  /** Builds the file, asks where to save it; the saved path, or null when cancelled. */
  exportFile: (request: ExportRequest) => invoke<string | null>("export_file", { request }),
  /** 「この一覧を書き出す」: the list as shown, to a workbook; the saved path, or null when cancelled. */
  exportList: (fiscalYear: number, list: ListExport) => invoke<string | null>("export_list", { fiscalYear, list }),
  updateInitiative: (input: InitiativeEdit) => invoke<InitiativeDetail>("update_initiative", { input }),
  /** 一括変更: 状況 and/or ツール of the rows chosen, each with the version the list showed; refused whole
   * (`conflict`) when any of them changed since. */
  editInitiatives: (input: BulkEdit) => invoke<BulkEdited>("edit_initiatives", { input }),
  setEvaluation: (input: EvaluationForm) => invoke<InitiativeDetail>("set_evaluation", { input }),
  /** Records the AI-OCR measure of the year (every field empty removes it); the detail again. */
  /** `seen`: the row's `last_change` as the screen showed it (see `plan.ts`); refused (`conflict`) when it changed
   * since. */
  deleteTarget: (fiscalYear: number, bureau: string | null, seen: number | null) =>
    invoke<YearPlan>("delete_target", { fiscalYear, bureau, seen }),
  deleteCost: (fiscalYear: number, tool: string, seen: number | null) =>
    invoke<YearPlan>("delete_cost", { fiscalYear, tool, seen }),
  setOcrMeasure: (ledgerId: string, fiscalYear: number, form: OcrForm, seen: number | null) =>
    invoke<InitiativeDetail>("set_ocr_measure", { ledgerId, fiscalYear, form, seen }),
  yearPlan: (fiscalYear: number) => invoke<YearPlan>("year_plan", { fiscalYear }),
  setTarget: (fiscalYear: number, bureau: string | null, hours: string, seen: number | null) =>
    invoke<YearPlan>("set_target", { fiscalYear, bureau, hours, seen }),
  setCost: (
    fiscalYear: number,
    tool: string,
    licence: string,
    maintenance: string,
    note: string | null,
    seen: number | null,
  ) => invoke<YearPlan>("set_cost", { fiscalYear, tool, licence, maintenance, note, seen }),
  lastChange: () => invoke<LastChange | null>("last_change"),
  undoLastChange: (at: string) => invoke<LastChange>("undo_last_change", { at }),
  deleteInitiative: (ledgerId: string, version: number | null) =>
    invoke<string>("delete_initiative", { ledgerId, version }),
  /** `seen`: the figure's `last_change` as the screen showed it; refused when it changed since. */
  deleteEffect: (ledgerId: string, fiscalYear: number, basis: string, seen: number | null) =>
    invoke<InitiativeDetail>("delete_effect", { ledgerId, fiscalYear, basis, seen }),
  settings: () => invoke<SettingsView>("settings"),
  setSetting: (key: string, value: string) => invoke<SettingsView>("set_setting", { key, value }),
  /** How this person's screens show dates, from now on and at the next start (not a setting of the ledger). */
  setDateStyle: (style: DateStyle) => invoke<SettingsView>("set_date_style", { style }),
  backup: () => invoke<string | null>("backup"),
  restore: () => invoke<string | null>("restore"),
  orgTree: (fiscalYear: number) => invoke<OrgNode[]>("org_tree", { fiscalYear }),
  addAlias: (unit: string, alias: string) => invoke<void>("add_alias", { unit, alias }),
  /** The year as typed (refused with `field: "fiscal_year"`); returns it in 和暦. */
  renameUnit: (unit: string, newName: string, fiscalYear: string) => invoke<string>("rename_unit", { unit, newName, fiscalYear }),
  /** Files dropped on the window (already accepted by the shell as the user's choice). */
  /** The year as typed (refused with `field: "fiscal_year"`); returns it in 和暦. */
  mergeUnits: (units: string[], into: string, fiscalYear: string) => invoke<string>("merge_units", { units, into, fiscalYear }),
  onFilesDropped: (handler: (paths: string[]) => void): Promise<UnlistenFn> =>
    listen<string[]>("files-dropped", (e) => handler(e.payload)),
  /** Another person committed a change to the shared ledger (their name). */
  onLedgerChanged: (handler: (by: string) => void): Promise<UnlistenFn> =>
    listen<string>("ledger-changed", (e) => handler(e.payload)),
  onImportProgress: (handler: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("import-progress", (e) => handler(e.payload)),
  surveyStatus: (fiscalYear: number) => invoke<SurveyStatus | null>("survey_status", { fiscalYear }),
  /** Asks for a folder and writes one workbook per section; null when the dialog was cancelled. */
  startSurvey: (fiscalYear: number, deadline: string, scope: string | null) =>
    invoke<SurveyStarted | null>("start_survey", { fiscalYear, deadline, scope }),
  setReturnState: (fiscalYear: number, section: string, to: string, reasons: string | null) =>
    invoke<SurveyStatus | null>("set_return_state", { fiscalYear, section, to, reasons }),
  saveSurveyMissing: (fiscalYear: number) => invoke<string | null>("save_survey_missing", { fiscalYear }),
  closeSurvey: (fiscalYear: number) => invoke<SurveyStatus | null>("close_survey", { fiscalYear }),
  onSurveyProgress: (handler: (p: SurveyProgress) => void): Promise<UnlistenFn> =>
    listen<SurveyProgress>("survey-progress", (e) => handler(e.payload)),
  /** The user asked to close the window (its ×): the shell holds the close until `closeWindow` or `closeAsked`. */
  onCloseRequested: (handler: () => void): Promise<UnlistenFn> => listen("close-requested", () => handler()),
  /** The window closes (nothing unsaved, or 破棄して閉じる). */
  closeWindow: () => invoke<void>("close_window"),
  /** The question about unsaved input is open: the shell keeps the close held while the user answers. */
  closeAsked: () => invoke<void>("close_asked"),
};
