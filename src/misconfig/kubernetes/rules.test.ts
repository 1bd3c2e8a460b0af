import { describe, expect, it } from "vitest";
import { kubernetesRules, scanKubernetes } from "./index.js";

const scan = (text: string) => scanKubernetes([{ path: "example.yaml", text }]);

describe("kubernetes rule contract", () => {
  it("has unique ids", () => {
    const ids = kubernetesRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  for (const rule of kubernetesRules) {
    describe(rule.id, () => {
      it("has examples and references", () => {
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        expect(rule.examples.good.length).toBeGreaterThan(0);
        expect(Object.keys(rule.references).length).toBeGreaterThan(0);
      });
      rule.examples.bad.forEach((text, i) =>
        it(`fires on bad example ${i + 1}`, () => {
          const hits = scan(text).filter((f) => f.ruleId === rule.id);
          expect(hits.length).toBeGreaterThan(0);
          for (const h of hits) {
            expect(h.line).toBeTypeOf("number");
            expect(h.resource?.kind).toBeTruthy();
            // ASCII, like the rule texts (see src/scan/rules.test.ts), for ASCII input.
            expect(h.message).toMatch(/^[\x20-\x7e]*$/);
          }
        }),
      );
      rule.examples.good.forEach((text, i) =>
        it(`is quiet on good example ${i + 1}`, () => {
          expect(scan(text).filter((f) => f.ruleId === rule.id)).toEqual([]);
        }),
      );
    });
  }
});
