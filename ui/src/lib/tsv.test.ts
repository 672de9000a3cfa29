import { describe, expect, it } from "vitest";
import { neutralise, toTsv, tsvCell, type Column } from "./tsv";
import { ledgerColumns } from "./ledger";
import type { LedgerRow } from "./types";

describe("tsvCell", () => {
  const cases: [string, string, string][] = [
    ["Japanese text as it is", "給与支払報告書の入力", "給与支払報告書の入力"],
    ["an empty cell stays empty", "", ""],
    ["a tab inside is quoted", "入力\t確認", '"入力\t確認"'],
    ["a line break inside is quoted", "1行目\n2行目", '"1行目\n2行目"'],
    ["a CRLF inside is quoted", "1行目\r\n2行目", '"1行目\r\n2行目"'],
    ["a quote is doubled inside quotes", '「"至急"」の処理', '"「""至急""」の処理"'],
    ["full-width quotes and commas need nothing", "“至急”、ＲＰＡ,AI-OCR", "“至急”、ＲＰＡ,AI-OCR"],
  ];
  for (const [name, cell, want] of cases) it(name, () => expect(tsvCell(cell)).toBe(want));
});

describe("neutralise", () => {
  const cases: [string, string][] = [
    ["=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"],
    ["+81", "'+81"],
    ["-テスト", "'-テスト"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["会議録＝議事録", "会議録＝議事録"],
    ["RPA+AI-OCR", "RPA+AI-OCR"],
    ["", ""],
  ];
  for (const [text, want] of cases) it(`${JSON.stringify(text)} → ${JSON.stringify(want)}`, () => expect(neutralise(text)).toBe(want));
});

describe("toTsv", () => {
  type Row = { name: string; hours: string };
  const columns: Column<Row>[] = [
    { header: "業務名", value: (r) => r.name },
    { header: "削減時間(h)", value: (r) => r.hours, figure: true },
  ];

  it("writes a header row and CRLF after every row, the last too, as Excel does", () => {
    expect(toTsv(columns, [{ name: "保育所入所申込書", hours: "1234.5" }])).toBe("業務名\t削減時間(h)\r\n保育所入所申込書\t1234.5\r\n");
  });
  it("writes only the header when no row is given", () => {
    expect(toTsv(columns, [])).toBe("業務名\t削減時間(h)\r\n");
  });
  it("leaves a negative figure a number, and neutralises text that would run", () => {
    expect(toTsv(columns, [{ name: "=1+2", hours: "-12.5" }])).toBe("業務名\t削減時間(h)\r\n'=1+2\t-12.5\r\n");
  });
  it("reads back as the same cells: each row a line, each cell between tabs, quoted cells whole", () => {
    const rows = [
      { name: "窓口\t受付", hours: "" },
      { name: '「"至急"」\n2行目', hours: "8.3" },
    ];
    const text = toTsv(columns, rows);
    expect(text).toBe('業務名\t削減時間(h)\r\n"窓口\t受付"\t\r\n"「""至急""」\n2行目"\t8.3\r\n');
    expect(parseTsv(text)).toEqual([["業務名", "削減時間(h)"], ["窓口\t受付", ""], ['「"至急"」\n2行目', "8.3"]]);
  });
});

describe("the ledger list's columns on the clipboard", () => {
  const row = (over: Partial<LedgerRow>): LedgerRow => ({
    ledger_id: "R5-0001", kind: "RPA", title: "給与支払報告書の入力", bureau: "総務部", section: "人事課",
    tool: "WinActor", status: "運用中", scenarios: 2, hours: "1234.56", bureau_order: 0, section_order: 0, version: 1, ...over,
  });
  const cases: [string, Partial<LedgerRow>, string][] = [
    ["hours one decimal as shown, without thousands separators", {}, "R5-0001\tRPA\t給与支払報告書の入力\t総務部\t人事課\tWinActor\t運用中\t1234.6"],
    ["no figure that year is an empty cell", { hours: null, tool: "" }, "R5-0001\tRPA\t給与支払報告書の入力\t総務部\t人事課\t\t運用中\t"],
    ["a negative figure keeps its sign", { hours: "-1500.04" }, "R5-0001\tRPA\t給与支払報告書の入力\t総務部\t人事課\tWinActor\t運用中\t-1500.0"],
    ["a 業務名 with a line break and quotes stays one cell", { title: '"至急"案件\n（再掲）' }, 'R5-0001\tRPA\t"""至急""案件\n（再掲）"\t総務部\t人事課\tWinActor\t運用中\t1234.6'],
  ];
  for (const [name, over, line] of cases) {
    it(name, () => expect(toTsv(ledgerColumns, [row(over)])).toBe(`管理番号\t区分\t業務名\t部局\t課\tツール\t状況\t削減時間(h)\r\n${line}\r\n`));
  }
});

/** Excel's reading of clipboard text, for the round trip: quoted cells may hold tabs, line breaks and `""`. */
function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  while (i < text.length) {
    if (cell === "" && text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        cell += text[i];
        i += text[i] === '"' ? 2 : 1;
      }
      i++;
      continue;
    }
    if (text[i] === "\t") {
      row.push(cell);
      cell = "";
      i++;
    } else if (text.startsWith("\r\n", i)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 2;
    } else {
      cell += text[i++];
    }
  }
  return rows;
}
