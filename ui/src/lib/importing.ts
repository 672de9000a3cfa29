// The import screen's logic: what a report says in one line, which files may be committed, what the app must ask
// before it can import a file, and how each column and each skipped row reads.
import type { Caution, ColumnInfo, FileReport, SkippedRow } from "./types";

export function counts(r: FileReport) {
  const by = (o: string) => r.rows.filter((x) => x.outcome === o).length;
  return { created: by("created"), updated: by("updated"), unchanged: by("unchanged"), errors: r.errors.length, warnings: r.warnings.length };
}

/** `新規 2、更新 1、変更なし 3、警告 1`, or why nothing will be written. */
export function summaryLine(r: FileReport): string {
  if (r.already_imported) return `同じ内容のファイルを ${r.already_imported_at ?? r.already_imported.at} に取り込み済みです（変更なし）`;
  const c = counts(r);
  if (c.errors) return `エラー ${c.errors} 件: このファイルは取り込みません`;
  if (needsBasis(r)) return "算定区分を選んでください（回答に記載がありません）";
  if (needsConfirmation(r)) return `要確認 ${r.cautions.length} 件: 内容を確かめて確認すると取り込めます`;
  return `新規 ${c.created}、更新 ${c.updated}、変更なし ${c.unchanged}、警告 ${c.warnings}`;
}

/** What the table of changed rows says when no row changes: a file imported before is not imported again; a file
 * with no line has nothing to import; otherwise how many lines are already as the file says. */
export function noChangeText(r: FileReport): string {
  if (r.already_imported) return "同じ内容のファイルは取り込み済みです。取り込み直しません。";
  const c = counts(r);
  if (c.unchanged === 0) return "取り込む行がありません。";
  return `変わる行はありません（${c.unchanged} 行とも台帳のとおりです）。`;
}

/** The file names no basis of its own (no 算定区分 column, none in its title or headers): the user must choose. */
export const needsBasis = (r: FileReport) => r.basis !== null && r.basis.source === "setting";

/** Columns of figures the importer could not place: the user maps each (or says to ignore it). */
export const unmappedColumns = (r: FileReport): ColumnInfo[] => r.columns.filter((c) => c.figures);

/** The file makes a dangerous change (a move, a rename, another section's 管理番号 …) the user has not confirmed. */
export const needsConfirmation = (r: FileReport) => r.cautions.length > 0 && !r.confirmed;

/** Files worth committing: no errors, not imported before or just now, nothing left to ask or confirm, and
 * something to change — or a section's return with nothing to change, which is still received (受付). */
export const committable = (reports: FileReport[]) =>
  reports.filter(
    (r) =>
      r.errors.length === 0 &&
      !r.already_imported &&
      !r.committed &&
      !needsBasis(r) &&
      !needsConfirmation(r) &&
      (r.rows.some((x) => x.outcome !== "unchanged") || r.sections.length > 0),
  );

const cautionKinds: Record<Caution["kind"], string> = {
  moves: "所属の移動",
  renames: "業務名の変更",
  other_section: "他の課の管理番号",
  same_name: "同名の取組",
  in_batch: "同じ取組を複数のファイルが変更",
};

/** `2行目 所属の移動: 管理番号 R1-0018「…」の所属が …`. */
export const cautionText = (c: Caution) => `${c.row}行目 ${cautionKinds[c.kind]}: ${c.message}`;

/** What a column is read as: `→ 削減時間(時間)（試算）`, or why it is not imported. */
export function columnRole(c: ColumnInfo): string {
  const why = c.source.kind === "map" ? "（指定）" : c.source.kind === "remembered" ? `（${c.source.detail}の前回の指定）` : c.source.kind === "values" && c.role.kind === "field" ? "（中身から判断）" : "";
  switch (c.role.kind) {
    case "field":
      return `→ ${c.role.field}${c.basis ? `（${c.basis}）` : ""}${why}`;
    case "row_number":
      return "行番号（取り込みません）";
    case "helper":
      return "自動計算の列（取り込みません）";
    case "ignored":
      return `取り込みません${why}`;
    case "duplicate":
      return `${c.role.field}の2列目（取り込みません）`;
    case "unknown":
      return c.figures ? "数値の列: どの項目か選んでください" : "調査票の列ではありません（取り込みません）";
  }
}

const kinds: Record<SkippedRow["kind"], string> = {
  subtotal: "小計",
  total: "合計",
  unlabeled_total: "合計（見出しなし）",
  title_total: "表の上の合計",
  note: "注記",
  repeated_header: "見出しの繰り返し",
  group_heading: "組織の見出し",
};

const hours = (h: string) => Number(h).toLocaleString("ja-JP", { maximumFractionDigits: 2 });

/** `12行目 小計「小計」: 記載 1,234時間 ＝ 対象行の合計 1,234時間`. */
export function skippedText(s: SkippedRow): string {
  const label = s.text ? `「${s.text}」` : "";
  const check =
    s.stated_hours !== null && s.lines_hours !== null
      ? `: 記載 ${hours(s.stated_hours)}時間 ${s.matches ? "＝" : "≠"} 対象行の合計 ${hours(s.lines_hours)}時間`
      : "";
  return `${s.row}行目 ${kinds[s.kind]}${label}${check}`;
}

/** A problem as the user reads it: `file › sheet › 7行目 › C列「課」: message（セルの値: 「…」）`. */
export function problemText(p: { file: string; sheet: string; row: number; column: string; message: string; original: string | null }): string {
  const place = [p.file, p.sheet, p.row ? `${p.row}行目` : "", p.column].filter(Boolean).join(" › ");
  return `${place}: ${p.message}${p.original ? `（セルの値: 「${p.original}」）` : ""}`;
}
