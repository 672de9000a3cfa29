import { describe, expect, it } from "vitest";
import type { YearPlan } from "./types";
import { costSeen, targetSeen, toolKey } from "./plan";

const plan: YearPlan = {
  fiscal_year: 2024,
  label: "令和6年度",
  targets: [
    { scope: "団体全体", bureau: null, hours: "5600", last_change: 11 },
    { scope: "総務部", bureau: "総務部", hours: "800", last_change: 12 },
  ],
  costs: [
    { tool: "WinActor", licence_yen: "1000000", maintenance_yen: "0", note: null, last_change: 21 },
    { tool: "AI-OCR 帳票", licence_yen: "500000", maintenance_yen: "0", note: null, last_change: null },
  ],
  bureaus: ["総務部", "市民部"],
};

describe("toolKey", () => {
  // The library files costs under NFKC without white space; these spellings are one tool there.
  it.each([
    ["WinActor", "WinActor"],
    ["ＷｉｎＡｃｔｏｒ", "WinActor"],
    [" Win Actor　", "WinActor"],
    ["ｳｲﾝｱｸﾀｰ", "ウインアクター"],
  ])("%s is filed as %s", (tool, key) => expect(toolKey(tool)).toBe(key));
});

describe("what a plan form stands on", () => {
  it.each([
    [null, 11], // the whole organisation's row has no 部局
    ["", 11], // the form's choice of 団体全体 is the empty value
    ["総務部", 12],
    ["市民部", null], // shown without a target: a colleague's new one must be refused
  ])("the target of %s was shown with change %s", (bureau, seen) => expect(targetSeen(plan, bureau)).toBe(seen));

  it.each([
    ["WinActor", 21],
    ["ＷｉｎＡｃｔｏｒ", 21], // typed full width: the same row, so a change since is still caught
    ["AI-OCR帳票", null], // the row is there but has no audit row (a copy of an old ledger): nothing to stand on
    ["UiPath", null],
  ])("the cost of %s was shown with change %s", (tool, seen) => expect(costSeen(plan, tool)).toBe(seen));
});
