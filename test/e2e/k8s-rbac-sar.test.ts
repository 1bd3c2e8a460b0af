// The offline RBAC authorizer against the real API server's own answers: many roles and bindings
// (wildcards, aggregation, resourceNames, subresources, non-resource URLs, every subject kind) are
// created through the API, the cluster is read back with the collector, and for a matrix of
// (subject, verb, resource, namespace) our decision must equal a SubjectAccessReview's.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCluster } from "../../src/k8s/collect.js";
import { Authorizer, defaultGroups, findEscalations, type Attributes, type K8sObject } from "../../src/k8s/rbac/index.js";
import { missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";

const RBAC = "rbac.authorization.k8s.io/v1";
const role = (name: string, namespace: string | undefined, rules: KubeObject[], labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: RBAC, kind: namespace ? "Role" : "ClusterRole", metadata: { name, ...(namespace ? { namespace } : {}), labels }, rules,
});
const binding = (name: string, namespace: string | undefined, roleKind: string, roleName: string, subjects: KubeObject[]): KubeObject => ({
  apiVersion: RBAC, kind: namespace ? "RoleBinding" : "ClusterRoleBinding", metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: roleName }, subjects,
});
const user = (name: string) => ({ kind: "User", name, apiGroup: "rbac.authorization.k8s.io" });
const group = (name: string) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" });
const sa = (namespace: string, name: string) => ({ kind: "ServiceAccount", name, namespace });

const NAMESPACES = ["team-a", "team-b", "ops"];

function fixtures(): KubeObject[] {
  const out: KubeObject[] = NAMESPACES.map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n } }));
  for (const n of NAMESPACES) for (const s of ["default", "builder", "runner"]) out.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: s, namespace: n } });
  out.push(
    // Aggregation: two selectors (matchLabels and matchExpressions), chained through another aggregated role.
    { apiVersion: RBAC, kind: "ClusterRole", metadata: { name: "agg-top" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "bulwark.test/agg-top": "true" } }, { matchExpressions: [{ key: "bulwark.test/tier", operator: "In", values: ["gold", "silver"] }] }] }, rules: [] },
    { apiVersion: RBAC, kind: "ClusterRole", metadata: { name: "agg-mid", labels: { "bulwark.test/agg-top": "true" } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "bulwark.test/agg-mid": "true" } }] }, rules: [] },
    role("piece-widgets", undefined, [{ apiGroups: ["example.com"], resources: ["widgets", "widgets/status"], verbs: ["get", "list", "update"] }], { "bulwark.test/agg-mid": "true" }),
    role("piece-gold", undefined, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }], { "bulwark.test/tier": "gold" }),
    role("piece-bronze", undefined, [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }], { "bulwark.test/tier": "bronze" }),
    role("piece-urls", undefined, [{ nonResourceURLs: ["/metrics", "/logs/*"], verbs: ["get"] }], { "bulwark.test/agg-top": "true" }),
    // Wildcards of every kind.
    role("all-in-apps", undefined, [{ apiGroups: ["apps"], resources: ["*"], verbs: ["*"] }]),
    role("any-group-deploy", undefined, [{ apiGroups: ["*"], resources: ["deployments"], verbs: ["get", "list"] }]),
    role("scale-anything", undefined, [{ apiGroups: ["*"], resources: ["*/scale"], verbs: ["update", "patch"] }]),
    role("super", undefined, [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }]),
    // resourceNames and subresources.
    role("named-secrets", "team-a", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["db-password", "api-key"], verbs: ["get"] }]),
    role("exec-debug", "team-a", [{ apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["create", "get"] }, { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]),
    role("logs-only", undefined, [{ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }]),
    role("token-maker", "ops", [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: ["runner"], verbs: ["create"] }]),
    role("rbac-writer", undefined, [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind", "escalate"], resourceNames: ["view"] }, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["create"] }]),
    role("impersonator", undefined, [{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"], resourceNames: ["carol", "auditors"] }, { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }]),
    role("node-proxy", undefined, [{ apiGroups: [""], resources: ["nodes", "nodes/proxy"], verbs: ["get"] }]),
    role("health", undefined, [{ nonResourceURLs: ["/healthz", "/healthz/*", "/version"], verbs: ["get"] }]),
    role("pods-writer", "team-b", [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "delete", "deletecollection"] }, { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["create"] }]),
  );
  out.push(
    binding("alice-agg", undefined, "ClusterRole", "agg-top", [user("alice")]),
    binding("bob-apps", "team-a", "ClusterRole", "all-in-apps", [user("bob")]),
    binding("bob-exec", "team-a", "Role", "exec-debug", [user("bob"), group("debuggers")]),
    binding("bob-secrets", "team-a", "Role", "named-secrets", [user("bob")]),
    binding("devs-deploy", undefined, "ClusterRole", "any-group-deploy", [group("devs")]),
    binding("devs-scale", "team-b", "ClusterRole", "scale-anything", [group("devs")]),
    binding("sa-builder-pods", "team-b", "Role", "pods-writer", [sa("team-a", "builder"), sa("team-b", "builder")]),
    binding("all-sas-logs", undefined, "ClusterRole", "logs-only", [group("system:serviceaccounts:team-b")]),
    binding("every-sa-health", undefined, "ClusterRole", "health", [group("system:serviceaccounts")]),
    binding("authn-view-deploy", "ops", "ClusterRole", "any-group-deploy", [group("system:authenticated")]),
    binding("ops-token", "ops", "Role", "token-maker", [sa("team-a", "runner")]),
    binding("runner-super", undefined, "ClusterRole", "super", [sa("ops", "runner")]),
    binding("carol-rbac", undefined, "ClusterRole", "rbac-writer", [user("carol")]),
    binding("dave-impersonate", undefined, "ClusterRole", "impersonator", [user("dave")]),
    binding("erin-proxy", undefined, "ClusterRole", "node-proxy", [user("erin")]),
    binding("erin-view", "team-b", "ClusterRole", "view", [user("erin")]),
  );
  return out;
}

/**
 * What the aggregation controller (not running here: no controller manager) would write into each
 * aggregated ClusterRole: the union of the rules of the ClusterRoles its selectors match, repeated
 * until nothing changes. Written independently of src/ so the comparison checks our aggregation.
 */
function aggregateLikeTheController(roles: KubeObject[]): KubeObject[] {
  const matches = (sel: KubeObject, labels: Record<string, string>) =>
    Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (sel.matchExpressions ?? []).every((e: KubeObject) => (e.operator === "In" ? e.values.includes(labels[e.key]) : e.operator === "Exists" ? e.key in labels : false)) &&
    (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);
  const rules = new Map(roles.map((r) => [r.metadata.name as string, (r.rules ?? []) as KubeObject[]]));
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    for (const r of roles) {
      if (!r.aggregationRule) continue;
      const seen = new Set<string>();
      const union: KubeObject[] = [];
      for (const other of roles) {
        if (other.metadata.name === r.metadata.name || !(r.aggregationRule.clusterRoleSelectors ?? []).some((s: KubeObject) => matches(s, other.metadata.labels ?? {}))) continue;
        for (const rule of rules.get(other.metadata.name)!) {
          const k = JSON.stringify(rule);
          if (!seen.has(k)) { seen.add(k); union.push(rule); }
        }
      }
      const before = JSON.stringify([...rules.get(r.metadata.name)!].map((x) => JSON.stringify(x)).sort());
      if (before !== JSON.stringify(union.map((x) => JSON.stringify(x)).sort())) { rules.set(r.metadata.name, union); changed = true; }
    }
    if (!changed) break;
  }
  return roles.filter((r) => r.aggregationRule).map((r) => ({ ...r, rules: rules.get(r.metadata.name) }));
}

interface Case { user: string; groups: string[]; attrs: Attributes }

function matrix(): Case[] {
  const identities: { user: string; groups: string[] }[] = [
    ...["alice", "bob", "carol", "dave", "erin", "mallory"].map((u) => ({ user: u, groups: defaultGroups(u) })),
    { user: "frank", groups: defaultGroups("frank", ["devs"]) },
    { user: "gina", groups: defaultGroups("gina", ["debuggers", "devs"]) },
    ...NAMESPACES.flatMap((n) => ["builder", "runner", "default"].map((s) => `system:serviceaccount:${n}:${s}`)).map((u) => ({ user: u, groups: defaultGroups(u) })),
  ];
  const resources: { group: string; resource: string; subresource?: string; name?: string; cluster?: boolean }[] = [
    { group: "", resource: "pods" }, { group: "", resource: "pods", subresource: "exec", name: "web" }, { group: "", resource: "pods", subresource: "log" },
    { group: "", resource: "pods", subresource: "attach" }, { group: "", resource: "configmaps" }, { group: "", resource: "secrets" },
    { group: "", resource: "secrets", name: "db-password" }, { group: "", resource: "secrets", name: "other" },
    { group: "apps", resource: "deployments" }, { group: "apps", resource: "deployments", subresource: "scale" }, { group: "extensions", resource: "deployments" },
    { group: "batch", resource: "jobs" }, { group: "example.com", resource: "widgets" }, { group: "example.com", resource: "widgets", subresource: "status" },
    { group: "", resource: "serviceaccounts", subresource: "token", name: "runner" }, { group: "", resource: "serviceaccounts", subresource: "token", name: "builder" },
    { group: "", resource: "nodes", cluster: true }, { group: "", resource: "nodes", subresource: "proxy", name: "node-1", cluster: true },
    { group: "rbac.authorization.k8s.io", resource: "clusterroles", name: "view", cluster: true }, { group: "rbac.authorization.k8s.io", resource: "clusterroles", name: "cluster-admin", cluster: true },
    { group: "rbac.authorization.k8s.io", resource: "rolebindings" }, { group: "", resource: "users", name: "carol", cluster: true }, { group: "", resource: "groups", name: "system:masters", cluster: true },
    { group: "", resource: "serviceaccounts", name: "runner" },
  ];
  const verbs = ["get", "list", "create", "update", "delete", "bind", "escalate", "impersonate"];
  const urls = ["/metrics", "/logs/kube.log", "/logs", "/healthz", "/healthz/etcd", "/version", "/api", "/debug/pprof"];
  const cases: Case[] = [];
  for (const id of identities) {
    for (const r of resources) {
      for (const verb of verbs) {
        for (const ns of r.cluster ? [""] : [...NAMESPACES, ""]) {
          const attrs: Attributes = { verb, apiGroup: r.group, resource: r.resource, namespace: ns };
          if (r.subresource) attrs.subresource = r.subresource;
          if (r.name) attrs.name = r.name;
          cases.push({ ...id, attrs });
        }
      }
    }
    for (const path of urls) for (const verb of ["get", "post"]) cases.push({ ...id, attrs: { verb, path } });
  }
  return cases;
}

async function sar(kube: KubeApiServer, c: Case): Promise<boolean> {
  const spec: KubeObject = { user: c.user, groups: c.groups };
  const a = c.attrs;
  if (a.path !== undefined) spec.nonResourceAttributes = { path: a.path, verb: a.verb };
  else spec.resourceAttributes = { namespace: a.namespace, verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource ?? "", name: a.name ?? "" };
  const r = await kube.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec });
  if (r.status !== 201) throw new Error(`SubjectAccessReview: HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body.status.allowed === true;
}

const built = existsSync(join(__dirname, "../../dist/bulwark.mjs"));

describe.skipIf(missingKube("RBAC SubjectAccessReview cross-check") !== undefined)("offline RBAC against SubjectAccessReview", () => {
  let kube: KubeApiServer;
  let objects: K8sObject[];

  beforeAll(async () => {
    kube = await startKubeApiServer();
    await kube.apply(fixtures());
    // Play the aggregation controller for every aggregated ClusterRole (ours and the bootstrap ones).
    const list = await kube.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles");
    const aggregated = aggregateLikeTheController(list.body.items.map((r: KubeObject) => ({ ...r, apiVersion: RBAC, kind: "ClusterRole" })));
    await kube.apply(aggregated.map((r) => ({ ...r, metadata: { name: r.metadata.name, labels: r.metadata.labels } })));
    const snap = await collectCluster({ kubeconfig: kube.kubeconfigPath });
    objects = Object.values(snap.objects).flat() as K8sObject[];
  }, 240_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it("agrees with every SubjectAccessReview of the matrix, with stored and with recomputed aggregation", async () => {
    const cases = matrix();
    const live = new Authorizer(objects);
    // As from manifests: aggregated roles without the rules the controller wrote.
    const stripped = new Authorizer(objects.map((o) => (o.kind === "ClusterRole" && o.aggregationRule ? { ...o, rules: [] } : o)));
    const answers: boolean[] = new Array(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        answers[i] = await sar(kube, cases[i]!);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const disagreements: string[] = [];
    let allowed = 0;
    for (const [i, c] of cases.entries()) {
      if (answers[i]) allowed++;
      for (const [name, auth] of [["stored", live], ["recomputed", stripped]] as const) {
        const ours = auth.authorize({ user: c.user, groups: c.groups }, c.attrs).allowed;
        if (ours !== answers[i]) disagreements.push(`${name}: ${c.user} ${JSON.stringify(c.attrs)}: API server ${answers[i]}, bulwark ${ours}`);
      }
    }
    console.log(`RBAC cross-check: ${cases.length} SubjectAccessReviews (${allowed} allowed, ${cases.length - allowed} denied), ${disagreements.length} disagreements`);
    expect(disagreements.slice(0, 20)).toEqual([]);
    // The matrix must exercise both answers, broadly.
    expect(cases.length).toBeGreaterThan(5000);
    expect(allowed).toBeGreaterThan(300);
  }, 300_000);

  it("finds the escalation paths the fixtures plant", () => {
    const rep = findEscalations(objects);
    const from = (s: string) => rep.paths.filter((p) => p.from === s);
    // team-a/runner mints a token for ops/runner (resourceNames runner), which is bound to super.
    const runner = from("ServiceAccount team-a/runner").find((p) => p.goal === "cluster-admin");
    expect(runner?.steps.map((s) => s.permission)).toEqual(["create serviceaccounts/token runner in namespace ops"]);
    // dave impersonates any ServiceAccount: ops/runner.
    expect(from("User dave").find((p) => p.goal === "cluster-admin")?.steps[0]?.permission).toMatch(/^impersonate serviceaccount ops\/runner$/);
    // team-a/builder creates pods in team-b and so runs as team-b/builder... which has nothing more; no cluster-admin.
    expect(from("ServiceAccount team-a/builder").some((p) => p.goal === "cluster-admin")).toBe(false);
    // alice's aggregated role has configmaps/widgets/urls only: nothing.
    expect(from("User alice")).toEqual([]);
    expect(from("User mallory")).toEqual([]);
  });

  it.skipIf(!built)("bulwark k8s can-i / who-can read the live cluster through the kubeconfig", () => {
    const cli = join(__dirname, "../../dist/src/cli/main.js");
    const run = (args: string[]) => {
      try {
        return { code: 0, out: execFileSync("node", [cli, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        return { code: err.status, out: err.stdout + err.stderr };
      }
    };
    const yes = run(["k8s", "can-i", "--kubeconfig", kube.kubeconfigPath, "--as", "system:serviceaccount:team-a:runner", "create", "serviceaccounts/runner", "--subresource", "token", "-n", "ops"]);
    expect(yes).toEqual({ code: 0, out: "yes (RoleBinding ops/ops-token -> Role ops/token-maker)\n" });
    const no = run(["k8s", "can-i", "--kubeconfig", kube.kubeconfigPath, "--as", "system:serviceaccount:team-a:runner", "create", "serviceaccounts/builder", "--subresource", "token", "-n", "ops"]);
    expect(no).toEqual({ code: 1, out: "no\n" });
    const who = JSON.parse(run(["k8s", "who-can", "--kubeconfig", kube.kubeconfigPath, "--format", "json", "get", "secrets/db-password", "-n", "team-a"]).out);
    const names = who.entries.map((e: { subject: { name: string } }) => e.subject.name);
    expect(names).toContain("bob");
    expect(names).toContain("runner");
  });
});
