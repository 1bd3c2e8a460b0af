// Keys: cosign's encrypted format (real keys made by cosign, and our own read back through
// openssl), plain PEM keys, and signatures checked by openssl.
import { execFileSync } from "node:child_process";
import { createHash, createPublicKey, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixturePath } from "../../../test/support/upstream.js";
import { missingTool } from "../../../test/support/tools.js";
import { decryptPrivateKey, generateKeyPair, keyHint, loadPrivateKey, loadPublicKey, publicKeyPem, signBytes, verifyBytes, SIGSTORE_KEY_PEM } from "./keys.js";

const fx = (p: string) => readFileSync(fixturePath(`sigstore-cosign/${p}`), "utf8");
const work = mkdtempSync(join(tmpdir(), "bw-cosign-keys-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("keys made by cosign", () => {
  it("decrypts cosign's ENCRYPTED SIGSTORE PRIVATE KEY (ECDSA P-256) with its password", async () => {
    const key = await loadPrivateKey(fx("pkg/cosign/keys_test/pemsigstorekey.pem"), () => "hello");
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    // The key works: a signature made with it verifies with its public half.
    const data = Buffer.from("payload");
    expect(verifyBytes(createPublicKey(key), data, signBytes(key, data))).toBe(true);
  });

  it("reads the older ENCRYPTED COSIGN PRIVATE KEY label", async () => {
    // cosign's test calls it an RSA key; it holds a PKCS#8 ECDSA P-256 key.
    const key = await loadPrivateKey(fx("pkg/cosign/keys_test/pemcosignkey.pem"), () => "hello");
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("refuses a wrong password with one clear line, and an EC key stored as SEC1 as cosign does", async () => {
    await expect(loadPrivateKey(fx("pkg/cosign/keys_test/pemsigstorekey.pem"), () => "wrong")).rejects.toThrow(/decryption failed \(wrong password\?\)/);
    await expect(loadPrivateKey(fx("pkg/cosign/keys_test/pemcosigneckey.pem"), () => "hello")).rejects.toThrow(/not a valid private key/);
  });

  it("reads a plain SEC1 EC key with its EC PARAMETERS block, matching its public key file", async () => {
    const key = await loadPrivateKey(fx("test/testdata/test_blob_private_key"), () => { throw new Error("no password needed"); });
    const pub = loadPublicKey(fx("test/testdata/test_blob_public_key"));
    expect(publicKeyPem(key)).toBe(publicKeyPem(pub));
  });
});

describe("generateKeyPair", () => {
  it("writes cosign's encrypted layout: scrypt N=32768 r=8 p=1, nacl/secretbox, 32-byte salt, 24-byte nonce", () => {
    const pair = generateKeyPair("pw-1");
    expect(pair.privateKeyPem.startsWith(`-----BEGIN ${SIGSTORE_KEY_PEM}-----\n`)).toBe(true);
    expect(pair.privateKeyPem.trimEnd().endsWith(`-----END ${SIGSTORE_KEY_PEM}-----`)).toBe(true);
    const body = Buffer.from(pair.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----")).join(""), "base64");
    const doc = JSON.parse(body.toString());
    expect(doc.kdf.name).toBe("scrypt");
    expect(doc.kdf.params).toEqual({ N: 32768, r: 8, p: 1 });
    expect(Buffer.from(doc.kdf.salt, "base64")).toHaveLength(32);
    expect(doc.cipher.name).toBe("nacl/secretbox");
    expect(Buffer.from(doc.cipher.nonce, "base64")).toHaveLength(24);
    // The plaintext is PKCS#8 DER (secretbox adds a 16-byte tag).
    const der = decryptPrivateKey(body, "pw-1");
    expect(Buffer.from(doc.ciphertext, "base64").length).toBe(der.length + 16);
    expect(createPrivateKey({ key: der, format: "der", type: "pkcs8" }).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it.skipIf(missingTool("openssl key checks", ["openssl"]) !== undefined)("makes keys openssl reads, and signatures openssl verifies", async () => {
    const pair = generateKeyPair("pw-2");
    const key = await loadPrivateKey(pair.privateKeyPem, () => "pw-2");
    writeFileSync(join(work, "k.der"), key.export({ format: "der", type: "pkcs8" }));
    writeFileSync(join(work, "cosign.pub"), pair.publicKeyPem);
    const fromOpenssl = execFileSync("openssl", ["pkey", "-inform", "DER", "-in", join(work, "k.der"), "-pubout"], { encoding: "utf8" });
    expect(fromOpenssl).toBe(pair.publicKeyPem);
    const data = Buffer.from("signed by bulwark");
    writeFileSync(join(work, "data"), data);
    writeFileSync(join(work, "sig"), signBytes(key, data));
    const out = execFileSync("openssl", ["dgst", "-sha256", "-verify", join(work, "cosign.pub"), "-signature", join(work, "sig"), join(work, "data")], { encoding: "utf8" });
    expect(out.trim()).toBe("Verified OK");
    await expect(loadPrivateKey(pair.privateKeyPem, () => "pw-3")).rejects.toThrow(/wrong password/);
  });

  it.skipIf(missingTool("openssl key checks", ["openssl"]) !== undefined)("reads plain RSA and Ed25519 PEM keys made by openssl and signs as sigstore does", async () => {
    for (const [name, args] of [["rsa", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]], ["ed25519", ["genpkey", "-algorithm", "ED25519"]], ["p384", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]]] as const) {
      const pem = execFileSync("openssl", [...args], { encoding: "utf8" });
      writeFileSync(join(work, `${name}.key`), pem);
      const pub = execFileSync("openssl", ["pkey", "-in", join(work, `${name}.key`), "-pubout"], { encoding: "utf8" });
      writeFileSync(join(work, `${name}.pub`), pub);
      const key = await loadPrivateKey(pem, () => "");
      const data = Buffer.from(`data for ${name}`);
      writeFileSync(join(work, `${name}.data`), data);
      writeFileSync(join(work, `${name}.sig`), signBytes(key, data));
      const verifyArgs = name === "ed25519"
        ? ["pkeyutl", "-verify", "-pubin", "-inkey", join(work, `${name}.pub`), "-rawin", "-in", join(work, `${name}.data`), "-sigfile", join(work, `${name}.sig`)]
        : ["dgst", name === "p384" ? "-sha384" : "-sha256", "-verify", join(work, `${name}.pub`), "-signature", join(work, `${name}.sig`), join(work, `${name}.data`)];
      expect(execFileSync("openssl", verifyArgs, { encoding: "utf8" }).trim(), name).toMatch(/Verified OK|Signature Verified Successfully/);
      expect(verifyBytes(loadPublicKey(pub), data, signBytes(key, data))).toBe(true);
      expect(verifyBytes(loadPublicKey(pub), Buffer.from("other bytes"), signBytes(key, data))).toBe(false);
    }
  });

  it("computes sigstore's key hint (base64 SHA-256 of the DER SPKI)", () => {
    const pub = loadPublicKey(fx("test/testdata/test_blob_public_key"));
    const der = Buffer.from(fx("test/testdata/test_blob_public_key").split("\n").filter((l) => l && !l.startsWith("-----")).join(""), "base64");
    expect(keyHint(pub)).toBe(createHash("sha256").update(der).digest("base64"));
  });

  it("refuses scrypt parameters that would take unbounded memory, before deriving anything", () => {
    const doc = (N: number, r: number) => Buffer.from(JSON.stringify({ kdf: { name: "scrypt", params: { N, r, p: 1 }, salt: "AAAA" }, cipher: { name: "nacl/secretbox", nonce: Buffer.alloc(24).toString("base64") }, ciphertext: "AAAA" }));
    expect(() => decryptPrivateKey(doc(1 << 20, 32), "x")).toThrow(/unsupported scrypt parameters \(N=1048576, r=32, p=1\)/);
    expect(() => decryptPrivateKey(doc(1000, 8), "x")).toThrow(/unsupported scrypt parameters/);
    expect(() => decryptPrivateKey(doc(1024, 8), "x")).toThrow(/wrong password/);
  });

  it("refuses what is not a key, in one line", async () => {
    await expect(loadPrivateKey("hello", () => "")).rejects.toThrow(/no PEM block/);
    expect(() => loadPublicKey("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")).toThrow(/unsupported PEM type/);
  });
});
