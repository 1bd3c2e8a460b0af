// Which advisories each installed package is checked against, per ecosystem: what `db update`
// must fetch, and what a scan must own up to when the database has nothing for an ecosystem or
// no advisory source exists for a package at all.
import type { OSInfo, Package } from "../model/index.js";
import { OS_PACKAGE_TYPES, languageEcosystem, osEcosystem, skippedAsOsOwned } from "./ecosystems.js";
import type { MatchOptions } from "./types.js";

/** Packages looked up in one OSV ecosystem. */
export interface CheckedGroup {
  kind: "osv";
  /** Query base (`Debian`, `PyPI`): the name the database keeps records and updates under. */
  base: string;
  /** The ecosystem as advisories name it: `Debian:12`, `Alpine:v3.19`, `PyPI`. */
  ecosystem: string;
  packages: number;
}

/** Packages no advisory source covers: an OS release OSV does not know, a purl type without advisories. */
export interface UncoveredGroup {
  kind: "none";
  /** The purl type of the packages (`rpm`, `generic`). */
  ecosystem: string;
  packages: number;
  /** `no advisory source for …`, one line. */
  reason: string;
}

export type CoverageGroup = CheckedGroup | UncoveredGroup;

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const MAX_NAMES = 3;

function purlType(purl: string | undefined): string | undefined {
  return purl ? /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\//.exec(purl)?.[1]?.toLowerCase() : undefined;
}

function osReason(os: OSInfo | null, type: string): string {
  if (!os) return `no advisory source for ${type} packages: the OS release is unknown`;
  const release = os.version ? `${os.family} ${os.version}` : `${os.family} (release unknown)`;
  return `no advisory source for ${release} (${type} packages)`;
}

function typeReason(type: string, names: Set<string>): string {
  const sorted = [...names].sort(compareText);
  const shown = sorted.slice(0, MAX_NAMES).join(", ") + (sorted.length > MAX_NAMES ? ", ..." : "");
  return `no advisory source for ${type} packages (${shown})`;
}

/**
 * Every package of a scan in exactly one group, as `matchPackages` looks it up: OS packages in
 * their release's ecosystem, language packages in theirs, the rest in one group per purl type
 * with no advisory source. A language package an OS package owns (and that is not matched on
 * its own, see MatchOptions) is covered by its owner's advisories, so it is counted with the
 * owner's ecosystem: checked when that is, not checked when that is not. Sorted by ecosystem.
 */
export function coverage(packages: readonly Package[], os: OSInfo | null, opts: MatchOptions = {}): CoverageGroup[] {
  const osEco = osEcosystem(os, opts);
  const checked = new Map<string, CheckedGroup>();
  const uncovered = new Map<string, { packages: number; os: boolean; names: Set<string> }>();
  const addChecked = (base: string, ecosystem: string): void => {
    const g = checked.get(ecosystem);
    if (g) g.packages++;
    else checked.set(ecosystem, { kind: "osv", base, ecosystem, packages: 1 });
  };
  const addUncovered = (type: string, isOs: boolean, name: string): void => {
    let g = uncovered.get(type);
    if (!g) uncovered.set(type, (g = { packages: 0, os: isOs, names: new Set() }));
    g.packages++;
    g.os ||= isOs;
    g.names.add(name);
  };
  for (const pkg of packages) {
    const ownerType = skippedAsOsOwned(pkg, opts) ? (purlType(pkg.ownedBy ?? pkg.metadata?.ownedBy) ?? pkg.type) : undefined;
    if (OS_PACKAGE_TYPES.has(pkg.type) || ownerType !== undefined) {
      if (osEco) addChecked(osEco.base, osEco.label);
      else addUncovered(ownerType ?? pkg.type, true, pkg.name);
      continue;
    }
    const eco = languageEcosystem(pkg);
    if (eco) addChecked(eco, eco);
    else addUncovered(pkg.type, false, pkg.name);
  }
  const none: UncoveredGroup[] = [...uncovered].map(([type, g]) => ({
    kind: "none",
    ecosystem: type,
    packages: g.packages,
    reason: g.os ? osReason(os, type) : typeReason(type, g.names),
  }));
  return [...checked.values(), ...none].sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.kind, b.kind));
}

/**
 * The OSV ecosystem bases a scan of these packages needs, sorted: what `db update` must fetch.
 * OS packages (and the language packages they own) need their release's base; language
 * packages their ecosystem's.
 */
export function ecosystemsFor(packages: readonly Package[], os: OSInfo | null, opts: MatchOptions = {}): string[] {
  const bases = new Set<string>();
  for (const g of coverage(packages, os, opts)) if (g.kind === "osv") bases.add(g.base);
  return [...bases].sort(compareText);
}
