// `bulwark verify-blob` as a user runs it: exit codes, cosign's "Verified OK", one-line reasons,
// JSON output; real bundles (sigstore-conformance) and a key-based bundle made with node:crypto.
import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const FIX = new URL("../fixtures/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-verifyblob-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ID = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";
const A = join(FIX, "sigstore-conformance/a.txt");
const A_BUNDLE = join(FIX, "sigstore-conformance/a.txt.sigstore");

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  // An empty XDG cache: the bundled trusted root is used, never a previous --tuf-refresh.
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: join(work, "cache") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(BIN))("bulwark verify-blob", () => {
  it("keyless public-good bundle: Verified OK, exit 0, offline with the bundled root", () => {
    const r = bulwark(["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("Verified OK\n");
    const re = bulwark(["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity-regexp", "^https://github\\.com/sigstore-conformance/", "--certificate-oidc-issuer", ISSUER]);
    expect(re.code).toBe(0);
  });
  it("the one-file bundle (dist/bulwark.mjs) verifies the same bundle", () => {
    const bin = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
    if (!existsSync(bin)) return;
    const r = spawnSync(process.execPath, [bin, "verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER, "--format", "json"], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: join(work, "cache") } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, trustedRoot: "bundled", signer: { identity: ID } });
  });
  it("a digest instead of the file", () => {
    const digest = createHash("sha256").update("DO NOT MODIFY ME!\n\nthis is \"a.txt\", a sample input for sigstore-conformance's test suite.\n\nDO NOT MODIFY ME!\n").digest("hex");
    expect(bulwark(["verify-blob", `sha256:${digest}`, "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER]).code).toBe(0);
  });
  it("wrong identity or issuer: exit 1 and one line saying why", () => {
    const r = bulwark(["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity", "someone@example.com", "--certificate-oidc-issuer", ISSUER]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulwark: verification failed: certificate identity .* is not the expected "someone@example.com"/);
    const i = bulwark(["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", "https://accounts.google.com"]);
    expect(i.code).toBe(1);
    expect(i.stderr).toContain("OIDC issuer");
  });
  it("a tampered artifact: exit 1; --format json gives the reason on stdout", () => {
    const other = join(work, "other.txt");
    writeFileSync(other, "not a.txt\n");
    const r = bulwark(["verify-blob", other, "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER, "--format", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: false, code: "ARTIFACT", trustedRoot: "bundled" });
  });
  it("--format json on success describes what was verified", () => {
    const r = bulwark(["verify-blob", A, "--bundle", join(FIX, "sigstore-conformance/rekor2-dsse-happy-path.sigstore.json"), "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER, "--trusted-root", join(FIX, "sigstore-python/staging-trusted_root.json"), "--format", "json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, bundleVersion: "0.3", content: "dsseEnvelope", tlogEntries: [{ kind: "dsse", version: "0.0.2" }], timestamps: [{ source: "tsa" }] });
    expect(j.trustedRoot).toContain("staging-trusted_root.json");
  });
  it("key-based: a bundle signed here verifies with --key and --insecure-ignore-tlog, fails with another key", () => {
    const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const art = join(work, "blob.bin");
    writeFileSync(art, "blob for verify-blob\n");
    const data = Buffer.from("blob for verify-blob\n");
    const bundle = {
      mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      verificationMaterial: { publicKey: { hint: "k" }, tlogEntries: [] },
      messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: createHash("sha256").update(data).digest("base64") }, signature: sign("sha256", data, keys.privateKey).toString("base64") },
    };
    const bf = join(work, "blob.sigstore.json");
    writeFileSync(bf, JSON.stringify(bundle));
    const pub = join(work, "cosign.pub");
    writeFileSync(pub, keys.publicKey.export({ format: "pem", type: "spki" }));
    const strict = bulwark(["verify-blob", art, "--bundle", bf, "--key", pub]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/no transparency log entry|timestamp/);
    const ok = bulwark(["verify-blob", art, "--bundle", bf, "--key", pub, "--insecure-ignore-tlog"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("Verified OK\n");
    const other = join(work, "other.pub");
    writeFileSync(other, generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" }));
    const bad = bulwark(["verify-blob", art, "--bundle", bf, "--key", other, "--insecure-ignore-tlog"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/signature does not verify/);
  });
  it("usage errors exit 2 with one line: no policy, missing bundle file, bad digest, bad regexp", () => {
    const cases = [
      ["verify-blob", A, "--bundle", A_BUNDLE],
      ["verify-blob", A, "--bundle", join(work, "missing.json"), "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER],
      ["verify-blob", "sha256:abc", "--bundle", A_BUNDLE, "--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER],
      ["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity-regexp", "(", "--certificate-oidc-issuer", ISSUER],
      ["verify-blob", A, "--bundle", A_BUNDLE, "--certificate-identity", ID],
    ];
    for (const args of cases) {
      const r = bulwark(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
