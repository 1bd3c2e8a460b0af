// The signature and attestation checks of an ImagePolicy (`requireSignature: { keys }`,
// `requireAttestations: [types]`), in the shape src/policy's SupplyChainVerifier asks for
// (structurally: this room does not import the policy room). Keys verify key-based signatures;
// identities verify keyless bundles through src/sigstore/core (keyless.ts).
import { readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { UserError, errorMessage } from "../../errors.js";
import { loadPublicKey } from "./keys.js";
import { predicateTypeUri } from "./layout.js";
import type { TargetOptions } from "./oci.js";
import { keylessBundleVerifier } from "./keyless.js";
import { verifyImageAttestations, verifyImageSignatures, type BundleVerifier } from "./verify.js";

export interface SignatureRequirementLike {
  /** Paths of PEM public keys. */
  keys?: string[];
  identities?: unknown[];
}

export interface SupplyChainEvidenceLike {
  ok: boolean;
  reason: string;
  evidence?: string[];
}

export interface CosignPolicyVerifier {
  verifySignature(imageRef: string, digest: string, req: SignatureRequirementLike): Promise<SupplyChainEvidenceLike>;
  verifyAttestations(imageRef: string, digest: string, types: string[], req: SignatureRequirementLike | undefined): Promise<SupplyChainEvidenceLike>;
}

const oneLine = (s: string) => s.replace(/\p{Cc}/gu, "?");

/** A policy verifier over cosign-layout signatures; keys are read once per path. */
export function cosignPolicyVerifier(opts: TargetOptions & { bundleVerifier?: BundleVerifier } = {}): CosignPolicyVerifier {
  const cache = new Map<string, KeyObject>();
  const keysOf = (req: SignatureRequirementLike | undefined): KeyObject[] =>
    (req?.keys ?? []).map((path) => {
      let key = cache.get(path);
      if (!key) {
        let pem: string;
        try {
          pem = readFileSync(path, "utf8");
        } catch (e) {
          throw new UserError("NOT_FOUND", `${path}: cannot read the key (${(e as NodeJS.ErrnoException).code ?? "error"})`);
        }
        key = loadPublicKey(pem, path);
        cache.set(path, key);
      }
      return key;
    });
  const { bundleVerifier: given, ...registry } = opts;
  // The policy's keyless identities, when it names some: a bundle passes with any of them.
  const identitiesOf = (req: SignatureRequirementLike | undefined): BundleVerifier | undefined => {
    const ids = (req?.identities ?? []) as { issuer?: string; subject?: string; subjectRegExp?: string }[];
    if (ids.length === 0) return given;
    const verifiers = ids.map((id) => keylessBundleVerifier({
      ...(id.issuer !== undefined ? { certificateOidcIssuer: id.issuer } : {}),
      ...(id.subject !== undefined ? { certificateIdentity: id.subject } : {}),
      ...(id.subjectRegExp !== undefined ? { certificateIdentityRegExp: id.subjectRegExp } : {}),
    }));
    return async (bundle, ctx) => {
      const reasons: string[] = [];
      for (const v of verifiers) {
        const r = await v(bundle, ctx);
        if (r.valid) return r;
        reasons.push(r.reason);
      }
      return { valid: false, reason: [...new Set(reasons)].join("; ") };
    };
  };
  const optsFor = (req: SignatureRequirementLike | undefined) => {
    const bundleVerifier = identitiesOf(req);
    return { ...registry, ...(bundleVerifier ? { bundleVerifier } : {}) };
  };
  const guard = async (fn: () => Promise<SupplyChainEvidenceLike>): Promise<SupplyChainEvidenceLike> => {
    try {
      return await fn();
    } catch (e) {
      return { ok: false, reason: oneLine(errorMessage(e)) };
    }
  };
  const needKeys = (keys: KeyObject[], req: SignatureRequirementLike | undefined): SupplyChainEvidenceLike | undefined =>
    keys.length === 0 && !identitiesOf(req) ? { ok: false, reason: "no public key or identity to verify with (requireSignature.keys or .identities)" } : undefined;

  return {
    verifySignature: (imageRef, digest, req) => guard(async () => {
      const keys = keysOf(req);
      const missing = needKeys(keys, req);
      if (missing) return missing;
      const r = await verifyImageSignatures(imageRef, { keys }, optsFor(req));
      if (r.digest !== digest) return { ok: false, reason: `${imageRef} resolved to ${r.digest}, not ${digest}` };
      const evidence = r.signatures.map((s) => oneLine(`${s.valid ? "valid" : "invalid"} ${s.kind} (${s.source}) ${s.manifest}${s.reason ? `: ${s.reason}` : ""}`));
      const valid = r.signatures.filter((s) => s.valid).length;
      return r.verified
        ? { ok: true, reason: `${valid} valid signature${valid === 1 ? "" : "s"} with the policy's keys`, evidence }
        : { ok: false, reason: oneLine(r.signatures[0]?.reason ? `${r.reason}: ${r.signatures[0].reason}` : r.reason ?? "no valid signature"), evidence };
    }),
    verifyAttestations: (imageRef, digest, types, req) => guard(async () => {
      const keys = keysOf(req);
      const missing = needKeys(keys, req);
      if (missing) return { ...missing, reason: `attestations are verified with requireSignature's keys: ${missing.reason}` };
      const evidence: string[] = [];
      const absent: string[] = [];
      for (const type of types) {
        const uri = predicateTypeUri(type);
        const r = await verifyImageAttestations(imageRef, { keys }, { ...optsFor(req), predicateType: uri });
        if (r.digest !== digest) return { ok: false, reason: `${imageRef} resolved to ${r.digest}, not ${digest}` };
        if (r.verified) evidence.push(`${type}: verified (${uri})`);
        else {
          absent.push(type);
          evidence.push(oneLine(`${type}: ${r.reason ?? "not verified"}`));
        }
      }
      return absent.length === 0
        ? { ok: true, reason: `verified attestations: ${types.join(", ")}`, evidence }
        : { ok: false, reason: `no verified attestation of type ${absent.join(", ")}`, evidence };
    }),
  };
}
