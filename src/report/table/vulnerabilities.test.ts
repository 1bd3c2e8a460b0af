import { describe, expect, it } from "vitest";
import { incompleteReport, vulnerableReport } from "../sarif/test-support/vulnerable-report.js";
import { debianReport, emptyReport, shuffled } from "../test-support/sample-report.js";
import { tableWriter } from "./table-writer.js";
import { shortCreatedBy } from "./vulnerabilities.js";

const ESC = "\u001b[";

describe("table writer, vulnerability scan", () => {
  it("groups findings by package, most severe first, with installed → fixed", () => {
    const lines = tableWriter.write(vulnerableReport()).split("\n");
    const at = lines.findIndex((l) => l.startsWith("PACKAGE"));
    expect(lines[at]).toMatch(/^PACKAGE +INSTALLED +LAYER +FIXED +ID +SEVERITY +TITLE$/);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      "zlib1g   1:1.2.13.dfsg-1   #1     (won't fix)                         CVE-2023-45853  CRITICAL  MiniZip integer overflow in zipOpenNewFileInZip4_64",
      "libc6    2.36-9+deb12u7    #1     2.36-9+deb12u11                     CVE-2025-4802   HIGH      Static setuid binary dlopen may search LD_LIBRARY_PATH",
      "lodash   4.17.21           #2     4.17.22                             CVE-2020-8203   HIGH      Prototype pollution in lodash",
      "lodash   4.17.21           #3     4.17.22                             CVE-2020-8203   HIGH      Prototype pollution in lodash",
      "libssl3  3.0.13-1~deb12u1  #2     3.0.13-1~deb12u2, 3.0.14-1~deb12u1  CVE-2024-0727   MEDIUM    PKCS12 NULL dereference",
    ]);
    for (const line of lines) expect(line).toBe(line.trimEnd());
    // The package table is not printed; the package totals still are.
    expect(lines.some((l) => l.startsWith("NAME"))).toBe(false);
    expect(lines).toContain("13 packages (deb 9, npm 4)");
  });

  it("shows a package once for several findings", () => {
    const report = vulnerableReport();
    const libc = report.vulnerabilities.find((v) => v.package.name === "libc6")!;
    report.vulnerabilities.push({ ...libc, id: "CVE-2024-33599", severity: "MEDIUM", title: "nscd: buffer overflow", fixedVersions: ["2.36-9+deb12u8"] });
    const lines = tableWriter.write(report).split("\n");
    const i = lines.findIndex((l) => l.startsWith("libc6 "));
    expect(lines[i + 1]).toMatch(/^ +2\.36-9\+deb12u8 +CVE-2024-33599 +MEDIUM +nscd: buffer overflow$/);
  });

  it("counts by severity, suppressed findings, and what each layer introduced", () => {
    const text = tableWriter.write(vulnerableReport());
    expect(text).toContain("\nVulnerabilities: 5 (CRITICAL 1, HIGH 3, MEDIUM 1, LOW 0, UNKNOWN 0)\n");
    expect(text).toContain("\nSuppressed: 2 (ignore-file 1, vex 1)\n");
    expect(text).toContain(
      [
        "By layer:",
        "  #1 # debian.sh --arch 'amd64' out/ 'bookworm' '@1717977600'  2 (CRITICAL 1, HIGH 1)",
        "  #2 RUN apt-get update && apt-get install -y nodejs npm       2 (HIGH 1, MEDIUM 1)",
        "  #3 COPY . /app                                               1 (HIGH 1)",
      ].join("\n"),
    );
  });

  it("says so when a vulnerability scan found nothing", () => {
    const text = tableWriter.write(debianReport(), { vulnerabilities: true });
    expect(text).toContain("\nNo vulnerabilities found.\n");
    expect(text).not.toContain("NAME ");
    const report = vulnerableReport();
    report.vulnerabilities = [];
    expect(tableWriter.write(report)).toContain("\nNo vulnerabilities found.\nSuppressed: 2 (ignore-file 1, vex 1)\n");
    // Without the flag or findings, the package table as before.
    expect(tableWriter.write(debianReport())).toContain("NAME ");
    expect(tableWriter.write(emptyReport(), { vulnerabilities: true })).toContain("No vulnerabilities found.");
  });

  it("colours severities only when asked", () => {
    expect(tableWriter.write(vulnerableReport())).not.toContain(ESC);
    const colored = tableWriter.write(vulnerableReport(), { color: true });
    expect(colored).toContain("\u001b[1m\u001b[31mCRITICAL\u001b[39m\u001b[22m");
    expect(colored).toContain("\u001b[31mHIGH    \u001b[39m");
    expect(colored).toContain("\u001b[33mMEDIUM  \u001b[39m");
  });

  it("neutralises control characters in advisory text", () => {
    const report = vulnerableReport();
    report.vulnerabilities[0]!.title = "evil\u001b]0;pwned\u0007title";
    const text = tableWriter.write(report);
    expect(text).not.toContain("\u001b");
    expect(text).toContain("evil?]0;pwned?title");
  });

  it("is deterministic whatever the input order", () => {
    const first = tableWriter.write(vulnerableReport());
    const report = shuffled(vulnerableReport());
    report.vulnerabilities.reverse();
    expect(tableWriter.write(report)).toBe(first);
  });

  it("leads with the packages that were not checked, and says a clean result covers only the rest", () => {
    const text = tableWriter.write(incompleteReport());
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith("WARNING:"));
    // First line of the vulnerability section, straight after the header block.
    expect(lines[at - 1]).toBe("");
    expect(lines[at - 2]).toMatch(/^Layers: /);
    expect(lines[at]).toBe(
      "WARNING: 9 of 13 packages were NOT checked for vulnerabilities (no Debian:12 advisories in the database: download failed: GET http://127.0.0.1:9/Debian/all.zip failed after 4 attempts: connect ECONNREFUSED 127.0.0.1:9)",
    );
    expect(lines[at + 1]).toBe("No vulnerabilities found in the 4 packages checked.");
    expect(text).not.toContain("No vulnerabilities found.\n");
    // And again in the final summary line.
    expect(text).toContain("\n13 packages (deb 9, npm 4); 9 NOT checked for vulnerabilities (Debian:12)\n");
  });

  it("puts the warning above the findings, and names every ecosystem not checked", () => {
    const report = incompleteReport(true);
    report.unchecked!.push({ ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" });
    const lines = tableWriter.write(report).split("\n");
    const at = lines.findIndex((l) => l.startsWith("WARNING:"));
    expect(lines[at]).toMatch(/^WARNING: 10 of 13 packages were NOT checked for vulnerabilities \(no Debian:12 advisories .*ECONNREFUSED 127\.0\.0\.1:9; no advisory source for generic packages \(node\)\)$/);
    expect(lines[at + 1]).toBe("");
    expect(lines[at + 2]).toMatch(/^PACKAGE +INSTALLED/);
    expect(lines).toContain("Vulnerabilities: 2 (CRITICAL 0, HIGH 2, MEDIUM 0, LOW 0, UNKNOWN 0)");
    expect(lines).toContain("13 packages (deb 9, npm 4); 10 NOT checked for vulnerabilities (Debian:12, generic)");
  });

  it("says when nothing at all was checked, and stays as before when everything was", () => {
    const none = incompleteReport();
    none.unchecked = [{ ecosystem: "rpm", packages: 13, reason: "no advisory source for fedora 39 (rpm packages)", cause: "no-advisory-source" }];
    const text = tableWriter.write(none);
    expect(text).toContain("WARNING: 13 of 13 packages were NOT checked for vulnerabilities (no advisory source for fedora 39 (rpm packages))\nNo package was checked for vulnerabilities.\n");
    const one = incompleteReport();
    one.unchecked = [{ ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" }];
    expect(tableWriter.write(one)).toContain("WARNING: 1 of 13 packages was NOT checked");
    const all = incompleteReport();
    all.unchecked = [];
    const clean = tableWriter.write(all);
    expect(clean).toContain("\nNo vulnerabilities found.\n");
    expect(clean).not.toContain("NOT checked");
    expect(clean).toContain("\n13 packages (deb 9, npm 4)\n");
  });

  it("colours the warning and keeps hostile text out of the terminal", () => {
    const report = incompleteReport();
    report.unchecked![0]!.reason = "no advisory source for generic packages (evil\u001b]0;pwned\u0007)";
    expect(tableWriter.write(report)).not.toContain("\u001b");
    expect(tableWriter.write(incompleteReport(), { color: true })).toContain("\u001b[1m\u001b[31mWARNING: 9 of 13 packages");
  });

  it("shortens layer commands", () => {
    expect(shortCreatedBy("/bin/sh -c #(nop)  CMD [\"bash\"]")).toBe('CMD ["bash"]');
    expect(shortCreatedBy("/bin/sh -c apt-get update &&     apt-get install -y curl")).toBe("RUN apt-get update && apt-get install -y curl");
    expect(shortCreatedBy("RUN /bin/sh -c apk add --no-cache git # buildkit")).toBe("RUN apk add --no-cache git");
    expect(shortCreatedBy("x".repeat(100))).toHaveLength(60);
    expect(shortCreatedBy(undefined)).toBe("");
  });
});
