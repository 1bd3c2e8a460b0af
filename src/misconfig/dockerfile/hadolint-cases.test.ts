// Every Bulwark rule that names a Hadolint rule in its references must agree with that rule's own
// behaviour table: Hadolint's spec cases, kept as Dockerfile snippets in testdata/hadolint/cases.json
// (see SOURCE.txt there). Rules whose reference was dropped because they differ on purpose keep their
// cases too, with Bulwark's own outcome and the reason, so the difference stays what the docs say.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileRules, scanDockerfile } from "./index.js";

type Expect = "fail" | "pass" | number;
interface Case {
  hadolint: string;
  it: string;
  dockerfile: string;
  expect: Expect;
  onbuild?: boolean;
  note?: string;
  bulwark?: Expect;
  why?: string;
}
interface Table {
  rules: Record<string, { rule: string; reference: "cited" | "covered" | "dropped" }>;
  cases: Case[];
}

const table = JSON.parse(readFileSync(join(import.meta.dirname, "testdata", "hadolint", "cases.json"), "utf8")) as Table;

/** Hadolint's onBuildRuleCatches: every RUN instruction becomes ONBUILD RUN. */
const onbuild = (text: string): string => text.replace(/^RUN(?=\s)/gim, "ONBUILD RUN");

const outcome = (hits: number, want: Expect): boolean => (want === "fail" ? hits > 0 : want === "pass" ? hits === 0 : hits === want);

describe("Hadolint's spec cases", () => {
  it("map every cited Hadolint id, and only those, to the rule that cites it", () => {
    const cited = new Map(dockerfileRules.filter((r) => r.references.hadolint).map((r) => [r.references.hadolint!, r.id]));
    for (const [dl, id] of cited) {
      expect(table.rules[dl], `${id} cites ${dl}, which has no cases`).toMatchObject({ rule: id, reference: "cited" });
    }
    for (const [dl, m] of Object.entries(table.rules)) {
      const rule = dockerfileRules.find((r) => r.id === m.rule);
      expect(rule, `${dl} maps to unknown rule ${m.rule}`).toBeDefined();
      if (m.reference === "cited") expect(rule!.references.hadolint).toBe(dl);
      else expect(rule!.references.hadolint, `${m.rule} must not cite ${dl}`).not.toBe(dl);
      expect(table.cases.some((c) => c.hadolint === dl)).toBe(true);
    }
  });

  it("keep differences only for rules that no longer cite Hadolint", () => {
    for (const c of table.cases) {
      if (c.bulwark === undefined) continue;
      expect(table.rules[c.hadolint]?.reference, `${c.hadolint} "${c.it}" differs but is ${table.rules[c.hadolint]?.reference}`).toBe("dropped");
      expect(c.why, `${c.hadolint} "${c.it}" differs without a reason`).toBeTruthy();
      expect(c.bulwark).not.toBe(c.expect);
    }
  });

  const seen = new Map<string, number>();
  for (const c of table.cases) {
    const m = table.rules[c.hadolint];
    if (!m) throw new Error(`case for unmapped ${c.hadolint}`);
    const n = (seen.get(c.hadolint) ?? 0) + 1;
    seen.set(c.hadolint, n);
    const want = c.bulwark ?? c.expect;
    const label = `${c.hadolint} #${n} ${c.it}${c.onbuild ? " (ONBUILD)" : ""} -> ${m.rule} ${want}${c.bulwark !== undefined ? ` (Hadolint: ${c.expect})` : ""}`;
    it(label, () => {
      const text = c.onbuild ? onbuild(c.dockerfile) : c.dockerfile;
      const hits = scanDockerfile(text, "Dockerfile").filter((f) => f.ruleId === m.rule);
      expect(outcome(hits.length, want), `${hits.length} finding(s) on:\n${text}\n${JSON.stringify(hits.map((h) => h.message))}`).toBe(true);
      for (const h of hits) expect(h.line).toBeGreaterThan(0);
    });
  }
});
