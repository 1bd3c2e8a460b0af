// The JSON Schema (2020-12) of the image policy. schemas/image-policy.v1.json is this object
// written out (a test keeps them equal); the code validates with this copy so the bundle needs
// no file next to it.
export const ATTESTATION_TYPES = ["slsaprovenance", "slsaprovenance02", "slsaprovenance1", "link", "spdx", "spdxjson", "cyclonedx", "vuln", "openvex", "custom"] as const;

const nonEmpty = { type: "string", minLength: 1 };
const date = { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "YYYY-MM-DD (UTC)" };

export const POLICY_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://bulwark.dev/schemas/image-policy.v1.json",
  title: "Bulwark ImagePolicy (bulwark.dev/v1)",
  description: "A trusted-source policy for container images: which registries, pinned digests, signatures, attestations, vulnerabilities, malicious packages, end-of-life OS and root user. See docs/policy.md.",
  type: "object",
  required: ["apiVersion", "kind", "rules"],
  additionalProperties: false,
  properties: {
    apiVersion: { const: "bulwark.dev/v1" },
    kind: { const: "ImagePolicy" },
    metadata: {
      type: "object",
      description: "Free-form; `name` is shown in reports.",
      properties: { name: nonEmpty },
    },
    rules: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: {
        allowedRegistries: {
          description: "Registry hosts (`host[:port]`: every repository there) or name globs (`host/path/*`; `*` within a segment, `**` across segments) matched against the normalized name (docker.io/library/…).",
          type: "array",
          minItems: 1,
          items: nonEmpty,
        },
        requireDigest: { description: "The reference must be pinned by @sha256:… digest.", type: "boolean" },
        requireSignature: {
          description: "A valid cosign signature by one of the keys or keyless identities.",
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: {
            keys: { description: "Public key files (PEM); relative paths are resolved against the policy file's directory.", type: "array", minItems: 1, items: nonEmpty },
            identities: {
              type: "array",
              minItems: 1,
              items: {
                type: "object",
                additionalProperties: false,
                required: ["issuer"],
                properties: { issuer: nonEmpty, subject: nonEmpty, subjectRegExp: nonEmpty },
                oneOf: [{ required: ["subject"] }, { required: ["subjectRegExp"] }],
              },
            },
          },
        },
        requireAttestations: {
          description: "Attestation types (cosign's --type names, or a predicate type URI) that must be attached and verify.",
          type: "array",
          minItems: 1,
          uniqueItems: true,
          items: { anyOf: [{ enum: [...ATTESTATION_TYPES] }, { type: "string", pattern: "^[a-z][a-z0-9+.-]*://\\S+$" }] },
        },
        vulnerabilities: {
          type: "object",
          additionalProperties: false,
          required: ["maxSeverity"],
          properties: {
            maxSeverity: { description: "The highest severity allowed (NONE: no finding at all).", enum: ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"] },
            ignoreUnfixed: { description: "Findings without a fixed version do not count.", type: "boolean" },
            maxAgeDays: { description: "Grace period: only findings whose advisory was published more than N days ago count.", type: "integer", minimum: 0, maximum: 36500 },
            allowIncomplete: { description: "Pass even when packages could not be checked (no advisories in the database).", type: "boolean" },
          },
        },
        forbidMalicious: { description: "Fail on packages named by malicious-package advisories (OSV MAL-…).", type: "boolean" },
        forbidEolOs: { description: "Fail when the OS release is past its end of life.", type: "boolean" },
        forbidRootUser: { description: "Fail when the image config's User is empty, 0 or root.", type: "boolean" },
        exceptions: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["image", "until", "reason"],
            properties: {
              image: { description: "Name glob, as in allowedRegistries.", type: "string", minLength: 1 },
              until: { ...date, description: "Last day the exception applies (inclusive, UTC)." },
              reason: nonEmpty,
              rules: {
                description: "Rules it covers (default: all).",
                type: "array",
                minItems: 1,
                uniqueItems: true,
                items: { enum: ["allowedRegistries", "requireDigest", "requireSignature", "requireAttestations", "vulnerabilities", "forbidMalicious", "forbidEolOs", "forbidRootUser"] },
              },
            },
          },
        },
      },
    },
  },
} as const;
