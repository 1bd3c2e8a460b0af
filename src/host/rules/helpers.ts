// Shared shapes of host rules: Docker and kubelet settings as hits, and owner/mode checks.
import type { RuleSeverity } from "../../model/index.js";
import type { HostContext } from "../context.js";
import { octal, type FileFacts } from "../rootfs.js";
import type { DockerSetting } from "../sources/docker.js";
import type { KubeletSetting } from "../sources/kubelet.js";
import type { HostHit, HostRule, HostVerdict } from "../types.js";

export const DOCKER_BENCH = "https://github.com/docker/docker-bench-security";
export const KUBE_BENCH = "https://github.com/aquasecurity/kube-bench";

/** Docker rules apply where Docker is installed or configured. */
export function dockerAbsent(ctx: HostContext): { notApplicable: string } | null {
  if (!ctx.docker.present) return { notApplicable: "Docker not found: " + ctx.docker.why };
  if (ctx.docker.daemonJsonError) return { notApplicable: `${ctx.docker.daemonJsonPath} is not valid JSON` };
  return null;
}

export function kubeletAbsent(ctx: HostContext): { notApplicable: string } | null {
  if (!ctx.kubelet.present) return { notApplicable: "kubelet not found: " + ctx.kubelet.why };
  return null;
}

export function settingHit(s: DockerSetting | KubeletSetting, message: string, extra: string[] = []): HostHit {
  const h: HostHit = { message, path: s.path, evidence: [s.evidence, ...extra] };
  if (s.line !== undefined) h.line = s.line;
  return h;
}

/** A Docker setting that is left at its default: evidence says where it was looked for. */
export function dockerDefaultHit(ctx: HostContext, key: string, message: string): HostHit {
  const d = ctx.docker;
  const where = [d.daemonJson ? `"${key}" not set in ${d.daemonJsonPath}` : `no ${d.daemonJsonPath}`, d.flags ? `no --${key} in ${d.flags.source}` : "no dockerd command line found"];
  return { message, path: d.daemonJson ? d.daemonJsonPath : d.flags?.path ?? d.daemonJsonPath, evidence: where };
}

export interface PermSpec {
  id: string;
  title: string;
  severity?: RuleSeverity;
  cis: string;
  /** The most permissive mode allowed (e.g. 0o644). */
  maxMode: number;
  users?: string[];
  groups?: string[];
  /** The files to check (paths inside the root); a string = not applicable, with the reason. */
  files(ctx: HostContext): string[] | string;
  urls?: string[];
  remediation?: string;
}

/** One rule checking owner and mode of a set of files (CIS "ownership" and "permissions" pairs). */
export function permRule(spec: PermSpec): HostRule {
  const users = spec.users ?? ["root"];
  const groups = spec.groups ?? ["root"];
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity ?? "MEDIUM",
    remediation: spec.remediation ?? `chown ${users[0]}:${groups[0]} FILE && chmod ${octal(spec.maxMode)} FILE (or more restrictive)`,
    references: { cis: spec.cis, urls: spec.urls ?? [] },
    check(ctx): HostVerdict {
      const files = spec.files(ctx);
      if (typeof files === "string") return { notApplicable: files };
      // One file under two names (/var/run -> /run) is checked once.
      const byReal = new Map<string, FileFacts>();
      for (const p of files) {
        const f = ctx.root.stat(p);
        if (f && !byReal.has(f.resolved)) byReal.set(f.resolved, f);
      }
      const present = [...byReal.values()];
      if (present.length === 0) return { notApplicable: `none of ${files.join(", ") || "the files"} exists` };
      const hits: HostHit[] = [];
      for (const f of present) {
        const problems: string[] = [];
        const extra = f.mode & ~spec.maxMode & 0o7777;
        if (extra) problems.push(`mode ${octal(f.mode)} is more permissive than ${octal(spec.maxMode)}`);
        const user = ctx.root.userName(f.uid);
        const group = ctx.root.groupName(f.gid);
        if (!users.includes(user)) problems.push(`owner ${user} is not ${users.join(" or ")}`);
        if (!groups.includes(group)) problems.push(`group ${group} is not ${groups.join(" or ")}`);
        if (problems.length) hits.push({ message: `${f.path}: ${problems.join("; ")}`, path: f.path, evidence: [ctx.root.describe(f)] });
      }
      return hits;
    },
  };
}

/** The daemon's TLS file named by a setting (tlscacert, tlscert, tlskey), or not applicable. */
export function tlsFile(ctx: HostContext, key: "tlscacert" | "tlscert" | "tlskey"): string[] | string {
  const s = ctx.docker.setting(key);
  if (!s || typeof s.value !== "string" || !s.value) return `no ${key} configured`;
  return [s.value];
}

/** For owner/mode rules: why Docker rules do not apply, or undefined when Docker is here. */
export function dockerMissing(ctx: HostContext): string | undefined {
  return ctx.docker.present ? undefined : "Docker not found: " + ctx.docker.why;
}
