import { describe, expect, it } from "vitest";
import { scan } from "../index.js";
import { getWriter } from "../report/index.js";
import { osFromDistro, packageFromPurl, parseSbom } from "./index.js";

const SAMPLE = new URL("../../examples/sample-image.tar", import.meta.url).pathname;

describe("SBOM input", () => {
  it("round-trips Bulwark's own CycloneDX and SPDX output", async () => {
    const report = await scan(SAMPLE, { noCache: true });
    for (const format of ["cyclonedx-json", "spdx-json"]) {
      const inv = parseSbom(JSON.parse(getWriter(format).write(report)), format);
      expect(inv.os).toMatchObject({ family: "debian", version: "12" });
      expect(inv.packages.map((p) => p.purl).sort()).toEqual(report.packages.map((p) => p.purl).sort());
      const zlib = inv.packages.find((p) => p.name === "zlib1g")!;
      expect(zlib.version).toMatch(/^1:1\.2\.13/);
      expect(zlib.source?.name).toBe("zlib");
      expect(zlib.arch).toBe("amd64");
    }
  });

  it("accepts other tools' purl conventions", () => {
    // Trivy: epoch as a qualifier, distro with the point release.
    const t = packageFromPurl("pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.5&epoch=1")!;
    expect(t.pkg.version).toBe("1:1.2.13.dfsg-1");
    expect(t.os).toEqual({ family: "debian", version: "12" });
    // Syft: epoch in the version, codename as distro, source as upstream=.
    const s = packageFromPurl("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=arm64&upstream=glibc&distro=bookworm")!;
    expect(s.pkg).toMatchObject({ name: "libc6", version: "2.36-9+deb12u7", source: { name: "glibc", version: "2.36-9+deb12u7" } });
    expect(s.os).toMatchObject({ family: "debian", version: "12" });
    const rpm = packageFromPurl("pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm&distro=rhel-9.2")!;
    expect(rpm.pkg.version).toBe("1:3.0.7-24.el9");
    expect(rpm.os).toEqual({ family: "rhel", version: "9.2" });
    expect(packageFromPurl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")!.pkg.name).toBe("org.apache.logging.log4j:log4j-core");
    expect(packageFromPurl("pkg:npm/%40babel/core@7.0.0")!.pkg.name).toBe("@babel/core");
    expect(packageFromPurl("pkg:golang/github.com/gin-gonic/gin@v1.9.0")!.pkg.name).toBe("github.com/gin-gonic/gin");
    expect(packageFromPurl("not a purl")).toBeNull();
    expect(osFromDistro("jammy")).toMatchObject({ family: "ubuntu", version: "22.04" });
    expect(osFromDistro("alpine-3.20.3")).toEqual({ family: "alpine", version: "3.20.3" });
  });

  it("reads Trivy-style CycloneDX properties and an OS component", () => {
    const inv = parseSbom({
      bomFormat: "CycloneDX",
      specVersion: "1.5",
      components: [
        { type: "operating-system", name: "ubuntu", version: "22.04" },
        {
          type: "library",
          name: "libssl3",
          purl: "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.10?arch=amd64&distro=ubuntu-22.04",
          properties: [{ name: "aquasecurity:trivy:SrcName", value: "openssl" }, { name: "aquasecurity:trivy:SrcVersion", value: "3.0.2-0ubuntu1.10" }],
        },
        { type: "library", name: "no-purl" },
      ],
    }, "t.json");
    expect(inv.os).toMatchObject({ family: "ubuntu", version: "22.04" });
    expect(inv.packages[0]!.source).toEqual({ name: "openssl", version: "3.0.2-0ubuntu1.10" });
    expect(inv.skipped).toBe(1);
  });

  it("rejects documents that are not SBOMs", () => {
    expect(() => parseSbom([], "x.json")).toThrow(/x\.json: not an SBOM/);
    expect(() => parseSbom({ hello: 1 }, "y.json")).toThrow(/neither CycloneDX/);
  });
});
