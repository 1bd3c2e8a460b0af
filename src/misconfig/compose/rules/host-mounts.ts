// The runtime socket or the host's root filesystem inside a container is full control of the host.
import type { ComposeRule, Service } from "../doc.js";
import { composeYaml, eachService, hit, isObj, str } from "../doc.js";
import type { RuleHit } from "../../types.js";
import type { ComposeDoc } from "../doc.js";

const SOCKET = /(^|\/)(docker|containerd|podman|crio)\.sock$/;

/** Host source of a volume entry (short "src:dst[:mode]" or long syntax), if it is a bind mount. */
function bindSource(v: unknown): string | undefined {
  if (isObj(v)) return str(v.type) === "bind" || str(v.type) === undefined ? str(v.source) : undefined;
  const s = str(v);
  if (!s) return undefined;
  // Windows drive letters ("C:\\...") would split wrongly, but they never name / or the socket.
  const parts = s.split(":");
  return parts.length >= 2 ? parts[0] : undefined;
}

function check(doc: ComposeDoc, s: Service): RuleHit[] {
  const out: RuleHit[] = [];
  const vols = Array.isArray(s.obj.volumes) ? s.obj.volumes : [];
  vols.forEach((v, i) => {
    const src = bindSource(v)?.replace(/\/+$/, "") ?? undefined;
    if (src === undefined) return;
    const clean = src === "" ? "/" : src;
    if (SOCKET.test(clean)) {
      out.push(hit(s, doc.lineOf(s, ["volumes", i]), `service "${s.name}" mounts the container runtime socket ${clean}`));
    } else if (clean === "/") {
      out.push(hit(s, doc.lineOf(s, ["volumes", i]), `service "${s.name}" mounts the host root filesystem`));
    }
  });
  return out;
}

export const hostMounts: ComposeRule = {
  id: "BW-COMPOSE-006",
  title: "Service mounts the Docker socket or host root",
  severity: "HIGH",
  remediation: "Remove the bind mount of /var/run/docker.sock or /; use a socket proxy with a restricted API if the service must talk to Docker.",
  references: { cis: "CIS Docker 5.31" },
  check: (doc) => eachService(doc, (s) => check(doc, s)),
  examples: {
    good: [composeYaml(["volumes:", "  - ./data:/data", "  - cache:/cache"])],
    bad: [
      composeYaml(["volumes:", "  - /var/run/docker.sock:/var/run/docker.sock:ro"]),
      composeYaml(["volumes:", "  - type: bind", "    source: /", "    target: /host"]),
    ],
  },
};
