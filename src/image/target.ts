// Target syntax: TRANSPORT:REFERENCE, or a bare path (auto-detected) or registry reference.
import { existsSync, statSync } from "node:fs";
import { UserError } from "../errors.js";
import type { TarArchive } from "./archive.js";

/**
 * `rootfs`: an installed system (a host, an unpacked image): installed packages only.
 * `dir`: a project tree: lockfiles and manifests count too.
 */
export type Transport = "docker-archive" | "oci" | "oci-archive" | "registry" | "dir" | "rootfs" | "sbom" | "archive-auto";

export interface Target {
  transport: Transport;
  /** Path or registry reference. */
  ref: string;
  /** `@N`, `@sha256:…` or a tag, for archives and layouts. */
  selector?: string;
  /** The target as written. */
  raw: string;
}

const PREFIXES: Record<string, Transport> = {
  "docker-archive": "docker-archive",
  oci: "oci",
  "oci-archive": "oci-archive",
  registry: "registry",
  docker: "registry",
  dir: "dir",
  rootfs: "rootfs",
  sbom: "sbom",
};

export function parseTarget(raw: string): Target {
  if (!raw) throw new UserError("USAGE", "no target given");
  const m = /^([a-z-]+):(.*)$/.exec(raw);
  if (m && PREFIXES[m[1]!] && !existsSync(raw)) {
    const transport = PREFIXES[m[1]!]!;
    const rest = m[2]!;
    if (transport === "registry") return { transport, ref: rest.replace(/^\/\//, ""), raw };
    if (!rest) throw new UserError("USAGE", `${raw}: missing path after "${m[1]}:"`);
    if (transport === "dir" || transport === "rootfs" || transport === "sbom") return { transport, ref: rest, raw };
    return { transport, ...splitSelector(rest), raw };
  }
  return detect(raw);
}

/** Splits `PATH[:TAG|@DIGEST|@N]`, preferring the longest prefix that exists on disk. */
function splitSelector(rest: string): { ref: string; selector?: string } {
  if (existsSync(rest)) return { ref: rest };
  const at = rest.lastIndexOf("@");
  if (at > 0 && existsSync(rest.slice(0, at))) return { ref: rest.slice(0, at), selector: rest.slice(at) };
  for (let i = rest.indexOf(":"); i !== -1; i = rest.indexOf(":", i + 1)) {
    if (existsSync(rest.slice(0, i))) return { ref: rest.slice(0, i), selector: rest.slice(i + 1) };
  }
  return { ref: rest };
}

function looksLikePath(s: string): boolean {
  return /^(\.{0,2}\/|~)/.test(s) || /\.(tar|tgz|tar\.gz)$/i.test(s);
}

function detect(raw: string): Target {
  if (existsSync(raw)) {
    const st = statSync(raw);
    if (st.isDirectory()) {
      if (existsSync(`${raw}/oci-layout`) || existsSync(`${raw}/index.json`)) return { transport: "oci", ref: raw, raw };
      return { transport: hasPackageDatabase(raw) ? "rootfs" : "dir", ref: raw, raw };
    }
    return { transport: "archive-auto", ref: raw, raw };
  }
  const split = splitSelector(raw);
  if (split.selector !== undefined && existsSync(split.ref)) {
    return { ...detect(split.ref), selector: split.selector, raw };
  }
  if (looksLikePath(raw)) throw new UserError("NOT_FOUND", `${raw}: no such file or directory`);
  return { transport: "registry", ref: raw, raw };
}

/** Where package managers keep their database of what is installed (dpkg, distroless, apk, rpm). */
const PACKAGE_DATABASES = [
  "var/lib/dpkg/status",
  "var/lib/dpkg/status.d",
  "lib/apk/db/installed",
  "var/lib/rpm/rpmdb.sqlite",
  "var/lib/rpm/Packages.db",
  "var/lib/rpm/Packages",
  "usr/lib/sysimage/rpm/rpmdb.sqlite",
  "usr/lib/sysimage/rpm/Packages.db",
  "usr/lib/sysimage/rpm/Packages",
];

/** A directory holding an OS package database is an installed system, not a project tree. */
export function hasPackageDatabase(dir: string): boolean {
  return PACKAGE_DATABASES.some((p) => existsSync(`${dir}/${p}`));
}

/** Decides docker-archive vs oci-archive for a bare tar file by looking at its members. */
export function detectArchive(a: TarArchive): "docker-archive" | "oci-archive" {
  if (a.has("manifest.json")) return "docker-archive";
  if (a.has("index.json") || a.has("oci-layout")) return "oci-archive";
  throw new UserError("INPUT", `${a.file}: a tar archive, but neither a docker archive (manifest.json) nor an OCI archive (index.json)`);
}
