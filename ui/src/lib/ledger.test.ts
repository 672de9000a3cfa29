import { describe, expect, it } from "vitest";
import { RowSorter, emptyFilter, filterRows, fitWidths, ledgerColumns, options, rangeOf, rowsOfYear, shownHours, sortRows, totals, windowOf, CELL_PADDING, MARK_ROOM } from "./ledger";
import { bulkMessage, bulkRequest, emptyBulk, listExport } from "./ledger";
import { columnWidths, defaultLayout, readLayout, resizeColumn, showColumn, visibleColumns, type ColumnLayout } from "./ledger";
import { estimate } from "./measure";
import { formatHours, formatNumber, formatPercent, setYearLabels, warekiYear } from "./format";
import { formatDecimal, parseDecimal, round } from "./decimal";
import type { LedgerRow } from "./types";

const row = (over: Partial<LedgerRow>): LedgerRow => ({
  ledger_id: "R5-0001",
  kind: "RPA",
  title: "給与支払報告書の入力",
  bureau: "総務部",
  section: "人事課",
  tool: "WinActor",
  status: "運用中",
  scenarios: 2,
  hours: "100",
  bureau_order: 0,
  section_order: 1,
  version: 1,
  ...over,
});

// The organisation's order (by code): 総務部 (01), 財務部 (03), こども部 (06) — not the order of their names.
const rows = [
  row({}),
  row({ ledger_id: "R5-0002", kind: "AI-OCR", title: "保育所入所申込書の読取", bureau: "こども部", section: "保育課", tool: "DX Suite", hours: "66.7", scenarios: null, bureau_order: 20, section_order: 21 }),
  row({ ledger_id: "R6-0001", title: "償却資産申告書の入力", bureau: "財務部", section: "税務課", status: "試行中", hours: null, bureau_order: 10, section_order: 11 }),
];

describe("filterRows", () => {
  const cases: [string, Partial<ReturnType<typeof emptyFilter>>, string[]][] = [
    ["no filter keeps everything", {}, ["R5-0001", "R5-0002", "R6-0001"]],
    ["by 部局", { bureau: "こども部" }, ["R5-0002"]],
    ["by 区分", { kind: "RPA" }, ["R5-0001", "R6-0001"]],
    ["by 状況", { status: "試行中" }, ["R6-0001"]],
    ["free text over several fields", { text: "申告書" }, ["R6-0001"]],
    ["full-width text is folded", { text: "ｄｘ suite" }, ["R5-0002"]],
    ["every word must match", { text: "入力 財務部" }, ["R6-0001"]],
  ];
  for (const [name, f, expected] of cases) {
    it(name, () => expect(filterRows(rows, { ...emptyFilter(), ...f }).map((r) => r.ledger_id)).toEqual(expected));
  }
});

describe("sortRows", () => {
  it("sorts hours descending with rows without figures last", () => {
    expect(sortRows(rows, "hours", false).map((r) => r.ledger_id)).toEqual(["R5-0001", "R5-0002", "R6-0001"]);
    expect(sortRows(rows, "hours", true).map((r) => r.ledger_id)).toEqual(["R5-0002", "R5-0001", "R6-0001"]);
  });
  it("sorts Japanese text in Japanese collation order (kanji by JIS order, roughly their reading)", () => {
    expect(sortRows(rows, "title", true).map((r) => r.title)).toEqual(["給与支払報告書の入力", "償却資産申告書の入力", "保育所入所申込書の読取"]);
  });
  it("sorts 部局 and 課 in the organisation's order, not by their names", () => {
    expect(sortRows(rows, "bureau", true).map((r) => r.bureau)).toEqual(["総務部", "財務部", "こども部"]);
    expect(sortRows(rows, "bureau", false).map((r) => r.bureau)).toEqual(["こども部", "財務部", "総務部"]);
    expect(sortRows(rows, "section", true).map((r) => r.section)).toEqual(["人事課", "税務課", "保育課"]);
    // Within one 部局, by 管理番号 whichever way the 部局 go.
    const two = [row({ ledger_id: "R5-0009" }), row({ ledger_id: "R5-0003" }), rows[1]];
    expect(sortRows(two, "bureau", false).map((r) => r.ledger_id)).toEqual(["R5-0002", "R5-0003", "R5-0009"]);
  });
});

describe("sortRows and filterRows on many rows", () => {
  // A deterministic spread of rows: titles, tools and figures repeating at different periods, some without a figure,
  // full-width letters among them.
  const titles = ["給与支払報告書の入力", "保育所入所申込書の読取", "償却資産申告書の入力", "ＲＰＡ 会議録", "おむつ券の交付", "住民票の写し"];
  const many = Array.from({ length: 300 }, (_, i) =>
    row({
      ledger_id: `R${5 + (i % 3)}-${String(1000 - i).padStart(4, "0")}`,
      title: `${titles[i % titles.length]}（${i % 7}）`,
      tool: ["WinActor", "UiPath", "DX Suite", ""][i % 4],
      hours: i % 11 === 0 ? null : `${(i * 37) % 400}.${i % 10}`,
      bureau_order: i % 5,
      section_order: i % 9,
    }),
  );
  // The plain way, as the list sorted before: a comparison reads and parses both rows each time.
  function reference(rs: LedgerRow[], key: "title" | "tool" | "hours", ascending: boolean): string[] {
    const sign = ascending ? 1 : -1;
    return [...rs]
      .sort((a, b) => {
        const x = a[key];
        const y = b[key];
        const byId = a.ledger_id < b.ledger_id ? -1 : 1;
        if (x === null && y === null) return byId;
        if (x === null) return 1;
        if (y === null) return -1;
        const by = key === "hours" ? Number(x) - Number(y) : x.localeCompare(y, "ja");
        return sign * by || byId;
      })
      .map((r) => r.ledger_id);
  }
  for (const key of ["title", "tool", "hours"] as const) {
    for (const ascending of [true, false]) {
      it(`sorts by ${key} ${ascending ? "ascending" : "descending"} as comparing each pair afresh does`, () => {
        expect(sortRows(many, key, ascending).map((r) => r.ledger_id)).toEqual(reference(many, key, ascending));
      });
    }
  }
  it("sorts the filtered rows and reverses a sort with the ranks of the whole reading", () => {
    const sorter = new RowSorter(many);
    const some = many.filter((_, i) => i % 3 === 0);
    for (const key of ["title", "tool", "hours"] as const) {
      expect(sorter.sort(some, key, false).map((r) => r.ledger_id)).toEqual(reference(some, key, false));
      expect(sorter.sort(some, key, true).map((r) => r.ledger_id)).toEqual(reference(some, key, true));
    }
  });
  it("finds the same rows whether a row's folded text was read before or not", () => {
    const first = filterRows(many, { ...emptyFilter(), text: "rpa" }).map((r) => r.ledger_id);
    expect(first.length).toBe(50);
    expect(filterRows(many, { ...emptyFilter(), text: "ｒｐａ　会議録" }).map((r) => r.ledger_id)).toEqual(first);
    expect(filterRows(many, emptyFilter())).toBe(many);
  });
});

describe("rowsOfYear", () => {
  const held = [row({ hours: "100" }), row({ ledger_id: "R5-0002", hours: null }), row({ ledger_id: "R5-0003", hours: "5.5" })];
  it("takes every row when the command sent them", () => {
    const fresh = [row({ ledger_id: "R6-0001" })];
    expect(rowsOfYear(held, { reading: "r2", rows: fresh, hours: null })).toBe(fresh);
  });
  it("puts the year's hours on the rows held, in their order, changing nothing else", () => {
    const next = rowsOfYear(held, { reading: "r1", rows: null, hours: [["R5-0001", "7.2"], ["R5-0002", "0.3"], ["R5-0003", null]] })!;
    expect(next.map((r) => [r.ledger_id, r.hours])).toEqual([["R5-0001", "7.2"], ["R5-0002", "0.3"], ["R5-0003", null]]);
    expect(next.map(({ hours: _, ...rest }) => rest)).toEqual(held.map(({ hours: _, ...rest }) => rest));
    // New objects: the per-row caches (tenths, cell text) are of the old year's hours and must not be reused.
    expect(next[0]).not.toBe(held[0]);
    expect(totals(next).hours.units).toBe(75n);
  });
  it("refuses hours that are not of the rows held, one for one (the page then reads every row)", () => {
    expect(rowsOfYear(held, { reading: "r1", rows: null, hours: [["R5-0001", "1"], ["R5-0002", "2"]] })).toBeNull();
    expect(rowsOfYear(held, { reading: "r1", rows: null, hours: null })).toBeNull();
    // As many rows, but one deleted and another added meanwhile: the hours of R5-0004 never land on R5-0003's row.
    const shifted: [string, string | null][] = [["R5-0001", "1"], ["R5-0002", "2"], ["R5-0004", "3"]];
    expect(rowsOfYear(held, { reading: "r1", rows: null, hours: shifted })).toBeNull();
  });
});

describe("totals and options", () => {
  it("adds hours as shown, to one decimal, exactly", () => {
    expect(formatDecimal(totals([row({ hours: "0.1" }), row({ hours: "0.2" })]).hours)).toBe("0.3");
    const t = totals(rows);
    expect([t.count, t.scenarios, formatDecimal(t.hours, 1)]).toEqual([3, 4, "166.7"]);
    // 0.05 rounds to 0.1 per row (half away from zero), as the reports round; floats would make 0.1 + 0.2 ≠ 0.3.
    expect(formatDecimal(totals([row({ hours: "0.05" }), row({ hours: "0.25" })]).hours, 1)).toBe("0.4");
    // Figures past a float's 15 digits stay exact.
    expect(formatDecimal(totals([row({ hours: "12345678901234.5" }), row({ hours: "0.1" })]).hours, 1)).toBe("12,345,678,901,234.6");
  });
  it("adds as exact decimals would, whatever the figures (floats hold the tenths only while they are exact)", () => {
    // A reference: each row rounded and added as a decimal of any size.
    const exact = (rs: LedgerRow[]) => {
      let units = 0n;
      for (const r of rs) if (r.hours !== null) units += round(parseDecimal(r.hours)!, 1).units;
      return units;
    };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const figure = () => {
      const whole = String(next()).repeat(1 + (next() % 3)).slice(0, 1 + (next() % 17)); // 1 to 17 digits
      const frac = String(next()).slice(0, next() % 6);
      return `${next() % 3 === 0 ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
    };
    for (let n = 0; n < 200; n++) {
      const rs = Array.from({ length: 1 + (next() % 40) }, () => row({ hours: next() % 9 === 0 ? null : figure() }));
      expect(totals(rs).hours.units, rs.map((r) => r.hours).join(" + ")).toBe(exact(rs));
      // The list's cells, made from the same tenths, read as the figure formatted exactly would.
      for (const r of rs) expect(shownHours(r), String(r.hours)).toBe(formatHours(r.hours));
    }
    // Many large figures: the float sum would pass 2^53 tenths; it is carried into a bigint before it can.
    const large = Array.from({ length: 50 }, () => row({ hours: "99999999999999.96" }));
    expect(totals(large).hours.units).toBe(50n * 1000000000000000n);
    expect(formatDecimal(totals([row({ hours: "-0.05" }), row({ hours: "-1.04" })]).hours, 1)).toBe("▲1.1");
  });
  it("lists distinct values", () => expect(options(rows, (r) => r.kind)).toEqual(["AI-OCR", "RPA"]));
  it("lists 部局 in the organisation's order", () => {
    const later = row({ ledger_id: "R6-0002", bureau_order: 10 });
    expect(options([rows[1], later, ...rows], (r) => r.bureau, (r) => r.bureau_order)).toEqual(["総務部", "財務部", "こども部"]);
  });
});

describe("fitWidths", () => {
  // 1 em = 14 px for full-width characters, 0.6 em for others; headers as wide (the measure is the test's).
  const text = (s: string) => estimate(s, 14);
  const long = "AI-OCR帳票読取システム（クラウド版）連携ツール";
  const { widths, least } = fitWidths(ledgerColumns, [...rows, row({ ledger_id: "R6-0002", tool: long })], text, text);
  const col = (key: string) => ledgerColumns.find((c) => c.key === key)!;
  it("never cuts a header, sort mark included", () => {
    for (const c of ledgerColumns) expect(widths[c.key], c.key).toBeGreaterThanOrEqual(text(c.header) + CELL_PADDING + MARK_ROOM);
    expect(least.status).toBe(Math.ceil(text("状況") + CELL_PADDING + MARK_ROOM));
  });
  it("shows every short value whole", () => {
    expect(widths.bureau).toBe(Math.max(least.bureau, Math.ceil(text("こども部") + CELL_PADDING)));
    expect(widths.kind).toBeGreaterThanOrEqual(text("AI-OCR") + CELL_PADDING);
    expect(widths.hours).toBeGreaterThanOrEqual(text("6,000.0") + CELL_PADDING);
  });
  it("measures on many rows what measuring every value gives", () => {
    const many = Array.from({ length: 1500 }, (_, i) =>
      row({
        ledger_id: i % 97 === 0 ? `R6-${i}-追加` : `R${i % 7}-${String(i).padStart(4, "0")}`,
        bureau: ["総務部", "こども未来部", "上下水道局"][i % 3],
        hours: i % 13 === 0 ? null : `${i % 2 ? "-" : ""}${(i * 7919) % 100000}.${i % 10}`,
      }),
    );
    const every = (c: (typeof ledgerColumns)[number]) =>
      Math.max(least[c.key], Math.min(c.widest, Math.ceil(Math.max(0, ...many.map(c.shown).map(text)) + CELL_PADDING)));
    const fitted = fitWidths(ledgerColumns, many, text, text).widths;
    for (const c of ledgerColumns.filter((c) => !c.fill)) expect(fitted[c.key], c.key).toBe(every(c));
  });
  it("stops a column at its widest: a longer value is cut and shown in its tooltip", () => {
    expect(text(long) + CELL_PADDING).toBeGreaterThan(col("tool").widest);
    expect(widths.tool).toBe(col("tool").widest);
  });
  it("gives the fill column (業務名) its least width, whatever its values", () => expect(widths.title).toBe(col("title").widest));
});

describe("windowOf", () => {
  it("draws only the visible rows and pads the rest", () => {
    expect(windowOf(10000, 2800, 560, 28, 0)).toEqual({ first: 100, last: 120, before: 2800, after: 9880 * 28 });
    expect(windowOf(5, 0, 560, 28)).toEqual({ first: 0, last: 5, before: 0, after: 0 });
  });
});

describe("format", () => {
  it("groups thousands and fixes decimals", () => {
    expect(formatNumber(5528.5)).toBe("5,528.5");
    expect(formatNumber(16585500)).toBe("16,585,500");
    expect(formatNumber(-2400)).toBe("▲2,400");
    expect(formatHours(4308)).toBe("4,308.0");
    expect(formatPercent(115.2)).toBe("115.2%");
    expect(formatNumber(null)).toBe("");
  });
  it("names fiscal years with the labels the library sends", () => {
    expect(warekiYear(2023)).toBe("2023年度");
    setYearLabels({ first: 2018, labels: ["平成30年度", "令和元年度", "令和2年度"] });
    expect([2018, 2019, 2020, 2021].map(warekiYear)).toEqual(["平成30年度", "令和元年度", "令和2年度", "2021年度"]);
  });
  it("formats decimal text exactly, halves away from zero", () => {
    const cases: [string, number | undefined, string][] = [
      ["816.65", 1, "816.7"],
      ["-816.65", 1, "▲816.7"],
      ["1234567.5", 0, "1,234,568"],
      ["0.004", 2, "0.00"],
      ["-0.04", 1, "0.0"],
      ["5528.50", undefined, "5,528.5"],
      ["16585500", undefined, "16,585,500"],
      ["4308", 1, "4,308.0"],
    ];
    for (const [text, places, want] of cases) expect(formatNumber(text, places), `${text} to ${places}`).toBe(want);
    expect(round(parseDecimal("2.5")!, 0)).toEqual({ units: 3n, scale: 0 });
    expect(parseDecimal("1e3")).toBeNull();
  });
});

describe("rangeOf", () => {
  const ids = ["R5-0001", "R5-0002", "R5-0003", "R6-0001"];
  const cases: [string, string | null, string, string[]][] = [
    ["down from the anchor", "R5-0002", "R6-0001", ["R5-0002", "R5-0003", "R6-0001"]],
    ["up from the anchor", "R5-0003", "R5-0001", ["R5-0001", "R5-0002", "R5-0003"]],
    ["the anchor itself", "R5-0002", "R5-0002", ["R5-0002"]],
    ["no anchor yet", null, "R5-0003", ["R5-0003"]],
    ["an anchor filtered away", "R9-0001", "R5-0003", ["R5-0003"]],
  ];
  for (const [name, anchor, to, want] of cases) it(name, () => expect(rangeOf(ids, anchor, to)).toEqual(want));
});

describe("the column layout", () => {
  const fitted = { widths: { ledger_id: 90, kind: 100, title: 240, bureau: 130, section: 110, tool: 180, status: 64, hours: 110 }, least: { ledger_id: 90, kind: 68, title: 68, bureau: 68, section: 54, tool: 82, status: 68, hours: 110 } };
  const cases: [string, string | null, ColumnLayout][] = [
    ["nothing stored", null, defaultLayout()],
    ["not JSON", "{hidden", defaultLayout()],
    ["another shape", "[1,2]", defaultLayout()],
    ["as stored", '{"hidden":["kind"],"widths":{"bureau":200}}', { hidden: ["kind"], widths: { bureau: 200 } }],
    ["unknown columns and odd widths dropped", '{"hidden":["kind","nope","kind"],"widths":{"nope":100,"tool":-3,"title":12.5,"status":"80","section":150}}', { hidden: ["kind"], widths: { section: 150 } }],
    ["every column hidden shows them all", JSON.stringify({ hidden: ledgerColumns.map((c) => c.key), widths: {} }), defaultLayout()],
  ];
  for (const [name, stored, want] of cases) it(`reads ${name}`, () => expect(readLayout(stored)).toEqual(want));

  it("round-trips what it writes", () => {
    const l = resizeColumn(showColumn(defaultLayout(), "tool", false), "title", 400.4, 68);
    expect(readLayout(JSON.stringify(l))).toEqual({ hidden: ["tool"], widths: { title: 400 } });
  });
  it("shows the columns not hidden, in their order", () => {
    const l = showColumn(showColumn(defaultLayout(), "kind", false), "status", false);
    expect(visibleColumns(ledgerColumns, l).map((c) => c.key)).toEqual(["ledger_id", "title", "bureau", "section", "tool", "hours"]);
    expect(visibleColumns(ledgerColumns, showColumn(l, "kind", true)).map((c) => c.key)).toContain("kind");
  });
  it("keeps the last column shown", () => {
    let l = defaultLayout();
    for (const c of ledgerColumns) l = showColumn(l, c.key, false);
    expect(visibleColumns(ledgerColumns, l).map((c) => c.key)).toEqual(["hours"]);
  });
  it("takes a dragged width, never narrower than the header", () => {
    const l = resizeColumn(resizeColumn(defaultLayout(), "bureau", 201.6, fitted.least.bureau), "status", 10, fitted.least.status);
    const w = columnWidths(fitted, l);
    expect([w.bureau, w.status, w.tool]).toEqual([202, 68, 180]);
    // A width stored by hand below the header's is raised to it.
    expect(columnWidths(fitted, { hidden: [], widths: { hours: 40 } }).hours).toBe(110);
  });
});

describe("the bulk edit", () => {
  const picked = [rows[0], row({ ledger_id: "R6-0001", version: 4 })];
  it("sends each row with the version the list showed", () => {
    expect(bulkRequest(picked, { ...emptyBulk(), status: "停止" })).toEqual({
      rows: [{ ledger_id: "R5-0001", version: 1 }, { ledger_id: "R6-0001", version: 4 }],
      status: "停止",
      tool: null,
    });
  });
  const cases: [string, Partial<ReturnType<typeof emptyBulk>>, { status: string | null; tool: string | null } | null][] = [
    ["nothing chosen changes nothing", {}, null],
    ["a tool typed but not ticked is not sent", { tool: "UiPath" }, null],
    ["a tool, trimmed", { setTool: true, tool: " UiPath " }, { status: null, tool: "UiPath" }],
    ["an empty tool ticked clears it", { setTool: true }, { status: null, tool: "" }],
    ["both", { status: "運用中", setTool: true, tool: "WinActor" }, { status: "運用中", tool: "WinActor" }],
  ];
  for (const [name, form, want] of cases) {
    it(name, () => {
      const got = bulkRequest(picked, { ...emptyBulk(), ...form });
      expect(got && { status: got.status, tool: got.tool }).toEqual(want);
    });
  }
  it("sends nothing without rows", () => expect(bulkRequest([], { ...emptyBulk(), status: "停止" })).toBeNull());
  it("says what it did", () => {
    expect(bulkMessage({ changed: ["R5-0001", "R6-0001"], unchanged: [] })).toBe("2 件を変更しました");
    expect(bulkMessage({ changed: ["R5-0001"], unchanged: ["R6-0001"] })).toBe("1 件を変更しました（すでにその内容だった 1 件はそのまま）");
  });
});

describe("the list to export", () => {
  it("is the rows as shown, the columns shown and the conditions set", () => {
    const filter = { ...emptyFilter(), bureau: "総務部", text: " 給与 " };
    const shown = sortRows(filterRows(rows, { ...emptyFilter(), bureau: "総務部" }), "hours", false);
    const cols = visibleColumns(ledgerColumns, showColumn(defaultLayout(), "kind", false));
    expect(listExport(shown, cols, filter, "hours", false)).toEqual({
      ledger_ids: ["R5-0001"],
      columns: ["ledger_id", "title", "bureau", "section", "tool", "status", "hours"],
      conditions: [{ label: "部局", value: "総務部" }, { label: "検索", value: "給与" }],
      sorted_by: "hours",
      ascending: false,
    });
  });
  it("names no condition when nothing filters", () => expect(listExport(rows, ledgerColumns, emptyFilter(), "ledger_id", true).conditions).toEqual([]));
});
