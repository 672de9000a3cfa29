// The ledger screen's logic, kept out of the component so it is tested on its own.
import { ZERO, compare, parseDecimal, round } from "./decimal";
import { estimate } from "./measure";
import type { Decimal } from "./decimal";
import type { BulkEdit, BulkEdited, LedgerReading, LedgerRow, ListExport } from "./types";
import { formatHours, formatNumber, plainFigure } from "./format";
import type { Column } from "./tsv";

export interface LedgerFilter {
  bureau: string;
  section: string;
  kind: string;
  status: string;
  tool: string;
  text: string;
}

export const emptyFilter = (): LedgerFilter => ({ bureau: "", section: "", kind: "", status: "", tool: "", text: "" });

export type SortKey = keyof Pick<LedgerRow, "ledger_id" | "kind" | "title" | "bureau" | "section" | "tool" | "status" | "hours">;

/** Full-width letters and digits to ASCII, and lower case, so `ＲＰＡ` finds `RPA`. */
export const fold = (s: string) => s.normalize("NFKC").toLowerCase();

/** Each row's searchable text, folded once: a keystroke in the search box then costs a substring test per row, not a
 * Unicode normalisation (rows are replaced, never changed, when the ledger is read again). */
const searchable = new WeakMap<LedgerRow, string>();
function searchText(r: LedgerRow): string {
  let t = searchable.get(r);
  if (t === undefined) {
    t = fold(`${r.ledger_id} ${r.title} ${r.bureau} ${r.section} ${r.tool}`);
    searchable.set(r, t);
  }
  return t;
}

export function filterRows(rows: LedgerRow[], f: LedgerFilter): LedgerRow[] {
  const words = fold(f.text).split(/\s+/).filter(Boolean);
  if (!f.bureau && !f.section && !f.kind && !f.status && !f.tool && words.length === 0) return rows;
  return rows.filter(
    (r) =>
      (!f.bureau || r.bureau === f.bureau) &&
      (!f.section || r.section === f.section) &&
      (!f.kind || r.kind === f.kind) &&
      (!f.status || r.status === f.status) &&
      (!f.tool || r.tool === f.tool) &&
      (words.length === 0 || words.every((w) => searchText(r).includes(w))),
  );
}

/** The rows of a year from what the `ledger` command sent: every row, or — when the ledger had not changed since the
 * rows the page holds were read — those rows with the year's hours, each sent with its row's 管理番号, in the rows'
 * order (a year switch then carries a tenth of the JSON). `null` when the hours are not of the rows held, one for
 * one: the page then reads every row. */
export function rowsOfYear(held: LedgerRow[], got: LedgerReading): LedgerRow[] | null {
  if (got.rows) return got.rows;
  const hours = got.hours;
  if (!hours || hours.length !== held.length) return null;
  for (let i = 0; i < held.length; i++) if (hours[i][0] !== held[i].ledger_id) return null;
  return held.map((r, i) => ({ ...r, hours: hours[i][1] }));
}

/** 部局 and 課 sort in the organisation's order (their codes, as the organisation list shows them), not by the
 * characters of their names. */
const orderOf: Partial<Record<SortKey, (r: LedgerRow) => number>> = {
  bureau: (r) => r.bureau_order,
  section: (r) => r.section_order,
};

/** Japanese collation, made once: `localeCompare(…, "ja")` builds a collator on every call, which made sorting
 * 10,000 rows take about a second. */
const collator = new Intl.Collator("ja");

/** 管理番号 in character-code order (ASCII: `R6-0001` before `R6-0002`), as the ledger itself orders them. */
const byId = (a: LedgerRow, b: LedgerRow) => (a.ledger_id < b.ledger_id ? -1 : a.ledger_id > b.ledger_id ? 1 : 0);

/** Sorts the rows of one reading of the ledger. Each column's values are ranked once, when the list is first sorted
 * by it (text in Japanese collation, figures exactly); a sort, its reversal, or a sort of the filtered rows then
 * compares small numbers. Rows without a value (no figure) go last either way; ties go by 管理番号. */
export class RowSorter {
  #rows: LedgerRow[];
  #ranks = new Map<SortKey, Map<string, number>>();

  /** `rows`: every row of the reading; the rows sorted later are these or some of them. */
  constructor(rows: LedgerRow[]) {
    this.#rows = rows;
  }

  sort(rows: LedgerRow[], key: SortKey, ascending: boolean): LedgerRow[] {
    const sign = ascending ? 1 : -1;
    if (key === "ledger_id") return [...rows].sort((a, b) => sign * byId(a, b));
    const order = orderOf[key];
    const rank = order ? null : this.#rank(key);
    const keyed = rows.map((r) => {
      const v = r[key];
      return { r, k: order ? order(r) : v === null ? null : (rank!.get(String(v)) ?? null) };
    });
    keyed.sort((a, b) => {
      if (a.k === b.k) return byId(a.r, b.r);
      if (a.k === null) return 1;
      if (b.k === null) return -1;
      return sign * (a.k - b.k);
    });
    return keyed.map((x) => x.r);
  }

  /** Each distinct value of the column to its place among them (equal values share a place). */
  #rank(key: SortKey): Map<string, number> {
    let rank = this.#ranks.get(key);
    if (rank) return rank;
    const values = [...new Set(this.#rows.map((r) => r[key]).filter((v) => v !== null).map(String))];
    if (key === "hours") {
      const figures = values.map((v) => ({ v, d: parseDecimal(v) ?? ZERO }));
      figures.sort((a, b) => compare(a.d, b.d));
      rank = new Map();
      figures.forEach((f, i) => rank!.set(f.v, i > 0 && compare(figures[i - 1].d, f.d) === 0 ? rank!.get(figures[i - 1].v)! : i));
    } else {
      values.sort(collator.compare);
      rank = new Map();
      values.forEach((v, i) => rank!.set(v, i > 0 && collator.compare(values[i - 1], v) === 0 ? rank!.get(values[i - 1])! : i));
    }
    this.#ranks.set(key, rank);
    return rank;
  }
}

/** The rows in the order of `key` (see [`RowSorter`]); the screen keeps one sorter per reading of the ledger. */
export function sortRows(rows: LedgerRow[], key: SortKey, ascending: boolean): LedgerRow[] {
  return new RowSorter(rows).sort(rows, key, ascending);
}

/** A count past which a float no longer holds every whole number: tenths are added as floats below it, exactly. */
const EXACT = 2 ** 52;

/** Each row's hours as the list shows them (one decimal, halves away from zero), in tenths, read once per row: a
 * float while it is a whole number a float holds exactly (up to 10^15 tenths), a bigint past it. Reading 10,000
 * figures as bigints took a fifth of the time of a year switch. */
const tenths = new WeakMap<LedgerRow, number | bigint | null>();
function hoursInTenths(r: LedgerRow): number | bigint | null {
  let t = tenths.get(r);
  if (t === undefined) {
    const m = r.hours === null ? null : /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(r.hours);
    if (m === null) t = null;
    else if (m[2].length > 14) t = round(parseDecimal(r.hours)!, 1).units;
    else {
      const frac = m[3] ?? "";
      const up = frac.length > 1 && frac.charCodeAt(1) >= 53; // the second decimal 5 or more: half up, away from zero
      const magnitude = Number(m[2]) * 10 + (frac.length ? frac.charCodeAt(0) - 48 : 0) + (up ? 1 : 0);
      t = m[1] === "-" ? -magnitude : magnitude;
    }
    tenths.set(r, t);
  }
  return t;
}

/** A row's hours as the list shows them (`1,234.5`, `▲41.7`: what [`formatHours`] gives), made once per row from
 * its tenths: the column's width is fitted to every row's figure at each reading of the ledger. */
const hoursText = new WeakMap<LedgerRow, string>();
export function shownHours(r: LedgerRow): string {
  let text = hoursText.get(r);
  if (text === undefined) {
    const t = hoursInTenths(r);
    if (typeof t === "number") {
      const abs = Math.abs(t);
      const whole = String(Math.floor(abs / 10));
      let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
      for (let i = grouped.length; i < whole.length; i += 3) grouped += "," + whole.slice(i, i + 3);
      text = `${t < 0 ? "▲" : ""}${grouped}.${abs % 10}`;
    } else text = formatHours(r.hours);
    hoursText.set(r, text);
  }
  return text;
}

/** Column totals of the shown rows: how many, scenarios and hours (each row's hours added as shown, one decimal,
 * exactly). The order of the rows does not matter, so a sort need not add them again. */
export function totals(rows: LedgerRow[]): { count: number; scenarios: number; hours: Decimal } {
  let big = 0n;
  let small = 0;
  let scenarios = 0;
  for (const r of rows) {
    const h = hoursInTenths(r);
    if (typeof h === "bigint") big += h;
    else if (h !== null) {
      small += h;
      if (small > EXACT || small < -EXACT) {
        big += BigInt(small);
        small = 0;
      }
    }
    scenarios += r.scenarios ?? 0;
  }
  return { count: rows.length, scenarios, hours: { units: big + BigInt(small), scale: 1 } };
}

/** The distinct values of a column, for the filter lists (sections within the chosen bureau): in Japanese collation
 * order, or with `order`, in the order of the first row of each value (部局 and 課 as the organisation lists them). */
export function options(rows: LedgerRow[], pick: (r: LedgerRow) => string, order?: (r: LedgerRow) => number): string[] {
  if (!order) return [...new Set(rows.map(pick).filter(Boolean))].sort((a, b) => a.localeCompare(b, "ja"));
  const first = new Map<string, number>();
  for (const r of rows) {
    const v = pick(r);
    const at = first.get(v);
    if (v && (at === undefined || order(r) < at)) first.set(v, order(r));
  }
  return [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
}

/** The slice of rows a virtualised list draws for a scroll position. */
export function windowOf(total: number, scrollTop: number, viewport: number, rowHeight: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last, before: first * rowHeight, after: (total - last) * rowHeight };
}

/** A column of the ledger list: its sort key, its header, the cell as shown on the screen (`shown`) and as copied
 * (`value`), and how wide it may grow to fit its values (`widest`; longer values are cut with「…」and shown whole in
 * the cell's tooltip). The one column with `fill` takes the room the others leave. */
export interface LedgerColumn extends Column<LedgerRow> {
  key: SortKey;
  shown: (row: LedgerRow) => string;
  widest: number;
  fill?: boolean;
}

/** The list's columns, left to right. Hours as the list shows them (one decimal), copied without thousands
 * separators so Excel reads a number. */
export const ledgerColumns: LedgerColumn[] = [
  { key: "ledger_id", header: "管理番号", value: (r) => r.ledger_id, shown: (r) => r.ledger_id, widest: 140 },
  { key: "kind", header: "区分", value: (r) => r.kind, shown: (r) => r.kind, widest: 140 },
  { key: "title", header: "業務名", value: (r) => r.title, shown: (r) => r.title, widest: 240, fill: true },
  { key: "bureau", header: "部局", value: (r) => r.bureau, shown: (r) => r.bureau, widest: 190 },
  { key: "section", header: "課", value: (r) => r.section, shown: (r) => r.section, widest: 190 },
  { key: "tool", header: "ツール", value: (r) => r.tool, shown: (r) => r.tool, widest: 200 },
  { key: "status", header: "状況", value: (r) => r.status, shown: (r) => r.status, widest: 120 },
  {
    key: "hours",
    header: "削減時間(h)",
    value: (r) => plainFigure(r.hours, 1),
    shown: shownHours,
    widest: 160,
    figure: true,
  },
];

/** What a column needs around its text: the cell's padding, and in the header the room of the sort mark (▲), kept
 * whether the column is sorted or not so that sorting never cuts a header. */
export const CELL_PADDING = 18;
export const MARK_ROOM = 16;

/**
 * The width of each column that shows its header and every value whole, up to the column's `widest` (the `fill`
 * column: its `widest`, the least it is given). A header is never cut: it is the least width of its column, also
 * when the user narrows it. `text` measures a cell's text and `bold` a header's, in CSS pixels. Each distinct value
 * is measured once, so a ledger of 10,000 rows costs its few hundred distinct names.
 */
export function fitWidths(
  columns: LedgerColumn[],
  rows: LedgerRow[],
  text: (s: string) => number,
  bold: (s: string) => number,
): { widths: Record<string, number>; least: Record<string, number> } {
  const widths: Record<string, number> = {};
  const least: Record<string, number> = {};
  for (const c of columns) {
    least[c.key] = Math.ceil(bold(c.header) + CELL_PADDING + MARK_ROOM);
    if (c.fill) {
      widths[c.key] = Math.max(least[c.key], c.widest);
      continue;
    }
    let content = 0;
    for (const v of widestCandidates(rows, c)) content = Math.max(content, text(v));
    widths[c.key] = Math.max(least[c.key], Math.min(c.widest, Math.ceil(content + CELL_PADDING)));
  }
  return { widths, least };
}

/** The values that may be the widest of a column, to measure: every distinct one when there are few (a text is
 * measured once, then remembered), else those within 3 em of the most by their characters (a kanji or kana a full em,
 * other characters 0.6 em — real Latin text is 0.25–0.65 em, hence the margin): 10,000 管理番号 or figures need not
 * each be measured. */
function widestCandidates(rows: LedgerRow[], c: LedgerColumn): Iterable<string> {
  const distinct = new Set(rows.map(c.shown));
  if (distinct.size <= 200) return distinct;
  const ems = [...distinct].map((v) => ({ v, em: ems1(v) }));
  const most = Math.max(...ems.map((e) => e.em));
  return ems.filter((e) => e.em >= most - 3).map((e) => e.v);
}

/** [`estimate`] at 1 em, remembered: the 管理番号 and names of one reading of the ledger are those of the next (a year
 * switch reads them all again). */
const emsKnown = new Map<string, number>();
function ems1(text: string): number {
  let em = emsKnown.get(text);
  if (em === undefined) {
    if (emsKnown.size > 100_000) emsKnown.clear();
    em = estimate(text, 1);
    emsKnown.set(text, em);
  }
  return em;
}

/** The rows a shift-click selects: from the anchor (the row clicked before) to the row clicked, both included, in
 * the order shown; only the row clicked when there is no anchor or it is no longer shown. */
export function rangeOf(ids: string[], anchor: string | null, to: string): string[] {
  const a = anchor === null ? -1 : ids.indexOf(anchor);
  const b = ids.indexOf(to);
  if (b < 0) return [];
  if (a < 0) return [to];
  return ids.slice(Math.min(a, b), Math.max(a, b) + 1);
}

/** What the user chose of the list's columns: those hidden and the widths dragged (in pixels). The web view keeps
 * it in its storage, which is the user's own, so the choice outlives a restart. */
export interface ColumnLayout {
  hidden: SortKey[];
  widths: Partial<Record<SortKey, number>>;
}

/** The storage key of the layout. */
export const LAYOUT_KEY = "daicho.ledger.columns";

export const defaultLayout = (): ColumnLayout => ({ hidden: [], widths: {} });

/** The layout as stored, keeping only what still makes sense: known columns, widths that are whole positive pixels,
 * and never every column hidden. Anything else (nothing stored, another version's shape) is the default. */
export function readLayout(stored: string | null): ColumnLayout {
  const known = new Set<string>(ledgerColumns.map((c) => c.key));
  let value: unknown;
  try {
    value = JSON.parse(stored ?? "null");
  } catch {
    return defaultLayout();
  }
  if (typeof value !== "object" || value === null) return defaultLayout();
  const { hidden, widths } = value as Record<string, unknown>;
  const layout = defaultLayout();
  if (Array.isArray(hidden)) layout.hidden = [...new Set(hidden)].filter((k): k is SortKey => typeof k === "string" && known.has(k));
  if (layout.hidden.length >= known.size) layout.hidden = [];
  if (typeof widths === "object" && widths !== null) {
    for (const [k, w] of Object.entries(widths)) {
      if (known.has(k) && typeof w === "number" && Number.isInteger(w) && w > 0 && w < 5000) layout.widths[k as SortKey] = w;
    }
  }
  return layout;
}

/** The columns shown, left to right. */
export function visibleColumns(columns: LedgerColumn[], layout: ColumnLayout): LedgerColumn[] {
  return columns.filter((c) => !layout.hidden.includes(c.key));
}

/** Each column's width: the one dragged, else the fitted one; never narrower than its header. */
export function columnWidths(fitted: ReturnType<typeof fitWidths>, layout: ColumnLayout): Record<string, number> {
  const widths: Record<string, number> = {};
  for (const [key, w] of Object.entries(fitted.widths)) {
    widths[key] = Math.max(fitted.least[key], layout.widths[key as SortKey] ?? w);
  }
  return widths;
}

/** The layout with a column shown or hidden; the last column shown stays. */
export function showColumn(layout: ColumnLayout, key: SortKey, shown: boolean): ColumnLayout {
  const hidden = layout.hidden.filter((k) => k !== key);
  if (!shown) hidden.push(key);
  return hidden.length >= ledgerColumns.length ? layout : { ...layout, hidden };
}

/** The layout with a column's width dragged to `width` (whole pixels, at least `least`). */
export function resizeColumn(layout: ColumnLayout, key: SortKey, width: number, least: number): ColumnLayout {
  return { ...layout, widths: { ...layout.widths, [key]: Math.max(least, Math.round(width)) } };
}

/** The 一括変更 form: a 状況 (empty: each row keeps its own) and, when ticked, a ツール (empty: cleared). */
export interface BulkForm {
  status: string;
  setTool: boolean;
  tool: string;
}

export const emptyBulk = (): BulkForm => ({ status: "", setTool: false, tool: "" });

/** The request for the rows chosen, each with the version the list showed; null when the form changes nothing. */
export function bulkRequest(rows: LedgerRow[], form: BulkForm): BulkEdit | null {
  if (!rows.length || (!form.status && !form.setTool)) return null;
  return {
    rows: rows.map((r) => ({ ledger_id: r.ledger_id, version: r.version })),
    status: form.status || null,
    tool: form.setTool ? form.tool.trim() : null,
  };
}

/** What a bulk edit did, in a sentence. */
export function bulkMessage(done: BulkEdited): string {
  const kept = done.unchanged.length ? `（すでにその内容だった ${formatNumber(done.unchanged.length)} 件はそのまま）` : "";
  return `${formatNumber(done.changed.length)} 件を変更しました${kept}`;
}

/** The filter's conditions as the list names them, for the exported sheet's subtitle (empty ones left out). */
const conditionLabels: [keyof LedgerFilter, string][] = [
  ["bureau", "部局"],
  ["section", "課"],
  ["kind", "区分"],
  ["status", "状況"],
  ["tool", "ツール"],
  ["text", "検索"],
];

/** 「この一覧を書き出す」: the rows as shown (filtered and sorted), the columns shown, and what they are filtered and
 * sorted by. The library takes the figures from the ledger by 管理番号. */
export function listExport(shown: LedgerRow[], columns: LedgerColumn[], filter: LedgerFilter, sortKey: SortKey, ascending: boolean): ListExport {
  return {
    ledger_ids: shown.map((r) => r.ledger_id),
    columns: columns.map((c) => c.key),
    conditions: conditionLabels.filter(([key]) => filter[key].trim()).map(([key, label]) => ({ label, value: filter[key].trim() })),
    sorted_by: sortKey,
    ascending,
  };
}
