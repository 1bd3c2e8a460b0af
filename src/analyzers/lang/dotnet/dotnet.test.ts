import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dotnetAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
async function run(path: string, content: Buffer = fixture(path)) {
  const r = (await dotnetAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  return { errors: r.errors, pkgs: dotnetAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() }) };
}

describe("dotnet analyzer (deps.json)", () => {
  it("wants *.deps.json", () => {
    expect(wantedPath("app/TestLibrary.deps.json")).toBe(true);
    expect(wantedPath("usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json")).toBe(true);
    expect(wantedPath("app/TestLibrary.runtimeconfig.json")).toBe(false);
    expect(wantedPath("app/deps.json.bak")).toBe(false);
  });

  it("reads package libraries and skips projects", async () => {
    const { pkgs } = await run("app/TestLibrary.deps.json");
    expect(pkgs.map((p) => `${p.name}@${p.version}`)).toEqual([
      "AWSSDK.Core@3.7.10.6",
      "Microsoft.Extensions.DependencyInjection@6.0.0",
      "Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0",
      "Microsoft.Extensions.Logging@6.0.0",
      "Microsoft.Extensions.Logging.Abstractions@6.0.0",
      "Microsoft.Extensions.Options@6.0.0",
      "Microsoft.Extensions.Primitives@6.0.0",
      "Newtonsoft.Json@13.0.1",
      "Serilog@2.10.0",
      "Serilog.Sinks.Console@4.0.1",
      "System.Diagnostics.DiagnosticSource@6.0.0",
      "System.Runtime.CompilerServices.Unsafe@6.0.0",
    ]);
    expect(pkgs.find((p) => p.name === "Newtonsoft.Json")).toMatchObject({
      type: "nuget",
      purl: "pkg:nuget/Newtonsoft.Json@13.0.1",
      source: null,
      locations: [{ path: "/app/TestLibrary.deps.json" }],
    });
    expect(pkgs[0]!.metadata!["sha512"]).toMatch(/^sha512-/);
  });

  it("skips reference assemblies", async () => {
    expect((await run("refasm/app/MyApp.deps.json")).pkgs.map((p) => p.purl)).toEqual(["pkg:nuget/Newtonsoft.Json@13.0.3"]);
  });

  it("reports non-JSON and documents without libraries", async () => {
    expect((await run("x.deps.json", Buffer.from("bogus deps.json"))).errors![0]).toMatch(/not JSON/);
    expect((await run("x.deps.json", Buffer.from("[]"))).errors![0]).toMatch(/no "libraries"/);
    expect((await run("x.deps.json", Buffer.from('{"libraries":{"/1":{"type":"package"},"a/":{"type":"package"},"b":null}}'))).pkgs).toEqual([]);
  });
});
