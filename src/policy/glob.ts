// Image-name globs for allowedRegistries and exceptions, matched against the normalized name
// `host[:port]/repository` (Docker Hub as `docker.io/library/…`). `*` matches within one path
// segment, `**` (a whole segment) matches one or more segments; an entry without "/" names a
// registry and matches every repository on it. Tags and digests are not part of the name.
import { formatReference, isDockerHub } from "../image/registry/reference.js";

export interface NameGlob {
  /** The pattern as written. */
  pattern: string;
  /** Its normalized form (Docker Hub spelled docker.io, library/ added to one-segment paths). */
  normalized: string;
  test(name: string): boolean;
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?$/;
// A path segment: the reference grammar's characters, with `*` anywhere.
const SEGMENT = /^[a-z0-9._*-]+$/;

/** Compiles a glob, or returns why it is not one (for a one-line error). */
export function compileGlob(pattern: string): NameGlob | string {
  if (pattern.trim() !== pattern || pattern === "") return "empty or surrounded by spaces";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pattern)) return "write host[:port][/path] without a URL scheme";
  if (pattern.includes("@")) return "digests are not part of an image-name glob";
  if (pattern !== pattern.toLowerCase()) return "image names are lowercase";
  const slash = pattern.indexOf("/");
  let host = slash < 0 ? pattern : pattern.slice(0, slash);
  if (!HOST.test(host)) return `"${host}" is not a registry host[:port] (wildcards are allowed only in the path)`;
  const port = host.includes(":") ? Number(host.slice(host.indexOf(":") + 1)) : 1;
  if (port < 1 || port > 65535) return `invalid port in "${host}"`;
  if (isDockerHub(host)) host = "docker.io";
  if (slash < 0) {
    const registry = host;
    return { pattern, normalized: registry, test: (name) => name.slice(0, name.indexOf("/")) === registry };
  }
  const segments = pattern.slice(slash + 1).split("/");
  for (const s of segments) {
    if (s === "") return "empty path segment";
    if (s.includes(":")) return "tags are not part of an image-name glob (match the repository)";
    if (!SEGMENT.test(s)) return `invalid characters in "${s}" (use a-z, 0-9, ".", "_", "-", "*" and "**")`;
    if (s.includes("**") && s !== "**") return `"**" must be a whole path segment, not part of "${s}"`;
  }
  // Docker Hub's official images live under library/, as `docker pull nginx` does it.
  if (host === "docker.io" && segments.length === 1 && segments[0] !== "**") segments.unshift("library");
  const normalized = `${host}/${segments.join("/")}`;
  const body = segments
    .map((s) => (s === "**" ? "[^/]+(?:/[^/]+)*" : s.split("*").map(escape).join("[^/]*")))
    .join("/");
  const re = new RegExp(`^${escape(host)}/${body}$`);
  return { pattern, normalized, test: (name) => re.test(name) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `docker.io/library/nginx` for a parsed registry reference (no tag, no digest). */
export function normalizedName(ref: { registry: string; repository: string }): string {
  return formatReference({ registry: ref.registry, repository: ref.repository });
}
