// The ledger screen's logic, kept out of the component so it is tested on its own.
import { ZERO, add, compare, parseDecimal, round } from "./decimal";
import type { Decimal } from "./decimal";
import type { LedgerRow } from "./types";
import { plainFigure } from "./format";
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

export function filterRows(rows: LedgerRow[], f: LedgerFilter): LedgerRow[] {
  const words = fold(f.text).split(/\s+/).filter(Boolean);
  return rows.filter(
    (r) =>
      (!f.bureau || r.bureau === f.bureau) &&
      (!f.section || r.section === f.section) &&
      (!f.kind || r.kind === f.kind) &&
      (!f.status || r.status === f.status) &&
      (!f.tool || r.tool === f.tool) &&
      words.every((w) => fold(`${r.ledger_id} ${r.title} ${r.bureau} ${r.section} ${r.tool}`).includes(w)),
  );
}

export function sortRows(rows: LedgerRow[], key: SortKey, ascending: boolean): LedgerRow[] {
  const sign = ascending ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return a.ledger_id.localeCompare(b.ledger_id);
    if (x === null) return 1; // rows without a figure go last either way
    if (y === null) return -1;
    if (key === "hours") return sign * compare(parseDecimal(x as string) ?? ZERO, parseDecimal(y as string) ?? ZERO);
    return sign * String(x).localeCompare(String(y), "ja");
  });
}

/** Column totals of the shown rows: how many, scenarios and hours (each row's hours added as shown, one decimal). */
export function totals(rows: LedgerRow[]): { count: number; scenarios: number; hours: Decimal } {
  let hours = ZERO;
  let scenarios = 0;
  for (const r of rows) {
    const h = parseDecimal(r.hours);
    if (h !== null) hours = add(hours, round(h, 1));
    scenarios += r.scenarios ?? 0;
  }
  return { count: rows.length, scenarios, hours };
}

/** The distinct values of a column, for the filter lists (sections within the chosen bureau). */
export function options(rows: LedgerRow[], pick: (r: LedgerRow) => string): string[] {
  return [...new Set(rows.map(pick).filter(Boolean))].sort((a, b) => a.localeCompare(b, "ja"));
}

/** The slice of rows a virtualised list draws for a scroll position. */
export function windowOf(total: number, scrollTop: number, viewport: number, rowHeight: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last, before: first * rowHeight, after: (total - last) * rowHeight };
}

/** A column of the ledger list: its sort key, its header, and the cell as shown (for the clipboard). */
export interface LedgerColumn extends Column<LedgerRow> {
  key: SortKey;
}

/** The list's columns, left to right. Hours as the list shows them (one decimal), without thousands separators. */
export const ledgerColumns: LedgerColumn[] = [
  { key: "ledger_id", header: "管理番号", value: (r) => r.ledger_id },
  { key: "kind", header: "区分", value: (r) => r.kind },
  { key: "title", header: "業務名", value: (r) => r.title },
  { key: "bureau", header: "部局", value: (r) => r.bureau },
  { key: "section", header: "課", value: (r) => r.section },
  { key: "tool", header: "ツール", value: (r) => r.tool },
  { key: "status", header: "状況", value: (r) => r.status },
  { key: "hours", header: "削減時間(h)", value: (r) => plainFigure(r.hours, 1), figure: true },
];

/** The rows a shift-click selects: from the anchor (the row clicked before) to the row clicked, both included, in
 * the order shown; only the row clicked when there is no anchor or it is no longer shown. */
export function rangeOf(ids: string[], anchor: string | null, to: string): string[] {
  const a = anchor === null ? -1 : ids.indexOf(anchor);
  const b = ids.indexOf(to);
  if (b < 0) return [];
  if (a < 0) return [to];
  return ids.slice(Math.min(a, b), Math.max(a, b) + 1);
}
