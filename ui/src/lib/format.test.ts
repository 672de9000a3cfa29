import { describe, expect, it } from "vitest";
import { formatExact, formatHours, formatNumber, formatPercent, isNegative, plainFigure } from "./format";
import { formatDecimal, parseDecimal } from "./decimal";

describe("negative figures", () => {
  // (5分-30分)×100件 = -2,500分 = -41.666… h: a saving that became a cost, as the exported workbook prints it.
  it("are marked ▲ on the screen, from decimal text and from numbers", () => {
    const cases: [string | number, number | undefined, string][] = [
      ["-41.6666666666666666666666667", 1, "▲41.7"],
      ["-2500", undefined, "▲2,500"],
      ["-1234567.25", 2, "▲1,234,567.25"],
      [-41.66, 1, "▲41.7"],
      [-2400, undefined, "▲2,400"],
      [-0.5, 0, "▲1"],
      ["41.7", 1, "41.7"],
      [2400, undefined, "2,400"],
    ];
    for (const [value, places, want] of cases) expect(formatNumber(value, places), `${value} to ${places}`).toBe(want);
    expect(formatHours("-41.67")).toBe("▲41.7");
    expect(formatPercent("-12.34")).toBe("▲12.3%");
    expect(formatDecimal(parseDecimal("-0.25")!, 1)).toBe("▲0.3");
  });

  it("have no mark when they round to zero, and only marked figures are red", () => {
    for (const [value, places] of [["-0.04", 1], [-0.004, 2], ["-0", undefined]] as const) {
      expect(formatNumber(value, places), `${value}`).not.toContain("▲");
      expect(isNegative(value, places), `${value}`).toBe(false);
    }
    expect(isNegative("-41.67", 1)).toBe(true);
    expect(isNegative(-3)).toBe(true);
    expect(isNegative("41.67")).toBe(false);
    expect([isNegative(null), isNegative(undefined), isNegative("")]).toEqual([false, false, false]);
  });

  it("keep a minus sign and no separators where a spreadsheet reads them", () => {
    expect(plainFigure("-1500.04", 1)).toBe("-1500.0");
    expect(plainFigure("-41.6666", 1)).toBe("-41.7");
    expect(plainFigure("1234.5", 1)).toBe("1234.5");
    expect(plainFigure(null, 1)).toBe("");
  });
});

describe("formatExact", () => {
  it("keeps every decimal written, groups thousands and marks a negative", () => {
    expect(formatExact("816.667")).toBe("816.667");
    expect(formatExact("1817")).toBe("1,817");
    expect(formatExact("-41.70")).toBe("▲41.70");
    expect(formatExact(null)).toBe("");
    expect(formatExact("約817")).toBe("約817");
  });
});
