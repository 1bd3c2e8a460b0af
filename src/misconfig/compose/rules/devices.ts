// Host devices inside a container bypass the filesystem: a raw disk or /dev/mem is the host's data
// and memory, and a device cgroup rule for every device lets the container mknod and open them.
import type { ComposeDoc, ComposeRule, Service } from "../doc.js";
import { composeYaml, eachService, hit, isObj, str } from "../doc.js";
import type { RuleHit } from "../../types.js";

// Block devices (disks, partitions, device-mapper, md, loop), physical memory and I/O ports.
const RAW = /^\/dev\/(?:(?:sd|hd|vd|xvd)[a-z]|nvme\d|mmcblk\d|dm-\d|md\d|loop\d|mapper\/|disk\/|(?:mem|kmem|port)$)/;

/** Host side of a `devices` entry: "HOST[:CONTAINER[:PERMS]]" or `{ source, target, permissions }`. */
function deviceSource(v: unknown): string | undefined {
  if (isObj(v)) return str(v.source);
  return str(v)?.split(":")[0];
}

function normalise(path: string): string {
  const p = path.trim().replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  return p === "" && path.trim().startsWith("/") ? "/" : p;
}

function isRaw(path: string): boolean {
  return path === "/dev" || path === "/" || RAW.test(path); // all of /dev, or a raw device
}

/** "type major:minor access", e.g. "c 189:* rmw"; access missing means rwm. */
function cgroupRuleSeverity(rule: string): "HIGH" | "MEDIUM" | undefined {
  const m = /^([abc])(?:\s+(\d+|\*):(\d+|\*))?(?:\s+([rwm]+))?$/i.exec(rule.trim());
  if (!m) return undefined;
  const [, type = "", major = "*", minor = "*", access = "rwm"] = m;
  // Docker's defaults already allow mknod ("c *:* m", "b *:* m"): only read or write grants access.
  if (!/[rw]/i.test(access)) return undefined;
  // Every device, every block device (raw disks), every character device, or /dev/mem, kmem, port (1:1, 1:2, 1:4).
  if (/^[ab]$/i.test(type) || major === "*" || (major === "1" && ["*", "1", "2", "4"].includes(minor))) return "HIGH";
  return "MEDIUM";
}

function check(doc: ComposeDoc, s: Service): RuleHit[] {
  const out: RuleHit[] = [];
  const devices = Array.isArray(s.obj.devices) ? s.obj.devices : [];
  devices.forEach((d, i) => {
    const raw = deviceSource(d);
    if (raw === undefined || raw.trim() === "") return;
    const src = normalise(raw);
    const h = hit(s, doc.lineOf(s, ["devices", i]), `service "${s.name}" maps host device ${src} into the container`);
    // HIGH is the rule's severity; ordinary devices (fuse, tun, sound, GPUs) are MEDIUM.
    if (!isRaw(src)) h.severity = "MEDIUM";
    out.push(h);
  });
  const rules = Array.isArray(s.obj.device_cgroup_rules) ? s.obj.device_cgroup_rules : [];
  rules.forEach((r, i) => {
    const rule = str(r)?.trim();
    const severity = rule === undefined ? undefined : cgroupRuleSeverity(rule);
    if (rule === undefined || severity === undefined) return;
    const h = hit(s, doc.lineOf(s, ["device_cgroup_rules", i]), `service "${s.name}" allows device access "${rule}" in device_cgroup_rules`);
    if (severity !== "HIGH") h.severity = severity;
    out.push(h);
  });
  return out;
}

export const devices: ComposeRule = {
  id: "BW-COMPOSE-011",
  title: "Service maps host devices into the container",
  severity: "HIGH",
  remediation:
    "Remove the `devices` entries and broad `device_cgroup_rules` the service does not need; never map disks, /dev/mem, /dev/kmem, /dev/port or all of /dev, and give a needed device the narrowest permissions (e.g. `:r`).",
  references: { cis: "CIS Docker 5.17", urls: ["https://docs.docker.com/reference/compose-file/services/#devices"] },
  check: (doc) => eachService(doc, (s) => check(doc, s)),
  examples: {
    good: [
      composeYaml([]),
      composeYaml(["volumes:", "  - /dev/log:/dev/log", "device_cgroup_rules:", "  - 'c *:* m'"]),
    ],
    bad: [
      composeYaml(["devices:", "  - /dev/sda:/dev/xvda:rwm"]),
      composeYaml(["devices:", "  - /dev/fuse"]),
      composeYaml(["devices:", "  - source: /dev/mem", "    target: /dev/mem", "    permissions: r"]),
      composeYaml(["devices: [\"/dev/net/tun:/dev/net/tun\"]"]),
      composeYaml(["device_cgroup_rules:", "  - 'a *:* rwm'"]),
    ],
  },
};
