// Unconfined seccomp opens every syscall to the container, including ones used in kernel exploits.
// Baseline: a set profile must be RuntimeDefault or Localhost. Before v1.19 the policy reads the
// alpha annotations (runtime/default, docker/default, localhost/* allowed); from v1.19 it reads the
// securityContext fields, and the API server turns a pod's `unconfined` annotation into an
// Unconfined field before admission, so that value is still reported.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asObj, isObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { containerFieldLine, describe } from "../workload.js";

const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

function annotationAllowed(v: string, minor: number): boolean {
  if (minor >= 19) return v !== "unconfined";
  return v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
}

/** The profile's type when it is set to something other than RuntimeDefault or Localhost. */
function badType(profile: unknown): string | undefined {
  if (!isObj(profile)) return undefined;
  const t = str(profile.type);
  return t === "RuntimeDefault" || t === "Localhost" ? undefined : (t ?? "no type");
}

export const seccompUnconfined: K8sRule = {
  id: "BW-K8S-011",
  title: "Seccomp profile set to Unconfined",
  severity: "MEDIUM",
  remediation: "Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or `Localhost`) instead of `Unconfined`.",
  references: { pss: { control: "Seccomp", level: "baseline" }, avd: "KSV104", kubescape: "C-0055" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    // The pod annotation, and the container annotations of containers the pod has.
    const names = new Set(pod.containers.map((c) => CONTAINER_ANNOTATION + c.name));
    for (const [key, value] of Object.entries(asObj(pod.metadata.annotations))) {
      if (key !== POD_ANNOTATION && !names.has(key)) continue;
      const v = str(value) ?? "";
      if (!annotationAllowed(v, doc.pss.minor)) out.push(hit(res, line(res, [...pod.path, "metadata", "annotations", key]), `${label(res)} sets seccomp annotation ${key}: ${v}`));
    }
    // The fields exist from v1.19; older policy versions read only the annotations.
    if (doc.pss.minor < 19) return out;
    const podType = badType(pod.securityContext.seccompProfile);
    if (podType !== undefined) {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "seccompProfile", "type"]), `${label(res)} sets the pod seccomp profile to ${podType}`));
    }
    out.push(
      ...eachContainer(doc, (c) => {
        const t = badType(c.securityContext.seccompProfile);
        return t === undefined ? undefined : hit(res, containerFieldLine(res, c, ["securityContext", "seccompProfile", "type"]), `${describe(c)} of ${label(res)} sets seccomp profile ${t}`, c.name);
      }),
    );
    return out;
  },
  examples: {
    good: [podYaml({}), podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"] })],
    bad: [
      podYaml({ container: ["securityContext:", "  seccompProfile:", "    type: Unconfined"] }),
      podYaml({ meta: ["annotations:", "  seccomp.security.alpha.kubernetes.io/pod: unconfined"] }),
    ],
  },
};
