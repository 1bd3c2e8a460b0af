// apk-tools' installed database (lib/apk/db/installed): blank-line separated records of
// single-letter `K:value` lines. P name, V version, A arch, L license, o origin, m maintainer,
// I installed size, c commit, F a directory, R a file inside the last F (a, M, Z: attributes and
// checksums of the entry before them). Letters we do not use are skipped.
import type { Package } from "../../../model/index.js";

/** At most this many messages per file: a garbage file must not flood the report. */
export const MAX_ERRORS = 20;

export interface InstalledDbResult {
  packages: Package[];
  errors: string[];
}

interface ApkRecord {
  line: number;
  values: Map<string, string>;
  files: string[];
}

export function parseInstalledDb(text: string, path: string): InstalledDbResult {
  const packages: Package[] = [];
  const errors: string[] = [];
  let skipped = 0;
  const fail = (message: string) => {
    if (errors.length < MAX_ERRORS) errors.push(message);
    else skipped++;
  };

  for (const rec of records(text)) {
    const name = rec.values.get("P");
    const version = rec.values.get("V");
    if (!name) {
      fail(`${path}: record at line ${rec.line} has no P: (name) line`);
      continue;
    }
    if (!version) {
      fail(`${path}: package ${clip(name)} at line ${rec.line} has no V: (version) line`);
      continue;
    }
    packages.push(toPackage(rec, name, version, path));
  }
  if (skipped > 0) errors.push(`${path}: ${skipped} more problems not listed`);
  return { packages, errors };
}

function* records(text: string): Generator<ApkRecord> {
  let rec: ApkRecord | null = null;
  let dir = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      if (rec) yield rec;
      rec = null;
      dir = "";
      continue;
    }
    rec ??= { line: i + 1, values: new Map(), files: [] };
    // Anything not shaped `K:value` is junk (a truncated or corrupt line): skip it.
    if (line.length < 2 || line[1] !== ":") continue;
    const key = line[0]!;
    const value = line.slice(2);
    if (key === "F") dir = value;
    else if (key === "R") rec.files.push(dir ? `/${dir}/${value}` : `/${value}`);
    else if (!rec.values.has(key)) rec.values.set(key, value);
  }
  if (rec) yield rec;
}

function toPackage(rec: ApkRecord, name: string, version: string, path: string): Package {
  const v = rec.values;
  const license = v.get("L")?.trim();
  const pkg: Package = {
    type: "apk",
    name,
    version,
    purl: "",
    // The origin is the aport the package was built from, always at the same version.
    source: { name: v.get("o") || name, version },
    // Kept as one expression: apk writes SPDX expressions (`MPL-2.0 AND MIT`) as well as
    // free-form lists (`MIT BSD GPL2+`) and splitting the latter would guess.
    licenses: license ? [license] : [],
    locations: [{ path: `/${path}` }],
  };
  const arch = v.get("A");
  if (arch) pkg.arch = arch;
  if (rec.files.length > 0) pkg.files = rec.files;
  const metadata: Record<string, string> = {};
  const maintainer = v.get("m");
  const installedSize = v.get("I");
  const commit = v.get("c");
  if (maintainer) metadata.maintainer = maintainer;
  if (installedSize) metadata.installedSize = installedSize;
  if (commit) metadata.commit = commit;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
