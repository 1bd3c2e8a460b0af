// plainValue must give exactly doc.toJS() or step aside: checked on real manifests (Trivy's
// Kubernetes examples) and on the YAML features that make it step aside.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../test/support/upstream.js";
import { plainValue } from "./plain.js";

const OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;
const TRIVY = fixturePath("trivy-checks/checks/kubernetes");

function check(text: string): { plain: number; fallback: number } {
  let plain = 0;
  let fallback = 0;
  for (const doc of parseAllDocuments(text, OPTIONS)) {
    if (doc.errors.length) continue;
    const p = plainValue(doc);
    if (p === undefined) fallback++;
    else {
      plain++;
      expect(p.value).toEqual(doc.toJS({ maxAliasCount: 100 }));
    }
  }
  return { plain, fallback };
}

describe("plainValue", () => {
  it("equals toJS on every document of Trivy's Kubernetes examples", () => {
    const files = readdirSync(TRIVY).filter((f) => f.endsWith(".yaml"));
    let plain = 0;
    for (const f of files) {
      // The example files embed manifests as block scalars: check the files and the manifests.
      const text = readFileSync(join(TRIVY, f), "utf8");
      plain += check(text).plain;
      for (const doc of parseAllDocuments(text, OPTIONS)) {
        JSON.stringify(doc.toJS(), (_k, v: unknown) => {
          if (typeof v === "string" && v.includes("apiVersion")) plain += check(v).plain;
          return v;
        });
      }
    }
    expect(plain).toBeGreaterThan(100);
  });

  it("covers scalars, flow and block collections, odd keys", () => {
    const r = check(`a: 1\nb: 0x1F\nc: 1.5e3\nd: .inf\ne: ~\nf: true\ng: "x\\ty"\nh: |\n  block\n  text\ni: [1, {j: k}]\n? [complex]\n: no\n---\n- 1\n- - 2\n---\nnull: 1\n1: one\ntrue: yes\n`);
    // The complex key makes its document fall back; the others convert.
    expect(r).toEqual({ plain: 2, fallback: 1 });
  });

  it("steps aside for aliases, merge keys, __proto__ and tags yaml resolves to objects", () => {
    for (const text of ["a: &x 1\nb: *x\n", "base: &b {x: 1}\nd:\n  <<: *b\n", '{"__proto__": {"polluted": true}}', "bin: !!binary aGVsbG8=\n"]) {
      const doc = parseAllDocuments(text, OPTIONS)[0]!;
      expect(plainValue(doc as never), text).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // !!set and !!omap are maps in yaml's node tree but Set and Map in toJS.
    expect(check("s: !!set {a, b}\no: !!omap [{a: 1}]\n")).toEqual({ plain: 0, fallback: 1 });
  });
});
