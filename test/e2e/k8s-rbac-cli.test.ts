// The RBAC and CEL commands from files: k8s can-i / who-can / escalation on manifests, and
// bulwark config --policy-dir, through the built CLI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixturePath } from "../support/upstream.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-k8s-rbac-cli-"));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const RBAC = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: ci }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pods, namespace: ci }
rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: dev-pods, namespace: ci }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods }
subjects: [{ kind: Group, name: developers }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: binder }
rules:
- { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings"], verbs: ["create"] }
- { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["cluster-admin"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: deployer-binder }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder }
subjects: [{ kind: ServiceAccount, name: deployer, namespace: ci }]
`;

describe.skipIf(!existsSync(BIN))("k8s RBAC and CEL commands from files", () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const rbac = join(work, "rbac.yaml");
  writeFileSync(rbac, RBAC);

  it("escalation: a group member creates a pod as deployer, who binds cluster-admin (text, JSON, --exit-code)", () => {
    const t = run(["k8s", "escalation", "--from", rbac]);
    expect(t.code).toBe(0);
    expect(t.out).toContain("Group developers => CLUSTER-ADMIN (2 hops)");
    expect(t.out).toContain("1. Group developers can create pods in namespace ci [RoleBinding ci/dev-pods -> Role ci/pods]");
    expect(t.out).toContain("2. ServiceAccount ci/deployer can create clusterrolebindings and bind clusterrole cluster-admin");
    const j = run(["k8s", "escalation", "--from", rbac, "--format", "json", "--exit-code", "3"]);
    expect(j.code).toBe(3);
    const rep = JSON.parse(j.out);
    expect(rep.paths.map((p: { from: string; goal: string; steps: unknown[] }) => [p.from, p.goal, p.steps.length])).toEqual([
      ["Group developers", "cluster-admin", 2],
      ["ServiceAccount ci/deployer", "cluster-admin", 1],
    ]);
  });

  it("can-i answers yes/no with exit 0/1, kubectl's --as and --as-group; bad input is one line, exit 2", () => {
    expect(run(["k8s", "can-i", "--from", rbac, "--as", "joe", "--as-group", "developers", "create", "pods", "-n", "ci"])).toMatchObject({ code: 0, out: "yes (RoleBinding ci/dev-pods -> Role ci/pods)\n" });
    expect(run(["k8s", "can-i", "--from", rbac, "--as", "joe", "create", "pods", "-n", "ci"])).toMatchObject({ code: 1, out: "no\n" });
    const bad = run(["k8s", "can-i", "--from", rbac, "--as", "system:serviceaccount:ci", "get", "pods"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("bulwark: --as system:serviceaccount:ci: write system:serviceaccount:NAMESPACE:NAME\n");
    const missing = run(["k8s", "who-can", "--from", join(work, "nope.yaml"), "get", "pods"]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split("\n")).toHaveLength(1);
    const who = JSON.parse(run(["k8s", "who-can", "--from", rbac, "--format", "json", "bind", "clusterroles/cluster-admin"]).out);
    expect(who.entries).toEqual([{ subject: { kind: "ServiceAccount", name: "deployer", namespace: "ci" }, namespace: "", binding: "ClusterRoleBinding deployer-binder", role: "ClusterRole binder" }]);
  });

  it("config --policy-dir reports CEL violations as misconfigurations (rule id = policy name)", () => {
    const pol = join(work, "policies");
    const man = join(work, "manifests");
    mkdirSync(pol);
    mkdirSync(man);
    copyFileSync(fixturePath("kubernetes-website/content/en/examples/access/manifest-admission-control/deny-privileged-policy.yaml"), join(pol, "deny-privileged.yaml"));
    writeFileSync(join(man, "pods.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: web}\nspec:\n  containers: [{name: c, image: nginx}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: root, namespace: web}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n");
    const r = run(["config", "--policy-dir", pol, man, "-f", "json", "-q"]);
    expect(r.code).toBe(0);
    const found = JSON.parse(r.out).misconfigurations.filter((m: { ruleId: string }) => m.ruleId === "example-deny-privileged.static.k8s.io");
    expect(found.map((m: { path: string; line: number; resource: { name: string }; message: string }) => [m.path, m.line, m.resource.name, m.message])).toEqual([
      ["pods.yaml", 7, "root", "Privileged containers are not allowed (binding example-deny-privileged-binding.static.k8s.io, Deny)"],
    ]);
    // A broken policy: one line naming the policy, the expression and its position.
    writeFileSync(join(pol, "broken.yaml"), "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: broken}\nspec:\n  validations:\n  - expression: \"object.spec.containers.all(c, c.image.endsWith(':latest')\"\n");
    const b = run(["config", "--policy-dir", pol, man]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^bulwark: policy broken: validations\[0\]\.expression: ".*" at 1:\d+: syntax error: .*\n$/);
    writeFileSync(join(pol, "broken.yaml"), "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: broken}\nspec:\n  validations:\n  - expression: \"authorizer.requestResource.check('get').allowed()\"\n");
    const a = run(["config", "--policy-dir", pol, man]);
    expect(a.code).toBe(2);
    expect(a.err).toBe("bulwark: policy broken: validations[0].expression: \"authorizer.requestResource.check('get').allowed()\" at 1:1: authorizer checks need the live API server's authorization and are out of scope offline\n");
  });
});
