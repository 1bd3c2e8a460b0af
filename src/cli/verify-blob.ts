// `bulwark verify-blob`: cosign's verify-blob for Sigstore bundles, offline by default.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { type Command, Option } from "commander";
import {
  isVerificationError, loadTrustedRoot, MAX_BUNDLE_BYTES, refreshTrustedRoot, UserError, verifyBundle,
  type SigstoreArtifact as Artifact, type TrustedRootInfo, type BundleVerifyPolicy as VerifyPolicy,
} from "../index.js";

interface VerifyBlobFlags {
  bundle?: string;
  key?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  trustedRoot?: string;
  tufRefresh?: boolean;
  insecureIgnoreTlog?: boolean;
  format: string;
  debug?: boolean;
}

export interface CliHooks {
  /** Leave with this exit code (output already written). */
  exit(code: number): never;
  setDebug(debug: boolean): void;
}

export function registerVerifyBlob(program: Command, hooks: CliHooks): void {
  program
    .command("verify-blob")
    .description("verify a Sigstore bundle for a file or digest (as cosign verify-blob); offline unless --tuf-refresh")
    .argument("<file-or-digest>", "the artifact: a file path, or sha256:<hex>")
    .option("--bundle <file>", "the Sigstore bundle (.sigstore.json, bundle v0.1-v0.3)")
    .option("--key <file>", "PEM public key (ECDSA, RSA or Ed25519) for key-based signatures")
    .option("--certificate-identity <id>", "keyless: the exact identity (SAN) of the signing certificate")
    .option("--certificate-identity-regexp <re>", "keyless: a regular expression the identity must match (unanchored, as cosign)")
    .option("--certificate-oidc-issuer <url>", "keyless: the exact OIDC issuer recorded in the certificate")
    .option("--certificate-oidc-issuer-regexp <re>", "keyless: a regular expression the issuer must match")
    .option("--trusted-root <file>", "Sigstore trusted_root.json (default: the public-good root bundled with Bulwark, or the last --tuf-refresh)")
    .option("--tuf-refresh", "online: update the public-good trusted root through TUF first, and keep it for later runs")
    .option("--insecure-ignore-tlog", "with --key: accept a bundle without transparency log entry (cosign's flag)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--debug", "show stack traces on errors")
    .action(async (target: string, flags: VerifyBlobFlags) => {
      hooks.setDebug(!!flags.debug);
      if (!flags.bundle) throw new UserError("USAGE", "--bundle is required");
      if (flags.trustedRoot && flags.tufRefresh) throw new UserError("USAGE", "--trusted-root and --tuf-refresh exclude each other");
      const policy = await policyFrom(flags);
      const artifact = await readArtifact(target);
      const bundle = await readBundle(flags.bundle);
      let root: TrustedRootInfo;
      if (flags.tufRefresh) root = await refreshTrustedRoot();
      else root = await loadTrustedRoot(flags.trustedRoot);
      try {
        const result = await verifyBundle(bundle, artifact, policy, { trustedRoot: root.root, ignoreTlog: !!flags.insecureIgnoreTlog });
        if (flags.format === "json") process.stdout.write(JSON.stringify({ ...result, trustedRoot: root.source }, null, 2) + "\n");
        else process.stderr.write("Verified OK\n");
      } catch (e) {
        if (!isVerificationError(e)) throw e;
        if (flags.format === "json") process.stdout.write(JSON.stringify({ ok: false, code: e.code, reason: e.message, trustedRoot: root.source }, null, 2) + "\n");
        process.stderr.write(`bulwark: verification failed: ${oneLine(e.message)}\n`);
        if (flags.debug && e.stack) process.stderr.write(`${e.stack}\n`);
        hooks.exit(1);
      }
    });
}

async function policyFrom(flags: VerifyBlobFlags): Promise<VerifyPolicy> {
  const identity = flags.certificateIdentity !== undefined || flags.certificateIdentityRegexp !== undefined || flags.certificateOidcIssuer !== undefined || flags.certificateOidcIssuerRegexp !== undefined;
  if (flags.key !== undefined) {
    if (identity) throw new UserError("USAGE", "--key excludes the --certificate-* flags");
    let pem: Buffer;
    try {
      pem = await readFile(flags.key);
    } catch (e) {
      throw new UserError("NOT_FOUND", `${flags.key}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    if (pem.length > 1024 * 1024) throw new UserError("LIMIT", `${flags.key}: larger than 1 MiB, not a public key`);
    return { key: pem };
  }
  if (flags.insecureIgnoreTlog) throw new UserError("USAGE", "--insecure-ignore-tlog applies only to --key");
  if (!identity) throw new UserError("USAGE", "give --key, or --certificate-identity (or --certificate-identity-regexp) with --certificate-oidc-issuer");
  const p: VerifyPolicy = {};
  if (flags.certificateIdentity !== undefined) p.certificateIdentity = flags.certificateIdentity;
  if (flags.certificateIdentityRegexp !== undefined) p.certificateIdentityRegExp = flags.certificateIdentityRegexp;
  if (flags.certificateOidcIssuer !== undefined) p.certificateOidcIssuer = flags.certificateOidcIssuer;
  if (flags.certificateOidcIssuerRegexp !== undefined) p.certificateOidcIssuerRegExp = flags.certificateOidcIssuerRegexp;
  return p;
}

async function readArtifact(target: string): Promise<Artifact> {
  if (/^sha(256|384|512):/i.test(target) && !existsSync(target)) return { digest: target };
  try {
    return await readFile(target);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new UserError("NOT_FOUND", `${target}: no such file (give a file or sha256:<hex>)`);
    throw new UserError("INPUT", `${target}: ${err.message}`);
  }
}

async function readBundle(file: string): Promise<Buffer> {
  try {
    const s = await stat(file);
    if (s.size > MAX_BUNDLE_BYTES) throw new UserError("LIMIT", `${file}: bundle larger than ${MAX_BUNDLE_BYTES} bytes`);
    return await readFile(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UserError(err.code === "ENOENT" ? "NOT_FOUND" : "INPUT", `${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
}

function oneLine(s: string): string {
  return s.replace(/\p{Cc}+/gu, " ");
}
