// A legacy keyless `.sig` signature in a real registry (Debian's docker-registry): the real cosign
// keyless layer of test/fixtures/cosign-bazel-cloud-build/ (payload blob + certificate, chain,
// Rekor bundle annotations) pushed as the `.sig` manifest of an image built here. Its payload
// names the image it was made for, not this one, so every check up to the payload must pass
// and the payload-digest check must fail: that proves the path `bulwark verify IMAGE
// --certificate-identity … --certificate-oidc-issuer …` reaches it.
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { bundledTrustedRootJson, cosignPolicyVerifier, keylessBundleVerifier, parseTrustedRoot, verifyImageSignatures } from "../../src/index.js";
import { putBlob, putManifest, release, resolveTarget } from "../../src/sigstore/cosign/oci.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { fixturePath } from "../support/upstream.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const CERT = "dev.sigstore.cosign/certificate";

describe.skipIf(missingTool("legacy keyless signature tests", [...REGISTRY_TOOLS, "openssl"]) !== undefined)("legacy keyless .sig signatures in a real registry", () => {
  let reg: RegistryServer;
  let digest = "";
  const work = mkdtempSync(join(tmpdir(), "bw-legacy-keyless-"));
  const layer = JSON.parse(readFileSync(fixturePath("cosign-bazel-cloud-build/sig-layer.json"), "utf8")) as { mediaType: string; digest: string; size: number; annotations: Record<string, string> };
  const payload = readFileSync(fixturePath("cosign-bazel-cloud-build/payload.json"));
  const named = (JSON.parse(payload.toString()) as { critical: { image: Record<string, string> } }).critical.image["docker-manifest-digest"]!;
  const rootFile = join(work, "trusted_root.json");
  let identity = "";
  let issuer = "";
  const ref = () => `${reg.host}/legacy/app:v1`;

  beforeAll(async () => {
    reg = await startRegistry();
    const image = await buildImage({ layers: [{ entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] }, "oci");
    await pushImage(ref(), image);
    digest = image.manifest.digest;
    // The `.sig` manifest as cosign writes it: a config and the payload layer with its annotations.
    const t = await resolveTarget(ref(), {});
    const blob = await putBlob(t.client, t.ref.repository, payload);
    expect(blob.digest).toBe(layer.digest);
    const config = await putBlob(t.client, t.ref.repository, Buffer.from(JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [layer.digest] } })));
    const manifest = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: blob.digest, size: blob.size, annotations: layer.annotations }],
    };
    await putManifest(t.client, t.ref.repository, `sha256-${digest.slice(7)}.sig`, manifest, manifest.mediaType);
    release(t);
    writeFileSync(rootFile, bundledTrustedRootJson());
    // The certificate's identity and issuer, read with openssl.
    const certFile = join(work, "leaf.pem");
    writeFileSync(certFile, layer.annotations[CERT]!);
    identity = /email:(\S+)/.exec(execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"], { encoding: "utf8" }))?.[1] ?? "";
    issuer = /1\.3\.6\.1\.4\.1\.57264\.1\.1:\s*\n\s*(https:\/\/\S+)/.exec(execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-text"], { encoding: "utf8" }))?.[1] ?? "";
  });
  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("the registry serves the .sig manifest with the fixture's annotations (read over plain HTTP)", async () => {
    const res = await fetch(`http://${reg.host}/v2/legacy/app/manifests/sha256-${digest.slice(7)}.sig`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(res.status).toBe(200);
    const m = (await res.json()) as { layers: { digest: string; annotations: Record<string, string> }[] };
    expect(m.layers[0]!.annotations).toEqual(layer.annotations);
    const blob = Buffer.from(await (await fetch(`http://${reg.host}/v2/legacy/app/blobs/${layer.digest}`)).arrayBuffer());
    expect(blob.equals(payload)).toBe(true);
  });

  it("verifies certificate, SET and identity, then refuses the payload: it names another image", async () => {
    expect(identity).toMatch(/@/);
    expect(named).not.toBe(digest);
    const trustedRoot = parseTrustedRoot(bundledTrustedRootJson(), "public good");
    const v = await verifyImageSignatures(ref(), { keys: [] }, { sources: ["tag"], bundleVerifier: keylessBundleVerifier({ certificateIdentity: identity, certificateOidcIssuer: issuer }, { trustedRoot }) });
    expect(v.verified).toBe(false);
    expect(v.signatures).toHaveLength(1);
    expect(v.signatures[0]).toMatchObject({ source: "tag", kind: "simple-signing", valid: false, layer: layer.digest, identity: `${identity} (${issuer})` });
    expect(v.signatures[0]!.reason).toBe(`payload digest differs from the image: the payload names ${named}, the image is ${digest}`);
    // Another identity stops at the certificate, before the payload.
    const other = await verifyImageSignatures(ref(), { keys: [] }, { sources: ["tag"], bundleVerifier: keylessBundleVerifier({ certificateIdentity: "someone@example.com", certificateOidcIssuer: issuer }, { trustedRoot }) });
    expect(other.signatures[0]!.reason).toBe(`certificate identity ${JSON.stringify(identity)} is not the expected "someone@example.com"`);
    // A policy's requireSignature.identities take the same path.
    const policy = await cosignPolicyVerifier().verifySignature(ref(), digest, { identities: [{ issuer, subject: identity }] });
    expect(policy.ok).toBe(false);
    expect(policy.reason).toBe(`no valid signature (1 checked): payload digest differs from the image: the payload names ${named}, the image is ${digest}`);
    // The key-based path is unchanged: a key does not verify a keyless layer.
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const keyed = await verifyImageSignatures(ref(), { keys: [publicKey] }, { sources: ["tag"] });
    expect(keyed.signatures[0]!.reason).toMatch(/^signature does not verify with the given key/);
  });

  it.skipIf(!existsSync(BIN))("bulwark verify IMAGE --certificate-identity … --certificate-oidc-issuer … reaches the payload check (exit 1, one-line reason)", () => {
    const cli = spawnSync(process.execPath, [BIN, "verify", ref(), "--certificate-identity", identity, "--certificate-oidc-issuer", issuer, "--trusted-root", rootFile, "--format", "json"], { encoding: "utf8" });
    expect(cli.status).toBe(1);
    const out = JSON.parse(cli.stdout) as { verified: boolean; digest: string; signatures: { valid: boolean; reason: string; identity?: string }[] }[];
    expect(out[0]!.verified).toBe(false);
    expect(out[0]!.digest).toBe(digest);
    expect(out[0]!.signatures[0]!.reason).toBe(`payload digest differs from the image: the payload names ${named}, the image is ${digest}`);
    expect(out[0]!.signatures[0]!.identity).toBe(`${identity} (${issuer})`);
    expect(cli.stderr).toMatch(/verification failed: no valid signature \(1 checked\)/);
    expect(cli.stderr).not.toMatch(/\n.*\n.*\n/); // no stack trace
    const wrongIssuer = spawnSync(process.execPath, [BIN, "verify", ref(), "--certificate-identity", identity, "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", "--trusted-root", rootFile], { encoding: "utf8" });
    expect(wrongIssuer.status).toBe(1);
    expect(wrongIssuer.stdout).toContain(`INVALID simple-signing from tag`);
    expect(wrongIssuer.stdout).toContain(`certificate OIDC issuer ${JSON.stringify(issuer)} is not the expected "https://token.actions.githubusercontent.com"`);
  });
});
