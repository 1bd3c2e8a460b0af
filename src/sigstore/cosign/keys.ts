// Keys in cosign's formats: the encrypted private key (PEM "ENCRYPTED SIGSTORE PRIVATE KEY", a JSON
// document: scrypt KDF + NaCl secretbox over the PKCS#8 DER key, as sigstore's cryptoutils writes
// it), plain PEM private keys (PKCS#8, SEC1 EC, PKCS#1 RSA) and PEM SPKI public keys. Signatures
// follow sigstore's defaults: ECDSA with SHA-256/384/512 by curve (ASN.1 DER), RSA PKCS#1 v1.5 with
// SHA-256, Ed25519 (pure).
import {
  createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, sign as cryptoSign, verify as cryptoVerify,
  type KeyObject,
} from "node:crypto";
import { secretbox } from "@noble/ciphers/salsa.js";
import { UserError } from "../../errors.js";

export const SIGSTORE_KEY_PEM = "ENCRYPTED SIGSTORE PRIVATE KEY";
/** What cosign wrote before v2; still read. */
export const COSIGN_KEY_PEM = "ENCRYPTED COSIGN PRIVATE KEY";

/** cosign's scrypt parameters for new keys (N = 2^15, r = 8, p = 1; 32-byte salt and key). */
const SCRYPT = { N: 32768, r: 8, p: 1 } as const;
/**
 * Refuse KDF parameters that would take unbounded time or memory (cosign's own maximum is
 * N = 2^16): scrypt needs 128·N·r bytes.
 */
const MAX_SCRYPT_N = 1 << 20;
const MAX_SCRYPT_MEMORY = 256 << 20;
const MAX_KEY_FILE = 64 * 1024;

export interface EncryptedKeyDocument {
  kdf: { name: "scrypt"; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: "nacl/secretbox"; nonce: string };
  ciphertext: string;
}

function pemBlocks(text: string): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const b64 = m[2]!.split(/\r?\n/).filter((l) => l && !l.includes(":")).join("");
    out.push({ type: m[1]!, body: Buffer.from(b64, "base64") });
  }
  return out;
}

export function toPem(type: string, der: Buffer): string {
  const b64 = der.toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}\n-----END ${type}-----\n`;
}

function scryptKey(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  const { N, r, p } = params;
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0 || r > 32 || p > 16 || 128 * N * r > MAX_SCRYPT_MEMORY) {
    throw new UserError("INPUT", `the encrypted key has unsupported scrypt parameters (N=${N}, r=${r}, p=${p})`);
  }
  return scryptSync(Buffer.from(password, "utf8"), salt, 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) });
}

/** Encrypts a PKCS#8 DER private key the way cosign does; returns the PEM text. */
export function encryptPrivateKey(pkcs8: Buffer, password: string): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = scryptKey(password, salt, SCRYPT);
  const ciphertext = Buffer.from(secretbox(key, nonce).seal(pkcs8));
  const doc: EncryptedKeyDocument = {
    kdf: { name: "scrypt", params: { ...SCRYPT }, salt: salt.toString("base64") },
    cipher: { name: "nacl/secretbox", nonce: nonce.toString("base64") },
    ciphertext: ciphertext.toString("base64"),
  };
  return toPem(SIGSTORE_KEY_PEM, Buffer.from(JSON.stringify(doc)));
}

/** Decrypts cosign's encrypted key document to the PKCS#8 DER bytes. */
export function decryptPrivateKey(document: Buffer, password: string, what = "private key"): Buffer {
  let doc: EncryptedKeyDocument;
  try {
    doc = JSON.parse(document.toString("utf8")) as EncryptedKeyDocument;
  } catch {
    throw new UserError("INPUT", `${what}: the encrypted key is not cosign's JSON key document`);
  }
  if (doc?.kdf?.name !== "scrypt" || doc?.cipher?.name !== "nacl/secretbox" || typeof doc.ciphertext !== "string" || typeof doc.kdf.salt !== "string" || typeof doc.cipher.nonce !== "string") {
    throw new UserError("UNSUPPORTED", `${what}: unsupported key encryption (cosign uses scrypt and nacl/secretbox)`);
  }
  const nonce = Buffer.from(doc.cipher.nonce, "base64");
  if (nonce.length !== 24) throw new UserError("INPUT", `${what}: the secretbox nonce must be 24 bytes`);
  const key = scryptKey(password, Buffer.from(doc.kdf.salt, "base64"), doc.kdf.params ?? ({} as EncryptedKeyDocument["kdf"]["params"]));
  try {
    return Buffer.from(secretbox(key, nonce).open(Buffer.from(doc.ciphertext, "base64")));
  } catch {
    throw new UserError("INPUT", `${what}: decryption failed (wrong password?)`);
  }
}

function checkKeyType(key: KeyObject, what: string): KeyObject {
  const type = key.asymmetricKeyType;
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== "prime256v1" && curve !== "secp384r1" && curve !== "secp521r1") {
      throw new UserError("UNSUPPORTED", `${what}: ECDSA curve ${curve ?? "unknown"} is not supported (P-256, P-384, P-521)`);
    }
    return key;
  }
  if (type === "rsa" || type === "ed25519") {
    if (type === "rsa") {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 2048 || bits > 4096) throw new UserError("UNSUPPORTED", `${what}: RSA key size ${bits} is not supported (2048-4096)`);
    }
    return key;
  }
  throw new UserError("UNSUPPORTED", `${what}: ${type ?? "unknown"} keys are not supported (ECDSA, RSA, Ed25519)`);
}

/**
 * Loads a private key from PEM text: cosign's encrypted key (needs the password) or a plain PEM
 * key. `password` is called only when the key is encrypted.
 */
export async function loadPrivateKey(pem: string, password: () => Promise<string> | string, what = "private key"): Promise<KeyObject> {
  if (pem.length > MAX_KEY_FILE) throw new UserError("LIMIT", `${what}: larger than ${MAX_KEY_FILE} bytes, not a key`);
  // openssl's `ecparam -genkey` writes an EC PARAMETERS block before the key.
  const block = pemBlocks(pem).find((b) => b.type !== "EC PARAMETERS");
  if (!block) throw new UserError("INPUT", `${what}: no PEM block found`);
  let key: KeyObject;
  try {
    if (block.type === SIGSTORE_KEY_PEM || block.type === COSIGN_KEY_PEM) {
      const der = decryptPrivateKey(block.body, await password(), what);
      key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    } else if (block.type === "PRIVATE KEY") {
      key = createPrivateKey({ key: block.body, format: "der", type: "pkcs8" });
    } else if (block.type === "EC PRIVATE KEY") {
      key = createPrivateKey({ key: block.body, format: "der", type: "sec1" });
    } else if (block.type === "RSA PRIVATE KEY") {
      key = createPrivateKey({ key: block.body, format: "der", type: "pkcs1" });
    } else if (block.type === "ENCRYPTED PRIVATE KEY") {
      key = createPrivateKey({ key: pem, format: "pem", passphrase: await password() });
    } else {
      throw new UserError("UNSUPPORTED", `${what}: unsupported PEM type "${block.type}"`);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `${what}: not a valid private key (${(e as Error).message})`);
  }
  return checkKeyType(key, what);
}

/** Loads a public key: PEM SPKI ("PUBLIC KEY"), PKCS#1 RSA, or a certificate's key. */
export function loadPublicKey(pem: string, what = "public key"): KeyObject {
  if (pem.length > MAX_KEY_FILE) throw new UserError("LIMIT", `${what}: larger than ${MAX_KEY_FILE} bytes, not a key`);
  const block = pemBlocks(pem)[0];
  if (!block) throw new UserError("INPUT", `${what}: no PEM block found`);
  let key: KeyObject;
  try {
    if (block.type === "PUBLIC KEY") key = createPublicKey({ key: block.body, format: "der", type: "spki" });
    else if (block.type === "RSA PUBLIC KEY") key = createPublicKey({ key: block.body, format: "der", type: "pkcs1" });
    else if (block.type === "CERTIFICATE") key = createPublicKey(pem);
    else throw new UserError("UNSUPPORTED", `${what}: unsupported PEM type "${block.type}" (want PUBLIC KEY)`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `${what}: not a valid public key (${(e as Error).message})`);
  }
  return checkKeyType(key, what);
}

/** The hash sigstore uses with a key: by curve for ECDSA, SHA-256 for RSA, none for Ed25519. */
export function hashFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === "ed25519") return null;
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === "secp384r1" ? "sha384" : curve === "secp521r1" ? "sha512" : "sha256";
  }
  return "sha256";
}

export function signBytes(key: KeyObject, data: Buffer): Buffer {
  return cryptoSign(hashFor(key), data, key);
}

export function verifyBytes(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return cryptoVerify(hashFor(key), data, key, signature);
  } catch {
    return false;
  }
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ format: "pem", type: "spki" }).toString();
}

/** Sigstore's key hint: base64 of the SHA-256 of the DER SPKI. */
export function keyHint(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(pub.export({ format: "der", type: "spki" })).digest("base64");
}

export interface GeneratedKeyPair {
  /** cosign.key contents (encrypted PEM). */
  privateKeyPem: string;
  /** cosign.pub contents (PEM SPKI). */
  publicKeyPem: string;
}

/** A new ECDSA P-256 key pair in cosign's formats, as `cosign generate-key-pair` writes it. */
export function generateKeyPair(password: string): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return { privateKeyPem: encryptPrivateKey(pkcs8, password), publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString() };
}
