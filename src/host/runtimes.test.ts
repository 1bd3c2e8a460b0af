// The container runtimes on a host: Debian's runc through dpkg and the Debian advisory, and Go
// binaries whose build info carries a vulnerable runc/containerd module version (built here,
// offline, with `go build -mod=vendor`), matched with real Go vulnerability records.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPaths } from "../index.js";
import { missingTool } from "../../test/support/tools.js";
import { checkHost, type HostReport } from "./index.js";

const FIXTURES = join(import.meta.dirname, "../../test/fixtures");
const ADVISORIES = join(FIXTURES, "host-advisories");
const tmp = mkdtempSync(join(tmpdir(), "bulwark-host-rt-"));
const db = join(tmp, "db.sqlite");
const noGo = missingTool("Go runtime binaries", ["go"]);

/** A Go program whose build info names `module` at `version` as a dependency (vendored, no network). */
export function buildStub(dir: string, module: string, version: string, out: string): void {
  mkdirSync(join(dir, "vendor", module, "pkg"), { recursive: true });
  writeFileSync(join(dir, "go.mod"), `module example.com/runtime-stub\n\ngo 1.19\n\nrequire ${module} ${version}\n`);
  writeFileSync(join(dir, "vendor/modules.txt"), `# ${module} ${version}\n## explicit; go 1.17\n${module}/pkg\n`);
  writeFileSync(join(dir, "vendor", module, "pkg/pkg.go"), `package pkg\n\nfunc Name() string { return "stub" }\n`);
  writeFileSync(join(dir, "main.go"), `package main\n\nimport (\n\t"fmt"\n\n\t"${module}/pkg"\n)\n\nfunc main() { fmt.Println(pkg.Name()) }\n`);
  execFileSync("go", ["build", "-o", out, "."], {
    cwd: dir,
    env: { ...process.env, GOFLAGS: "-mod=vendor", GOPROXY: "off", GOCACHE: join(tmp, "gocache"), GOPATH: join(tmp, "gopath"), CGO_ENABLED: "0" },
    stdio: "pipe",
  });
}

let vulnerable: HostReport;
let fixed: HostReport;
const root = join(tmp, "root");

beforeAll(async () => {
  await importPaths(db, [join(ADVISORIES, "go-vulndb/data/osv"), join(ADVISORIES, "debian")]);
  cpSync(join(FIXTURES, "host-runtimes/debian12"), root, { recursive: true });
  if (!noGo) {
    mkdirSync(join(root, "usr/local/bin"), { recursive: true });
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    buildStub(join(tmp, "runc-src"), "github.com/opencontainers/runc", "v1.1.11", join(root, "usr/local/bin/runc"));
    buildStub(join(tmp, "containerd-src"), "github.com/containerd/containerd", "v1.6.0", join(root, "usr/bin/containerd"));
  }
  vulnerable = await checkHost({ root, vuln: { db, offline: true } });
  const fixedRoot = join(tmp, "fixed");
  cpSync(join(FIXTURES, "host-runtimes/debian12"), fixedRoot, { recursive: true });
  const status = join(fixedRoot, "var/lib/dpkg/status");
  writeFileSync(status, readFileSync(status, "utf8").replace("Version: 1.1.5+ds1-1\n", "Version: 1.1.5+ds1-1+deb12u1\n"));
  fixed = await checkHost({ root: fixedRoot, vuln: { db, offline: true } });
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("container runtimes on the host", () => {
  it("finds Debian's runc and podman through dpkg and recognises Leaky Vessels from the Debian advisory", () => {
    const runc = vulnerable.runtimes!.find((c) => c.component === "runc" && c.source === "os-package")!;
    expect(runc).toMatchObject({ version: "1.1.5+ds1-1", path: "/var/lib/dpkg/status", package: "runc", checked: true });
    expect(runc.purl).toMatch(/^pkg:deb\/debian\/runc@1\.1\.5(\+|%2B)ds1-1\?.*distro=debian-12/);
    const v = runc.vulnerabilities.find((x) => x.id === "CVE-2024-21626")!;
    expect(v.source).toEqual({ id: "DSA-5615-1", ecosystem: "Debian:12" });
    expect(v.fixedVersions).toEqual(["1.1.5+ds1-1+deb12u1"]);
    expect(v.escape?.name).toMatch(/Leaky Vessels/);
    const podman = vulnerable.runtimes!.find((c) => c.component === "podman")!;
    expect(podman.version).toBe("4.3.1+ds1-8+deb12u1+b3");
    const f = vulnerable.findings.find((x) => x.ruleId === "BW-HOST-100" && x.path === "/var/lib/dpkg/status")!;
    expect(f.severity).toBe("CRITICAL");
    expect(f.message).toContain("CVE-2024-21626");
    expect(f.message).toContain("container escape");
  });

  it("does not flag the fixed Debian version", () => {
    const runc = fixed.runtimes!.find((c) => c.component === "runc")!;
    expect(runc.version).toBe("1.1.5+ds1-1+deb12u1");
    expect(runc.vulnerabilities.map((v) => v.id)).not.toContain("CVE-2024-21626");
    expect(fixed.findings.filter((f) => f.ruleId === "BW-HOST-100")).toEqual([]);
  });

  describe.skipIf(noGo !== undefined)("Go binaries", () => {
    it("reads runc's module version from Go build info (as `go version -m` does) and matches the Go records", () => {
      const bin = join(root, "usr/local/bin/runc");
      const goSays = execFileSync("go", ["version", "-m", bin], { encoding: "utf8" });
      expect(goSays).toMatch(/dep\s+github\.com\/opencontainers\/runc\s+v1\.1\.11/);
      const runc = vulnerable.runtimes!.find((c) => c.component === "runc" && c.source === "go-buildinfo")!;
      expect(runc).toMatchObject({ version: "v1.1.11", path: "/usr/local/bin/runc", checked: true });
      const ids = runc.vulnerabilities.map((v) => v.id);
      // GO-2024-2491 (< 1.1.12) and GO-2025-4096/4097/4098 (< 1.2.8); not GO-2022-0914 (fixed in 1.0.0-rc95).
      expect(ids).toEqual(expect.arrayContaining(["CVE-2024-21626", "CVE-2025-31133", "CVE-2025-52565", "CVE-2025-52881"]));
      expect(ids).not.toContain("CVE-2021-30465");
      expect(runc.vulnerabilities.every((v) => v.escape)).toBe(true);
      expect(runc.vulnerabilities.find((v) => v.id === "CVE-2024-21626")!.source).toEqual({ id: "GO-2024-2491", ecosystem: "Go" });
    });

    it("recognises containerd CVE-2022-23648 in a containerd binary", () => {
      const c = vulnerable.runtimes!.find((x) => x.component === "containerd")!;
      expect(c).toMatchObject({ version: "v1.6.0", source: "go-buildinfo", path: "/usr/bin/containerd" });
      const v = c.vulnerabilities.find((x) => x.id === "CVE-2022-23648")!;
      expect(v.fixedVersions).toEqual(["1.6.1"]);
      expect(v.escape?.meaning).toMatch(/host files/);
      expect(vulnerable.findings.some((f) => f.ruleId === "BW-HOST-100" && f.path === "/usr/bin/containerd")).toBe(true);
    });
  });

  it("reports the inventory without advisories when there is no database, with a note", async () => {
    const r = await checkHost({ root: join(FIXTURES, "host-runtimes/debian12"), vuln: { db: join(tmp, "none.sqlite"), offline: true } });
    expect(r.runtimes!.map((c) => c.component).sort()).toEqual(["podman", "runc"]);
    expect(r.runtimes!.every((c) => !c.checked)).toBe(true);
    expect(r.notes.some((n) => /not matched against advisories: no advisory database/.test(n.message))).toBe(true);
  });
});
