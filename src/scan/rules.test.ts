import { describe, expect, it } from "vitest";
import { listRules } from "./rules.js";

describe("rule catalogue", () => {
  it("has unique ids across all kinds", () => {
    const ids = listRules().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Titles and remediations are copied into every finding: one non-ASCII character in them makes
  // V8 hold a 100,000-finding report as two-byte strings, which was a tenth of a `config` run.
  it("keeps rule texts ASCII", () => {
    for (const r of listRules()) {
      expect(r.title, r.id).toMatch(/^[\x20-\x7e]*$/);
      expect(r.remediation ?? "", r.id).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
