// The four resource request/limit rules differ only in the field they read.
import type { K8sRule } from "./context.js";
import { eachContainer, hit, podYaml } from "./checks.js";
import { asObj, label } from "./resource.js";
import { containerFieldLine, describe } from "./workload.js";

export function resourceRule(o: { id: string; title: string; field: "requests" | "limits"; resource: "cpu" | "memory"; avd: string; kubescape: string }): K8sRule {
  const set = `resources.${o.field}.${o.resource}`;
  return {
    id: o.id,
    title: o.title,
    severity: "LOW",
    remediation: `Set \`${set}\` on every container.`,
    references: { avd: o.avd, kubescape: o.kubescape },
    check: (doc) =>
      eachContainer(doc, (c) => {
        // Ephemeral containers cannot declare resources.
        if (c.group === "ephemeralContainers") return undefined;
        const v = asObj(asObj(c.spec.resources)[o.field])[o.resource];
        if (v !== undefined && v !== null && v !== "") return undefined;
        return hit(doc.res, containerFieldLine(doc.res, c, ["resources", o.field]), `${describe(c)} of ${label(doc.res)} has no ${set}`, c.name);
      }),
    examples: {
      good: [podYaml({ container: ["resources:", `  ${o.field}:`, `    ${o.resource}: ${o.resource === "cpu" ? "250m" : "128Mi"}`] })],
      bad: [podYaml({}), podYaml({ container: ["resources:", `  ${o.field}:`, `    ${o.resource === "cpu" ? "memory: 128Mi" : "cpu: 250m"}`] })],
    },
  };
}
