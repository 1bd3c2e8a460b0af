// exec/attach gives a shell in any matching pod, with its service account and mounted secrets.
import type { K8sRule } from "../context.js";
import { coversCore, eachPolicyRule, grants, grantsResource, roleYaml } from "../rbac.js";

export const rbacExec: K8sRule = {
  id: "BW-K8S-037",
  title: "Role can exec or attach into pods",
  severity: "HIGH",
  remediation: "Remove `create` on pods/exec and pods/attach from the role; grant it only to break-glass operators.",
  references: { avd: "KSV053", kubescape: "C-0002" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      if (!coversCore(r) || !grants(r.verbs, "create")) return undefined;
      const subs = ["pods/exec", "pods/attach"].filter((s) => grantsResource(r, s));
      return subs.length > 0 ? `can create ${subs.join(" and ")}` : undefined;
    }),
  examples: {
    good: [roleYaml("Role", ["- apiGroups: [\"\"]", "  resources: [pods, pods/log]", "  verbs: [get, list]"])],
    bad: [roleYaml("Role", ["- apiGroups: [\"\"]", "  resources: [pods/exec]", "  verbs: [create]"])],
  },
};
