import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../../test/support/tools.js";
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
    expect(wantedPath("usr/lib/python3.11/site-packages/requests-2.22.0-py3.11.egg/EGG-INFO/PKG-INFO")).toBe(true);
    expect(wantedPath("usr/lib/python3.11/site-packages/w.EGG-INFO/PKG-INFO")).toBe(true);
    expect(wantedPath("usr/lib/python3.11/site-packages/v.DIST-INFO/METADATA")).toBe(true);
    expect(wantedPath("usr/lib/python3.11/site-packages/six-1.16.0-py3.11.egg")).toBe(false); // lang/python-egg
  });

  it("reads unzipped eggs and plain .egg-info files", async () => {
    const dir = "usr/local/lib/python3.11/site-packages/";
    for (const path of [dir + "requests-2.22.0-py3.11.egg/EGG-INFO/PKG-INFO", dir + "requests-2.22.0-py3.11.egg-info"]) {
      const r = await run("eggs", path);
      expect(r.packages, path).toEqual([
        { type: "pypi", name: "requests", version: "2.22.0", purl: "", source: null, licenses: ["Apache Software License"], locations: [{ path: "/" + path }] },
      ]);
    }
  });

  // Debian's Python packages on this machine; any python3 reads their metadata (path=[root]).
  const root = "/usr/lib/python3/dist-packages";
  it.skipIf(missingTool("importlib.metadata cross-check", [root, "python3:importlib.metadata"]) !== undefined)("agrees with importlib.metadata on this machine's /usr/lib/python3/dist-packages", async () => {
    const script = "import importlib.metadata as m, json, sys; print(json.dumps(sorted([d.metadata['Name'], d.version] for d in m.distributions(path=[sys.argv[1]]))))";
    const expected = JSON.parse(execFileSync("python3", ["-c", script, root], { encoding: "utf8" })) as [string, string][];
    const found: [string, string][] = [];
    for (const name of readdirSync(root)) {
      for (const rel of [name, `${name}/METADATA`, `${name}/PKG-INFO`, `${name}/EGG-INFO/PKG-INFO`]) {
        const path = `${root}/${rel}`.slice(1);
        if (!wantedPath(path) || !existsSync("/" + path) || !statSync("/" + path).isFile()) continue;
        const r = await pythonAnalyzer.analyze({ path, content: readFileSync("/" + path), mode: 0o644 });
        for (const p of r?.packages ?? []) found.push([p.name, p.version]);
      }
    }
    found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(0);
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
