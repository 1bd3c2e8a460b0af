// The host IPC namespace exposes host shared memory and semaphores to the container.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const ipcHost: ComposeRule = {
  id: "BW-COMPOSE-004",
  title: "Service shares the host IPC namespace",
  severity: "HIGH",
  remediation: "Remove ipc: host (use shareable IPC between specific services if needed).",
  references: { cis: "CIS Docker 5.16" },
  check: (doc) =>
    eachService(doc, (s) =>
      str(s.obj.ipc)?.toLowerCase() === "host" ? hit(s, doc.lineOf(s, ["ipc"]), `service "${s.name}" sets ipc: host`) : undefined,
    ),
  examples: {
    good: [composeYaml([])],
    bad: [composeYaml(["ipc: host"])],
  },
};
