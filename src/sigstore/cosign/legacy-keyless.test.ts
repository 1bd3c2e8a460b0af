// Legacy keyless `.sig` layers: a real cosign keyless signature (public-good Fulcio and Rekor,
// test/fixtures/cosign-bazel-cloud-build/) converted to a bundle v0.1 and verified by core.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { bundledTrustedRootJson, parseTrustedRoot } from "../core/index.js";
import { verifyLegacyKeylessSignature } from "./keyless.js";
import { legacyKeylessBundle, MAX_LEGACY_ANNOTATION } from "./legacy-keyless.js";
import { COSIGN } from "./layout.js";

const FIX = new URL("../../../test/fixtures/cosign-bazel-cloud-build/", import.meta.url).pathname;
const LAYER = JSON.parse(readFileSync(join(FIX, "sig-layer.json"), "utf8")) as { digest: string; annotations: Record<string, string> };
const PAYLOAD = readFileSync(join(FIX, "payload.json"));
const NAMED = (JSON.parse(PAYLOAD.toString("utf8")) as { critical: { image: { "docker-manifest-digest": string } } }).critical.image["docker-manifest-digest"];
const ROOT = parseTrustedRoot(bundledTrustedRootJson(), "public good");
const work = mkdtempSync(join(tmpdir(), "bulwark-legacy-keyless-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function withAnnotation(key: string, value: string) {
  return { ...LAYER, annotations: { ...LAYER.annotations, [key]: value } };
}

describe("converting a legacy layer", () => {
  it("makes a v0.1 message-signature bundle: digest of the payload, leaf first, the SET and body of the Rekor annotation", () => {
    const conv = legacyKeylessBundle(LAYER.annotations, PAYLOAD);
    if (!("bundle" in conv)) throw new Error(conv.reason);
    const b = conv.bundle as {
      mediaType: string;
      messageSignature: { messageDigest: { algorithm: string; digest: string }; signature: string };
      verificationMaterial: { x509CertificateChain: { certificates: { rawBytes: string }[] }; tlogEntries: { logIndex: string; logId: { keyId: string }; kindVersion: { kind: string }; integratedTime: string; inclusionPromise: { signedEntryTimestamp: string }; canonicalizedBody: string }[] };
    };
    const rekor = JSON.parse(LAYER.annotations[COSIGN.bundleAnnotation]!) as { SignedEntryTimestamp: string; Payload: { body: string; integratedTime: number; logIndex: number; logID: string } };
    expect(b.mediaType).toBe("application/vnd.dev.sigstore.bundle+json;version=0.1");
    expect(`sha256:${Buffer.from(b.messageSignature.messageDigest.digest, "base64").toString("hex")}`).toBe(LAYER.digest);
    expect(b.messageSignature.signature).toBe(LAYER.annotations[COSIGN.signatureAnnotation]);
    const certs = b.verificationMaterial.x509CertificateChain.certificates;
    expect(certs).toHaveLength(3); // leaf + the chain annotation's intermediate and root
    const leafDer = Buffer.from(LAYER.annotations[COSIGN.certificateAnnotation]!.replace(/-----[^-]+-----|\s/g, ""), "base64");
    expect(Buffer.from(certs[0]!.rawBytes, "base64").equals(leafDer)).toBe(true);
    const t = b.verificationMaterial.tlogEntries[0]!;
    expect(t.logIndex).toBe(String(rekor.Payload.logIndex));
    expect(Buffer.from(t.logId.keyId, "base64").toString("hex")).toBe(rekor.Payload.logID);
    expect(t.integratedTime).toBe(String(rekor.Payload.integratedTime));
    expect(t.inclusionPromise.signedEntryTimestamp).toBe(rekor.SignedEntryTimestamp);
    expect(t.canonicalizedBody).toBe(rekor.Payload.body);
    // The logged entry hashes the same payload the layer digest names.
    const body = JSON.parse(Buffer.from(rekor.Payload.body, "base64").toString("utf8")) as { kind: string; spec: { data: { hash: { value: string } } } };
    expect(t.kindVersion.kind).toBe(body.kind);
    expect(`sha256:${body.spec.data.hash.value}`).toBe(`sha256:${createHash("sha256").update(PAYLOAD).digest("hex")}`);
  });

  it("refuses, in one line each, a missing Rekor bundle, oversized or malformed annotations", () => {
    const reason = (a: Record<string, string>) => {
      const c = legacyKeylessBundle(a, PAYLOAD);
      return "reason" in c ? c.reason : "converted";
    };
    const { [COSIGN.bundleAnnotation]: _b, ...noBundle } = LAYER.annotations;
    expect(reason(noBundle)).toMatch(/without a Rekor bundle annotation/);
    expect(reason({ ...LAYER.annotations, [COSIGN.chainAnnotation]: "x".repeat(MAX_LEGACY_ANNOTATION + 1) })).toMatch(/chain annotation .* larger than 65536 bytes/);
    expect(reason({ ...LAYER.annotations, [COSIGN.certificateAnnotation]: "not a certificate" })).toMatch(/not a PEM certificate/);
    expect(reason({ ...LAYER.annotations, [COSIGN.bundleAnnotation]: "{" })).toMatch(/not JSON/);
    const { [COSIGN.signatureAnnotation]: _s, ...noSig } = LAYER.annotations;
    expect(reason(noSig)).toMatch(/without a signature annotation/);
    for (const r of [reason(noBundle), reason(noSig)]) expect(r).not.toMatch(/\n/);
    // Two certificates where cosign puts the leaf alone.
    const leaf = LAYER.annotations[COSIGN.certificateAnnotation]!;
    expect(reason({ ...LAYER.annotations, [COSIGN.certificateAnnotation]: leaf + leaf })).toMatch(/certificate annotation holds more than 1 certificates/);
    // A pre-hashedrekord entry (cosign before 1.13 logged `rekord`): refused, not half-verified.
    const rekor = JSON.parse(LAYER.annotations[COSIGN.bundleAnnotation]!) as { Payload: { body: string } };
    const body = JSON.parse(Buffer.from(rekor.Payload.body, "base64").toString("utf8")) as Record<string, unknown>;
    const old = { ...rekor, Payload: { ...rekor.Payload, body: Buffer.from(JSON.stringify({ ...body, kind: "rekord" })).toString("base64") } };
    expect(reason({ ...LAYER.annotations, [COSIGN.bundleAnnotation]: JSON.stringify(old) })).toBe('the Rekor entry is "rekord" "0.0.1"; only hashedrekord 0.0.1 (cosign 1.13 and later) is verified');
  });
});

describe.skipIf(missingTool("openssl cross-check of the fixture certificate", ["openssl"]) !== undefined)("verifying the real keyless signature", () => {
  // The certificate's real identity and issuer, read by openssl, not by the code under test
  // (in beforeAll: a skipped describe's body still runs when the tests are collected).
  const certFile = join(work, "leaf.pem");
  let email = "";
  let issuer = "";
  let identity = { certificateIdentity: "", certificateOidcIssuer: "" };
  beforeAll(() => {
    writeFileSync(certFile, LAYER.annotations[COSIGN.certificateAnnotation]!);
    const san = execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
    email = /email:(\S+)/.exec(san)?.[1] ?? "";
    const text = execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-text"], { encoding: "utf8" });
    // Fulcio's issuer extension 1.3.6.1.4.1.57264.1.1 (openssl prints it as an unknown OID with its raw value).
    issuer = /1\.3\.6\.1\.4\.1\.57264\.1\.1:\s*\n\s*(https:\/\/\S+)/.exec(text)?.[1] ?? "";
    identity = { certificateIdentity: email, certificateOidcIssuer: issuer };
  });

  it("verifies with the certificate's identity and issuer, and the digest the payload names", async () => {
    expect(email).toMatch(/@/);
    expect(issuer).toMatch(/^https:\/\//);
    const r = await verifyLegacyKeylessSignature(LAYER, PAYLOAD, NAMED, identity, { trustedRoot: ROOT });
    expect(r).toMatchObject({ valid: true, identity: `${email} (${issuer})` });
  });

  it("the signature annotation verifies over the payload with the certificate's key (openssl)", () => {
    const pub = join(work, "pub.pem");
    writeFileSync(pub, execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-pubkey"]));
    const sig = join(work, "sig.bin");
    writeFileSync(sig, Buffer.from(LAYER.annotations[COSIGN.signatureAnnotation]!, "base64"));
    const payload = join(work, "payload.json");
    writeFileSync(payload, PAYLOAD);
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, payload], { encoding: "utf8" })).toContain("Verified OK");
  });

  it("fails with another identity or another issuer, each with its reason", async () => {
    const other = await verifyLegacyKeylessSignature(LAYER, PAYLOAD, NAMED, { ...identity, certificateIdentity: "someone@example.com" }, { trustedRoot: ROOT });
    expect(other).toEqual({ valid: false, reason: `certificate identity ${JSON.stringify(email)} is not the expected "someone@example.com"` });
    const iss = await verifyLegacyKeylessSignature(LAYER, PAYLOAD, NAMED, { ...identity, certificateOidcIssuer: "https://token.actions.githubusercontent.com" }, { trustedRoot: ROOT });
    expect(iss).toEqual({ valid: false, reason: `certificate OIDC issuer ${JSON.stringify(issuer)} is not the expected "https://token.actions.githubusercontent.com"` });
  });

  it("fails on a tampered payload: against the layer digest, and without it against the signature and the log entry", async () => {
    const tampered = Buffer.from(PAYLOAD.toString("utf8").replace("value1", "value2"));
    expect(tampered.equals(PAYLOAD)).toBe(false);
    const withDigest = await verifyLegacyKeylessSignature(LAYER, tampered, NAMED, identity, { trustedRoot: ROOT });
    expect(withDigest).toEqual({ valid: false, reason: `the payload does not hash to the layer digest ${LAYER.digest}` });
    const bare = await verifyLegacyKeylessSignature({ annotations: LAYER.annotations }, tampered, NAMED, identity, { trustedRoot: ROOT });
    expect(bare.valid).toBe(false);
    expect(!bare.valid && bare.reason).toMatch(/signature does not verify|transparency log entry does not match/);
  });

  it("fails on a tampered SET", async () => {
    const rekor = JSON.parse(LAYER.annotations[COSIGN.bundleAnnotation]!) as { SignedEntryTimestamp: string };
    const set = Buffer.from(rekor.SignedEntryTimestamp, "base64");
    set.writeUInt8(set.readUInt8(set.length - 5) ^ 0x01, set.length - 5);
    const layer = withAnnotation(COSIGN.bundleAnnotation, JSON.stringify({ ...rekor, SignedEntryTimestamp: set.toString("base64") }));
    const r = await verifyLegacyKeylessSignature(layer, PAYLOAD, NAMED, identity, { trustedRoot: ROOT });
    expect(r.valid).toBe(false);
    expect(!r.valid && r.reason).toMatch(/^bad signed entry timestamp \(SET\)/);
    // Another log index under the same SET is refused too (the SET signs the entry's coordinates).
    const moved = withAnnotation(COSIGN.bundleAnnotation, JSON.stringify({ ...rekor, Payload: { ...(rekor as unknown as { Payload: object }).Payload, logIndex: 18589866 } }));
    const m = await verifyLegacyKeylessSignature(moved, PAYLOAD, NAMED, identity, { trustedRoot: ROOT });
    expect(!m.valid && m.reason).toMatch(/^bad signed entry timestamp \(SET\)/);
  });

  it("fails for an image other than the one the payload names, after the signature verified", async () => {
    const other = `sha256:${"ab".repeat(32)}`;
    const r = await verifyLegacyKeylessSignature(LAYER, PAYLOAD, other, identity, { trustedRoot: ROOT });
    expect(r).toEqual({ valid: false, reason: `payload digest differs from the image: the payload names ${NAMED}, the image is ${other}` });
  });
});
