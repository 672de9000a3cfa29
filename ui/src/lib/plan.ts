// The settings screen's targets and tool costs: which row a form's save stands on, so that the server can refuse
// a save over a target or cost changed since the screen showed it (`actions::Seen`).
import type { YearPlan } from "./types";

/** The key a tool's cost is filed under (the library's `org::name_key`): NFKC, without white space, so that
 * `ＷｉｎＡｃｔｏｒ` and `Win Actor` are the row of `WinActor`. Where this and the library's key part (a rare
 * space character), the save is refused as a conflict, never let through unchecked. */
export function toolKey(tool: string): string {
  return tool.normalize("NFKC").replace(/\s/gu, "");
}

/** The `last_change` of the target the screen shows for the 部局 (`""` or `null`: the whole organisation), `null`
 * when it shows none. */
export function targetSeen(plan: YearPlan, bureau: string | null): number | null {
  const row = plan.targets.find((t) => (t.bureau ?? "") === (bureau ?? ""));
  return row?.last_change ?? null;
}

/** The `last_change` of the tool's cost as the screen shows it, `null` when it shows none. */
export function costSeen(plan: YearPlan, tool: string): number | null {
  const key = toolKey(tool);
  return plan.costs.find((c) => toolKey(c.tool) === key)?.last_change ?? null;
}
