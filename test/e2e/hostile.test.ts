// Hostile and broken inputs: each must give a correct scan or a clean UserError, never a crash,
// a hang or a file written.
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { scan, UserError } from "../../src/index.js";
import { buildImage, buildTar, sha256, writeDockerArchive, writeOciLayout, writeTarFile } from "../support/image-builder.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";

const work = mkdtempSync(join(tmpdir(), "bw-hostile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const tmp = (name: string): string => join(work, `${n++}-${name}`);
const opts = { noCache: true };

async function expectUserError(target: string, pattern?: RegExp): Promise<UserError> {
  try {
    await scan(target, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return e as UserError;
  }
  throw new Error(`expected ${target} to fail`);
}

describe("bad archives", () => {
  it("random bytes", async () => {
    const f = tmp("random.tar");
    const b = Buffer.alloc(100_000);
    for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
    writeFileSync(f, b);
    await expectUserError(f, /random\.tar/);
  });

  it("empty file and a truncated archive", async () => {
    const empty = tmp("empty.tar");
    writeFileSync(empty, "");
    await expectUserError(empty);
    const img = await buildImage({ layers: [{ entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] }, "docker");
    const full = tmp("full.tar");
    await writeDockerArchive(full, [img]);
    const bytes = readFileSync(full);
    for (const cut of [600, 1500, Math.floor(bytes.length / 2), bytes.length - 1100]) {
      const f = tmp(`trunc-${cut}.tar`);
      writeFileSync(f, bytes.subarray(0, cut));
      await expectUserError(f);
    }
  });

  it("manifest.json pointing outside the archive, invalid JSON, missing config", async () => {
    const outside = tmp("outside.tar");
    await writeTarFile(outside, [{ path: "manifest.json", bytes: Buffer.from(JSON.stringify([{ Config: "../../etc/passwd", Layers: ["/etc/shadow"] }])) }]);
    await expectUserError(outside, /no member|missing/);
    const bad = tmp("badjson.tar");
    await writeTarFile(bad, [{ path: "manifest.json", bytes: Buffer.from("[{not json") }]);
    await expectUserError(bad, /invalid JSON/);
    const wrongShape = tmp("shape.tar");
    await writeTarFile(wrongShape, [{ path: "manifest.json", bytes: Buffer.from(JSON.stringify({ a: 1 })) }]);
    await expectUserError(wrongShape);
  });

  it("an OCI blob that does not match its digest", async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] });
    const dir = tmp("tampered");
    writeOciLayout(dir, [img]);
    const layerFile = join(dir, "blobs", "sha256", img.layers[0]!.digest.slice(7));
    writeFileSync(layerFile, gzipSync(await buildTar([{ path: "evil", content: "x" }])));
    const e = await expectUserError(dir, /digest mismatch/);
    expect(e.code).toBe("DIGEST_MISMATCH");
    // A tampered config is caught before any layer is read.
    writeOciLayout(dir, [img]);
    writeFileSync(join(dir, "blobs", "sha256", img.config.digest.slice(7)), "{}");
    expect((await expectUserError(dir)).code).toBe("DIGEST_MISMATCH");
  });

  it("index.json that references a missing blob or a bad digest", async () => {
    const dir = tmp("badindex");
    mkdirSync(dir);
    writeFileSync(join(dir, "oci-layout"), "{}");
    writeFileSync(join(dir, "index.json"), JSON.stringify({ manifests: [{ digest: sha256("nothing"), mediaType: "application/vnd.oci.image.manifest.v1+json" }] }));
    await expectUserError(dir, /missing/);
    writeFileSync(join(dir, "index.json"), JSON.stringify({ manifests: [{ digest: "sha256:../../../etc/passwd" }] }));
    await expectUserError(dir, /invalid digest/);
  });
});

describe("bad layers", () => {
  it("entries with ../ and absolute paths stay inside the root and are reported", async () => {
    const dir = tmp("escape");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries: [
      { path: "../../../var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) },
      { path: "/etc/os-release", content: DEBIAN_OS_RELEASE },
    ] }] })]);
    const before = readdirSync(work).length;
    const r = await scan(dir, opts);
    expect(r.packages).toHaveLength(3); // read as /var/lib/dpkg/status inside the image
    expect(r.errors.some((e) => /leaves the image root/.test(e.message))).toBe(true);
    expect(readdirSync(work).length).toBe(before);
  });

  it("symlink loops do not hang", async () => {
    const dir = tmp("loop");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries: [
      { path: "etc/os-release", type: "symlink", linkname: "os-release" },
      { path: "a", type: "symlink", linkname: "b" },
      { path: "b", type: "symlink", linkname: "a" },
      { path: "var/lib/dpkg/status", type: "symlink", linkname: "../../../var/lib/dpkg/status" },
    ] }] })]);
    const r = await scan(dir, opts);
    expect(r.packages).toEqual([]);
    expect(r.artifact.os).toBeNull();
  });

  it("a garbage package database is an error on the report, not a crash", async () => {
    const dir = tmp("garbage-db");
    const junk = Buffer.alloc(200_000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 31) & 0xff;
    writeOciLayout(dir, [await buildImage({ layers: [{ entries: [
      { path: "var/lib/dpkg/status", content: junk },
      { path: "lib/apk/db/installed", content: junk },
      { path: "var/lib/rpm/rpmdb.sqlite", content: junk },
      { path: "var/lib/rpm/Packages", content: junk },
      { path: "etc/os-release", content: junk },
    ] }] })]);
    const r = await scan(dir, opts);
    expect(r.packages).toEqual([]);
    expect(r.errors.length).toBeGreaterThan(0);
  });

  it("a gzip bomb layer stops with a clean LIMIT error", async () => {
    const dir = tmp("bomb");
    const tarBytes = await buildTar([{ path: "zeros", content: Buffer.alloc(64 * 2 ** 20) }]);
    const img = await buildImage({ layers: [{ entries: [{ path: "x", content: "x" }] }] });
    writeOciLayout(dir, [img]);
    const bomb = gzipSync(tarBytes, { level: 9 });
    // Swap the layer for the bomb and fix up the digests so only the size limit can stop it.
    const { rewriteLayer } = await import("../support/rewrite.js");
    rewriteLayer(dir, img, bomb, sha256(tarBytes));
    await expect(scan(dir, { ...opts, limits: { maxUncompressed: 2 ** 40, maxRatio: 100, ratioFloor: 4 * 2 ** 20 } })).rejects.toMatchObject({ code: "LIMIT" });
  });

  it("a truncated gzip layer is a clean input error", async () => {
    const dir = tmp("truncgz");
    const img = await buildImage({ layers: [{ entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }, { path: "big", content: Buffer.alloc(300_000, 7) }] }] });
    writeOciLayout(dir, [img]);
    const { rewriteLayer } = await import("../support/rewrite.js");
    const cut = img.layers[0]!.bytes.subarray(0, img.layers[0]!.bytes.length - 200);
    rewriteLayer(dir, img, cut, img.layers[0]!.diffId);
    await expectUserError(dir);
  });
});

describe("targets", () => {
  it("missing files and bad syntax", async () => {
    await expectUserError("./does-not-exist.tar", /no such file/);
    await expectUserError("oci:/nonexistent/dir", /index\.json|missing/);
    await expectUserError("dir:/nonexistent/root", /no such directory/);
    await expect(scan(tmp("x"), { platform: "linux" })).rejects.toMatchObject({ code: "USAGE" });
  });
});
