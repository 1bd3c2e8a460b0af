// Package keys of pnpm-lock.yaml across lockfile versions:
//   5.x  /name/1.2.3  /@scope/name/1.2.3_peer@1.0.0+other@2.0.0  registry.host/name/1.2.3
//   6.x  /name@1.2.3(peer@1.0.0)  /@scope/name@1.2.3
//   9.x  name@1.2.3(peer@1.0.0)   @scope/name@1.2.3

const VERSION = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.+-]*)?$/;

export function looksLikeVersion(v: string): boolean {
  return VERSION.test(v);
}

/** Splits `name@rest` at the `@` after the name; a scope's leading `@` belongs to the name. */
export function splitAt(s: string): { name: string; rest: string } | null {
  const at = s.indexOf("@", s.startsWith("@") ? 1 : 0);
  if (at <= 0) return null;
  return { name: s.slice(0, at), rest: s.slice(at + 1) };
}

/** Name and version in a package key, or null for keys that carry no registry version (git, file, tarball). */
export function parseKey(key: string, major: number): { name: string; version: string } | null {
  let k = key;
  const paren = k.indexOf("(");
  if (paren !== -1) k = k.slice(0, paren);
  const leadingSlash = k.startsWith("/");
  if (leadingSlash) k = k.slice(1);
  let name: string;
  let version: string;
  if (major >= 6) {
    const d = splitAt(k);
    if (!d) return null;
    ({ name, rest: version } = d);
  } else {
    const segs = k.split("/");
    // Without the leading slash the first segment is a registry host.
    if (!leadingSlash) segs.shift();
    const scoped = segs[0]?.startsWith("@") ?? false;
    if (segs.length !== (scoped ? 3 : 2)) return null;
    name = scoped ? `${segs[0]}/${segs[1]}` : segs[0]!;
    version = segs[segs.length - 1]!;
    // v5 peer suffix: 1.2.3_peer@1.0.0 (semver versions never contain "_").
    const us = version.indexOf("_");
    if (us !== -1) version = version.slice(0, us);
  }
  if (!name || (name.startsWith("@") && !/^@[^/]+\/[^/]+$/.test(name)) || !looksLikeVersion(version)) return null;
  return { name, version };
}
