import { describe, expect, it } from "vitest";
import { osEcosystem } from "./ecosystems.js";

const eco = (family: string, version: string, opts = {}) => osEcosystem({ family, version }, opts);

describe("osEcosystem", () => {
  it.each([
    // [family, os-release VERSION_ID, ecosystems that match, ecosystems that do not]
    ["debian", "12", ["Debian:12"], ["Debian:11", "Debian:12.5", "Debian"]],
    ["debian", "12.5", ["Debian:12"], ["Debian:13"]],
    ["ubuntu", "22.04", ["Ubuntu:22.04:LTS", "Ubuntu:22.04"], ["Ubuntu:Pro:22.04:LTS", "Ubuntu:Pro:FIPS:22.04:LTS", "Ubuntu:24.04:LTS", "Ubuntu:Pro:22.04:LTS:Realtime:Kernel"]],
    ["ubuntu", "25.04", ["Ubuntu:25.04"], ["Ubuntu:25.10"]],
    ["alpine", "3.19.1", ["Alpine:v3.19"], ["Alpine:v3.1", "Alpine:v3.20", "Alpine:3.19"]],
    ["wolfi", "20230201", ["Wolfi"], ["Chainguard"]],
    ["chainguard", "20230214", ["Chainguard"], ["Wolfi"]],
    ["rocky", "9.3", ["Rocky Linux:9"], ["Rocky Linux:8", "AlmaLinux:9"]],
    ["almalinux", "8.10", ["AlmaLinux:8"], ["AlmaLinux:9"]],
    [
      "rhel",
      "9.4",
      ["Red Hat:enterprise_linux:9::appstream", "Red Hat:enterprise_linux:9::baseos", "Red Hat:enterprise_linux:9"],
      ["Red Hat:enterprise_linux:8::baseos", "Red Hat:rhel_eus:9.2::appstream", "Red Hat:enterprise_linux:90::baseos"],
    ],
    [
      "sles",
      "15.5",
      ["SUSE:Linux Enterprise Server 15 SP5", "SUSE:Linux Enterprise Module for Basesystem 15 SP5", "SUSE:Linux Enterprise Server 15 SP5-LTSS"],
      ["SUSE:Linux Enterprise Server 15 SP4", "SUSE:Linux Enterprise Server 15 SP55", "openSUSE:Leap 15.5"],
    ],
    ["opensuse-leap", "15.5", ["openSUSE:Leap 15.5"], ["openSUSE:Leap 15.6", "openSUSE:Tumbleweed"]],
    ["opensuse-tumbleweed", "20240801", ["openSUSE:Tumbleweed"], ["openSUSE:Leap 15.5"]],
  ])("%s %s", (family, version, yes, no) => {
    const e = eco(family, version)!;
    for (const name of yes) expect(e.matches(name), name).toBe(true);
    for (const name of no) expect(e.matches(name), name).toBe(false);
    expect(e.base).toBe(yes[0]!.split(":")[0]);
  });

  it("queries Debian, Ubuntu and Alpine by source package, RPM distributions by binary", () => {
    expect(["debian", "ubuntu", "alpine", "wolfi"].map((f) => eco(f, f === "ubuntu" ? "22.04" : "3.19")!.bySource)).toEqual([true, true, true, true]);
    expect(["rhel", "rocky", "almalinux", "sles"].map((f) => eco(f, "9.2")!.bySource)).toEqual([false, false, false, false]);
  });

  it("adds the Ubuntu Pro stream on request", () => {
    expect(eco("ubuntu", "16.04", { ubuntuPro: true })!.matches("Ubuntu:Pro:16.04:LTS")).toBe(true);
  });

  it("knows no ecosystem for releases OSV does not cover", () => {
    expect(eco("fedora", "40")).toBeNull();
    expect(eco("amzn", "2023")).toBeNull();
    expect(eco("debian", "")).toBeNull();
    expect(osEcosystem(null)).toBeNull();
  });
});
