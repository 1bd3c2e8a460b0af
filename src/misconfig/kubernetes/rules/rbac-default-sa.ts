// Every pod without its own service account runs as "default", so a role bound to it reaches them all.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { bindingYaml } from "../rbac.js";

export const rbacDefaultServiceAccount: K8sRule = {
  id: "BW-K8S-043",
  title: "Role bound to a default service account",
  severity: "MEDIUM",
  remediation: "Bind the role to a dedicated ServiceAccount used only by the workload that needs it.",
  references: { cis: "CIS Kubernetes 5.1.5", kubescape: "C-0189" },
  check({ res }) {
    if (res.kind !== "RoleBinding" && res.kind !== "ClusterRoleBinding") return [];
    const out: RuleHit[] = [];
    const ref = asObj(res.obj.roleRef);
    asArray(res.obj.subjects).forEach((s, i) => {
      const o = asObj(s);
      if (str(o.kind) === "ServiceAccount" && str(o.name) === "default") {
        const ns = str(o.namespace) ?? res.namespace ?? "default";
        out.push(hit(res, line(res, ["subjects", i]), `${label(res)} grants ${str(ref.kind)} ${str(ref.name)} to the default service account of namespace ${ns}`));
      }
    });
    return out;
  },
  examples: {
    good: [bindingYaml("RoleBinding", "view", ["- kind: ServiceAccount", "  name: web", "  namespace: shop"])],
    bad: [bindingYaml("RoleBinding", "edit", ["- kind: ServiceAccount", "  name: default", "  namespace: shop"])],
  },
};
