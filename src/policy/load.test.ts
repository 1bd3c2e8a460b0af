import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { loadPolicy, parsePolicy } from "./load.js";
import { POLICY_SCHEMA } from "./schema.js";

const root = new URL("../../", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-policy-load-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The example of docs/policy.md (and of issue 12).
const EXAMPLE = `apiVersion: bulwark.dev/v1
kind: ImagePolicy
rules:
  allowedRegistries: [registry.internal:5000, ghcr.io/acme/*]
  requireDigest: true
  requireSignature: { keys: [cosign.pub] }        # or identities: [{ issuer, subject | subjectRegExp }]
  requireAttestations: [slsaprovenance, cyclonedx]
  vulnerabilities: { maxSeverity: HIGH, ignoreUnfixed: true, maxAgeDays: 30 }
  forbidMalicious: true
  forbidEolOs: true
  forbidRootUser: true
  exceptions: [{ image: "registry.internal:5000/legacy/*", until: 2027-03-01, reason: "…" }]
`;

const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("no error");
};

describe("policy files", () => {
  it("schemas/image-policy.v1.json is the schema the code validates with", () => {
    expect(JSON.parse(readFileSync(join(root, "schemas/image-policy.v1.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(POLICY_SCHEMA)));
  });

  it("the documented example loads, keys resolved against the policy's directory; the shipped schema accepts it on its own", () => {
    const dir = join(work, "p1");
    mkdirSync(dir);
    writeFileSync(join(dir, "cosign.pub"), "k");
    writeFileSync(join(dir, "policy.yaml"), EXAMPLE);
    const p = loadPolicy(join(dir, "policy.yaml"));
    expect(p.rules.requireSignature).toEqual({ keys: [join(dir, "cosign.pub")] });
    expect(p.rules.exceptions).toEqual([{ image: "registry.internal:5000/legacy/*", until: "2027-03-01", reason: "…" }]);
    expect(p.rules.vulnerabilities).toEqual({ maxSeverity: "HIGH", ignoreUnfixed: true, maxAgeDays: 30 });
    // An independent validator instance reading the shipped file, as a user would.
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(root, "schemas/image-policy.v1.json"), "utf8")));
    const asJson = JSON.parse(JSON.stringify({ ...p, source: undefined }));
    expect(validate(asJson), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...asJson, rules: { ...asJson.rules, requireSignatures: {} } })).toBe(false);
    // The same policy as JSON.
    const json = join(dir, "policy.json");
    writeFileSync(json, JSON.stringify({ ...asJson, rules: { ...asJson.rules, requireSignature: { keys: ["cosign.pub"] } } }));
    expect(loadPolicy(json).rules).toEqual(p.rules);
  });

  it("keyless identities: exactly one of subject and subjectRegExp, a valid expression", () => {
    const head = "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature:\n    identities:\n";
    expect(parsePolicy(head + "      - { issuer: https://token.actions.githubusercontent.com, subjectRegExp: '^https://github.com/acme/' }\n").rules.requireSignature?.identities).toHaveLength(1);
    expect(err(() => parsePolicy(head + "      - { issuer: https://x, subject: a, subjectRegExp: b }\n"))).toBe("policy:6: rules.requireSignature.identities[0]: give exactly one of subject or subjectRegExp");
    expect(err(() => parsePolicy(head + "      - { issuer: https://x }\n"))).toBe("policy:6: rules.requireSignature.identities[0]: give exactly one of subject or subjectRegExp");
    expect(err(() => parsePolicy(head + "      - { issuer: https://x, subjectRegExp: '(' }\n"))).toMatch(/^policy:6: rules\.requireSignature\.identities\[0\]\.subjectRegExp: not a regular expression: /);
    expect(err(() => parsePolicy(head + "      - { isuer: https://x, subject: a }\n"))).toBe("policy:6: rules.requireSignature.identities[0].isuer: unknown key (did you mean issuer?)");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature: {}\n"))).toBe("policy:4: rules.requireSignature: give keys or identities");
  });

  it("one-line errors for structure, YAML and size", () => {
    expect(err(() => parsePolicy(""))).toBe("policy: the policy is empty");
    expect(err(() => parsePolicy("- a\n"))).toBe("policy: a policy is a mapping with apiVersion, kind and rules");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\n"))).toBe("policy: missing required key rules");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules: {}\n"))).toBe("policy:3: rules: the policy sets no rule (an empty policy would pass every image)");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v2\nkind: ImagePolicy\nrules: {}\n"))).toBe('policy:1: apiVersion: must be "bulwark.dev/v1", got "bulwark.dev/v2"');
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules: {}\nrule: {}\n"))).toBe("policy:4: rule: unknown key (did you mean rules?)");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  frobnicate: true\n"))).toMatch(/^policy:4: rules\.frobnicate: unknown key \(known: allowedRegistries, /);
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  forbidRootUser: true\n  forbidRootUser: false\n"))).toMatch(/^policy:5: not valid YAML: /);
    expect(err(() => parsePolicy("a: [\n"))).toMatch(/^policy:\d+: not valid YAML: /);
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities: { maxSeverity: HIGH, maxAgeDays: -1 }\n"))).toMatch(/^policy:4: rules\.vulnerabilities\.maxAgeDays: must be >= 0/);
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities: { ignoreUnfixed: true }\n"))).toBe("policy:4: rules.vulnerabilities: missing required key maxSeverity");
    expect(err(() => parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  exceptions: [{ image: a.io/x, until: 2027-3-1, reason: r }]\n"))).toBe('policy:4: rules.exceptions[0].until: "2027-3-1" is not a YYYY-MM-DD date');
    expect(err(() => parsePolicy("x: " + "a".repeat(1 << 20)))).toMatch(/larger than 1048576 bytes/);
    // Alias bombs are refused by the YAML reader's alias limit.
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(err(() => parsePolicy(bomb))).toMatch(/^policy(:\d+)?: not valid YAML: .*alias/i);
  });
});
