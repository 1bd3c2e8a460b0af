// Section 2 of `bulwark host`: the container stack on the host. The existing analyzers read the
// root (OS package databases; Go build info of the runtime binaries only, at their usual paths),
// the existing matcher checks them against the advisory database, and each component is named
// with its version, where it came from, and the known escapes among its vulnerabilities.
import { createReadStream, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { addVulnerabilities, analyzers, isUserError, toolVersion, type Analyzer, type Package, type Report, type VulnScanOptions } from "../index.js";
import { analyzeEntries, type EntryLike } from "../scan/layer.js";
import { merge } from "../scan/merge.js";
import { escapeOf } from "./escapes.js";
import type { HostRoot } from "./rootfs.js";
import type { HostNote, RuntimeComponent } from "./types.js";

interface ComponentSpec {
  component: string;
  binaries: string[];
  packages: string[];
  modules: string[];
  /** A version string printed in the binary, for binaries without module versions. */
  versionPattern?: RegExp;
}

export const COMPONENTS: readonly ComponentSpec[] = [
  { component: "runc", binaries: ["runc", "docker-runc"], packages: ["runc"], modules: ["github.com/opencontainers/runc"] },
  { component: "crun", binaries: ["crun"], packages: ["crun"], modules: [], versionPattern: /crun version ([0-9][0-9A-Za-z.+~-]*)/ },
  { component: "containerd", binaries: ["containerd", "docker-containerd"], packages: ["containerd", "containerd.io"], modules: ["github.com/containerd/containerd", "github.com/containerd/containerd/v2"] },
  { component: "containerd-shim", binaries: ["containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2"], packages: [], modules: ["github.com/containerd/containerd", "github.com/containerd/containerd/v2"] },
  { component: "dockerd", binaries: ["dockerd"], packages: ["docker.io", "docker-ce", "moby-engine", "docker-engine", "docker"], modules: ["github.com/docker/docker", "github.com/moby/moby"] },
  { component: "docker", binaries: ["docker"], packages: ["docker-ce-cli", "moby-cli", "docker-cli"], modules: ["github.com/docker/cli"] },
  { component: "cri-o", binaries: ["crio"], packages: ["cri-o", "crio"], modules: ["github.com/cri-o/cri-o"] },
  { component: "podman", binaries: ["podman"], packages: ["podman"], modules: ["github.com/containers/podman", "github.com/containers/podman/v4", "github.com/containers/podman/v5"] },
  { component: "kubelet", binaries: ["kubelet"], packages: ["kubelet", "kubernetes-node"], modules: ["k8s.io/kubernetes"] },
  { component: "kube-proxy", binaries: ["kube-proxy"], packages: ["kube-proxy"], modules: ["k8s.io/kubernetes"] },
];

/** Where runtime binaries live (plus the live host's PATH). */
export const BIN_DIRS = ["usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin", "bin", "sbin", "usr/libexec/docker", "usr/libexec/podman", "opt/bin", "usr/lib/cri-o-runc/sbin", "snap/bin"];

const OS_ANALYZERS = new Set(["os/release", "os/dpkg", "os/apk", "os/rpm"]);
const MAX_VERSION_SCAN = 64 * 1024 * 1024;

export interface RuntimeScanOptions {
  /** Match against advisories (default true). */
  vulns?: boolean;
  vuln?: VulnScanOptions;
  /** Extra directories (absolute, inside the root) to look for binaries in: the live host's PATH. */
  pathDirs?: string[];
  now?: Date;
}

export async function scanRuntimes(root: HostRoot, opts: RuntimeScanOptions, notes: HostNote[]): Promise<{ components: RuntimeComponent[]; report: Report }> {
  const dirs = new Set([...BIN_DIRS, ...(opts.pathDirs ?? []).map((d) => d.replace(/^\/+|\/+$/g, "")).filter(Boolean)]);
  const names = new Map<string, ComponentSpec>();
  for (const c of COMPONENTS) for (const b of c.binaries) names.set(b, c);
  const isRuntimeBinary = (p: string): boolean => {
    const slash = p.lastIndexOf("/");
    return names.has(p.slice(slash + 1)) && dirs.has(p.slice(0, Math.max(slash, 0)));
  };
  // Walking a whole live root to find a few binaries: only OS databases and the runtime binaries are wanted.
  const chosen: Analyzer[] = analyzers.filter((a) => OS_ANALYZERS.has(a.id));
  const go = analyzers.find((a) => a.id === "lang/gobinary");
  if (go) chosen.push({ ...go, required: (p, info) => isRuntimeBinary(p) && go.required(p, info) });
  const now = opts.now ?? new Date();
  const analysis = await analyzeEntries(candidates(root.dir, [...PACKAGE_DB_DIRS, ...dirs], chosen), chosen, root.dir);
  const merged = merge([{ analysis }], chosen, now);
  const report: Report = {
    schemaVersion: 1, tool: { name: "bulwark", version: toolVersion() }, artifact: { target: `rootfs:${root.dir}`, type: "rootfs", os: merged.os, layers: [] },
    packages: merged.packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [...analysis.errors, ...merged.errors],
  };
  for (const e of report.errors.slice(0, 20)) notes.push({ message: `runtime inventory: ${e.path ? `${e.path}: ` : ""}${e.message}` });
  // Keep only the packages of runtime components, so advisories are fetched for what matters here.
  const keep: Package[] = [];
  const components: RuntimeComponent[] = [];
  const seenBinaries = new Set<string>();
  for (const p of report.packages) {
    if (p.type === "golang") continue;
    const spec = COMPONENTS.find((c) => c.packages.includes(p.name));
    if (!spec) continue;
    keep.push(p);
    components.push({ component: spec.component, version: p.version, source: "os-package", path: p.locations[0]?.path ?? "", purl: p.purl, package: p.name, checked: false, vulnerabilities: [] });
  }
  const byBinary = new Map<string, Package[]>();
  for (const p of report.packages) {
    if (p.type !== "golang") continue;
    const loc = p.locations[0]?.path ?? "";
    if (!isRuntimeBinary(loc.replace(/^\//, ""))) continue;
    byBinary.set(loc, [...(byBinary.get(loc) ?? []), p]);
  }
  for (const [bin, pkgs] of byBinary) {
    const spec = names.get(bin.slice(bin.lastIndexOf("/") + 1))!;
    seenBinaries.add(bin);
    const mod = pkgs.find((p) => spec.modules.includes(p.name) && p.version !== "(devel)" && p.metadata?.mainModule === "true")
      ?? pkgs.find((p) => spec.modules.includes(p.name) && p.version !== "(devel)");
    if (mod) {
      keep.push(mod);
      components.push({ component: spec.component, version: mod.version, source: "go-buildinfo", path: bin, purl: mod.purl, checked: false, vulnerabilities: [] });
    } else {
      const c = versionFromStrings(root, bin, spec, components.some((x) => x.component === spec.component) ? [] : notes);
      if (c) components.push(c);
    }
  }
  // Runtime binaries without Go build info (crun is C; stripped or old Go builds).
  for (const spec of COMPONENTS) {
    if (!spec.versionPattern) continue;
    for (const d of dirs) {
      for (const b of spec.binaries) {
        const bin = `/${d}/${b}`;
        if (seenBinaries.has(bin) || !root.stat(bin)?.isFile) continue;
        seenBinaries.add(bin);
        const c = versionFromStrings(root, bin, spec, notes);
        if (c) components.push(c);
      }
    }
  }
  const matched: Report = { ...report, packages: keep, vulnerabilities: [], errors: [] };
  if (opts.vulns !== false && keep.length) {
    let ok = true;
    try {
      await addVulnerabilities(matched, opts.vuln ?? {}, now);
    } catch (e) {
      ok = false;
      // No advisory database (offline, never updated): the inventory still stands.
      if (!isUserError(e)) throw e;
      notes.push({ message: `runtimes not matched against advisories: ${(e as Error).message}` });
      matched.unchecked = [];
    }
    for (const e of matched.errors) notes.push({ message: `advisories: ${e.message}` });
    const unchecked = matched.unchecked ?? [];
    for (const u of unchecked) notes.push({ message: `not checked against advisories: ${u.reason}` });
    if (ok) {
      for (const c of components) {
        if (!c.purl) continue;
        const go = c.purl.startsWith("pkg:golang/");
        c.checked = !unchecked.some((u) => (go ? u.ecosystem === "Go" : u.ecosystem !== "Go"));
      }
    }
    for (const v of matched.vulnerabilities) {
      for (const c of components) {
        if (c.purl !== v.package.purl) continue;
        const esc = escapeOf(v.id, v.aliases);
        c.vulnerabilities.push({
          id: v.id, aliases: v.aliases, severity: v.severity, fixedVersions: v.fixedVersions, source: v.source,
          ...(v.title ? { title: v.title } : {}), ...(esc ? { escape: esc } : {}),
        });
      }
    }
  }
  for (const c of components) c.vulnerabilities.sort((a, b) => (a.escape ? 0 : 1) - (b.escape ? 0 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  components.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0) || (a.path < b.path ? -1 : 1));
  return { components, report: matched };
}

/** Directories (inside the root, not recursive) holding the OS package databases and os-release. */
export const PACKAGE_DB_DIRS = ["etc", "usr/lib", "var/lib/dpkg", "var/lib/dpkg/status.d", "var/lib/dpkg/info", "lib/apk/db", "var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];

/**
 * The files of a few directories that an analyzer wants: on a live host a whole-root walk is
 * minutes of I/O for a handful of files. Symlinks are not followed (as in a rootfs walk).
 */
async function* candidates(rootDir: string, dirs: string[], chosen: Analyzer[]): AsyncGenerator<EntryLike> {
  const seen = new Set<string>();
  for (const d of [...new Set(dirs)]) {
    let names: string[];
    try {
      // /bin and /usr/bin are one directory on a merged-/usr system: read it once.
      const real = realpathSync(join(rootDir, d));
      if (seen.has(real)) continue;
      seen.add(real);
      names = readdirSync(real).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const path = `${d}/${n}`;
      const full = join(rootDir, path);
      let st;
      try {
        st = lstatSync(full);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      const info = { mode: st.mode & 0o7777, size: st.size };
      if (!chosen.some((a) => a.required(path, info))) continue;
      yield {
        path, type: "file", size: st.size, mode: info.mode, linkname: "", localPath: full,
        read: () => Promise.resolve(readFileSync(full)),
        stream: () => createReadStream(full, { highWaterMark: 256 * 1024 }),
      };
    }
  }
}

/** A version printed in the binary ("crun version 1.8.1"); no version when there is none. */
function versionFromStrings(root: HostRoot, bin: string, spec: ComponentSpec, notes: HostNote[]): RuntimeComponent | null {
  const real = root.resolve(bin);
  const st = root.stat(bin);
  if (!real || !st?.isFile) return null;
  let version = "";
  if (spec.versionPattern) {
    try {
      const buf = readFileSync(real);
      if (buf.length <= MAX_VERSION_SCAN) version = spec.versionPattern.exec(buf.toString("latin1"))?.[1] ?? "";
    } catch {
      // unreadable: reported without a version
    }
  }
  if (!version) {
    notes.push({ message: `${bin}: ${spec.component} binary without a module version or version string; its OS package (if any) is what was matched` });
    return null;
  }
  return { component: spec.component, version, source: "version-string", path: bin, checked: false, vulnerabilities: [] };
}
