// The shape shared by the five tool rules (one per category): list the tools, rate by service.
import type { ToolCategory } from "../../../model/index.js";
import { categorySeverity } from "../surface.js";
import type { ContentsRule } from "./util.js";
import { humanBytes } from "../../../common/bytes.js";
import { layerName, packageName } from "./util.js";

const WHAT: Record<ToolCategory, string> = {
  shell: "shells",
  "package-manager": "package managers",
  compiler: "compilers and build tools",
  debugger: "debuggers and tracers",
  network: "network tools",
};

export function toolRule(id: string, category: ToolCategory, title: string, why: string, examples: ContentsRule["examples"]): ContentsRule {
  return {
    id,
    title,
    severity: categorySeverity(category, true),
    remediation: `Build with a multi-stage Dockerfile and copy only the application into a minimal or distroless base; ${why}`,
    references: { cis: "CIS Docker 4.3", urls: ["https://www.cisecurity.org/benchmark/docker"] },
    check(doc) {
      const tools = doc.surface.tools.filter((t) => t.category === category);
      if (tools.length === 0) return [];
      const first = tools[0]!;
      const layer = first.layer ? doc.layers.findIndex((l) => l?.diffId === first.layer!.diffId) : -1;
      const list = tools.map((t) => {
        const index = t.layer ? doc.layers.findIndex((l) => l?.diffId === t.layer!.diffId) : -1;
        const pkg = t.package ? `, package ${packageName(t.package)}` : "";
        const via = t.resolved ? ` -> ${t.resolved}` : "";
        return `${t.name} (${t.path}${via}, ${humanBytes(t.size)}${index >= 0 ? `, ${layerName(doc, index)}` : ""}${pkg})`;
      });
      const role = doc.surface.service ? `runs as a service (${doc.surface.reason})` : `does not look like a service (${doc.surface.reason})`;
      return [
        {
          message: `Image ${doc.target} ${role} and ships ${tools.length} ${WHAT[category]} an attacker could use: ${list.join("; ")}`,
          path: doc.target,
          severity: categorySeverity(category, doc.surface.service),
          ...(layer >= 0 ? { layer } : {}),
        },
      ];
    },
    examples,
  };
}

/** Examples mark an image as a service with this config line. */
export const SERVICE = 'config {"config":{"ExposedPorts":{"8080/tcp":{}}}}';
