import { describe, expect, it } from "vitest";
import { eolDate, eolInfo } from "./eol.js";

describe("end-of-life table", () => {
  it("matches Debian by major release", () => {
    expect(eolDate({ family: "debian", version: "8" })).toBe("2018-06-17");
    expect(eolDate({ family: "debian", version: "12" })).toBe("2026-06-10");
    expect(eolDate({ family: "debian", version: "12.7" })).toBe("2026-06-10");
    expect(eolDate({ family: "debian", version: "13" })).toBe("2028-08-09");
    expect(eolDate({ family: "debian", version: "7" })).toBeUndefined();
    expect(eolDate({ family: "debian", version: "trixie" })).toBeUndefined();
  });

  it("matches Ubuntu by YY.MM, LTS and interim", () => {
    expect(eolDate({ family: "ubuntu", version: "14.04" })).toBe("2019-04-02");
    expect(eolDate({ family: "ubuntu", version: "20.04" })).toBe("2025-05-31");
    expect(eolDate({ family: "ubuntu", version: "22.04" })).toBe("2027-04-01");
    expect(eolDate({ family: "ubuntu", version: "23.10" })).toBe("2024-07-12");
    expect(eolDate({ family: "ubuntu", version: "24.04" })).toBe("2029-05-31");
    expect(eolDate({ family: "ubuntu", version: "12.04" })).toBeUndefined();
    expect(eolDate({ family: "ubuntu", version: "22" })).toBeUndefined();
  });

  it("matches Alpine by major.minor branch", () => {
    expect(eolDate({ family: "alpine", version: "3.10.9" })).toBe("2021-05-01");
    expect(eolDate({ family: "alpine", version: "3.20.3" })).toBe("2026-04-01");
    expect(eolDate({ family: "alpine", version: "3.22.0" })).toBe("2027-05-01");
    // 3.2 is not 3.20: the branch is compared whole.
    expect(eolDate({ family: "alpine", version: "3.2.3" })).toBeUndefined();
    expect(eolDate({ family: "alpine", version: "3.21.0_alpha20240807" })).toBe("2026-11-01");
    expect(eolDate({ family: "alpine", version: "edge" })).toBeUndefined();
  });

  it("matches RHEL and rebuilds by major", () => {
    expect(eolDate({ family: "rhel", version: "7.9" })).toBe("2024-06-30");
    expect(eolDate({ family: "rhel", version: "9.4" })).toBe("2032-05-31");
    expect(eolDate({ family: "centos", version: "7.9.2009" })).toBe("2024-06-30");
    expect(eolDate({ family: "centos", version: "8" })).toBe("2021-12-31");
    expect(eolDate({ family: "centos", version: "8", name: "CentOS Stream" })).toBe("2024-05-31");
    expect(eolDate({ family: "rocky", version: "8.10" })).toBe("2029-05-31");
    expect(eolDate({ family: "almalinux", version: "8.10" })).toBe("2029-03-01");
    expect(eolDate({ family: "ol", version: "6.10" })).toBe("2021-03-01");
    expect(eolDate({ family: "rhel", version: "10.0" })).toBeUndefined();
  });

  it("matches Amazon Linux 1, 2 and 2023", () => {
    expect(eolDate({ family: "amzn", version: "2018.03" })).toBe("2023-12-31");
    expect(eolDate({ family: "amzn", version: "2" })).toBe("2026-06-30");
    expect(eolDate({ family: "amzn", version: "2023" })).toBe("2029-06-30");
  });

  it("knows nothing of other families", () => {
    expect(eolDate({ family: "wolfi", version: "20230201" })).toBeUndefined();
    expect(eolDate({ family: "fedora", version: "40" })).toBeUndefined();
    expect(eolInfo({ family: "wolfi", version: "20230201" }, new Date())).toBeUndefined();
  });

  it("sets eol relative to the given date", () => {
    const centos7 = { family: "centos", version: "7" };
    expect(eolInfo(centos7, new Date("2024-06-29T12:00:00Z"))).toEqual({ date: "2024-06-30", eol: false });
    expect(eolInfo(centos7, new Date("2024-07-01T00:00:00Z"))).toEqual({ date: "2024-06-30", eol: true });
    const alpine = { family: "alpine", version: "3.21.2" };
    expect(eolInfo(alpine, new Date("2025-01-01T00:00:00Z"))?.eol).toBe(false);
    expect(eolInfo(alpine, new Date("2027-01-01T00:00:00Z"))?.eol).toBe(true);
  });
});
