// The checks that need no registry: simple-signing payloads, DSSE, key-based bundles and the
// keyless seam (bundleVerifier).
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyHint } from "./keys.js";
import { COSIGN, pae, simpleSigningPayload } from "./layout.js";
import { dsseSign } from "./sign.js";
import { checkSimpleSigning, checkStatement, verifyBundle, verifyDsse, type BundleVerifier } from "./verify.js";

const digest = "sha256:" + "ab".repeat(32);
const other = "sha256:" + "cd".repeat(32);
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;

describe("simple-signing payloads", () => {
  it("accepts cosign's payload for the image and names the other digest when it differs", () => {
    expect(checkSimpleSigning(simpleSigningPayload("r/x", digest), digest).reason).toBeUndefined();
    expect(checkSimpleSigning(simpleSigningPayload("r/x", other), digest).reason).toBe(`payload digest differs from the image: the payload names ${other}, the image is ${digest}`);
  });

  it("reads the spec's own example key spelling (Docker-manifest-digest), as Go's decoder does", () => {
    const spec = Buffer.from(JSON.stringify({ critical: { identity: { "docker-reference": "testing/manifest" }, image: { "Docker-manifest-digest": digest }, type: "cosign container image signature" }, optional: { creator: "atomic", timestamp: 1458239713 } }));
    expect(checkSimpleSigning(spec, digest).reason).toBeUndefined();
  });

  it("refuses another critical.type and a payload without a digest", () => {
    const t = Buffer.from(JSON.stringify({ critical: { image: { "docker-manifest-digest": digest }, type: "atomic container signature" } }));
    expect(checkSimpleSigning(t, digest).reason).toMatch(/payload type is "atomic container signature"/);
    expect(checkSimpleSigning(Buffer.from("{}"), digest).reason).toBe("the payload names no docker-manifest-digest");
    expect(checkSimpleSigning(Buffer.from("not json"), digest).reason).toBe("the payload is not JSON");
  });

  it("writes the optional claims sorted, as Go marshals a map", () => {
    expect(simpleSigningPayload("r/x", digest, { z: "1", a: "2" }).toString()).toContain(`"optional":{"a":"2","z":"1"}`);
  });
});

describe("DSSE", () => {
  const statement = Buffer.from(JSON.stringify({ _type: COSIGN.inTotoStatementV01, predicateType: "https://cyclonedx.org/bom", subject: [{ name: "r/x", digest: { sha256: digest.slice(7) } }], predicate: {} }));

  it("signs PAE(type, payload) and verifies it; another key or other bytes fail", () => {
    const env = dsseSign(privateKey, COSIGN.inTotoPayloadType, statement);
    expect(pae("t", Buffer.from("ab")).toString()).toBe("DSSEv1 1 t 2 ab");
    expect(verifyDsse(env, [publicKey]).payload?.equals(statement)).toBe(true);
    expect(verifyDsse(env, [stranger]).reason).toMatch(/does not verify/);
    const forged = { ...env, payload: Buffer.from(statement.toString().replace("cyclonedx", "spdx")).toString("base64") };
    expect(verifyDsse(forged, [publicKey]).reason).toMatch(/does not verify/);
    expect(verifyDsse({ ...env, signatures: [] }, [publicKey]).reason).toBe("the DSSE envelope has no signatures");
  });

  it("checks the statement subject names the image", () => {
    expect(checkStatement(statement, COSIGN.inTotoPayloadType, digest).statement?.predicateType).toBe("https://cyclonedx.org/bom");
    expect(checkStatement(statement, COSIGN.inTotoPayloadType, other).reason).toBe(`statement subject differs from the image: it names ${digest}, the image is ${other}`);
    expect(checkStatement(statement, "text/plain", digest).reason).toMatch(/is not application\/vnd.in-toto\+json/);
  });
});

describe("bundles", () => {
  const ctx = { image: "r/x", digest };
  const statement = Buffer.from(JSON.stringify({ _type: COSIGN.inTotoStatementV1, predicateType: COSIGN.cosignSignPredicate, subject: [{ name: "r/x", digest: { sha256: digest.slice(7) } }], predicate: {} }));
  const keyBundle = { mediaType: COSIGN.bundleV03, verificationMaterial: { publicKey: { hint: keyHint(publicKey) }, tlogEntries: [] }, dsseEnvelope: dsseSign(privateKey, COSIGN.inTotoPayloadType, statement) };
  const keyless = { mediaType: COSIGN.bundleV03, verificationMaterial: { certificate: { rawBytes: "AAAA" }, tlogEntries: [] }, dsseEnvelope: keyBundle.dsseEnvelope };

  it("verifies a key-based DSSE bundle and names a key hint that matches none of the keys", async () => {
    const ok = await verifyBundle(keyBundle, [publicKey], ctx);
    expect(ok.valid).toBe(true);
    expect(ok.payload?.equals(statement)).toBe(true);
    const bad = await verifyBundle(keyBundle, [stranger], ctx);
    expect(bad.reason).toBe(`signed by another key: the bundle's key hint ${keyHint(publicKey)} matches none of the given keys`);
  });

  it("hands keyless bundles to the injected verifier (the seam for src/sigstore/core), and says so without one", async () => {
    expect((await verifyBundle(keyless, [publicKey], ctx)).reason).toMatch(/^keyless bundle: certificate verification is not available here/);
    const seen: unknown[] = [];
    const verifier: BundleVerifier = async (bundle, c) => {
      seen.push([bundle, c]);
      return { valid: true, payload: statement, identity: "ci@example.com" };
    };
    const r = await verifyBundle(keyless, [], ctx, verifier);
    expect(r).toMatchObject({ valid: true, identity: "ci@example.com", payloadType: COSIGN.inTotoPayloadType });
    expect(seen).toEqual([[keyless, ctx]]);
    const refused: BundleVerifier = async () => ({ valid: false, reason: "certificate expired" });
    expect(await verifyBundle(keyless, [], ctx, refused)).toEqual({ valid: false, reason: "certificate expired" });
  });

  it("refuses what is not a bundle and message signatures for images", async () => {
    expect((await verifyBundle({}, [publicKey], ctx)).reason).toBe("not a Sigstore bundle (mediaType)");
    const msg = { mediaType: COSIGN.bundleV03, verificationMaterial: { publicKey: { hint: keyHint(publicKey) } }, messageSignature: { signature: sign("sha256", Buffer.from("x"), privateKey).toString("base64") } };
    expect((await verifyBundle(msg, [publicKey], ctx)).reason).toMatch(/message-signature bundle/);
  });
});
