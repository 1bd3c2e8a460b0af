// Without memory requests the scheduler and kubelet cannot protect neighbours from this container.
import { resourceRule } from "../resources-rule.js";

export const memoryRequests = resourceRule({
  id: "BW-K8S-023",
  title: "Memory requests not set",
  field: "requests",
  resource: "memory",
  avd: "KSV016",
  kubescape: "C-0004",
});
