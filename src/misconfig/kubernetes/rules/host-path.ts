// hostPath volumes expose the node's filesystem; the Docker/containerd socket is a full node takeover.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, isObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";

const RUNTIME_SOCKETS = /(^|\/)(docker|containerd|crio|cri-dockerd|podman)\.sock$|^\/var\/run\/?$|^\/run\/?$|^\/run\/containerd\/?$/;

export const hostPath: K8sRule = {
  id: "BW-K8S-006",
  title: "hostPath volume",
  severity: "MEDIUM",
  remediation: "Replace the hostPath volume with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.",
  references: { pss: { control: "HostPath Volumes", level: "baseline" }, avd: "KSV023", cis: "CIS Kubernetes 5.2.12", kubescape: "C-0048" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    asArray(pod.spec.volumes).forEach((v, i) => {
      if (!isObj(v) || v.hostPath === undefined) return;
      const p = str(asObj(v.hostPath).path) ?? "?";
      const socket = RUNTIME_SOCKETS.test(p);
      const h = hit(res, line(res, [...pod.specPath, "volumes", i, "hostPath"]), `${label(res)} mounts host path ${p} (volume "${str(v.name) ?? i}")${socket ? ": the container runtime socket gives root on the node" : ""}`);
      if (socket || p === "/") h.severity = "HIGH";
      out.push(h);
    });
    return out;
  },
  examples: {
    good: [podYaml({ pod: ["volumes:", "  - name: cache", "    emptyDir: {}"] })],
    bad: [
      podYaml({ pod: ["volumes:", "  - name: logs", "    hostPath:", "      path: /var/log"] }),
      podYaml({ pod: ["volumes:", "  - name: docker", "    hostPath:", "      path: /var/run/docker.sock"] }),
    ],
  },
};
