import { describe, expect, it } from "vitest";
import { parseModifiedCsv } from "./update.js";

describe("parseModifiedCsv", () => {
  it("reads osv.dev's modified_id.csv lines, CRLF and blank lines included", () => {
    expect(parseModifiedCsv("2025-06-01T10:00:00.123Z,GHSA-aaaa-bbbb-cccc\r\n2024-01-01T00:00:00Z,RHSA-2024:0001\n\n", "x")).toEqual([
      { modified: "2025-06-01T10:00:00.123Z", ms: Date.parse("2025-06-01T10:00:00.123Z"), id: "GHSA-aaaa-bbbb-cccc" },
      { modified: "2024-01-01T00:00:00Z", ms: Date.parse("2024-01-01T00:00:00Z"), id: "RHSA-2024:0001" },
    ]);
  });

  it.each(["not a line", "yesterday,GO-1", "2024-01-01T00:00:00Z,../../etc/passwd", "2024-01-01T00:00:00Z,"])("rejects %j with INPUT naming the file and line", (line) => {
    expect(() => parseModifiedCsv(`2024-01-01T00:00:00Z,GO-1\n${line}\n`, "https://x/Go/modified_id.csv")).toThrow(
      expect.objectContaining({ code: "INPUT", message: expect.stringContaining("https://x/Go/modified_id.csv: malformed line 2") }),
    );
  });
});
