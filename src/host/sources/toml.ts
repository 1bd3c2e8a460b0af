// containerd's config.toml and CRI-O's crio.conf (+ crio.conf.d drop-ins), read with smol-toml.
// Lines of keys come from a small search of the text, for evidence only.
import { parse } from "smol-toml";
import type { HostRoot } from "../rootfs.js";

export interface TomlFile {
  path: string;
  value: Record<string, unknown>;
  text: string;
}

export function loadToml(root: HostRoot, path: string): TomlFile | { path: string; error: string } | null {
  const text = root.read(path);
  if (text === null) return null;
  try {
    return { path, value: parse(text) as Record<string, unknown>, text };
  } catch (e) {
    return { path, error: (e as Error).message.split("\n")[0]! };
  }
}

/** The first line that assigns `key` (bare or quoted), after the line of `after` when given. */
export function keyLine(text: string, key: string, after?: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let start = 0;
  if (after) {
    const i = lines.findIndex((l) => l.includes(after));
    if (i >= 0) start = i;
  }
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*=`);
  for (let i = start; i < lines.length; i++) if (re.test(lines[i]!)) return i + 1;
  return undefined;
}

export function at(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const k of path) {
    if (!v || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export function table(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export const CONTAINERD_CONFIG = "/etc/containerd/config.toml";
export const CRIO_CONFIG = "/etc/crio/crio.conf";

/** crio.conf merged with /etc/crio/crio.conf.d/*.conf (later files win, table by table). */
export function loadCrio(root: HostRoot): { files: TomlFile[]; errors: string[] } {
  const paths = [CRIO_CONFIG, ...root.list("/etc/crio/crio.conf.d").filter((f) => f.endsWith(".conf")).map((f) => `/etc/crio/crio.conf.d/${f}`)];
  const files: TomlFile[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const t = loadToml(root, p);
    if (!t) continue;
    if ("error" in t) errors.push(`${p}: ${t.error}`);
    else files.push(t);
  }
  return { files, errors };
}

/** The last file (drop-ins win) that sets a key under [crio.<section>]. */
export function crioSetting(files: TomlFile[], section: string, key: string): { value: unknown; file: TomlFile; line?: number } | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i]!;
    const v = at(f.value, "crio", section, key);
    if (v !== undefined) {
      const line = keyLine(f.text, key, `[crio.${section}]`);
      return line === undefined ? { value: v, file: f } : { value: v, file: f, line };
    }
  }
  return undefined;
}
