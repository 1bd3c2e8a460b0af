// Offline ValidatingAdmissionPolicy verdicts against the real API server's: the same policies and
// bindings (validationActions Deny) are created through the API, then every object is sent with
// dryRun=All (admission runs, nothing is stored); the API server's admit/deny must equal ours.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseObjects, type K8sObject } from "../../src/k8s/rbac/index.js";
import { celPolicySet as policySet, evaluateCelPolicies } from "../../src/k8s/cel/index.js";
import { missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";
import { fixturePath } from "../support/upstream.js";

const docs = fixturePath("kubernetes-website/content/en/examples/access");
const V1 = "admissionregistration.k8s.io/v1";
const ALL_RULES = (resources: string[], apiGroups = [""]) => ({ resourceRules: [{ apiGroups, apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources }] });
const policy = (name: string, spec: KubeObject): KubeObject => ({ apiVersion: V1, kind: "ValidatingAdmissionPolicy", metadata: { name }, spec: { failurePolicy: "Fail", ...spec } });
const bind = (name: string, policyName: string, extra: KubeObject = {}): KubeObject => ({ apiVersion: V1, kind: "ValidatingAdmissionPolicyBinding", metadata: { name }, spec: { policyName, validationActions: ["Deny"], ...extra } });

function policies(): KubeObject[] {
  // The docs examples, as published (the v1beta1 one sent as v1: the same schema).
  const docsObjects = [
    ...parseObjects(readFileSync(`${docs}/manifest-admission-control/deny-privileged-policy.yaml`, "utf8"), "docs"),
    ...parseObjects(readFileSync(`${docs}/image-matches-namespace-environment.policy.yaml`, "utf8"), "docs").map((o) => ({ ...o, apiVersion: V1 })),
  ] as KubeObject[];
  return [
    ...docsObjects,
    bind("image-env-binding", "image-matches-namespace-environment.policy.example.com"),
    policy("replica-limit", {
      paramKind: { apiVersion: "v1", kind: "ConfigMap" },
      matchConstraints: ALL_RULES(["deployments"], ["apps"]),
      validations: [{ expression: "object.spec.replicas <= int(params.data.maxReplicas)", messageExpression: "'replicas must be at most ' + params.data.maxReplicas", reason: "Invalid" }],
    }),
    bind("replica-limit-binding", "replica-limit", { paramRef: { name: "replica-limit", namespace: "policy-params", parameterNotFoundAction: "Deny" } }),
    policy("memory-limit", {
      matchConstraints: ALL_RULES(["pods"]),
      variables: [{ name: "limits", expression: "object.spec.containers.map(c, has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits ? c.resources.limits.memory : '0')" }],
      validations: [
        { expression: "variables.limits.all(m, m != '0')", message: "every container needs a memory limit" },
        { expression: "variables.limits.all(m, quantity(m).compareTo(quantity('1Gi')) <= 0)", messageExpression: "'memory limit above 1Gi: ' + variables.limits.filter(m, quantity(m).isGreaterThan(quantity('1Gi'))).join(', ')" },
      ],
    }),
    bind("memory-limit-binding", "memory-limit", { matchResources: { namespaceSelector: { matchLabels: { "limits": "on" } } } }),
    policy("external-ips", {
      matchConstraints: ALL_RULES(["services"]),
      validations: [{ expression: "!has(object.spec.externalIPs) || object.spec.externalIPs.all(a, cidr('192.168.0.0/16').containsIP(a) && !ip(a).isLoopback())", message: "externalIPs must be in 192.168.0.0/16" }],
    }),
    bind("external-ips-binding", "external-ips"),
    policy("callback-https", {
      matchConstraints: { ...ALL_RULES(["configmaps"]), excludeResourceRules: [{ apiGroups: [""], apiVersions: ["*"], operations: ["*"], resources: ["configmaps"], resourceNames: ["exempt-cm"] }], objectSelector: { matchExpressions: [{ key: "checked", operator: "Exists" }] } },
      matchConditions: [{ name: "not-skipped", expression: "object.metadata.name != 'skip-me'" }],
      validations: [
        { expression: "!has(object.data) || !('callback' in object.data) || (isURL(object.data.callback) && url(object.data.callback).getScheme() == 'https')", message: "callback must be an https URL" },
        { expression: "!has(object.data) || object.data.size() <= 2", messageExpression: "'too many keys: ' + string(object.data.size())" },
        { expression: "object.metadata.name.matches('^[a-z]+(-[a-z]+)*$') && object.metadata.name.findAll('-').size() <= 2", message: "name must be lowercase words" },
      ],
    }),
    bind("callback-https-binding", "callback-https"),
  ];
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const deploy = (namespace: string, name: string, replicas: number, images: string[], labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace, labels },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
});
const pod = (namespace: string, name: string, containers: KubeObject[]): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec: { containers } });
const c = (extra: KubeObject = {}) => ({ name: `c${Math.random().toString(36).slice(2, 6)}`, image: "nginx:1.25", ...extra });
const mem = (m: string) => ({ resources: { limits: { memory: m } } });
const cm = (namespace: string, name: string, data: Record<string, string> | undefined, labels: Record<string, string> = { checked: "yes" }): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels }, ...(data ? { data } : {}) });
const svc = (namespace: string, name: string, externalIPs?: string[]): KubeObject => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { ports: [{ port: 80 }], selector: { app: "x" }, ...(externalIPs ? { externalIPs } : {}) } });

const NAMESPACES = [ns("staging", { environment: "staging", limits: "on" }), ns("prod"), ns("limited", { limits: "on" }), ns("policy-params")];

function objects(): KubeObject[] {
  return [
    deploy("staging", "ok-staging", 2, ["staging.example.com/app:1", "busybox"]),
    deploy("staging", "wrong-env", 1, ["prod.example.com/app:1"]),
    deploy("staging", "exempt", 1, ["prod.example.com/app:1"], { exempt: "true" }),
    deploy("prod", "prod-ok", 3, ["prod.example.com/app:1"]),
    deploy("prod", "too-many", 4, ["nginx"]),
    deploy("prod", "both-wrong", 9, ["staging.example.com/x"]),
    pod("prod", "privileged", [c({ securityContext: { privileged: true } })]),
    pod("prod", "not-privileged", [c({ securityContext: { privileged: false } })]),
    pod("kube-system", "privileged-system", [c({ securityContext: { privileged: true } })]),
    pod("limited", "no-limit", [c()]),
    pod("limited", "small", [c(mem("512Mi")), c(mem("1Gi"))]),
    pod("limited", "big", [c(mem("1.5Gi")), c(mem("1100M"))]),
    pod("limited", "milli", [c(mem("1073741824000m"))]),
    pod("prod", "unlimited-elsewhere", [c(mem("64Gi"))]),
    svc("prod", "no-ips"),
    svc("prod", "good-ips", ["192.168.1.10", "192.168.200.1"]),
    svc("prod", "bad-ips", ["10.1.2.3"]),
    cm("prod", "https-callback", { callback: "https://hooks.example.com/x" }),
    cm("prod", "http-callback", { callback: "http://hooks.example.com/x" }),
    cm("prod", "bad-url", { callback: "::not a url" }),
    cm("prod", "many-keys", { a: "1", b: "2", c: "3" }),
    cm("prod", "skip-me", { callback: "http://x" }),
    cm("prod", "exempt-cm", { callback: "http://x" }),
    cm("prod", "unlabelled", { callback: "http://x" }, {}),
    cm("prod", "no-data", undefined),
    cm("prod", "too-many-dashes-in-name", { a: "1" }),
  ];
}

describe.skipIf(missingKube("ValidatingAdmissionPolicy cross-check") !== undefined)("offline CEL policies against the API server's admission", () => {
  let kube: KubeApiServer;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    await kube.apply([...NAMESPACES, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "replica-limit", namespace: "policy-params" }, data: { maxReplicas: "3" } }]);
    await kube.apply(policies());
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  async function dryRun(o: KubeObject): Promise<{ denied: boolean; message: string }> {
    const path = await kube.resourcePath(o.apiVersion, o.kind, o.metadata.namespace);
    const r = await kube.request("POST", path, o, { query: { dryRun: "All" } });
    if (r.status === 201 || r.status === 200) return { denied: false, message: "" };
    return { denied: true, message: String(r.body?.message ?? r.status) };
  }

  it("admits and denies exactly the objects the offline evaluation does", async () => {
    // Policies reach the admission plugin through an informer: wait until a known-bad object is denied.
    const probe = pod("prod", "probe", [c({ securityContext: { privileged: true } })]);
    const probeCm = cm("prod", "probe-http", { callback: "http://x" });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [a, b, d] = await Promise.all([dryRun(probe), dryRun(probeCm), dryRun(deploy("prod", "probe", 9, ["nginx"]))]);
      if (a.denied && b.denied && d.denied) break;
      if (Date.now() > deadline) throw new Error("policies never took effect");
      await new Promise((r) => setTimeout(r, 500));
    }
    const set = policySet([...(policies() as K8sObject[]), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "replica-limit", namespace: "policy-params" }, data: { maxReplicas: "3" } }]);
    const namespaces = new Map(NAMESPACES.map((n) => [n.metadata.name as string, n as K8sObject]));
    const rows: string[] = [];
    let denied = 0;
    for (const o of objects()) {
      const server = await dryRun(o);
      const ours = evaluateCelPolicies(o as K8sObject, { policies: set, namespaces }).filter((v) => v.actions.includes("Deny"));
      if (server.denied) denied++;
      rows.push(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}: server ${server.denied ? "deny" : "admit"}, bulwark ${ours.length > 0 ? "deny" : "admit"}`);
      expect({ object: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, denied: ours.length > 0 }).toEqual({ object: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, denied: server.denied });
      // The API server quotes the first failed validation's message: it must be one of ours.
      // (An evaluation error is quoted in the API server's own words. The API server also
      // canonicalises quantities before admission, 1.5Gi -> 1536Mi, so a messageExpression quoting
      // one differs after its first colon.)
      if (server.denied) expect(ours.some((v) => server.message.includes(v.message) || server.message.includes(v.message.split(": ")[0]! + ": ") || (v.error && /resulted in error|fails to evaluate/.test(server.message))), `${server.message} vs ${ours.map((v) => v.message).join(" | ")}`).toBe(true);
    }
    console.log(`CEL cross-check: ${rows.length} objects, ${denied} denied by the API server, 0 disagreements\n${rows.join("\n")}`);
    expect(denied).toBeGreaterThan(8);
    expect(rows.length - denied).toBeGreaterThan(8);
  }, 240_000);
});
