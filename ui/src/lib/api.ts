// The one module that talks to the shell. Components call these functions, never `invoke` directly.
import { invoke } from "@tauri-apps/api/core";
import type {
  ApiError,
  AppInfo,
  Dashboard,
  EffectInputForm,
  FormulaCheck,
  InitiativeDetail,
  LedgerRow,
  NewInitiative,
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
  ledger: (fiscalYear: number) => invoke<LedgerRow[]>("ledger", { fiscalYear }),
  initiative: (ledgerId: string) => invoke<InitiativeDetail>("initiative", { ledgerId }),
  checkFormula: (text: string, statedHours: string | null) =>
    invoke<FormulaCheck>("check_formula", { text, statedHours }),
  unitPaths: (fiscalYear: number) => invoke<string[]>("unit_paths", { fiscalYear }),
  addInitiative: (input: NewInitiative) => invoke<string>("add_initiative", { input }),
  saveEffect: (input: EffectInputForm) => invoke<InitiativeDetail>("save_effect", { input }),
};
