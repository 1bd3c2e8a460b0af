// Without cpu requests the scheduler and kubelet cannot protect neighbours from this container.
import { resourceRule } from "../resources-rule.js";

export const cpuRequests = resourceRule({
  id: "BW-K8S-021",
  title: "CPU requests not set",
  field: "requests",
  resource: "cpu",
  avd: "KSV015",
  kubescape: "C-0050",
});
