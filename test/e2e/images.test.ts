// Whole-pipeline tests on real image archives and layouts built from layer specs.
import { mkdtempSync, rmSync, writeFileSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { TarArchive } from "../../src/image/archive.js";
import { scan, type Report } from "../../src/index.js";
import { buildImage, writeDockerArchive, writeOciArchive, writeOciLayout, type ImageSpec } from "../support/image-builder.js";
import { ALPINE_OS_RELEASE, apkInstalled, BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { missingTool } from "../support/tools.js";

const work = mkdtempSync(join(tmpdir(), "bw-e2e-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const tmp = (name: string): string => join(work, `${n++}-${name}`);

const debianSpec = (): ImageSpec => ({
  tags: ["example.org/app:1.0"],
  layers: [
    {
      createdBy: "ADD rootfs.tar.xz /",
      entries: [
        { path: "etc/os-release", content: DEBIAN_OS_RELEASE },
        { path: "etc/debian_version", content: "12.7\n" },
        { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) },
        { path: "var/lib/dpkg/info/zlib1g:amd64.list", content: "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libz.so.1\n" },
      ],
    },
    {
      createdBy: "RUN apt-get install -y curl",
      entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus([...BASE_PKGS, { name: "curl", version: "7.88.1-10+deb12u8" }]) }],
    },
  ],
});

/** Runs `fn` with TMPDIR set to a new empty folder, which it is given. */
async function withScratchTmpdir(fn: (scratch: string) => Promise<void>): Promise<void> {
  const scratch = mkdtempSync(join(work, "tmpdir-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    await fn(scratch);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

const names = (r: Report): string[] => r.packages.map((p) => `${p.name}@${p.version}`).sort();
const opts = { noCache: true, now: new Date("2025-01-01") };

describe("image transports", () => {
  it("scans a docker archive: OS, packages, purls, layer attribution", async () => {
    const img = await buildImage(debianSpec(), "docker");
    const file = tmp("docker.tar");
    await writeDockerArchive(file, [img]);
    const r = await scan(file, opts);
    expect(r.artifact.type).toBe("docker-archive");
    expect(r.artifact.os).toMatchObject({ family: "debian", version: "12", codename: "bookworm" });
    expect(r.artifact.layers.map((l) => l.diffId)).toEqual(img.layers.map((l) => l.diffId));
    expect(r.artifact.layers[1]?.createdBy).toBe("RUN apt-get install -y curl");
    expect(names(r)).toEqual(["bash@5.2.15-2+b7", "curl@7.88.1-10+deb12u8", "libc6@2.36-9+deb12u7", "zlib1g@1:1.2.13.dfsg-1"]);
    const zlib = r.packages.find((p) => p.name === "zlib1g")!;
    expect(zlib.purl).toBe("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
    expect(zlib.source).toEqual({ name: "zlib", version: "1:1.2.13.dfsg-1" });
    expect(zlib.files).toContain("/usr/lib/x86_64-linux-gnu/libz.so.1");
    expect(zlib.locations[0]?.layer?.diffId).toBe(img.layers[0]!.diffId);
    const curl = r.packages.find((p) => p.name === "curl")!;
    expect(curl.locations[0]).toMatchObject({ path: "/var/lib/dpkg/status", layer: { diffId: img.layers[1]!.diffId, createdBy: "RUN apt-get install -y curl" } });
    expect(r.errors).toEqual([]);
  });

  it("gives the same packages from oci, oci-archive and docker-archive", async () => {
    const img = await buildImage(debianSpec(), "oci");
    const dir = tmp("layout");
    writeOciLayout(dir, [img]);
    const arc = tmp("oci.tar");
    await writeOciArchive(arc, [img]);
    const a = await scan(`oci:${dir}`, opts);
    const b = await scan(`oci-archive:${arc}`, opts);
    const c = await scan(dir, opts); // bare directory with oci-layout
    const d = await scan(arc, opts); // bare tar auto-detected
    expect(a.artifact.digest).toBe(img.manifest.digest);
    for (const r of [b, c, d]) {
      expect(r.packages).toEqual(a.packages);
      expect(r.artifact.layers).toEqual(a.artifact.layers);
    }
    expect(a.artifact.layers[0]?.digest).toBe(img.layers[0]!.digest);
    expect(d.artifact.type).toBe("oci-archive");
  });

  it("reads gzip-compressed docker and OCI archives (docker save | gzip) like plain ones", async () => {
    const img = await buildImage(debianSpec(), "docker");
    const plain = tmp("docker.tar");
    await writeDockerArchive(plain, [img]);
    const gz = tmp("docker.tar.gz");
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const oci = await buildImage(debianSpec(), "oci");
    const ociPlain = tmp("oci.tar");
    await writeOciArchive(ociPlain, [oci]);
    const ociGz = tmp("oci.tar.gz");
    writeFileSync(ociGz, gzipSync(readFileSync(ociPlain)));
    const want = await scan(plain, opts);
    // The decompressed copy is an unnamed file: nothing is left in TMPDIR.
    await withScratchTmpdir(async (scratch) => {
      for (const target of [gz, `docker-archive:${gz}`]) {
        const r = await scan(target, opts);
        expect(r.artifact.type).toBe("docker-archive");
        expect(r.packages).toEqual(want.packages);
        expect(r.artifact.layers).toEqual(want.artifact.layers);
      }
      const wantOci = await scan(ociPlain, opts);
      for (const target of [ociGz, `oci-archive:${ociGz}`]) {
        const r = await scan(target, opts);
        expect(r.artifact.type).toBe("oci-archive");
        expect(r.packages).toEqual(wantOci.packages);
      }
      expect(readdirSync(scratch)).toEqual([]);
    });
  });

  // Written by the zstd tool (CI installs it).
  it.skipIf(missingTool("zstd-compressed archive test", "zstd") !== undefined)("reads a zstd-compressed docker archive (docker save | zstd) like a plain one", async () => {
    const img = await buildImage(debianSpec(), "docker");
    const plain = tmp("docker.tar");
    await writeDockerArchive(plain, [img]);
    const zst = tmp("docker.tar.zst");
    execFileSync("zstd", ["-q", "-o", zst, plain]);
    const want = await scan(plain, opts);
    await withScratchTmpdir(async (scratch) => {
      const r = await scan(zst, opts);
      expect(r.artifact.type).toBe("docker-archive");
      expect(r.packages).toEqual(want.packages);
      expect(r.artifact.layers).toEqual(want.artifact.layers);
      expect(readdirSync(scratch)).toEqual([]);
    });
  });

  it("refuses corrupt, oversized and other-compressed archives with one line", async () => {
    const img = await buildImage(debianSpec(), "docker");
    const plain = tmp("docker.tar");
    await writeDockerArchive(plain, [img]);
    const gz = gzipSync(readFileSync(plain));
    const cut = tmp("cut.tar.gz");
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    await expect(scan(cut, opts)).rejects.toMatchObject({ code: "INPUT", message: `${cut}: corrupt gzip data (unexpected end of file)` });
    const full = tmp("full.tar.gz");
    writeFileSync(full, gz);
    await expect(TarArchive.open(full, { maxExpanded: 1000 })).rejects.toMatchObject({ code: "LIMIT", message: expect.stringContaining("decompression bomb") });
    const xz = tmp("image.tar.xz");
    writeFileSync(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]));
    await expect(scan(xz, opts)).rejects.toMatchObject({ code: "UNSUPPORTED", message: `${xz}: xz-compressed archive; decompress it first` });
  });

  it("selects images in multi-image archives by @N and by tag", async () => {
    const deb = await buildImage(debianSpec(), "docker");
    const alp = await buildImage({
      tags: ["alpine:3.20"],
      layers: [{ entries: [{ path: "etc/os-release", content: ALPINE_OS_RELEASE }, { path: "lib/apk/db/installed", content: apkInstalled([{ name: "musl", version: "1.2.5-r0" }]) }] }],
    }, "docker");
    const file = tmp("multi.tar");
    await writeDockerArchive(file, [deb, alp]);
    await expect(scan(file, opts)).rejects.toThrow(/holds 2 images.*@0: example.org\/app:1.0.*@1: alpine:3.20/);
    expect((await scan(`${file}@1`, opts)).artifact.os?.family).toBe("alpine");
    expect((await scan(`docker-archive:${file}@0`, opts)).artifact.os?.family).toBe("debian");
    const byTag = await scan(`docker-archive:${file}:alpine:3.20`, opts);
    expect(names(byTag)).toEqual(["musl@1.2.5-r0"]);
    expect(byTag.packages[0]?.purl).toMatch(/^pkg:apk\/alpine\/musl@1.2.5-r0\?arch=x86_64&distro=alpine-3.20.3$/);
    await expect(scan(`docker-archive:${file}:nope:1`, opts)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("picks the platform from an image index", async () => {
    const amd = await buildImage({ ...debianSpec(), architecture: "amd64" });
    const arm = await buildImage({
      architecture: "arm64",
      variant: "v8",
      layers: [{ entries: [{ path: "etc/os-release", content: ALPINE_OS_RELEASE }] }],
    });
    const dir = tmp("index");
    writeOciLayout(dir, [amd, arm], { asIndex: "multi" });
    expect((await scan(`oci:${dir}:multi`, opts)).artifact.os?.family).toBe("debian");
    const r = await scan(`oci:${dir}:multi`, { ...opts, platform: "linux/arm64" });
    expect(r.artifact.os?.family).toBe("alpine");
    expect(r.artifact.platform).toBe("linux/arm64/v8");
    await expect(scan(`oci:${dir}:multi`, { ...opts, platform: "linux/s390x" })).rejects.toThrow(/linux\/amd64, linux\/arm64\/v8/);
    await expect(scan(`oci:${dir}:nope`, opts)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await scan(`oci:${dir}@${arm.manifest.digest}`, opts)).artifact.os?.family).toBe("alpine");
  });

  it("reads uncompressed layers", async () => {
    const spec = debianSpec();
    spec.layers[1]!.compression = "none";
    const dir = tmp("plain-layer");
    writeOciLayout(dir, [await buildImage(spec)]);
    expect(names(await scan(dir, opts))).toHaveLength(4);
  });

  it.skipIf(missingTool("zstd layer test", "zstd") !== undefined)("reads zstd and uncompressed layers", async () => {
    const spec = debianSpec();
    spec.layers[0]!.compression = "zstd";
    spec.layers[1]!.compression = "none";
    const dir = tmp("zstd");
    writeOciLayout(dir, [await buildImage(spec)]);
    expect(names(await scan(dir, opts))).toHaveLength(4);
  });
});

describe("layers and whiteouts", () => {
  const build = async (layers: ImageSpec["layers"]): Promise<string> => {
    const dir = tmp("wh");
    writeOciLayout(dir, [await buildImage({ layers })]);
    return dir;
  };
  const base = { entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] };

  it(".wh.NAME deletes a file from lower layers", async () => {
    const r = await scan(await build([base, { entries: [{ path: "var/lib/dpkg/.wh.status" }] }]), opts);
    expect(r.packages).toEqual([]);
    expect(r.artifact.os?.family).toBe("debian");
  });

  it(".wh.DIR deletes a whole directory, opaque markers empty it", async () => {
    expect((await scan(await build([base, { entries: [{ path: "var/lib/.wh.dpkg" }] }]), opts)).packages).toEqual([]);
    expect((await scan(await build([base, { entries: [{ path: "var/lib/dpkg/.wh..wh..opq" }] }]), opts)).packages).toEqual([]);
    expect((await scan(await build([base, { entries: [{ path: "etc/.wh..wh..opq" }] }]), opts)).artifact.os).toBeNull();
  });

  it("a whiteout whose name merely contains .wh. deletes nothing", async () => {
    const r = await scan(await build([base, { entries: [{ path: "var/lib/dpkg/status.wh.bak", content: "x" }, { path: "var/lib/whatwg-url/index.js", content: "x" }] }]), opts);
    expect(r.packages).toHaveLength(3);
  });

  it("an opaque dir in a layer keeps that layer's own files", async () => {
    const r = await scan(await build([base, { entries: [{ path: "var/lib/dpkg/.wh..wh..opq" }, { path: "var/lib/dpkg/status", content: dpkgStatus([BASE_PKGS[0]!]) }] }]), opts);
    expect(names(r)).toEqual(["zlib1g@1:1.2.13.dfsg-1"]);
    // The package is in layer 0's DB too, but the opaque marker broke the run: layer 1 introduced it.
  });

  it("a file replaced by a symlink no longer yields packages; os-release symlink resolves via usr/lib", async () => {
    const r = await scan(await build([
      { entries: [{ path: "usr/lib/os-release", content: DEBIAN_OS_RELEASE }, { path: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] },
      { entries: [{ path: "var/lib/dpkg/status", type: "symlink", linkname: "/etc/passwd" }] },
    ]), opts);
    expect(r.packages).toEqual([]);
    expect(r.artifact.os?.version).toBe("12");
  });

  it("hard links to a database are analysed", async () => {
    const r = await scan(await build([{ entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }, { path: "usr/lib/os-release", content: DEBIAN_OS_RELEASE }, { path: "etc/os-release", type: "link", linkname: "usr/lib/os-release" }] }]), opts);
    expect(r.artifact.os?.family).toBe("debian");
  });
});

describe("layer cache", () => {
  it("reuses layer results by diffID and gives identical reports", async () => {
    const cacheDir = tmp("cache");
    const img = await buildImage(debianSpec());
    const dir = tmp("cached");
    writeOciLayout(dir, [img]);
    const events: string[] = [];
    const first = await scan(dir, { cacheDir, now: opts.now, onProgress: (e) => e.kind === "layer-done" && events.push(String(e.cached)) });
    const second = await scan(dir, { cacheDir, now: opts.now, onProgress: (e) => e.kind === "layer-done" && events.push(String(e.cached)) });
    expect(events).toEqual(["false", "false", "true", "true"]);
    expect(second).toEqual(first);
    expect(readdirSync(join(cacheDir, "layers"))).toHaveLength(2);
    expect(readdirSync(join(cacheDir, "images"))).toHaveLength(1);
    // A damaged cache entry is a miss, not an error.
    for (const sub of ["layers", "images"]) for (const f of readdirSync(join(cacheDir, sub))) writeFileSync(join(cacheDir, sub, f), "{garbage");
    expect(await scan(dir, { cacheDir, now: opts.now })).toEqual(first);
    expect(readFileSync(join(cacheDir, "layers", readdirSync(join(cacheDir, "layers"))[0]!), "utf8").startsWith("{\"files\"")).toBe(true);
    expect(readFileSync(join(cacheDir, "images", readdirSync(join(cacheDir, "images"))[0]!), "utf8").startsWith("{\"os\"")).toBe(true);
  });

  it("keeps an image's merged inventory, without reading its layers again, and judges end of life on the day", async () => {
    const cacheDir = tmp("cache");
    const img = await buildImage(debianSpec());
    const file = tmp("image.tar");
    await writeDockerArchive(file, [img]);
    const early = new Date("2025-01-01");
    const late = new Date("2031-01-01");
    const cold = await scan(`docker-archive:${file}`, { cacheDir, now: early, scanners: ["package", "secret"] });
    // Layer entries removed: the second scan can only come from the image entry.
    for (const f of readdirSync(join(cacheDir, "layers"))) rmSync(join(cacheDir, "layers", f));
    const warm = await scan(`docker-archive:${file}`, { cacheDir, now: early, scanners: ["package", "secret"] });
    expect(readdirSync(join(cacheDir, "layers"))).toHaveLength(0);
    expect(warm).toEqual(cold);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
    // The end-of-life verdict is not frozen in the cache.
    const later = await scan(`docker-archive:${file}`, { cacheDir, now: late, scanners: ["package", "secret"] });
    const fresh = await scan(`docker-archive:${file}`, { noCache: true, now: late, scanners: ["package", "secret"] });
    expect(later.artifact.os?.eol).toEqual(fresh.artifact.os?.eol);
    expect(later.artifact.os?.eol).not.toEqual(cold.artifact.os?.eol);
    expect(JSON.stringify(later)).toBe(JSON.stringify(fresh));
    // Another analyzer set (no secret scanner) is another entry.
    await scan(`docker-archive:${file}`, { cacheDir, now: early });
    expect(readdirSync(join(cacheDir, "images"))).toHaveLength(2);
  });
});

describe("root filesystems", () => {
  const fixture = new URL("../../src/analyzers/os/dpkg/testdata/bookworm", import.meta.url).pathname;

  it("scans dir: targets with the same analyzers, without layers", async () => {
    const r = await scan(`dir:${fixture}`, opts);
    expect(r.artifact.type).toBe("dir");
    expect(r.artifact.layers).toEqual([]);
    expect(r.packages.length).toBeGreaterThan(5);
    expect(r.packages.every((p) => p.type === "deb" && p.locations[0]?.layer === undefined)).toBe(true);
    expect((await scan(`rootfs:${fixture}`, opts)).packages).toEqual(r.packages);
  });

  it("never follows symlinks out of the root", async () => {
    const { symlinkSync, mkdirSync: mk } = await import("node:fs");
    const root = tmp("rootfs");
    mk(join(root, "var/lib/dpkg"), { recursive: true });
    mk(join(root, "etc"), { recursive: true });
    // Points at the host's real dpkg database: must not be read.
    symlinkSync("/var/lib/dpkg/status", join(root, "var/lib/dpkg/status"));
    symlinkSync("/", join(root, "hostroot"));
    writeFileSync(join(root, "etc/os-release"), DEBIAN_OS_RELEASE);
    const r = await scan(`dir:${root}`, opts);
    expect(r.packages).toEqual([]);
    expect(r.artifact.os?.family).toBe("debian");
  });
});

describe("sbom: targets", () => {
  it("inventories a CycloneDX SBOM written by bulwark itself", async () => {
    const { getWriter } = await import("../../src/report/index.js");
    const sample = new URL("../../examples/sample-image.tar", import.meta.url).pathname;
    const r = await scan(sample, opts);
    const file = tmp("sbom.cdx.json");
    writeFileSync(file, getWriter("cyclonedx-json").write(r));
    const s = await scan(`sbom:${file}`, opts);
    expect(s.artifact.type).toBe("sbom");
    expect(s.artifact.os).toMatchObject({ family: "debian", version: "12" });
    expect(s.packages.map((p) => p.purl).sort()).toEqual(r.packages.map((p) => p.purl).sort());
    await expect(scan("sbom:/no/such.json", opts)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
