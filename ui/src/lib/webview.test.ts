import { describe, expect, it } from "vitest";
import { validityMessage, type Limits, type Validity } from "./webview";

const valid: Validity = {
  valueMissing: false, typeMismatch: false, badInput: false, rangeUnderflow: false, rangeOverflow: false,
  stepMismatch: false, tooLong: false, tooShort: false, patternMismatch: false,
};
const field = (over: Partial<Limits>): Limits => ({ type: "text", min: "", max: "", maxLength: -1, minLength: -1, ...over });

describe("validityMessage", () => {
  it("says nothing for a valid field", () => {
    expect(validityMessage(valid, field({}))).toBe("");
  });
  it("says each refusal in Japanese, naming the limit", () => {
    const cases: [Partial<Validity>, Partial<Limits>, string][] = [
      [{ valueMissing: true }, {}, "この項目を入力してください。"],
      [{ badInput: true }, { type: "number" }, "数字で入力してください。"],
      [{ badInput: true }, { type: "date" }, "日付を入力してください。"],
      [{ rangeUnderflow: true }, { type: "number", min: "0" }, "0 以上の値を入力してください。"],
      [{ rangeOverflow: true }, { type: "number", max: "2200" }, "2200 以下の値を入力してください。"],
      [{ stepMismatch: true }, { type: "number" }, "整数で入力してください。"],
      [{ tooLong: true }, { maxLength: 40 }, "40 文字以内で入力してください。"],
      [{ typeMismatch: true }, { type: "email" }, "入力の形式が正しくありません。"],
    ];
    for (const [state, limits, message] of cases) {
      expect(validityMessage({ ...valid, ...state }, field(limits)), JSON.stringify(state)).toBe(message);
    }
  });
  it("puts a missing value first: an empty required number field is asked for, not called a bad number", () => {
    expect(validityMessage({ ...valid, valueMissing: true, badInput: true }, field({ type: "number" }))).toBe("この項目を入力してください。");
  });
});
