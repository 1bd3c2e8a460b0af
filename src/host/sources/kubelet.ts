// Kubelet settings: its flags (the running process on a live host, else kubelet.service with
// drop-ins such as kubeadm's 10-kubeadm.conf and their environment files) and its config file
// (--config, a KubeletConfiguration in YAML, read with `yaml` for values and key lines). A flag
// set on the command line wins over the config file, as in the kubelet.
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import type { HostRoot } from "../rootfs.js";
import { parseFlags, type FlagSet } from "./flags.js";
import { findProcesses } from "./process.js";
import { unitCommand } from "./systemd.js";

const BOOLEANS = new Set([
  "anonymous-auth", "protect-kernel-defaults", "rotate-certificates", "make-iptables-util-chains", "authentication-token-webhook",
  "fail-swap-on", "serialize-image-pulls", "rotate-server-certificates", "v",
]);

export interface KubeletSetting {
  value: unknown;
  from: "flag" | "config" | "default";
  evidence: string;
  path: string;
  line?: number;
}

export interface KubeletConfig {
  present: boolean;
  why: string;
  flags: FlagSet | null;
  configPath: string | null;
  config: Record<string, unknown> | null;
  configError?: string;
  /** A setting: the flag when given, else the config file's field at `path`, else `fallback` (the kubelet's default). */
  setting(flag: string, path: string[], fallback: unknown): KubeletSetting;
  /** Paths of files the kubelet uses (kubeconfig, client CA, certificates) that are set. */
  file(flag: string, path: string[]): string | undefined;
}

/** Where kubeadm puts the kubelet's config file; used when no --config is seen. */
export const KUBEADM_CONFIG = "/var/lib/kubelet/config.yaml";

export function loadKubelet(root: HostRoot, live: boolean): KubeletConfig {
  let flags: FlagSet | null = null;
  if (live) {
    const p = findProcesses(["kubelet"])[0];
    if (p) flags = parseFlags(p.argv, BOOLEANS, {}, `/proc/${p.pid}/cmdline`, `/proc/${p.pid}/cmdline`);
  }
  if (!flags) {
    const u = unitCommand(root, "kubelet.service");
    if (u && u.argv.length) flags = parseFlags(u.argv, BOOLEANS, {}, `${u.file} line ${u.line} (ExecStart)`, u.file, u.line);
  }
  const flagConfig = flags?.values.get("config")?.at(-1);
  const configPath = flagConfig ?? (root.stat(KUBEADM_CONFIG)?.isFile ? KUBEADM_CONFIG : null);
  let config: Record<string, unknown> | null = null;
  let configError: string | undefined;
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument> | null = null;
  if (configPath) {
    const text = root.read(configPath);
    if (text === null) configError = `${configPath}: not readable`;
    else {
      doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
      if (doc.errors.length) configError = `${configPath}: ${doc.errors[0]!.message.split("\n")[0]}`;
      else {
        const v: unknown = doc.toJS();
        if (v && typeof v === "object" && !Array.isArray(v)) config = v as Record<string, unknown>;
        else configError = `${configPath}: not a KubeletConfiguration mapping`;
      }
    }
  }
  const why = flags ? `kubelet command line from ${flags.source}` : configPath ? `${configPath} exists` : root.stat("/etc/kubernetes/kubelet.conf") ? "/etc/kubernetes/kubelet.conf exists" : "";
  const lineOf = (path: string[]): number | undefined => {
    if (!doc) return undefined;
    let node: unknown = doc.contents;
    let keyNode: YamlNode | null = null;
    for (const k of path) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === k);
      if (!pair) return undefined;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    }
    const off = keyNode?.range?.[0];
    return off === undefined ? undefined : counter.linePos(off).line;
  };
  const get = (path: string[]): unknown => {
    let v: unknown = config;
    for (const k of path) {
      if (!v || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    return v;
  };
  const out: KubeletConfig = {
    present: why !== "",
    why: why || "no kubelet process, kubelet.service, kubelet config file or kubeconfig",
    flags,
    configPath,
    config,
    setting(flag, path, fallback) {
      const f = flags?.values.get(flag)?.at(-1);
      if (f !== undefined) {
        const s: KubeletSetting = { value: f, from: "flag", evidence: `kubelet --${flag}=${f} (${flags!.source})`, path: flags!.path };
        if (flags!.line !== undefined) s.line = flags!.line;
        return s;
      }
      const v = get(path);
      if (v !== undefined && configPath) {
        const line = lineOf(path);
        const s: KubeletSetting = { value: v, from: "config", evidence: `${configPath}${line ? ` line ${line}` : ""}: ${path.join(".")}: ${JSON.stringify(v)}`, path: configPath };
        if (line !== undefined) s.line = line;
        return s;
      }
      const where = configPath ? `not set in ${configPath} nor as --${flag}` : `--${flag} not set and no config file`;
      return { value: fallback, from: "default", evidence: `${where}; the kubelet's default is ${JSON.stringify(fallback)}`, path: configPath ?? flags?.path ?? "/" };
    },
    file(flag, path) {
      const f = flags?.values.get(flag)?.at(-1);
      if (f) return f;
      const v = get(path);
      return typeof v === "string" && v ? v : undefined;
    },
  };
  if (configError !== undefined) out.configError = configError;
  return out;
}
