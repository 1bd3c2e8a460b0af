import { describe, expect, it } from "vitest";
import type { OSInfo, OsvRecord, Vulnerability } from "../model/index.js";
import { ecosystemsFor } from "./coverage.js";
import { matchPackages } from "./matcher.js";
import { allGoRecords, apiSnapshotRecords, goRecords, localRecords, memorySource, pkg, ubuntuSample } from "./test-support/advisories.js";

const debian9: OSInfo = { family: "debian", version: "9", codename: "stretch" };
const debian12: OSInfo = { family: "debian", version: "12" };
const ubuntu2204: OSInfo = { family: "ubuntu", version: "22.04" };
const ubuntu1604: OSInfo = { family: "ubuntu", version: "16.04" };
const alpine316: OSInfo = { family: "alpine", version: "3.16.9" };
const alpine324: OSInfo = { family: "alpine", version: "3.24.1" };

const local = memorySource(localRecords());
const byId = (vulns: Vulnerability[]) => Object.fromEntries(vulns.map((v) => [v.id, v]));
const ids = (vulns: Vulnerability[]) => vulns.map((v) => v.id);

describe("Debian (DSA/DLA records, keyed by source package)", () => {
  it("reports a binary through its source package below the fix, with the notice as an alias", () => {
    const libssl = pkg({ name: "libssl1.1", version: "1.1.0l-1~deb9u5", source: ["openssl", "1.1.0l-1~deb9u5"] });
    const [v, ...rest] = matchPackages([libssl], debian9, local);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      id: "CVE-2022-1292",
      aliases: ["DEBIAN-CVE-2022-1292", "DLA-3008-1"],
      package: { type: "deb", name: "libssl1.1", version: "1.1.0l-1~deb9u5", purl: libssl.purl },
      installedVersion: "1.1.0l-1~deb9u5",
      fixedVersions: ["1.1.0l-1~deb9u6"],
      status: "fixed",
      title: "openssl - security update",
      source: { id: "DLA-3008-1", ecosystem: "Debian:9" },
      matchedBy: { name: "openssl", version: "1.1.0l-1~deb9u5" },
      publishedAt: "2022-05-14T00:00:00Z",
      modifiedAt: "2026-03-09T01:23:33.375630Z",
    });
    expect(v!.package.layer).toEqual(libssl.locations[0]!.layer);
  });

  it("does not report the fixed version, a later one, or another Debian release", () => {
    const at = (version: string) => pkg({ name: "libssl1.1", version, source: ["openssl", version] });
    expect(matchPackages([at("1.1.0l-1~deb9u6")], debian9, local)).toEqual([]);
    expect(matchPackages([at("1.1.1n-0+deb10u3")], debian9, local)).toEqual([]);
    expect(matchPackages([at("1.1.0l-1~deb9u5")], debian12, local)).toEqual([]);
  });

  it("compares the source version, not the binary's (binNMU)", () => {
    // A binNMU rebuild has its own +bN version; the advisory is about the source upload.
    const libxml = pkg({ name: "libxml2", version: "2.9.4+dfsg1-2.2+deb9u6+b1", source: ["libxml2", "2.9.4+dfsg1-2.2+deb9u6"] });
    const [v] = matchPackages([libxml], debian9, local);
    expect(v).toMatchObject({ id: "CVE-2022-29824", fixedVersions: ["2.9.4+dfsg1-2.2+deb9u7"], matchedBy: { name: "libxml2", version: "2.9.4+dfsg1-2.2+deb9u6" } });
  });

  it("matches a package that is its own source, without matchedBy", () => {
    const [v] = matchPackages([pkg({ name: "dpkg", version: "1.18.25" })], debian9, local);
    expect(v).toMatchObject({ id: "CVE-2022-1664", aliases: ["DEBIAN-CVE-2022-1664", "DLA-3022-1"], fixedVersions: ["1.18.26"] });
    expect(v!.matchedBy).toBeUndefined();
  });

  it("keeps the notice id when the notice names no CVE", () => {
    const [v] = matchPackages([pkg({ name: "tzdata", version: "2021a-0+deb9u1" })], debian9, local);
    expect(v).toMatchObject({ id: "DLA-3051-1", aliases: [], fixedVersions: ["2021a-0+deb9u4"], severity: "UNKNOWN" });
  });

  it("merges a DEBIAN-CVE record with the DLA that fixed it", () => {
    // DEBIAN-CVE-… records have the shape of the Debian tracker export: the CVE in `upstream`,
    // the CVE text in details, the tracker urgency per release.
    const tracker: OsvRecord = {
      id: "DEBIAN-CVE-2022-1292",
      modified: "2026-03-09T00:00:00Z",
      published: "2022-05-03T16:15:00Z",
      upstream: ["CVE-2022-1292"],
      details: "The c_rehash script does not properly sanitise shell metacharacters to prevent command injection.",
      affected: [
        {
          package: { name: "openssl", ecosystem: "Debian:9", purl: "pkg:deb/debian/openssl?arch=source" },
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.1.0l-1~deb9u6" }] }],
          ecosystem_specific: { urgency: "not yet assigned" },
        },
      ],
    };
    const source = memorySource([...localRecords(), tracker]);
    const vulns = matchPackages([pkg({ name: "openssl", version: "1.1.0l-1~deb9u1" })], debian9, source);
    expect(vulns).toHaveLength(1);
    expect(vulns[0]).toMatchObject({
      id: "CVE-2022-1292",
      aliases: ["DEBIAN-CVE-2022-1292", "DLA-3008-1"],
      fixedVersions: ["1.1.0l-1~deb9u6"],
      title: "openssl - security update",
      description: tracker.details,
      publishedAt: "2022-05-03T16:15:00Z",
    });
  });

  it("marks findings Debian rates unimportant, and left unfixed, as will_not_fix", () => {
    const tracker: OsvRecord = {
      id: "DEBIAN-CVE-2010-4756",
      modified: "2026-01-01T00:00:00Z",
      upstream: ["CVE-2010-4756"],
      details: "The glob implementation in the GNU C Library allows remote authenticated users to cause a denial of service.",
      affected: [
        {
          package: { name: "glibc", ecosystem: "Debian:12" },
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
          ecosystem_specific: { urgency: "unimportant" },
        },
      ],
    };
    const [v] = matchPackages([pkg({ name: "libc6", version: "2.36-9+deb12u7", source: ["glibc", "2.36-9+deb12u7"] })], debian12, memorySource([tracker]));
    expect(v).toMatchObject({ id: "CVE-2010-4756", status: "will_not_fix", fixedVersions: [], severity: "LOW" });
  });
});

describe("kernel advisories and header-only packages", () => {
  // No kernel record is in the real data available to the tests, so these two follow the
  // published shapes exactly: a Debian record on source `linux`, and an Ubuntu notice whose
  // `binaries` list names the binaries built.
  const debianKernel: OsvRecord = {
    id: "DSA-5999-1",
    modified: "2026-01-01T00:00:00Z",
    upstream: ["CVE-2026-1000", "DEBIAN-CVE-2026-1000"],
    summary: "linux - security update",
    affected: [
      {
        package: { name: "linux", ecosystem: "Debian:12", purl: "pkg:deb/debian/linux?arch=source" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "6.1.99-1" }] }],
      },
    ],
  };
  const ubuntuKernel: OsvRecord = {
    id: "USN-9999-1",
    modified: "2026-01-01T00:00:00Z",
    upstream: ["CVE-2026-2000", "UBUNTU-CVE-2026-2000"],
    summary: "linux vulnerability",
    affected: [
      {
        package: { name: "linux", ecosystem: "Ubuntu:22.04:LTS", purl: "pkg:deb/ubuntu/linux?arch=source&distro=jammy" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "5.15.0-140.150" }] }],
        ecosystem_specific: {
          availability: "No subscription required",
          binaries: [
            { binary_name: "linux-image-5.15.0-140-generic", binary_version: "5.15.0-140.150" },
            { binary_name: "linux-libc-dev", binary_version: "5.15.0-140.150" },
          ],
        },
      },
    ],
  };

  it("does not report a kernel CVE against linux-libc-dev or linux-headers-*", () => {
    const source = memorySource([debianKernel]);
    const packages = [
      pkg({ name: "linux-libc-dev", version: "6.1.90-1", source: ["linux", "6.1.90-1"] }),
      pkg({ name: "linux-headers-6.1.0-21-amd64", version: "6.1.90-1", source: ["linux", "6.1.90-1"] }),
      pkg({ name: "linux-image-6.1.0-21-amd64", version: "6.1.90-1", source: ["linux", "6.1.90-1"] }),
    ];
    const vulns = matchPackages(packages, debian12, source);
    expect(vulns.map((v) => [v.id, v.package.name])).toEqual([["CVE-2026-1000", "linux-image-6.1.0-21-amd64"]]);
  });

  it("reports it when the advisory names the header package itself", () => {
    const vulns = matchPackages(
      [pkg({ name: "linux-libc-dev", version: "5.15.0-139.149", source: ["linux", "5.15.0-139.149"] }, "ubuntu")],
      ubuntu2204,
      memorySource([ubuntuKernel]),
    );
    expect(vulns.map((v) => [v.id, v.package.name, v.fixedVersions])).toEqual([["CVE-2026-2000", "linux-libc-dev", ["5.15.0-140.150"]]]);
  });
});

describe("RPM distributions (binary names, then the source RPM)", () => {
  // Shaped like Red Hat's OSV export (RHSA ids, streams in the ecosystem, epoch in versions,
  // every CVE fixed in `upstream`); no RHSA record is in the data available to the tests.
  const rhsa: OsvRecord = {
    id: "RHSA-2024:2447",
    modified: "2024-05-01T00:00:00Z",
    upstream: ["CVE-2023-5678", "CVE-2024-0727"],
    summary: "Moderate: openssl security update",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" }],
    affected: [
      ...["Red Hat:enterprise_linux:9::appstream", "Red Hat:enterprise_linux:9::baseos"].map((ecosystem) => ({
        package: { ecosystem, name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:3.0.7-27.el9" }] }],
      })),
      {
        package: { ecosystem: "Red Hat:rhel_eus:9.2::baseos", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:3.0.7-20.el9_2" }] }],
      },
    ],
  };
  const rhel9: OSInfo = { family: "rhel", version: "9.3" };

  it("matches a binary by name and a subpackage through its source RPM, one finding per CVE", () => {
    const packages = [
      pkg({ type: "rpm", name: "openssl", version: "1:3.0.7-24.el9", source: ["openssl", "1:3.0.7-24.el9"] }, "redhat"),
      pkg({ type: "rpm", name: "openssl-libs", version: "1:3.0.7-24.el9", source: ["openssl", "1:3.0.7-24.el9"] }, "redhat"),
    ];
    const vulns = matchPackages(packages, rhel9, memorySource([rhsa]));
    expect(vulns.map((v) => [v.id, v.package.name, v.aliases, v.fixedVersions, v.severity, v.matchedBy?.name])).toEqual([
      ["CVE-2023-5678", "openssl", ["RHSA-2024:2447"], ["1:3.0.7-27.el9"], "HIGH", undefined],
      ["CVE-2023-5678", "openssl-libs", ["RHSA-2024:2447"], ["1:3.0.7-27.el9"], "HIGH", "openssl"],
      ["CVE-2024-0727", "openssl", ["RHSA-2024:2447"], ["1:3.0.7-27.el9"], "HIGH", undefined],
      ["CVE-2024-0727", "openssl-libs", ["RHSA-2024:2447"], ["1:3.0.7-27.el9"], "HIGH", "openssl"],
    ]);
    // The EUS stream's older fix is another product's.
    expect(matchPackages([packages[0]!], { family: "rhel", version: "8.9" }, memorySource([rhsa]))).toEqual([]);
  });

  it("does not report kernel advisories against kernel-headers through the source RPM", () => {
    const kernel: OsvRecord = {
      id: "RHSA-2024:3138",
      modified: "2024-05-22T00:00:00Z",
      upstream: ["CVE-2024-26602"],
      affected: [{ package: { ecosystem: "Red Hat:enterprise_linux:9::baseos", name: "kernel" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "0:5.14.0-427.16.1.el9_4" }] }] }],
    };
    const headers = pkg({ type: "rpm", name: "kernel-headers", version: "0:5.14.0-362.8.1.el9_3", source: ["kernel", "0:5.14.0-362.8.1.el9_3"] }, "redhat");
    const core = pkg({ type: "rpm", name: "kernel-core", version: "0:5.14.0-362.8.1.el9_3", source: ["kernel", "0:5.14.0-362.8.1.el9_3"] }, "redhat");
    expect(matchPackages([headers, core], rhel9, memorySource([kernel])).map((v) => v.package.name)).toEqual(["kernel-core"]);
  });
});

describe("Alpine (ALPINE-CVE records, keyed by origin)", () => {
  it("matches through the origin package, per Alpine release", () => {
    const utils = pkg({ type: "apk", name: "musl-utils", version: "1.2.3-r3", source: ["musl", "1.2.3-r3"] }, "alpine");
    const [v] = matchPackages([utils], alpine316, local);
    expect(v).toMatchObject({
      id: "CVE-2025-26519",
      aliases: ["ALPINE-CVE-2025-26519"],
      fixedVersions: ["1.2.3-r4"],
      severity: "HIGH",
      cvss: [{ version: "3.1", vector: "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", score: 7, source: "ALPINE-CVE-2025-26519" }],
      source: { id: "ALPINE-CVE-2025-26519", ecosystem: "Alpine:v3.16" },
      matchedBy: { name: "musl", version: "1.2.3-r3" },
      references: ["https://security.alpinelinux.org/vuln/CVE-2025-26519"],
    });
    const musl = pkg({ type: "apk", name: "musl", version: "1.2.5-r9", source: ["musl", "1.2.5-r9"] }, "alpine");
    expect(matchPackages([musl], alpine324, local).map((x) => x.fixedVersions)).toEqual([["1.2.5-r10"]]);
    expect(matchPackages([{ ...musl, version: "1.2.3-r4", source: { name: "musl", version: "1.2.3-r4" } }], alpine316, local)).toEqual([]);
    // Before the range's `introduced`.
    expect(matchPackages([{ ...musl, version: "0.9.12-r0", source: { name: "musl", version: "0.9.12-r0" } }], alpine316, local)).toEqual([]);
  });
});

describe("Ubuntu (USN records, keyed by source package)", () => {
  it("splits a notice into one finding per CVE that applies to the release", () => {
    const libc6 = pkg({ name: "libc6", version: "2.35-0ubuntu3.8", source: ["glibc", "2.35-0ubuntu3.8"] }, "ubuntu");
    const vulns = matchPackages([libc6], ubuntu2204, local);
    // CVE-2026-4437/4438 are in the notice but "only affected Ubuntu 24.04 LTS".
    expect(ids(vulns).sort()).toEqual(["CVE-2026-4046", "CVE-2026-5435", "CVE-2026-5450", "CVE-2026-5928", "CVE-2026-6238"]);
    const v = byId(vulns);
    expect(v["CVE-2026-5450"]).toMatchObject({
      aliases: ["UBUNTU-CVE-2026-5450", "USN-8611-1"],
      fixedVersions: ["2.35-0ubuntu3.14"],
      severity: "CRITICAL",
      cvss: [{ version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8 }],
      source: { id: "USN-8611-1", ecosystem: "Ubuntu:22.04:LTS" },
      matchedBy: { name: "glibc", version: "2.35-0ubuntu3.8" },
    });
    expect(v["CVE-2026-6238"]!.severity).toBe("MEDIUM");
    expect(v["CVE-2026-4046"]!.severity).toBe("HIGH");
    // Severity first, then id.
    expect(ids(vulns)[0]).toBe("CVE-2026-5450");
  });

  it("uses the release's CVE map even when the notice lists more CVEs", () => {
    const coreutils = pkg({ name: "coreutils", version: "8.32-4.1ubuntu1.3" }, "ubuntu");
    const vulns = matchPackages([coreutils], ubuntu2204, local);
    expect(vulns.map((v) => [v.id, v.aliases, v.fixedVersions, v.severity])).toEqual([
      ["CVE-2025-5278", ["UBUNTU-CVE-2025-5278", "USN-8697-1"], ["8.32-4.1ubuntu1.4"], "MEDIUM"],
    ]);
  });

  it("matches Ubuntu Pro (ESM) advisories only when asked", () => {
    const libssl = pkg({ name: "libssl1.0.0", version: "1.0.2g-1ubuntu4.20+esm8", source: ["openssl", "1.0.2g-1ubuntu4.20+esm8"] }, "ubuntu");
    const source = memorySource([ubuntuSample()]);
    expect(matchPackages([libssl], ubuntu1604, source)).toEqual([]);
    const [v] = matchPackages([libssl], ubuntu1604, source, { ubuntuPro: true });
    expect(v).toMatchObject({
      id: "CVE-2023-2650",
      aliases: ["UBUNTU-CVE-2023-2650", "USN-6188-1"],
      fixedVersions: ["1.0.2g-1ubuntu4.20+esm9"],
      severity: "MEDIUM",
      source: { id: "USN-6188-1", ecosystem: "Ubuntu:Pro:16.04:LTS" },
    });
  });
});

describe("language packages", () => {
  const jinja = memorySource(apiSnapshotRecords());

  it("merges GHSA and PYSEC records of one CVE (jinja2 3.1.4, as osv.dev answers)", () => {
    const vulns = matchPackages([pkg({ type: "pypi", name: "Jinja2", version: "3.1.4" })], null, jinja);
    expect(vulns.map((v) => [v.id, v.aliases, v.fixedVersions])).toEqual([
      ["CVE-2024-56201", ["GHSA-gmj6-6f8f-6699", "PYSEC-2026-1472"], ["3.1.5"]],
      ["CVE-2024-56326", ["GHSA-q2x7-8rv6-6q7h", "PYSEC-2026-1475"], ["3.1.5"]],
      ["CVE-2025-27516", ["GHSA-cpwx-vrp4-4pq7", "PYSEC-2026-1471"], ["3.1.6"]],
    ]);
    // v3.1 is preferred to the v4.0 vector the same advisory carries.
    expect(vulns[0]).toMatchObject({ severity: "HIGH", title: "Jinja has a sandbox breakout through malicious filenames" });
    expect(vulns[0]!.cvss.map((c) => [c.version, c.score])).toEqual([
      ["3.1", 8.8],
      ["4.0", 5.4],
    ]);
    expect(matchPackages([pkg({ type: "pypi", name: "jinja2", version: "3.1.6" })], null, jinja)).toEqual([]);
  });

  it("normalises PyPI names: Django and django are one project", () => {
    const vulns = matchPackages([pkg({ type: "pypi", name: "Django", version: "3.2.3" })], null, local);
    expect(vulns.map((v) => [v.id, v.aliases, v.fixedVersions])).toEqual([
      ["CVE-2021-33203", ["BIT-django-2021-33203", "GHSA-68w8-qjq3-2gfm", "PYSEC-2021-98"], ["3.2.4"]],
    ]);
    expect(matchPackages([pkg({ type: "pypi", name: "Django", version: "3.2.4" })], null, local)).toEqual([]);
    expect(matchPackages([pkg({ type: "pypi", name: "django", version: "2.2.23" })], null, local)[0]!.fixedVersions).toEqual(["2.2.24"]);
  });

  it("matches npm and Maven (group:artifact from the purl)", () => {
    const npm = matchPackages([pkg({ type: "npm", name: "ansi-html", version: "0.0.7" })], null, local);
    expect(npm).toMatchObject([{ id: "CVE-2021-23424", aliases: ["GHSA-whgm-jr23-g3j9"], severity: "HIGH", fixedVersions: ["0.0.8"] }]);
    const junit = pkg({ type: "maven", name: "junit", version: "4.12", purl: "pkg:maven/junit/junit@4.12" });
    expect(matchPackages([junit], null, local)).toMatchObject([{ id: "CVE-2020-15250", severity: "MEDIUM", fixedVersions: ["4.13.1"] }]);
    expect(matchPackages([{ ...junit, version: "4.6", purl: "pkg:maven/junit/junit@4.6" }], null, local)).toEqual([]);
  });

  it("matches the Go standard library and modules from go-vulndb", () => {
    const source = memorySource(goRecords(["GO-2024-2887", "GO-2024-2687"]));
    const stdlib = pkg({ type: "golang", name: "stdlib", version: "go1.22.1", purl: "pkg:golang/stdlib@1.22.1" });
    const vulns = matchPackages([stdlib], null, source);
    expect(vulns.map((v) => [v.id, v.aliases, v.fixedVersions, v.severity])).toEqual([
      ["CVE-2023-45288", ["GHSA-4v7x-pqxf-cx7m", "GO-2024-2687"], ["1.22.2"], "UNKNOWN"],
      ["CVE-2024-24790", ["GO-2024-2887"], ["1.22.4"], "UNKNOWN"],
    ]);
    expect(matchPackages([{ ...stdlib, version: "go1.21.10" }], null, source).map((v) => v.fixedVersions)).toEqual([["1.21.11"]]);
    expect(matchPackages([{ ...stdlib, version: "go1.22.4" }], null, source)).toEqual([]);
    const xnet = pkg({ type: "golang", name: "golang.org/x/net", version: "v0.22.0", purl: "pkg:golang/golang.org/x/net@v0.22.0" });
    expect(matchPackages([xnet], null, source).map((v) => [v.id, v.fixedVersions])).toEqual([["CVE-2023-45288", ["0.23.0"]]]);
  });

  it("skips withdrawn records once withdrawn", () => {
    const source = memorySource(goRecords(["GO-2022-0617"]));
    const kube = pkg({ type: "golang", name: "k8s.io/kubernetes", version: "v1.29.0", purl: "pkg:golang/k8s.io/kubernetes@v1.29.0" });
    expect(matchPackages([kube], null, source, { now: new Date("2024-01-01T00:00:00Z") })).toMatchObject([
      { id: "CVE-2020-8562", status: "affected", fixedVersions: [] },
    ]);
    expect(matchPackages([kube], null, source, { now: new Date("2024-08-22T00:00:00Z") })).toEqual([]);
  });

  it("skips packages an OS package owns unless asked", () => {
    const owned = pkg({ type: "npm", name: "ansi-html", version: "0.0.7", metadata: { ownedBy: "pkg:deb/debian/node-ansi-html@0.0.7-1" } });
    expect(matchPackages([owned], null, local)).toEqual([]);
    expect(matchPackages([owned], null, local, { matchOsOwned: true })).toHaveLength(1);
  });

  it("rates malicious-package advisories CRITICAL", () => {
    const mal: OsvRecord = {
      id: "MAL-2024-1234",
      modified: "2024-01-01T00:00:00Z",
      summary: "Malicious code in evil-pkg (npm)",
      affected: [{ package: { ecosystem: "npm", name: "evil-pkg" }, versions: ["1.0.0"] }],
      database_specific: { "malicious-packages-origins": [{ source: "ghsa-malware" }] },
    };
    const [v] = matchPackages([pkg({ type: "npm", name: "evil-pkg", version: "1.0.0" })], null, memorySource([mal]));
    expect(v).toMatchObject({ id: "MAL-2024-1234", severity: "CRITICAL", malicious: true, status: "affected" });
  });
});

describe("matchPackages as a whole", () => {
  it("sorts by severity, id, package name and version, whatever the input order", () => {
    const packages = [
      pkg({ type: "npm", name: "ansi-html", version: "0.0.7" }),
      pkg({ type: "pypi", name: "Django", version: "3.2.3" }),
      pkg({ type: "maven", name: "junit", version: "4.12", purl: "pkg:maven/junit/junit@4.12" }),
      pkg({ type: "npm", name: "ansi-html", version: "0.0.6" }),
    ];
    const forward = matchPackages(packages, null, local);
    expect(matchPackages([...packages].reverse(), null, local)).toEqual(forward);
    expect(forward.map((v) => [v.severity, v.id, v.package.version])).toEqual([
      ["HIGH", "CVE-2021-23424", "0.0.6"],
      ["HIGH", "CVE-2021-23424", "0.0.7"],
      ["MEDIUM", "CVE-2020-15250", "4.12"],
      ["UNKNOWN", "CVE-2021-33203", "3.2.3"],
    ]);
  });

  it("asks the source once per source package, not once per binary", () => {
    const source = memorySource(localRecords());
    const binaries = ["libc6", "libc-bin", "locales"].map((name) => pkg({ name, version: "2.35-0ubuntu3.8", source: ["glibc", "2.35-0ubuntu3.8"] }, "ubuntu"));
    const vulns = matchPackages(binaries, ubuntu2204, source);
    expect(vulns).toHaveLength(15);
    expect(source.queries).toEqual(["Ubuntu/glibc"]);
  });

  // The in-repo go-vulndb subset holds every record of these three modules, so the answer is
  // the one the whole database gives (other records are never looked up for them).
  it("reports each vulnerability once per package across every go-vulndb record of stdlib, x/net and x/crypto", () => {
    const source = memorySource(allGoRecords());
    const packages = [
      pkg({ type: "golang", name: "stdlib", version: "go1.20.0", purl: "pkg:golang/stdlib@1.20.0" }),
      pkg({ type: "golang", name: "golang.org/x/net", version: "v0.1.0", purl: "pkg:golang/golang.org/x/net@v0.1.0" }),
      pkg({ type: "golang", name: "golang.org/x/crypto", version: "v0.1.0", purl: "pkg:golang/golang.org/x/crypto@v0.1.0" }),
    ];
    const vulns = matchPackages(packages, null, source, { now: new Date("2026-09-01T00:00:00Z") });
    expect(vulns.length).toBeGreaterThan(50);
    for (const name of ["stdlib", "golang.org/x/net", "golang.org/x/crypto"]) {
      const mine = vulns.filter((v) => v.package.name === name);
      expect(mine.length, name).toBeGreaterThan(3);
      const names = mine.flatMap((v) => [v.id, ...v.aliases]);
      expect(new Set(names).size, name).toBe(names.length);
    }
    for (const v of vulns) {
      expect(v.id === v.source.id || v.aliases.includes(v.source.id)).toBe(true);
      expect(v.status === "fixed").toBe(v.fixedVersions.length > 0);
    }
    expect(matchPackages([...packages].reverse(), null, source, { now: new Date("2026-09-01T00:00:00Z") })).toEqual(vulns);
  });

  it("matches nothing for OS packages without a known OS", () => {
    expect(matchPackages([pkg({ name: "dpkg", version: "1.18.25" })], null, local)).toEqual([]);
    expect(matchPackages([pkg({ name: "dpkg", version: "1.18.25" })], { family: "fedora", version: "40" }, local)).toEqual([]);
  });
});

describe("ecosystemsFor", () => {
  it("names the OSV ecosystems a scan needs", () => {
    const packages = [
      pkg({ name: "libc6", version: "2.36-9", source: ["glibc", "2.36-9"] }),
      pkg({ type: "npm", name: "lodash", version: "4.17.21" }),
      pkg({ type: "pypi", name: "requests", version: "2.31.0" }),
      pkg({ type: "golang", name: "stdlib", version: "go1.22.1" }),
      pkg({ type: "gem", name: "rack", version: "3.0.0", metadata: { ownedBy: "pkg:deb/debian/ruby-rack@3.0.0-1" } }),
      pkg({ type: "generic", name: "thing", version: "1" }),
    ];
    expect(ecosystemsFor(packages, debian12)).toEqual(["Debian", "Go", "PyPI", "npm"]);
    expect(ecosystemsFor(packages, debian12, { matchOsOwned: true })).toEqual(["Debian", "Go", "PyPI", "RubyGems", "npm"]);
    expect(ecosystemsFor(packages, null)).toEqual(["Go", "PyPI", "npm"]);
    expect(ecosystemsFor([pkg({ type: "rpm", name: "openssl-libs", version: "1:3.0.7-27.el9" })], { family: "rhel", version: "9.4" })).toEqual(["Red Hat"]);
  });
});
