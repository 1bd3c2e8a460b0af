import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../../test/support/upstream.js";
import type { Package } from "../../types.js";
import { pythonLockAnalyzer, wantedPath } from "./index.js";
import { parseRequirements } from "./requirements.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const osvDir = fixturePath("osv-scanner-v1-pkg-lockfile/pkg/lockfile/fixtures/");

async function run(path: string, content: Buffer = fixture(path)) {
  const r = (await pythonLockAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  const pkgs = pythonLockAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() });
  return { ...r, pkgs, short: pkgs.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`) };
}

describe("python-lock analyzer", () => {
  it("wants requirements files and lockfiles outside vendored trees", () => {
    for (const p of ["app/requirements.txt", "requirements-dev.txt", "app/requirements/prod.txt", "dev-requirements.txt", "poetry.lock", "srv/Pipfile.lock", "uv.lock"])
      expect(wantedPath(p), p).toBe(true);
    for (const p of ["app/node_modules/x/requirements.txt", "x/testdata/poetry.lock", "app/dev-requirements.md", "docs/readme.txt", "Pipfile", "app/uv.lock.bak"])
      expect(wantedPath(p), p).toBe(false);
  });

  it("reads exact pins from requirements.txt and notes includes it cannot follow", async () => {
    const r = await run("project/requirements.txt");
    expect(r.short).toEqual([
      "argh@0.26.2",
      "argh@0.26.3",
      "celery@4.4.7",
      "dots-._allowed@1.0.0",
      "flask@4.0.0",
      "foo@1.0.0",
      "FrIeNdLy-_-bArD@1.0.0",
      "local-version@1.2.3+gcr.2",
      "SomeProject@5.4",
      "urllib3@1.26.20",
    ]);
    expect(r.pkgs.find((p) => p.name === "FrIeNdLy-_-bArD")!.purl).toBe("pkg:pypi/friendly-bard@1.0.0");
    expect(r.pkgs[0]!.locations).toEqual([{ path: "/project/requirements.txt" }]);
    // other-requirements.txt and super-secretrequirements.txt are scanned on their own
    expect(r.errors).toBeUndefined();
    const inc = await run("app/requirements.txt", Buffer.from("-r base.txt\n-r ./dev-requirements.txt\n-c https://x/c.txt\n"));
    expect(inc.errors).toEqual(["app/requirements.txt includes base.txt, which is not scanned as a requirements file"]);
  });

  it("joins continuation lines the way pip does", async () => {
    expect((await run("project/requirements/continuation.txt")).short).toEqual(["bar@4.5.6", "baz@7.8.9", "foo@1.2.3", "qux@10.11.12"]);
    const r = parseRequirements("-r base.txt\n-c constraints.txt\n--requirement=more.txt\n-e git+https://x/y.git#egg=y\nx==1 ; python_version<'3'\ny[a,b]==2 --hash=sha256:00\nz>=1\nw==1.*\nv==1,<2\n");
    expect(r.includes).toEqual(["base.txt", "constraints.txt", "more.txt"]);
    expect(r.pins).toEqual([
      { name: "x", version: "1" },
      { name: "y", version: "2" },
    ]);
  });

  it("reads poetry.lock, with category and groups marking dev packages", async () => {
    expect((await run("project/poetry.lock")).short).toEqual(["added-value@0.14.2 dev", "alabaster@0.7.12 dev", "appnope@0.1.0 dev", "asciitree@0.3.3 dev"]);
    expect((await run("poetry-groups/poetry.lock")).short).toEqual(["dj-rest-auth@7.0.1", "django@5.2.6", "djangorestframework@3.16.1", "pytest@8.3.5 dev"]);
  });

  it("reads Pipfile.lock default and develop sections", async () => {
    // itsdangerous 2.1.2 is in both sections: installed in production
    expect((await run("project/Pipfile.lock")).short).toEqual(["itsdangerous@2.1.2", "markupsafe@2.1.1", "pluggy@1.0.0 dev", "pluggy@1.0.1"]);
  });

  it("reads uv.lock without the project itself, marking dev-group-only packages", async () => {
    expect((await run("uv-simple/uv.lock")).short).toEqual(["certifi@2025.1.31", "charset-normalizer@3.4.1", "idna@3.10", "requests@2.32.3", "urllib3@2.3.0"]);
    const dev = await run("uv-dev/uv.lock");
    expect(dev.short).toEqual(["iniconfig@2.0.0 dev", "mylib@1.0.0", "packaging@24.2", "pytest@8.3.5 dev", "requests@2.32.3"]);
    expect(dev.pkgs.find((p) => p.name === "mylib")!.metadata).toEqual({ source: "git" });
  });

  it("reads the osv-scanner fixtures", async () => {
    const one = async (dir: string, file: string, as: string): Promise<Package[]> =>
      (await run(as, readFileSync(osvDir + `${dir}/${file}`))).pkgs;
    const short = (ps: Package[]) => ps.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`);
    expect(short(await one("pip", "non-normalized-names.txt", "requirements.txt"))).toEqual(["Pillow@1.0.0", "Twisted@20.3.0", "zope.interface@5.4.0"]);
    expect(short(await one("pip", "with-per-requirement-options.txt", "requirements.txt"))).toEqual(["boto3@1.26.121", "foo@1.0.0", "FooProject@1.2"]);
    expect(short(await one("pip", "file-format-example.txt", "requirements.txt"))).toEqual(["docopt@0.6.1"]);
    expect(short(await one("poetry", "source-git.lock", "poetry.lock"))).toEqual(["ike@0.2.0"]);
    expect(short(await one("poetry", "source-legacy.lock", "poetry.lock"))).toEqual(["appdirs@1.4.4"]);
    expect(short(await one("pipenv", "one-package-dev.json", "Pipfile.lock"))).toEqual(["markupsafe@2.1.1 dev"]);
    expect(short(await one("pipenv", "no-version.json", "Pipfile.lock"))).toEqual([]);
    for (const f of readdirSync(osvDir + "poetry")) await one("poetry", f, "poetry.lock");
    for (const f of readdirSync(osvDir + "pipenv")) await one("pipenv", f, "Pipfile.lock");
    for (const f of readdirSync(osvDir + "pip")) await one("pip", f, "requirements.txt");
  });

  it("reports broken lockfiles as errors and survives hostile input", async () => {
    expect((await run("poetry.lock", Buffer.from("[[package]\nname = 1"))).errors![0]).toMatch(/^poetry.lock: TOML line 1/);
    expect((await run("Pipfile.lock", Buffer.from("{"))).errors![0]).toMatch(/^Pipfile.lock: /);
    expect((await run("Pipfile.lock", Buffer.from("[1]"))).errors![0]).toMatch(/not a JSON object/);
    expect((await run("uv.lock", Buffer.from("package = " + "[".repeat(50_000)))).errors![0]).toMatch(/too deep/);
    const spaces = " ".repeat(2_000_000);
    const nasty = Buffer.from(`a${spaces}b\nc${spaces}#\nd${spaces}-x\n-r${spaces}x\n${"\\".repeat(1_000_000)}x\\\ne==1\n`);
    const t1 = performance.now();
    expect((await run("requirements.txt", nasty)).short).toEqual(["xe@1"]);
    expect(performance.now() - t1).toBeLessThan(3000);
    const huge = Buffer.from("a==1 \\\n".repeat(200_000));
    const t0 = performance.now();
    await run("requirements.txt", huge);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
