// Exact decimals for figures the library sends as text ("816.7", "-12.50"): added, compared, rounded and formatted
// without ever becoming a float, so a column total is the sum of the exact figures, as the reports compute it.

/** `units / 10^scale`. */
export interface Decimal {
  units: bigint;
  scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** Reads `-1234.5600`; `null` for anything that is not a plain decimal. */
export function parseDecimal(text: string | null | undefined): Decimal | null {
  if (text === null || text === undefined) return null;
  const m = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[3] ?? "";
  const units = BigInt(m[2] + frac);
  return { units: m[1] === "-" ? -units : units, scale: frac.length };
}

const pow10 = (n: number) => 10n ** BigInt(n);

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

/** Negative, zero or positive as `a` is less than, equal to or greater than `b`. */
export function compare(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounded to `places` decimals, halves away from zero (as the library's `round_half_up`). */
export function round(d: Decimal, places: number): Decimal {
  if (d.scale <= places) return { units: d.units * pow10(places - d.scale), scale: places };
  const div = pow10(d.scale - places);
  const negative = d.units < 0n;
  const abs = negative ? -d.units : d.units;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return { units: negative ? -q : q, scale: places };
}

const groups = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * How a negative figure is written: `▲` on the screen, as Japanese public accounts and the exported workbook mark a
 * saving that became a cost (a bare minus reads as a dash in a table); `-` where a program reads the text (the
 * clipboard that Excel parses as a number).
 */
export type NegativeMark = "▲" | "-";

/**
 * `1234.5` → `1,234.5`, `-41.7` → `▲41.7`: with exactly `places` decimals, or (without) at most two, trailing zeros
 * dropped. A figure that rounds to zero has no mark.
 */
export function formatDecimal(d: Decimal, places?: number, mark: NegativeMark = "▲"): string {
  let r = round(d, places ?? 2);
  if (places === undefined) {
    while (r.scale > 0 && r.units % 10n === 0n) r = { units: r.units / 10n, scale: r.scale - 1 };
  }
  const negative = r.units < 0n;
  const digits = (negative ? -r.units : r.units).toString().padStart(r.scale + 1, "0");
  const int = digits.slice(0, digits.length - r.scale);
  const frac = digits.slice(digits.length - r.scale);
  const sign = negative && /[1-9]/.test(digits) ? mark : "";
  return `${sign}${groups(int)}${frac ? "." + frac : ""}`;
}
