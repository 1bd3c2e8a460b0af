// Without cpu limits the scheduler and kubelet cannot protect neighbours from this container.
import { resourceRule } from "../resources-rule.js";

export const cpuLimits = resourceRule({
  id: "BW-K8S-022",
  title: "CPU limits not set",
  field: "limits",
  resource: "cpu",
  avd: "KSV011",
  kubescape: "C-0050",
});
