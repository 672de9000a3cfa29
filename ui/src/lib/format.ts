// Number and year display as Japanese municipal tables write them.

import { formatDecimal, parseDecimal, type NegativeMark } from "./decimal";
import type { YearLabels } from "./types";

const groups = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A figure as the library sends it: exact decimal text (`"816.7"`), or a count. */
export type Figure = number | string | null | undefined;

/**
 * `5528.5` → `5,528.5`, `-41.7` → `▲41.7` (a negative figure, a saving that became a cost, as the exported workbook
 * prints it; show it with `class:negative`); a fixed number of decimals when `places` is given. Decimal text is
 * formatted exactly (no float on the way).
 */
export function formatNumber(value: Figure, places?: number, mark: NegativeMark = "▲"): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") {
    const d = parseDecimal(value);
    return d === null ? value : formatDecimal(d, places, mark);
  }
  if (Number.isNaN(value)) return "";
  const text = places === undefined ? String(Math.round(value * 100) / 100) : value.toFixed(places);
  const negative = text.startsWith("-");
  const [int, frac] = (negative ? text.slice(1) : text).split(".");
  const sign = negative && /[1-9]/.test(int + (frac ?? "")) ? mark : "";
  return `${sign}${groups(int)}${frac ? "." + frac : ""}`;
}

/** Whether the figure is shown negative (with `▲`, in red): not when it rounds to zero at `places`. */
export const isNegative = (value: Figure, places?: number) => formatNumber(value, places).startsWith("▲");

/** A figure as a spreadsheet reads it, for the clipboard: no separators, a minus sign (`-41.7`). */
export const plainFigure = (value: Figure, places?: number) => formatNumber(value, places, "-").replaceAll(",", "");

/** A figure as it was written, every decimal kept (a stated figure: `816.667` stays, `-41.7` → `▲41.7`). */
export function formatExact(value: string | null | undefined): string {
  const d = parseDecimal(value);
  return d === null ? (value ?? "") : formatDecimal(d, d.scale);
}

/** Hours as the tables show them: one decimal. */
export const formatHours = (h: Figure) => formatNumber(h, 1);

/** `115.2` → `115.2%`. */
export const formatPercent = (p: Figure) => (p === null || p === undefined ? "" : `${formatNumber(p, 1)}%`);

let yearLabels: YearLabels = { first: 0, labels: [] };

/** The 和暦 labels the library sent (`AppInfo.choices.years`); set once when the app starts. */
export function setYearLabels(labels: YearLabels) {
  yearLabels = labels;
}

/** The 和暦 label of a fiscal year, from the library: 2023 → `令和5年度`; `2023年度` before the labels arrive. */
export function warekiYear(fy: number): string {
  return yearLabels.labels[fy - yearLabels.first] ?? `${fy}年度`;
}
