// Package URL matching for VEX product identifiers and ignore rules.
import { PackageURL } from "packageurl-js";

export interface PurlPattern {
  type: string;
  namespace: string;
  name: string;
  version: string;
  qualifiers: Record<string, string>;
  subpath: string;
  text: string;
}

export function parsePurl(text: string): PurlPattern | null {
  try {
    const p = PackageURL.fromString(text.trim());
    const qualifiers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.qualifiers ?? {})) if (typeof v === "string") qualifiers[k] = v;
    return {
      type: p.type,
      namespace: p.namespace ?? "",
      name: p.name,
      version: p.version ?? "",
      qualifiers,
      subpath: p.subpath ?? "",
      text,
    };
  } catch {
    return null;
  }
}

/**
 * Whether `purl` is one of the packages `pattern` names. Type, namespace and name must be
 * equal. A version in the pattern must equal the package's; a pattern *without* a version
 * names every version of the package (how OpenVEX product ids and Trivy read it: the author
 * chose to leave the version out). Qualifiers and subpath only narrow: each one the pattern
 * gives must be present with the same value, and those it omits are not compared (a VEX
 * written as `pkg:deb/debian/libssl3@3.0.13-1~deb12u1` applies whatever the arch).
 */
export function purlMatches(pattern: PurlPattern, purl: string): boolean {
  const p = parsePurl(purl);
  if (!p) return false;
  if (p.type !== pattern.type || p.namespace !== pattern.namespace || p.name !== pattern.name) return false;
  if (pattern.version && p.version !== pattern.version) return false;
  if (pattern.subpath && p.subpath !== pattern.subpath) return false;
  return Object.entries(pattern.qualifiers).every(([k, v]) => p.qualifiers[k] === v);
}
