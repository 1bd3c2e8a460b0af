import { PackageURL } from "packageurl-js";
import type { Artifact } from "../../model/index.js";

interface ImageReference {
  /** Registry host plus repository path, e.g. docker.io/library/debian. */
  repositoryUrl: string;
  /** Last path segment: the purl name. */
  name: string;
  tag?: string;
}

// Reference grammar from the distribution spec, reduced to what a purl needs.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?$/;

/** Parses `[registry/]path[:tag][@digest]`; undefined when the text is not a reference. */
export function parseImageReference(text: string): ImageReference | undefined {
  let rest = text.split("@")[0] ?? "";
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) return undefined;
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  const name = parts[parts.length - 1] as string;
  return { repositoryUrl: `${registry}/${parts.join("/")}`, name, ...(tag ? { tag } : {}) };
}

/** File name without directories and archive extensions, for images loaded from disk. */
function baseName(target: string, type: string): string {
  const path = target.startsWith(`${type}:`) ? target.slice(type.length + 1) : target;
  const file = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  return file.replace(/\.(tar\.gz|tgz|tar|oci)$/i, "").toLowerCase();
}

/**
 * `pkg:oci/<name>@<digest>?arch=…&repository_url=…&tag=…` per the purl OCI type. Only when the
 * digest is known: an OCI purl without one does not identify an image.
 */
export function imagePurl(artifact: Artifact): string | undefined {
  if (!artifact.digest) return undefined;
  // A registry target is a reference; for archives and layouts the target is a path (where
  // "app.tar" would wrongly parse as a repository) and the names are the repo tags.
  const candidates = artifact.type === "registry" ? [artifact.target] : (artifact.names ?? []);
  const ref = candidates.map(parseImageReference).find((r) => r !== undefined);
  const qualifiers: Record<string, string> = {};
  const arch = artifact.platform?.split("/")[1];
  if (arch) qualifiers.arch = arch;
  if (ref) {
    qualifiers.repository_url = ref.repositoryUrl;
    if (ref.tag) qualifiers.tag = ref.tag;
  }
  const name = ref?.name ?? baseName(artifact.target, artifact.type);
  if (!name) return undefined;
  return new PackageURL("oci", undefined, name, artifact.digest, qualifiers, undefined).toString();
}
