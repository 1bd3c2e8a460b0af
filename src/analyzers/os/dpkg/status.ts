// Installed packages from dpkg's status file and distroless status.d files.
import type { Package } from "../../../model/index.js";
import { parseStanzas } from "./control.js";

/** At most this many messages per file: a garbage file must not flood the report. */
export const MAX_ERRORS = 20;

// The last word of `Status:` (want flag status). These states mean the package's files are on
// disk and configured; `deinstall ok installed` (selected for removal, not yet removed) counts.
const INSTALLED_STATES = new Set(["installed", "triggers-awaited", "triggers-pending"]);

export interface StatusResult {
  packages: Package[];
  errors: string[];
}

export function parseStatus(text: string, path: string): StatusResult {
  const packages: Package[] = [];
  const errors: string[] = [];
  let skipped = 0;
  const fail = (message: string) => {
    if (errors.length < MAX_ERRORS) errors.push(message);
    else skipped++;
  };

  for (const { line, fields } of parseStanzas(text)) {
    const name = fields.get("package");
    if (!name) {
      fail(`${path}: stanza at line ${line} has no Package field`);
      continue;
    }
    if (!isInstalled(fields.get("status"))) continue;
    const version = fields.get("version");
    if (!version) {
      fail(`${path}: package ${clip(name)} at line ${line} has no Version field`);
      continue;
    }
    packages.push(toPackage(name, version, fields, path));
  }
  if (skipped > 0) errors.push(`${path}: ${skipped} more problems not listed`);
  return { packages, errors };
}

/** status.d files (distroless) usually carry no Status field: their packages are installed. */
function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return true;
  const words = status.split(/\s+/);
  return INSTALLED_STATES.has(words[words.length - 1] ?? "");
}

function toPackage(name: string, version: string, fields: Map<string, string>, path: string): Package {
  const pkg: Package = {
    type: "deb",
    name,
    version,
    purl: "",
    source: parseSource(fields.get("source"), name, version),
    licenses: [],
    locations: [{ path: `/${path}` }],
  };
  const arch = fields.get("architecture");
  if (arch) pkg.arch = arch;
  const metadata: Record<string, string> = {};
  const maintainer = fields.get("maintainer");
  const installedSize = fields.get("installed-size");
  if (maintainer) metadata.maintainer = maintainer;
  if (installedSize) metadata.installedSize = installedSize;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

/**
 * `Source: glibc` or `Source: libcap2 (1:2.66-4+deb12u2)`. Without a version the source was
 * built at the binary's version; without the field the binary is its own source (as dpkg-query's
 * `${source:Package}` / `${source:Version}` report it).
 */
export function parseSource(field: string | undefined, name: string, version: string): { name: string; version: string } {
  const m = field ? /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(field) : null;
  if (!m) return { name, version };
  return { name: m[1]!, version: m[2] ?? version };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
