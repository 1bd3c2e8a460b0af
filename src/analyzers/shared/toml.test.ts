import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { fixturePath } from "../../../test/support/upstream.js";
import { parseToml } from "./toml.js";

function tomlFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tomlFiles(p, out);
    else if (/^(poetry|uv|Cargo|pdm)\.lock$|\.toml$/.test(name)) out.push(p);
  }
  return out;
}

/** Python's tomllib (Python 3.11+): the reference reader. */
function pythonToml(files: string[]): unknown[] {
  const script =
    "import sys, json, tomllib\n" +
    "out = []\n" +
    "for p in sys.argv[1:]:\n" +
    "  try:\n" +
    "    out.append(tomllib.load(open(p, 'rb')))\n" +
    "  except Exception as e:\n" +
    "    out.append({'__error__': str(e)})\n" +
    "print(json.dumps(out, default=str))\n";
  return JSON.parse(execFileSync("python3", ["-c", script, ...files], { encoding: "utf8", maxBuffer: 256 * 2 ** 20 })) as unknown[];
}

describe("parseToml", () => {
  it("reads the shapes lockfiles use", () => {
    const t = parseToml(
      [
        "# comment",
        'version = 1',
        '[[package]]',
        'name = "a" # trailing',
        "version = '1.0'",
        'source = { registry = "https://pypi.org/simple" }',
        'deps = [',
        '  { name = "b", marker = "python_version < \\"3.8\\"" },',
        '  # inside',
        ']',
        '[package.extras]',
        'x.y = [1, 2.5, true, -3]',
        '[[package]]',
        'name = """',
        'multi\\',
        '   line"""',
        "lit = '''a'b'''",
        "when = 1979-05-27T07:32:00Z",
      ].join("\n"),
    );
    expect(JSON.parse(JSON.stringify(t))).toEqual({
      version: 1,
      package: [
        {
          name: "a",
          version: "1.0",
          source: { registry: "https://pypi.org/simple" },
          deps: [{ name: "b", marker: 'python_version < "3.8"' }],
          extras: { x: { y: [1, 2.5, true, -3] } },
        },
        { name: "multiline", lit: "a'b", when: "1979-05-27T07:32:00Z" },
      ],
    });
  });

  it("keeps __proto__ as data", () => {
    const t = parseToml('"__proto__" = 1\n[constructor]\na = 2');
    expect(t["__proto__"]).toBe(1);
    expect(({} as Record<string, unknown>)["a"]).toBeUndefined();
  });

  it("fails with a line number on garbage, and on deep nesting without overflowing", () => {
    expect(() => parseToml("a = 1\nb = \n")).toThrow(/TOML line 2/);
    expect(() => parseToml('a = "open')).toThrow(/unterminated/);
    expect(() => parseToml("a = 1 b")).toThrow(/end of line/);
    expect(() => parseToml("a = " + "[".repeat(100_000))).toThrow(/too deep/);
    expect(() => parseToml("\x00\xff{}")).toThrow(/TOML line 1/);
    expect(() => parseToml("a = 'x\n'")).toThrow(/unterminated/);
    // many strings on one long line stay linear
    const t0 = performance.now();
    const big = parseToml("a = [" + "'x', \"y\", ".repeat(300_000) + "]");
    expect((big["a"] as unknown[]).length).toBe(600_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  // Syft's Python lockfiles (poetry, uv, pdm and pyproject.toml). osv-scanner's poetry and cargo
  // fixtures are named *.lock and so were never among the files compared here; they are not copied.
  it.skipIf(missingTool("TOML cross-check with Python's tomllib", "python3:tomllib") !== undefined)("agrees with Python's tomllib on every TOML lockfile in the Syft samples", () => {
    const files = tomlFiles(fixturePath("syft-catalogers/syft/pkg/cataloger/python/testdata"));
    expect(files.length).toBeGreaterThan(20);
    const expected = pythonToml(files);
    let compared = 0;
    files.forEach((f, i) => {
      const want = expected[i] as Record<string, unknown>;
      const text = readFileSync(f, "utf8");
      if ("__error__" in want) {
        expect(() => parseToml(text), f).toThrow();
        return;
      }
      expect(JSON.parse(JSON.stringify(parseToml(text))), f).toEqual(want);
      compared++;
    });
    expect(compared).toBeGreaterThan(10);
  });
});
