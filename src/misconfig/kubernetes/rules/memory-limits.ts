// Without memory limits the scheduler and kubelet cannot protect neighbours from this container.
import { resourceRule } from "../resources-rule.js";

export const memoryLimits = resourceRule({
  id: "BW-K8S-024",
  title: "Memory limits not set",
  field: "limits",
  resource: "memory",
  avd: "KSV018",
  kubescape: "C-0004",
});
