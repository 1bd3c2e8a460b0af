// Restricted pods may use only volume types that cannot reach node or network storage directly.
// Every volume must set one of the allowed sources; `image` volumes are allowed (the 1.33+
// admission controller allows them at every policy version).
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, isObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { RESTRICTED_VOLUME_TYPES } from "../pss.js";

export const volumeTypes: K8sRule = {
  id: "BW-K8S-014",
  title: "Non-core volume type",
  severity: "LOW",
  remediation: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.",
  references: { pss: { control: "Volume Types", level: "restricted" }, avd: "KSV028" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    asArray(pod.spec.volumes).forEach((v, i) => {
      if (!isObj(v)) return;
      const sources = Object.keys(v).filter((k) => k !== "name" && v[k] !== null && v[k] !== undefined);
      // A volume without a source is defaulted to emptyDir by the API server, before admission.
      if (sources.length === 0 || sources.some((k) => RESTRICTED_VOLUME_TYPES.has(k))) return;
      out.push(hit(res, line(res, [...pod.specPath, "volumes", i, sources[0]!]), `${label(res)} uses ${sources.join(", ")} volume "${str(v.name) ?? i}"`));
    });
    return out;
  },
  examples: {
    good: [
      podYaml({ pod: ["volumes:", "  - name: data", "    persistentVolumeClaim:", "      claimName: data"] }),
      podYaml({ pod: ["volumes:", "  - name: models", "    image:", "      reference: registry.example.com/models:1.0"] }),
    ],
    bad: [podYaml({ pod: ["volumes:", "  - name: share", "    nfs:", "      server: nfs.example.com", "      path: /export"] })],
  },
};
