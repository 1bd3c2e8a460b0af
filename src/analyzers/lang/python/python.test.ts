import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pep503, pythonAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const run = async (root: string, path: string) => (await pythonAnalyzer.analyze({ path, content: fixture(`${root}/${path}`), mode: 0o644 }))!;

describe("python analyzer", () => {
  it("wants metadata files in site-packages and dist-packages only", () => {
    expect(wantedPath("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA")).toBe(true);
    expect(wantedPath("app/venv/lib/python3.11/site-packages/x.egg-info/PKG-INFO")).toBe(true);
    expect(wantedPath("usr/lib/python3.11/site-packages/foo-1.0.egg-info")).toBe(true);
    expect(wantedPath("src/project.egg-info/PKG-INFO")).toBe(false);
    expect(wantedPath("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD")).toBe(false);
  });

  it("reads real Debian dist-info and egg-info metadata", async () => {
    const yaml = await run("debian", "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
    expect(yaml.packages![0]).toMatchObject({ type: "pypi", name: "PyYAML", version: "6.0", licenses: ["MIT License"] });
    const jwt = await run("debian", "usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO");
    expect(jwt.packages![0]).toMatchObject({ name: "PyJWT", version: "2.6.0" });
  });

  it("builds PEP 503 purls in finalize", async () => {
    const j = await run("venv", "app/venv/lib/python3.11/site-packages/jinja2-3.1.4.dist-info/METADATA");
    const m = await run("venv", "app/venv/lib/python3.11/site-packages/MarkupSafe-2.1.5.dist-info/METADATA");
    const out = pythonAnalyzer.finalize!([...m.packages!, ...j.packages!], { os: null, owners: new Map() });
    expect(out.map((p) => p.purl)).toEqual(["pkg:pypi/jinja2@3.1.4", "pkg:pypi/markupsafe@2.1.5"]);
    expect(out[1]!.licenses).toEqual(["BSD License"]);
    expect(pep503("Zope.Interface__x")).toBe("zope-interface-x");
  });

  it("reports metadata without Name/Version as an error, and survives garbage", async () => {
    const r = await pythonAnalyzer.analyze({ path: "x/site-packages/a.dist-info/METADATA", content: Buffer.from("garbage\x00\xff"), mode: 0 });
    expect(r?.errors?.[0]).toMatch(/no Name\/Version/);
  });
});
