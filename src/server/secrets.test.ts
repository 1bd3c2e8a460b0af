import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hashToken, newToken, secretKeyFromEnv } from "./secrets.js";

const KEY = Buffer.alloc(32, 7);

describe("stored secrets", () => {
  it("round-trips, uses a fresh IV each time, and binds the ciphertext to its row", () => {
    const a = encryptSecret(KEY, "s3cret-Pa55", "registry.example");
    const b = encryptSecret(KEY, "s3cret-Pa55", "registry.example");
    expect(a).not.toBe(b);
    expect(Buffer.from(a, "base64").toString("latin1")).not.toContain("s3cret");
    expect(decryptSecret(KEY, a, "registry.example")).toBe("s3cret-Pa55");
    expect(() => decryptSecret(KEY, a, "other.example")).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret(Buffer.alloc(32, 8), a, "registry.example")).toThrow(/wrong BULWARK_SECRET_KEY/);
    const tampered = Buffer.from(a, "base64");
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptSecret(KEY, tampered.toString("base64"), "registry.example")).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret(KEY, "AAAA", "")).toThrow(/malformed/);
  });

  it("is standard AES-256-GCM (iv ‖ tag ‖ ciphertext), as another implementation writes it", () => {
    const iv = Buffer.alloc(12, 1);
    const c = createCipheriv("aes-256-gcm", KEY, iv);
    c.setAAD(Buffer.from("r"));
    const ct = Buffer.concat([c.update("hello", "utf8"), c.final()]);
    expect(decryptSecret(KEY, Buffer.concat([iv, c.getAuthTag(), ct]).toString("base64"), "r")).toBe("hello");
  });

  it("reads BULWARK_SECRET_KEY as hex or base64 and refuses other lengths", () => {
    expect(secretKeyFromEnv({})).toBeUndefined();
    expect(secretKeyFromEnv({ BULWARK_SECRET_KEY: "07".repeat(32) })).toEqual(KEY);
    expect(secretKeyFromEnv({ BULWARK_SECRET_KEY: KEY.toString("base64") })).toEqual(KEY);
    expect(() => secretKeyFromEnv({ BULWARK_SECRET_KEY: "abcd" })).toThrow(/32 bytes/);
  });

  it("makes 256-bit tokens and hashes them with SHA-256", () => {
    const t = newToken();
    expect(t).toMatch(/^bwk_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(t);
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
