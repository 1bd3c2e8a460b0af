// report.unchecked from the vulnerability step, against real databases: the bundled PyPI mirror
// (examples/osv-mirror, real records) and repositories built for the case.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOsvLayout } from "../../test/vulndb/data.js";
import type { Package, Report } from "../model/index.js";
import { importPaths } from "../vulndb/index.js";
import { addVulnerabilities } from "./vulns.js";

const MIRROR = new URL("../../examples/osv-mirror", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-vulns-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const now = new Date();

function pkg(type: string, name: string, version: string, extra: Partial<Package> = {}): Package {
  const ns = type === "deb" ? "debian/" : "";
  return { type, name, version, purl: `pkg:${type}/${ns}${name}@${version}`, source: null, licenses: [], locations: [{ path: "/x" }], ...extra };
}

function report(): Report {
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0" },
    artifact: { target: "t", type: "dir", os: { family: "debian", version: "12" }, layers: [] },
    packages: [
      pkg("deb", "libc6", "2.36-9", { source: { name: "glibc", version: "2.36-9" } }),
      pkg("deb", "python3-yaml", "6.0-3"),
      pkg("pypi", "PyYAML", "6.0", { ownedBy: "pkg:deb/debian/python3-yaml@6.0-3" }),
      pkg("pypi", "jinja2", "3.1.4"),
      pkg("generic", "node", "20.20.2"),
    ],
    vulnerabilities: [],
    secrets: [],
    misconfigurations: [],
    errors: [],
  };
}

describe("addVulnerabilities: unchecked packages", () => {
  it("lists the ecosystems the database has no records of, and those without an advisory source", async () => {
    const db = join(work, "pypi.sqlite");
    await importPaths(db, [join(MIRROR, "PyPI")]);
    for (const [flag, opts] of [["--offline", { offline: true }], ["--skip-db-update", { skipDbUpdate: true }]] as const) {
      const r = report();
      await addVulnerabilities(r, { db, ignoreFile: false, ...opts }, now);
      expect(r.unchecked).toEqual([
        // libc6, python3-yaml and the PyYAML it owns: Debian's advisories would have covered all three.
        { ecosystem: "Debian:12", packages: 3, reason: `no Debian:12 advisories in the database: not downloaded under ${flag}`, cause: "advisories-missing" },
        { ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" },
      ]);
      // jinja2 was checked, against the real records.
      expect(r.vulnerabilities.map((v) => v.id).sort()).toEqual(["CVE-2024-56201", "CVE-2024-56326", "CVE-2025-27516"]);
      expect(r.errors).toEqual([]);
    }
    // Matched as a PyPI package, PyYAML leaves the Debian count (and is checked: PyPI is there).
    const owned = report();
    await addVulnerabilities(owned, { db, ignoreFile: false, offline: true, matchOsOwned: true }, now);
    expect(owned.unchecked?.find((u) => u.ecosystem === "Debian:12")?.packages).toBe(2);
  });

  it("is empty when every package was checked", async () => {
    const db = join(work, "pypi-only.sqlite");
    await importPaths(db, [join(MIRROR, "PyPI")]);
    const r = report();
    r.packages = r.packages.filter((p) => p.type === "pypi" && !p.ownedBy);
    await addVulnerabilities(r, { db, ignoreFile: false, offline: true }, now);
    expect(r.unchecked).toEqual([]);
    expect(r.vulnerabilities).toHaveLength(3);
  });

  it("a repository whose export of an ecosystem is empty: unchecked, with nothing to blame", async () => {
    const repo = join(work, "repo-empty-debian");
    cpSync(MIRROR, repo, { recursive: true });
    writeOsvLayout(repo, "Debian", []);
    const db = join(work, "empty-debian.sqlite");
    const r = report();
    await addVulnerabilities(r, { db, dbRepository: repo, ignoreFile: false }, now);
    expect(r.unchecked?.[0]).toEqual({ ecosystem: "Debian:12", packages: 3, reason: "no Debian:12 advisories in the database", cause: "advisories-missing" });
    expect(r.vulnerabilities).toHaveLength(3);
    expect(r.errors).toEqual([]);
  });

  it("a download that fails: unchecked when the database has none of the ecosystem, a warning when it has old records", async () => {
    const db = join(work, "fails.sqlite");
    await importPaths(db, [join(MIRROR, "PyPI")]);
    const repo = join(work, "repo-nothing");
    writeOsvLayout(repo, "Go", []);
    const r = report();
    await addVulnerabilities(r, { db, dbRepository: repo, ignoreFile: false }, now);
    expect(r.unchecked?.[0]).toEqual({ ecosystem: "Debian:12", packages: 3, reason: `no Debian:12 advisories in the database: download failed: ${join(repo, "Debian", "all.zip")} not found`, cause: "advisories-missing" });
    expect(r.errors).toEqual([{ source: "vulndb", message: `could not update PyPI advisories: ${join(repo, "PyPI", "all.zip")} not found (using the existing ones)` }]);
    expect(r.vulnerabilities).toHaveLength(3);
  });

  it("no database and nothing downloaded: an error that says why, and no empty database left", async () => {
    const db = join(work, "never.sqlite");
    const repo = join(work, "repo-nothing-2");
    writeOsvLayout(repo, "Go", []);
    await expect(addVulnerabilities(report(), { db, dbRepository: repo, ignoreFile: false }, now)).rejects.toThrow(
      `no advisory database at ${db}: downloading Debian, PyPI advisories failed (${join(repo, "Debian", "all.zip")} not found); check the network and --db-repository, or import advisories with "bulwark db import PATH"`,
    );
    expect(existsSync(db)).toBe(false);
  });
});
