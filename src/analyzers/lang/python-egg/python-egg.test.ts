import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pythonEggAnalyzer, wantedPath } from "./index.js";

const local = (p: string): string => fileURLToPath(new URL(`./testdata/${p}`, import.meta.url));
const run = async (root: string, path: string) =>
  (await pythonEggAnalyzer.analyze({ path, content: Buffer.alloc(0), mode: 0o644, localPath: local(`${root}/${path}`) }))!;

describe("python-egg analyzer", () => {
  it("wants .egg files in site-packages and dist-packages, not egg directories", () => {
    expect(wantedPath("usr/lib/python3/dist-packages/six-1.16.0-py3.11.egg")).toBe(true);
    expect(wantedPath("usr/lib/python3/dist-packages/six-1.16.0-py3.11.egg", { mode: 0o100644, size: 10 })).toBe(true);
    expect(wantedPath("usr/lib/python3/dist-packages/six-1.16.0-py3.11.egg", { mode: 0o040755, size: 0 })).toBe(false);
    expect(wantedPath("home/u/project/dist/six-1.16.0-py3.11.egg")).toBe(false);
    expect(wantedPath("usr/lib/python3/dist-packages/six.egg-info")).toBe(false);
  });

  it("reads EGG-INFO/PKG-INFO from a zipped egg and builds the purl", async () => {
    const path = "usr/local/lib/python3.11/site-packages/six-1.16.0-py3.11.egg";
    const r = await run("root", path);
    expect(r.errors).toBeUndefined();
    const out = pythonEggAnalyzer.finalize!(r.packages!, { os: null, owners: new Map() });
    expect(out).toEqual([
      { type: "pypi", name: "six", version: "1.16.0", purl: "pkg:pypi/six@1.16.0", source: null, licenses: ["MIT License"], locations: [{ path: "/" + path }] },
    ]);
  });

  it("also works from a buffer when no local file is given", async () => {
    const { readFileSync } = await import("node:fs");
    const path = "usr/local/lib/python3.11/site-packages/six-1.16.0-py3.11.egg";
    const r = await pythonEggAnalyzer.analyze({ path, content: readFileSync(local(`root/${path}`)), mode: 0o644 });
    expect(r!.packages![0]!.name).toBe("six");
  });

  it("refuses zip bombs, missing metadata and non-archives with clear errors", async () => {
    const dir = "usr/lib/python3/dist-packages/";
    expect((await run("hostile", dir + "bomb-1.0-py3.11.egg")).errors![0]).toMatch(/EGG-INFO\/PKG-INFO: \d+ bytes, over the 4194304-byte limit/);
    expect((await run("hostile", dir + "noinfo-1.0-py3.11.egg")).errors![0]).toMatch(/no EGG-INFO\/PKG-INFO in the egg/);
    expect((await run("hostile", dir + "garbage-1.0-py3.11.egg")).errors![0]).toMatch(/not a zip archive/);
  });
});
