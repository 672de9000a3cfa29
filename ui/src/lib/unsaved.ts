// Typing that is not saved yet, and the question asked before it is lost: which forms of the open screen differ from
// what they were loaded with, and a move away (another screen, another year, a colleague's changes shown) that waits
// for the user's answer while any of them does.

/** A form's fields as the screen holds them. */
export type Fields = Record<string, string | number | boolean | null | undefined>;

const text = (v: Fields[string]) => (v === null || v === undefined ? "" : String(v).trim());

/** Whether the form's fields differ from what it was loaded with. Blanks around a value and an empty field written
 * as `null` or `""` are the same input: what would be saved decides, not how the field holds it. */
export function differs(loaded: Fields, now: Fields): boolean {
  const keys = new Set([...Object.keys(loaded), ...Object.keys(now)]);
  for (const k of keys) if (text(loaded[k]) !== text(now[k])) return true;
  return false;
}

/** The forms of the open screens that may hold unsaved input. A screen tracks each of its forms while it is shown
 * (the returned function stops it); the question reads them when the user moves, so no copy goes stale. */
export class UnsavedForms {
  #forms = new Map<symbol, { name: () => string; dirty: () => boolean }>();

  /** `name` says which form in the question (「効果（令和6年度・実績）」); `dirty` whether it holds unsaved input. */
  track(name: string | (() => string), dirty: () => boolean): () => void {
    const id = Symbol();
    this.#forms.set(id, { name: typeof name === "string" ? () => name : name, dirty });
    return () => {
      this.#forms.delete(id);
    };
  }

  /** The names of the forms holding unsaved input now, in the order they were tracked. */
  dirty(): string[] {
    return [...this.#forms.values()].filter((f) => f.dirty()).map((f) => f.name());
  }
}

/** A move away from the open input: made at once when nothing is unsaved, otherwise held until the user answers
 * 破棄して移動 (`discard`) or 戻る (`stay`). A second move while one is held replaces it: the last click is the
 * user's intent. */
export class LeaveGuard {
  #held: (() => void) | null = null;
  #forms: UnsavedForms;
  #onask: (unsaved: string[]) => void;

  /** `onask` is told when the question opens (with the unsaved forms) and when it closes (with none). */
  constructor(forms: UnsavedForms, onask: (unsaved: string[]) => void) {
    this.#forms = forms;
    this.#onask = onask;
  }

  /** Moves now and returns true, or holds the move, asks, and returns false. */
  leave(go: () => void): boolean {
    const unsaved = this.#forms.dirty();
    if (unsaved.length === 0) {
      go();
      return true;
    }
    this.#held = go;
    this.#onask(unsaved);
    return false;
  }

  /** Whether a move waits for the answer. */
  get asking(): boolean {
    return this.#held !== null;
  }

  /** 破棄して移動: the held move is made (the screen then drops what was typed). */
  discard(): void {
    const go = this.#held;
    this.#held = null;
    this.#onask([]);
    go?.();
  }

  /** 戻る: the move is dropped and the typing stays as it is. */
  stay(): void {
    this.#held = null;
    this.#onask([]);
  }
}

/** The app's forms: every screen tracks its own here, and the app asks before leaving them. */
export const unsavedForms = new UnsavedForms();
