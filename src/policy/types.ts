// The image policy (apiVersion bulwark.dev/v1, kind ImagePolicy) and the results of checking
// images against it. Plain data: the admission controller and the server will share it.
import type { Severity } from "../model/index.js";

export const POLICY_API_VERSION = "bulwark.dev/v1";
export const POLICY_KIND = "ImagePolicy";

/** A keyless signer: the certificate's OIDC issuer and its subject (exact or a regular expression). */
export interface SignerIdentity {
  issuer: string;
  subject?: string;
  subjectRegExp?: string;
}

export interface SignatureRequirement {
  /** Absolute paths of public keys (relative paths in the file are resolved against its directory). */
  keys?: string[];
  identities?: SignerIdentity[];
}

export interface VulnerabilityRule {
  /** The highest severity allowed; "NONE" allows no finding at all. */
  maxSeverity: Severity | "NONE";
  ignoreUnfixed?: boolean;
  /** Grace period: only findings whose advisory was published more than N days ago fail. */
  maxAgeDays?: number;
  /** Pass even when packages could not be checked (no advisories in the database for them). */
  allowIncomplete?: boolean;
}

export interface PolicyException {
  /** Glob over the normalized image name (`host/repository`). */
  image: string;
  /** Last day the exception applies (YYYY-MM-DD, inclusive, UTC). */
  until: string;
  reason: string;
  /** The rules it covers; all rules when absent. */
  rules?: RuleName[];
}

export interface PolicyRules {
  allowedRegistries?: string[];
  requireDigest?: boolean;
  requireSignature?: SignatureRequirement;
  requireAttestations?: string[];
  vulnerabilities?: VulnerabilityRule;
  forbidMalicious?: boolean;
  forbidEolOs?: boolean;
  forbidRootUser?: boolean;
  exceptions?: PolicyException[];
}

export interface ImagePolicy {
  apiVersion: typeof POLICY_API_VERSION;
  kind: typeof POLICY_KIND;
  metadata?: { name?: string; [key: string]: unknown };
  rules: PolicyRules;
  /** Where the policy was read from, when it came from a file. */
  source?: string;
}

export const RULE_NAMES = [
  "allowedRegistries",
  "requireDigest",
  "requireSignature",
  "requireAttestations",
  "vulnerabilities",
  "forbidMalicious",
  "forbidEolOs",
  "forbidRootUser",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export type Verdict = "pass" | "fail" | "skipped" | "excepted";

export interface RuleResult {
  rule: RuleName;
  verdict: Verdict;
  /** One line for people: why this verdict. */
  reason: string;
  /** The facts behind it (finding ids, the user, the OS, the matching entry, …). */
  evidence: string[];
  /** When excepted: the exception that applied. */
  exception?: { image: string; until: string; reason: string };
}

export interface ImageResult {
  /** The image as given on the command line. */
  image: string;
  /** The normalized name (`docker.io/library/nginx`), for registry images. */
  name?: string;
  /** The reference checked: name with tag and/or digest, normalized. */
  reference?: string;
  /** The manifest digest the checks ran against. */
  digest?: string;
  /** "error": the image could not be checked (the message says why); it never passes. */
  verdict: "pass" | "fail" | "error";
  rules: RuleResult[];
  /** Remarks: expired exceptions, scan warnings. */
  notes: string[];
  error?: string;
}

export interface PolicyCheckResult {
  apiVersion: typeof POLICY_API_VERSION;
  kind: "ImagePolicyCheck";
  policy?: string;
  /** The policy's metadata.name, when it has one. */
  policyName?: string;
  checkedAt: string;
  images: ImageResult[];
  summary: { images: number; passed: number; failed: number; errors: number };
}

/** What a verifier says about one requirement. */
export interface SupplyChainEvidence {
  ok: boolean;
  /** One line: what verified, or why not. */
  reason: string;
  evidence?: string[];
}

/**
 * Signature and attestation verification, injected so the policy does not depend on how it is
 * done (src/sigstore/ provides the real one). `imageRef` is the normalized name with its digest.
 */
export interface SupplyChainVerifier {
  verifySignature(imageRef: string, digest: string, req: SignatureRequirement): Promise<SupplyChainEvidence>;
  verifyAttestations(imageRef: string, digest: string, types: string[], req: SignatureRequirement | undefined): Promise<SupplyChainEvidence>;
}
