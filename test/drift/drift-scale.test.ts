// Drift on a large tree: an image with BULWARK_DRIFT_FILES small files (default 20,000; the
// figure in docs/drift.md is from 100,000) in a real runc container. The CLI must report exactly
// the three changes made, in bounded memory: its peak RSS is measured in the child process.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriftReport } from "../../src/index.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";
import { missingTool } from "../support/tools.js";
import { busyboxLayer, missingRunc, startRuncContainer, type RuncContainer } from "../support/runc-container.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const FILES = Number(process.env["BULWARK_DRIFT_FILES"] ?? 20_000);
/**
 * Peak RSS allowed for the whole CLI process: `bulwark --version` alone peaks at about 90 MiB
 * here (the CLI's 64 MiB young generation is part of that), plus 2 KiB per image path.
 */
const RSS_LIMIT_MIB = 140 + (2 * FILES) / 1024;

describe.skipIf(missingRunc("drift scale test") !== undefined || missingTool("drift scale test", "tar") !== undefined || !existsSync(BIN))(`drift on ${FILES} files`, () => {
  const work = mkdtempSync(join(tmpdir(), "bw-drift-scale-"));
  let c: RuncContainer;

  beforeAll(async () => {
    const entries: EntrySpec[] = [{ path: "srv/", type: "dir" }];
    for (let d = 0; d < FILES / 100; d++) {
      entries.push({ path: `srv/d${d}/`, type: "dir" });
      for (let f = 0; f < 100; f++) entries.push({ path: `srv/d${d}/f${f}.txt`, content: `file ${d}/${f}\n`.repeat(1 + (f % 7)) });
    }
    const img = await buildImage({ tags: ["big"], layers: [busyboxLayer(), { entries }] });
    writeOciLayout(join(work, "layout"), [img]);
    // GNU tar unpacks the layers (no whiteouts in them) much faster than umoci for 100k files.
    const rootfs = join(work, "rootfs");
    mkdirSync(rootfs);
    for (const [i, layer] of img.layers.entries()) {
      const file = join(work, `layer${i}.tar`);
      writeFileSync(file, layer.tarBytes);
      const x = spawnSync("tar", ["-xf", file, "-C", rootfs, "--numeric-owner", "--same-permissions"], { encoding: "utf8" });
      expect(x.status, x.stderr).toBe(0);
      rmSync(file);
    }
    c = await startRuncContainer({ rootfs });
    const r = await c.exec(["sh", "-c", "echo x >> /srv/d5/f5.txt && rm /srv/d7/f1.txt && cp /bin/busybox /srv/d9/tool"]);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await c?.delete();
    rmSync(work, { recursive: true, force: true });
  }, 600_000);

  it("reports exactly the changes with bounded peak RSS", () => {
    const wrapper = join(work, "rss.mjs");
    writeFileSync(wrapper, `process.on("exit", () => process.stderr.write("maxrss_kib=" + process.resourceUsage().maxRSS + "\\n"));\nawait import(${JSON.stringify(BIN)});\n`);
    const t = performance.now();
    const r = spawnSync(process.execPath, [wrapper, "drift", c.id, "--image", `oci:${join(work, "layout")}:big`, "--format", "json"], { encoding: "utf8", maxBuffer: 1 << 26, timeout: 300_000 });
    const ms = performance.now() - t;
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DriftReport;
    expect(report.changes.map((x) => [x.change, x.path, x.severity])).toEqual([
      ["modified", "/srv/d5/f5.txt", "LOW"],
      ["deleted", "/srv/d7/f1.txt", "LOW"],
      ["added", "/srv/d9/tool", "HIGH"],
    ]);
    expect(report.stats.walked).toBeGreaterThan(FILES);
    const rss = Number(/maxrss_kib=(\d+)/.exec(r.stderr)?.[1]) / 1024;
    console.log(`drift on ${FILES} files: ${Math.round(ms)} ms, peak RSS ${rss.toFixed(1)} MiB, walked ${report.stats.walked}, hashed ${report.stats.hashedFiles} live files`);
    expect(rss).toBeGreaterThan(10);
    expect(rss).toBeLessThan(RSS_LIMIT_MIB);
  }, 300_000);
});
