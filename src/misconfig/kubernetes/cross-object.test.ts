// Facts that come from other documents of the scan: a ServiceAccount's automount setting, the
// NetworkPolicies that select a workload, and Kubernetes' own default roles and bindings.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scanKubernetes } from "./index.js";

type Findings = ReturnType<typeof scanKubernetes>;
const byRule = (fs: Findings, id: string) => fs.filter((f) => f.ruleId === id);
const scan = (...texts: string[]) => scanKubernetes(texts.map((text, i) => ({ path: `f${i}.yaml`, text })));

const deployment = (name: string, opts: { ns?: string; labels?: string; pod?: string[] } = {}) =>
  [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${opts.ns ?? "shop"}`,
    "spec:",
    "  template:",
    "    metadata:",
    `      labels: ${opts.labels ?? `{app: ${name}}`}`,
    "    spec:",
    ...(opts.pod ?? []).map((l) => `      ${l}`),
    "      containers:",
    "        - name: app",
    "          image: registry.example.com/app:1.0",
    "",
  ].join("\n");

const serviceAccount = (name: string, automount: boolean | undefined, ns = "shop") =>
  ["apiVersion: v1", "kind: ServiceAccount", "metadata:", `  name: ${name}`, `  namespace: ${ns}`, ...(automount === undefined ? [] : [`automountServiceAccountToken: ${automount}`]), ""].join("\n");

describe("service account tokens", () => {
  it("follows the ServiceAccount's automountServiceAccountToken when the pod does not set it", () => {
    const pod = deployment("web", { pod: ["serviceAccountName: web"] });
    expect(byRule(scan(pod, serviceAccount("web", false)), "BW-K8S-028")).toEqual([]);
    // The account may come in a later file, or an earlier one.
    expect(byRule(scan(serviceAccount("web", false), pod), "BW-K8S-028")).toEqual([]);
    expect(byRule(scan(`${pod}---\n${serviceAccount("web", false)}`), "BW-K8S-028")).toEqual([]);
  });

  it("reports the token when the account mounts it, is elsewhere, or the pod overrides it", () => {
    const pod = deployment("web", { pod: ["serviceAccountName: web"] });
    const msg = (fs: Findings) => byRule(fs, "BW-K8S-028").map((f) => f.message);
    expect(msg(scan(pod))).toEqual(["Deployment shop/web mounts its service account token: neither the pod nor a ServiceAccount shop/web in the scanned files sets automountServiceAccountToken: false"]);
    expect(msg(scan(pod, serviceAccount("web", undefined)))).toEqual(["Deployment shop/web mounts its service account token: neither the pod nor ServiceAccount shop/web sets automountServiceAccountToken: false"]);
    expect(msg(scan(pod, serviceAccount("web", false, "other")))).toHaveLength(1);
    expect(msg(scan(pod, serviceAccount("other", false)))).toHaveLength(1);
    const overridden = deployment("web", { pod: ["serviceAccountName: web", "automountServiceAccountToken: true"] });
    const fs = scan(overridden, serviceAccount("web", false));
    expect(msg(fs)).toEqual(["Deployment shop/web mounts its service account token: the pod sets automountServiceAccountToken: true"]);
    expect(byRule(fs, "BW-K8S-028")[0]!.line).toBe(12);
  });

  it("does not report the default account when its token is not mounted", () => {
    const pod = deployment("web");
    expect(byRule(scan(pod), "BW-K8S-030")).toHaveLength(1);
    expect(byRule(scan(pod, serviceAccount("default", false)), "BW-K8S-030")).toEqual([]);
    expect(byRule(scan(deployment("web", { pod: ["automountServiceAccountToken: true"] }), serviceAccount("default", false)), "BW-K8S-030")).toHaveLength(1);
  });

  it("honours suppression comments on deferred findings", () => {
    const pod = deployment("web", { pod: ["# bulwark:ignore BW-K8S-028 calls the API", "automountServiceAccountToken: true"] });
    expect(byRule(scan(pod), "BW-K8S-028")).toEqual([]);
  });
});

const policy = (name: string, spec: string[], ns = "shop") =>
  ["apiVersion: networking.k8s.io/v1", "kind: NetworkPolicy", "metadata:", `  name: ${name}`, `  namespace: ${ns}`, "spec:", ...spec.map((l) => `  ${l}`), ""].join("\n");

describe("NetworkPolicy coverage per workload", () => {
  const coverage = (fs: Findings) => byRule(fs, "BW-K8S-048").map((f) => [f.resource?.name, f.message]);

  it("stays quiet in namespaces without policies, where BW-K8S-044 reports once", () => {
    const fs = scan(deployment("web"), deployment("api"));
    expect(coverage(fs)).toEqual([]);
    expect(byRule(fs, "BW-K8S-044")).toHaveLength(1);
  });

  it("names workloads no policy selects", () => {
    const fs = scan(deployment("web"), deployment("db"), policy("db", ["podSelector:", "  matchLabels: {app: db}", "policyTypes: [Ingress, Egress]"]));
    expect(coverage(fs)).toEqual([["web", "Deployment shop/web: no NetworkPolicy selects it, so its ingress and egress are unrestricted"]]);
    expect(byRule(fs, "BW-K8S-048")[0]!.line).toBe(2);
  });

  it("applies policies of later files and of the workload's namespace only", () => {
    const web = deployment("web");
    const deny = policy("deny", ["podSelector: {}", "policyTypes: [Ingress, Egress]"]);
    expect(coverage(scan(web, deny))).toEqual([]);
    expect(coverage(scan(deny, web))).toEqual([]);
    expect(coverage(scan(web, deny.replace("namespace: shop", "namespace: other")))).toEqual([]);
    expect(coverage(scan(web, deny.replace("namespace: shop", "namespace: other"), policy("x", ["podSelector: {matchLabels: {app: x}}"])))).toEqual([
      ["web", "Deployment shop/web: no NetworkPolicy selects it, so its ingress and egress are unrestricted"],
    ]);
  });

  it("matches matchLabels and matchExpressions as label selectors do", () => {
    const web = deployment("web", { labels: "{app: web, tier: front}" });
    const sel = (lines: string[]) => coverage(scan(web, policy("p", ["podSelector:", ...lines.map((l) => `  ${l}`), "policyTypes: [Ingress]"])));
    const none = [["web", "Deployment shop/web: no NetworkPolicy selects it, so its ingress and egress are unrestricted"]];
    expect(sel(["matchLabels: {app: web, tier: front}"])).toEqual([]);
    expect(sel(["matchLabels: {app: web, tier: back}"])).toEqual(none);
    expect(sel(["matchExpressions:", "  - {key: tier, operator: In, values: [front, edge]}"])).toEqual([]);
    expect(sel(["matchExpressions:", "  - {key: tier, operator: NotIn, values: [front]}"])).toEqual(none);
    expect(sel(["matchExpressions:", "  - {key: env, operator: NotIn, values: [prod]}"])).toEqual([]);
    expect(sel(["matchExpressions:", "  - {key: env, operator: Exists}"])).toEqual(none);
    expect(sel(["matchExpressions:", "  - {key: env, operator: DoesNotExist}"])).toEqual([]);
    expect(sel(["matchLabels: {app: web}", "matchExpressions:", "  - {key: tier, operator: Exists}"])).toEqual([]);
  });

  it("names the policy that lets all ingress in, and a direction no selecting policy governs", () => {
    const web = deployment("web");
    const open = policy("open", ["podSelector: {matchLabels: {app: web}}", "ingress:", "  - {}"]);
    const tight = policy("tight", ["podSelector: {matchLabels: {app: web}}", "policyTypes: [Ingress]", "ingress:", "  - from:", "      - podSelector: {matchLabels: {app: lb}}"]);
    expect(coverage(scan(web, tight, open))).toEqual([["web", "Deployment shop/web: ingress unrestricted by NetworkPolicy shop/open (a rule allows all sources)"]]);
    const egressDb = policy("db-egress", ["podSelector: {matchLabels: {app: db}}", "policyTypes: [Egress]"]);
    expect(coverage(scan(web, tight, egressDb))).toEqual([["web", "Deployment shop/web: egress not restricted (no selecting NetworkPolicy has policyType Egress)"]]);
    const egressAll = policy("egress-all", ["podSelector: {}", "policyTypes: [Egress]", "egress:", "  - to:", "      - {}"]);
    expect(coverage(scan(web, tight, egressAll))).toEqual([["web", "Deployment shop/web: egress unrestricted by NetworkPolicy shop/egress-all (a rule allows all destinations)"]]);
  });

  it("defaults policyTypes as the API server does: Egress only with egress rules", () => {
    const web = deployment("web");
    const egressDb = policy("db-egress", ["podSelector: {matchLabels: {app: db}}", "policyTypes: [Egress]"]);
    const emptyEgress = policy("web", ["podSelector: {matchLabels: {app: web}}", "ingress: []", "egress: []"]);
    const withEgress = policy("web", ["podSelector: {matchLabels: {app: web}}", "ingress: []", "egress:", "  - to:", "      - podSelector: {matchLabels: {app: db}}"]);
    expect(coverage(scan(web, egressDb, emptyEgress))).toEqual([["web", "Deployment shop/web: egress not restricted (no selecting NetworkPolicy has policyType Egress)"]]);
    expect(coverage(scan(web, egressDb, withEgress))).toEqual([]);
    // The namespace-wide rule reads the same defaulting: `egress: []` is no default-deny egress.
    const denyish = policy("deny", ["podSelector: {}", "ingress: []", "egress: []"]);
    expect(byRule(scan(web, denyish), "BW-K8S-044").map((f) => f.message)).toEqual(["namespace shop runs workloads but has no default-deny egress NetworkPolicy"]);
  });

  it("honours suppression comments", () => {
    const web = deployment("web").replace("kind: Deployment", "# bulwark:ignore BW-K8S-048 isolated by the mesh\nkind: Deployment");
    expect(coverage(scan(web, policy("db", ["podSelector: {matchLabels: {app: db}}"])))).toEqual([]);
  });
});

const FIXTURES = new URL("./testdata/rbac-bootstrap/", import.meta.url).pathname;
const DEFAULT_ROLES = readFileSync(`${FIXTURES}cluster-roles.yaml`, "utf8");
const DEFAULT_BINDINGS = readFileSync(`${FIXTURES}cluster-role-bindings.yaml`, "utf8");
const RBAC_RULES = ["BW-K8S-035", "BW-K8S-036", "BW-K8S-037", "BW-K8S-038", "BW-K8S-039", "BW-K8S-040", "BW-K8S-041", "BW-K8S-042", "BW-K8S-043", "BW-K8S-049"];
const rbac = (fs: Findings) => fs.filter((f) => RBAC_RULES.includes(f.ruleId));

const clusterBinding = (name: string, role: string, subjects: string[], kind = "ClusterRoleBinding") =>
  [
    "apiVersion: rbac.authorization.k8s.io/v1",
    `kind: ${kind}`,
    "metadata:",
    `  name: ${name}`,
    ...(kind === "RoleBinding" ? ["  namespace: shop"] : []),
    "roleRef:",
    "  apiGroup: rbac.authorization.k8s.io",
    "  kind: ClusterRole",
    `  name: ${role}`,
    "subjects:",
    ...subjects.map((s) => `  ${s}`),
    "",
  ].join("\n");

describe("Kubernetes' default roles and bindings", () => {
  it("the real bootstrap policy has no RBAC findings by itself", () => {
    const fs = scanKubernetesFiles({ "cluster-roles.yaml": DEFAULT_ROLES, "cluster-role-bindings.yaml": DEFAULT_BINDINGS });
    // The fixture holds the roles the rules would otherwise report: cluster-admin's wildcards,
    // system:node's secrets, system:kube-controller-manager's "*" list/watch.
    expect(DEFAULT_ROLES).toContain("name: system:kube-controller-manager");
    expect(rbac(fs).map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it("reports a user bound to cluster-admin, and the role's grants with that binding", () => {
    const alice = clusterBinding("alice-admin", "cluster-admin", ["- kind: User", "  name: alice", "  apiGroup: rbac.authorization.k8s.io"]);
    const fs = scanKubernetesFiles({ "cluster-roles.yaml": DEFAULT_ROLES, "cluster-role-bindings.yaml": DEFAULT_BINDINGS, "alice.yaml": alice });
    expect(byRule(fs, "BW-K8S-041").map((f) => [f.path, f.message])).toEqual([["alice.yaml", "ClusterRoleBinding alice-admin grants cluster-admin to User alice"]]);
    const wildcard = byRule(fs, "BW-K8S-035");
    // Its resource rule and its nonResourceURLs rule.
    expect(wildcard.map((f) => f.resource?.name)).toEqual(["cluster-admin", "cluster-admin"]);
    expect(wildcard[0]!.message).toContain("bound by ClusterRoleBinding cluster-admin (Group system:masters); ClusterRoleBinding alice-admin (User alice)");
    // Only the bound role speaks up: the other defaults stay quiet.
    expect(new Set(rbac(fs).map((f) => f.resource?.name))).toEqual(new Set(["cluster-admin", "alice-admin"]));
  });

  it("reports the everyone groups bound to cluster-admin", () => {
    for (const group of ["system:authenticated", "system:serviceaccounts", "system:serviceaccounts:shop"]) {
      expect(byRule(scan(clusterBinding("open", "cluster-admin", ["- kind: Group", `  name: ${group}`])), "BW-K8S-041"), group).toHaveLength(1);
    }
    expect(byRule(scan(clusterBinding("ksa", "cluster-admin", ["- kind: User", "  name: system:serviceaccount:shop:web"])), "BW-K8S-041")).toHaveLength(1);
    expect(byRule(scan(clusterBinding("ksa", "cluster-admin", ["- kind: User", "  name: system:serviceaccount:kube-system:operator"])), "BW-K8S-041")).toEqual([]);
  });

  it("reports the application's subjects bound to admin or edit", () => {
    const edit = clusterBinding("web-edit", "edit", ["- kind: ServiceAccount", "  name: web", "  namespace: shop"], "RoleBinding");
    const admin = clusterBinding("devs-admin", "admin", ["- kind: Group", "  name: developers", "  apiGroup: rbac.authorization.k8s.io"]);
    const view = clusterBinding("web-view", "view", ["- kind: ServiceAccount", "  name: web", "  namespace: shop"], "RoleBinding");
    const fs = scan(edit, admin, view);
    expect(byRule(fs, "BW-K8S-049").map((f) => [f.severity, f.message])).toEqual([
      ["MEDIUM", "RoleBinding shop/web-edit grants the default ClusterRole edit in namespace shop to ServiceAccount shop/web"],
      ["HIGH", "ClusterRoleBinding devs-admin grants the default ClusterRole admin in every namespace to Group developers"],
    ]);
  });

  it("keeps the default public-info-viewer binding quiet, not a copy granting more", () => {
    expect(byRule(scan(DEFAULT_BINDINGS), "BW-K8S-042")).toEqual([]);
    const more = DEFAULT_BINDINGS.replace("    name: system:public-info-viewer\n  subjects:", "    name: system:discovery\n  subjects:");
    expect(more).not.toBe(DEFAULT_BINDINGS);
    expect(byRule(scan(more), "BW-K8S-042").map((f) => f.message)).toEqual(["ClusterRoleBinding system:public-info-viewer grants ClusterRole system:discovery to system:unauthenticated"]);
  });

  it("reports a system:-named role an application binds to its own account", () => {
    const role = ["apiVersion: rbac.authorization.k8s.io/v1", "kind: ClusterRole", "metadata:", "  name: system:chart-helper", "rules:", "  - apiGroups: [\"*\"]", "    resources: [\"*\"]", "    verbs: [\"*\"]", ""].join("\n");
    expect(rbac(scan(role))).toEqual([]);
    const bound = scan(role, clusterBinding("helper", "system:chart-helper", ["- kind: ServiceAccount", "  name: helper", "  namespace: shop"]));
    expect(byRule(bound, "BW-K8S-035").map((f) => f.message)).toEqual(['ClusterRole system:chart-helper uses "*" in apiGroups, resources, verbs; bound by ClusterRoleBinding helper (ServiceAccount shop/helper)']);
  });
});

function scanKubernetesFiles(files: Record<string, string>): Findings {
  return scanKubernetes(Object.entries(files).map(([path, text]) => ({ path, text })));
}
