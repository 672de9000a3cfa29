import { describe, expect, it } from "vitest";
import { committable, problemText, summaryLine } from "./importing";
import type { FileReport } from "./types";

const report = (over: Partial<FileReport>): FileReport => ({
  file: "総務課.xlsx",
  sha256: "x",
  sheet: "回答",
  header_row: 1,
  rows: [
    { row: 2, ledger_id: null, title: "a", fiscal_year: 2024, basis: "実績", outcome: "created", changes: [] },
    { row: 3, ledger_id: "R5-0001", title: "b", fiscal_year: 2024, basis: "実績", outcome: "unchanged", changes: [] },
  ],
  errors: [],
  warnings: [],
  already_imported: null,
  committed: null,
  ...over,
});

const problem = { file: "f.xlsx", sheet: "回答", row: 7, column: "C列「課」", message: "組織「x」は登録されていません", original: "x" };

describe("import screen logic", () => {
  it("summarises a clean file, a refused one and a repeat", () => {
    expect(summaryLine(report({}))).toBe("新規 1、更新 0、変更なし 1、警告 0");
    expect(summaryLine(report({ errors: [problem] }))).toBe("エラー 1 件: このファイルは取り込みません");
    const previous = { id: 1, file_name: "f", sha256: "x", at: "2024-06-01T09:00:00+09:00", actor: "a", created: 1, updated: 0, unchanged: 0, warnings: [] };
    expect(summaryLine(report({ already_imported: previous }))).toBe("同じ内容のファイルを 2024-06-01 09:00 に取り込み済みです（変更なし）");
  });
  it("commits only files without errors that change something", () => {
    const clean = report({});
    const bad = report({ file: "bad.xlsx", errors: [problem] });
    const same = report({ file: "same.xlsx", rows: [] });
    expect(committable([clean, bad, same]).map((r) => r.file)).toEqual(["総務課.xlsx"]);
  });
  it("writes a problem as file › sheet › row › column", () => {
    expect(problemText(problem)).toBe("f.xlsx › 回答 › 7行目 › C列「課」: 組織「x」は登録されていません（セルの値: 「x」）");
    expect(problemText({ ...problem, sheet: "", row: 0, column: "", original: null })).toBe("f.xlsx: 組織「x」は登録されていません");
  });
});
