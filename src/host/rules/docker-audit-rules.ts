// CIS Docker 1.1.3-1.1.18: the audit subsystem watches Docker's files and binaries.
import type { HostHit, HostRule } from "../types.js";
import { dockerAbsent, DOCKER_BENCH } from "./helpers.js";
import { watchFor } from "../sources/audit.js";

/** The files CIS asks to audit, each checked when it exists on the root. */
export const AUDITED = [
  "/usr/bin/dockerd", "/run/containerd", "/var/lib/docker", "/etc/docker", "/lib/systemd/system/docker.service", "/usr/lib/systemd/system/docker.service",
  "/run/containerd/containerd.sock", "/lib/systemd/system/docker.socket", "/usr/lib/systemd/system/docker.socket", "/etc/default/docker", "/etc/docker/daemon.json",
  "/etc/containerd/config.toml", "/etc/sysconfig/docker", "/usr/bin/containerd", "/usr/bin/containerd-shim", "/usr/bin/containerd-shim-runc-v1",
  "/usr/bin/containerd-shim-runc-v2", "/usr/bin/runc", "/usr/sbin/runc",
];

export const dockerAuditRules: HostRule = {
  id: "BW-HOST-001",
  title: "Docker files and binaries are not audited",
  severity: "LOW",
  remediation: "Add audit rules such as '-w /usr/bin/dockerd -k docker' for each path to /etc/audit/rules.d/docker.rules and load them with augenrules --load",
  references: { cis: "CIS Docker 1.1.3-1.1.18", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const present = AUDITED.filter((p) => ctx.root.stat(p) !== null);
    if (!present.length) return { notApplicable: "none of the audited Docker paths exists" };
    const rules = ctx.audit;
    const missing = present.filter((p) => !watchFor(rules, p));
    if (!missing.length) return [];
    const where = rules.files.length ? `audit rules read: ${rules.files.join(", ")} (${rules.watches.length} watches)` : "no /etc/audit/rules.d/*.rules or /etc/audit/audit.rules";
    return missing.map((p): HostHit => ({ message: `${p} is not watched by any audit rule`, path: p, evidence: [`${p} exists`, where] }));
  },
};
