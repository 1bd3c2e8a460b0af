import { describe, expect, it } from "vitest";
import { failureMessage, runRules, type Rule } from "./types.js";

const rule = (id: string, check: Rule<string>["check"]): Rule<string> => ({
  id,
  title: id,
  severity: "LOW",
  remediation: "r",
  references: {},
  check,
  examples: { good: [], bad: [] },
});

describe("runRules", () => {
  it("keeps the other rules' findings when one rule throws, and reports the failure", () => {
    const failures: string[] = [];
    const rules = [
      rule("BW-T-1", () => [{ message: "one", line: 1 }]),
      rule("BW-T-2", () => {
        throw new TypeError("cannot read x of undefined");
      }),
      rule("BW-T-3", (doc) => [{ message: `three on ${doc}`, line: 2 }, { message: "suppressed", line: 3 }]),
    ];
    const lines = ["a", "b", "# bulwark:ignore BW-T-3 accepted"];
    const found = runRules(rules, "doc", "f.yaml", lines, (r, e) => failures.push(failureMessage(r, e, "Pod x")));
    expect(found.map((f) => [f.ruleId, f.message, f.path, f.line])).toEqual([
      ["BW-T-1", "one", "f.yaml", 1],
      ["BW-T-3", "three on doc", "f.yaml", 2],
    ]);
    expect(failures).toEqual(["BW-T-2 failed on Pod x: cannot read x of undefined"]);
  });
});
