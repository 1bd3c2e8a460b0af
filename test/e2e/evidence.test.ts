// Installed versus declared packages: images and root filesystems report what is installed;
// project trees (dir:) and --include-declared add what lockfiles and manifests declare. The
// fixture is real files from a Debian 12 system and a real `npm install` (see its SOURCE.txt).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getWriter } from "../../src/report/index.js";
import { scan } from "../../src/scan/index.js";
import type { Package, Report } from "../../src/model/index.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";

const ROOTFS = new URL("./testdata/evidence/rootfs", import.meta.url).pathname;
const BIN = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
const LOCKFILE = /(^|\/)(package-lock\.json|\.package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|Gemfile\.lock|requirements[^/]*\.txt|go\.mod|Cargo\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|pom\.xml|gradle\.lockfile|packages\.lock\.json)$/;

const opts = { noCache: true, now: new Date("2026-12-01T00:00:00Z") };
const key = (p: Package): string => `${p.type}:${p.name}@${p.version}`;
const keys = (r: Report): string[] => [...new Set(r.packages.map(key))].sort();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bw-evidence-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treeEntries(root: string): EntrySpec[] {
  const out: EntrySpec[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(root, full);
      if (statSync(full).isDirectory()) {
        out.push({ path: rel + "/", type: "dir" });
        walk(full);
      } else out.push({ path: rel, content: readFileSync(full) });
    }
  };
  walk(root);
  return out;
}

describe("installed and declared packages", () => {
  let rootfs: Report;
  let project: Report;
  let declared: Report;
  beforeAll(async () => {
    rootfs = await scan(ROOTFS, opts);
    project = await scan(`dir:${ROOTFS}`, opts);
    declared = await scan(ROOTFS, { ...opts, includeDeclared: true });
  });

  it("a bare directory with a package database is an installed system", async () => {
    expect(rootfs.artifact.type).toBe("rootfs");
    expect(project.artifact.type).toBe("dir");
    expect((await scan(`rootfs:${ROOTFS}`, opts)).packages).toEqual(rootfs.packages);
  });

  it("root filesystems report installed packages only, each marked installed", () => {
    expect(rootfs.packages.length).toBeGreaterThan(15);
    for (const p of rootfs.packages) {
      expect(p.evidence, key(p)).toBe("installed");
      expect(p.locations.some((l) => !LOCKFILE.test(l.path)), key(p)).toBe(true);
    }
    const k = keys(rootfs);
    // Installed: dpkg, the gemspec, the dist-info, Debian's node module, the app's node_modules.
    for (const want of ["deb:libruby3.1@3.1.2-7+deb12u1", "gem:typeprof@0.21.2", "pypi:pip@23.0.1", "npm:update-browserslist-db@1.0.10", "npm:chokidar@3.5.3", "npm:ms@2.1.2"]) {
      expect(k).toContain(want);
    }
    // Declared only: the optional macOS package npm never installed, a gem's own Gemfile.lock
    // (rbs 2.0.0 while nothing installs it) and the packages of Debian's shipped pnpm-lock.yaml.
    expect(k).not.toContain("npm:fsevents@2.3.3");
    expect(k).not.toContain("gem:rbs@2.0.0");
    expect(k).not.toContain("gem:simplecov@0.21.2");
    expect(rootfs.packages.filter((p) => p.locations.some((l) => l.path.includes("update-browserslist-db/pnpm-lock.yaml")))).toEqual([]);
  });

  it("project trees and --include-declared add declared packages, marked declared", () => {
    expect(keys(declared)).toEqual(keys(project));
    for (const r of [project, declared]) {
      const byKey = new Map(r.packages.map((p) => [key(p), p]));
      expect(byKey.get("npm:fsevents@2.3.3")?.evidence).toBe("declared");
      expect(byKey.get("gem:rbs@2.0.0")?.evidence).toBe("declared");
      // Named by the lockfile and installed: installed wins.
      expect(byKey.get("npm:chokidar@3.5.3")?.evidence).toBe("installed");
      expect(byKey.get("npm:chokidar@3.5.3")?.locations.map((l) => l.path)).toEqual(expect.arrayContaining(["/app/package-lock.json", "/app/node_modules/chokidar/package.json"]));
      for (const p of r.packages) {
        expect(["installed", "declared"]).toContain(p.evidence);
        if (p.evidence === "declared") expect(p.locations.every((l) => LOCKFILE.test(l.path)), key(p)).toBe(true);
      }
    }
    // Everything installed is still there, and nothing else is marked installed.
    expect(keys({ ...declared, packages: declared.packages.filter((p) => p.evidence === "installed") })).toEqual(keys(rootfs));
    expect(declared.packages.length).toBeGreaterThan(rootfs.packages.length + 20);
  });

  it("images report installed packages only, like the same tree as a root filesystem", async () => {
    const layout = join(dir, "oci");
    writeOciLayout(layout, [await buildImage({ layers: [{ entries: treeEntries(ROOTFS) }] })]);
    const image = await scan(`oci:${layout}`, opts);
    expect(image.artifact.type).toBe("oci");
    expect(keys(image)).toEqual(keys(rootfs));
    expect(image.packages.every((p) => p.evidence === "installed")).toBe(true);
    const withDeclared = await scan(`oci:${layout}`, { ...opts, includeDeclared: true });
    expect(keys(withDeclared)).toEqual(keys(declared));
  });

  it("agrees with npm ls on what is installed in the app", () => {
    const app = join(dir, "app");
    cpSync(join(ROOTFS, "app"), app, { recursive: true });
    const ls = spawnSync("npm", ["ls", "--all", "--parseable", "--long", "--offline"], { cwd: app, encoding: "utf8", timeout: 60_000 });
    expect(ls.status, ls.stderr).toBe(0);
    // --long --parseable: "<path>:<name>@<version>:…" per installed package; the first line is the app.
    const fromNpm = ls.stdout.trim().split("\n").slice(1).map((line) => {
      const [path, id] = line.split(":");
      return `${relative(app, path!)}/package.json ${id}`;
    }).sort();
    const fromBulwark = rootfs.packages
      .filter((p) => p.type === "npm" && p.locations.some((l) => l.path.startsWith("/app/")))
      .map((p) => `${p.locations[0]!.path.replace(/^\/app\//, "")} ${p.name}@${p.version}`)
      .sort();
    expect(fromBulwark).toEqual(fromNpm);
    expect(fromNpm.length).toBe(16);
  });

  it("says how each package was found in CycloneDX, SPDX and JSON", async () => {
    const cdx = JSON.parse(getWriter("cyclonedx-json").write(declared)) as { components: { name: string; version: string; properties?: { name: string; value: string }[] }[] };
    const evidenceOf = (name: string, version: string): string[] =>
      (cdx.components.find((c) => c.name === name && c.version === version)?.properties ?? []).filter((p) => p.name === "bulwark:evidence").map((p) => p.value);
    expect(evidenceOf("fsevents", "2.3.3")).toEqual(["declared"]);
    expect(evidenceOf("chokidar", "3.5.3")).toEqual(["installed"]);
    const spdx = JSON.parse(getWriter("spdx-json").write(declared)) as { packages: { name: string; versionInfo?: string; sourceInfo?: string }[] };
    expect(spdx.packages.find((p) => p.name === "fsevents")?.sourceInfo).toMatch(/^declared: /);
    expect(spdx.packages.find((p) => p.name === "chokidar")?.sourceInfo).toMatch(/^installed: /);
    const json = JSON.parse(getWriter("json").write(declared)) as Report;
    expect(json.packages.find((p) => p.name === "fsevents")?.evidence).toBe("declared");
    // And back: Bulwark's own SBOMs keep the evidence when scanned as sbom: targets.
    for (const format of ["cyclonedx-json", "spdx-json"]) {
      const file = join(dir, `round.${format}`);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, getWriter(format).write(declared));
      const back = await scan(`sbom:${file}`, opts);
      expect(back.packages.find((p) => p.name === "fsevents")?.evidence, format).toBe("declared");
      expect(back.packages.find((p) => p.name === "chokidar")?.evidence, format).toBe("installed");
    }
  });

  it("the CLI takes --include-declared on sbom and scan", () => {
    const run = (...args: string[]): Report => JSON.parse(execFileSync(process.execPath, [BIN, ...args, "--format", "json", "--no-cache", "-q"], { encoding: "utf8" })) as Report;
    expect(keys(run("sbom", ROOTFS))).toEqual(keys(rootfs));
    expect(keys(run("sbom", ROOTFS, "--include-declared"))).toEqual(keys(declared));
    expect(keys(run("sbom", `dir:${ROOTFS}`))).toEqual(keys(project));
  });
});
