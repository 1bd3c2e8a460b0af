import { describe, expect, it } from "vitest";
import { imageConfigRules, scanImageConfig } from "./index.js";
import type { ImageConfigLike } from "./index.js";

const scan = (json: string) => scanImageConfig(JSON.parse(json) as ImageConfigLike, "example/app:1.0");

describe("image-config rule contract", () => {
  it("has unique ids", () => {
    const ids = imageConfigRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  for (const rule of imageConfigRules) {
    describe(rule.id, () => {
      it("has examples and references", () => {
        expect(rule.examples.good.length).toBeGreaterThan(0);
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        const r = rule.references;
        expect([r.avd, r.hadolint, r.cis, r.pss, r.nsa, r.kubescape].filter(Boolean).length + (r.urls?.length ?? 0)).toBeGreaterThan(0);
      });
      rule.examples.bad.forEach((json, n) => {
        it(`bad example ${n} is reported`, () => {
          const hits = scan(json).filter((f) => f.ruleId === rule.id);
          expect(hits.length).toBeGreaterThan(0);
          for (const h of hits) {
            expect(h.line).toBeUndefined();
            expect(h.path).toBe("example/app:1.0");
            expect(h.resource).toEqual({ kind: "image", name: "example/app:1.0" });
          }
        });
      });
      rule.examples.good.forEach((json, n) => {
        it(`good example ${n} is not reported`, () => {
          expect(scan(json).filter((f) => f.ruleId === rule.id)).toEqual([]);
        });
      });
    });
  }
});

describe("redaction", () => {
  const secrets = ["hunter2", "AKIAIOSFODNN7EXAMPLE", "ghp_" + "b".repeat(36), "abcdef123456", "s3cr3tvalue"];
  const config = {
    config: {
      Env: ["DB_PASSWORD=hunter2", "KEY=AKIAIOSFODNN7EXAMPLE"],
      Labels: { "com.example.api-token": "s3cr3tvalue" },
    },
    history: [
      { created_by: "RUN |1 NPM_TOKEN=abcdef123456 /bin/sh -c npm ci # buildkit" },
      { created_by: `/bin/sh -c git clone https://${secrets[2]}@github.com/x/y` },
    ],
  };
  it("never prints a secret", () => {
    const out = JSON.stringify(scanImageConfig(config, "img"));
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain("DB_PASSWORD=*****");
    expect(out).toContain("NPM_TOKEN=*****");
  });
  it("reports each source with the right rule and severity", () => {
    const f = scanImageConfig(config, "img");
    expect(f.filter((x) => x.ruleId === "BW-IMG-003").map((x) => x.severity).sort()).toEqual(["CRITICAL", "HIGH"]);
    expect(f.filter((x) => x.ruleId === "BW-IMG-004")).toHaveLength(1);
    expect(f.filter((x) => x.ruleId === "BW-IMG-005").map((x) => x.message)).toEqual([
      "History step 1 records NPM_TOKEN=*****",
      "History step 2 contains a GitHub token",
    ]);
  });
});

describe("hostile input", () => {
  it("tolerates missing and mistyped fields", () => {
    const odd = [
      {},
      { config: null },
      { config: { Env: "x", Labels: [], ExposedPorts: 5, User: 7, Healthcheck: { Test: "x" } }, history: "nope" },
      { history: [null, 5, { created_by: 12 }, { created_by: "\u0000" + "|".repeat(100000) }] },
      null,
    ];
    for (const c of odd) expect(() => scanImageConfig(c as unknown as ImageConfigLike, "t")).not.toThrow();
  });
  it("handles huge histories quickly", () => {
    const history = Array.from({ length: 5000 }, (_, i) => ({ created_by: `/bin/sh -c echo ${i} && chmod 644 /x "unterminated` }));
    const start = Date.now();
    scanImageConfig({ config: { User: "app" }, history }, "t");
    expect(Date.now() - start).toBeLessThan(10000);
  });
});
