// Signatures and attestations in cosign's layouts against a real registry (Debian's
// docker-registry): sign then verify, the exact layout strings of cosign's specifications, an
// independent check of what was pushed (plain HTTP reads, openssl for signatures, node:crypto over
// DSSE's PAE computed here), and the tamper cases.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import {
  attestImage, attestedSbom, cosignPolicyVerifier, getWriter, inventory, scan, loadPublicKey, predicateTypeUri, signImage, verifyImageAttestations, verifyImageSignatures,
} from "../../src/index.js";
import { simpleSigningPayload } from "../../src/sigstore/cosign/layout.js";
import { keylessBundleVerifier } from "../../src/sigstore/cosign/keyless.js";
import { putBlob, putManifest, release, resolveTarget } from "../../src/sigstore/cosign/oci.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, writeOciLayout, type BuiltImage } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { fixturePath } from "../support/upstream.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-cosign-"));

const ec = (): { key: KeyObject; pub: KeyObject; pem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { key: privateKey, pub: publicKey, pem: publicKey.export({ format: "pem", type: "spki" }).toString() };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests and blobs read back as plain JSON
type Json = any;

async function json(url: string, accept = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json"): Promise<{ status: number; body: Json; bytes: Buffer }> {
  const res = await fetch(url, { headers: { accept } });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString());
  } catch {
    body = undefined;
  }
  return { status: res.status, body, bytes };
}

const hex = (d: string) => d.slice("sha256:".length);

describe.skipIf(missingTool("cosign layout tests", [...REGISTRY_TOOLS, "openssl"]) !== undefined)("cosign signatures against a real registry", () => {
  let reg: RegistryServer;
  const images: Record<string, BuiltImage> = {};
  const ref = (tag: string) => `${reg.host}/team/app:${tag}`;
  const k1 = ec();
  const k2 = ec();

  beforeAll(async () => {
    reg = await startRegistry();
    for (const [tag, extra] of [["signed", "a"], ["other", "b"], ["unsigned", "c"], ["tamper", "d"], ["refs", "e"], ["att", "f"], ["badref", "g"], ["hostile", "h"], ["selfref", "i"], ["spdx", "j"], ["cosign-made", "k"], ["keyless", "l"]] as const) {
      images[tag] = await buildImage({
        layers: [{ entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }, { path: `opt/${extra}`, content: extra }] }],
      }, "oci");
      await pushImage(ref(tag), images[tag]!);
    }
  });
  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("sends keyless bundles to the Sigstore verifier: a real public-good bundle attached to an image is checked for identity and for its subject", async () => {
    // A real keyless DSSE bundle (sigstore-conformance, public good) put in place of the referrer
    // of a key-signed image: the image verifier hands it to src/sigstore/core, which checks the
    // certificate, the log proofs and the identity, then the in-toto subject against the image.
    const r = await signImage(ref("keyless"), k1.key, { referrersOnly: true });
    const t = await resolveTarget(ref("keyless"), {});
    const bundleBytes = readFileSync(fixturePath("sigstore-conformance/dsse-with-hashedrekord-happy-path/bundle.sigstore.json"));
    const bundle = JSON.parse(bundleBytes.toString()) as { verificationMaterial: { certificate: { rawBytes: string } } };
    const layer = await putBlob(t.client, t.ref.repository, bundleBytes);
    const config = await putBlob(t.client, t.ref.repository, Buffer.from("{}"));
    const referrer = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config.digest, size: config.size },
      layers: [{ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", digest: layer.digest, size: layer.size }],
      subject: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: r.digest, size: images["keyless"]!.manifest.bytes.length },
    };
    const m = await putManifest(t.client, t.ref.repository, `sha256-${"0".repeat(64)}`, referrer, referrer.mediaType);
    const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: referrer.mediaType, artifactType: referrer.artifactType, digest: m.digest, size: m.size }] };
    await putManifest(t.client, t.ref.repository, `sha256-${hex(r.digest)}`, index, index.mediaType);
    release(t);
    // The certificate's own identity, read with openssl: the one the test expects to match.
    const certFile = join(work, "keyless-cert.der");
    writeFileSync(certFile, Buffer.from(bundle.verificationMaterial.certificate.rawBytes, "base64"));
    const text = execFileSync("openssl", ["x509", "-inform", "DER", "-in", certFile, "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
    const san = /(?:email:|URI:)(\S+)/.exec(text)![1]!.replace(/,$/, "");
    const issuerRe = ".*";
    const good = await verifyImageSignatures(ref("keyless"), { keys: [] }, { sources: ["referrers"], bundleVerifier: keylessBundleVerifier({ certificateIdentity: san, certificateOidcIssuerRegExp: issuerRe }) });
    expect(good.verified).toBe(false);
    // The Sigstore verifier was given this image's digest as the artifact, and the bundle (which
    // signs another artifact) is refused for that.
    expect(good.signatures[0]!.reason).toBe(`artifact ${r.digest} is not a subject of the in-toto statement`);
    // The same bundle as a blob bundle verifies with that identity (so nothing else was wrong).
    const statement = JSON.parse(Buffer.from((JSON.parse(bundleBytes.toString()) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, "base64").toString()) as { subject: { digest: { sha256: string } }[] };
    const { verifyBundle } = await import("../../src/sigstore/core/verify.js");
    const blob = await verifyBundle(JSON.parse(bundleBytes.toString()), { digest: `sha256:${statement.subject[0]!.digest.sha256}` }, { certificateIdentity: san, certificateOidcIssuerRegExp: issuerRe });
    expect(blob.signer).toMatchObject({ kind: "certificate", identity: san });
    const wrong = await verifyImageSignatures(ref("keyless"), { keys: [] }, { sources: ["referrers"], bundleVerifier: keylessBundleVerifier({ certificateIdentity: "someone@example.com", certificateOidcIssuerRegExp: issuerRe }) });
    expect(wrong.verified).toBe(false);
    // Without a verifier the keyless bundle is said to need one, never passed.
    const none = await verifyImageSignatures(ref("keyless"), { keys: [k1.pub] }, { sources: ["referrers"] });
    expect(none.verified).toBe(false);
    expect(none.signatures[0]!.reason).toMatch(/keyless bundle/);
    // The CLI: an identity without an issuer is a usage error; key or identity is required.
    if (existsSync(BIN)) {
      const noIssuer = spawnSync(process.execPath, [BIN, "verify", ref("keyless"), "--certificate-identity", san], { encoding: "utf8" });
      expect(noIssuer.status).toBe(2);
      expect(noIssuer.stderr).toMatch(/needs --certificate-oidc-issuer/);
      const nothing = spawnSync(process.execPath, [BIN, "verify", ref("keyless")], { encoding: "utf8" });
      expect(nothing.status).toBe(2);
      const cli = spawnSync(process.execPath, [BIN, "verify", ref("keyless"), "--certificate-identity", "someone@example.com", "--certificate-oidc-issuer-regexp", issuerRe, "--format", "json"], { encoding: "utf8" });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toMatch(/verification failed/);
    }
  });

  it("signs, and verifies what it signed (legacy .sig tag)", async () => {
    const r = await signImage(ref("signed"), k1.key);
    expect(r.digest).toBe(images["signed"]!.manifest.digest);
    expect(r.signatureRef).toBe(`${reg.host}/team/app:sha256-${hex(r.digest)}.sig`);
    const v = await verifyImageSignatures(ref("signed"), { keys: [k1.pub] });
    expect(v.verified).toBe(true);
    expect(v.digest).toBe(r.digest);
    expect(v.signatures).toHaveLength(1);
    expect(v.signatures[0]).toMatchObject({ source: "tag", kind: "simple-signing", valid: true });
  });

  it("writes cosign's .sig layout exactly as SIGNATURE_SPEC.md says (read back with plain HTTP)", async () => {
    const digest = images["signed"]!.manifest.digest;
    // Tag-based discovery: ":" becomes "-", then ".sig".
    const m = await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(digest)}.sig`);
    expect(m.status).toBe(200);
    expect(m.body.schemaVersion).toBe(2);
    expect(m.body.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(m.body.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    const [layer] = m.body.layers;
    expect(layer.mediaType).toBe("application/vnd.dev.cosign.simplesigning.v1+json");
    expect(Object.keys(layer.annotations)).toEqual(["dev.cosignproject.cosign/signature"]);
    const payload = (await json(`http://${reg.host}/v2/team/app/blobs/${layer.digest}`)).bytes;
    expect("sha256:" + createHash("sha256").update(payload).digest("hex")).toBe(layer.digest);
    expect(layer.size).toBe(payload.length);
    expect(payload.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"${reg.host}/team/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
    // The config is an empty image whose diff_ids are the payload layers.
    const config = (await json(`http://${reg.host}/v2/team/app/blobs/${m.body.config.digest}`)).body;
    expect(config.rootfs).toEqual({ type: "layers", diff_ids: [layer.digest] });

    // Independent path: openssl verifies the annotation's signature over the payload bytes.
    writeFileSync(join(work, "payload"), payload);
    writeFileSync(join(work, "sig.der"), Buffer.from(layer.annotations["dev.cosignproject.cosign/signature"], "base64"));
    writeFileSync(join(work, "pub.pem"), k1.pem);
    const out = execFileSync("openssl", ["dgst", "-sha256", "-verify", join(work, "pub.pem"), "-signature", join(work, "sig.der"), join(work, "payload")], { encoding: "utf8" });
    expect(out.trim()).toBe("Verified OK");
    // And openssl refuses it for another key.
    writeFileSync(join(work, "pub2.pem"), k2.pem);
    const bad = spawnSync("openssl", ["dgst", "-sha256", "-verify", join(work, "pub2.pem"), "-signature", join(work, "sig.der"), join(work, "payload")], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
  });

  it("appends signatures as cosign does: the same key again is a no-op, another key adds a layer", async () => {
    const again = await signImage(ref("signed"), k1.key);
    expect(again.unchanged).toBe(true);
    const second = await signImage(ref("signed"), k2.key, { annotations: { env: "ci" } });
    expect(second.unchanged).toBeUndefined();
    const m = await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(second.digest)}.sig`);
    expect(m.body.layers).toHaveLength(2);
    const payload2 = (await json(`http://${reg.host}/v2/team/app/blobs/${m.body.layers[1].digest}`)).body;
    expect(payload2.optional).toEqual({ env: "ci" });
    for (const k of [k1, k2]) {
      const v = await verifyImageSignatures(ref("signed"), { keys: [k.pub] });
      expect(v.verified).toBe(true);
      expect(v.signatures.filter((s) => s.valid)).toHaveLength(1);
    }
  });

  it("fails with a reason: wrong key, no signatures", async () => {
    const wrong = await verifyImageSignatures(ref("signed"), { keys: [ec().pub] });
    expect(wrong.verified).toBe(false);
    expect(wrong.signatures.every((s) => !s.valid && /does not verify with the given key/.test(s.reason ?? ""))).toBe(true);
    const none = await verifyImageSignatures(ref("unsigned"), { keys: [k1.pub] });
    expect(none).toMatchObject({ verified: false, reason: "no signatures found", signatures: [] });
  });

  it("fails with a reason: a signature manifest of another image, an edited payload, a replaced signature", async () => {
    const other = await signImage(ref("other"), k1.key);
    const target = images["tamper"]!.manifest.digest;
    const sigTag = `sha256-${hex(target)}.sig`;
    const otherManifest = (await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(other.digest)}.sig`)).body;
    const put = async (manifest: object) => {
      const res = await fetch(`http://${reg.host}/v2/team/app/manifests/${sigTag}`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" }, body: JSON.stringify(manifest) });
      expect(res.status).toBe(201);
    };
    const putBlob = async (bytes: Buffer): Promise<string> => {
      const digest = "sha256:" + createHash("sha256").update(bytes).digest("hex");
      const start = await fetch(`http://${reg.host}/v2/team/app/blobs/uploads/`, { method: "POST" });
      const loc = new URL(start.headers.get("location")!, `http://${reg.host}`);
      loc.searchParams.set("digest", digest);
      expect((await fetch(loc, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } })).status).toBe(201);
      return digest;
    };

    // 1. The other image's signature manifest copied under this image's .sig tag.
    await put(otherManifest);
    let v = await verifyImageSignatures(ref("tamper"), { keys: [k1.pub] });
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toBe(`payload digest differs from the image: the payload names ${other.digest}, the image is ${target}`);

    // 2. The payload edited to name this image, the signature kept: signed bytes differ.
    const layer = otherManifest.layers[0];
    const original = (await json(`http://${reg.host}/v2/team/app/blobs/${layer.digest}`)).bytes;
    const edited = Buffer.from(original.toString().replace(other.digest, target));
    const editedDigest = await putBlob(edited);
    await put({ ...otherManifest, layers: [{ ...layer, digest: editedDigest, size: edited.length }] });
    v = await verifyImageSignatures(ref("tamper"), { keys: [k1.pub] });
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toMatch(/signature does not verify with the given key: it was made over other bytes/);

    // 3. The signature replaced by one the same key made over other bytes.
    const { sign } = await import("node:crypto");
    const foreign = sign("sha256", Buffer.from("other bytes"), k1.key).toString("base64");
    await put({ ...otherManifest, layers: [{ ...layer, digest: editedDigest, size: edited.length, annotations: { "dev.cosignproject.cosign/signature": foreign } }] });
    v = await verifyImageSignatures(ref("tamper"), { keys: [k1.pub] });
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toMatch(/does not verify/);

    // 4. A manifest whose layer claims a digest its bytes do not have is refused by the digest check.
    await put({ ...otherManifest, layers: [{ ...layer, digest: editedDigest, size: original.length }] });
    v = await verifyImageSignatures(ref("tamper"), { keys: [k1.pub] });
    expect(v.verified).toBe(false);
  });

  it("pushes a Sigstore bundle v0.3 as an OCI 1.1 referrer, found through the tag-schema fallback, verified independently", async () => {
    const r = await signImage(ref("refs"), k1.key, { referrersOnly: true });
    expect(r.signatureRef).toBeUndefined();
    // docker-registry 2.8 has no Referrers API: the index lives under the sha256-<hex> tag.
    const api = await fetch(`http://${reg.host}/v2/team/app/referrers/${r.digest}`);
    expect(api.status).toBe(404);
    const index = await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(r.digest)}`);
    expect(index.body.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(index.body.manifests).toHaveLength(1);
    const desc = index.body.manifests[0];
    expect(desc.artifactType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(desc.digest).toBe(r.referrerDigest);
    const m = (await json(`http://${reg.host}/v2/team/app/manifests/${desc.digest}`)).body;
    expect(m.artifactType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(m.subject).toEqual({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: r.digest, size: images["refs"]!.manifest.bytes.length });
    expect(m.config.mediaType).toBe("application/vnd.oci.empty.v1+json");
    expect(m.layers[0].mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(m.annotations["dev.sigstore.bundle.content"]).toBe("dsse-envelope");
    expect(m.annotations["dev.sigstore.bundle.predicateType"]).toBe("https://sigstore.dev/cosign/sign/v1");
    const bundle = (await json(`http://${reg.host}/v2/team/app/blobs/${m.layers[0].digest}`)).body;
    expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(bundle.verificationMaterial.publicKey.hint).toBe(createHash("sha256").update(k1.pub.export({ format: "der", type: "spki" })).digest("base64"));
    // DSSE checked here with node:crypto over PAE built by this test.
    const env = bundle.dsseEnvelope;
    const payload = Buffer.from(env.payload, "base64");
    const paeBytes = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(env.payloadType)} ${env.payloadType} ${payload.length} `), payload]);
    expect(cryptoVerify("sha256", paeBytes, k1.pub, Buffer.from(env.signatures[0].sig, "base64"))).toBe(true);
    const statement = JSON.parse(payload.toString());
    expect(statement.subject[0].digest.sha256).toBe(hex(r.digest));

    const v = await verifyImageSignatures(ref("refs"), { keys: [k1.pub] });
    expect(v.verified).toBe(true);
    expect(v.signatures).toEqual([expect.objectContaining({ source: "tag-schema", kind: "bundle", valid: true })]);
    const wrong = await verifyImageSignatures(ref("refs"), { keys: [k2.pub] });
    expect(wrong.verified).toBe(false);
    expect(wrong.signatures[0]!.reason).toMatch(/signed by another key: the bundle's key hint/);
  });

  it("uses the Referrers API when the registry has one (a relay in front of the real registry answers it), and bounds a hostile listing", async () => {
    // docker-registry 2.8 has no Referrers API: this relay passes everything through to it and
    // answers GET /v2/<name>/referrers/<digest> itself, from the tag-schema index the registry
    // holds (what a 1.1 registry would list), or with a hostile answer.
    let mode: "real" | "huge" = "real";
    const relay = http.createServer((req, res) => {
      const m = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})/.exec(req.url ?? "");
      if (req.method === "GET" && m) {
        void (async () => {
          if (mode === "huge") {
            const d = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:" + "0".repeat(64), size: 1, artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json" };
            res.writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" });
            res.end(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: Array.from({ length: 1001 }, () => d) }));
            return;
          }
          const index = await json(`http://${reg.host}/v2/${m[1]}/manifests/sha256-${hex(m[2]!)}`);
          res.writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" });
          res.end(JSON.stringify(index.status === 200 ? index.body : { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }));
        })();
        return;
      }
      const [host, port] = reg.host.split(":");
      const up = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: reg.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const via = `127.0.0.1:${(relay.address() as { port: number }).port}`;
    try {
      const r = await verifyImageSignatures(`${via}/team/app:refs`, { keys: [k1.pub] });
      expect(r.verified).toBe(true);
      expect(r.signatures).toEqual([expect.objectContaining({ source: "referrers-api", kind: "bundle", valid: true })]);

      mode = "huge";
      const both = await verifyImageSignatures(`${via}/team/app:signed`, { keys: [k1.pub] });
      // The legacy signature still verifies; the listing is one failed entry with the limit named.
      expect(both.verified).toBe(true);
      expect(both.signatures.find((s) => s.source === "referrers-api")?.reason).toMatch(/1001 referrers; the limit is 1000/);
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it("refuses a referrer whose subject is another image", async () => {
    const refs = images["refs"]!.manifest.digest;
    const target = images["badref"]!.manifest.digest;
    // Put the refs image's referrer into badref's tag-schema index.
    const index = (await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(refs)}`)).body;
    const res = await fetch(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(target)}`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.index.v1+json" }, body: JSON.stringify(index) });
    expect(res.status).toBe(201);
    const v = await verifyImageSignatures(ref("badref"), { keys: [k1.pub] });
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toBe(`the signature manifest's subject is ${refs}, not the image ${target}`);
  });

  it("bounds hostile signature data: a referrer naming the image itself, a payload claiming to be huge", async () => {
    const target = images["selfref"]!.manifest.digest;
    const self = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: target, size: images["selfref"]!.manifest.bytes.length, artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json" }] };
    expect((await fetch(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(target)}`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.index.v1+json" }, body: JSON.stringify(self) })).status).toBe(201);
    const v = await verifyImageSignatures(ref("selfref"), { keys: [k1.pub] }, { sources: ["referrers"] });
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toBe("the referrer is the image itself");

    const made = await signImage(ref("hostile"), k1.key);
    const signed = (await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(made.digest)}.sig`)).body;
    const huge = { ...signed, layers: [{ ...signed.layers[0], size: 5 * 2 ** 30 }] };
    expect((await fetch(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(made.digest)}.sig`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" }, body: JSON.stringify(huge) })).status).toBe(201);
    const h = await verifyImageSignatures(ref("hostile"), { keys: [k1.pub] }, { sources: ["tag"] });
    expect(h.verified).toBe(false);
    expect(h.signatures[0]!.reason).toMatch(/5368709120 bytes; the limit is 4194304/);
  });

  it("attests in cosign's .att layout; verify-attestation filters by type and returns the verified predicate", async () => {
    const layout = join(work, "att-layout");
    writeOciLayout(layout, [images["att"]!]);
    const sbom = JSON.parse(getWriter("cyclonedx-json").write(await inventory(`oci:${layout}`, { noCache: true })));
    const r = await attestImage(ref("att"), k1.key, sbom, predicateTypeUri("cyclonedx"));
    expect(r.attestationRef).toBe(`${reg.host}/team/app:sha256-${hex(r.digest)}.att`);
    const vuln = JSON.parse(readFileSync(fixturePath("sigstore-cosign/test/testdata/attestations/vuln-predicate.json"), "utf8"));
    await attestImage(ref("att"), k1.key, vuln, predicateTypeUri("vuln"));

    // Layout, read back with plain HTTP.
    const m = (await json(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(r.digest)}.att`)).body;
    expect(m.layers).toHaveLength(2);
    const [l0, l1] = m.layers;
    expect(l0.mediaType).toBe("application/vnd.dsse.envelope.v1+json");
    expect(l0.annotations).toEqual({ "dev.cosignproject.cosign/signature": "", predicateType: "https://cyclonedx.org/bom" });
    expect(l1.annotations.predicateType).toBe("https://cosign.sigstore.dev/attestation/vuln/v1");
    const env = (await json(`http://${reg.host}/v2/team/app/blobs/${l0.digest}`)).body;
    expect(env.payloadType).toBe("application/vnd.in-toto+json");
    const payload = Buffer.from(env.payload, "base64");
    const paeBytes = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(env.payloadType)} ${env.payloadType} ${payload.length} `), payload]);
    expect(cryptoVerify("sha256", paeBytes, k1.pub, Buffer.from(env.signatures[0].sig, "base64"))).toBe(true);
    const st = JSON.parse(payload.toString());
    expect(st._type).toBe("https://in-toto.io/Statement/v0.1");
    expect(st.predicateType).toBe("https://cyclonedx.org/bom");
    expect(st.subject).toEqual([{ name: `${reg.host}/team/app`, digest: { sha256: hex(r.digest) } }]);
    expect(st.predicate).toEqual(sbom);

    const all = await verifyImageAttestations(ref("att"), { keys: [k1.pub] });
    expect(all.verified).toBe(true);
    expect(all.attestations.map((a) => a.predicateType).sort()).toEqual(["https://cosign.sigstore.dev/attestation/vuln/v1", "https://cyclonedx.org/bom"]);
    const cdx = await verifyImageAttestations(ref("att"), { keys: [k1.pub] }, { predicateType: predicateTypeUri("cyclonedx") });
    expect(cdx.attestations).toHaveLength(1);
    expect(cdx.attestations[0]!.predicate).toEqual(sbom);
    const slsa = await verifyImageAttestations(ref("att"), { keys: [k1.pub] }, { predicateType: predicateTypeUri("slsaprovenance") });
    expect(slsa.verified).toBe(false);
    expect(slsa.reason).toMatch(/^none of the attestations matched the predicate type https:\/\/slsa\.dev\/provenance\/v0\.2 \(found: /);
    const wrongKey = await verifyImageAttestations(ref("att"), { keys: [k2.pub] });
    expect(wrongKey.verified).toBe(false);
    expect(() => predicateTypeUri("bogus")).toThrow(/invalid predicate type "bogus"/);
  });

  it("reads an attached SPDX SBOM as a scan source: verified with a key, or unverified without one", async () => {
    const layout = join(work, "spdx-layout");
    writeOciLayout(layout, [images["spdx"]!]);
    const image = await inventory(`oci:${layout}`, { noCache: true });
    const spdx = JSON.parse(getWriter("spdx-json").write(image));
    await attestImage(ref("spdx"), k2.key, spdx, predicateTypeUri("spdxjson"));
    const verified = await attestedSbom(ref("spdx"), { keys: [k2.pub] });
    const unverified = await attestedSbom(ref("spdx"));
    try {
      expect(verified).toMatchObject({ predicateType: "https://spdx.dev/Document", verified: true, digest: images["spdx"]!.manifest.digest });
      expect(unverified.verified).toBe(false);
      const fromSbom = await scan(`sbom:${verified.path}`, { noCache: true });
      expect(fromSbom.packages.map((p) => p.purl).sort()).toEqual(image.packages.map((p) => p.purl).sort());
      expect(readFileSync(unverified.path, "utf8")).toBe(readFileSync(verified.path, "utf8"));
    } finally {
      verified.cleanup();
      unverified.cleanup();
    }
    expect(existsSync(verified.path)).toBe(false);
    await expect(attestedSbom(ref("spdx"), { keys: [k1.pub] })).rejects.toThrow(/no verified CycloneDX or SPDX attestation/);
    await expect(attestedSbom(ref("unsigned"))).rejects.toThrow(/no CycloneDX or SPDX attestation attached/);
  });

  it("verifies signatures made by cosign itself (Dangerzone's fixtures): same payload bytes as ours, tampered one refused", async () => {
    const H = "95b432860b272938246b10e1cfc89a24e1db352b3aebaa799c4284c42c46bd95";
    const F = "19e8eacd75879d05f6621c2ea8dd955e68ee3e07b41b9d53f4c8cc9929a68a67.json";
    const read = (kind: string) => JSON.parse(readFileSync(fixturePath(`dangerzone/tests/assets/signatures/${kind}/${H}/${F}`), "utf8"))[0];
    const pubPem = readFileSync(fixturePath("dangerzone/tests/assets/test.pub.key"), "utf8");
    const valid = read("valid");
    const payload = Buffer.from(valid.Payload, "base64");
    const signedDigest = "sha256:" + F.slice(0, 64);
    // cosign's payload and ours are the same bytes.
    expect(simpleSigningPayload("ghcr.io/almet/dangerzone/dangerzone", signedDigest).equals(payload)).toBe(true);
    // openssl agrees the cosign signature is good.
    writeFileSync(join(work, "dz.payload"), payload);
    writeFileSync(join(work, "dz.sig"), Buffer.from(valid.Base64Signature, "base64"));
    writeFileSync(join(work, "dz.pub"), pubPem);
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", join(work, "dz.pub"), "-signature", join(work, "dz.sig"), join(work, "dz.payload")], { encoding: "utf8" }).trim()).toBe("Verified OK");

    // Through the registry: laid out as cosign lays it out under one of our images' .sig tag. The
    // signature verifies with the key; the payload names the Dangerzone image, so the verdict is
    // the digest mismatch (which is only reached after the signature check passed).
    const pushLayer = async (sig: string) => {
      const putBlob = async (bytes: Buffer): Promise<string> => {
        const digest = "sha256:" + createHash("sha256").update(bytes).digest("hex");
        const start = await fetch(`http://${reg.host}/v2/team/app/blobs/uploads/`, { method: "POST" });
        const loc = new URL(start.headers.get("location")!, `http://${reg.host}`);
        loc.searchParams.set("digest", digest);
        expect((await fetch(loc, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } })).status).toBe(201);
        return digest;
      };
      const layerDigest = await putBlob(payload);
      const config = Buffer.from(JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [layerDigest] } }));
      const configDigest = await putBlob(config);
      const manifest = {
        schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", size: config.length, digest: configDigest },
        layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", size: payload.length, digest: layerDigest, annotations: { "dev.cosignproject.cosign/signature": sig, "dev.sigstore.cosign/bundle": JSON.stringify(valid.Bundle) } }],
      };
      const target = images["cosign-made"]!.manifest.digest;
      expect((await fetch(`http://${reg.host}/v2/team/app/manifests/sha256-${hex(target)}.sig`, { method: "PUT", headers: { "content-type": manifest.mediaType }, body: JSON.stringify(manifest) })).status).toBe(201);
      return verifyImageSignatures(ref("cosign-made"), { keys: [loadPublicKey(pubPem)] });
    };
    const v = await pushLayer(valid.Base64Signature);
    expect(v.verified).toBe(false);
    expect(v.signatures[0]!.reason).toBe(`payload digest differs from the image: the payload names ${signedDigest}, the image is ${images["cosign-made"]!.manifest.digest}`);
    const t = await pushLayer(read("tampered").Base64Signature);
    expect(t.signatures[0]!.reason).toMatch(/^signature does not verify with the given key/);
  });

  it("answers an ImagePolicy's requireSignature / requireAttestations (the policy room's verifier shape)", async () => {
    writeFileSync(join(work, "policy-k1.pub"), k1.pem);
    writeFileSync(join(work, "policy-other.pub"), ec().pem);
    const verifier = cosignPolicyVerifier();
    const req = { keys: [join(work, "policy-k1.pub")] };
    const signed = images["signed"]!.manifest.digest;
    const ok = await verifier.verifySignature(`${reg.host}/team/app@${signed}`, signed, req);
    expect(ok).toMatchObject({ ok: true, reason: "1 valid signature with the policy's keys" });
    const wrong = await verifier.verifySignature(`${reg.host}/team/app@${signed}`, signed, { keys: [join(work, "policy-other.pub")] });
    expect(wrong.ok).toBe(false);
    expect(wrong.reason).toMatch(/no valid signature .*does not verify with the given key/);
    const none = await verifier.verifySignature(`${reg.host}/team/app@${images["spdx"]!.manifest.digest}`, images["spdx"]!.manifest.digest, req);
    expect(none).toMatchObject({ ok: false, reason: "no signatures found" });
    // Identities verify keyless bundles only: a key-signed image has none that pass.
    const identities = await verifier.verifySignature(`${reg.host}/team/app@${signed}`, signed, { identities: [{ issuer: "x", subject: "y" }] });
    expect(identities.ok).toBe(false);
    // The keyless bundle attached to "keyless" goes through the Sigstore verifier with each identity.
    const keyless = images["keyless"]!.manifest.digest;
    const viaPolicy = await verifier.verifySignature(`${reg.host}/team/app@${keyless}`, keyless, { identities: [{ issuer: "https://nowhere.example", subject: "a@b" }, { issuer: "https://other.example", subject: "c@d" }] });
    expect(viaPolicy.ok).toBe(false);
    expect(viaPolicy.evidence?.join("\n")).toMatch(/bundle/);
    const missingKey = await verifier.verifySignature(`${reg.host}/team/app@${signed}`, signed, { keys: [join(work, "nope.pub")] });
    expect(missingKey).toMatchObject({ ok: false });
    expect(missingKey.reason).toMatch(/nope.pub: cannot read the key/);

    const att = images["att"]!.manifest.digest;
    const both = await verifier.verifyAttestations(`${reg.host}/team/app@${att}`, att, ["cyclonedx", "vuln"], req);
    expect(both).toMatchObject({ ok: true, reason: "verified attestations: cyclonedx, vuln" });
    const slsa = await verifier.verifyAttestations(`${reg.host}/team/app@${att}`, att, ["slsaprovenance", "cyclonedx"], req);
    expect(slsa).toMatchObject({ ok: false, reason: "no verified attestation of type slsaprovenance" });
    expect(slsa.evidence).toEqual([expect.stringMatching(/^slsaprovenance: none of the attestations matched/), "cyclonedx: verified (https://cyclonedx.org/bom)"]);
  });

  it("maps cosign's short predicate types to its URIs", () => {
    expect(predicateTypeUri("slsaprovenance")).toBe("https://slsa.dev/provenance/v0.2");
    expect(predicateTypeUri("slsaprovenance1")).toBe("https://slsa.dev/provenance/v1");
    expect(predicateTypeUri("spdx")).toBe("https://spdx.dev/Document");
    expect(predicateTypeUri("spdxjson")).toBe("https://spdx.dev/Document");
    expect(predicateTypeUri("cyclonedx")).toBe("https://cyclonedx.org/bom");
    expect(predicateTypeUri("openvex")).toBe("https://openvex.dev/ns");
    expect(predicateTypeUri("vuln")).toBe("https://cosign.sigstore.dev/attestation/vuln/v1");
    expect(predicateTypeUri("custom")).toBe("https://cosign.sigstore.dev/attestation/v1");
    expect(predicateTypeUri("https://example.com/p/v1")).toBe("https://example.com/p/v1");
  });

  describe.skipIf(!existsSync(BIN))("CLI", () => {
    const cli = (args: string[], env: Record<string, string> = {}, input?: string) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: "utf8", input, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker"), ...env } });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const password = "cli-Pa55word-xyz";

    it("generate-key-pair, sign, verify (text and json), wrong key exits 1 with the reason", () => {
      const gen = cli(["generate-key-pair", "--output-key-prefix", "cli"], { COSIGN_PASSWORD: password });
      expect(gen.code, gen.stderr).toBe(0);
      expect(readFileSync(join(work, "cli.key"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
      expect(loadPublicKey(readFileSync(join(work, "cli.pub"), "utf8")).asymmetricKeyType).toBe("ec");
      expect(cli(["generate-key-pair", "--output-key-prefix", "cli"], { COSIGN_PASSWORD: password }).code).toBe(2);

      const sign = cli(["sign", ref("unsigned"), "--key", "cli.key"], { COSIGN_PASSWORD: password });
      expect(sign.code, sign.stderr).toBe(0);
      expect(sign.stderr).toContain(`sha256-${hex(images["unsigned"]!.manifest.digest)}.sig`);
      const badPw = cli(["sign", ref("unsigned"), "--key", "cli.key"], { COSIGN_PASSWORD: "nope" });
      expect(badPw.code).toBe(2);
      expect(badPw.stderr.trim().split("\n")).toHaveLength(1);
      expect(badPw.stderr).toMatch(/wrong password/);

      const ok = cli(["verify", ref("unsigned"), "--key", "cli.pub", "--format", "json"]);
      expect(ok.code, ok.stderr).toBe(0);
      const out = JSON.parse(ok.stdout);
      expect(out[0]).toMatchObject({ verified: true, digest: images["unsigned"]!.manifest.digest });
      const text = cli(["verify", ref("unsigned"), "--key", "cli.pub"]);
      expect(text.stdout).toMatch(/^Verified: /);

      writeFileSync(join(work, "other.pub"), ec().pem);
      const bad = cli(["verify", ref("unsigned"), "--key", "other.pub"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/verification failed: no valid signature/);
      expect(bad.stdout).toMatch(/does not verify with the given key/);
      for (const r of [gen, sign, badPw, ok, bad]) expect(r.stdout + r.stderr).not.toContain(password);
    });

    it("reads the key password from standard input when COSIGN_PASSWORD is unset and there is no terminal", () => {
      const env = { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") } as Record<string, string>;
      delete env["COSIGN_PASSWORD"];
      const gen = spawnSync(process.execPath, [BIN, "generate-key-pair", "--output-key-prefix", "stdin"], { cwd: work, encoding: "utf8", input: "from-stdin-pw\n", env });
      expect(gen.status, gen.stderr).toBe(0);
      const sign = spawnSync(process.execPath, [BIN, "sign", ref("selfref"), "--key", "stdin.key"], { cwd: work, encoding: "utf8", input: "from-stdin-pw\n", env });
      expect(sign.status, sign.stderr).toBe(0);
      const wrong = spawnSync(process.execPath, [BIN, "sign", ref("selfref"), "--key", "stdin.key"], { cwd: work, encoding: "utf8", input: "other\n", env });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(/wrong password/);
    });

    it("attest and verify-attestation print the verified predicate; an unknown type is a usage error", () => {
      writeFileSync(join(work, "prov.json"), JSON.stringify({ buildDefinition: { buildType: "https://example.com/build" }, runDetails: { builder: { id: "https://example.com/builder" } } }));
      const att = cli(["attest", ref("other"), "--predicate", "prov.json", "--type", "slsaprovenance1", "--key", "cli.key"], { COSIGN_PASSWORD: password });
      expect(att.code, att.stderr).toBe(0);
      const v = cli(["verify-attestation", ref("other"), "--key", "cli.pub", "--type", "slsaprovenance1"]);
      expect(v.code, v.stderr).toBe(0);
      const line = JSON.parse(v.stdout.trim().split("\n")[0]!);
      expect(line.predicateType).toBe("https://slsa.dev/provenance/v1");
      expect(line.predicate.runDetails.builder.id).toBe("https://example.com/builder");
      const alias = cli(["verify", ref("other"), "--attestations", "--type", "slsaprovenance1", "--key", "cli.pub"]);
      expect(alias.code, alias.stderr).toBe(0);
      const none = cli(["verify-attestation", ref("other"), "--key", "cli.pub", "--type", "openvex"]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/none of the attestations matched the predicate type https:\/\/openvex.dev\/ns/);
      const unknown = cli(["verify-attestation", ref("other"), "--key", "cli.pub", "--type", "bogus"]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.trim()).toMatch(/^bulwark: invalid predicate type "bogus"/);
    });

    it("scan --sbom-from-attestation scans the verified CycloneDX attestation: the same packages as the image", () => {
      const fromAtt = cli(["scan", ref("att"), "--sbom-from-attestation", "--key", "pub.pem", "--scanners", "package", "--format", "json", "--offline"]);
      expect(fromAtt.code, fromAtt.stderr).toBe(0);
      expect(fromAtt.stderr).toMatch(/scanning the verified https:\/\/cyclonedx.org\/bom attestation/);
      const direct = cli(["scan", ref("att"), "--scanners", "package", "--format", "json", "--offline"]);
      expect(direct.code, direct.stderr).toBe(0);
      const purls = (s: string) => JSON.parse(s).packages.map((p: { purl: string }) => p.purl).sort();
      expect(purls(fromAtt.stdout)).toEqual(purls(direct.stdout));
      expect(purls(direct.stdout).length).toBeGreaterThan(0);
      const wrong = cli(["scan", ref("att"), "--sbom-from-attestation", "--key", "other.pub", "--scanners", "package", "--format", "json", "--offline"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/no verified CycloneDX or SPDX attestation/);
    });
  });
});


describe.skipIf(missingTool("cosign CLI with registry auth", ["docker-registry", "htpasswd"]) !== undefined || !existsSync(BIN))("cosign CLI against a registry with basic auth", () => {
  let reg: RegistryServer;
  const user = { user: "signer", password: "reg-S3cret-pw-42" };
  const keyPassword = "key-S3cret-pw-77";
  const dir = mkdtempSync(join(tmpdir(), "bw-cosign-auth-"));
  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: user });
    const img = await buildImage({ layers: [{ entries: [{ path: "etc/hello", content: "hi" }] }] }, "oci");
    await pushImage(`${reg.host}/secure/app:1`, img, { username: user.user, password: user.password });
  });
  afterAll(async () => {
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs and verifies with --password-stdin and COSIGN_PASSWORD, never printing either", () => {
    const run = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", input, env: { ...process.env, COSIGN_PASSWORD: keyPassword, DOCKER_CONFIG: join(dir, "nodocker") } });
      return { code: r.status ?? -1, out: r.stdout + r.stderr };
    };
    const results = [
      run(["generate-key-pair"]),
      run(["sign", `${reg.host}/secure/app:1`, "--key", "cosign.key", "--username", user.user, "--password-stdin"], user.password),
      run(["verify", `${reg.host}/secure/app:1`, "--key", "cosign.pub", "--username", user.user, "--password-stdin", "--format", "json"], user.password),
      run(["verify", `${reg.host}/secure/app:1`, "--key", "cosign.pub", "--username", user.user, "--password-stdin"], "wrong-pw-here"),
    ];
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 2]);
    expect(JSON.parse(results[2]!.out.slice(results[2]!.out.indexOf("["))).at(0).verified).toBe(true);
    expect(results[3]!.out).toMatch(/authentication failed/i);
    for (const r of results) {
      expect(r.out).not.toContain(user.password);
      expect(r.out).not.toContain(keyPassword);
      expect(r.out).not.toContain("wrong-pw-here");
    }
  });
});
