// The Debian sample report with findings, for the SARIF, table and CycloneDX writer tests.
import type { CvssScore, Package, Report, Severity, Suppression, Vulnerability } from "../../../model/index.js";
import { debianReport } from "../../test-support/sample-report.js";

interface FindingInput {
  id: string;
  aliases?: string[];
  severity: Severity;
  cvss?: CvssScore[];
  fixed?: string[];
  status?: Vulnerability["status"];
  title?: string;
  sourceId?: string;
  ecosystem?: string;
  matchedBy?: [string, string];
}

function finding(pkg: Package, f: FindingInput): Vulnerability {
  const layer = pkg.locations[0]?.layer;
  return {
    id: f.id,
    aliases: f.aliases ?? [],
    package: { type: pkg.type, name: pkg.name, version: pkg.version, purl: pkg.purl, ...(layer ? { layer } : {}) },
    installedVersion: pkg.version,
    fixedVersions: f.fixed ?? [],
    status: f.status ?? ((f.fixed ?? []).length > 0 ? "fixed" : "affected"),
    severity: f.severity,
    cvss: f.cvss ?? [],
    ...(f.title ? { title: f.title } : {}),
    description: `${f.title ?? f.id}. Details of the issue.`,
    references: [`https://osv.dev/vulnerability/${f.id}`],
    publishedAt: "2024-01-02T03:04:05Z",
    source: { id: f.sourceId ?? f.id, ecosystem: f.ecosystem ?? "Debian:12" },
    ...(f.matchedBy ? { matchedBy: { name: f.matchedBy[0], version: f.matchedBy[1] } } : {}),
  };
}

const v31 = (vector: string, score: number): CvssScore => ({ version: "3.1", vector: `CVSS:3.1/${vector}`, score });

/** debian:12 with five findings (one on each of two lodash copies) and two suppressed. */
export function vulnerableReport(): Report {
  const report = debianReport();
  const byName = (name: string, nth = 0) => report.packages.filter((p) => p.name === name)[nth] as Package;
  report.vulnerabilities = [
    finding(byName("zlib1g"), {
      id: "CVE-2023-45853",
      aliases: ["DEBIAN-CVE-2023-45853"],
      severity: "CRITICAL",
      cvss: [v31("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)],
      status: "will_not_fix",
      title: "MiniZip integer overflow in zipOpenNewFileInZip4_64",
      sourceId: "DEBIAN-CVE-2023-45853",
      matchedBy: ["zlib", "1:1.2.13.dfsg-1"],
    }),
    finding(byName("libc6"), {
      id: "CVE-2025-4802",
      aliases: ["DEBIAN-CVE-2025-4802"],
      severity: "HIGH",
      cvss: [v31("AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8)],
      fixed: ["2.36-9+deb12u11"],
      title: "Static setuid binary dlopen may search LD_LIBRARY_PATH",
      sourceId: "DEBIAN-CVE-2025-4802",
      matchedBy: ["glibc", "2.36-9+deb12u7"],
    }),
    // The same advisory on each of the two lodash copies.
    ...[0, 1].map((copy) =>
      finding(byName("lodash", copy), {
        id: "CVE-2020-8203",
        aliases: ["GHSA-p6mc-m468-83gw"],
        severity: "HIGH",
        cvss: [v31("AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4)],
        fixed: ["4.17.22"],
        title: "Prototype pollution in lodash",
        sourceId: "GHSA-p6mc-m468-83gw",
        ecosystem: "npm",
      }),
    ),
    finding(byName("libssl3"), {
      id: "CVE-2024-0727",
      aliases: ["DEBIAN-CVE-2024-0727"],
      severity: "MEDIUM",
      cvss: [v31("AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 5.5), { version: "4.0", vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", score: 6.9 }],
      fixed: ["3.0.13-1~deb12u2", "3.0.14-1~deb12u1"],
      title: "PKCS12 NULL dereference",
      matchedBy: ["openssl", "3.0.13-1~deb12u1"],
    }),
  ];
  const suppressed = (v: Vulnerability, suppression: Suppression) => ({ ...v, suppression });
  report.suppressed = [
    suppressed(finding(byName("perl-base"), { id: "CVE-2023-31484", severity: "HIGH", cvss: [v31("AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)], title: "CPAN.pm does not verify TLS certificates" }), {
      by: "vex",
      reason: "vulnerable_code_not_in_execute_path: CPAN is never run in the image",
      file: "vex.json",
      vexStatus: "not_affected",
    }),
    suppressed(finding(byName("tzdata"), { id: "DLA-3051-1", severity: "UNKNOWN", fixed: ["2024b-0+deb12u1"], title: "tzdata - new timezone database" }), {
      by: "ignore-file",
      reason: "timezone data, not a security issue",
      file: ".bulwarkignore",
      expires: "2099-12-31",
    }),
  ];
  return report;
}

/**
 * debian:12 scanned while the Debian advisories could not be downloaded: its 9 deb packages
 * unchecked, the 4 npm ones checked (and, unless `findings`, clean).
 */
export function incompleteReport(findings = false): Report {
  const report = findings ? vulnerableReport() : debianReport();
  if (findings) report.vulnerabilities = report.vulnerabilities.filter((v) => v.package.type === "npm");
  report.suppressed = [];
  report.unchecked = [
    {
      ecosystem: "Debian:12",
      packages: 9,
      reason: "no Debian:12 advisories in the database: download failed: GET http://127.0.0.1:9/Debian/all.zip failed after 4 attempts: connect ECONNREFUSED 127.0.0.1:9",
      cause: "advisories-missing",
    },
  ];
  return report;
}
