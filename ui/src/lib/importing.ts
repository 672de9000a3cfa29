// The import screen's logic: what a report says in one line, and which files may be committed.
import type { FileReport } from "./types";

export function counts(r: FileReport) {
  const by = (o: string) => r.rows.filter((x) => x.outcome === o).length;
  return { created: by("created"), updated: by("updated"), unchanged: by("unchanged"), errors: r.errors.length, warnings: r.warnings.length };
}

/** `新規 2、更新 1、変更なし 3、警告 1`, or why nothing will be written. */
export function summaryLine(r: FileReport): string {
  if (r.already_imported) return `同じ内容のファイルを ${r.already_imported.at.slice(0, 16).replace("T", " ")} に取り込み済みです（変更なし）`;
  const c = counts(r);
  if (c.errors) return `エラー ${c.errors} 件: このファイルは取り込みません`;
  return `新規 ${c.created}、更新 ${c.updated}、変更なし ${c.unchanged}、警告 ${c.warnings}`;
}

/** Files worth committing: no errors, not imported before, and something to change. */
export const committable = (reports: FileReport[]) =>
  reports.filter((r) => r.errors.length === 0 && !r.already_imported && r.rows.some((x) => x.outcome !== "unchanged"));

/** A problem as the user reads it: `file › sheet › 7行目 › C列「課」: message（セルの値: 「…」）`. */
export function problemText(p: { file: string; sheet: string; row: number; column: string; message: string; original: string | null }): string {
  const place = [p.file, p.sheet, p.row ? `${p.row}行目` : "", p.column].filter(Boolean).join(" › ");
  return `${place}: ${p.message}${p.original ? `（セルの値: 「${p.original}」）` : ""}`;
}
