// Rows as a spreadsheet puts them on the clipboard: tab-separated cells, a header row, CRLF after every row (the
// last too), so a paste into Excel fills columns. Excel reads a cell in double quotes as one cell even when it holds
// a tab or a line break, with `""` for a quote inside.

/** A column of the copied table. */
export interface Column<R> {
  header: string;
  /** The cell as the screen shows it (a figure without thousands separators, so Excel reads a number). */
  value: (row: R) => string;
  /** A figure: written as it is. Text cells are neutralised, a figure never is (a negative figure stays a number). */
  figure?: boolean;
}

/** A text cell that Excel would run as a formula (`=`, `+`, `-`, `@`, or a tab, CR or NUL first) gets a leading `'`,
 * as the library's CSV export does (OWASP CSV injection): an imported 業務名 is shown, never run. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r\0]/.test(text) ? `'${text}` : text;
}

/** One cell: in double quotes, inner quotes doubled, when it holds a tab, a line break or a double quote. */
export function tsvCell(text: string): string {
  return /[\t\r\n"]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header row and one row per item, each cell as shown, for the clipboard. */
export function toTsv<R>(columns: Column<R>[], rows: R[]): string {
  const line = (cells: string[]) => cells.map(tsvCell).join("\t") + "\r\n";
  let out = line(columns.map((c) => neutralise(c.header)));
  for (const r of rows) out += line(columns.map((c) => (c.figure ? c.value(r) : neutralise(c.value(r)))));
  return out;
}
