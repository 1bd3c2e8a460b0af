// Registry/namespace filters: `*` stays inside one path segment, `**` crosses them, `?` is one
// character. Everything else is literal. Case-sensitive, as repository names are.
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let src = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        src += ".*";
        i++;
      } else src += "[^/]*";
    } else if (c === "?") src += "[^/]";
    else src += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  re = new RegExp(`^${src}$`);
  if (cache.size > 1000) cache.clear();
  cache.set(glob, re);
  return re;
}

/** True when `value` matches one of `globs`; an empty or absent list matches everything. */
export function matchesAny(value: string, globs: readonly string[] | undefined): boolean {
  if (!globs || globs.length === 0) return true;
  return globs.some((g) => globToRegExp(g).test(value));
}

/** Splits `host[:port]/path/name[:tag|@digest]` into registry and repository. */
export function splitImageName(ref: string): { registry: string; repository: string } {
  const noDigest = ref.split("@")[0]!;
  const slash = noDigest.indexOf("/");
  const first = slash < 0 ? "" : noDigest.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  let repository = hasRegistry ? noDigest.slice(slash + 1) : noDigest;
  const colon = repository.lastIndexOf(":");
  if (colon > repository.lastIndexOf("/")) repository = repository.slice(0, colon);
  if (!hasRegistry && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository };
}
