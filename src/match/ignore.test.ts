import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished, describe, expect, it } from "vitest";
import { isUserError } from "../errors.js";
import { isExpired, loadIgnoreFile, parseIgnoreFile } from "./ignore.js";

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe(".bulwarkignore", () => {
  it("reads a list of rules with their line numbers", () => {
    const rules = parseIgnoreFile(
      [
        "# reviewed 2024-05",
        "- id: CVE-2023-4911",
        "  package: libc6",
        "  reason: no setuid binaries in the image",
        "  expires: 2024-12-31",
        "- id: GHSA-whgm-jr23-g3j9",
        "  purl: pkg:npm/ansi-html",
        "  reason: build-time only",
        "",
      ].join("\n"),
      "ci/.bulwarkignore",
    );
    expect(rules).toEqual([
      { kind: "ignore", id: "CVE-2023-4911", package: "libc6", reason: "no setuid binaries in the image", expires: "2024-12-31", file: "ci/.bulwarkignore", line: 2 },
      { kind: "ignore", id: "GHSA-whgm-jr23-g3j9", purl: "pkg:npm/ansi-html", reason: "build-time only", file: "ci/.bulwarkignore", line: 6 },
    ]);
  });

  it("accepts the list under `ignore:` and an empty file", () => {
    expect(parseIgnoreFile("ignore:\n  - id: CVE-2024-1\n    reason: r\n")).toHaveLength(1);
    expect(parseIgnoreFile("")).toEqual([]);
    expect(parseIgnoreFile("# nothing yet\n")).toEqual([]);
    expect(parseIgnoreFile("ignore:\n")).toEqual([]);
  });

  it.each([
    ["- id: CVE-1\n  reason: [unclosed\n", "x:3: invalid YAML"], // where the parser gives up: the end
    ["- id: CVE-1\n", "x:1: rule for CVE-1 has no `reason`"],
    ["- reason: because\n", "x:1: rule without `id`"],
    ["- id: CVE-1\n  reason: r\n- id: CVE-2\n  reasn: typo\n", 'x:4: unknown field "reasn"'],
    ["- id: CVE-1\n  reason: r\n  expires: 31/12/2024\n", 'x:1: rule for CVE-1: expires "31/12/2024" is not a YYYY-MM-DD date'],
    ["- id: CVE-1\n  reason: r\n  expires: 2024-02-30\n", "is not a YYYY-MM-DD date"],
    ["- id: 12345\n  reason: r\n", 'x:1: "id" must be a non-empty string'],
    ["- CVE-1\n", "x:1: each rule must be a map"],
    ["rules:\n  - id: CVE-1\n", "x:1: expected a list of rules, or a map"],
    ["just text\n", "x:1: expected a list of rules"],
    ["- id: CVE-1\n  id: CVE-2\n  reason: r\n", "x:2: invalid YAML"],
  ])("rejects %j with file and line", (text, message) => {
    const e = errorOf(() => parseIgnoreFile(text, "x"));
    expect(isUserError(e)).toBe(true);
    expect((e as { code?: string }).code).toBe("INPUT");
    expect(e.message).toContain(message);
  });

  it("loads a file, naming it in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-ignore-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, ".bulwarkignore");
    writeFileSync(good, "- id: CVE-2024-1\n  reason: r\n");
    expect(loadIgnoreFile(good)).toMatchObject([{ id: "CVE-2024-1", file: good, line: 1 }]);
    const bad = join(dir, "bad");
    writeFileSync(bad, "- id: CVE-2024-1\n");
    expect(errorOf(() => loadIgnoreFile(bad)).message).toBe(`${bad}:1: rule for CVE-2024-1 has no \`reason\``);
    const missing = errorOf(() => loadIgnoreFile(join(dir, "none")));
    expect(isUserError(missing)).toBe(true);
    expect(missing.message).toContain("none");
  });

  it("expires at the end of the given day, UTC", () => {
    const rule = { kind: "ignore" as const, id: "CVE-1", reason: "r", expires: "2024-12-31" };
    expect(isExpired(rule, new Date("2024-12-31T23:59:59Z"))).toBe(false);
    expect(isExpired(rule, new Date("2025-01-01T00:00:00Z"))).toBe(true);
    expect(isExpired({ ...rule, expires: undefined }, new Date("2099-01-01"))).toBe(false);
  });
});
