import { describe, expect, it } from "vitest";
import { canI, findEscalations, parseObjects, reach, whoCan } from "./index.js";

const manifests = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: cluster-admin }
rules:
- { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }
- { nonResourceURLs: ["*"], verbs: ["*"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: monitoring }
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: { example.com/aggregate-to-monitoring: "true" }
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: monitoring-endpoints, labels: { example.com/aggregate-to-monitoring: "true" } }
rules:
- { apiGroups: [""], resources: ["services", "endpoints", "pods"], verbs: ["get", "list", "watch"] }
- { nonResourceURLs: ["/metrics", "/debug/*"], verbs: ["get"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: mon }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring }
subjects: [{ kind: Group, name: monitors, apiGroup: rbac.authorization.k8s.io }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: dev }
rules:
- { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "get"] }
- { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"], resourceNames: ["debug"] }
- { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["app"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ci, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer }
subjects: [{ kind: User, name: jane }]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: builder, namespace: dev }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: builder-secrets }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects: [{ kind: ServiceAccount, name: builder, namespace: dev }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules:
- { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }
- { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["ops"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: ops, namespace: prod }]
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: dev }
spec: { serviceAccountName: debugger, containers: [{ name: c, image: busybox }] }
`;
const objects = parseObjects(manifests, "inline");

describe("offline authorizer", () => {
  it("follows bindings, resourceNames, subresources and aggregation", () => {
    expect(canI(objects, "jane", { verb: "create", resource: "deployments", namespace: "dev" }).allowed).toBe(true);
    expect(canI(objects, "jane", { verb: "create", resource: "deployments", namespace: "prod" }).allowed).toBe(false);
    expect(canI(objects, "jane", { verb: "delete", resource: "deployments.apps", namespace: "dev" }).allowed).toBe(false);
    expect(canI(objects, "jane", { verb: "get", resource: "configmaps/app", namespace: "dev" }).allowed).toBe(true);
    expect(canI(objects, "jane", { verb: "get", resource: "configmaps/other", namespace: "dev" }).allowed).toBe(false);
    expect(canI(objects, "jane", { verb: "get", resource: "configmaps", namespace: "dev" }).allowed).toBe(false);
    expect(canI(objects, "jane", { verb: "create", resource: "pods/debug", subresource: "exec", namespace: "dev" }).allowed).toBe(true);
    expect(canI(objects, "bob", { verb: "list", resource: "pods", asGroups: ["monitors"], namespace: "x" }).allowed).toBe(true);
    expect(canI(objects, "bob", { verb: "get", resource: "/debug/pprof", asGroups: ["monitors"] }).allowed).toBe(true);
    expect(canI(objects, "bob", { verb: "get", resource: "/healthz", asGroups: ["monitors"] }).allowed).toBe(false);
    expect(canI(objects, "bob", { verb: "delete", resource: "nodes", asGroups: ["system:masters"] }).reason).toEqual({ superuser: true });
    const r = canI(objects, "system:serviceaccount:dev:builder", { verb: "list", resource: "secrets", namespace: "prod" });
    expect(r.allowed).toBe(true);
    expect(r.reason).toMatchObject({ binding: "ClusterRoleBinding builder-secrets", role: "ClusterRole secret-reader" });
  });

  it("who-can lists subjects with the binding", () => {
    const r = whoCan(objects, { verb: "create", resource: "deployments" });
    expect(r.entries.map((e) => `${e.subject.kind}:${e.subject.name}@${e.namespace}`)).toEqual(["ServiceAccount:ops@", "User:jane@dev"]);
    expect(whoCan(objects, { verb: "create", resource: "deployments", namespace: "prod" }).entries.map((e) => e.subject.name)).toEqual(["ops"]);
  });

  it("finds escalation paths over several hops", () => {
    const rep = findEscalations(objects);
    const jane = rep.paths.filter((p) => p.from === "User jane");
    const admin = jane.find((p) => p.goal === "cluster-admin");
    expect(admin).toBeDefined();
    // jane creates a deployment as builder, builder mints a token for prod/ops, ops is cluster-admin.
    expect(admin!.steps.map((s) => s.to)).toEqual(["ServiceAccount dev/builder", "ServiceAccount prod/ops"]);
    expect(admin!.steps[1]!.permission).toBe("create serviceaccounts/token ops in namespace prod");
    const rb = reach(objects, { kind: "ServiceAccount", namespace: "dev", name: "builder" });
    expect(rb.clusterAdmin).toBe(true);
    const rd = reach(objects, { kind: "ServiceAccount", namespace: "dev", name: "debugger" });
    expect(rd.clusterAdmin).toBe(false);
  });
});
