// An SBOM attached as an attestation (CycloneDX or SPDX predicate), as a scan source: verified with
// the given keys first, or read unverified when no key is given (the caller says so to the user).
import type { KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { formatReference } from "../../image/registry/reference.js";
import { COSIGN, digestTag, PREDICATE_TYPES, type DsseEnvelope } from "./layout.js";
import { getManifest, getSmallBlob, MAX_SIG_LAYERS, release, resolveTarget, type TargetOptions } from "./oci.js";
import { checkStatement, verifyImageAttestations, type BundleVerifier } from "./verify.js";

const SBOM_TYPES = [PREDICATE_TYPES["cyclonedx"]!, PREDICATE_TYPES["spdx"]!];
/** An SBOM predicate can be large: the cap for one attestation layer read for scanning. */
const SBOM_CAP = 256 << 20;

export interface AttestedSbomOptions extends TargetOptions {
  keys?: KeyObject[];
  bundleVerifier?: BundleVerifier;
}

export interface AttestedSbom {
  /** A JSON SBOM file to scan as `sbom:PATH`; remove it with cleanup(). */
  path: string;
  predicateType: string;
  digest: string;
  verified: boolean;
  cleanup(): void;
}

/** cosign stores a predicate that was not JSON as {"Data": "<text>"}; an SBOM inside is read back. */
function sbomDocument(predicate: unknown): unknown {
  const data = (predicate as { Data?: unknown } | null)?.Data;
  if (typeof data === "string") {
    try {
      return JSON.parse(data);
    } catch {
      throw new UserError("UNSUPPORTED", "the attested SBOM is not JSON (only CycloneDX JSON and SPDX JSON can be scanned)");
    }
  }
  return predicate;
}

export async function attestedSbom(image: string, opts: AttestedSbomOptions = {}): Promise<AttestedSbom> {
  let found: { predicate: unknown; predicateType: string; digest: string; verified: boolean } | undefined;
  if (opts.keys?.length || opts.bundleVerifier) {
    const { keys: _k, bundleVerifier, ...registry } = opts;
    for (const type of SBOM_TYPES) {
      const r = await verifyImageAttestations(image, { keys: opts.keys ?? [] }, { ...registry, predicateType: type, ...(bundleVerifier ? { bundleVerifier } : {}) });
      const ok = r.attestations.find((a) => a.valid && a.predicateType === type);
      if (ok) {
        found = { predicate: ok.predicate, predicateType: type, digest: r.digest, verified: true };
        break;
      }
    }
    if (!found) throw new UserError("NOT_FOUND", `${image}: no verified CycloneDX or SPDX attestation`);
  } else {
    const t = await resolveTarget(image, opts);
    try {
      const tag = digestTag(t.digest, "att");
      const m = await getManifest(t.client, t.ref.repository, tag, formatReference({ registry: t.ref.registry, repository: t.ref.repository, tag }));
      const layers = (m?.json.layers ?? []).slice(0, MAX_SIG_LAYERS).filter((l) => l.mediaType === COSIGN.dsseEnvelope && SBOM_TYPES.includes(l.annotations?.[COSIGN.predicateTypeAnnotation] ?? ""));
      for (const l of layers) {
        const env = JSON.parse((await getSmallBlob(t.client, t.ref.repository, l, `attestation ${l.digest}`, SBOM_CAP)).toString("utf8")) as DsseEnvelope;
        const st = checkStatement(Buffer.from(env.payload ?? "", "base64"), env.payloadType, t.digest);
        if (st.statement && !st.reason && SBOM_TYPES.includes(st.statement.predicateType)) {
          found = { predicate: st.statement.predicate, predicateType: st.statement.predicateType, digest: t.digest, verified: false };
          break;
        }
      }
    } finally {
      release(t);
    }
    if (!found) throw new UserError("NOT_FOUND", `${image}: no CycloneDX or SPDX attestation attached`);
  }
  const dir = mkdtempSync(join(tmpdir(), "bulwark-att-sbom-"));
  const path = join(dir, "sbom.json");
  writeFileSync(path, JSON.stringify(sbomDocument(found.predicate)));
  return { path, predicateType: found.predicateType, digest: found.digest, verified: found.verified, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
