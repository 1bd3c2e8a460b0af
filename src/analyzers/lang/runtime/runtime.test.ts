import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { runtimeAnalyzer, wanted } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const finalize = (pkgs: Package[]) => runtimeAnalyzer.finalize!(pkgs, { os: null, owners: new Map() });
const onDisk = (path: string, localPath: string) => runtimeAnalyzer.analyze({ path, content: Buffer.alloc(0), mode: 0o755, localPath });

function startsWithElf(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 4, 0);
    return b.toString("latin1") === "\x7fELF";
  } finally {
    closeSync(fd);
  }
}

function fakeNode(size: number, markers: [number, string][]): string {
  const b = Buffer.alloc(size, 0x41);
  b.write("\x7fELF", 0, "latin1");
  for (const [at, text] of markers) b.write(text, at, "latin1");
  const p = join(dir, `node-${size}-${markers.length}-${markers[0]?.[0] ?? 0}`);
  writeFileSync(p, b);
  return p;
}

describe("runtime analyzer", () => {
  it("wants node executables and Python's patchlevel.h", () => {
    const exe = { mode: 0o755, size: 90e6 };
    expect(wanted("usr/local/bin/node", exe)).toBe(true);
    expect(wanted("usr/bin/nodejs", exe)).toBe(true);
    expect(wanted("root/.nvm/versions/node/v20.1.0/bin/node", exe)).toBe(true);
    expect(wanted("usr/local/bin/node", { mode: 0o644, size: 90e6 })).toBe(false);
    expect(wanted("usr/local/bin/node", { mode: 0o755, size: 500 })).toBe(false);
    expect(wanted("usr/local/bin/node")).toBe(false);
    expect(wanted("usr/local/lib/node_modules/node")).toBe(false);
    expect(wanted("usr/local/include/python3.12/patchlevel.h")).toBe(true);
    expect(wanted("opt/conda/include/python3.11/patchlevel.h")).toBe(true);
    expect(wanted("usr/include/python3.11/patchlevel.hpp")).toBe(false);
  });

  it("reads PY_VERSION from a real patchlevel.h", async () => {
    const path = "usr/local/include/python3.11/patchlevel.h";
    const local = fileURLToPath(new URL(`./testdata/python/${path}`, import.meta.url));
    const r = (await runtimeAnalyzer.analyze({ path, content: readFileSync(local), mode: 0o644 }))!;
    const pkgs = finalize(r.packages!);
    expect(pkgs).toEqual([
      {
        type: "generic",
        name: "python",
        version: "3.11.2",
        purl: "pkg:generic/python@3.11.2",
        source: null,
        licenses: [],
        locations: [{ path: "/usr/local/include/python3.11/patchlevel.h" }],
        metadata: { detectedBy: "patchlevel.h PY_VERSION" },
      },
    ]);
    expect(await runtimeAnalyzer.analyze({ path, content: Buffer.from("#define PY_MAJOR_VERSION 3\n"), mode: 0 })).toBeNull();
  });

  it("finds node's version markers, across chunk boundaries too", async () => {
    const chunk = 4 * 2 ** 20;
    const straddle = fakeNode(chunk + 4096, [[chunk - 5, "node.js/v22.11.0\0"]]);
    const r = (await onDisk("usr/local/bin/node", straddle))!;
    expect(finalize(r.packages!).map((p) => [p.purl, p.metadata!.detectedBy])).toEqual([["pkg:generic/node@22.11.0", "inspector version string"]]);
    const release = fakeNode(2 ** 20, [[1000, "https://nodejs.org/download/release/v18.20.4/node-v18.20.4-headers.tar.gz\0"]]);
    expect((await onDisk("usr/bin/node", release))!.packages![0]).toMatchObject({ version: "18.20.4", metadata: { detectedBy: "release headers URL" } });
    expect(await onDisk("usr/bin/node", fakeNode(2 ** 20, [[100, "node.js/vX"]]))).toBeNull();
    const script = join(dir, "script");
    writeFileSync(script, "#!/bin/sh\nexec node.js/v1.2.3\n");
    expect(await onDisk("usr/bin/node", script)).toBeNull();
  });

  it.skipIf(!startsWithElf(process.execPath))(
    "reads the version of the node running these tests",
    async () => {
      const r = (await onDisk("usr/bin/node", process.execPath))!;
      expect(r.packages![0]!.version).toBe(process.version.slice(1));
    },
  );
});
