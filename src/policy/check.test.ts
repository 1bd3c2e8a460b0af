// Rules that need no registry, on local targets: root filesystems and a docker archive.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildImage, writeDockerArchive } from "../../test/support/image-builder.js";
import { checkPolicy, NO_VERIFIER, rootUser } from "./check.js";
import { parsePolicy } from "./load.js";
import type { ImageResult, RuleResult } from "./types.js";

const work = mkdtempSync(join(tmpdir(), "bw-policy-check-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rule = (img: ImageResult, name: string): RuleResult => img.rules.find((r) => r.rule === name)!;

function rootfs(name: string, osRelease?: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "etc"), { recursive: true });
  mkdirSync(join(dir, "var/lib/dpkg"), { recursive: true });
  writeFileSync(join(dir, "var/lib/dpkg/status"), "");
  if (osRelease) writeFileSync(join(dir, "etc/os-release"), osRelease);
  return `rootfs:${dir}`;
}

const policy = (rules: string) => parsePolicy(`apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n${rules}`);

describe("checkPolicy on local targets", () => {
  it("root user: empty, 0 and root (with or without a group) are root", () => {
    expect(rootUser("")).toMatch(/sets no user/);
    expect(rootUser("  ")).toMatch(/sets no user/);
    expect(rootUser("0")).toMatch(/root/);
    expect(rootUser("0:1000")).toMatch(/root/);
    expect(rootUser("root:root")).toMatch(/root/);
    expect(rootUser("000")).toMatch(/root/);
    expect(rootUser("1000:0")).toBeUndefined();
    expect(rootUser("app")).toBeUndefined();
    expect(rootUser("rootless")).toBeUndefined();
  });

  it("end of life: from the scanner's table, older-than-table releases, unknown and absent OS", async () => {
    const deb = (v: string, c: string) => `ID=debian\nVERSION_ID="${v}"\nVERSION_CODENAME=${c}\nPRETTY_NAME="Debian GNU/Linux ${v} (${c})"\n`;
    const p = policy("  forbidEolOs: true\n  forbidRootUser: true\n");
    const now = new Date("2026-12-07T00:00:00Z");
    const out = await checkPolicy([rootfs("d11", deb("11", "bullseye")), rootfs("d13", deb("13", "trixie")), rootfs("d7", deb("7", "wheezy")), rootfs("f40", "ID=fedora\nVERSION_ID=40\n"), rootfs("none")], p, { now, scan: { noCache: true } });
    const [d11, d13, d7, f40, none] = out.images as ImageResult[];
    expect(rule(d11!, "forbidEolOs")).toMatchObject({ verdict: "fail", reason: "Debian GNU/Linux 11 (bullseye) reached end of life on 2024-08-14" });
    expect(rule(d13!, "forbidEolOs")).toMatchObject({ verdict: "pass", reason: "Debian GNU/Linux 13 (trixie) is supported until 2028-08-09" });
    // The same release judged at a later date.
    const later = await checkPolicy([rootfs("d13b", deb("13", "trixie"))], p, { now: new Date("2028-08-10T00:00:00Z"), scan: { noCache: true } });
    expect(rule(later.images[0]!, "forbidEolOs").verdict).toBe("fail");
    expect(rule(d7!, "forbidEolOs")).toMatchObject({ verdict: "fail" });
    expect(rule(d7!, "forbidEolOs").reason).toMatch(/older than every debian release still in Bulwark's end-of-life table \(from 8\)/);
    expect(rule(f40!, "forbidEolOs")).toMatchObject({ verdict: "skipped", reason: "no end-of-life date known for fedora 40" });
    expect(rule(none!, "forbidEolOs")).toMatchObject({ verdict: "skipped" });
    // A root filesystem has no image config: the user rule cannot apply.
    expect(rule(d13!, "forbidRootUser")).toMatchObject({ verdict: "skipped" });
    expect(out.summary).toEqual({ images: 5, passed: 3, failed: 2, errors: 0 });
  });

  it("a local archive: registry rules fail (no registry source), the config is read for the user", async () => {
    const img = await buildImage({ user: "0:0", layers: [{ entries: [{ path: "etc/os-release", content: "ID=alpine\nVERSION_ID=3.22.1\n" }] }] });
    const archive = join(work, "img.tar");
    await writeDockerArchive(archive, [img]);
    const p = policy("  allowedRegistries: [docker.io]\n  requireDigest: true\n  requireSignature: { identities: [{ issuer: https://x, subject: s }] }\n  forbidRootUser: true\n");
    const out = await checkPolicy([archive], p, { scan: { noCache: true } });
    const r = out.images[0]!;
    expect(rule(r, "allowedRegistries")).toMatchObject({ verdict: "fail", reason: "a local archive, not a registry image: its source registry is unknown" });
    expect(rule(r, "requireDigest").verdict).toBe("fail");
    expect(rule(r, "requireSignature")).toMatchObject({ verdict: "fail", reason: "a local archive, not a registry image: signatures are looked up in the registry" });
    expect(rule(r, "forbidRootUser")).toMatchObject({ verdict: "fail", reason: 'the image runs as "0:0" (root)', evidence: ['config User: "0:0"'] });
    expect(r.verdict).toBe("fail");
    expect(out.policyName).toBeUndefined();
    const named = await checkPolicy([archive], parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: prod }\nrules:\n  forbidRootUser: true\n"), { scan: { noCache: true } });
    expect(named.policyName).toBe("prod");
    expect(NO_VERIFIER).toBe("signature verification not available in this build");
  });
});
