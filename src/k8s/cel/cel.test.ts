import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fixturePath } from "../../../test/support/upstream.js";
import { parseObjects } from "../rbac/objects.js";
import { celPolicySet, evaluateCelPolicies, kubernetesFunctions, loadCelPolicies } from "./index.js";
import { celExt, celLib } from "./lib.js";

// The library as the evaluator loads it (its CommonJS build: values of two copies do not mix).
const { run, isCelError } = celLib();
const { strings } = celExt();

const funcs = [...strings, ...kubernetesFunctions()];
const cel = (e: string) => {
  const r = run(e, {}, { funcs });
  return isCelError(r) ? `error: ${r.message}` : r;
};

describe("Kubernetes CEL library", () => {
  it("quantity", () => {
    expect(cel("quantity('1Gi') == quantity('1024Mi')")).toBe(true);
    expect(cel("quantity('1G').isGreaterThan(quantity('1Gi'))")).toBe(false);
    expect(cel("quantity('500m').isLessThan(quantity('1'))")).toBe(true);
    expect(cel("quantity('1.5Gi').asInteger()")).toBe(1610612736n);
    expect(cel("quantity('100m').isInteger()")).toBe(false);
    expect(cel("quantity('1k').add(24).asInteger()")).toBe(1024n);
    expect(cel("quantity('1').sub(quantity('2')).sign()")).toBe(-1n);
    expect(cel("quantity('2e3').compareTo(quantity('2k'))")).toBe(0n);
    expect(cel("isQuantity('1.2.3')")).toBe(false);
    expect(cel("quantity('x')")).toMatch(/^error: .*quantities must match/);
  });
  it("ip and cidr", () => {
    expect(cel("ip('10.0.0.1').family()")).toBe(4n);
    expect(cel("ip('::1').isLoopback()")).toBe(true);
    expect(cel("ip('fe80::1').isLinkLocalUnicast()")).toBe(true);
    expect(cel("ip('8.8.8.8').isGlobalUnicast()")).toBe(true);
    expect(cel("isIP('::ffff:1.2.3.4')")).toBe(false);
    expect(cel("cidr('10.0.0.0/8').containsIP('10.2.3.4')")).toBe(true);
    expect(cel("cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))")).toBe(false);
    expect(cel("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')")).toBe(true);
    expect(cel("string(cidr('192.168.1.7/24').masked())")).toBe("192.168.1.0/24");
    expect(cel("cidr('2001:db8::/32').prefixLength()")).toBe(32n);
    expect(cel("string(ip('2001:0db8:0:0:0:0:0:1'))")).toBe("2001:db8::1");
  });
  it("url, regex, lists", () => {
    expect(cel("url('https://example.com:8443/a%20b?x=1&x=2').getHost()")).toBe("example.com:8443");
    expect(cel("url('https://example.com:8443/p').getPort()")).toBe("8443");
    expect(cel("url('https://[::1]/').getHostname()")).toBe("::1");
    expect(cel("url('/absolute/path').getScheme()")).toBe("");
    expect(cel("url('https://e.com/?x=1&x=2').getQuery()['x'].size()")).toBe(2n);
    expect(cel("isURL('not a url')")).toBe(false);
    expect(cel("'abc123def456'.find('[0-9]+')")).toBe("123");
    expect(cel("'abc123def456'.findAll('[0-9]+').size()")).toBe(2n);
    expect(cel("[1, 2, 3].isSorted() && [3, 1].max() == 3 && [1, 2].sum() == 3")).toBe(true);
    expect(cel("[quantity('1Gi'), quantity('1Mi')].sum() == quantity('1025Mi')")).toBe(true);
  });
});

const docs = fixturePath("kubernetes-website/content/en/examples/access");
const deployment = (ns: string, replicas: number, images: string[], labels: Record<string, string> = { team: "web" }) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: ns, labels },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
});

describe("ValidatingAdmissionPolicy from the Kubernetes docs", () => {
  it("variables, namespaceObject and messageExpression (image-matches-namespace-environment)", () => {
    const set = loadCelPolicies(`${docs}/image-matches-namespace-environment.policy.yaml`);
    const namespaces = new Map([["test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "test", labels: { environment: "staging" } } }]]);
    const ok = evaluateCelPolicies(deployment("test", 1, ["staging.example.com/app:1", "nginx"]), { policies: set, namespaces });
    expect(ok).toEqual([]);
    const bad = evaluateCelPolicies(deployment("test", 1, ["prod.example.com/app:1"]), { policies: set, namespaces });
    expect(bad.map((v) => v.message)).toEqual(["only staging images are allowed in namespace test"]);
    // No environment label: 'prod'.
    expect(evaluateCelPolicies(deployment("other", 1, ["prod.example.com/app:1"]), { policies: set })).toEqual([]);
    expect(evaluateCelPolicies(deployment("test", 1, ["prod.example.com/app:1"], { exempt: "true" }), { policies: set, namespaces })).toEqual([]);
    // Without labels the example's variable "exempt" fails (as on the API server): an error under failurePolicy Fail...
    const unlabelled = evaluateCelPolicies(deployment("test", 1, ["prod.example.com/app:1"], {}), { policies: set, namespaces });
    expect(unlabelled.map((v) => [v.error, v.message])).toEqual([[true, expect.stringMatching(/composited variable "exempt" fails to evaluate: variables\[1\] \(exempt\): .* at 1:28: .*labels/)]]);
    // ...but only where it is used: `variables.exempt || true` holds.
    expect(evaluateCelPolicies(deployment("test", 1, ["staging.example.com/app:1"], {}), { policies: set, namespaces })).toEqual([]);
  });

  it("params through a binding's paramRef (deployment-replicas-policy)", () => {
    const policy = parseObjects(readFileSync(`${docs}/deployment-replicas-policy.yaml`, "utf8"), "p");
    const more = parseObjects(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: replicas-binding }
spec:
  policyName: deploy-replica-policy.example.com
  validationActions: [Deny]
  paramRef: { name: replica-limit-test.example.com, namespace: default, parameterNotFoundAction: Deny }
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: { name: replica-limit-test.example.com, namespace: default }
maxReplicas: 3
`, "b");
    const set = celPolicySet([...policy, ...more]);
    expect(evaluateCelPolicies(deployment("x", 3, ["a"]), { policies: set })).toEqual([]);
    const v = evaluateCelPolicies(deployment("x", 4, ["a"]), { policies: set });
    expect(v).toEqual([{ policy: "deploy-replica-policy.example.com", binding: "replicas-binding", actions: ["Deny"], where: "validations[0].expression", expression: "object.spec.replicas <= params.maxReplicas", message: "object.spec.replicas must be no greater than 3", reason: "Invalid" }]);
    // Params missing: Deny.
    const noParams = celPolicySet([...policy, more[0]!]);
    expect(evaluateCelPolicies(deployment("x", 1, ["a"]), { policies: noParams })[0]?.where).toBe("paramRef");
  });

  it("binding matchResources with namespaceSelector (deny-privileged)", () => {
    const set = loadCelPolicies(`${docs}/manifest-admission-control`);
    const pod = (ns: string, privileged: boolean) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: ns }, spec: { containers: [{ name: "c", image: "x", securityContext: { privileged } }] } });
    expect(evaluateCelPolicies(pod("default", true), { policies: set }).map((v) => v.message)).toEqual(["Privileged containers are not allowed"]);
    expect(evaluateCelPolicies(pod("default", false), { policies: set })).toEqual([]);
    expect(evaluateCelPolicies(pod("kube-system", true), { policies: set })).toEqual([]);
    // Not a pod: not matched.
    expect(evaluateCelPolicies(deployment("default", 1, ["x"]), { policies: set })).toEqual([]);
  });

  it("errors name the policy, the expression and line:col; authorizer is refused", () => {
    const mk = (expr: string) => parseObjects(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: broken }
spec:
  matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }] }
  validations: [{ expression: ${JSON.stringify(expr)} }]
`, "x");
    expect(() => celPolicySet(mk("object.spec.replicas > "))).toThrow(/^policy broken: validations\[0\]\.expression: "object\.spec\.replicas > " at 1:22: syntax error/);
    expect(() => celPolicySet(mk("object.x == 1 &&\n  authorizer.group('').resource('pods').check('get').allowed()"))).toThrow(/at 2:3: authorizer checks .* out of scope offline/);
    const set = celPolicySet(mk("object.spec.replicas > 1 ||\n  object.spec.nope == 2"));
    const v = evaluateCelPolicies(deployment("d", 1, ["x"]), { policies: set });
    expect(v).toHaveLength(1);
    expect(v[0]!.error).toBe(true);
    expect(v[0]!.message).toMatch(/^policy broken: validations\[0\]\.expression: ".*" at 2:14: .*nope/);
  });

  it("a hostile object (nested 10,000 levels) is reported, not a crash", () => {
    const set = loadCelPolicies(`${docs}/manifest-admission-control`);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) deep = (deep.x = {}) as Record<string, unknown>;
    const v = evaluateCelPolicies({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "a" }, spec: root }, { policies: set });
    expect(v.map((x) => [x.error, x.message])).toEqual([[true, "policy example-deny-privileged.static.k8s.io: the object cannot be evaluated: object nested too deeply"]]);
  });
});
