// Images written by Debian's umoci 0.4.7, whose layers end without the tar end-of-archive marker
// (and, when the last entry is a file, without its padding): accepted, with one note per layer in
// errors[]. Runs the bundled bin (npm test builds first).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
const FIXTURE = new URL("../fixtures/umoci-0.4.7/image", import.meta.url).pathname;
const OS_RELEASE_DIR = new URL("../../src/analyzers/os/os-release/testdata/alpine-3.20/etc", import.meta.url).pathname;
const APK_INSTALLED = new URL("../../src/analyzers/os/apk/testdata/multiple-1/lib/apk/db/installed", import.meta.url).pathname;
const PACKAGES = ["bash@5.2.21-r0", "busybox-binsh@1.36.1-r15", "musl@1.2.4_git20230717-r4", "readline@8.2.1-r2"];

const work = mkdtempSync(join(tmpdir(), "bw-umoci-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Sbom {
  artifact: { os: { family: string; version: string } | null; layers: { diffId: string }[] };
  packages: { name: string; version: string; type: string }[];
  errors: { source: string; message: string; layer?: string; path?: string }[];
}

function bulwark(cacheDir: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: cacheDir } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function sbom(target: string, cacheDir: string, ...extra: string[]): Sbom {
  const r = bulwark(cacheDir, "sbom", target, "--format", "json", ...extra);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Sbom;
}

const packages = (s: Sbom): string[] => s.packages.map((p) => `${p.name}@${p.version}`).sort();
const NOTE = /^tar stream ends without the end-of-archive marker \((.+)\); read (\d+) entries$/;

/** The digests of an OCI layout's layer blobs (first manifest), in order. */
function layerBlobs(layout: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(join(layout, "blobs", "sha256", index.manifests[0]!.digest.slice(7)), "utf8")) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => l.digest);
}

describe.skipIf(!existsSync(BIN))("umoci 0.4.7 images (committed fixture)", () => {
  it("scans through the CLI with exit 0, the packages, and one note per layer; a warm scan gives the same errors", () => {
    const cache = join(work, "cache-fixture");
    const layout = join(work, "fixture-copy");
    cpSync(FIXTURE, layout, { recursive: true });
    const cold = sbom(`oci:${layout}:latest`, cache);
    expect(cold.artifact.os).toMatchObject({ family: "alpine", version: "3.20.3" });
    expect(packages(cold)).toEqual(PACKAGES);
    const [l1, l2] = cold.artifact.layers.map((l) => l.diffId);
    // (The JSON report sorts errors[]: here by layer.)
    expect([l1, l2]).toEqual(["sha256:57a336d23b7f4020f1dc35487412b43af82480eec56c9f0de69dc17cc1337cf5", "sha256:d265ea4f6e9aecabaa9366f063a3be0fa059aeda456fa0858a9126cb5cc75bb0"]);
    expect(cold.errors).toEqual([
      { source: "layer", layer: l1, message: "tar stream ends without the end-of-archive marker (the last entry's padding and both zero blocks missing); read 8 entries" },
      { source: "layer", layer: l2, message: "tar stream ends without the end-of-archive marker (no zero blocks after the last entry); read 3 entries" },
    ]);
    // The layer cache stores the notes: a warm scan, served from it (the layer blobs are gone),
    // reports the same.
    expect(readdirSync(join(cache, "layers")).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    for (const d of layerBlobs(layout)) rmSync(join(layout, "blobs", "sha256", d.slice(7)));
    const warm = sbom(`oci:${layout}:latest`, cache);
    expect(warm.errors).toEqual(cold.errors);
    expect(packages(warm)).toEqual(PACKAGES);
  });

  it("still checks the digest of such a layer", () => {
    const layout = join(work, "tampered");
    cpSync(FIXTURE, layout, { recursive: true });
    // Same tar bytes, compressed again: the tar reads as before, the blob digest no longer matches.
    const blob = join(layout, "blobs", "sha256", layerBlobs(layout)[0]!.slice(7));
    writeFileSync(blob, gzipSync(gunzipSync(readFileSync(blob)), { level: 1 }));
    const r = bulwark(join(work, "cache-tampered"), "sbom", `oci:${layout}:latest`, "--format", "json");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^bulwark: layer [0-9a-f]{12}: layer digest mismatch: expected sha256:82982d1f/);
    expect(r.stdout).toBe("");
  });
});

const noUmoci = missingTool("umoci image tests", ["umoci", "tar"]);
describe.skipIf(noUmoci !== undefined || !existsSync(BIN))("umoci 0.4.7 images (made here by umoci)", () => {
  it("makes layers without the end marker, and bulwark sbom reads them with a note", { timeout: 60_000 }, () => {
    const dir = join(work, "made");
    const rootfs = join(dir, "rootfs");
    mkdirSync(join(rootfs, "etc"), { recursive: true });
    mkdirSync(join(rootfs, "lib", "apk", "db"), { recursive: true });
    for (const f of ["os-release", "alpine-release"]) cpSync(join(OS_RELEASE_DIR, f), join(rootfs, "etc", f));
    cpSync(APK_INSTALLED, join(rootfs, "lib", "apk", "db", "installed"));
    const extra = join(dir, "extra");
    mkdirSync(join(extra, "zz"), { recursive: true });
    writeFileSync(join(extra, "notes.txt"), "inserted by umoci for bulwark's tests\n");
    const layout = join(dir, "image");
    // Unprivileged users need umoci's rootless mode (it cannot chown what it unpacks).
    const rootless = process.getuid?.() === 0 ? [] : ["--rootless"];
    const umoci = (...args: string[]): void => {
      execFileSync("umoci", args, { cwd: dir, stdio: "pipe" });
    };
    umoci("init", "--layout", layout);
    umoci("new", "--image", `${layout}:latest`);
    umoci("insert", ...rootless, "--image", `${layout}:latest`, rootfs, "/");
    umoci("insert", ...rootless, "--image", `${layout}:latest`, extra, "/opt/extra");

    // What umoci wrote: the tar streams stop after the last entry. GNU tar lists the first layer
    // (its last entry is a file, unpadded) and then fails with "Unexpected EOF"; the second (its
    // last entry is a directory) it lists without complaint.
    const [first, second] = layerBlobs(layout).map((d) => join(layout, "blobs", "sha256", d.slice(7)));
    const t1 = gunzipSync(readFileSync(first!));
    const t2 = gunzipSync(readFileSync(second!));
    expect(t1.length % 512).not.toBe(0);
    expect(t2.length % 512).toBe(0);
    expect(t2.subarray(-512).equals(Buffer.alloc(512))).toBe(false);
    const gnu1 = spawnSync("tar", ["-tzf", first!], { encoding: "utf8" });
    expect(gnu1.stdout.split("\n").filter(Boolean)).toEqual(["/", "etc/", "etc/alpine-release", "etc/os-release", "lib/", "lib/apk/", "lib/apk/db/", "lib/apk/db/installed"]);
    expect(gnu1.stderr).toMatch(/Unexpected EOF in archive/);
    expect(gnu1.status).not.toBe(0);
    const gnu2 = spawnSync("tar", ["-tzf", second!], { encoding: "utf8" });
    expect(gnu2.status, gnu2.stderr).toBe(0);
    expect(gnu2.stdout.split("\n").filter(Boolean)).toEqual(["opt/extra/", "opt/extra/notes.txt", "opt/extra/zz/"]);

    const report = sbom(`oci:${layout}:latest`, join(work, "cache-made"));
    expect(report.artifact.os).toMatchObject({ family: "alpine", version: "3.20.3" });
    expect(packages(report)).toEqual(PACKAGES);
    const [l1, l2] = report.artifact.layers.map((l) => l.diffId);
    // (The JSON report sorts errors[]; compare them by layer.)
    const notes = new Map(report.errors.map((e) => [e.layer, [e.source, NOTE.exec(e.message)?.slice(1)]]));
    expect(report.errors).toHaveLength(2);
    expect(notes.get(l1)).toEqual(["layer", ["the last entry's padding and both zero blocks missing", "8"]]);
    expect(notes.get(l2)).toEqual(["layer", ["no zero blocks after the last entry", "3"]]);
  });
});
