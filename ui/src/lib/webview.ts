// What the web view itself would say in English, said in Japanese or not at all: the browser's messages for a form
// field it refuses ("Fill out this field", "Enter a number") and its right-click menu (Back / Reload / Inspect
// Element), which means nothing in a desktop app.

/** The parts of a field's validity that have a message (a subset of the DOM's `ValidityState`). */
export type Validity = Pick<
  ValidityState,
  "valueMissing" | "typeMismatch" | "badInput" | "rangeUnderflow" | "rangeOverflow" | "stepMismatch" | "tooLong" | "tooShort" | "patternMismatch"
>;

/** The field's attributes a message names. */
export interface Limits {
  type: string;
  min: string;
  max: string;
  maxLength: number;
  minLength: number;
}

/** The Japanese message for a refused field, or "" when nothing is wrong. */
export function validityMessage(v: Validity, f: Limits): string {
  if (v.valueMissing) return "この項目を入力してください。";
  if (v.badInput) return f.type === "number" ? "数字で入力してください。" : f.type === "date" ? "日付を入力してください。" : "入力の形式が正しくありません。";
  if (v.typeMismatch) return "入力の形式が正しくありません。";
  if (v.rangeUnderflow) return `${f.min} 以上の値を入力してください。`;
  if (v.rangeOverflow) return `${f.max} 以下の値を入力してください。`;
  if (v.stepMismatch) return f.type === "number" ? "整数で入力してください。" : "入力できない値です。";
  if (v.tooLong) return `${f.maxLength} 文字以内で入力してください。`;
  if (v.tooShort) return `${f.minLength} 文字以上で入力してください。`;
  if (v.patternMismatch) return "入力の形式が正しくありません。";
  return "";
}

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const isField = (t: EventTarget | null): t is Field =>
  t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;

/** Every refused field of the document gets its message in Japanese; typing clears it. Right-click shows no browser
 * menu in a built app (the development build keeps it, for the inspector). */
export function speakJapanese(doc: Document, built: boolean): void {
  doc.addEventListener(
    "invalid",
    (e) => {
      if (!isField(e.target)) return;
      const f = e.target;
      f.setCustomValidity("");
      const limits: Limits = {
        type: f instanceof HTMLInputElement ? f.type : "",
        min: f instanceof HTMLInputElement ? f.min : "",
        max: f instanceof HTMLInputElement ? f.max : "",
        maxLength: f instanceof HTMLSelectElement ? -1 : f.maxLength,
        minLength: f instanceof HTMLSelectElement ? -1 : f.minLength,
      };
      f.setCustomValidity(validityMessage(f.validity, limits));
    },
    true,
  );
  const clear = (e: Event) => {
    if (isField(e.target)) e.target.setCustomValidity("");
  };
  doc.addEventListener("input", clear, true);
  doc.addEventListener("change", clear, true);
  if (built) doc.addEventListener("contextmenu", (e) => e.preventDefault());
}
