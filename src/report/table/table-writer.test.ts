import { describe, expect, it } from "vitest";
import { alpineReport, debianReport, emptyReport, largeReport, shuffled } from "../test-support/sample-report.js";
import { tableWriter } from "./table-writer.js";

const ESC = "\u001b[";

describe("table writer", () => {
  it("prints the header block", () => {
    const text = tableWriter.write(debianReport());
    expect(text).toContain("Target: registry.example.com/team/web-app:1.4.2\n");
    expect(text).toContain("Type:   registry\n");
    expect(text).toMatch(/Digest: sha256:[0-9a-f]{64}\n/);
    expect(text).toContain("OS:     debian 12 (bookworm) EOL on 2026-06-10\n");
    expect(text).toContain("Layers: 3\n");
  });

  it("marks an OS past end of life", () => {
    expect(tableWriter.write(alpineReport())).toContain("OS:     alpine 3.16.9 EOL since 2024-05-23\n");
  });

  it("lists packages in padded columns with layer numbers", () => {
    const lines = tableWriter.write(debianReport()).split("\n");
    const headerAt = lines.findIndex((l) => l.startsWith("NAME"));
    expect(lines[headerAt]).toMatch(/^NAME +VERSION +TYPE +SOURCE +LAYER$/);
    expect(lines).toContain("libc6            2.36-9+deb12u7          deb   glibc    #1");
    expect(lines).toContain("zlib1g           1:1.2.13.dfsg-1         deb   zlib     #1");
    expect(lines).toContain("libssl3          3.0.13-1~deb12u1        deb   openssl  #2");
    expect(lines).toContain("@babel/core      7.24.7                  npm            #3");
    expect(lines.filter((l) => l.startsWith("lodash "))).toHaveLength(2);
    // Columns line up: every row puts VERSION where the header does.
    const column = lines[headerAt]!.indexOf("VERSION");
    for (const row of lines.slice(headerAt + 1, headerAt + 14)) expect(row[column - 1]).toBe(" ");
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });

  it("ends with counts per type and errors as warnings", () => {
    const text = tableWriter.write(debianReport());
    expect(text).toContain("13 packages (deb 9, npm 4)\n");
    expect(text).toContain("Warnings (1):\n");
    expect(text).toContain("  ! lang/npm: package.json is not valid JSON (/app/node_modules/broken/package.json in layer #3)\n");
  });

  it("handles an image with nothing in it", () => {
    const text = tableWriter.write(emptyReport());
    expect(text).toContain("OS:     unknown\n");
    expect(text).toContain("Digest: unknown\n");
    expect(text).toContain("No packages found.\n");
    expect(text).toContain("0 packages\n");
    expect(text).not.toContain("NAME");
  });

  it("uses ANSI colour only when asked", () => {
    for (const make of [debianReport, alpineReport, emptyReport]) expect(tableWriter.write(make())).not.toContain(ESC);
    const colored = tableWriter.write(alpineReport(), { color: true });
    expect(colored).toContain(ESC);
    expect(colored).toContain("\u001b[31mEOL since 2024-05-23\u001b[39m");
  });

  it("neutralises control characters from the image", () => {
    const report = debianReport();
    report.packages[0]!.name = "evil\u001b]0;pwned\u0007pkg";
    report.errors[0]!.message = "bad\u001b[2Jthing";
    const text = tableWriter.write(report);
    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u0007");
    expect(text).toContain("evil?]0;pwned?pkg");
  });

  it("is deterministic and one line per package for large images", () => {
    const report = largeReport(1500);
    const text = tableWriter.write(report);
    expect(tableWriter.write(shuffled(report))).toBe(text);
    const rows = text.split("\n").filter((l) => /^(lib-synthetic|synthetic-module)/.test(l));
    expect(rows).toHaveLength(1500);
  });
});
