import { describe, expect, it } from "vitest";
import { LeaveGuard, UnsavedForms, differs } from "./unsaved";

describe("differs", () => {
  const cases: [string, Record<string, string | number | null>, Record<string, string | number | null>, boolean][] = [
    ["as loaded", { formula: "5分×40か所", stated: "817" }, { formula: "5分×40か所", stated: "817" }, false],
    ["a formula typed into an empty form", { formula: "", stated: "" }, { formula: "5分×", stated: "" }, true],
    ["a stated figure changed", { formula: "5分", stated: "817" }, { formula: "5分", stated: "816.7" }, true],
    ["a blank added around a value is not input", { note: "再計算" }, { note: " 再計算 " }, false],
    ["null and an empty field are the same", { stated: null }, { stated: "" }, false],
    ["a number field against the text it came from", { year: 2024 }, { year: "2024" }, false],
    ["a field only the form has", {}, { note: "追記" }, true],
    ["typed and deleted again", { formula: "" }, { formula: "" }, false],
  ];
  for (const [name, loaded, now, want] of cases) it(name, () => expect(differs(loaded, now)).toBe(want));
});

describe("UnsavedForms", () => {
  it("names the forms holding unsaved input now, read when asked", () => {
    const forms = new UnsavedForms();
    let typed = false;
    forms.track("効果（令和6年度・実績）", () => typed);
    forms.track("評価", () => false);
    expect(forms.dirty()).toEqual([]);
    typed = true;
    expect(forms.dirty()).toEqual(["効果（令和6年度・実績）"]);
  });
  it("reads a name that changes with the form (another basis loaded)", () => {
    const forms = new UnsavedForms();
    let basis = "試算";
    forms.track(() => `効果（${basis}）`, () => true);
    basis = "実績";
    expect(forms.dirty()).toEqual(["効果（実績）"]);
  });
  it("forgets a form when its screen stops tracking it", () => {
    const forms = new UnsavedForms();
    const stop = forms.track("取組の追加", () => true);
    stop();
    stop();
    expect(forms.dirty()).toEqual([]);
  });
});

describe("LeaveGuard", () => {
  const setup = (dirty: boolean) => {
    const forms = new UnsavedForms();
    const state = { dirty, asked: [] as string[][], moves: [] as string[] };
    forms.track("効果", () => state.dirty);
    const guard = new LeaveGuard(forms, (u) => state.asked.push(u));
    return { guard, state, go: (to: string) => () => state.moves.push(to) };
  };

  it("moves at once when nothing is unsaved", () => {
    const { guard, state, go } = setup(false);
    expect(guard.leave(go("台帳"))).toBe(true);
    expect(state.moves).toEqual(["台帳"]);
    expect(state.asked).toEqual([]);
    expect(guard.asking).toBe(false);
  });
  it("asks before leaving unsaved input, and 戻る stays with the typing", () => {
    const { guard, state, go } = setup(true);
    expect(guard.leave(go("台帳"))).toBe(false);
    expect(state.asked).toEqual([["効果"]]);
    expect(guard.asking).toBe(true);
    guard.stay();
    expect(state.moves).toEqual([]);
    expect(state.asked.at(-1)).toEqual([]);
    expect(guard.asking).toBe(false);
  });
  it("破棄して移動 makes the move that was held, once", () => {
    const { guard, state, go } = setup(true);
    guard.leave(go("集計"));
    guard.discard();
    guard.discard();
    expect(state.moves).toEqual(["集計"]);
    expect(guard.asking).toBe(false);
  });
  it("holds only the last move asked for", () => {
    const { guard, state, go } = setup(true);
    guard.leave(go("集計"));
    guard.leave(go("設定"));
    guard.discard();
    expect(state.moves).toEqual(["設定"]);
  });
  it("after 戻る a later move asks again", () => {
    const { guard, state, go } = setup(true);
    guard.leave(go("台帳"));
    guard.stay();
    expect(guard.leave(go("台帳"))).toBe(false);
    state.dirty = false; // saved meanwhile
    expect(guard.leave(go("台帳"))).toBe(true);
    expect(state.moves).toEqual(["台帳"]);
  });
});
