// `npm run bench -- registry`: a real docker-registry with 200 repositories x 5 tags whose images
// share a base layer (dpkg database of 300 packages plus filler files) and a per-repository layer;
// each tag adds its own small layer. Times `bulwark registry scan` (the bundled CLI, a fresh
// process each) cold (empty layer cache and no state), incremental (same state: nothing pulled),
// and after an advisory database change (stored inventories re-matched, nothing pulled).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pushImage } from "../src/image/registry/index.js";
import { importPaths } from "../src/index.js";
import { buildImage, buildLayer, type BuiltImage, type BuiltLayer } from "../test/support/image-builder.js";
import { startRegistry } from "../test/support/registry-server.js";
import { missingTool } from "../test/support/tools.js";

const REPOS = 200;
const TAGS = 5;
const here = fileURLToPath(new URL(".", import.meta.url));
const BIN = join(here, "..", "bulwark.mjs");

function status(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`Package: pkg${i}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 100\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\nVersion: 1.${i}-1\nDescription: bench package ${i}\n bench\n`);
  }
  return out.join("\n");
}

function osv(id: string, name: string, fixed: string): string {
  return JSON.stringify({
    id, modified: "2026-01-01T00:00:00Z",
    affected: [{ package: { ecosystem: "Debian:12", name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
  });
}

export async function benchRegistryScan(): Promise<void> {
  const missing = missingTool("registry scan bench", ["docker-registry"]);
  if (missing) {
    console.log(missing);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), "bw-bench-registry-"));
  const reg = await startRegistry();
  try {
    const t0 = performance.now();
    const filler = Buffer.alloc(4 << 20);
    for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
    const base: BuiltLayer = await buildLayer({
      createdBy: "ADD rootfs /",
      entries: [
        { path: "etc/os-release", content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' },
        { path: "var/lib/dpkg/status", content: status(300) },
        { path: "usr/lib/filler.bin", content: filler },
      ],
    });
    let pushed = 0;
    for (let r = 0; r < REPOS; r++) {
      const repoLayer = { createdBy: `COPY app${r}`, entries: [{ path: `srv/app${r}/main.js`, content: `console.log(${r});\n`.repeat(2000) }] };
      for (let t = 0; t < TAGS; t++) {
        const image: BuiltImage = await buildImage({
          created: new Date(Date.UTC(2026, 0, 1 + t)).toISOString(),
          layers: [{ entries: [] }, repoLayer, { createdBy: `COPY v${t}`, entries: [{ path: `srv/app${r}/VERSION`, content: `${t}\n` }] }],
        });
        // The shared base replaces the placeholder first layer (its diffID goes into the config).
        const config = JSON.parse(image.config.bytes.toString("utf8")) as { rootfs: { diff_ids: string[] } };
        config.rootfs.diff_ids[0] = base.diffId;
        const configBytes = Buffer.from(JSON.stringify(config));
        const cfgDigest = "sha256:" + createHash("sha256").update(configBytes).digest("hex");
        const manifest = JSON.parse(image.manifest.bytes.toString("utf8")) as { config: { digest: string; size: number }; layers: { digest: string; size: number; mediaType: string }[] };
        manifest.config = { ...manifest.config, digest: cfgDigest, size: configBytes.length };
        manifest.layers[0] = { mediaType: base.mediaType, digest: base.digest, size: base.bytes.length };
        const manifestBytes = Buffer.from(JSON.stringify(manifest));
        await pushImage(`${reg.host}/bench/app${String(r).padStart(3, "0")}:v${t}`, {
          layers: [base, ...image.layers.slice(1)],
          config: { digest: cfgDigest, bytes: configBytes },
          manifest: { bytes: manifestBytes, mediaType: image.manifest.mediaType },
        });
        pushed++;
      }
    }
    console.log(`registry bench: ${REPOS} repositories x ${TAGS} tags = ${pushed} images pushed to a real docker-registry in ${((performance.now() - t0) / 1000).toFixed(1)} s (shared base layer ${(base.bytes.length / 2 ** 20).toFixed(1)} MiB compressed, 300 dpkg packages)`);

    const osvDir = join(work, "osv");
    mkdirSync(osvDir);
    writeFileSync(join(osvDir, "B-1.json"), osv("BENCH-1", "pkg7", "1.7-2"));
    const db = join(work, "advisories.db");
    await importPaths(db, [osvDir]);
    const state = join(work, "state.json");
    const cache = join(work, "cache");
    const args = ["registry", "scan", reg.host, "--state", state, "--cache-dir", cache, "--db", db, "--offline", "--format", "json", "-o", join(work, "out.json"), "-q"];
    const run = (): { seconds: number; images: number; sources: Record<string, number> } => {
      const t = performance.now();
      execFileSync(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "inherit"] });
      const seconds = (performance.now() - t) / 1000;
      const out = JSON.parse(readFileSync(join(work, "out.json"), "utf8")) as { images: { source: string }[]; errors: unknown[] };
      if (out.errors.length) throw new Error(`registry bench: ${out.errors.length} errors`);
      const sources: Record<string, number> = {};
      for (const i of out.images) sources[i.source] = (sources[i.source] ?? 0) + 1;
      return { seconds, images: out.images.length, sources };
    };
    const cold = run();
    const incremental = run();
    writeFileSync(join(osvDir, "B-2.json"), osv("BENCH-2", "pkg8", "1.8-2"));
    await importPaths(db, [osvDir]);
    const rematch = run();
    const line = (k: string, r: ReturnType<typeof run>) => console.log(`${k.padEnd(56)} ${r.seconds.toFixed(2)} s, ${r.images} images (${Object.entries(r.sources).map(([s, n]) => `${n} ${s}`).join(", ")})`);
    line("registry scan, cold (no layer cache, no state)", cold);
    line("registry scan, incremental (same state and advisories)", incremental);
    line("registry scan, advisories changed (re-match, no pull)", rematch);
    console.log("(each a fresh process of the bundled CLI, --concurrency 3 default, wall time around the process)");
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
