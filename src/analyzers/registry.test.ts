// Contract: every analyzer folder is registered, has tests and fixtures, and honours the
// interface (stable id, version, cheap `required`).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzers } from "./registry.js";

const here = fileURLToPath(new URL(".", import.meta.url));

function analyzerFolders(): string[] {
  const out: string[] = [];
  for (const group of ["os", "lang"]) {
    const dir = join(here, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isDirectory()) out.push(`${group}/${name}`);
  }
  return out;
}

describe("analyzer registry", () => {
  it("has unique ids and positive integer versions", () => {
    const ids = analyzers.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of analyzers) expect(Number.isInteger(a.version) && a.version > 0, a.id).toBe(true);
  });

  it("says what its evidence proves: lockfile and manifest readers are the declared ones", () => {
    // A lockfile reader marked "installed" would put declared-only packages into image reports.
    const lockfileNames = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "Gemfile.lock", "composer.lock", "packages.lock.json", "go.mod", "Cargo.lock", "pom.xml", "gradle.lockfile", "requirements.txt", "poetry.lock", "Pipfile.lock"];
    for (const a of analyzers) {
      expect(["installed", "declared"], a.id).toContain(a.evidence);
      const readsLockfiles = lockfileNames.some((n) => a.required(`srv/app/${n}`, { mode: 0o100644, size: 1000 }));
      expect(a.evidence, a.id).toBe(readsLockfiles ? "declared" : "installed");
    }
    expect(analyzers.filter((a) => a.evidence === "declared").length).toBe(11);
  });

  it.each(analyzerFolders())("folder %s is registered and has tests and testdata", (folder) => {
    const dir = join(here, folder);
    const files = readdirSync(dir);
    expect(files, `${folder} needs index.ts`).toContain("index.ts");
    expect(files.some((f) => f.endsWith(".test.ts")), `${folder} needs tests`).toBe(true);
    expect(files, `${folder} needs testdata/`).toContain("testdata");
    const id = folder === "os/os-release" ? "os/release" : folder;
    expect(analyzers.map((a) => a.id), `${folder} is not in registry.ts`).toContain(id);
  });

  it("required() is a pure path test that rejects unrelated paths quickly", () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `usr/share/man/man1/pkg${i}.1.gz`);
    const t0 = performance.now();
    const wanted: string[] = [];
    for (const p of paths) for (const a of analyzers) if (a.required(p, { mode: 0o644, size: 1000 })) wanted.push(`${a.id} ${p}`);
    const ms = performance.now() - t0;
    expect(wanted).toEqual([]);
    expect(ms).toBeLessThan(10_000); // pathological slowness only; the bench measures speed
  });
});
