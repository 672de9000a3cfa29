import { describe, expect, it } from "vitest";
import { EscapeStack, shortcutOf, type Area, type KeyPress } from "./keys";

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...over });

describe("shortcutOf", () => {
  const cases: [string, KeyPress, string | null][] = [
    ["Ctrl+S saves", press("s", { ctrlKey: true }), "save"],
    ["Ctrl+S with Caps Lock saves", press("S", { ctrlKey: true }), "save"],
    ["Ctrl+Shift+S saves too", press("S", { ctrlKey: true, shiftKey: true }), "save"],
    ["Esc cancels", press("Escape"), "cancel"],
    ["Shift+Esc is not a cancel", press("Escape", { shiftKey: true }), null],
    ["Ctrl+F finds", press("f", { ctrlKey: true }), "find"],
    ["F3 (the web view's find next) finds", press("F3"), "find"],
    ["Ctrl+R is a reload, to be stopped", press("r", { ctrlKey: true }), "reload"],
    ["Ctrl+Shift+R too", press("R", { ctrlKey: true, shiftKey: true }), "reload"],
    ["F5 too", press("F5"), "reload"],
    ["Ctrl+C copies", press("c", { ctrlKey: true }), "copy"],
    ["Ctrl+A selects all", press("a", { ctrlKey: true }), "select-all"],
    ["Ctrl+Z undoes", press("z", { ctrlKey: true }), "undo"],
    ["Ctrl+Shift+Z is not an undo", press("Z", { ctrlKey: true, shiftKey: true }), null],
    ["a plain s is typing", press("s"), null],
    ["AltGr (Ctrl+Alt) is typing", press("s", { ctrlKey: true, altKey: true }), null],
    ["Ctrl+V is the web view's paste", press("v", { ctrlKey: true }), null],
    ["Esc while the IME converts is the IME's", press("Escape", { isComposing: true }), null],
    ["the IME's keyCode 229 too", press("Escape", { keyCode: 229 }), null],
    ["Enter while converting is the IME's", press("Enter", { isComposing: true }), null],
  ];
  for (const [name, e, want] of cases) it(name, () => expect(shortcutOf(e)).toBe(want));
});

/** A nested box for the stack: it contains itself, its children and their children. */
class Box implements Area {
  children: Box[] = [];
  constructor(readonly name: string, parent?: Box) {
    parent?.children.push(this);
  }
  contains(other: unknown): boolean {
    return other === this || this.children.some((c) => c.contains(other));
  }
}

describe("EscapeStack", () => {
  it("says when nothing is open", () => {
    expect(new EscapeStack().escape(null)).toBe(false);
  });
  it("cancels the last opened first, one per Esc", () => {
    const stack = new EscapeStack();
    const closed: string[] = [];
    stack.push(() => closed.push("編集"));
    stack.push(() => closed.push("削除の確認"));
    expect(stack.escape(null)).toBe(true);
    expect(closed).toEqual(["削除の確認"]);
    stack.escape(null);
    expect(closed).toEqual(["削除の確認", "編集"]);
    expect(stack.escape(null)).toBe(false);
  });
  it("cancels the one holding the focus, though another was opened later", () => {
    const stack = new EscapeStack();
    const page = new Box("page");
    const edit = new Box("edit", page);
    const input = new Box("input", edit);
    const effect = new Box("effect", page);
    const closed: string[] = [];
    stack.push(() => closed.push("edit"), edit);
    stack.push(() => closed.push("effect"), effect);
    stack.escape(input as unknown as Node);
    expect(closed).toEqual(["edit"]);
  });
  it("cancels the innermost of the ones holding the focus", () => {
    const stack = new EscapeStack();
    const form = new Box("form");
    const confirm = new Box("confirm", form);
    const button = new Box("button", confirm);
    const closed: string[] = [];
    stack.push(() => closed.push("confirm"), confirm);
    stack.push(() => closed.push("form"), form);
    stack.escape(button as unknown as Node);
    expect(closed).toEqual(["confirm"]);
  });
  it("forgets what closed by itself", () => {
    const stack = new EscapeStack();
    const closed: string[] = [];
    stack.push(() => closed.push("a"));
    const done = stack.push(() => closed.push("b"));
    done();
    done();
    stack.escape(null);
    expect(closed).toEqual(["a"]);
    expect(stack.size).toBe(0);
  });
});
