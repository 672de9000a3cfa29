// The keyboard as in a spreadsheet: Ctrl+S saves, Esc cancels, Ctrl+F goes to the ledger's search; the web view's
// own meaning of these keys (a find bar, a reload) never happens.

/** What a key press asks of the app. */
export type Shortcut = "save" | "cancel" | "find" | "reload" | "copy" | "select-all" | "undo";

/** The parts of a `KeyboardEvent` a shortcut depends on. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
  keyCode?: number;
}

/** The shortcut of a key press, or null. Keys typed into the IME while it composes (変換中: `isComposing`, or the
 * keyCode 229 some web views send instead) are the IME's: Esc there cancels the conversion, not the form. */
export function shortcutOf(e: KeyPress): Shortcut | null {
  if (e.isComposing || e.keyCode === 229) return null;
  const ctrl = (e.ctrlKey || e.metaKey) && !e.altKey;
  if (e.key === "Escape" && !ctrl && !e.altKey && !e.shiftKey) return "cancel";
  if (e.key === "F5") return "reload";
  if (e.key === "F3") return "find";
  if (!ctrl) return null;
  switch (e.key.toLowerCase()) {
    case "s":
      return "save";
    case "f":
      return "find";
    case "r":
      return "reload";
    case "c":
      return e.shiftKey ? null : "copy";
    case "a":
      return e.shiftKey ? null : "select-all";
    case "z":
      return e.shiftKey ? null : "undo";
    default:
      return null;
  }
}

/** Something that can hold the focus: an open form, a confirmation. */
export interface Area {
  contains(other: Node | Area | null): boolean;
}

/** What Esc closes: every open form, confirmation or edit registers how it is cancelled while it is open. Esc
 * cancels the one that holds the focus (the innermost, when one is inside another), or else the one opened last. */
export class EscapeStack {
  #open: { cancel: () => void; area: Area | null }[] = [];

  /** Registers an open thing; the returned function unregisters it (when it closes by itself). */
  push(cancel: () => void, area: Area | null = null): () => void {
    const entry = { cancel, area };
    this.#open.push(entry);
    return () => {
      const at = this.#open.indexOf(entry);
      if (at >= 0) this.#open.splice(at, 1);
    };
  }

  /** Cancels one open thing; false when nothing is open. */
  escape(focus: Node | null): boolean {
    let chosen = -1;
    for (let n = this.#open.length - 1; n >= 0; n--) {
      const area = this.#open[n].area;
      if (!focus || !area?.contains(focus)) continue;
      const outer = chosen < 0 ? null : this.#open[chosen].area;
      // Later entries were looked at first: an earlier one wins only when it lies inside the one chosen.
      if (!outer || (area !== outer && outer.contains(area))) chosen = n;
    }
    if (chosen < 0) chosen = this.#open.length - 1;
    if (chosen < 0) return false;
    const [entry] = this.#open.splice(chosen, 1);
    entry.cancel();
    return true;
  }

  /** How many things are open (for tests and for the app to know whether Esc has work). */
  get size(): number {
    return this.#open.length;
  }
}

/** The app's one stack: the window's Esc goes here. */
export const escapes = new EscapeStack();

/** A Svelte attachment (`{@attach cancelOnEscape(() => (editing = false))}`): while the element is on the screen,
 * Esc cancels it. Attached to a form that exists only while open, or to one that is open while its condition holds
 * (`{@attach dirty && cancelOnEscape(restore)}`). */
export const cancelOnEscape = (cancel: () => void) => (element: Element) => escapes.push(cancel, element);
