// Number and year display as Japanese municipal tables write them.

const groups = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** `5528.5` → `5,528.5`; a fixed number of decimals when `places` is given. */
export function formatNumber(value: number | null | undefined, places?: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  const text = places === undefined ? String(Math.round(value * 100) / 100) : value.toFixed(places);
  const negative = text.startsWith("-");
  const [int, frac] = (negative ? text.slice(1) : text).split(".");
  return `${negative ? "-" : ""}${groups(int)}${frac ? "." + frac : ""}`;
}

/** Hours as the tables show them: one decimal. */
export const formatHours = (h: number | null | undefined) => formatNumber(h, 1);

/** `115.2` → `115.2%`. */
export const formatPercent = (p: number | null | undefined) => (p === null || p === undefined ? "" : `${p.toFixed(1)}%`);

/** The 和暦 label of a fiscal year: 2023 → `令和5年度`, 2019 → `令和元年度`, 2018 → `平成30年度`. */
export function warekiYear(fy: number): string {
  const era = fy >= 2019 ? { name: "令和", base: 2019 } : fy >= 1989 ? { name: "平成", base: 1989 } : { name: "昭和", base: 1926 };
  const n = fy - era.base + 1;
  return `${era.name}${n === 1 ? "元" : n}年度`;
}
