import { describe, expect, it } from "vitest";
import { joinWithAnd, parseSpdxExpression } from "./spdx-expression.js";

describe("parseSpdxExpression", () => {
  it.each([
    ["MIT", "MIT"],
    ["mit", "MIT"],
    ["GPL-2.0-or-later", "GPL-2.0-or-later"],
    ["GPL-2.0+", "GPL-2.0+"],
    ["Apache-2.0+", "Apache-2.0+"],
    ["MIT OR Apache-2.0", "MIT OR Apache-2.0"],
    ["(MIT OR CC0-1.0)", "MIT OR CC0-1.0"],
    ["mit and bsd-3-clause", "MIT AND BSD-3-Clause"],
    ["GPL-3.0-or-later WITH GCC-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1"],
    ["(MIT OR Apache-2.0) AND BSD-2-Clause", "(MIT OR Apache-2.0) AND BSD-2-Clause"],
    ["MIT OR (Apache-2.0 AND BSD-2-Clause)", "MIT OR Apache-2.0 AND BSD-2-Clause"],
    ["LicenseRef-acme-1.0", "LicenseRef-acme-1.0"],
    ["DocumentRef-other:LicenseRef-x", "DocumentRef-other:LicenseRef-x"],
  ])("accepts %j as %j", (input, text) => {
    expect(parseSpdxExpression(input)?.text).toBe(text);
  });

  it.each([
    "",
    "public-domain",
    "GPL-2+",
    "Artistic",
    "BSD-like",
    "MIT AND",
    "AND MIT",
    "(MIT",
    "MIT)",
    "MIT Apache-2.0",
    "MIT WITH",
    "MIT WITH NotAnException",
    "MIT And Apache-2.0",
    "LicenseRef-",
    "see /usr/share/common-licenses/GPL",
  ])("rejects %j", (input) => {
    expect(parseSpdxExpression(input)).toBeUndefined();
  });

  it("reports single ids, top-level operators and LicenseRefs", () => {
    expect(parseSpdxExpression("MIT")).toEqual({ text: "MIT", single: true, licenseRefs: [] });
    expect(parseSpdxExpression("GPL-2.0-only+")?.single).toBe(false);
    expect(parseSpdxExpression("MIT OR X11")?.operator).toBe("OR");
    expect(parseSpdxExpression("LicenseRef-b AND (LicenseRef-a OR MIT)")?.licenseRefs).toEqual([
      "LicenseRef-a",
      "LicenseRef-b",
    ]);
  });

  it("refuses hostile nesting instead of overflowing the stack", () => {
    expect(parseSpdxExpression(`${"(".repeat(1000)}MIT${")".repeat(1000)}`)).toBeUndefined();
    expect(parseSpdxExpression(`${"(".repeat(10)}MIT${")".repeat(10)}`)?.text).toBe("MIT");
  });

  it("joins with AND, bracketing ORs", () => {
    const parts = ["MIT OR Apache-2.0", "Zlib", "BSD-2-Clause AND ISC"].map((t) => parseSpdxExpression(t)!);
    expect(joinWithAnd(parts)).toBe("(MIT OR Apache-2.0) AND Zlib AND BSD-2-Clause AND ISC");
    expect(joinWithAnd([parts[0]!])).toBe("MIT OR Apache-2.0");
  });
});
