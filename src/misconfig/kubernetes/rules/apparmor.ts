// An unconfined AppArmor profile removes a mandatory-access-control layer the runtime applies by default.
// Baseline checks both the appArmorProfile fields (RuntimeDefault or Localhost) and the beta
// annotations (empty, runtime/default or localhost/*), at every policy version.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asObj, isObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { containerFieldLine, describe } from "../workload.js";

const ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

function annotationAllowed(v: string): boolean {
  return v === "" || v === "runtime/default" || v.startsWith("localhost/");
}

/** An unset field is allowed; a set one must name RuntimeDefault or Localhost. */
function fieldAllowed(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  const t = isObj(v) ? str(v.type) : undefined;
  return t === "RuntimeDefault" || t === "Localhost";
}

export const apparmor: K8sRule = {
  id: "BW-K8S-008",
  title: "AppArmor profile disabled or overridden",
  severity: "MEDIUM",
  remediation: "Use the `RuntimeDefault` (annotation `runtime/default`) or a `Localhost` AppArmor profile, never `Unconfined`.",
  references: { pss: { control: "AppArmor", level: "baseline" }, avd: "KSV002", kubescape: "C-0055" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    for (const [key, value] of Object.entries(asObj(pod.metadata.annotations))) {
      const v = str(value) ?? "";
      if (key.startsWith(ANNOTATION) && !annotationAllowed(v)) {
        out.push(hit(res, line(res, [...pod.path, "metadata", "annotations", key]), `${label(res)} sets AppArmor profile "${v}" for container "${key.slice(ANNOTATION.length)}"`, key.slice(ANNOTATION.length)));
      }
    }
    if (!fieldAllowed(pod.securityContext.appArmorProfile)) {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "appArmorProfile"]), `${label(res)} sets the pod AppArmor profile to ${str(asObj(pod.securityContext.appArmorProfile).type) ?? "no type"}`));
    }
    out.push(
      ...eachContainer(doc, (c) =>
        fieldAllowed(c.securityContext.appArmorProfile)
          ? undefined
          : hit(res, containerFieldLine(res, c, ["securityContext", "appArmorProfile"]), `${describe(c)} of ${label(res)} sets AppArmor profile ${str(asObj(c.securityContext.appArmorProfile).type) ?? "without a type"}`, c.name),
      ),
    );
    return out;
  },
  examples: {
    good: [
      podYaml({ meta: ["annotations:", "  container.apparmor.security.beta.kubernetes.io/app: runtime/default"] }),
      podYaml({ meta: ["annotations:", "  container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-apparmor-example"] }),
      podYaml({ container: ["securityContext:", "  appArmorProfile:", "    type: RuntimeDefault"] }),
    ],
    bad: [
      podYaml({ meta: ["annotations:", "  container.apparmor.security.beta.kubernetes.io/app: unconfined"] }),
      podYaml({ pod: ["securityContext:", "  appArmorProfile:", "    type: Unconfined"] }),
    ],
  },
};
