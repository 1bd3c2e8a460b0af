import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../../test/support/upstream.js";
import { dpkgAnalyzer } from "./index.js";
import { copyrightOwner, parseCopyright } from "./copyright.js";

// Real copyright files from Debian packages (Syft's fixtures, Apache-2.0; see
// test/fixtures/syft-catalogers/SOURCE.txt).
const fixture = (name: string): string => readFileSync(fixturePath(`syft-catalogers/syft/pkg/cataloger/debian/testdata/copyright/${name}`), "utf8");

describe("copyright licenses", () => {
  it("finds common-licenses references in free-form files", () => {
    expect(parseCopyright(fixture("libc6"))).toEqual(["GPL-2", "LGPL-2.1"]);
    // liblzma5 has both DEP-5 fields and prose references; every distinct name is kept.
    expect(parseCopyright(fixture("liblzma5"))).toEqual(
      ["Autoconf", "GPL-2", "GPL-2+", "GPL-3", "LGPL-2", "LGPL-2.1", "LGPL-2.1+", "PD", "PD-debian", "config-h", "noderivs", "none", "permissive-fsf", "permissive-nowarranty", "probably-PD"],
    );
  });

  it("reads DEP-5 License fields, splitting alternatives and ignoring prose", () => {
    expect(parseCopyright(fixture("trilicense"))).toEqual(["GPL-2", "LGPL-2.1", "MPL-1.1"]);
    expect(parseCopyright(fixture("libaudit-common"))).toEqual(["GPL-1", "GPL-2", "LGPL-2.1"]);
    const python = parseCopyright(fixture("python"));
    expect(python).toContain("Apache-2.0");
    expect(python.every((l) => !l.includes(" ") && !l.startsWith("*") && !l.startsWith("#"))).toBe(true);
    expect(parseCopyright("License: GPL-2+ with OpenSSL exception\n")).toEqual(["GPL-2+"]);
  });

  it("wants only usr/share/doc/<pkg>/copyright", () => {
    expect(copyrightOwner("usr/share/doc/libc6/copyright")).toBe("libc6");
    expect(copyrightOwner("usr/share/doc/libc6/examples/copyright")).toBeNull();
    expect(dpkgAnalyzer.required("usr/share/doc/zlib1g/copyright")).toBe(true);
    expect(dpkgAnalyzer.required("usr/share/doc/zlib1g/changelog.gz")).toBe(false);
  });

  it("attaches licenses to packages in finalize, by package name", async () => {
    const status = "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9\n";
    const pkgs = (await dpkgAnalyzer.analyze({ path: "var/lib/dpkg/status", content: Buffer.from(status), mode: 0o644 }))!.packages!;
    const lic = (await dpkgAnalyzer.analyze({ path: "usr/share/doc/libc6/copyright", content: Buffer.from(fixture("libc6")), mode: 0o644 }))!;
    const out = dpkgAnalyzer.finalize!(pkgs, { os: null, owners: new Map(), licenses: new Map(lic.licenses!.map((l) => [l.package, l.licenses])) });
    expect(out[0]!.licenses).toEqual(["GPL-2", "LGPL-2.1"]);
  });
});
