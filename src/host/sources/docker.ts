// Docker daemon settings: /etc/docker/daemon.json (or --config-file) and dockerd's flags (the
// running process on a live host, else docker.service's ExecStart). dockerd refuses a setting
// given both ways, so each setting has one source.
import type { HostRoot } from "../rootfs.js";
import { parseFlags, type FlagSet } from "./flags.js";
import { parseJsonFile, type JsonFile } from "./jsonfile.js";
import { findProcesses } from "./process.js";
import { findUnit, unitCommand } from "./systemd.js";

const BOOLEANS = new Set([
  "icc", "live-restore", "no-new-privileges", "tlsverify", "tls", "userland-proxy", "experimental", "debug", "D",
  "iptables", "ip-forward", "ip-masq", "selinux-enabled", "raw-logs", "init", "ip6tables", "ipv6", "rootless",
]);
const SHORTS: Record<string, string> = { H: "host", D: "debug", G: "group", l: "log-level", p: "pidfile", b: "bridge", g: "data-root" };

export interface DockerSetting {
  value: unknown;
  /** "daemon.json" or "flag". */
  from: "daemon.json" | "flag";
  /** One line for people: where and what. */
  evidence: string;
  path: string;
  line?: number;
}

export interface DockerConfig {
  /** Docker is installed or configured on this root. */
  present: boolean;
  /** Why it is considered present (or not). */
  why: string;
  flags: FlagSet | null;
  daemonJsonPath: string;
  daemonJson: JsonFile | null;
  daemonJsonError?: string;
  /** A setting by its daemon.json key; `flag` when the flag is named otherwise. */
  setting(key: string, flag?: string): DockerSetting | undefined;
  /** Every value of a list setting (hosts, insecure-registries), from both sources. */
  list(key: string, flag: string): DockerSetting[];
}

export const DOCKER_BINARIES = ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"];

export function loadDocker(root: HostRoot, live: boolean): DockerConfig {
  let flags: FlagSet | null = null;
  if (live) {
    const p = findProcesses(["dockerd"])[0];
    if (p) flags = parseFlags(p.argv, BOOLEANS, SHORTS, `/proc/${p.pid}/cmdline`, `/proc/${p.pid}/cmdline`);
  }
  if (!flags) {
    const u = unitCommand(root, "docker.service");
    if (u) flags = parseFlags(u.argv, BOOLEANS, SHORTS, `${u.file} line ${u.line} (ExecStart)`, u.file, u.line);
  }
  const daemonJsonPath = flags?.values.get("config-file")?.at(-1) ?? "/etc/docker/daemon.json";
  const text = root.read(daemonJsonPath);
  let daemonJson: JsonFile | null = null;
  let daemonJsonError: string | undefined;
  if (text !== null) {
    const parsed = parseJsonFile(text, daemonJsonPath);
    if ("error" in parsed) daemonJsonError = parsed.error;
    else daemonJson = parsed;
  }
  const binary = DOCKER_BINARIES.find((b) => root.stat(b)?.isFile);
  const why = flags ? `dockerd command line from ${flags.source}` : text !== null ? `${daemonJsonPath} exists` : binary ? `${binary} exists` : findUnit(root, "docker.service") ? "docker.service exists" : "";
  const fromJson = (key: string): DockerSetting | undefined => {
    if (!daemonJson || !(key in daemonJson.value)) return undefined;
    const line = daemonJson.lineOf(key);
    const value = daemonJson.value[key];
    const s: DockerSetting = { value, from: "daemon.json", evidence: `${daemonJsonPath}${line ? ` line ${line}` : ""}: "${key}": ${JSON.stringify(value)}`, path: daemonJsonPath };
    if (line !== undefined) s.line = line;
    return s;
  };
  const fromFlag = (flag: string, value: string): DockerSetting => {
    const s: DockerSetting = { value, from: "flag", evidence: `dockerd --${flag}=${value} (${flags!.source})`, path: flags!.path };
    if (flags!.line !== undefined) s.line = flags!.line;
    return s;
  };
  return {
    present: why !== "",
    why: why || "no dockerd process, docker.service, daemon.json or dockerd binary",
    flags,
    daemonJsonPath,
    daemonJson,
    ...(daemonJsonError !== undefined ? { daemonJsonError } : {}),
    setting(key, flag = key) {
      const v = flags?.values.get(flag)?.at(-1);
      if (v !== undefined) return fromFlag(flag, v);
      return fromJson(key);
    },
    list(key, flag) {
      const out: DockerSetting[] = (flags?.values.get(flag) ?? []).map((v) => fromFlag(flag, v));
      const j = fromJson(key);
      if (j && Array.isArray(j.value)) for (const v of j.value) out.push({ ...j, value: v });
      return out;
    },
  };
}

/** A boolean setting's value: daemon.json booleans or flag strings. */
export function asBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return undefined;
}
