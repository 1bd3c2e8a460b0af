// cosign-compatible commands: generate-key-pair, sign, attest, verify, verify-attestation.
import { readStdin, registryAccess, registryAccessOptions, type RegistryAccessFlags } from "./common.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  attestImage, attestedSbom, generateKeyPair, keylessBundleVerifier, loadPrivateKey, loadPublicKey, loadTrustedRoot, predicateTypeUri, signImage, UserError, verifyImageAttestations, verifyImageSignatures,
  type AttestationVerification, type BundleVerifier, type IdentityPolicy, type ImageVerification,
} from "../index.js";
import { writeOutput } from "./output.js";

interface RegistryFlags extends RegistryAccessFlags {
  debug?: boolean;
}

const registryOptions = (cmd: Command): Command => registryAccessOptions(cmd).option("--debug", "show stack traces on errors");


/** Reads a line from the terminal without echo. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new UserError("USAGE", "interrupted"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The private key's password: $COSIGN_PASSWORD, else a prompt on a terminal, else standard input. */
async function keyPassword(confirm: boolean, stdinTaken: boolean): Promise<string> {
  const env = process.env["COSIGN_PASSWORD"];
  if (env !== undefined) return env;
  if (process.stdin.isTTY) {
    const first = await promptHidden("Enter password for private key: ");
    if (confirm && (await promptHidden("Enter password for private key again: ")) !== first) throw new UserError("USAGE", "the passwords do not match");
    return first;
  }
  if (stdinTaken) throw new UserError("USAGE", "set COSIGN_PASSWORD: standard input is already used for the registry password");
  return readStdin();
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError("NOT_FOUND", `${path}: cannot read the key (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

async function privateKey(path: string, flags: RegistryFlags) {
  return loadPrivateKey(readKeyFile(path), () => keyPassword(false, !!flags.passwordStdin), path);
}

interface KeylessFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  trustedRoot?: string;
}

/** cosign's keyless verification flags. */
function keylessOptions(cmd: Command): Command {
  return cmd
    .option("--certificate-identity <id>", "keyless: the signer's identity (certificate SAN: e-mail or URI), exact")
    .option("--certificate-identity-regexp <re>", "keyless: the signer's identity, as a regular expression")
    .option("--certificate-oidc-issuer <url>", "keyless: the OIDC issuer recorded in the certificate, exact")
    .option("--certificate-oidc-issuer-regexp <re>", "keyless: the OIDC issuer, as a regular expression")
    .option("--trusted-root <file>", "keyless: Sigstore trusted_root.json (default: the bundled public-good root)");
}

/**
 * The keyless verifier for bundles signed by a Fulcio certificate, when an identity was given.
 * A key or an identity is needed; an identity needs an issuer, as in cosign.
 */
async function keyless(flags: KeylessFlags, haveKeys: boolean): Promise<{ bundleVerifier?: BundleVerifier }> {
  const identity = flags.certificateIdentity !== undefined || flags.certificateIdentityRegexp !== undefined;
  const issuer = flags.certificateOidcIssuer !== undefined || flags.certificateOidcIssuerRegexp !== undefined;
  if (!identity) {
    if (issuer) throw new UserError("USAGE", "--certificate-oidc-issuer needs --certificate-identity or --certificate-identity-regexp");
    if (!haveKeys) throw new UserError("USAGE", "give --key, or --certificate-identity (or -regexp) with --certificate-oidc-issuer (or -regexp)");
    return {};
  }
  if (!issuer) throw new UserError("USAGE", "--certificate-identity needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp");
  const policy: IdentityPolicy = {};
  if (flags.certificateIdentity !== undefined) policy.certificateIdentity = flags.certificateIdentity;
  if (flags.certificateIdentityRegexp !== undefined) policy.certificateIdentityRegExp = flags.certificateIdentityRegexp;
  if (flags.certificateOidcIssuer !== undefined) policy.certificateOidcIssuer = flags.certificateOidcIssuer;
  if (flags.certificateOidcIssuerRegexp !== undefined) policy.certificateOidcIssuerRegExp = flags.certificateOidcIssuerRegexp;
  const { root } = await loadTrustedRoot(flags.trustedRoot);
  return { bundleVerifier: keylessBundleVerifier(policy, { trustedRoot: root }) };
}

function publicKeys(paths: string[]) {
  return paths.map((p) => loadPublicKey(readKeyFile(p), p));
}

function annotations(list: string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const a of list) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UserError("USAGE", `annotation "${a}" must be key=value`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

const clean = (s: string) => s.replace(/\p{Cc}/gu, "?");
const repeatable = (v: string, acc: string[] = []) => [...acc, v];

/** Adds the signing commands; `exit(code)` makes the error that leaves with that exit code. */
export function registerCosignCommands(program: Command, exit: (code: number) => unknown): void {
  program
    .command("generate-key-pair")
    .description("write a cosign-compatible encrypted ECDSA P-256 key pair (cosign.key, cosign.pub); password from $COSIGN_PASSWORD or a prompt")
    .option("--output-key-prefix <prefix>", "file name prefix", "cosign")
    .option("--force", "overwrite existing files")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: { outputKeyPrefix: string; force?: boolean }) => {
      const keyFile = `${flags.outputKeyPrefix}.key`;
      const pubFile = `${flags.outputKeyPrefix}.pub`;
      for (const f of [keyFile, pubFile]) if (!flags.force && existsSync(f)) throw new UserError("USAGE", `${f} exists; pass --force to overwrite`);
      const pair = generateKeyPair(await keyPassword(true, false));
      writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
      writeFileSync(pubFile, pair.publicKeyPem, { mode: 0o644 });
      process.stderr.write(`Private key written to ${keyFile}\nPublic key written to ${pubFile}\n`);
    });

  registryOptions(program.command("sign").description("sign an image with a key, stored as cosign does (sha256-<digest>.sig tag)"))
    .argument("<image>", "image reference (tag or digest)")
    .requiredOption("--key <file>", "private key: cosign.key (encrypted) or a PEM key")
    .option("-a, --annotations <key=value>", "extra claim in the payload's optional section (repeatable)", repeatable)
    .option("--registry-referrers", "also push a Sigstore bundle v0.3 as an OCI 1.1 referrer")
    .option("--referrers-only", "push only the OCI 1.1 referrer, not the .sig tag")
    .action(async (image: string, flags: RegistryFlags & { key: string; annotations?: string[]; registryReferrers?: boolean; referrersOnly?: boolean }) => {
      const key = await privateKey(flags.key, flags);
      const a = annotations(flags.annotations);
      const r = await signImage(image, key, { ...(await registryAccess(flags)), ...(a ? { annotations: a } : {}), referrers: !!flags.registryReferrers, referrersOnly: !!flags.referrersOnly });
      if (r.signatureRef) process.stderr.write(r.unchanged ? `${r.digest} is already signed with this key in ${r.signatureRef}\n` : `Pushing signature to: ${r.signatureRef}\n`);
      if (r.referrerDigest) process.stderr.write(`Pushed referrer ${r.referrerDigest} for ${r.digest}\n`);
    });

  registryOptions(program.command("attest").description("attach an in-toto attestation (DSSE, signed with a key) as cosign does (sha256-<digest>.att tag)"))
    .argument("<image>", "image reference (tag or digest)")
    .requiredOption("--predicate <file>", "the predicate (JSON; other text is stored as {\"Data\": text} like cosign)")
    .requiredOption("--type <type>", "cyclonedx, spdx, spdxjson, slsaprovenance, slsaprovenance1, openvex, vuln, link, custom, or a predicate type URI")
    .requiredOption("--key <file>", "private key")
    .option("--replace", "replace attestations of the same predicate type")
    .option("--registry-referrers", "also push a Sigstore bundle v0.3 as an OCI 1.1 referrer")
    .option("--referrers-only", "push only the OCI 1.1 referrer, not the .att tag")
    .action(async (image: string, flags: RegistryFlags & { predicate: string; type: string; key: string; replace?: boolean; registryReferrers?: boolean; referrersOnly?: boolean }) => {
      const type = predicateTypeUri(flags.type);
      const text = readKeyFileOr(flags.predicate);
      let predicate: unknown;
      try {
        predicate = JSON.parse(text);
      } catch {
        predicate = { Data: text };
      }
      const key = await privateKey(flags.key, flags);
      const r = await attestImage(image, key, predicate, type, { ...(await registryAccess(flags)), replace: !!flags.replace, referrers: !!flags.registryReferrers, referrersOnly: !!flags.referrersOnly });
      if (r.attestationRef) process.stderr.write(`Pushing attestation (${type}) to: ${r.attestationRef}\n`);
      if (r.referrerDigest) process.stderr.write(`Pushed referrer ${r.referrerDigest} for ${r.digest}\n`);
    });

  keylessOptions(registryOptions(program.command("verify").description("verify an image's cosign signatures (.sig tag and OCI 1.1 referrers) with a key, or keyless bundles by identity; exit 1 unless each image has a valid one"))
    .argument("<images...>", "image references")
    .option("--key <file>", "public key (PEM; repeatable: any of them may verify)", repeatable))
    .option("--format <format>", "text or json", "text")
    .option("--attestations", "verify attestations instead of signatures (as verify-attestation)")
    .option("--type <type>", "with --attestations: the predicate type required")
    .action(async (images: string[], flags: RegistryFlags & KeylessFlags & { key?: string[]; format: string; attestations?: boolean; type?: string }) => {
      if (flags.attestations) return attestations(images, flags, exit);
      if (flags.type) throw new UserError("USAGE", "--type needs --attestations (or use verify-attestation)");
      checkFormat(flags.format);
      const keys = publicKeys(flags.key ?? []);
      const opts = { ...(await registryAccess(flags)), ...(await keyless(flags, keys.length > 0)) };
      const results: ImageVerification[] = [];
      for (const image of images) results.push(await verifyImageSignatures(image, { keys }, opts));
      if (flags.format === "json") await writeOutput(JSON.stringify(results, null, 2) + "\n", undefined);
      else await writeOutput(results.map(signatureText).join(""), undefined);
      for (const r of results) if (!r.verified) process.stderr.write(`bulwark: ${clean(r.image)}: verification failed: ${clean(r.reason ?? "")}\n`);
      if (results.some((r) => !r.verified)) throw exit(1);
    });

  keylessOptions(registryOptions(program.command("verify-attestation").description("verify an image's in-toto attestations with a key (or keyless bundles by identity) and print the verified predicates; exit 1 unless each image has one"))
    .argument("<images...>", "image references")
    .option("--key <file>", "public key (PEM; repeatable)", repeatable))
    .option("--type <type>", "predicate type required (short name or URI)")
    .option("--format <format>", "text or json", "text")
    .action(async (images: string[], flags: RegistryFlags & KeylessFlags & { key?: string[]; format: string; type?: string }) => attestations(images, flags, exit));
}

function readKeyFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError("NOT_FOUND", `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

function checkFormat(format: string): void {
  if (format !== "text" && format !== "json") throw new UserError("USAGE", `--format must be text or json, not "${format}"`);
}

function signatureText(r: ImageVerification): string {
  const lines = [`${r.verified ? "Verified" : "NOT verified"}: ${clean(r.image)}@${r.digest}\n`];
  for (const s of r.signatures) lines.push(`  ${s.valid ? "valid  " : "INVALID"} ${s.kind} from ${s.source} ${clean(s.manifest)}${s.reason ? `: ${clean(s.reason)}` : ""}\n`);
  if (r.signatures.length === 0) lines.push("  no signatures found\n");
  return lines.join("");
}

async function attestations(images: string[], flags: RegistryFlags & KeylessFlags & { key?: string[]; format: string; type?: string }, exit: (code: number) => unknown): Promise<void> {
  checkFormat(flags.format);
  const type = flags.type ? predicateTypeUri(flags.type) : undefined;
  const keys = publicKeys(flags.key ?? []);
  const opts = { ...(await registryAccess(flags)), ...(await keyless(flags, keys.length > 0)) };
  const results: AttestationVerification[] = [];
  for (const image of images) results.push(await verifyImageAttestations(image, { keys }, { ...opts, ...(type ? { predicateType: type } : {}) }));
  if (flags.format === "json") {
    await writeOutput(JSON.stringify(results, null, 2) + "\n", undefined);
  } else {
    // One line per verified attestation: the image, its predicate type and the verified predicate.
    const lines: string[] = [];
    for (const r of results) {
      for (const a of r.attestations) {
        if (a.valid) lines.push(JSON.stringify({ image: r.image, digest: r.digest, predicateType: a.predicateType, predicate: a.predicate }) + "\n");
        else process.stderr.write(`bulwark: ${clean(r.image)}: invalid attestation in ${clean(a.manifest)}: ${clean(a.reason ?? "")}\n`);
      }
    }
    await writeOutput(lines.join(""), undefined);
  }
  for (const r of results) if (!r.verified) process.stderr.write(`bulwark: ${clean(r.image)}: verification failed: ${clean(r.reason ?? "")}\n`);
  if (results.some((r) => !r.verified)) throw exit(1);
}

/**
 * `scan IMAGE --sbom-from-attestation [--key FILE]`: the image's attached CycloneDX/SPDX
 * attestation as the scan target (`sbom:PATH`), verified with the keys when given.
 */
export async function sbomFromAttestation(
  image: string,
  keyFiles: string[] | undefined,
  registryOpts: { insecure?: boolean; username?: string; password?: string; dockerConfigPath?: string },
  quiet: boolean,
): Promise<{ target: string; cleanup: () => void }> {
  const keys = keyFiles?.length ? publicKeys(keyFiles) : undefined;
  const r = await attestedSbom(image.replace(/^registry:/, ""), { ...registryOpts, ...(keys ? { keys } : {}) });
  if (!quiet) process.stderr.write(`bulwark: scanning the ${r.verified ? "verified" : "UNVERIFIED (no --key)"} ${r.predicateType} attestation of ${clean(image)}@${r.digest}\n`);
  return { target: `sbom:${r.path}`, cleanup: r.cleanup };
}
