// Image references ("host/repo:tag@digest"), parsed per the distribution reference grammar with
// Docker Hub normalisation.
import { UserError } from "../../errors.js";
import { digestProblem } from "./digest.js";

export interface ImageReference {
  /** Registry host as used on the wire, with port if any ("registry-1.docker.io", "localhost:5000"). */
  registry: string;
  /** Repository path ("library/nginx"). */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB_REGISTRY = "registry-1.docker.io";
const HUB_NAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export function isDockerHub(registry: string): boolean {
  return HUB_NAMES.has(registry.toLowerCase());
}

const NAME_MAX = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

export function parseReference(input: string): ImageReference {
  const fail = (why: string): never => {
    throw new UserError("USAGE", `invalid image reference "${input}": ${why}`);
  };
  if (input === "") fail("it is empty");
  if (/\s/.test(input)) fail("it contains whitespace");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) fail("write host/repository:tag without a URL scheme");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) fail(problem);
  }

  // A tag is the text after the last ":" that comes after the last "/" (else the ":" is a port).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`invalid tag "${tag}" (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`);
  }
  if (rest === "") fail("the repository name is missing");
  if (rest.length > NAME_MAX) fail(`the name is longer than ${NAME_MAX} characters`);

  // The first component is a registry host when it looks like one, as Docker decides.
  let registry = "docker.io";
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const head = rest.slice(0, slash);
    if (head.includes(".") || head.includes(":") || head === "localhost" || head !== head.toLowerCase()) {
      registry = head;
      path = rest.slice(slash + 1);
      const problem = hostProblem(registry);
      if (problem) fail(problem);
    }
  }
  for (const component of path.split("/")) {
    if (component === "") fail("the repository path has an empty component");
    if (!PATH_COMPONENT.test(component)) {
      fail(component !== component.toLowerCase()
        ? "repository names must be lowercase"
        : `invalid repository path component "${component}"`);
    }
  }

  if (isDockerHub(registry)) {
    registry = DOCKER_HUB_REGISTRY;
    if (!path.includes("/")) path = `library/${path}`;
  } else {
    registry = registry.toLowerCase();
  }
  if (tag === undefined && digest === undefined) tag = "latest";
  return { registry, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function hostProblem(host: string): string | undefined {
  let name = host;
  let port: string | undefined;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    if (end < 0 || !/^[0-9a-fA-F:.]+$/.test(host.slice(1, end)) || !host.slice(1, end).includes(":")) {
      return `invalid IPv6 registry host "${host}"`;
    }
    const after = host.slice(end + 1);
    if (after !== "" && !after.startsWith(":")) return `invalid registry host "${host}"`;
    if (after !== "") port = after.slice(1);
    name = "";
  } else {
    const colon = host.indexOf(":");
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!name.split(".").every((label) => DOMAIN_LABEL.test(label))) return `invalid registry host "${host}"`;
  }
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    return `invalid registry port "${port}"`;
  }
  return undefined;
}

/** The canonical name, with "docker.io" for Docker Hub as Docker prints it. */
export function formatReference(ref: ImageReference): string {
  const host = ref.registry === DOCKER_HUB_REGISTRY ? "docker.io" : ref.registry;
  return `${host}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}

/** What goes after /manifests/: the digest when there is one (it wins over the tag). */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? "latest";
}
