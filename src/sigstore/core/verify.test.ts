// verifyBundle against a real public-good bundle (sigstore-conformance) and bundles made here
// with node:crypto for key-based cases, signed into a test transparency log (SET + checkpoint)
// described by our own trusted root, so @sigstore/verify checks every proof for real.
import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { bundledTrustedRootJson, loadTrustedRoot, parseTrustedRoot, VerificationError, verifyBundle, type VerifyPolicy } from "./index.js";

const FIX = new URL("../../../test/fixtures/sigstore-conformance/", import.meta.url).pathname;
const A_TXT = readFileSync(join(FIX, "a.txt"));
const A_BUNDLE = JSON.parse(readFileSync(join(FIX, "a.txt.sigstore"), "utf8"));
const ID = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";
const keyless: VerifyPolicy = { certificateIdentity: ID, certificateOidcIssuer: ISSUER };
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const work = mkdtempSync(join(tmpdir(), "bw-sigcore-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Calls without a trustedRoot must see the bundled root, not a developer's earlier --tuf-refresh.
process.env.XDG_CACHE_HOME = join(work, "xdg-cache");

async function failure(p: Promise<unknown>): Promise<VerificationError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VerificationError) return e;
    throw e;
  }
  throw new Error("verification unexpectedly succeeded");
}

describe("public-good keyless bundle (sigstore-conformance a.txt.sigstore, v0.1)", () => {
  it("verifies with the bundled trusted root, from the file and from its digest", async () => {
    const digest = createHash("sha256").update(A_TXT).digest("hex");
    const r = await verifyBundle(A_BUNDLE, A_TXT, keyless);
    expect(r.bundleVersion).toBe("0.1");
    expect(r.signer).toEqual({ kind: "certificate", identity: ID, issuer: ISSUER });
    expect(r.tlogEntries[0]).toMatchObject({ kind: "hashedrekord", version: "0.0.1", inclusionPromise: true });
    expect(r.timestamps[0]!.time).toBe(new Date(Number(A_BUNDLE.verificationMaterial.tlogEntries[0].integratedTime) * 1000).toISOString());
    const byDigest = await verifyBundle(A_BUNDLE, { digest: `sha256:${digest}` }, keyless);
    expect(byDigest.signer).toEqual(r.signer);
  });
  it("matches identities by regular expression and rejects others", async () => {
    await verifyBundle(A_BUNDLE, A_TXT, { certificateIdentityRegExp: "^https://github\\.com/sigstore-conformance/", certificateOidcIssuer: ISSUER });
    expect((await failure(verifyBundle(A_BUNDLE, A_TXT, { certificateIdentityRegExp: "^https://github\\.com/acme/", certificateOidcIssuer: ISSUER }))).code).toBe("IDENTITY");
  });
  it("rejects a wrong identity and a wrong issuer", async () => {
    const e1 = await failure(verifyBundle(A_BUNDLE, A_TXT, { certificateIdentity: ID + "x", certificateOidcIssuer: ISSUER }));
    expect(e1.code).toBe("IDENTITY");
    expect(e1.message).toContain("is not the expected");
    const e2 = await failure(verifyBundle(A_BUNDLE, A_TXT, { certificateIdentity: ID, certificateOidcIssuer: "https://accounts.google.com" }));
    expect(e2.code).toBe("IDENTITY");
    expect(e2.message).toContain("OIDC issuer");
  });
  it("rejects a tampered artifact and a tampered digest", async () => {
    const other = Buffer.concat([A_TXT, Buffer.from("x")]);
    expect((await failure(verifyBundle(A_BUNDLE, other, keyless))).code).toBe("ARTIFACT");
    const d = createHash("sha256").update(other).digest("hex");
    expect((await failure(verifyBundle(A_BUNDLE, { digest: `sha256:${d}` }, keyless))).code).toBe("ARTIFACT");
  });
  it("rejects a tampered signature (the log entry no longer matches, or the signature fails)", async () => {
    const b = clone(A_BUNDLE);
    const sig = Buffer.from(b.messageSignature.signature, "base64");
    sig[sig.length - 3]! ^= 1;
    b.messageSignature.signature = sig.toString("base64");
    const e = await failure(verifyBundle(b, A_TXT, keyless));
    expect(["TLOG", "SIGNATURE"]).toContain(e.code);
  });
  it("rejects a bad signed entry timestamp and a missing tlog entry", async () => {
    const b = clone(A_BUNDLE);
    b.verificationMaterial.tlogEntries[0].integratedTime = String(Number(b.verificationMaterial.tlogEntries[0].integratedTime) + 1);
    const e = await failure(verifyBundle(b, A_TXT, keyless));
    expect(e.code).toBe("TLOG");
    expect(e.message).toContain("signed entry timestamp");
    const none = clone(A_BUNDLE);
    none.verificationMaterial.tlogEntries = [];
    const e2 = await failure(verifyBundle(none, A_TXT, keyless));
    expect(["TLOG", "TIMESTAMP", "BUNDLE"]).toContain(e2.code);
  });
  it("rejects an untrusted root: a trusted root without the public-good CAs and logs", async () => {
    const root = JSON.parse(bundledTrustedRootJson());
    root.certificateAuthorities = [];
    const e = await failure(verifyBundle(A_BUNDLE, A_TXT, keyless, { trustedRoot: parseTrustedRoot(root, "test root") }));
    expect(e.code).toBe("CERTIFICATE");
  });
  it("rejects unknown bundle versions and non-bundles with a clear reason", async () => {
    const b = clone(A_BUNDLE);
    b.mediaType = "application/vnd.dev.sigstore.bundle.v0.9+json";
    const e = await failure(verifyBundle(b, A_TXT, keyless));
    expect(e.code).toBe("BUNDLE");
    expect(e.message).toContain("unsupported bundle media type");
    expect((await failure(verifyBundle("not json", A_TXT, keyless))).code).toBe("BUNDLE");
    expect((await failure(verifyBundle({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }, A_TXT, keyless))).message).toMatch(/invalid v0\.3 bundle/);
  });
  it("refuses a key policy for a certificate bundle", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect((await failure(verifyBundle(A_BUNDLE, A_TXT, { key: publicKey }))).code).toBe("KEY");
  });
  it("loads the bundled root offline and a root file", async () => {
    const info = await loadTrustedRoot(undefined, { cacheDir: join(work, "empty-cache") });
    expect(info.source).toBe("bundled");
    expect(info.root.tlogs.some((t) => t.baseUrl === "https://rekor.sigstore.dev")).toBe(true);
    const f = join(work, "root.json");
    writeFileSync(f, bundledTrustedRootJson());
    expect((await loadTrustedRoot(f)).source).toBe(f);
    writeFileSync(f, "{}");
    await expect(loadTrustedRoot(f)).rejects.toThrow(/not a Sigstore trusted root/);
  });
});

// A transparency log of our own: one leaf per entry, SET and checkpoint signed with its key.
const LOG_URL = "https://log.test.invalid";
const logKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const logSpki = logKeys.publicKey.export({ format: "der", type: "spki" });
const logId = createHash("sha256").update(logSpki).digest();
const testRoot = parseTrustedRoot({
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [{ baseUrl: LOG_URL, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: logSpki.toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start: "2020-01-01T00:00:00Z" } }, logId: { keyId: logId.toString("base64") } }],
  certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
}, "test root");

function canonical(o: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bundles are mutated freely
type Json = Record<string, any>;
type Version = "0.1" | "0.2" | "0.3";
const MEDIA: Record<Version, string> = {
  "0.1": "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "0.2": "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "0.3": "application/vnd.dev.sigstore.bundle.v0.3+json",
};

function tlogEntry(body: object, kind: string, version: string, withSet: boolean, withProof: boolean): object {
  const canon = Buffer.from(JSON.stringify(body));
  const integratedTime = Math.floor(Date.now() / 1000) - 60;
  const entry: Record<string, unknown> = {
    logIndex: "0", logId: { keyId: logId.toString("base64") }, kindVersion: { kind, version },
    integratedTime: String(integratedTime), canonicalizedBody: canon.toString("base64"),
  };
  if (withSet) {
    const payload = canonical({ body: canon.toString("base64"), integratedTime, logID: logId.toString("hex"), logIndex: 0 });
    entry.inclusionPromise = { signedEntryTimestamp: sign("sha256", Buffer.from(payload), logKeys.privateKey).toString("base64") };
  }
  if (withProof) {
    const root = createHash("sha256").update(Buffer.concat([Buffer.from([0]), canon])).digest();
    const note = `log.test.invalid\n1\n${root.toString("base64")}\n`;
    const sig = sign("sha256", Buffer.from(note), logKeys.privateKey);
    const line = `\u2014 log.test.invalid ${Buffer.concat([logId.subarray(0, 4), sig]).toString("base64")}\n`;
    entry.inclusionProof = { logIndex: "0", rootHash: root.toString("base64"), treeSize: "1", hashes: [], checkpoint: { envelope: `${note}\n${line}` } };
  }
  return entry;
}

function messageBundle(version: Version, key: { privateKey: KeyObject; publicKey: KeyObject }, artifact: Buffer): { bundle: Json; sig: Buffer } {
  const digest = createHash("sha256").update(artifact).digest();
  const ed = key.privateKey.asymmetricKeyType === "ed25519";
  const sig = sign(ed ? null : "sha256", artifact, key.privateKey);
  const pem = key.publicKey.export({ format: "pem", type: "spki" }).toString();
  const body = { apiVersion: "0.0.1", kind: "hashedrekord", spec: { data: { hash: { algorithm: "sha256", value: digest.toString("hex") } }, signature: { content: sig.toString("base64"), publicKey: { content: Buffer.from(pem).toString("base64") } } } };
  const bundle = {
    mediaType: MEDIA[version],
    verificationMaterial: { publicKey: { hint: "test-key" }, tlogEntries: [tlogEntry(body, "hashedrekord", "0.0.1", true, version !== "0.1")] },
    messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: digest.toString("base64") }, signature: sig.toString("base64") },
  };
  return { bundle, sig };
}

function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}

function dsseBundle(key: { privateKey: KeyObject; publicKey: KeyObject }, statement: object): Json {
  const payload = Buffer.from(JSON.stringify(statement));
  const type = "application/vnd.in-toto+json";
  const sig = sign("sha256", pae(type, payload), key.privateKey);
  const pem = key.publicKey.export({ format: "pem", type: "spki" }).toString();
  const body = {
    apiVersion: "0.0.1", kind: "dsse",
    spec: { payloadHash: { algorithm: "sha256", value: createHash("sha256").update(payload).digest("hex") }, envelopeHash: { algorithm: "sha256", value: "00" }, signatures: [{ signature: sig.toString("base64"), verifier: Buffer.from(pem).toString("base64") }] },
  };
  return {
    mediaType: MEDIA["0.3"],
    verificationMaterial: { publicKey: { hint: "test-key" }, tlogEntries: [tlogEntry(body, "dsse", "0.0.1", true, true)] },
    dsseEnvelope: { payload: payload.toString("base64"), payloadType: type, signatures: [{ sig: sig.toString("base64"), keyid: "" }] },
  };
}

const KEYS = {
  "ECDSA P-256": generateKeyPairSync("ec", { namedCurve: "P-256" }),
  "RSA 2048": generateKeyPairSync("rsa", { modulusLength: 2048 }),
  Ed25519: generateKeyPairSync("ed25519"),
};
const ARTIFACT = Buffer.from("bulwark sigstore test artifact\n");
const opts = { trustedRoot: testRoot };

describe("key-based bundles made here, in a test log", () => {
  for (const [name, key] of Object.entries(KEYS)) {
    for (const version of ["0.1", "0.2", "0.3"] as Version[]) {
      it(`${name}, bundle v${version}: verifies; wrong key and tampered artifact fail`, async () => {
        const { bundle } = messageBundle(version, key, ARTIFACT);
        const pem = key.publicKey.export({ format: "pem", type: "spki" }).toString();
        const r = await verifyBundle(bundle, ARTIFACT, { key: pem }, opts);
        expect(r.bundleVersion).toBe(version);
        expect(r.signer.kind).toBe("key");
        expect(r.tlogEntries[0]).toMatchObject({ inclusionPromise: true, inclusionProof: version !== "0.1" });
        const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
        expect((await failure(verifyBundle(bundle, ARTIFACT, { key: other }, opts))).code).toBe("SIGNATURE");
        expect((await failure(verifyBundle(bundle, Buffer.from("other"), { key: pem }, opts))).code).toBe("ARTIFACT");
        const digest = `sha256:${createHash("sha256").update(ARTIFACT).digest("hex")}`;
        if (name === "Ed25519") expect((await failure(verifyBundle(bundle, { digest }, { key: pem }, opts))).code).toBe("UNSUPPORTED");
        else expect((await verifyBundle(bundle, { digest }, { key: pem }, opts)).ok).toBe(true);
      });
    }
  }

  it("rejects a bad inclusion proof, a bad checkpoint signature, a bad SET and a missing entry", async () => {
    const key = KEYS["ECDSA P-256"];
    const { bundle } = messageBundle("0.2", key, ARTIFACT);
    const proof = clone(bundle);
    proof.verificationMaterial.tlogEntries[0].inclusionProof.hashes = [Buffer.alloc(32, 7).toString("base64")];
    expect((await failure(verifyBundle(proof, ARTIFACT, { key: key.publicKey }, opts))).message).toMatch(/inclusion proof/);
    const cp = clone(bundle);
    cp.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope = cp.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope.replace("\n1\n", "\n2\n");
    expect((await failure(verifyBundle(cp, ARTIFACT, { key: key.publicKey }, opts))).code).toBe("TLOG");
    const set = clone(bundle);
    set.verificationMaterial.tlogEntries[0].logIndex = "5";
    expect((await failure(verifyBundle(set, ARTIFACT, { key: key.publicKey }, opts))).code).toBe("TLOG");
    const none = clone(bundle);
    none.verificationMaterial.tlogEntries = [];
    const e = await failure(verifyBundle(none, ARTIFACT, { key: key.publicKey }, opts));
    expect(e.message).toMatch(/no transparency log entry|timestamp/);
    expect((await verifyBundle(none, ARTIFACT, { key: key.publicKey }, { ...opts, ignoreTlog: true })).tlogEntries).toEqual([]);
  });

  it("rejects a log the trusted root does not list (untrusted root)", async () => {
    const key = KEYS["ECDSA P-256"];
    const { bundle } = messageBundle("0.3", key, ARTIFACT);
    const e = await failure(verifyBundle(bundle, ARTIFACT, { key: key.publicKey }, { trustedRoot: parseTrustedRoot(bundledTrustedRootJson(), "public good") }));
    expect(e.code).toBe("TLOG");
  });

  it("DSSE in-toto envelope: subject must be the artifact, _type must be known", async () => {
    const key = KEYS["ECDSA P-256"];
    const digest = createHash("sha256").update(ARTIFACT).digest("hex");
    const st = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "a", digest: { sha256: digest } }], predicateType: "https://slsa.dev/provenance/v1", predicate: {} };
    const r = await verifyBundle(dsseBundle(key, st), ARTIFACT, { key: key.publicKey }, opts);
    expect(r).toMatchObject({ content: "dsseEnvelope", predicateType: "https://slsa.dev/provenance/v1", tlogEntries: [{ kind: "dsse" }] });
    expect((await verifyBundle(dsseBundle(key, st), { digest: `sha256:${digest}` }, { key: key.publicKey }, opts)).ok).toBe(true);
    expect((await failure(verifyBundle(dsseBundle(key, st), Buffer.from("other"), { key: key.publicKey }, opts))).code).toBe("ARTIFACT");
    expect((await failure(verifyBundle(dsseBundle(key, { ...st, _type: "https://example.com/Statement" }), ARTIFACT, { key: key.publicKey }, opts))).message).toMatch(/unknown in-toto _type/);
    const tampered = dsseBundle(key, st);
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify({ ...st, predicate: { x: 1 } })).toString("base64");
    expect(["TLOG", "SIGNATURE"]).toContain((await failure(verifyBundle(tampered, ARTIFACT, { key: key.publicKey }, opts))).code);
  });
});

describe.skipIf(missingTool("openssl cross-check", ["openssl"]) !== undefined)("independent check with openssl", () => {
  it("the message signature in a bundle made here verifies with openssl dgst -sha256 -verify", () => {
    const key = KEYS["ECDSA P-256"];
    const { bundle } = messageBundle("0.3", key, ARTIFACT);
    const files = { pub: join(work, "k.pub"), sig: join(work, "a.sig"), art: join(work, "a.bin") };
    writeFileSync(files.pub, key.publicKey.export({ format: "pem", type: "spki" }));
    writeFileSync(files.sig, Buffer.from(bundle.messageSignature.signature, "base64"));
    writeFileSync(files.art, ARTIFACT);
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", files.pub, "-signature", files.sig, files.art], { encoding: "utf8" })).toContain("Verified OK");
    writeFileSync(files.art, "tampered");
    expect(() => execFileSync("openssl", ["dgst", "-sha256", "-verify", files.pub, "-signature", files.sig, files.art], { stdio: "pipe" })).toThrow();
  });
});

describe("Rekor v2 + RFC 3161 timestamp (sigstore-conformance rekor2-dsse-happy-path, staging)", () => {
  const PY = new URL("../../../test/fixtures/sigstore-python/", import.meta.url).pathname;
  const rootText = readFileSync(join(PY, "staging-trusted_root.json"));
  const staging = parseTrustedRoot(rootText.toString(), "staging root");
  const R2 = JSON.parse(readFileSync(join(FIX, "rekor2-dsse-happy-path.sigstore.json"), "utf8"));

  it("the staging root is the TUF target it claims to be", () => {
    expect(createHash("sha256").update(rootText).digest("hex")).toBe("ed6a9cf4e7c2e3297a4b5974fce0d17132f03c63512029d7aa3a402b43acab49");
  });
  it("verifies: DSSE statement about a.txt, dsse 0.0.2 entry, TSA time", async () => {
    const r = await verifyBundle(R2, A_TXT, keyless, { trustedRoot: staging });
    expect(r).toMatchObject({ bundleVersion: "0.3", content: "dsseEnvelope", predicateType: "https://slsa.dev/provenance/v1", tlogEntries: [{ kind: "dsse", version: "0.0.2", inclusionProof: true, inclusionPromise: false }] });
    expect(r.timestamps).toEqual([{ source: "tsa", time: expect.stringMatching(/^2025-07-25T/) }]);
    // The older spelling of the v0.3 media type is accepted too.
    const legacy = { ...clone(R2), mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3" };
    expect((await verifyBundle(legacy, A_TXT, keyless, { trustedRoot: staging })).bundleVersion).toBe("0.3");
  });
  it("fails against the public-good root (untrusted root)", async () => {
    expect(["CERTIFICATE", "TIMESTAMP", "TLOG"]).toContain((await failure(verifyBundle(R2, A_TXT, keyless))).code);
  });
  it("fails for another artifact, a tampered timestamp, no timestamp, a tampered checkpoint", async () => {
    expect((await failure(verifyBundle(R2, Buffer.from("other"), keyless, { trustedRoot: staging }))).code).toBe("ARTIFACT");
    const ts = clone(R2);
    const raw = Buffer.from(ts.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, "base64");
    raw[raw.length - 10]! ^= 1;
    ts.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp = raw.toString("base64");
    expect((await failure(verifyBundle(ts, A_TXT, keyless, { trustedRoot: staging }))).code).toMatch(/TIMESTAMP|BUNDLE/);
    const none = clone(R2);
    none.verificationMaterial.timestampVerificationData.rfc3161Timestamps = [];
    expect((await failure(verifyBundle(none, A_TXT, keyless, { trustedRoot: staging }))).code).toBe("TIMESTAMP");
    const cp = clone(R2);
    cp.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope = cp.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope.replace("\n7132\n", "\n7133\n");
    expect((await failure(verifyBundle(cp, A_TXT, keyless, { trustedRoot: staging }))).code).toBe("TLOG");
  });
});

describe("certificate validity at signing time (rekor2-multiple-timestamps-one-outside-cert-validity_fail)", () => {
  const PY = new URL("../../../test/fixtures/sigstore-python/", import.meta.url).pathname;
  const staging = parseTrustedRoot(readFileSync(join(PY, "staging-trusted_root.json"), "utf8"), "staging root");
  const B = JSON.parse(readFileSync(join(FIX, "rekor2-multiple-timestamps-one-outside-cert-validity_fail.sigstore.json"), "utf8"));

  it("fails: one RFC 3161 timestamp is after the certificate expired", async () => {
    const e = await failure(verifyBundle(B, A_TXT, keyless, { trustedRoot: staging }));
    expect(e.code).toBe("CERTIFICATE");
    expect(e.message).toMatch(/^certificate was not valid at signing time 2025-07-15T10:33:31\.000Z/);
  });
  it("without that timestamp: Rekor v2 hashedrekord 0.0.2 message signature verifies (file and digest)", async () => {
    const b = clone(B);
    b.verificationMaterial.timestampVerificationData.rfc3161Timestamps.pop();
    const r = await verifyBundle(b, A_TXT, keyless, { trustedRoot: staging });
    expect(r.tlogEntries).toEqual([{ logIndex: "735", kind: "hashedrekord", version: "0.0.2", inclusionProof: true, inclusionPromise: false }]);
    expect(r.timestamps).toEqual([{ source: "tsa", time: "2025-06-12T12:02:20.000Z" }]);
    const digest = `sha256:${createHash("sha256").update(A_TXT).digest("hex")}`;
    expect((await verifyBundle(b, { digest }, keyless, { trustedRoot: staging })).ok).toBe(true);
  });
});

describe("sigstore-conformance managed-key cases with their own trusted roots", () => {
  const load = (dir: string) => ({
    bundle: JSON.parse(readFileSync(join(FIX, dir, "bundle.sigstore.json"), "utf8")),
    key: readFileSync(join(FIX, dir, "key.pub"), "utf8"),
    root: parseTrustedRoot(readFileSync(join(FIX, dir, "trusted_root.json"), "utf8"), dir),
  });
  it("intoto-canonical-log-entry: verifies (intoto 0.0.2 entry, checkpoint, no timestamp needed with a key)", async () => {
    const c = load("intoto-canonical-log-entry");
    const r = await verifyBundle(c.bundle, A_TXT, { key: c.key }, { trustedRoot: c.root });
    expect(r).toMatchObject({ content: "dsseEnvelope", predicateType: "https://example.com/test", tlogEntries: [{ kind: "intoto", version: "0.0.2", inclusionProof: true }], timestamps: [] });
    expect((await failure(verifyBundle(c.bundle, Buffer.from("b.txt"), { key: c.key }, { trustedRoot: c.root }))).code).toBe("ARTIFACT");
    // The same bundle against the public-good root: its test log is unknown there.
    expect((await failure(verifyBundle(c.bundle, A_TXT, { key: c.key }))).code).toBe("TLOG");
  });
  it("dsse-statement-unknown-type_fail: fails because of the in-toto _type", async () => {
    const c = load("dsse-statement-unknown-type_fail");
    const e = await failure(verifyBundle(c.bundle, A_TXT, { key: c.key }, { trustedRoot: c.root }));
    expect(e.message).toBe('DSSE payload has unknown in-toto _type "https://in-toto.io/Statement/v2"');
  });
});

describe("hostile bundles are refused quickly", () => {
  it("too many log entries, proof hashes or timestamps; an oversized bundle text", async () => {
    const many = clone(A_BUNDLE);
    many.verificationMaterial.tlogEntries = Array.from({ length: 10_000 }, () => clone(A_BUNDLE.verificationMaterial.tlogEntries[0]));
    const t0 = Date.now();
    expect((await failure(verifyBundle(many, A_TXT, keyless))).message).toBe("bundle has 10000 transparency log entries (at most 16 accepted)");
    expect(Date.now() - t0).toBeLessThan(2000);
    const proof = clone(A_BUNDLE);
    proof.verificationMaterial.tlogEntries[0].inclusionProof.hashes = Array.from({ length: 1000 }, () => "AAAA");
    expect((await failure(verifyBundle(proof, A_TXT, keyless))).message).toMatch(/1000 inclusion proof hashes/);
    const ts = clone(A_BUNDLE);
    ts.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: Array.from({ length: 100 }, () => ({ signedTimestamp: "AAAA" })) };
    expect((await failure(verifyBundle(ts, A_TXT, keyless))).message).toMatch(/100 RFC 3161 timestamps/);
    const huge = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20);
    expect((await failure(verifyBundle(huge, A_TXT, keyless))).message).toMatch(/bundle larger than/);
  });
  it("garbage inside the right shape gives a one-line reason, not a crash", async () => {
    const b = clone(A_BUNDLE);
    b.verificationMaterial.x509CertificateChain.certificates[0].rawBytes = "AAAA";
    const e = await failure(verifyBundle(b, A_TXT, keyless));
    expect(e.message).not.toContain("\n");
    const c = clone(A_BUNDLE);
    c.verificationMaterial.tlogEntries[0].canonicalizedBody = Buffer.from("not json").toString("base64");
    expect((await failure(verifyBundle(c, A_TXT, keyless))).message).not.toContain("\n");
  });
});

describe("Rekor v1 checkpoint + SET on a real bundle (sigstore-python bundle_v3_alt, staging)", () => {
  const PY = new URL("../../../test/fixtures/sigstore-python/", import.meta.url).pathname;
  const staging = parseTrustedRoot(readFileSync(join(PY, "staging-trusted_root.json"), "utf8"), "staging root");
  const B = JSON.parse(readFileSync(join(PY, "bundle_v3_alt.txt.sigstore"), "utf8"));
  const digest = { digest: "sha256:4191e6b4e2b0260e6e297d4797d2a873584965afef021bf22f2bb7bec41102d0" };
  const who = { certificateIdentity: "william@yossarian.net", certificateOidcIssuer: "https://github.com/login/oauth" };

  it("verifies from the digest: e-mail identity, inclusion proof against the signed checkpoint, SET", async () => {
    const r = await verifyBundle(B, digest, who, { trustedRoot: staging });
    expect(r.tlogEntries).toEqual([{ logIndex: "25915997", kind: "hashedrekord", version: "0.0.1", integratedTime: "2024-04-02T19:20:16.000Z", inclusionProof: true, inclusionPromise: true }]);
    expect(r.signer).toEqual({ kind: "certificate", identity: "william@yossarian.net", issuer: "https://github.com/login/oauth" });
  });
  it("a changed proof hash or checkpoint root fails on the inclusion proof", async () => {
    const p = clone(B);
    const h = Buffer.from(p.verificationMaterial.tlogEntries[0].inclusionProof.hashes[3], "base64");
    h[0]! ^= 1;
    p.verificationMaterial.tlogEntries[0].inclusionProof.hashes[3] = h.toString("base64");
    const e = await failure(verifyBundle(p, digest, who, { trustedRoot: staging }));
    expect(e.code).toBe("TLOG");
    expect(e.message).toMatch(/^bad transparency log inclusion proof or checkpoint/);
    const c = clone(B);
    c.verificationMaterial.tlogEntries[0].inclusionProof.treeSize = "25901180";
    expect((await failure(verifyBundle(c, digest, who, { trustedRoot: staging }))).code).toBe("TLOG");
  });
  it("fails for another e-mail and against the public-good root", async () => {
    expect((await failure(verifyBundle(B, digest, { ...who, certificateIdentity: "someone@example.com" }, { trustedRoot: staging }))).code).toBe("IDENTITY");
    expect(["CERTIFICATE", "TLOG"]).toContain((await failure(verifyBundle(B, digest, who))).code);
  });
});

describe("v0.2 without checkpoint (sigstore-python bundle_no_checkpoint.txt.sigstore, staging)", () => {
  const PY = new URL("../../../test/fixtures/sigstore-python/", import.meta.url).pathname;
  const staging = parseTrustedRoot(readFileSync(join(PY, "staging-trusted_root.json"), "utf8"), "staging root");
  const B = JSON.parse(readFileSync(join(PY, "bundle_no_checkpoint.txt.sigstore"), "utf8"));
  const artifact = readFileSync(join(PY, "bundle.txt"));
  const who = { certificateIdentity: "william@yossarian.net", certificateOidcIssuer: "https://github.com/login/oauth" };

  it("is refused as v0.2: the inclusion proof has no checkpoint", async () => {
    const e = await failure(verifyBundle(B, artifact, who, { trustedRoot: staging }));
    expect(e.message).toMatch(/^invalid v0\.2 bundle: missing or bad .*inclusionProof\.checkpoint/);
  });
  it("the same content labelled v0.1 verifies on its SET (P-384 certificate key, x509CertificateChain)", async () => {
    const r = await verifyBundle({ ...clone(B), mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1" }, artifact, who, { trustedRoot: staging });
    // The unsigned proof is dropped: the result says what was verified (the SET).
    expect(r).toMatchObject({ bundleVersion: "0.1", tlogEntries: [{ kind: "hashedrekord", inclusionPromise: true, inclusionProof: false }] });
    expect(r.timestamps).toEqual([{ source: "tlog", time: "2023-01-30T22:42:08.000Z" }]);
  });
});

describe("DSSE logged as hashedrekord (sigstore-conformance dsse-with-hashedrekord-happy-path, public good)", () => {
  const B = JSON.parse(readFileSync(join(FIX, "dsse-with-hashedrekord-happy-path/bundle.sigstore.json"), "utf8"));
  const subject = { digest: "sha256:70ed0277251d0cf2eb5eda8b574ce012de485e39a3de1fb4b1e0717e14b02d6a" };

  it("verifies with the bundled root: the entry's digest is the SHA-256 of the DSSE PAE", async () => {
    const r = await verifyBundle(B, subject, keyless);
    expect(r).toMatchObject({ content: "dsseEnvelope", predicateType: "https://example.com/predicate/v1", tlogEntries: [{ kind: "hashedrekord", version: "0.0.1", inclusionProof: true, inclusionPromise: true }] });
    expect(r.timestamps.map((t) => t.source).sort()).toEqual(["tlog", "tsa"]);
  });
  it("fails for another subject digest, and when the payload bytes change but still name the subject", async () => {
    expect((await failure(verifyBundle(B, { digest: `sha256:${"0".repeat(64)}` }, keyless))).code).toBe("ARTIFACT");
    const t = clone(B);
    t.dsseEnvelope.payload = Buffer.from(Buffer.from(B.dsseEnvelope.payload, "base64").toString() + " ").toString("base64");
    const e = await failure(verifyBundle(t, subject, keyless));
    expect(e.code).toBe("TLOG");
    expect(e.message).toBe("transparency log entry does not match the bundle: digest mismatch");
  });
});
