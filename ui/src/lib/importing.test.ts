import { describe, expect, it } from "vitest";
import { cautionText, columnRole, committable, needsBasis, needsConfirmation, noChangeText, problemText, skippedText, summaryLine, unmappedColumns } from "./importing";
import type { ColumnInfo, FileReport } from "./types";

const report = (over: Partial<FileReport>): FileReport => ({
  file: "総務課.xlsx",
  sha256: "x",
  sheet: "回答",
  header_row: 1,
  header_first_row: 1,
  columns: [],
  skipped: [],
  basis: null,
  fiscal_year: null,
  rows: [
    { row: 2, item: null, ledger_id: null, title: "a", fiscal_year: 2024, basis: "実績", outcome: "created", changes: [] },
    { row: 3, item: null, ledger_id: "R5-0001", title: "b", fiscal_year: 2024, basis: "実績", outcome: "unchanged", changes: [] },
  ],
  errors: [],
  warnings: [],
  cautions: [],
  confirmed: false,
  sections: ["総務部／総務課"],
  already_imported: null,
  already_imported_at: null,
  committed: null,
  ...over,
});

const problem = { file: "f.xlsx", sheet: "回答", row: 7, column: "C列「課」", message: "組織「x」は台帳の組織にありません", original: "x" };
const column = (over: Partial<ColumnInfo>): ColumnInfo => ({
  index: 6,
  letter: "G",
  header: "効果見込額",
  role: { kind: "unknown" },
  basis: null,
  source: { kind: "header" },
  figures: false,
  ...over,
});

describe("import screen logic", () => {
  it("summarises a clean file, a refused one, a repeat and one that needs a basis", () => {
    expect(summaryLine(report({}))).toBe("新規 1、更新 0、変更なし 1、警告 0");
    expect(summaryLine(report({ errors: [problem] }))).toBe("エラー 1 件: このファイルは取り込みません");
    const previous = { id: 1, file_name: "f", sha256: "x", at: "2024-06-01T09:00:00+09:00", actor: "a", created: 1, updated: 0, unchanged: 0, warnings: [] };
    // When, as the library wrote it in the person's date style.
    expect(summaryLine(report({ already_imported: previous, already_imported_at: "令和6年6月1日 09:00" }))).toBe("同じ内容のファイルを 令和6年6月1日 09:00 に取り込み済みです（変更なし）");
    const asked = report({ basis: { basis: "実績", source: "setting", reason: "記載なし", lines: 2 } });
    expect(summaryLine(asked)).toBe("算定区分を選んでください（回答に記載がありません）");
  });
  it("commits only files without errors or questions that change something", () => {
    const clean = report({});
    const bad = report({ file: "bad.xlsx", errors: [problem] });
    const same = report({ file: "same.xlsx", rows: [], sections: [] });
    const asked = report({ file: "asked.xlsx", basis: { basis: "実績", source: "setting", reason: "", lines: 1 } });
    const titled = report({ file: "titled.xlsx", basis: { basis: "試算", source: "title", reason: "", lines: 1 } });
    expect(committable([clean, bad, same, asked, titled]).map((r) => r.file)).toEqual(["総務課.xlsx", "titled.xlsx"]);
    expect([asked, titled].map(needsBasis)).toEqual([true, false]);
    // A section's return with nothing to change is still imported: that records it as received.
    const nothingNew = report({ file: "保育課.xlsx", rows: [], sections: ["こども部／保育課"] });
    expect(committable([nothingNew]).map((r) => r.file)).toEqual(["保育課.xlsx"]);
  });
  it("holds back a file with cautions until they are confirmed, and one just imported", () => {
    const moved = { key: "2:moves:R1-0018", row: 2, kind: "moves" as const, ledger_id: "R1-0018", message: "所属が 総務部／人事課 → 議会事務局／議事課 に変わります" };
    const cautious = report({ file: "cautious.xlsx", cautions: [moved] });
    const confirmed = report({ file: "confirmed.xlsx", cautions: [moved], confirmed: true });
    const record = { id: 1, file_name: "f", sha256: "x", at: "2024-06-01T09:00:00+09:00", actor: "a", created: 1, updated: 0, unchanged: 0, warnings: [] };
    const done = report({ file: "done.xlsx", committed: record });
    expect(committable([cautious, confirmed, done]).map((r) => r.file)).toEqual(["confirmed.xlsx"]);
    expect([cautious, confirmed].map(needsConfirmation)).toEqual([true, false]);
    expect(summaryLine(cautious)).toBe("要確認 1 件: 内容を確かめて確認すると取り込めます");
    expect(cautionText(moved)).toBe("2行目 所属の移動: 所属が 総務部／人事課 → 議会事務局／議事課 に変わります");
  });
  it("says what each column is read as, and which need a mapping", () => {
    expect(columnRole(column({ role: { kind: "field", field: "削減時間(時間)" }, basis: "試算" }))).toBe("→ 削減時間(時間)（試算）");
    expect(columnRole(column({ role: { kind: "row_number" } }))).toBe("行番号（取り込みません）");
    expect(columnRole(column({ role: { kind: "ignored" }, source: { kind: "remembered", detail: "上下水道局／営業課" } }))).toBe("取り込みません（上下水道局／営業課の前回の指定）");
    expect(columnRole(column({ figures: true }))).toBe("数値の列: どの項目か選んでください");
    const r = report({ columns: [column({ figures: true }), column({ index: 1, letter: "B" })] });
    expect(unmappedColumns(r).map((c) => c.letter)).toEqual(["G"]);
  });
  it("writes a skipped row with its check", () => {
    const s = { row: 12, kind: "subtotal" as const, text: "小計", stated_hours: "550", lines_hours: "500", covers: [2, 3] as [number, number], matches: false };
    expect(skippedText(s)).toBe("12行目 小計「小計」: 記載 550時間 ≠ 対象行の合計 500時間");
    expect(skippedText({ ...s, kind: "note", text: "※見込み", stated_hours: null, lines_hours: null, matches: null })).toBe("12行目 注記「※見込み」");
  });
  it("writes a problem as file › sheet › row › column", () => {
    expect(problemText(problem)).toBe("f.xlsx › 回答 › 7行目 › C列「課」: 組織「x」は台帳の組織にありません（セルの値: 「x」）");
    expect(problemText({ ...problem, sheet: "", row: 0, column: "", original: null })).toBe("f.xlsx: 組織「x」は台帳の組織にありません");
  });
});

describe("noChangeText", () => {
  const unchanged = { row: 3, item: null, ledger_id: "R5-0001", title: "b", fiscal_year: 2024, basis: "実績", outcome: "unchanged" as const, changes: [] };
  it("never counts zero lines as unchanged", () => {
    expect(noChangeText(report({ rows: [] }))).toBe("取り込む行がありません。");
    expect(noChangeText(report({ rows: [unchanged, { ...unchanged, row: 4 }] }))).toBe("変わる行はありません（2 行とも台帳のとおりです）。");
  });
  it("says a file imported before is not imported again, whatever its rows", () => {
    const previous = { id: 1, file_name: "総務課.xlsx", sha256: "x", at: "2024-06-01T09:00:00+09:00", actor: "tester", created: 1, updated: 0, unchanged: 0, warnings: [] };
    expect(noChangeText(report({ rows: [], already_imported: previous, already_imported_at: "R6.6.1 09:00" }))).toBe("同じ内容のファイルは取り込み済みです。取り込み直しません。");
  });
});
