// TLS inspection of the registry's HTTPS endpoint: the certificate chain as presented (trust,
// validity dates, host name) and whether legacy protocol versions are accepted.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import tls, { type DetailedPeerCertificate } from "node:tls";
import { UserError } from "../../errors.js";
import { isIp } from "./http.js";

export interface Certificates {
  /** The chain as the server sent it, leaf first. */
  chain: X509Certificate[];
  leaf: DetailedPeerCertificate;
}

export interface TlsInspection {
  protocol: string;
  cipher: string;
  certs: Certificates;
  /** OpenSSL's verification result against the trusted roots, as Node reports it. */
  verifyError?: string;
  /** Does the chain lead to a trusted root (signatures checked, dates and names not)? */
  trusted: boolean;
  /** How `trusted` was decided, for the evidence. */
  trustReason: string;
  /** Certificates of the chain outside their validity period now. */
  outOfDate: { subject: string; validFrom: string; validTo: string; state: "expired" | "not yet valid" }[];
  /** The host-name check's error, if the certificate does not name the host. */
  nameError?: string;
}

export type LegacyResult = { state: "accepted" | "refused" | "undetermined"; detail: string };

export const LEGACY_VERSIONS = ["TLSv1", "TLSv1.1"] as const;
/**
 * Legacy probes lower OpenSSL's security level: at its default level OpenSSL 3 refuses the SHA-1
 * signatures TLS 1.0/1.1 key exchanges use, and a server that accepts TLS 1.0 would look refused.
 */
const LEGACY_CIPHERS = "DEFAULT:@SECLEVEL=0";
const TIME_ERRORS = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const MAX_CHAIN = 10;

/** Trusted roots: Node's bundled ones, NODE_EXTRA_CA_CERTS, and the audit's --ca-file. */
export function trustedRoots(caFile: string | undefined): { pems: string[]; explicit: boolean } {
  const pems = [...tls.rootCertificates];
  const extra = process.env["NODE_EXTRA_CA_CERTS"];
  if (extra) {
    try {
      pems.push(...splitPem(readFileSync(extra, "utf8")));
    } catch {
      // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  if (caFile) {
    let text: string;
    try {
      text = readFileSync(caFile, "utf8");
    } catch (e) {
      throw new UserError("INPUT", `cannot read --ca-file ${caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const certs = splitPem(text);
    if (certs.length === 0) throw new UserError("INPUT", `--ca-file ${caFile} holds no PEM certificate`);
    for (const pem of certs) {
      try {
        new X509Certificate(pem);
      } catch {
        throw new UserError("INPUT", `--ca-file ${caFile} holds a certificate that cannot be parsed`);
      }
    }
    pems.push(...certs);
  }
  return { pems, explicit: caFile !== undefined };
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

interface Handshake {
  socket: tls.TLSSocket;
}

function handshake(host: string, port: number, o: tls.ConnectionOptions, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(isIp(host) ? {} : { servername: host }), ...o });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    });
  });
}

/** The TLS facts of host:port, or the handshake error (no TLS there, refused…). */
export async function inspectTls(host: string, port: number, roots: { pems: string[]; explicit: boolean }, secureContext: tls.SecureContext | undefined, timeoutMs: number): Promise<TlsInspection> {
  const { socket } = await handshake(host, port, secureContext ? { secureContext } : {}, timeoutMs);
  try {
    const leaf = socket.getPeerCertificate(true);
    const chain = presentedChain(leaf);
    if (chain.length === 0) throw new UserError("NETWORK", `${host}:${port} presented no certificate`);
    const verifyError = socket.authorized ? undefined : errorCode(socket.authorizationError);
    let trusted: boolean;
    let trustReason: string;
    if (!verifyError || verifyError === "ERR_TLS_CERT_ALTNAME_INVALID") {
      // Node checks the name only once the chain verified.
      trusted = true;
      trustReason = "the chain verifies against the trusted roots";
    } else if (TIME_ERRORS.has(verifyError)) {
      // OpenSSL stopped at the dates: walk the chain ourselves, checking signatures only.
      const walk = chainToRoot(chain, roots.pems);
      trusted = walk.ok;
      trustReason = walk.reason;
    } else {
      trusted = false;
      trustReason = `verification failed: ${verifyError}`;
    }
    const now = Date.now();
    const outOfDate: TlsInspection["outOfDate"] = [];
    for (const c of chain) {
      const from = Date.parse(c.validFrom);
      const to = Date.parse(c.validTo);
      if (now > to || now < from) outOfDate.push({ subject: oneLine(c.subject), validFrom: c.validFrom, validTo: c.validTo, state: now > to ? "expired" : "not yet valid" });
    }
    const nameError = tls.checkServerIdentity(host.replace(/^\[|\]$/g, ""), leaf);
    const cipher = socket.getCipher();
    return {
      protocol: socket.getProtocol() ?? "unknown",
      cipher: cipher?.name ?? "unknown",
      certs: { chain, leaf },
      ...(verifyError ? { verifyError } : {}),
      trusted,
      trustReason,
      outOfDate,
      ...(nameError ? { nameError: nameError.message } : {}),
    };
  } finally {
    socket.destroy();
  }
}

/** Node gives OpenSSL's code as a string, or the name check's Error. */
function errorCode(e: unknown): string {
  if (e === null || e === undefined) return "unknown verification error";
  if (typeof e === "object" && typeof (e as { code?: unknown }).code === "string") return (e as { code: string }).code;
  return String(e);
}

function presentedChain(leaf: DetailedPeerCertificate): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c?.raw && out.length < MAX_CHAIN && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new X509Certificate(c.raw));
    c = c.issuerCertificate;
  }
  return out;
}

/** Follows issuer links (name match and a verified signature) from the leaf to a trusted root. */
function chainToRoot(chain: X509Certificate[], rootPems: string[]): { ok: boolean; reason: string } {
  const roots: X509Certificate[] = [];
  for (const pem of rootPems) {
    try {
      roots.push(new X509Certificate(pem));
    } catch {
      // A bundled root Node cannot parse is no anchor.
    }
  }
  let cert = chain[0]!;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (roots.some((r) => r.fingerprint256 === cert.fingerprint256)) return { ok: true, reason: "the certificate itself is a trusted root (dates aside)" };
    const root = roots.find((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
    if (root) return { ok: true, reason: `the chain leads to the trusted root ${oneLine(root.subject)} (signatures checked, dates aside)` };
    const next = chain.find((c) => c !== cert && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!next || next.fingerprint256 === cert.fingerprint256) {
      return { ok: false, reason: cert.checkIssued(cert) ? "self-signed certificate that is not a trusted root" : `no trusted issuer for ${oneLine(cert.subject)}` };
    }
    cert = next;
  }
  return { ok: false, reason: "certificate chain too long" };
}

export function oneLine(dn: string): string {
  return dn.split("\n").filter(Boolean).join(", ");
}

/** Offers exactly one legacy version; whether the server completes the handshake with it. */
export async function probeLegacy(host: string, port: number, version: (typeof LEGACY_VERSIONS)[number], timeoutMs: number): Promise<LegacyResult> {
  try {
    tls.createSecureContext({ minVersion: version, maxVersion: version, ciphers: LEGACY_CIPHERS });
  } catch (e) {
    return { state: "undetermined", detail: `this Node.js (OpenSSL ${process.versions.openssl}) cannot offer ${version}: ${(e as Error).message}` };
  }
  try {
    const { socket } = await handshake(host, port, { minVersion: version, maxVersion: version, ciphers: LEGACY_CIPHERS }, timeoutMs);
    const got = socket.getProtocol();
    const cipher = socket.getCipher()?.name;
    socket.destroy();
    return got === version ? { state: "accepted", detail: `handshake completed with ${got} (${cipher})` } : { state: "refused", detail: `server chose ${got}` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "ERR";
    // The server negotiated the old version, but our OpenSSL refused its signature algorithm.
    if (code === "ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED") return { state: "accepted", detail: `the server negotiated ${version} (our client then refused its legacy signature: ${code})` };
    if (/ALERT|WRONG_VERSION_NUMBER|UNSUPPORTED_PROTOCOL|ECONNRESET|EPIPE/.test(code) || /socket disconnected/i.test((e as Error).message)) {
      return { state: "refused", detail: `${version} handshake refused: ${code}` };
    }
    return { state: "undetermined", detail: `${version} handshake gave no verdict: ${code} ${(e as Error).message.split("\n")[0]}` };
  }
}
