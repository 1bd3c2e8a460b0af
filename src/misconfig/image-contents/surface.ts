// The attack-surface report: tools an attacker could use in the final image, and whether the
// image is meant to run as a service (which decides how much they matter).
import { posix } from "node:path";
import type { AttackSurface, AttackTool, LayerRef, RuleSeverity, ToolCategory } from "../../model/index.js";
import { describeStep } from "../image-config/rules/util.js";
import type { ImageConfigLike } from "../image-config/types.js";
import type { LiveEntry } from "./types.js";
import { resolvePath } from "./view.js";

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish", "busybox"]);
// Interactive interpreters that official base images use as their default command.
const REPLS = /^(?:python[\d.]*|node|nodejs|irb|ruby|jshell|ghci|iex|erl|php|R|julia|lua[\d.]*|perl|pwsh|deno|bun|scala|clojure|ipython[\d.]*)$/;
const WRAPPERS = new Set(["tini", "tini-static", "dumb-init", "catatonit", "env", "gosu", "su-exec", "setpriv", "s6-svscan"]);
const TAKES_USER = new Set(["gosu", "su-exec"]);

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

export function serviceOf(config: ImageConfigLike): { service: boolean; reason: string } {
  const c = config?.config ?? {};
  const ports = c.ExposedPorts && typeof c.ExposedPorts === "object" ? Object.keys(c.ExposedPorts) : [];
  if (ports.length) return { service: true, reason: `exposes ${ports.sort().join(", ")}` };
  const words = [...strings(c.Entrypoint), ...strings(c.Cmd)];
  let i = 0;
  while (i < words.length) {
    const w = base(words[i]!);
    if (WRAPPERS.has(w)) {
      i += TAKES_USER.has(w) ? 2 : 1;
      while (i < words.length && words[i]!.startsWith("-")) i++;
    } else if (/entrypoint/i.test(w) && /\.sh$|^docker-entrypoint$/.test(w)) i++;
    else break;
  }
  const rest = words.slice(i);
  if (rest.length === 0) return { service: false, reason: "no default command" };
  const cmd = base(rest[0]!);
  if (rest.length === 1 && (SHELLS.has(cmd) || REPLS.test(cmd))) return { service: false, reason: `default command is an interactive ${cmd}` };
  return { service: true, reason: `runs \`${describeStep(rest.join(" "))}\`` };
}

function strings(v: unknown): string[] {
  if (typeof v === "string") return v.trim() ? [v] : [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}


/** Severity per category: a service never needs these at run time; a base image is built on. */
export function categorySeverity(category: ToolCategory, service: boolean): RuleSeverity {
  if (!service) return "LOW";
  return category === "shell" || category === "package-manager" ? "MEDIUM" : "HIGH";
}

const RANK: Record<RuleSeverity, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export function attackSurface(
  live: Map<string, LiveEntry>,
  layers: (LayerRef | undefined)[],
  owners: Map<string, string>,
  config: ImageConfigLike,
): AttackSurface {
  const { service, reason } = serviceOf(config);
  const tools: AttackTool[] = [];
  const sizes = new Map<string, number>();
  for (const [path, { entry, layer }] of live) {
    if (!entry.tool) continue;
    const resolved = resolvePath(live, path);
    // A command that resolves to a non-executable file is not a command.
    if (resolved && !(resolved.entry.mode & 0o111)) continue;
    // The name as on disk (x86_64-linux-gnu-gcc-12): what someone would type.
    const tool: AttackTool = { name: base(path), category: entry.tool.category, path: "/" + path, size: resolved?.entry.size ?? 0 };
    if (entry.type !== "file") {
      const target = resolved?.path ?? linkTarget(path, entry.link ?? "");
      tool.resolved = "/" + target;
    }
    const ref = layers[layer];
    if (ref) tool.layer = ref;
    const pkg = ownerOf(owners, path) ?? (resolved ? ownerOf(owners, resolved.path) : undefined);
    if (pkg) tool.package = pkg;
    if (resolved) sizes.set(resolved.path, resolved.entry.size);
    tools.push(tool);
  }
  tools.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: AttackSurface = { service, reason, totalSize: [...sizes.values()].reduce((a, b) => a + b, 0), tools };
  let worst: RuleSeverity | undefined;
  for (const t of tools) {
    const s = categorySeverity(t.category, service);
    if (!worst || RANK[s] > RANK[worst]) worst = s;
  }
  if (worst) out.severity = worst;
  return out;
}

function linkTarget(path: string, link: string): string {
  return posix.normalize("/" + (link.startsWith("/") ? link : posix.dirname(path) + "/" + link)).slice(1);
}

// dpkg lists /bin/dash while a merged-/usr image stores usr/bin/dash (and the other way round).
const MERGED = [["usr/bin/", "bin/"], ["usr/sbin/", "sbin/"], ["usr/lib/", "lib/"], ["usr/lib64/", "lib64/"]] as const;

export function ownerOf(owners: Map<string, string>, path: string): string | undefined {
  const direct = owners.get(path);
  if (direct) return direct;
  for (const [long, shortForm] of MERGED) {
    if (path.startsWith(long)) return owners.get(shortForm + path.slice(long.length));
    if (path.startsWith(shortForm)) return owners.get(long + path.slice(shortForm.length));
  }
  return undefined;
}
