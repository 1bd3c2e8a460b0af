// Private keys: PEM blocks, PuTTY and age key files, kubeconfig client keys.
import type { LineContext, SecretRule } from "../types.js";
import { re } from "./shape.js";

const BODY_LINE = /^\s*[A-Za-z0-9+/=]{40,}\s*$/;

/**
 * A header is only a key when a body follows: on the same line (an escaped "\n" in JSON or
 * an env value) or within the next lines. Code that merely tests for the header is not a key.
 */
function hasPemBody(secret: string, _line: string, ctx: LineContext): boolean {
  const inline = secret.replace(/\\[nr]/g, "").replace(/[^A-Za-z0-9+/=]/g, "");
  if (secret.trim().length > 0) return inline.length >= 40;
  return ctx.following(8).some((l) => BODY_LINE.test(l));
}

function pem(id: string, kind: string, title: string): SecretRule {
  return {
    id,
    title,
    severity: "CRITICAL",
    keywords: ["-----begin"],
    // The secret is what follows the header on the same line; for a multi-line block it is
    // empty and the redaction marks where the body starts.
    regex: re(String.raw`-----BEGIN ${kind}PRIVATE KEY(?: BLOCK)?-----(?<secret>[A-Za-z0-9+/=\\\s:,.-]*)`),
    confirm: hasPemBody,
  };
}

export const keyRules: SecretRule[] = [
  pem("BW-SECRET-PRIVATE-KEY-RSA", "RSA ", "RSA private key"),
  pem("BW-SECRET-PRIVATE-KEY-EC", "EC ", "EC private key"),
  pem("BW-SECRET-PRIVATE-KEY-DSA", "DSA ", "DSA private key"),
  pem("BW-SECRET-PRIVATE-KEY-OPENSSH", "OPENSSH ", "OpenSSH private key"),
  pem("BW-SECRET-PRIVATE-KEY-PGP", "PGP ", "PGP private key block"),
  pem("BW-SECRET-PRIVATE-KEY-ENCRYPTED", "ENCRYPTED ", "Encrypted private key (PKCS#8)"),
  pem("BW-SECRET-PRIVATE-KEY-PKCS8", "", "Private key (PKCS#8)"),
  {
    id: "BW-SECRET-PUTTY-PRIVATE-KEY",
    title: "PuTTY private key file",
    severity: "CRITICAL",
    keywords: ["putty-user-key-file-"],
    regex: re(String.raw`^PuTTY-User-Key-File-\d:\s*\S+(?<secret>)`),
    confirm: (_s, _l, ctx) => ctx.following(30).some((l) => l.startsWith("Private-Lines:")),
  },
  {
    id: "BW-SECRET-AGE-SECRET-KEY",
    title: "age secret key",
    severity: "CRITICAL",
    keywords: ["age-secret-key-1"],
    regex: re(String.raw`\b(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b`),
  },
  {
    id: "BW-SECRET-KUBECONFIG-CLIENT-KEY",
    title: "Client private key in a kubeconfig",
    severity: "CRITICAL",
    keywords: ["client-key-data"],
    regex: re(String.raw`client-key-data:\s*["']?(?<secret>[A-Za-z0-9+/=]{40,})`),
  },
];
