// Ground truth: install a real project with npm, then compare what the node_modules and
// package-lock analyzers find with `npm ls --all`. Needs the npm registry; skips without it.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzers } from "../../registry.js";
import type { Analyzer, Package } from "../../types.js";

const analyzer = (id: string): Analyzer => analyzers.find((a) => a.id === id)!;
const project = (f: string): string => new URL(`./testdata/ground-truth/${f}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "bulwark-npm-gt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LsNode {
  name?: string;
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** (name, version) pairs of `npm ls --all --json --long`; `name` there is the real name behind an alias. */
function lsPairs(root: LsNode): Set<string> {
  const out = new Set<string>();
  const stack: [string, LsNode][] = Object.entries(root.dependencies ?? {});
  while (stack.length) {
    const [key, node] = stack.pop()!;
    if (node.version) out.add(`${node.name ?? key}@${node.version}`);
    stack.push(...Object.entries(node.dependencies ?? {}));
  }
  return out;
}

/** Every regular file below node_modules, as image-relative paths (symlinks are not followed). */
function walk(rel: string, out: string[]): string[] {
  for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = `${rel}/${d.name}`;
    if (d.isDirectory()) walk(p, out);
    else if (d.isFile()) out.push(p);
  }
  return out;
}

const pairs = (pkgs: Package[]): Set<string> => new Set(pkgs.map((p) => `${p.name}@${p.version}`));
const sorted = (s: Set<string>): string[] => [...s].sort();

describe("npm ground truth", () => {
  it("node_modules and package-lock analyzers agree with npm ls --all", async (ctx) => {
    copyFileSync(project("package.json"), join(dir, "package.json"));
    copyFileSync(project("package-lock.json"), join(dir, "package-lock.json"));
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_loglevel: "error" };
    try {
      execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, env, stdio: "pipe", timeout: 240_000 });
    } catch (e) {
      ctx.skip(`npm ci failed (registry unreachable?): ${String((e as Error).message).split("\n")[0]}`);
      return;
    }
    let lsOut: string;
    try {
      lsOut = execFileSync("npm", ["ls", "--all", "--json", "--long"], { cwd: dir, env, stdio: "pipe", maxBuffer: 64 * 2 ** 20 }).toString();
    } catch (e) {
      // npm ls exits non-zero on problems but still prints the tree.
      lsOut = String((e as { stdout?: Buffer }).stdout ?? "");
    }
    const expected = lsPairs(JSON.parse(lsOut) as LsNode);
    expect(expected.size).toBeGreaterThan(50);
    expect(expected.has("string-width@4.2.3")).toBe(true); // the alias string-width-cjs

    const npm = analyzer("lang/npm");
    const found: Package[] = [];
    for (const path of walk("node_modules", [])) {
      if (!npm.required(path)) continue;
      const r = await npm.analyze({ path, content: readFileSync(join(dir, path)), mode: 0o644 });
      expect(r?.errors ?? []).toEqual([]);
      found.push(...(r?.packages ?? []));
    }
    const installed = npm.finalize!(found, { os: null, owners: new Map() });
    expect(sorted(pairs(installed))).toEqual(sorted(expected));
    // Nested copies are separate installs: more packages than distinct (name, version) pairs.
    expect(installed.length).toBeGreaterThan(expected.size);

    const lock = analyzer("lang/npm-lock");
    const path = "package-lock.json";
    const r = await lock.analyze({ path, content: readFileSync(join(dir, path)), mode: 0o644 });
    const locked = lock.finalize!(r!.packages!, { os: null, owners: new Map() });
    expect(sorted(pairs(locked))).toEqual(sorted(expected));
    expect(locked.find((p) => p.name === "rimraf")?.dev).toBe(true);
    expect(locked.find((p) => p.name === "chalk" && p.version === "4.1.2")?.dev).toBeUndefined();
  }, 300_000);
});
