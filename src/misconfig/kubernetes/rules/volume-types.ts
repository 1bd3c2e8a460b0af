// Restricted pods may use only volume types that cannot reach node or network storage directly.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, isObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";

const ALLOWED = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

export const volumeTypes: K8sRule = {
  id: "BW-K8S-014",
  title: "Non-core volume type",
  severity: "LOW",
  remediation: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.",
  references: { pss: { control: "Volume Types", level: "restricted" }, avd: "KSV028" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    asArray(pod.spec.volumes).forEach((v, i) => {
      if (!isObj(v)) return;
      const types = Object.keys(v).filter((k) => k !== "name" && !ALLOWED.has(k));
      if (types.length > 0) {
        out.push(hit(res, line(res, [...pod.specPath, "volumes", i, types[0]!]), `${label(res)} uses ${types.join(", ")} volume "${str(v.name) ?? i}"`));
      }
    });
    return out;
  },
  examples: {
    good: [podYaml({ pod: ["volumes:", "  - name: data", "    persistentVolumeClaim:", "      claimName: data"] })],
    bad: [podYaml({ pod: ["volumes:", "  - name: share", "    nfs:", "      server: nfs.example.com", "      path: /export"] })],
  },
};
