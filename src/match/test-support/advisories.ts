// Real OSV records for the matcher tests, served from memory.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "../../../test/support/upstream.js";
import type { OsvRecord, Package } from "../../model/index.js";
import { ecosystemBase, normalizeName } from "../../versioning/index.js";
import type { AdvisorySource } from "../types.js";

const GO_OSV = fixturePath("go-vulndb/data/osv");
const LOCAL = new URL("../testdata/osv-scanner/", import.meta.url);

function readJson(file: URL | string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Records copied from osv-scanner's offline test databases (see testdata/osv-scanner/SOURCE.txt). */
export function localRecords(): OsvRecord[] {
  return readdirSync(LOCAL)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson(new URL(f, LOCAL)) as OsvRecord);
}

/** go-vulndb records by id (GO-2024-2887 …). */
export function goRecords(ids: readonly string[]): OsvRecord[] {
  return ids.map((id) => readJson(join(GO_OSV, `${id}.json`)) as OsvRecord);
}

/**
 * Every go-vulndb record in the repository: the subset in test/fixtures/go-vulndb (see its
 * SOURCE.txt), which holds every record of stdlib, golang.org/x/net and golang.org/x/crypto.
 */
export function allGoRecords(): OsvRecord[] {
  return readdirSync(GO_OSV)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson(join(GO_OSV, f)) as OsvRecord);
}

/** The one Ubuntu notice in test/fixtures (USN-6188-1, Ubuntu Pro 14.04/16.04 only). */
export function ubuntuSample(): OsvRecord {
  return readJson(fixturePath("ubuntu-usn-osv-sample/osv/usn/USN-6188-1.json")) as OsvRecord;
}

/**
 * Full records answered by api.osv.dev in osv.dev's API regression snapshots (jinja2 on PyPI,
 * nokogiri on RubyGems, …). A snapshot file is `[name - n]` headers, each followed by JSON.
 */
export function apiSnapshotRecords(): OsvRecord[] {
  const text = readFileSync(fixturePath("osv.dev-apitester/tools/apitester/__snapshots__/cassette_single_query.snap"), "utf8");
  const byId = new Map<string, OsvRecord>();
  for (const part of text.split(/^\[.*\]$/m)) {
    const body = part.replace(/^\s*---\s*$/gm, "").trim();
    if (!body.startsWith("{")) continue;
    let answer: { vulns?: OsvRecord[] };
    try {
      answer = JSON.parse(body) as { vulns?: OsvRecord[] };
    } catch {
      continue;
    }
    for (const v of answer.vulns ?? []) if (v.affected?.some((a) => a.package)) byId.set(v.id, v);
  }
  return [...byId.values()];
}

/** An AdvisorySource over records, indexed as the database is: ecosystem base + package name. */
export function memorySource(records: readonly OsvRecord[]): AdvisorySource & { queries: string[] } {
  const index = new Map<string, OsvRecord[]>();
  const add = (key: string, r: OsvRecord) => {
    const list = index.get(key) ?? [];
    if (!list.includes(r)) list.push(r);
    index.set(key, list);
  };
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (!a.package) continue;
      const base = ecosystemBase(a.package.ecosystem);
      add(`${base}\u0000${a.package.name}`, r);
      add(`${base}\u0000${normalizeName(base, a.package.name)}`, r);
    }
  }
  const queries: string[] = [];
  return {
    queries,
    query(base: string, name: string) {
      queries.push(`${base}/${name}`);
      return index.get(`${base}\u0000${name}`) ?? [];
    },
  };
}

interface PackageInput {
  type?: string;
  name: string;
  version: string;
  source?: [string, string];
  purl?: string;
  metadata?: Record<string, string>;
}

/** A package as the analyzers report it, with a purl and a location in layer 1. */
export function pkg(p: PackageInput, namespace = "debian"): Package {
  const type = p.type ?? "deb";
  const layer = { digest: "sha256:" + "a".repeat(64), diffId: "sha256:" + "b".repeat(64), createdBy: "ADD rootfs.tar.xz /" };
  return {
    type,
    name: p.name,
    version: p.version,
    purl: p.purl ?? `pkg:${type}/${type === "deb" || type === "apk" || type === "rpm" ? `${namespace}/` : ""}${p.name}@${p.version}`,
    source: p.source ? { name: p.source[0], version: p.source[1] } : null,
    licenses: [],
    locations: [{ path: type === "deb" ? "/var/lib/dpkg/status" : `/app/${p.name}`, layer }],
    ...(p.metadata ? { metadata: p.metadata } : {}),
  };
}
