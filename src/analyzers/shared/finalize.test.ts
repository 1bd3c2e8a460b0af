import { describe, expect, it } from "vitest";
import type { Package } from "../types.js";
import { finalizeNuget, finalizeWithPurl } from "./finalize.js";
import { golangPurl } from "./golang.js";
import { mavenPurl } from "./maven.js";
import { finalizePypi } from "./python-metadata.js";

const pkg = (type: string, name: string, version: string, path = "/x"): Package => ({ type, name, version, purl: "", source: null, licenses: [], locations: [{ path }] });
const short = (ps: Package[]): string[] => ps.map((p) => `${p.name}@${p.version} ${p.locations[0]!.path} ${p.purl}`);

describe("shared finalize", () => {
  it("orders by name, version, then location, and leaves purl empty for names the spec rejects", () => {
    const out = finalizeWithPurl("gem")([pkg("gem", "b", "1", "/b"), pkg("gem", "a", "2"), pkg("gem", "b", "1", "/a"), pkg("gem", "a", "10"), pkg("gem", "", "1")]);
    expect(short(out)).toEqual(["@1 /x ", "a@10 /x pkg:gem/a@10", "a@2 /x pkg:gem/a@2", "b@1 /a pkg:gem/b@1", "b@1 /b pkg:gem/b@1"]);
  });

  it("orders Python packages by PEP 503 name and NuGet ids ignoring case", () => {
    expect(short(finalizePypi([pkg("pypi", "Zope.Interface", "5"), pkg("pypi", "flask", "1"), pkg("pypi", "FrIeNdLy-_-bArD", "1")]))).toEqual([
      "flask@1 /x pkg:pypi/flask@1",
      "FrIeNdLy-_-bArD@1 /x pkg:pypi/friendly-bard@1",
      "Zope.Interface@5 /x pkg:pypi/zope-interface@5",
    ]);
    expect(short(finalizeNuget([pkg("nuget", "newtonsoft.json", "1"), pkg("nuget", "AWSSDK.Core", "3"), pkg("nuget", "Microsoft.X", "1")]))).toEqual([
      "AWSSDK.Core@3 /x pkg:nuget/AWSSDK.Core@3",
      "Microsoft.X@1 /x pkg:nuget/Microsoft.X@1",
      "newtonsoft.json@1 /x pkg:nuget/newtonsoft.json@1",
    ]);
  });

  it("builds Go and Maven purls", () => {
    expect(golangPurl("github.com/a/b", "v1.0.0")).toBe("pkg:golang/github.com/a/b@v1.0.0");
    expect(golangPurl("example.com/app", "(devel)")).toBe("pkg:golang/example.com/app");
    expect(golangPurl("stdlib", "v1.22.3")).toBe("pkg:golang/stdlib@v1.22.3");
    expect(mavenPurl("org.x:y", "1.0")).toBe("pkg:maven/org.x/y@1.0");
    expect(mavenPurl("org.x:y", "")).toBe("pkg:maven/org.x/y");
    expect(mavenPurl("y", "1.0")).toBe("");
  });
});
