import { describe, expect, it } from "vitest";
import { estimate } from "./measure";

describe("estimate", () => {
  // The list's widths without a canvas, and the pick of which of 10,000 values to measure, rest on these ems.
  it.each([
    ["会議録RPA", 3 + 3 * 0.6], // kanji a full em, Latin 0.6
    ["ＲＰＡ　ｘ", 5], // full-width forms and the ideographic space are full width
    ["ｱｲｳ", 3 * 0.6], // half-width katakana (U+FF71…) are not
    ["𠮷野家", 0.6 + 2], // a character beyond the basic plane counts once, not once per UTF-16 half
    ["", 0],
  ])("%s is %f em", (text, em) => expect(estimate(text, 10)).toBeCloseTo(em * 10, 9));
});
