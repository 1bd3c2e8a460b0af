// Dependencies declared in one pom.xml. Versions come from the dependency itself, from
// <dependencyManagement> in the same file, with ${…} resolved from <properties> and the
// project's own coordinates. Parent POMs and imported BOMs are not fetched.
import { type XmlElement, childOf, childrenOf, parseXml, textOf } from "./xml.js";

export interface PomDependency {
  groupId: string;
  artifactId: string;
  /** Resolved version; "" when it could not be resolved within this file. */
  version: string;
  /** The version as written, when it differs from `version` or could not be resolved. */
  declared?: string;
  scope: string;
  optional: boolean;
}

const MAX_ROUNDS = 10;

export function parsePom(text: string): PomDependency[] {
  const project = parseXml(text);
  if (project.name !== "project") throw new Error(`not a POM: root element is <${project.name}>`);
  const resolve = resolver(project);

  const managed = new Map<string, { version: string; scope: string }>();
  for (const d of childrenOf(childOf(childOf(project, "dependencyManagement"), "dependencies"), "dependency")) {
    const key = `${resolve(textOf(d, "groupId"))}:${resolve(textOf(d, "artifactId"))}`;
    if (!managed.has(key)) managed.set(key, { version: textOf(d, "version"), scope: textOf(d, "scope") });
  }

  const out: PomDependency[] = [];
  const seen = new Set<string>();
  for (const d of childrenOf(childOf(project, "dependencies"), "dependency")) {
    const groupId = resolve(textOf(d, "groupId"));
    const artifactId = resolve(textOf(d, "artifactId"));
    const key = `${groupId}:${artifactId}`;
    if (!groupId || !artifactId || seen.has(key)) continue;
    seen.add(key);
    const m = managed.get(key);
    // A version written on the dependency wins over the managed one, as in Maven.
    const raw = textOf(d, "version") || m?.version || "";
    const resolved = resolve(raw);
    const version = resolved.includes("${") ? "" : resolved;
    const dep: PomDependency = { groupId, artifactId, version, scope: resolve(textOf(d, "scope") || m?.scope || ""), optional: resolve(textOf(d, "optional")) === "true" };
    if (raw && raw !== version) dep.declared = raw;
    out.push(dep);
  }
  return out;
}

/** `${name}` substitution from <properties> and project coordinates (parent's as fallback). */
function resolver(project: XmlElement): (s: string) => string {
  const props = new Map<string, string>();
  const parent = childOf(project, "parent");
  for (const field of ["groupId", "artifactId", "version"]) {
    const v = textOf(project, field) || (field === "artifactId" ? "" : textOf(parent, field));
    if (v) for (const k of [`project.${field}`, `pom.${field}`, field]) props.set(k, v);
    const pv = textOf(parent, field);
    if (pv) for (const k of [`project.parent.${field}`, `parent.${field}`]) props.set(k, pv);
  }
  for (const p of childOf(project, "properties")?.children ?? []) props.set(p.name, p.text.trim());
  return (s: string): string => {
    for (let round = 0; round < MAX_ROUNDS && s.includes("${"); round++) {
      const next = s.replace(/\$\{([^}]*)\}/g, (whole, name: string) => props.get(name) ?? whole);
      if (next === s) break;
      // Bounded growth: a property that expands into itself many times is not a version.
      if (next.length > 4096) return s;
      s = next;
    }
    return s;
  };
}
